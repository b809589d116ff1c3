"""Goodfellow et al. 2014, Figure 1, learned: a 1-D GAN drawn as in the paper.

The noise z lies on a line below, each z is joined to x = G(z) on the data line above, p_data
(dotted) and p_G (solid) are drawn over it with the discriminator D (dashed). From (a) a poorly fit
D, through (b) D trained toward D* and (c) G following D's gradient, to (d) p_G = p_data and
D = 1/2. Two runs can be compared side by side on the same seed: the lecture's idealised loop (D
to its optimum, then one G step) against k D steps, or loss (1) against loss (2); and the case the
slide is silent on, p_G far from p_data, where JSD sits at log 2 and the gradient of loss (1)
vanishes (Arjovsky & Bottou 2017).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from statistics import NormalDist
from typing import ClassVar

import numpy as np
import torch
from torch import nn

from lab.data import toy
from lab.gan.losses import TITLES
from lab.gan.optimal_d import OPTIMUM_D_STEPS
from lab.gan.theory import jsd
from lab.gan.trainer import Evaluation, GANConfig, GANTrainer
from lab.nets import MLP, seeded
from lab.protocol import SideBySide

COMPARISONS = {
    "none": "one run",
    "inner_loop": "D to its optimum (left) against k D steps (right)",
    "losses": "loss (1) log(1 − D(G(z))) (left) against loss (2) −log D(G(z)) (right)",
}
BANDWIDTH = 0.05
"""Kernel width h of the p_G estimate; p_data is smoothed by the same kernel for the JSD."""
KDE_SAMPLES = 20_000
GRID_POINTS = 801
JSD_EVERY = 50
"""Generator steps between JSD measurements (one costs about two generator steps)."""
FAR_APART = {
    "g_start": -3.0,
    "d_pretrain": 500,
    "compare": "losses",
    "optimizer": "sgd",
    "lr_d": 0.05,
    "lr_g": 0.05,
}
"""The setting the slide is silent on: G starts near -3, 8 standard deviations from p_data = N(1, 0.5²)
(supports disjoint in all but name), and D has separated them (500 steps against the initial G);
plain SGD, so that a vanishing gradient makes a vanishing step (Adam would rescale it)."""


@dataclass(frozen=True)
class Figure1Config(GANConfig):
    """The 1-D GAN's settings: the loop's, where G starts, and what is compared."""

    data: str = "gaussian1d"
    noise_dim: int = 1
    width: int = 32
    depth: int = 2
    batch_size: int = 256
    lr_d: float = 1e-3
    lr_g: float = 2e-4
    g_start: float = 0.0  # added to G's output: where p_G starts (FAR: p_G and p_data far apart)
    d_pretrain: int = 0  # D steps against the initial G before training: a D that has separated them
    compare: str = "none"  # a key of COMPARISONS
    jsd_every: int = JSD_EVERY  # generator steps between two JSD measurements

    live_fields: ClassVar[tuple[str, ...]] = ("k", "batch_size", "lr_d", "lr_g")

    def __post_init__(self) -> None:
        super().__post_init__()
        if toy.get(self.data).dim != 1 or self.compare not in COMPARISONS or self.d_pretrain < 0:
            raise ValueError(f"1-D data, d_pretrain >= 0 and a comparison in {tuple(COMPARISONS)}")

    def sides(self) -> list[tuple[str, Figure1Config]]:
        """The runs to train, each with its title: one, or the two the comparison names."""
        if self.compare == "inner_loop":
            return [(f"D to its optimum ({OPTIMUM_D_STEPS} D steps per G step)", replace(self, k=OPTIMUM_D_STEPS)),
                    (f"k = {self.k}", self)]  # fmt: skip
        if self.compare == "losses":
            return [("loss (1): log(1 − D(G(z)))", replace(self, generator_loss="minimax")),
                    ("loss (2): −log D(G(z))", replace(self, generator_loss="non_saturating"))]  # fmt: skip
        return [(f"loss {TITLES[self.generator_loss]}, k = {self.k}", self)]


class Shift(nn.Module):
    """Adds a constant to G's output: where p_G starts."""

    def __init__(self, by: float) -> None:
        super().__init__()
        self.by = by

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.by


def figure1_runs(config: Figure1Config, device: torch.device | None = None) -> SideBySide:
    """One run, or the two a comparison names (`Figure1Config.sides`), trained together on one seed."""
    return SideBySide(config, Figure1Config.sides, partial(figure1_run, device=device), parallel=True)


