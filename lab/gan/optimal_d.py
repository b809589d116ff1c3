"""The optimal discriminator D*, in 1-D against a generator the student shapes, and in 2-D
against a learned one.

1-D. Train only D, against a fixed generator: the inner max of the lecture.

For a fixed G the lecture's objective in D is logistic regression, real x ~ p_data labelled 1
and generated x ~ p_G labelled 0:
    max_D  V(D, G) = E_{p_data}[log D(x)] + E_{p_G}[log(1 - D(x))],
and its solution is D*(x) = p_data(x) / (p_data(x) + p_G(x)), where V(D*, G) = -log 4 + 2 JSD.
Here p_G is a Gaussian mixture the student shapes, so both densities, D*, V and JSD are exact.
DTrainer follows the lab's trainer protocol (`lab.protocol.Trainer`): step(n) advances n steps of D;
`d_snapshot(trainer)` is what the plots need. V(D, G), V(D*, G) and |D - D*| are recorded every
EVAL_EVERY steps.

2-D. A learned G has no density we can evaluate, so p_G is a kernel density estimate from many
generated samples, binned on the grid, with the bandwidth rule h = one grid cell (the finest
detail the grid can show). To compare like with like, p_data is smoothed by the same kernel
(exactly: a Gaussian mixture stays one). The D* shown is thus the optimal discriminator between
p_data and p_G both seen at the grid's resolution; where G matches p_data it is 1/2 everywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

import numpy as np
import torch
from scipy.special import xlogy

from lab.data import toy
from lab.gan.losses import pooled_discriminator_loss
from lab.gan.playground import toy_gan
from lab.gan.theory import d_star, grid_2d, jsd, kde_on_grid, mass_region, pointwise_value, value_function
from lab.gan.trainer import GANConfig, GANTrainer
from lab.history import History
from lab.nets import mlp, seeded
from lab.protocol import TrainingDiverged, same_run

LIVE_FIELDS = ("p_g", "lr", "batch_size", "ratio")
"""DConfig fields that can change while D trains: move p_G and watch D chase the new D*."""

GRID_POINTS = 1000
PROOF_REACH = 5.0
"""The proof at one x looks at x in [-PROOF_REACH, PROOF_REACH]: the grid always covers it."""
EVAL_EVERY = 10
"""D steps between recordings of V(D, G), V(D*, G) and |D - D*| (each costs about one D step)."""


@dataclass(frozen=True)
class FixedGenerator:
    """p_G = sum_k weights[k] N(means[k], stds[k]^2): a generator the student shapes by hand."""

    means: tuple[float, ...] = (0.0,)
    stds: tuple[float, ...] = (1.0,)
    weights: tuple[float, ...] = (1.0,)

    def mixture(self, extent: float) -> toy.GaussianMixture:
        w = np.asarray(self.weights, dtype=np.float64)
        if (
            len({len(self.means), len(self.stds), len(self.weights)}) != 1
            or min(self.stds) <= 0
            or w.min() < 0
        ):
            raise ValueError("p_G needs as many means, positive stds and weights")
        return toy.GaussianMixture(
            "p_g",
            "p_G",
            np.asarray(self.means, dtype=np.float64)[:, None],
            np.asarray(self.stds, dtype=np.float64),
            w / w.sum(),
            extent=extent,
        )


TWO_GAUSSIANS = FixedGenerator((0.0, 2.0), (1.0, 0.4), (0.5, 0.5))
"""The 1-D part's second shape of p_G, where its sliders start."""


@dataclass(frozen=True)
class DConfig:
    data: str = "bimodal1d"
    p_g: FixedGenerator | None = field(default_factory=FixedGenerator)  # None: p_G = p_data
    width: int = 32
    depth: int = 2  # 0: a linear logit, plain logistic regression on x
    lr: float = 5e-3
    batch_size: int = 512  # m generated samples per minibatch
    seed: int = 0
    ratio: float = 1.0  # r: real samples per generated one in each minibatch (r m real, m generated)

    live_fields: ClassVar[tuple[str, ...]] = LIVE_FIELDS

    def __post_init__(self) -> None:
        if toy.get(self.data).dim != 1:
            raise ValueError("the fixed-generator lesson is 1-D")
        if self.depth < 0 or self.width < 1 or self.batch_size < 1 or self.lr <= 0 or self.ratio <= 0:
            raise ValueError("depth >= 0, width, batch_size, lr and ratio > 0")

    @property
    def real_per_batch(self) -> int:
        """r m real samples in each minibatch (at least one)."""
        return max(1, round(self.ratio * self.batch_size))

    def generator(self) -> toy.GaussianMixture:
        """p_G as a mixture: the one the student shaped, or p_data itself."""
        p_data = toy.get(self.data)
        return p_data if self.p_g is None else self.p_g.mixture(p_data.extent)


