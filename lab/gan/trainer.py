"""GANTrainer: the lecture's training loop, given its parts (p_data, G, D, a generator loss).

The loop is `GANTrainer.iteration`, one generator step as the slide *Actual Training Process*
writes it:

for each generator step:
    for k steps:  ascend  1/m sum_i [log D(x_i) + log(1 - D(G(z_i)))]   in D's parameters
    descend the chosen generator loss (1), (2) or (3) of the lecture       in G's parameters

`step(n)` runs n iterations to their end; slow motion (`lab.gan.slow_motion`) pauses the same
iteration after each sub-step. Each lesson builds the parts (`lab.gan.playground.toy_gan`,
`lab.gan.mnist_gan.mnist_gan`, ...) and reads the trainer through a snapshot function of its own.
What the run measures (modes, JSD, digit scores) runs inside the loop every `eval_every`
steps, so a run records the same things at the same steps however often it is looked at.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Protocol

import numpy as np
import torch
from torch import nn

from lab.data import toy
from lab.device import pick_device
from lab.gan.losses import GENERATOR_LOSSES, discriminator_loss, generator_loss, r1_penalty
from lab.history import History
from lab.protocol import TrainingDiverged, same_run

OPTIMIZERS = ("adam", "sgd")
NOISE_PRIORS = ("gaussian", "uniform")
UNIFORM_REACH = math.sqrt(3.0)
"""The uniform prior's half-width: U(-a, a) has variance a^2 / 3 = 1, like N(0, 1)."""
R1_EVERY = 4
"""R1 is added on every R1_EVERY-th generator step only, R1_EVERY times as heavy (see `d_loss`)."""
FADE_STEPS = 6_000
FADE_FLOOR = 0.1
FADE_HELD_FROM = round((1 - FADE_FLOOR) * FADE_STEPS)
"""Instance noise and the R1 weight fall linearly from their start values, reaching 0 at FADE_STEPS
generator steps if they went on, and are held at FADE_FLOOR times their start from there (step
FADE_HELD_FROM, 5,400): enough to keep D smooth, little enough for G to sharpen its modes."""
ANNEAL_STEPS = 4_000
"""Annealed learning rates fall linearly over this many generator steps to FADE_FLOOR times their
values, and are held there (see `annealed`)."""


def sample_noise(n: int, dim: int, prior: str, generator: torch.Generator | None = None) -> torch.Tensor:
    """n draws of z from G's prior p(z): N(0, I), or uniform on [-sqrt 3, sqrt 3]^dim (mean 0 and
    variance 1 in each coordinate, like the Gaussian, but bounded: a cell of the plane per mode is
    easier to carve out of a square than out of a Gaussian's tails)."""
    if prior == "uniform":
        return (2.0 * torch.rand(n, dim, generator=generator) - 1.0) * UNIFORM_REACH
    return torch.randn(n, dim, generator=generator)


def annealed(step: int, lr_fall_from: int) -> float:
    """The learning rates' factor at generator step `step`: 1 until `lr_fall_from` (0: always 1),
    then falling linearly to FADE_FLOOR over ANNEAL_STEPS steps, then held: G's last steps are small,
    so its samples settle on the modes instead of jittering around them."""
    if not lr_fall_from:
        return 1.0
    return max(FADE_FLOOR, 1.0 - (1.0 - FADE_FLOOR) * max(0, step - lr_fall_from) / ANNEAL_STEPS)


def fading(step: int, start: float) -> float:
    """The instance noise's standard deviation, or R1's weight γ, at generator step `step`:
    start * max(FADE_FLOOR, 1 - step / FADE_STEPS)."""
    return start * max(FADE_FLOOR, 1.0 - step / FADE_STEPS)


SAMPLE_Z = "Sample a minibatch of m noise samples z ~ p_z"
SAMPLE_X = "Sample a minibatch of m examples x ~ p_data"
UPDATE_D = "Update D by ascending its stochastic gradient"
UPDATE_G = "Sample m noise samples z; update G by descending its stochastic gradient"


