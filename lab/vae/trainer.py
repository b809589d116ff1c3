"""VAETrainer: maximise the ELBO on MNIST or a 2-D toy distribution, with the lab's protocol.

    max_{theta, phi}  E_x [ -beta KL(q_phi(z|x) || p(z)) + E_q[log p_theta(x|z)] ]
beta = 1 is the lecture's ELBO; the curves always report the ELBO itself (beta = 1), in nats
per example (per image on MNIST).

With the Bernoulli decoder the digits are binarised: each training image is a fresh Bernoulli
draw of its grey levels every time a minibatch holds it (dynamic binarisation), the held-out
images one fixed draw. The ELBO and the IWAE bound are then bounds on the log-probability of a
black-and-white image, in nats, comparable with published tables on binarised MNIST.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch

from lab.data import mnist, toy
from lab.device import pick_device
from lab.history import History
from lab.nets import seeded
from lab.protocol import TrainingDiverged, same_run
from lab.vae.gap import GapAtX, gap_at, log_marginal, resolved
from lab.vae.model import VAE, binarize, bounds, elbo, evaluating

LIVE_FIELDS = ("beta", "lr", "batch_size", "sigma", "pair")
TOY_TRAIN, TOY_HELD_OUT = 10_000, 2_000
HELD_OUT_MAX = 2_000  # held-out examples kept for the pictures
EVAL_EXAMPLES = 500  # the held-out examples every evaluation averages over (the same ones each time)
IWAE_K = 20  # samples of q(z|x) per example: the ELBO and the importance-weighted bound share them
BINARIZE_SEED = 1234  # the held-out digits' one fixed black-and-white draw
GAP_EVERY, GAP_EXAMPLES, GAP_CHECKED = 1000, 50, 5
"""With a 1- or 2-D latent on 2-D data, log p(x) by quadrature (`lab.vae.gap`) and the gap
log p(x) - ELBO on the first GAP_EXAMPLES held-out examples, every GAP_EVERY steps (and at step 0),
and whether the grid resolves the posterior (checked on the first GAP_CHECKED): under a tenth of the
training time for a 2-D latent (`python -m bench.vae`)."""
EVAL_EVERY = {"mnist": 250, "toy": 50}
"""Gradient steps between held-out evaluations (and one at step 0): chosen so that evaluating takes
at most a tenth of the training time (`python -m bench.vae` prints the share)."""


@dataclass(frozen=True)
class VAEConfig:
    data: str = "mnist"  # "mnist" or a 2-D toy distribution's name
    latent_dim: int = 2
    likelihood: str = "bernoulli"  # or "gaussian": N(x; f(z), sigma^2 I)
    sigma: float = 0.1  # the Gaussian decoder's sigma (its start value when learned)
    learn_sigma: bool = False
    beta: float = 1.0  # weight of the KL term in the training objective
    architecture: str = "mlp"  # or "conv" (MNIST only)
    width: int = 400
    depth: int = 1
    lr: float = 1e-3
    lr_decay_steps: int = 0  # 0: the learning rate stays `lr`; see `lr_factor`
    batch_norm: bool = False  # BatchNorm in the MLPs' hidden layers (`lab.nets.mlp`)
    batch_size: int = 128
    seed: int = 0
    pair: tuple[int, int] = (0, 1)  # held-out examples to interpolate between

    live_fields: ClassVar[tuple[str, ...]] = LIVE_FIELDS

    def __post_init__(self) -> None:
        if self.data != "mnist" and toy.get(self.data).dim != 2:
            raise ValueError("VAE data: 'mnist' or a 2-D toy distribution")
        if self.data != "mnist" and self.likelihood == "bernoulli":
            raise ValueError("the Bernoulli decoder is for images in [0, 1]; 2-D data needs the Gaussian one")
        if not 1 <= self.latent_dim <= 32 or self.sigma <= 0 or self.beta < 0 or self.lr_decay_steps < 0:
            raise ValueError("latent_dim in 1..32, sigma > 0, beta >= 0, lr_decay_steps >= 0")
        if self.batch_norm and self.architecture != "mlp":
            raise ValueError("batch_norm is for the MLPs")


LR_FLOOR = 0.05
"""The learning rate after the decay, as a fraction of the config's `lr`."""
MNIST_LR, MNIST_LR_DECAY_STEPS = 1e-2, 1000
"""The lesson's MNIST training (with BatchNorm in the MLPs): within 10 s here its held-out ELBO
reaches what a plain VAE at lr 1e-3 (pytorch/examples) reaches in 60 s (`python -m bench.vae`)."""