@dataclass
class DSnapshot:
    step: int
    config: DConfig
    x: np.ndarray  # (GRID_POINTS,) grid
    p_data: np.ndarray
    p_g: np.ndarray
    d: np.ndarray  # the trained D(x)
    d_star: np.ndarray  # r p_data / (r p_data + p_G): the lecture's p_data / (p_data + p_G) at r = 1
    bulk: np.ndarray  # bool mask: the grid cells holding 98 % of (p_data + p_G) / 2
    value: float  # V(D, G) by quadrature
    value_star: float  # V(D*, G) = -log 4 + 2 JSD
    value_d_star_r: float  # V(D*_r, G): where V(D, G) goes as D goes to D*_r (= value_star at r = 1)
    jsd: float
    history: dict[str, list[float]]  # step, value, value_star, gap

    @property
    def gap(self) -> float:
        """max |D - D*| over the bulk of the mass."""
        return float(np.abs(self.d - self.d_star)[self.bulk].max())


class DTrainer:
    """Logistic regression of real against generated samples, with exact p_data and p_G."""

    def __init__(self, config: DConfig, device: torch.device | None = None) -> None:
        self.device = device or torch.device("cpu")  # a 1-D MLP is faster on the CPU
        self.p_data = toy.get(config.data)
        self.D = seeded(config.seed, lambda: mlp(1, 1, config.width, config.depth)).to(self.device)
        self.opt = torch.optim.Adam(self.D.parameters(), lr=config.lr, betas=(0.5, 0.999))
        self.rng = torch.Generator().manual_seed(config.seed + 1)
        self.step_count = 0
        self.history = History("value", "value_star", "gap")
        self.eval_every = EVAL_EVERY
        self.config = config
        self.update(config)
        self.history.append(0, values(self))

    def update(self, config: DConfig) -> None:
        """Adopt a new p_G, learning rate or batch size without losing D."""
        if not same_run(self.config, config):
            raise ValueError("only " + ", ".join(LIVE_FIELDS) + " can change mid-run")
        self.config = config
        self.p_g = config.generator()
        self.x = grid_covering(self.p_data, self.p_g, reach=PROOF_REACH)
        self.cell = float(self.x[1] - self.x[0])
        for group in self.opt.param_groups:
            group["lr"] = config.lr

    def step(self, n: int = 1) -> dict[str, float]:
        """n steps of D on fresh minibatches of r m real and m generated samples: logistic regression
        on the pooled minibatch, whose optimum is D*_r = r p_data / (r p_data + p_G)."""
        m, m_real = self.config.batch_size, self.config.real_per_batch
        loss = torch.tensor(float("nan"))
        for _ in range(n):
            real = self.p_data.sample(m_real, self.rng).to(self.device)
            fake = self.p_g.sample(m, self.rng).to(self.device)
            logits = self.D(torch.cat([real, fake]))
            loss = pooled_discriminator_loss(logits[:m_real], logits[m_real:])
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
            self.step_count += 1
            if self.step_count % self.eval_every == 0:
                self.history.append(self.step_count, values(self))
        if n and not math.isfinite(loss.item()):
            raise TrainingDiverged(f"the loss became NaN or infinite at step {self.step_count}")
        return {"step": self.step_count, "d_loss": loss.item()}

    @torch.no_grad()
    def logit(self, x: np.ndarray) -> np.ndarray:
        """D's logit log D/(1 - D) at the points x."""
        t = torch.as_tensor(x, dtype=torch.float32, device=self.device)[:, None]
        return self.D(t).squeeze(1).double().cpu().numpy()

    def discriminator(self, x: np.ndarray) -> np.ndarray:
        """D(x) = sigmoid(logit) at the points x."""
        return 0.5 * (1.0 + np.tanh(0.5 * self.logit(x)))  # the sigmoid, without overflow

    def state_dict(self) -> dict:
        """D, its optimizer, the random state, the step count and the history."""
        return {
            "step_count": self.step_count,
            "D": self.D.state_dict(),
            "opt": self.opt.state_dict(),
            "rng": self.rng.get_state(),
            "history": self.history.state_dict(),
        }

    def load_state_dict(self, state: dict) -> None:
        self.D.load_state_dict(state["D"])
        self.opt.load_state_dict(state["opt"])
        self.rng.set_state(state["rng"])
        self.history.load_state_dict(state["history"])
        self.step_count = int(state["step_count"])


