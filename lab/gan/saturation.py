"""Saturation of log(1 - D(G(z))) and the two fixes of the lecture, side by side.

(1) minimax         min E log(1 - D(G(z)))     d/dlogit = -D        -> 0 when D(G(z)) -> 0
(2) non-saturating  max E log D(G(z))          d/dlogit = -(1 - D)  -> -1
(3) log-ratio       max E log D/(1 - D)        d/dlogit = -1, and with D = D*:
                    E_{p_G} log D*/(1 - D*) = E_{p_G} log p_data/p_G = -KL(p_G || p_data)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import ClassVar

import numpy as np
import torch
from torch.func import grad, vmap

from lab.data import toy
from lab.gan.losses import GENERATOR_LOSSES, TITLES, generator_loss
from lab.gan.optimal_d import DConfig, DTrainer, FixedGenerator, grid_covering
from lab.gan.playground import toy_nets
from lab.gan.theory import expected_log_ratio, kl
from lab.gan.trainer import GANConfig, GANTrainer
from lab.history import History
from lab.protocol import SideBySide

OPTIMIZER_LRS = {"sgd": (0.05, 0.05), "adam": (2e-3, 1e-3)}
"""Learning rates (D, G) of the side-by-side runs for each optimizer."""


@dataclass(frozen=True)
class SaturationConfig(GANConfig):
    """The side-by-side runs' settings: the GAN loop's, and D's head start."""

    d_pretrain: int = 0  # D steps against the initial G before training starts (a strong D)

    live_fields: ClassVar[tuple[str, ...]] = ("k", "batch_size", "lr_d", "lr_g")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.d_pretrain < 0:
            raise ValueError("d_pretrain must be >= 0")


STRONG_D = SaturationConfig(optimizer="sgd", lr_d=0.05, lr_g=0.05, d_pretrain=200, k=5)
"""The lesson's strong discriminator: plain SGD at lr 0.05, D pre-trained 200 steps against the
initial G, then k = 5 D steps per G step: D(G(z)) ≈ 0 from the start, where the gradient of loss (1)
vanishes. What it does to each loss is the scenario "strong_d"'s claim (`lab.scenarios`, checked on
seeds 0-4); the figures: `python -m bench.saturation`."""

STALL_STEPS = 200
"""Generator steps over which `update_ratio` compares how far G moved."""


def update_ratio(
    histories: Sequence[Mapping[str, list[float]]] | Sequence[History], steps: int = STALL_STEPS
) -> float:
    """G's total parameter update under loss (1) over the first `steps` generator steps, divided by
    the same under loss (2): sum_t ||theta_t - theta_(t-1)||, histories in GENERATOR_LOSSES order."""
    moved = [sum(h["g_update_norm"][:steps]) for h in histories[:2]]
    return moved[0] / moved[1] if moved[1] > 0 else float("nan")