@dataclass(frozen=True)
class Moment:
    """Where `GANTrainer.iteration` stands after one of its sub-steps: the slide's words, which of
    the k D steps (0 for G's update), and that sub-step's tensors."""

    title: str
    d_round: int
    noise: torch.Tensor  # z, (m, noise_dim)
    real: torch.Tensor | None = None  # x, (m, dim)
    d_loss: torch.Tensor | None = None  # D's loss on (x, z) before its update
    fake: torch.Tensor | None = None  # G(z) before G's update


HISTORY = ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm", "g_update_norm")
"""What `step` records per generator step: g_grad_norm is the norm of G's gradient,
g_update_norm the norm of the step the optimizer actually took, ||theta_G after - theta_G before||
(SGD: lr times the gradient's norm; Adam rescales each coordinate, so its step barely depends
on the gradient's scale)."""


class Sampler(Protocol):
    """p_data as the loop sees it: minibatches of points of dimension `dim`."""

    dim: int

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor: ...


@dataclass(frozen=True)
class GANConfig:
    """The loop's settings; a lesson that needs more extends it (see `lab.gan.optimal_d`)."""

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
    noise_prior: str = "gaussian"  # p(z): see `sample_noise`
    instance_noise: float = 0.0  # sigma of the noise added to every point D sees, at the start
    g_average: float = 0.0  # beta of the moving average of G's weights that is drawn and measured
    r1: float = 0.0  # γ of D's R1 penalty (see `GANTrainer.d_loss`), at the start
    lr_fall_from: int = 0  # generator step from which both learning rates fall (see `annealed`); 0: never
    seed: int = 0

    live_fields: ClassVar[tuple[str, ...]] = (
        "generator_loss",
        "k",
        "batch_size",
        "lr_d",
        "lr_g",
        "lr_fall_from",
    )
    """Fields that can change mid-run; any other change needs a fresh trainer."""

    def __post_init__(self) -> None:
        if self.generator_loss not in GENERATOR_LOSSES:
            raise ValueError(f"generator_loss must be one of {GENERATOR_LOSSES}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}")
        if self.noise_prior not in NOISE_PRIORS:
            raise ValueError(f"noise_prior must be one of {NOISE_PRIORS}")
        if self.instance_noise < 0 or self.r1 < 0 or not 0 <= self.g_average < 1 or self.lr_fall_from < 0:
            raise ValueError("instance_noise >= 0, r1 >= 0, g_average in [0, 1) and lr_fall_from >= 0")
        if self.k < 1 or self.batch_size < 1 or self.width < 1 or self.noise_dim < 1:
            raise ValueError("k, batch_size, width and noise_dim must be positive")
        if self.data != "mnist":
            toy.get(self.data)  # raises on an unknown name


@dataclass(frozen=True)
class Evaluation:
    """What a run measures and how often: `measure(trainer, rng)` returns a value for each of
    `names`; it runs after every `every`-th generator step (and at step 0 if `at_start`)."""

    names: tuple[str, ...]
    measure: Callable[[GANTrainer, torch.Generator], dict[str, float]]
    every: int
    at_start: bool = True