def d_snapshot(trainer: DTrainer) -> DSnapshot:
    """The densities, D and D* on the grid, V(D, G) and V(D*, G) by quadrature, the history."""
    return _view(trainer, trainer.history.thinned())


def values(trainer: DTrainer) -> dict[str, float]:
    """What the history records: V(D, G), V(D*, G) = -log 4 + 2 JSD and max |D - D*| over the bulk."""
    now = _view(trainer, history={})
    return {"value": now.value, "value_star": now.value_star, "gap": now.gap}


def _view(trainer: DTrainer, history: dict[str, list[float]]) -> DSnapshot:
    log_p_data = trainer.p_data.log_prob(trainer.x).numpy()
    log_p_g = trainer.p_g.log_prob(trainer.x).numpy()
    p_data, p_g = np.exp(log_p_data), np.exp(log_p_g)
    divergence = jsd(p_data, p_g, trainer.cell)
    d = trainer.discriminator(trainer.x)
    d_star_r = d_star(math.log(trainer.config.ratio) + log_p_data, log_p_g)
    return DSnapshot(
        step=trainer.step_count,
        config=trainer.config,
        x=trainer.x,
        p_data=p_data,
        p_g=p_g,
        d=d,
        d_star=d_star_r,
        bulk=mass_region(0.5 * (p_data + p_g), trainer.cell, 0.98),
        value=value_function(d, p_data, p_g, trainer.cell),
        value_star=-math.log(4) + 2 * divergence,
        value_d_star_r=value_function(d_star_r, p_data, p_g, trainer.cell),
        jsd=divergence,
        history=history,
    )


@dataclass
class ProofAtX:
    """The proof of the proposition at one x: V's integrand f(q) = a log q + b log(1 - q) with
    a = r p_data(x), b = p_G(x), maximised at q* = a / (a + b) = D*_r(x)."""

    x: float
    a: float
    b: float
    q_star: float
    d: float  # the trained D(x)
    d_star_balanced: float  # the lecture's D*(x) = p_data / (p_data + p_G), r = 1
    q: np.ndarray  # (points,) in (0, 1)
    f: np.ndarray  # f(q)

    @property
    def f_star(self) -> float:
        """f(q*) = a log(a/(a + b)) + b log(b/(a + b)), exact where q* rounds to 0 or 1."""
        total = self.a + self.b
        return float(xlogy(self.a, self.a / total) + xlogy(self.b, self.b / total)) if total > 0 else 0.0

    def value(self, q: float) -> float:
        """f(q), with q kept 1e-12 inside (0, 1) so that a point on the curve is always finite."""
        return float(pointwise_value(np.array([min(max(q, 1e-12), 1 - 1e-12)]), self.a, self.b)[0])


def proof_at(snap: DSnapshot, x: float, points: int = 400) -> ProofAtX:
    """f(q) at x itself: a = r p_data(x) and b = p_G(x) from the exact densities, q* = D*_r(x) from
    their logs (exact where it rounds to 0 or 1), the trained D(x) read off the snapshot's grid."""
    at = np.array([x], dtype=np.float64)
    log_a = math.log(snap.config.ratio) + float(toy.get(snap.config.data).log_prob(at)[0])
    log_b = float(snap.config.generator().log_prob(at)[0])
    a, b = math.exp(log_a), math.exp(log_b)
    q = np.linspace(0.5 / points, 1 - 0.5 / points, points)
    return ProofAtX(
        x=float(x),
        a=a,
        b=b,
        q_star=float(d_star(np.array([log_a]), np.array([log_b]))[0]),
        d=float(np.interp(x, snap.x, snap.d)),
        d_star_balanced=float(d_star(np.array([log_a - math.log(snap.config.ratio)]), np.array([log_b]))[0]),
        q=q,
        f=pointwise_value(q, a, b),
    )


