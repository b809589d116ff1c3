"""Train only D, against a fixed generator: the inner max of the lecture, in 1-D.

For a fixed G the lecture's objective in D is logistic regression, real x ~ p_data labelled 1
and generated x ~ p_G labelled 0:
    max_D  V(D, G) = E_{p_data}[log D(x)] + E_{p_G}[log(1 - D(x))],
and its solution is D*(x) = p_data(x) / (p_data(x) + p_G(x)), where V(D*, G) = -log 4 + 2 JSD.
Here p_G is a Gaussian mixture the student shapes, so both densities, D*, V and JSD are exact.
DTrainer follows the lab's trainer protocol: step(n) advances n steps of D, snapshot() returns
what the plots need.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from lab.data import toy
from lab.gan.losses import discriminator_loss
from lab.gan.optimal import d_star, jsd, mass_region, value_function
from lab.nets import mlp

LIVE_FIELDS = ("p_g", "lr", "batch_size")
"""DConfig fields that can change while D trains: move p_G and watch D chase the new D*."""

GRID_POINTS = 1000


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


@dataclass(frozen=True)
class DConfig:
    data: str = "bimodal1d"
    p_g: FixedGenerator | None = field(default_factory=FixedGenerator)  # None: p_G = p_data
    width: int = 32
    depth: int = 2  # 0: a linear logit, plain logistic regression on x
    lr: float = 5e-3
    batch_size: int = 512
    seed: int = 0

    def __post_init__(self) -> None:
        if toy.get(self.data).dim != 1:
            raise ValueError("the fixed-generator lesson is 1-D")
        if self.depth < 0 or self.width < 1 or self.batch_size < 1 or self.lr <= 0:
            raise ValueError("depth >= 0, width, batch_size and lr > 0")

    def same_run(self, other: DConfig) -> bool:
        """True when `other` differs from this config only in LIVE_FIELDS."""
        return replace(other, **{f: getattr(self, f) for f in LIVE_FIELDS}) == self

    def describe(self) -> str:
        p_g = "p_G = p_data" if self.p_g is None else f"p_G with {len(self.p_g.means)} component(s)"
        shape = "logistic regression on x" if self.depth == 0 else f"{self.depth}×{self.width} units"
        return f"{toy.get(self.data).title} · {p_g} · D: {shape} · Adam lr {self.lr:g} · m = {self.batch_size} · seed {self.seed}"


@dataclass
class DSnapshot:
    step: int
    config: DConfig
    x: np.ndarray  # (GRID_POINTS,) grid
    p_data: np.ndarray
    p_g: np.ndarray
    d: np.ndarray  # the trained D(x)
    d_star: np.ndarray  # p_data / (p_data + p_G)
    bulk: np.ndarray  # bool mask: the grid cells holding 98 % of (p_data + p_G) / 2
    value: float  # V(D, G) by quadrature
    value_star: float  # V(D*, G) = -log 4 + 2 JSD
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
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            self.D = mlp(1, 1, config.width, config.depth).to(self.device)
        self.opt = torch.optim.Adam(self.D.parameters(), lr=config.lr, betas=(0.5, 0.999))
        self.rng = torch.Generator().manual_seed(config.seed + 1)
        self.step_count = 0
        self.history: dict[str, list[float]] = {k: [] for k in ("step", "value", "value_star", "gap")}
        self.config = config
        self.update(config)

    def update(self, config: DConfig) -> None:
        """Adopt a new p_G, learning rate or batch size without losing D."""
        if not self.config.same_run(config):
            raise ValueError("only " + ", ".join(LIVE_FIELDS) + " can change mid-run")
        self.config = config
        self.p_g = self.p_data if config.p_g is None else config.p_g.mixture(self.p_data.extent)
        self.x = grid_covering(self.p_data, self.p_g)
        self.cell = float(self.x[1] - self.x[0])
        for group in self.opt.param_groups:
            group["lr"] = config.lr

    def step(self, n: int = 1) -> dict[str, float]:
        """n steps of D on fresh minibatches of m real and m generated samples."""
        m = self.config.batch_size
        loss = torch.tensor(float("nan"))
        for _ in range(n):
            real = self.p_data.sample(m, self.rng).to(self.device)
            fake = self.p_g.sample(m, self.rng).to(self.device)
            logits = self.D(torch.cat([real, fake]))
            loss = discriminator_loss(logits[:m], logits[m:])
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
        self.step_count += n
        if n and not math.isfinite(loss.item()):
            raise RuntimeError(f"the loss became NaN or infinite at step {self.step_count}")
        return {"step": self.step_count, "d_loss": loss.item()}

    @torch.no_grad()
    def logit(self, x: np.ndarray) -> np.ndarray:
        """D's logit log D/(1 - D) at the points x."""
        t = torch.as_tensor(x, dtype=torch.float32, device=self.device)[:, None]
        return self.D(t).squeeze(1).double().cpu().numpy()

    def discriminator(self, x: np.ndarray) -> np.ndarray:
        """D(x) = sigmoid(logit) at the points x."""
        return 0.5 * (1.0 + np.tanh(0.5 * self.logit(x)))  # the sigmoid, without overflow

    def snapshot(self) -> DSnapshot:
        log_p_data = self.p_data.log_prob(self.x).numpy()
        log_p_g = self.p_g.log_prob(self.x).numpy()
        p_data, p_g = np.exp(log_p_data), np.exp(log_p_g)
        best = d_star(log_p_data, log_p_g)
        d = self.discriminator(self.x)
        divergence = jsd(p_data, p_g, self.cell)
        snap = DSnapshot(
            step=self.step_count,
            config=self.config,
            x=self.x,
            p_data=p_data,
            p_g=p_g,
            d=d,
            d_star=best,
            bulk=mass_region(0.5 * (p_data + p_g), self.cell, 0.98),
            value=value_function(d, p_data, p_g, self.cell),
            value_star=-math.log(4) + 2 * divergence,
            jsd=divergence,
            history=self.history,
        )
        if not self.history["step"] or self.history["step"][-1] != self.step_count:
            for key, value in (
                ("step", snap.step),
                ("value", snap.value),
                ("value_star", snap.value_star),
                ("gap", snap.gap),
            ):
                self.history[key].append(value)
        snap.history = {k: list(v) for k, v in self.history.items()}
        return snap


def grid_covering(*mixtures: toy.GaussianMixture, points: int = GRID_POINTS) -> np.ndarray:
    """A 1-D grid over [-extent, extent] widened to hold every component's mean +- 7 std, so that
    quadratures over it (JSD, V, KL) miss no measurable mass."""
    lo = min(
        min(m.extent for m in mixtures) * -1, *(float((m.means[:, 0] - 7 * m.stds).min()) for m in mixtures)
    )
    hi = max(max(m.extent for m in mixtures), *(float((m.means[:, 0] + 7 * m.stds).max()) for m in mixtures))
    return np.linspace(lo, hi, points)