def figure1_run(config: Figure1Config, device: torch.device | None = None) -> GANTrainer:
    """One run of the figure: G from the noise to the line, shifted to `g_start`; D pre-trained
    `d_pretrain` steps; the JSD measured every `jsd_every` steps."""
    p_data = toy.get(config.data)
    G, D = seeded(
        config.seed,
        lambda: (
            nn.Sequential(MLP(config.noise_dim, 1, config.width, config.depth), Shift(config.g_start)),
            MLP(1, 1, config.width, config.depth),
        ),
    )
    jsds = Evaluation(("jsd",), measure_jsd, config.jsd_every)
    run = GANTrainer(config, p_data, G, D, evaluation=jsds, device=device)
    run.pretrain_d(config.d_pretrain)
    return run


def grid(p_data: toy.GaussianMixture) -> np.ndarray:
    """The x grid of the figure and of the JSD's quadrature: [-extent, extent]."""
    return np.linspace(-p_data.extent, p_data.extent, GRID_POINTS)


def kde_1d(samples: np.ndarray, x: np.ndarray, h: float) -> np.ndarray:
    """A Gaussian kernel density estimate of width h on the regular grid x: the samples binned on
    the grid, then convolved with the kernel (mass that falls off the grid is lost)."""
    cell = float(x[1] - x[0])
    edges = np.concatenate([x - cell / 2, [x[-1] + cell / 2]])
    counts, _ = np.histogram(samples, bins=edges)
    offsets = np.arange(-math.ceil(5 * h / cell), math.ceil(5 * h / cell) + 1) * cell
    kernel = np.exp(-0.5 * (offsets / h) ** 2)
    kernel /= kernel.sum() * cell
    return np.convolve(counts / (len(samples) * cell), kernel, mode="same") * cell


def measure_jsd(trainer: GANTrainer, rng: torch.Generator) -> dict[str, float]:
    """JSD(p_data || p_G) in nats, p_G estimated from KDE_SAMPLES samples with a kernel of width
    BANDWIDTH and p_data smoothed by the same kernel (exactly), by quadrature on the grid: a lower
    bound on the true JSD, in [0, log 2]."""
    x = grid(trainer.p_data)
    return {"jsd": smoothed_jsd(trainer.p_data, x, estimate_p_g(trainer, x, rng))}


def estimate_p_g(trainer: GANTrainer, x: np.ndarray, rng: torch.Generator) -> np.ndarray:
    """p_G on the grid x: a kernel density estimate (width BANDWIDTH) from KDE_SAMPLES samples."""
    return kde_1d(trainer.sample(KDE_SAMPLES, rng).numpy()[:, 0], x, BANDWIDTH)


def smoothed_jsd(p_data: toy.GaussianMixture, x: np.ndarray, p_g: np.ndarray) -> float:
    """JSD between p_data smoothed by the kernel (exactly) and the estimate p_g, by quadrature on x."""
    return jsd(p_data.smoothed(BANDWIDTH).log_prob(x).exp().numpy(), p_g, float(x[1] - x[0]))


@dataclass
class Figure1Panel:
    """One run as the paper draws it."""

    title: str
    step: int
    x: np.ndarray  # the grid
    p_data: np.ndarray  # exact
    p_g: np.ndarray  # kernel density estimate
    d: np.ndarray  # D(x)
    z: np.ndarray  # (Z,) noise at quantiles of N(0, 1)
    g_z: np.ndarray  # (Z,) G(z)
    jsd: float  # now (smoothed, see `measure_jsd`)
    d_fake: float  # mean D(G(z)) over the last minibatch
    g_grad_norm: float  # ||grad of the generator loss in G's parameters||, last step
    jsds: dict[str, list[float]]  # step, jsd over training


@torch.no_grad()
def figure1_snapshot(trainer: SideBySide, arrows: int = 25) -> list[Figure1Panel]:
    """Each run's panel: densities, D, the z -> G(z) map at `arrows` quantiles of the noise."""
    panels = []
    for title, run in zip(trainer.titles, trainer.runs, strict=True):
        rng = torch.Generator().manual_seed(run.config.seed + 3)
        x = grid(run.p_data)
        z = torch.tensor([NormalDist().inv_cdf((i + 0.5) / arrows) for i in range(arrows)])[:, None]
        d = torch.sigmoid(run.logit(torch.as_tensor(x, dtype=torch.float32)[:, None]))[:, 0]
        last = run.history.last()
        p_g = estimate_p_g(run, x, rng)
        panels.append(
            Figure1Panel(
                title=title,
                step=run.step_count,
                x=x,
                p_data=run.p_data.log_prob(x).exp().numpy(),
                p_g=p_g,
                d=d.cpu().double().numpy(),
                z=z[:, 0].numpy(),
                g_z=run.generate(z).cpu()[:, 0].numpy(),
                jsd=smoothed_jsd(run.p_data, x, p_g),  # of the p_G drawn
                d_fake=last["d_fake"] if last else float("nan"),
                g_grad_norm=last["g_grad_norm"] if last else float("nan"),
                jsds=run.evals.thinned(),
            )
        )
    return panels