def mnist_config(**fields: Any) -> VAEConfig:
    """The VAE lesson's MNIST model, what its page builds and bench.vae measures: VAEConfig's
    defaults with `fields` changed, Adam at MNIST_LR (unless `fields` names an lr) decayed over
    MNIST_LR_DECAY_STEPS, BatchNorm in the MLPs (the conv nets have none)."""
    fields.setdefault("lr", MNIST_LR)
    batch_norm = fields.get("architecture", "mlp") == "mlp"
    return VAEConfig(lr_decay_steps=MNIST_LR_DECAY_STEPS, batch_norm=batch_norm, **fields)


def lr_factor(step: int, decay_steps: int) -> float:
    """The learning rate at gradient step `step` (from 0) as a fraction of the config's `lr`:
    1 throughout when decay_steps is 0; otherwise a linear warm-up over the first decay_steps / 10
    steps, times a cosine decay from 1 to LR_FLOOR at step decay_steps (Loshchilov & Hutter 2017),
    LR_FLOOR after:  warm-up(t) * (LR_FLOOR + (1 - LR_FLOOR) (1 + cos(pi min(t / T, 1))) / 2).
    Large steps while the ELBO is far from its maximum, small ones once near it: the minibatch
    noise of the steps no longer keeps the ELBO a few nats below what the model can reach."""
    if decay_steps == 0:
        return 1.0
    warm_up = min(1.0, (step + 1) / max(1, decay_steps // 10))
    cosine = 0.5 * (1.0 + math.cos(math.pi * min(step / decay_steps, 1.0)))
    return warm_up * (LR_FLOOR + (1.0 - LR_FLOOR) * cosine)


@dataclass
class VAESnapshot:
    step: int
    config: VAEConfig
    source: str  # which data set, said on the page in one line
    source_details: str  # more about it, folded
    n_train: int
    n_held_out: int
    history: dict[str, list[float]]  # step, elbo, recon, kl (training minibatches, beta = 1)
    evals: dict[str, list[float]]  # step, iwae, elbo, recon, kl (held out)
    gaps: (
        dict[str, list[float]] | None
    )  # step, log_px, elbo, gap, resolved (1 or 0) (1- or 2-D latent on 2-D data)
    mu: np.ndarray  # (n, latent) posterior means of held-out examples
    logvar: np.ndarray  # (n, latent)
    labels: np.ndarray  # (n,) digit or mixture component
    z_samples: np.ndarray  # (n, latent) one draw of q(z|x) each: the aggregate posterior
    sigma: float  # the Gaussian decoder's sigma now
    is_image: bool
    manifold: np.ndarray  # images: (rows, cols, 28, 28); 2-D: (lines, points, 2) f(z) over grid lines
    originals: np.ndarray  # (r, dim) held-out examples
    reconstructions: np.ndarray  # (r, dim) E[x|z = mu(x)]
    prior_samples: np.ndarray  # images: (s, 784) E[x|z], z ~ p(z); 2-D: (s, 2) x ~ p(x|z)
    interpolation: np.ndarray  # (steps, dim) E[x|z] along the line between the pair's mu


class VAETrainer:
    """A VAE on MNIST (the bundled subset offline) or on samples of a toy distribution."""

    def __init__(self, config: VAEConfig, device: torch.device | None = None, evaluate: bool = True) -> None:
        """`evaluate` False: no scheduled held-out evaluation or gap (a run measured by its caller)."""
        self.device = device or pick_device()
        if config.data == "mnist":
            data = mnist.load()
            self.source, self.source_details = data.source, data.details
            train, test, test_labels = data.train_images, data.test_images, data.test_labels
            self.train = torch.as_tensor(train).to(self.device)
            self.test = torch.as_tensor(test[:HELD_OUT_MAX]).to(self.device)
            self.test_labels = np.asarray(test_labels[:HELD_OUT_MAX])
        else:
            dist = toy.get(config.data)
            rng = torch.Generator().manual_seed(1234)
            self.source = f"{dist.title}: {TOY_TRAIN:,} training and {TOY_HELD_OUT:,} held-out samples"
            self.source_details = ""
            self.train = dist.sample(TOY_TRAIN, rng).to(self.device)
            test, labels = dist.sample_labeled(TOY_HELD_OUT, rng)
            self.test, self.test_labels = test.to(self.device), labels.numpy()
        self.binarized = config.likelihood == "bernoulli"  # only images get the Bernoulli decoder
        if self.binarized:
            self.test = binarize(self.test, torch.Generator().manual_seed(BINARIZE_SEED))
            self.source += ", binarised"
            self.source_details += (
                " Each pixel is drawn black or white with its grey level as probability: the training digits "
                "afresh in every minibatch, the held-out digits once."
            )
        self.extent = 0.0 if config.data == "mnist" else toy.get(config.data).extent
        self.model = seeded(config.seed, lambda: VAE(
            self.train.shape[1], config.latent_dim, config.width, config.depth, config.likelihood,
            config.sigma, config.learn_sigma, config.architecture, config.batch_norm,
        )).to(self.device).eval()  # fmt: skip
        # evaluation mode except inside `step`: with BatchNorm, what is drawn and measured is a
        # function of each x alone
        if self.binarized and config.architecture == "mlp":
            self.model.start_at_mean_image(self.train.mean(0))
        self.opt = torch.optim.Adam(self.model.parameters(), lr=config.lr)
        self.rng = torch.Generator().manual_seed(config.seed + 1)
        self.eval_rng = torch.Generator().manual_seed(config.seed + 2)
        self.step_count = 0
        self.history = History("elbo", "recon", "kl")
        self.evals = History("iwae", "elbo", "recon", "kl", "mse")
        self.eval_every = EVAL_EVERY["mnist" if config.data == "mnist" else "toy"] if evaluate else None
        exact = evaluate and config.data != "mnist" and config.latent_dim <= 2
        self.gaps = History("log_px", "elbo", "gap", "resolved") if exact else None
        self.config = config
        if evaluate:
            self.evaluate()
        if self.gaps is not None:
            self.measure_gap()

    def update(self, config: VAEConfig) -> None:
        """Adopt new beta, learning rate, batch size, fixed sigma or interpolation pair."""
        if not same_run(self.config, config):
            raise ValueError("only " + ", ".join(LIVE_FIELDS) + " can change mid-run")
        if not config.learn_sigma and config.sigma != self.config.sigma:
            self.model.log_sigma.fill_(math.log(config.sigma))
        self.config = config
        self._set_lr()

    def _set_lr(self) -> None:
        """The optimizer's learning rate for the next step: the config's, scaled by `lr_factor`."""
        for group in self.opt.param_groups:
            group["lr"] = self.config.lr * lr_factor(self.step_count, self.config.lr_decay_steps)

    def step(self, n: int = 1) -> dict[str, float]:
        """n gradient steps on minibatches of the training set; the ELBO parts of the last."""
        m, beta = self.config.batch_size, self.config.beta
        records = []
        for _ in range(n):
            records.append(self._train_step(m, beta))
            self.step_count += 1
            if self.eval_every and self.step_count % self.eval_every == 0:
                self.evaluate()
            if self.gaps is not None and self.step_count % GAP_EVERY == 0:
                self.measure_gap()
        if not records:
            return {"step": self.step_count}
        values = torch.stack(records).cpu().numpy()
        self.history.extend(range(self.step_count - n + 1, self.step_count + 1), values)
        if not np.isfinite(values).all():
            raise TrainingDiverged(
                f"the ELBO became NaN or infinite at step {self.step_count}: lower the learning rate"
            )
        return {"step": self.step_count, "elbo": float(values[-1, 0])}

    def _train_step(self, m: int, beta: float) -> torch.Tensor:
        """One gradient step on a minibatch of m training examples (the model in training mode for
        it only); its (ELBO, E_q log p(x|z), KL) means."""
        self._set_lr()
        idx = torch.randint(len(self.train), (m,), generator=self.rng).to(self.device)
        x = binarize(self.train[idx], self.rng) if self.binarized else self.train[idx]
        self.model.train()
        try:
            total, recon, kl = elbo(self.model, x, self.rng)
            loss = -(recon - beta * kl).mean()
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
        finally:
            self.model.eval()
        return torch.stack([total.mean(), recon.mean(), kl.mean()]).detach()

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """On the first EVAL_EXAMPLES held-out examples, from the same IWAE_K samples of q(z|x) each:
        the ELBO, its parts, the importance-weighted bound (>= the ELBO, see `bounds`) and the
        reconstruction error (MSE per pixel or coordinate); in nats per example. Recorded in `evals`."""
        with evaluating(self.model):
            found = bounds(self.model, self.test[:EVAL_EXAMPLES], IWAE_K, self.eval_rng)
        result = {name: float(getattr(found, name).mean()) for name in self.evals.names}
        self.evals.append(self.step_count, result)
        return result

    @torch.no_grad()
    def measure_gap(self) -> None:
        """Record log p(x) by quadrature, the ELBO (from IWAE_K draws of q(z|x) each) and the gap
        log p(x) - ELBO = KL(q(z|x) || p(z|x)), averaged over the first GAP_EXAMPLES held-out examples."""
        assert self.gaps is not None
        x = self.test[:GAP_EXAMPLES]
        with evaluating(self.model):
            found = bounds(self.model, x, IWAE_K, self.eval_rng)
            log_px = float(log_marginal(self.model, x).mean())
            sharp = float(resolved(self.model, x[:GAP_CHECKED]))
        elbo_x = float(found.elbo.mean())
        self.gaps.append(
            self.step_count, {"log_px": log_px, "elbo": elbo_x, "gap": log_px - elbo_x, "resolved": sharp}
        )

    def state_dict(self) -> dict:
        """The model, its optimizer, the random states, the step count and the histories."""
        return {
            "step_count": self.step_count,
            "model": self.model.state_dict(),
            "opt": self.opt.state_dict(),
            "rng": self.rng.get_state(),
            "eval_rng": self.eval_rng.get_state(),
            "history": self.history.state_dict(),
            "evals": self.evals.state_dict(),
            "gaps": self.gaps.state_dict() if self.gaps is not None else {},
        }

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.opt.load_state_dict(state["opt"])
        self.rng.set_state(state["rng"])
        self.eval_rng.set_state(state["eval_rng"])
        self.history.load_state_dict(state["history"])
        self.evals.load_state_dict(state["evals"])
        if self.gaps is not None:
            self.gaps.load_state_dict(state["gaps"])
        self.step_count = int(state["step_count"])


@torch.no_grad()
def vae_snapshot(trainer: VAETrainer, n_latent: int = 1000) -> VAESnapshot:
    """The latent space of held-out examples, what the decoder makes, the histories; drawn with a
    generator of its own, so looking changes nothing."""
    rng = torch.Generator().manual_seed(trainer.config.seed + 3)
    model = trainer.model
    x = trainer.test[:n_latent]
    mu, logvar = model.encode(x)
    z = mu + (0.5 * logvar).exp() * torch.randn(mu.shape, generator=rng).to(trainer.device)
    is_image = trainer.config.data == "mnist"
    prior = torch.randn(32 if is_image else 500, trainer.config.latent_dim, generator=rng).to(trainer.device)
    prior_x = model.mean(prior)
    if not is_image and trainer.config.likelihood == "gaussian":
        prior_x = prior_x + model.log_sigma.exp() * torch.randn(prior_x.shape, generator=rng).to(
            trainer.device
        )
    a, b = (i % len(trainer.test) for i in trainer.config.pair)
    t = torch.linspace(0, 1, 10, device=trainer.device)[:, None]
    path = model.mean((1 - t) * mu[a] + t * mu[b])
    originals = x[:10] if is_image else x[:200]
    return VAESnapshot(
        step=trainer.step_count,
        config=trainer.config,
        source=trainer.source,
        source_details=trainer.source_details.strip(),
        n_train=len(trainer.train),
        n_held_out=len(trainer.test),
        history=trainer.history.thinned(),
        evals=trainer.evals.thinned(),
        gaps=trainer.gaps.thinned() if trainer.gaps is not None else None,
        mu=mu.cpu().numpy(),
        logvar=logvar.cpu().numpy(),
        labels=trainer.test_labels[:n_latent],
        z_samples=z.cpu().numpy(),
        sigma=float(model.log_sigma.exp()),
        is_image=is_image,
        manifold=decoded_grid(trainer, is_image),
        originals=originals.cpu().numpy(),
        reconstructions=model.mean(model.encode(originals)[0]).cpu().numpy(),
        prior_samples=prior_x.cpu().numpy(),
        interpolation=path.cpu().numpy(),
    )


def decoded_grid(trainer: VAETrainer, is_image: bool, size: int = 15) -> np.ndarray:
    """Decoded grid over the latent plane (z_1, z_2) at prior quantiles; other z's at 0."""
    latent = trainer.config.latent_dim
    quantiles = torch.tensor([statistics.NormalDist().inv_cdf((i + 0.5) / size) for i in range(size)])
    if is_image:
        rows = quantiles.flip(0) if latent >= 2 else torch.zeros(1)
        z = torch.zeros(len(rows), size, latent)
        z[..., 0] = quantiles[None, :]
        if latent >= 2:
            z[..., 1] = rows[:, None]
        images = trainer.model.mean(z.view(-1, latent).to(trainer.device)).cpu()
        return images.view(len(rows), size, 28, 28).numpy()
    t = torch.linspace(-2.5, 2.5, 41)
    lines = torch.zeros(2 if latent >= 2 else 1, size if latent >= 2 else 1, len(t), latent)
    lines[0, :, :, 0] = t
    if latent >= 2:
        lines[0, :, :, 1] = quantiles[:, None]
        lines[1, :, :, 0] = quantiles[:, None]
        lines[1, :, :, 1] = t
    x = trainer.model.mean(lines.view(-1, latent).to(trainer.device)).cpu()
    return x.view(-1, len(t), 2).numpy()


def gap_at_held_out(trainer: VAETrainer, index: int) -> GapAtX:
    """The exact picture of the gap (`lab.vae.gap.gap_at`) at the run's held-out example `index`, now."""
    return gap_at(trainer.model, trainer.test[index : index + 1])