def grid_covering(
    *mixtures: toy.GaussianMixture, points: int = GRID_POINTS, reach: float = 0.0
) -> np.ndarray:
    """A 1-D grid over [-extent, extent] (at least [-reach, reach]) widened to hold every component's
    mean +- 7 std, so that quadratures over it (JSD, V, KL) miss no measurable mass."""
    lo = min(
        -reach,
        min(m.extent for m in mixtures) * -1,
        *(float((m.means[:, 0] - 7 * m.stds).min()) for m in mixtures),
    )
    hi = max(
        reach, max(m.extent for m in mixtures), *(float((m.means[:, 0] + 7 * m.stds).max()) for m in mixtures)
    )
    return np.linspace(lo, hi, points)


# ------------------------------------------------------------- 2-D: a learned generator
KDE_SAMPLES = 20_000
GRID_SIZE = 60
OPTIMUM_D_STEPS = 100
"""D steps per G step when the inner maximisation is run (close) to its optimum D*."""


@dataclass(frozen=True)
class InnerLoopConfig(GANConfig):
    """The 2-D part's GAN, with the switch that runs the inner maximisation to its optimum."""

    data: str = "moons"  # smooth enough to see D* on a grid
    d_to_optimum: bool = False  # "solve the inner max": k = OPTIMUM_D_STEPS D steps per G step

    live_fields: ClassVar[tuple[str, ...]] = (*GANConfig.live_fields, "d_to_optimum")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.d_to_optimum and self.k != OPTIMUM_D_STEPS:
            raise ValueError(f"D to its optimum is k = {OPTIMUM_D_STEPS}")


def inner_loop_gan(config: InnerLoopConfig, device: torch.device | None = None) -> GANTrainer:
    """A GANTrainer on 2-D toy data (MLPs), nothing evaluated on a schedule: this part looks at D."""
    return toy_gan(config, device, evaluate=False)


@dataclass
class DStarSnapshot:
    """D and the estimated D* on one grid."""

    step: int
    axis: np.ndarray  # (S,) cell centres along x and along y
    d: np.ndarray  # (S, S) D(x), rows follow y
    d_star: np.ndarray  # (S, S) p_data / (p_data + p_G), both smoothed by the kernel
    mass: np.ndarray  # (S, S) bool: cells where (p_data + p_G)/2 holds 98 % of its mass
    support: np.ndarray  # (S, S) bool: cells where (p_data + p_G)/2 > 1/1000 of its peak
    bandwidth: float  # kernel width of the p_G estimate
    modes: np.ndarray  # (K, 2) p_data's modes, drawn for orientation (empty for curves)
    extent: float

    @property
    def gap(self) -> float:
        """mean |D - D*| over the cells holding the mass (the max is set by a few cells at the
        edge of the mass, where the density estimate is poorest, and barely moves)."""
        return float(np.abs(self.d - self.d_star)[self.mass].mean())


@lru_cache(maxsize=16)
def _smoothed_log_p_data(name: str, size: int) -> np.ndarray:
    """log of p_data smoothed by a Gaussian of width one grid cell, on the grid (it never changes)."""
    p_data = toy.get(name)
    axis, points, _ = grid_2d(p_data.extent, size)
    log_p = p_data.smoothed(float(axis[1] - axis[0])).log_prob(points).numpy().reshape(size, size)
    log_p.setflags(write=False)
    return log_p


def d_star_snapshot(trainer: GANTrainer, n: int = KDE_SAMPLES, size: int = GRID_SIZE) -> DStarSnapshot:
    """D on the grid next to D* estimated from n generated samples (the same z every frame)."""
    p_data = trainer.p_data
    axis, points, cell = grid_2d(p_data.extent, size)
    bandwidth = float(axis[1] - axis[0])
    rng = torch.Generator().manual_seed(trainer.config.seed + 3)
    p_g = kde_on_grid(trainer.sample(n, rng).numpy(), axis, bandwidth)
    log_p_data = _smoothed_log_p_data(trainer.config.data, size)
    with np.errstate(divide="ignore"):
        estimate = d_star(log_p_data, np.log(p_g))
    with torch.no_grad():
        logits = trainer.logit(torch.as_tensor(points, dtype=torch.float32))
    d = torch.sigmoid(logits).view(size, size).double().cpu().numpy()
    mixture = 0.5 * (np.exp(log_p_data) + p_g)
    return DStarSnapshot(
        step=trainer.step_count,
        axis=axis,
        d=d,
        d_star=estimate,
        mass=mass_region(mixture.ravel(), cell, 0.98).reshape(size, size),
        support=mixture > 1e-3 * mixture.max(),
        bandwidth=bandwidth,
        modes=p_data.modes if p_data.has_modes else np.zeros((0, 2)),
        extent=p_data.extent,
    )
