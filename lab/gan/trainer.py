"""GANTrainer: the lecture's training loop on 2-D toy data.

for each generator step:
    for k steps:  ascend  1/m sum_i [log D(x_i) + log(1 - D(G(z_i)))]   in D's parameters
    descend the chosen generator loss (1), (2) or (3) of the lecture       in G's parameters

Protocol shared by every trainer of the lab: construct from a config dataclass, `step(n)`
advances n generator steps and returns the latest metrics, `snapshot()` returns what the
plots need.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import torch

from lab.data import toy
from lab.device import pick_device
from lab.gan.losses import GENERATOR_LOSSES, discriminator_loss, generator_loss
from lab.gan.optimal import grid_2d, jsd, kde_on_grid
from lab.metrics import mode_coverage
from lab.nets import BatchedMLP

OPTIMIZERS = ("adam", "sgd")
ARCHITECTURES = ("mlp", "dcgan")
LIVE_FIELDS = ("generator_loss", "k", "batch_size", "lr_d", "lr_g", "d_to_optimum")
"""Config fields that can change mid-run; any other change needs a fresh trainer."""

OPTIMUM_D_STEPS = 100
"""D steps per G step when the inner maximisation is run (close) to its optimum D*."""

HISTORY = ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm", "g_update_norm")
"""What `step` records per generator step and model: g_grad_norm is the norm of G's gradient,
g_update_norm the norm of the step the optimizer actually took, ||theta_G after - theta_G before||
(SGD: lr times the gradient's norm; Adam rescales each coordinate, so its step barely depends
on the gradient's scale)."""

JSD_BANDWIDTH = 0.1
"""Kernel width h at which p_data and p_G are compared by `GANTrainer.evaluate`."""


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite."""


@dataclass(frozen=True)
class GANConfig:
    data: str = "ring8"
    generator_loss: str = "non_saturating"
    k: int = 1  # discriminator steps per generator step
    batch_size: int = 128  # m in the lecture
    lr_d: float = 2e-3
    lr_g: float = 1e-3
    optimizer: str = "adam"
    width: int = 128
    depth: int = 3
    noise_dim: int = 2
    seed: int = 0
    d_to_optimum: bool = False  # "solve the inner max": OPTIMUM_D_STEPS D steps per G step
    d_pretrain: int = 0  # D steps against the initial G before training starts (a strong D)
    architecture: str = "mlp"  # or "dcgan": small conv nets, for "mnist" only

    @property
    def d_steps(self) -> int:
        """Discriminator steps per generator step."""
        return OPTIMUM_D_STEPS if self.d_to_optimum else self.k

    def __post_init__(self) -> None:
        if self.generator_loss not in GENERATOR_LOSSES:
            raise ValueError(f"generator_loss must be one of {GENERATOR_LOSSES}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}")
        if self.k < 1 or self.batch_size < 1 or self.width < 1 or self.noise_dim < 1 or self.d_pretrain < 0:
            raise ValueError("k, batch_size, width and noise_dim must be positive")
        if self.architecture not in ARCHITECTURES or (self.architecture == "dcgan" and self.data != "mnist"):
            raise ValueError(f"architecture must be one of {ARCHITECTURES}; dcgan is for mnist")
        if self.data != "mnist":
            toy.get(self.data)  # raises on an unknown name

    @property
    def title(self) -> str:
        return "MNIST digits" if self.data == "mnist" else toy.get(self.data).title

    def describe(self, losses: str | None = None) -> str:
        """One line for the status bar: what this run is (`losses` overrides the loss's name)."""
        opt = {"adam": "Adam", "sgd": "SGD"}[self.optimizer]
        return (
            f"{self.title} · loss {losses or self.generator_loss} · k = {self.d_steps}"
            f"{' (D to its optimum)' if self.d_to_optimum else ''} · m = {self.batch_size}"
            f" · lr D {self.lr_d:g}, G {self.lr_g:g} ({opt})"
            f" · {'DCGAN conv nets' if self.architecture == 'dcgan' else f'{self.depth}×{self.width} units'}"
            f" · z in R^{self.noise_dim} · seed {self.seed}"
        )

    def same_run(self, other: GANConfig) -> bool:
        """True when `other` differs from this config only in LIVE_FIELDS."""
        fixed = {f: getattr(self, f) for f in LIVE_FIELDS}
        return replace(other, **fixed) == self


@dataclass
class GANSnapshot:
    """Everything the playground draws, as numpy arrays (no tensors, no autograd)."""

    step: int
    config: GANConfig
    real: np.ndarray  # (n, 2) samples of p_data
    fake: np.ndarray  # (n, 2) samples of p_G
    grid_axis: np.ndarray  # (S,) cell centres along x and along y
    d_grid: np.ndarray  # (S, S) D(x) = sigmoid(logit), rows follow y
    arrows_from: np.ndarray  # (a, 2) generated points
    arrows_dir: np.ndarray  # (a, 2) -d(generator loss)/dx at those points
    manifold: np.ndarray  # (lines, points, 2) G applied to grid lines of a 2-D noise slice
    history: dict[str, list[float]]  # per generator step: step, d_loss, g_loss, d_real, d_fake
    evals: dict[str, list[float]]  # per evaluation: step, modes, high_quality, jsd
    extent: float
    has_modes: bool
    n_modes: int


class GANTrainer:
    """Trains generators G: z -> x and discriminators D: x -> logit on a toy p_data.

    Usually one pair. Given several generator losses, it trains one (G, D) pair per loss, all
    from the same initial weights and on the same data and noise, in one batched pass (the
    saturation lesson's side-by-side runs); model 0 is the one `snapshot` draws.
    """

    def __init__(
        self,
        config: GANConfig,
        device: torch.device | None = None,
        generator_losses: tuple[str, ...] | None = None,
    ) -> None:
        self.config = config
        self.losses = generator_losses or (config.generator_loss,)
        self.device = device or pick_device()
        self.p_data = self._data()
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            self.G, self.D = self._nets(len(self.losses))
        self.G.to(self.device)
        self.D.to(self.device)
        self.opt_d = self._optimizer(self.D, config.lr_d)
        self.opt_g = self._optimizer(self.G, config.lr_g)
        self.rng = torch.Generator().manual_seed(config.seed + 1)  # data and noise
        self.eval_rng = torch.Generator().manual_seed(config.seed + 2)  # never used by training
        self.step_count = 0
        self.histories: list[dict[str, list[float]]] = [
            {k: [] for k in ("step", *HISTORY)} for _ in self.losses
        ]
        self.evals: dict[str, list[float]] = {k: [] for k in ("step", "modes", "high_quality", "jsd")}
        self.seconds_training = 0.0
        self._p_data_h: np.ndarray | None = None  # smoothed p_data on the evaluation grid
        if config.d_pretrain:
            self.pretrain_d(config.d_pretrain)

    def _data(self) -> toy.GaussianMixture:
        """p_data: something with sample(n, generator) and dim."""
        return toy.get(self.config.data)

    def _nets(self, copies: int) -> tuple[torch.nn.Module, torch.nn.Module]:
        """G: (copies, n, noise_dim) -> (copies, n, dim) and D: (copies, n, dim) -> (copies, n, 1)."""
        cfg, dim = self.config, self.p_data.dim
        return (
            BatchedMLP(copies, cfg.noise_dim, dim, cfg.width, cfg.depth),
            BatchedMLP(copies, dim, 1, cfg.width, cfg.depth),
        )

    @property
    def history(self) -> dict[str, list[float]]:
        """Model 0's history: per generator step, step, d_loss, g_loss, d_real, d_fake, g_grad_norm."""
        return self.histories[0]

    def _optimizer(self, net: torch.nn.Module, lr: float) -> torch.optim.Optimizer:
        """Adam (beta1 = 0.5, as in DCGAN) or plain SGD; the fused kernels where supported."""
        if self.config.optimizer == "adam":
            make = partial(torch.optim.Adam, net.parameters(), lr=lr, betas=(0.5, 0.999))
        else:
            make = partial(torch.optim.SGD, net.parameters(), lr=lr)
        try:
            return make(fused=True)
        except RuntimeError:
            return make(foreach=True)

    # ----------------------------------------------------------------- live hyper-parameters
    def update(self, config: GANConfig) -> None:
        """Adopt new values of LIVE_FIELDS without losing the run."""
        if not self.config.same_run(config):
            raise ValueError("only " + ", ".join(LIVE_FIELDS) + " can change mid-run")
        self.config = config
        if len(self.losses) == 1:  # one run: its loss is the config's (side-by-side runs keep theirs)
            self.losses = (config.generator_loss,)
        for group in self.opt_d.param_groups:
            group["lr"] = config.lr_d
        for group in self.opt_g.param_groups:
            group["lr"] = config.lr_g

    # ----------------------------------------------------------------------------- training
    def _noise(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.config.noise_dim, generator=self.rng).to(self.device)

    def _draw(self, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        """k minibatches of real data and k + 1 of noise, shared by every model."""
        m = self.config.batch_size
        real = self.p_data.sample(k * m, self.rng).to(self.device).view(k, 1, m, -1)
        noise = self._noise((k + 1) * m).view(k + 1, 1, m, -1)
        copies = len(self.losses)
        return real.expand(-1, copies, -1, -1), noise.expand(-1, copies, -1, -1)

    def _d_step(self, real: torch.Tensor, noise: torch.Tensor, d_params: list) -> tuple[torch.Tensor, ...]:
        """One ascent step of every D on log D(x) + log(1 - D(G(z))); returns (losses, real logits, fake logits)."""
        m = self.config.batch_size
        with torch.no_grad():
            fake = self.G(noise)
        logits = self.D(torch.cat([real, fake], dim=1))
        real_logits, fake_logits = logits[:, :m], logits[:, m:]
        losses = discriminator_loss(real_logits, fake_logits, dim=(1, 2))  # one per model
        _descend(self.opt_d, losses.sum(), d_params)  # the models are independent: sum = each
        return losses.detach(), real_logits.detach(), fake_logits.detach()

    def pretrain_d(self, n: int) -> None:
        """n steps of D alone against the initial G: a strong discriminator from the start."""
        d_params = list(self.D.parameters())
        for _ in range(n):
            real, noise = self._draw(1)
            self._d_step(real[0], noise[0], d_params)

    def step(self, n: int = 1) -> dict[str, float]:
        """Advance n generator steps (each after k discriminator steps); return model 0's latest metrics."""
        started = time.perf_counter()
        k = self.config.d_steps
        d_params = list(self.D.parameters())
        g_params = list(self.G.parameters())
        records = []
        for _ in range(n):
            # One draw per generator step, so results do not depend on how steps are chunked.
            real, noise = self._draw(k)
            for j in range(k):
                d_losses, real_logits, fake_logits = self._d_step(real[j], noise[j], d_params)
            # Generator step: only G's gradients are computed; D is held fixed.
            g_logits = self.D(self.G(noise[k]))
            g_losses = torch.stack(
                [generator_loss(lg, kind) for lg, kind in zip(g_logits, self.losses, strict=True)]
            )
            before = [p.detach().clone() for p in g_params]
            grads = _descend(self.opt_g, g_losses.sum(), g_params)
            with torch.no_grad():
                copies = len(self.losses)
                grad_norm = _norm_per_copy(grads, copies)
                update_norm = _norm_per_copy(
                    tuple(p - b for p, b in zip(g_params, before, strict=True)), copies
                )
                d_real = torch.sigmoid(real_logits).mean(dim=(1, 2))
                d_fake = torch.sigmoid(fake_logits).mean(dim=(1, 2))
                records.append(
                    torch.stack([d_losses, g_losses.detach(), d_real, d_fake, grad_norm, update_norm], dim=1)
                )
        values = torch.stack(records).cpu().numpy()  # (n, models, len(HISTORY))
        first = self.step_count + 1
        self.step_count += n
        for model, history in enumerate(self.histories):
            history["step"].extend(range(first, self.step_count + 1))
            for col, name in enumerate(HISTORY):
                history[name].extend(values[:, model, col].tolist())
        self.seconds_training += time.perf_counter() - started
        if not np.isfinite(values).all():
            raise TrainingDiverged(
                f"the losses became NaN or infinite at step {self.step_count}: "
                "the learning rates are probably too large for this optimizer"
            )
        return {
            "step": self.step_count,
            **{name: float(values[-1, 0, col]) for col, name in enumerate(HISTORY)},
        }

    def discriminator(self, x: torch.Tensor, model: int = 0) -> torch.Tensor:
        """D's logits at points x of shape (n, dim), for one model: shape (n, 1)."""
        return self.D(x.to(self.device).expand(len(self.losses), -1, -1))[model]

    # --------------------------------------------------------------------------- evaluation
    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None, model: int = 0) -> torch.Tensor:
        """n generated points G(z), z ~ N(0, I), of one model, as a CPU tensor."""
        z = torch.randn(n, self.config.noise_dim, generator=generator or self.eval_rng)
        return self.generate(z, model).cpu()

    def generate(self, z: torch.Tensor, model: int = 0) -> torch.Tensor:
        """G(z) of one model for noise z of shape (n, noise_dim)."""
        return self.G(z.to(self.device).expand(len(self.losses), -1, -1))[model]

    def evaluate(self, n: int = 2000) -> dict[str, float]:
        """Modes covered, high-quality fraction and JSD(p_data || p_G); appended to `evals`.

        JSD is computed by quadrature on a grid between p_data and p_G both smoothed by the same
        Gaussian kernel of width h = JSD_BANDWIDTH: p_data exactly (a mixture stays a mixture),
        p_G by a (binned) kernel density estimate from n samples. In nats, in [0, log 2]. Smoothing
        both by the same kernel never raises a divergence, so this is a lower bound on the true JSD.
        The grid's cells are at most h/2 wide on every data set, so the kernel is resolved.
        """
        fake = self.sample(n)
        modes, quality = mode_coverage(fake, self.p_data.modes, self.p_data.std)
        grid_size = jsd_grid_size(self.p_data.extent)
        axis, points, cell = grid_2d(self.p_data.extent, grid_size)
        if self._p_data_h is None or self._p_data_h.size != grid_size**2:
            p_data_h = self.p_data.smoothed(JSD_BANDWIDTH).log_prob(points).exp()
            self._p_data_h = p_data_h.numpy().reshape(grid_size, grid_size)
        p_g_h = kde_on_grid(fake.numpy(), axis, JSD_BANDWIDTH)
        result = {
            "step": self.step_count,
            "modes": modes,
            "high_quality": quality,
            "jsd": jsd(self._p_data_h, p_g_h, cell),
        }
        for key, value in result.items():
            self.evals[key].append(value)
        return result

    def snapshot(self, n: int = 400, grid_size: int = 48, n_arrows: int = 60) -> GANSnapshot:
        """What the playground draws; also runs `evaluate` once."""
        self.evaluate()
        extent = self.p_data.extent
        real = self.p_data.sample(n, self.eval_rng).numpy()
        fake = self.sample(n).numpy()
        axis, points, _ = grid_2d(extent, grid_size)
        with torch.no_grad():
            logits = self.discriminator(torch.as_tensor(points, dtype=torch.float32))
        d_grid = torch.sigmoid(logits).view(grid_size, grid_size).cpu().numpy()
        x = torch.as_tensor(fake[:n_arrows], device=self.device).requires_grad_(True)
        loss = generator_loss(self.discriminator(x), self.losses[0]) * len(x)
        (grad,) = torch.autograd.grad(loss, x)
        return GANSnapshot(
            step=self.step_count,
            config=self.config,
            real=real,
            fake=fake,
            grid_axis=axis,
            d_grid=d_grid,
            arrows_from=fake[:n_arrows],
            arrows_dir=-grad.cpu().numpy(),
            manifold=self._manifold(),
            history={k: list(v) for k, v in self.history.items()},
            evals={k: list(v) for k, v in self.evals.items()},
            extent=extent,
            has_modes=self.p_data.has_modes,
            n_modes=len(self.p_data.modes),
        )

    @torch.no_grad()
    def _manifold(self, lines: int = 11, points: int = 41, reach: float = 2.5) -> np.ndarray:
        """G applied to a grid of lines over the noise plane (z_1, z_2) in [-reach, reach]^2.

        Other noise coordinates are held at 0. Horizontal lines first, then vertical ones.
        """
        t = torch.linspace(-reach, reach, points)
        if self.config.noise_dim == 1:  # the image of the noise line: one curve
            z = t[None, :, None]
        else:
            levels = torch.linspace(-reach, reach, lines)
            z = torch.zeros(2, lines, points, self.config.noise_dim)
            z[0, :, :, 0] = t
            z[0, :, :, 1] = levels[:, None]
            z[1, :, :, 0] = levels[:, None]
            z[1, :, :, 1] = t
        x = self.generate(z.reshape(-1, self.config.noise_dim)).cpu()
        return x.view(-1, points, x.shape[-1]).numpy()


def jsd_grid_size(extent: float) -> int:
    """Cells per side of the JSD grid over [-extent, extent]^2: each at most JSD_BANDWIDTH / 2 wide."""
    return math.ceil(2 * extent / (JSD_BANDWIDTH / 2))


def _norm_per_copy(grads: tuple[torch.Tensor, ...], copies: int) -> torch.Tensor:
    """The gradient's norm for each model: batched parameters carry the model in dimension 0."""
    if copies == 1:  # also covers ordinary nets, whose parameters have no model dimension
        return torch.cat([g.flatten() for g in grads]).norm()[None]
    return torch.cat([g.flatten(1) for g in grads], dim=1).norm(dim=1)


def _descend(
    optimizer: torch.optim.Optimizer, loss: torch.Tensor, params: list[torch.Tensor]
) -> tuple[torch.Tensor, ...]:
    """One optimizer step on `loss`, differentiating only with respect to `params`; the gradients."""
    grads = torch.autograd.grad(loss, params)
    for p, g in zip(params, grads, strict=True):
        p.grad = g
    optimizer.step()
    return grads