class GANTrainer:
    """Trains a generator G: z -> x, noise (n, noise_dim) to points (n, dim), and a discriminator
    D: x -> logit, points (n, dim) to logits (n, 1), against p_data. Runs side by side are several
    trainers (`lab.protocol.SideBySide`)."""

    def __init__(
        self,
        config: GANConfig,
        p_data: Sampler,
        G: nn.Module,
        D: nn.Module,
        evaluation: Evaluation | None = None,
        device: torch.device | None = None,
    ) -> None:
        self.config = config
        self.device = device or pick_device()
        self.p_data = p_data
        self.G, self.D = G.to(self.device), D.to(self.device)
        self.opt_d = self._optimizer(self.D, config.lr_d)
        self.opt_g = self._optimizer(self.G, config.lr_g)
        # Polyak-style averaging (Yazici et al. 2019): theta_avg <- beta theta_avg + (1 - beta) theta_G
        # after every G step; what is drawn and measured is G with theta_avg
        self.G_average = copy.deepcopy(self.G).requires_grad_(False) if config.g_average else None
        self.rng = torch.Generator().manual_seed(config.seed + 1)  # data and noise
        self.eval_rng = torch.Generator().manual_seed(config.seed + 2)  # evaluations only
        self.blur_rng = torch.Generator().manual_seed(config.seed + 3)  # instance noise only
        self.step_count = 0
        self.history = History(*HISTORY)
        self.evaluation = evaluation
        self.eval_every = evaluation.every if evaluation else None  # steps between two evaluations
        self.evals = History(*(evaluation.names if evaluation else ()))
        self._rows: list[torch.Tensor] = []  # HISTORY rows of the steps since the last `flush`
        if evaluation and evaluation.at_start:
            self.evaluate()

    def _optimizer(self, net: nn.Module, lr: float) -> torch.optim.Optimizer:
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
        """Adopt new values of the config's live fields without losing the run."""
        if not same_run(self.config, config):
            raise ValueError("only " + ", ".join(self.config.live_fields) + " can change mid-run")
        self.config = config
        self.set_learning_rates()

    def set_learning_rates(self) -> None:
        """The config's learning rates of D and G, `annealed` at this step."""
        scale = annealed(self.step_count, self.config.lr_fall_from)
        for group in self.opt_d.param_groups:
            group["lr"] = self.config.lr_d * scale
        for group in self.opt_g.param_groups:
            group["lr"] = self.config.lr_g * scale

    # ----------------------------------------------------------------------------- training
    def draw_minibatches(self, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        """k minibatches of real data, (k, m, dim), and k + 1 of noise, (k + 1, m, noise_dim): the
        slide's "sample minibatch of m examples" and "of m noise samples" for one iteration."""
        m = self.config.batch_size
        real = self.p_data.sample(k * m, self.rng).to(self.device).view(k, m, -1)
        noise = sample_noise((k + 1) * m, self.config.noise_dim, self.config.noise_prior, self.rng)
        return real, noise.to(self.device).view(k + 1, m, -1)

    def d_loss(
        self, real: torch.Tensor, noise: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | float, torch.Tensor, torch.Tensor]:
        """D's loss −1/m Σ [log D(x) + log(1 − D(G(z)))] on one minibatch of each, G held fixed, and
        the R1 penalty γ/2 · 1/m Σ ||∇_x l(x)||² on the real x, γ = `fading(step, config.r1)` (0
        when the config has none or no gradient is taken); (loss, penalty, real logits, fake logits)."""
        # speed: R1 on every R1_EVERY-th step only, R1_EVERY times as heavy (lazy R1, Karras et al. 2020)
        m = self.config.batch_size
        with torch.no_grad():
            fake = self.G(noise)
        x = self.blurred(torch.cat([real, fake]))
        lazy = torch.is_grad_enabled() and self.step_count % R1_EVERY == 0
        gamma = R1_EVERY * fading(self.step_count, self.config.r1) if lazy else 0.0
        logits = self.D(x.requires_grad_(gamma > 0))  # one D pass over real and fake
        real_logits, fake_logits = logits[:m], logits[m:]
        penalty = gamma / 2 * r1_penalty(real_logits, x) if gamma else 0.0
        return discriminator_loss(real_logits, fake_logits), penalty, real_logits, fake_logits

    def step(self, n: int = 1) -> dict[str, float]:
        """Advance n generator steps: n iterations of the loop, each to its end; the latest metrics."""
        for _ in range(n):
            for _ in self.iteration():
                pass
        return self.flush()

    def iteration(
        self, d_steps: int | None = None, update_d: bool = True, update_g: bool = True
    ) -> Iterator[Moment]:
        """One iteration of the slide's *Actual Training Process*, yielding after each of its 3k + 1
        sub-steps. Slow motion walks through it; `step` runs it to its end. `d_steps` (k by default),
        `update_d` and `update_g` make the manual steps: D only (k = 1, no G update, no step counted)
        and G only (k = 1, D's loss measured but D not updated)."""
        k = self.config.k if d_steps is None else d_steps
        if self.config.lr_fall_from:
            self.set_learning_rates()
        real, noise = self.draw_minibatches(k)  # one draw per iteration: chunking the steps changes nothing
        for j in range(k):
            # ---- (1) D ascends 1/m Σ [log D(x) + log(1 − D(G(z)))]: it descends its negative ----
            yield Moment(SAMPLE_Z, j + 1, noise=noise[j])
            yield Moment(SAMPLE_X, j + 1, noise=noise[j], real=real[j])
            d_loss, r1, real_logits, fake_logits = self.d_loss(real[j], noise[j])
            if update_d:
                self.opt_d.zero_grad(set_to_none=True)
                (d_loss + r1).backward()  # r1: D kept flat on the data (0 unless config.r1)
                self.opt_d.step()
            yield Moment(UPDATE_D, j + 1, noise=noise[j], real=real[j], d_loss=d_loss.detach())
        if not update_g:
            return
        # ---- (2) G descends its loss (1), (2) or (3) of the lecture, D held fixed ----
        g_params = list(self.G.parameters())
        fake = self.G(noise[k])
        g_loss = generator_loss(self.D(self.blurred(fake)), self.config.generator_loss)
        before = [p.detach().clone() for p in g_params]  # to measure the step the optimizer takes
        self.opt_g.zero_grad(set_to_none=True)
        g_loss.backward(inputs=g_params)  # G's gradients only: D's are not needed
        self.opt_g.step()
        if self.G_average is not None:
            self.average_g()
        self.step_count += 1
        self._rows.append(self._history_row(d_loss, real_logits, fake_logits, g_loss, before))
        if self.eval_every and self.step_count % self.eval_every == 0:
            self._check_finite(self._rows[-1])
            self.evaluate()
        yield Moment(UPDATE_G, 0, noise=noise[k], fake=fake.detach())

    def average_g(self) -> None:
        """Polyak-style averaging (Yazici et al. 2019): θ_avg ← β θ_avg + (1 − β) θ_G after a G step."""
        with torch.no_grad():
            for average, p in zip(self.G_average.parameters(), self.G.parameters(), strict=True):
                average.lerp_(p, 1.0 - self.config.g_average)
            for average, b in zip(self.G_average.buffers(), self.G.buffers(), strict=True):
                average.copy_(b)  # batch norm's running statistics, as G has them

    @torch.no_grad()
    def _history_row(
        self,
        d_loss: torch.Tensor,
        real_logits: torch.Tensor,
        fake_logits: torch.Tensor,
        g_loss: torch.Tensor,
        before: list[torch.Tensor],
    ) -> torch.Tensor:
        """One generator step's HISTORY row: the last D step's loss and mean D(x), D(G(z)), then G's
        loss, gradient norm and update norm."""
        g_params = list(self.G.parameters())
        grad_norm = norm(p.grad for p in g_params)
        update_norm = norm(p - b for p, b in zip(g_params, before, strict=True))
        d_real, d_fake = torch.sigmoid(real_logits).mean(), torch.sigmoid(fake_logits).mean()
        return torch.stack([d_loss, g_loss, d_real, d_fake, grad_norm, update_norm])

    def flush(self) -> dict[str, float]:
        """Add the rows of the steps taken since the last flush to the histories (one transfer from
        the device per `step` call, not per step), raising if a value is not finite; the latest
        metrics (only the step, when no step was taken)."""
        rows, self._rows = self._rows, []
        if not rows:
            return {"step": self.step_count}
        values = torch.stack(rows).cpu().numpy()  # (n, len(HISTORY))
        first = self.step_count - len(rows) + 1
        self.history.extend(range(first, first + len(rows)), values)
        self._check_finite(values)
        return {"step": self.step_count, **dict(zip(HISTORY, values[-1].tolist(), strict=True))}

    def pretrain_d(self, n: int) -> None:
        """n steps of D alone against the initial G: a strong discriminator from the start."""
        for _ in range(n):
            for _ in self.iteration(d_steps=1, update_g=False):
                pass

    def blurred(self, x: torch.Tensor) -> torch.Tensor:
        """x plus the instance noise of this step, N(0, s^2 I) with s = `fading` (x itself
        when the config has none): D then tells apart p_data and p_G each convolved with the same
        Gaussian, whose supports always overlap, so D* and the JSD stay smooth and G feels modes far
        from its samples (Sonderby et al. 2017; Arjovsky & Bottou 2017). Convolving both sides by
        the same Gaussian keeps p_G = p_data the only optimum."""
        if not self.config.instance_noise:
            return x
        s = fading(self.step_count, self.config.instance_noise)
        return x + s * torch.randn(x.shape, generator=self.blur_rng).to(x.device)

    def _check_finite(self, values: torch.Tensor | np.ndarray) -> None:
        if not torch.isfinite(torch.as_tensor(values)).all():
            raise TrainingDiverged(
                f"the losses became NaN or infinite at step {self.step_count}: "
                "the learning rates are probably too large for this optimizer"
            )

    def logit(self, x: torch.Tensor) -> torch.Tensor:
        """D's logit log D/(1 − D) at points x of shape (n, dim): shape (n, 1)."""
        return self.D(x.to(self.device))

    def generate(self, z: torch.Tensor, averaged: bool = True) -> torch.Tensor:
        """G(z) for noise z of shape (n, noise_dim): with the averaged weights when the config
        averages them (unless `averaged` is False: the G that takes the steps)."""
        G = self.G_average if averaged and self.G_average is not None else self.G
        return G(z.to(self.device))

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n generated points G(z), z ~ p(z) (`sample_noise`) drawn from `generator`, on the CPU."""
        z = sample_noise(n, self.config.noise_dim, self.config.noise_prior, generator)
        return self.generate(z).cpu()

    def evaluate(self) -> dict[str, float]:
        """Run the evaluation now and record it at the current step."""
        assert self.evaluation is not None, "this run has no evaluation"
        result = self.evaluation.measure(self, self.eval_rng)
        self.evals.append(self.step_count, result)
        return result

    # --------------------------------------------------------------------- saving a run
    def state_dict(self) -> dict:
        """Everything the next step depends on: nets, optimizers, random states, step count and
        histories (plain tensors, numbers and lists: loadable with torch.load(weights_only=True))."""
        return {
            "step_count": self.step_count,
            "G": self.G.state_dict(),
            "D": self.D.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "rng": self.rng.get_state(),
            "eval_rng": self.eval_rng.get_state(),
            "blur_rng": self.blur_rng.get_state(),
            "history": self.history.state_dict(),
            "evals": self.evals.state_dict(),
            **({"G_average": self.G_average.state_dict()} if self.G_average is not None else {}),
        }

    def load_state_dict(self, state: dict) -> None:
        """Continue a saved run: the next step gives what it would have given had it never stopped."""
        self.G.load_state_dict(state["G"])
        if self.G_average is not None:
            self.G_average.load_state_dict(state["G_average"])
        self.D.load_state_dict(state["D"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.rng.set_state(state["rng"])
        self.eval_rng.set_state(state["eval_rng"])
        self.blur_rng.set_state(state["blur_rng"])
        self.history.load_state_dict(state["history"])
        self.evals.load_state_dict(state["evals"])
        self.step_count = int(state["step_count"])


def norm(tensors: Iterable[torch.Tensor]) -> torch.Tensor:
    """The norm of several tensors taken together as one vector (a network's gradient or step)."""
    return torch.cat([t.flatten() for t in tensors]).norm()