def gradient_weight_shares(d_fake: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """How a generator's gradient weights its samples, per loss: with l_i the logit of D(G(z_i)),
    the gradient of loss (1) is sum_i D_i grad l_i, of (2) sum_i (1 - D_i) grad l_i, of (3)
    sum_i grad l_i. Returns, per loss, the samples' D sorted from the highest down, and the
    cumulative share of the total weight carried by the top 1, 2, ... samples."""
    d = np.sort(np.asarray(d_fake, dtype=np.float64))[::-1]
    weights = {"minimax": d, "non_saturating": 1.0 - d, "log_ratio": np.ones_like(d)}
    shares = {}
    for kind, w in weights.items():
        total = w.sum()
        shares[kind] = (d, np.cumsum(w) / total if total > 0 else np.zeros_like(d))
    return shares


def loss_curves(d: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each generator loss: (its value per sample, its derivative in D's logit) at D(G(z)) = d.

    Computed by autograd through `lab.gan.losses`, so the plot shows the code that trains.
    """
    logits = torch.logit(torch.as_tensor(d, dtype=torch.float64))
    curves = {}
    for kind in GENERATOR_LOSSES:

        def per_sample(logit: torch.Tensor, kind: str = kind) -> torch.Tensor:
            return generator_loss(logit[None], kind)

        curves[kind] = (vmap(per_sample)(logits).numpy(), vmap(grad(per_sample))(logits).numpy())
    return curves


@dataclass
class LossThreeAsKL:
    """Loss (3) with D = D* on the 1-D example, against -KL(p_G || p_data), by quadrature."""

    p_g: FixedGenerator
    x: np.ndarray  # the grid
    p_g_density: np.ndarray  # p_G(x), the weight of the average
    log_ratio_star: np.ndarray  # log D*/(1 - D*) = log p_data - log p_G, from the log densities
    expected_star: float  # E_pG[log D*/(1 - D*)]
    minus_kl: float  # -KL(p_G || p_data), from the densities

    @property
    def cell(self) -> float:
        return float(self.x[1] - self.x[0])


def loss_three_as_kl(mu: float, sigma: float, data: str = "bimodal1d") -> LossThreeAsKL:
    """E_pG[log D*/(1 - D*)] and -KL(p_G || p_data) for p_G = N(mu, sigma^2) and the 1-D p_data.

    D*'s logit is taken as log p_data - log p_G straight from the log densities, so it stays
    exact where D* itself rounds to 0 or 1 (far from the data, p_data/p_G is below 1e-300).
    """
    p_data = toy.get(data)
    p_g = FixedGenerator((mu,), (sigma,), (1.0,))
    mixture = p_g.mixture(p_data.extent)
    x = grid_covering(p_data, mixture)
    cell = float(x[1] - x[0])
    log_p_data, log_p_g = p_data.log_prob(x).numpy(), mixture.log_prob(x).numpy()
    density = np.exp(log_p_g)
    log_ratio = log_p_data - log_p_g
    return LossThreeAsKL(
        p_g=p_g,
        x=x,
        p_g_density=density,
        log_ratio_star=log_ratio,
        expected_star=expected_log_ratio(log_ratio, density, cell),
        minus_kl=-kl(density, np.exp(log_p_data), cell),
    )


KL_D_STEPS = 2000
"""Steps of the D that the (3)-as-a-KL tab trains against its p_G."""


def kl_d(p_g: FixedGenerator) -> DTrainer:
    """The D the (3)-as-a-KL tab trains: logistic regression of the 1-D p_data against p_G."""
    return DTrainer(DConfig(p_g=p_g))


@dataclass(frozen=True)
class TrainedLogit:
    """A D trained against `p_g` for `step` steps, its logit log D/(1 − D) on `loss_three_as_kl`'s grid."""

    p_g: FixedGenerator
    step: int
    logit: np.ndarray


def trained_logit(trainer: DTrainer) -> TrainedLogit:
    """The KL tab's D as it is now, on the grid `loss_three_as_kl` uses for its p_G."""
    p_data, p_g = toy.get(trainer.config.data), trainer.config.p_g
    x = grid_covering(p_data, p_g.mixture(p_data.extent))
    return TrainedLogit(p_g, trainer.step_count, trainer.logit(x))


@dataclass
class TripleSnapshot:
    """What the side-by-side view draws: per loss, its samples, D(G(z)) and G's gradient norm."""

    step: int
    losses: tuple[str, ...]
    real: np.ndarray  # (n, 2)
    fakes: list[np.ndarray]  # per run (n, 2)
    d_fake: list[np.ndarray]  # per run (n,) D(G(z)) on its own samples
    history: list[dict[str, list[float]]]  # per run: step, g_grad_norm, g_update_norm, ... (thinned)
    extent: float
    update_ratio: float  # `update_ratio` over the first STALL_STEPS steps (or as many as there are)


def saturation_sides(config: SaturationConfig) -> list[tuple[str, SaturationConfig]]:
    """One run per generator loss (1), (2), (3), otherwise the same config: the same initial
    weights, data and noise (those of the seed)."""
    return [(TITLES[kind], replace(config, generator_loss=kind)) for kind in GENERATOR_LOSSES]


def saturation_run(
    config: SaturationConfig, device: torch.device | None = None, head_start: dict | None = None
) -> GANTrainer:
    """One GAN of the comparison, after `config.d_pretrain` steps of D alone against the initial G;
    or, given `head_start` (the state of a run of the same seed after them), starting from there."""
    p_data = toy.get(config.data)
    trainer = GANTrainer(config, p_data, *toy_nets(config, p_data.dim), device=device)
    if head_start is None:
        trainer.pretrain_d(config.d_pretrain)
    else:
        trainer.load_state_dict(head_start)
    return trainer


def saturation_runs(config: SaturationConfig, device: torch.device | None = None) -> SideBySide:
    """The three GANs of `saturation_sides`, trained together. D's head start does not depend on G's
    loss, so it is trained once and each of the three starts from it."""
    head_start = saturation_run(config, device).state_dict()
    build = partial(saturation_run, device=device, head_start=head_start)
    return SideBySide(config, saturation_sides, build, parallel=True)


@torch.no_grad()
def triple_snapshot(trainer: SideBySide, n: int = 300) -> TripleSnapshot:
    """Per loss: samples at the same z every frame, D(G(z)) on them, the thinned histories."""
    first = trainer.runs[0]
    rng = torch.Generator().manual_seed(first.config.seed + 3)  # the same z for every refresh
    z = torch.randn(n, first.config.noise_dim, generator=rng).to(first.device)
    fakes = [run.generate(z) for run in trainer.runs]
    d_fake = [
        torch.sigmoid(run.logit(fake)).squeeze(-1) for run, fake in zip(trainer.runs, fakes, strict=True)
    ]
    histories = [run.history for run in trainer.runs]
    return TripleSnapshot(
        step=trainer.step_count,
        losses=tuple(run.config.generator_loss for run in trainer.runs),
        real=first.p_data.sample(n, rng).numpy(),
        fakes=[fake.cpu().numpy() for fake in fakes],
        d_fake=[d.double().cpu().numpy() for d in d_fake],
        history=[h.thinned() for h in histories],
        extent=first.p_data.extent,
        update_ratio=update_ratio(histories) if trainer.step_count else float("nan"),
    )
