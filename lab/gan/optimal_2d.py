"""The proposition on a learned 2-D generator: D(x) next to D*(x) = p_data / (p_data + p_G).

A learned G has no density we can evaluate, so p_G is a kernel density estimate from many
generated samples, binned on the grid, with the bandwidth rule h = one grid cell (the finest
detail the grid can show). To compare like with like, p_data is smoothed by the same kernel
(exactly: a Gaussian mixture stays one). The D* shown is thus the optimal discriminator between
p_data and p_G both seen at the grid's resolution; where G matches p_data it is 1/2 everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from lab.data import toy
from lab.gan.optimal import d_star, grid_2d, kde_on_grid, mass_region
from lab.gan.trainer import GANSnapshot, GANTrainer

KDE_SAMPLES = 20_000
GRID_SIZE = 60


@dataclass
class DStarSnapshot:
    """D and the estimated D* on one grid, with the playground's snapshot for the rest."""

    gan: GANSnapshot
    axis: np.ndarray  # (S,) cell centres along x and along y
    d: np.ndarray  # (S, S) D(x), rows follow y
    d_star: np.ndarray  # (S, S) p_data / (p_data + p_G), both smoothed by the kernel
    mass: np.ndarray  # (S, S) bool: cells where (p_data + p_G)/2 holds 98 % of its mass
    support: np.ndarray  # (S, S) bool: cells where (p_data + p_G)/2 > 1/1000 of its peak
    bandwidth: float  # kernel width of the p_G estimate
    gan_modes: np.ndarray  # (K, 2) p_data's modes, drawn for orientation (empty for curves)

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


def d_star_view(trainer: GANTrainer, n: int = KDE_SAMPLES, size: int = GRID_SIZE) -> tuple:
    """(axis, D on the grid, estimated D* on the grid, 98 % mass mask, support mask, bandwidth)."""
    extent = trainer.p_data.extent
    axis, points, cell = grid_2d(extent, size)
    bandwidth = float(axis[1] - axis[0])
    p_g = kde_on_grid(trainer.sample(n).numpy(), axis, bandwidth)
    log_p_data = _smoothed_log_p_data(trainer.config.data, size)
    with np.errstate(divide="ignore"):
        estimate = d_star(log_p_data, np.log(p_g))
    with torch.no_grad():
        logits = trainer.discriminator(torch.as_tensor(points, dtype=torch.float32))
    d = torch.sigmoid(logits).view(size, size).double().cpu().numpy()
    mixture = 0.5 * (np.exp(log_p_data) + p_g)
    mass = mass_region(mixture.ravel(), cell, 0.98).reshape(size, size)
    return axis, d, estimate, mass, mixture > 1e-3 * mixture.max(), bandwidth


class OptimalDTrainer(GANTrainer):
    """A GANTrainer whose snapshot also holds D next to the estimated D*."""

    def snapshot(self) -> DStarSnapshot:  # type: ignore[override]
        gan = super().snapshot()
        axis, d, estimate, mass, support, bandwidth = d_star_view(self)
        modes = self.p_data.modes if self.p_data.has_modes else np.zeros((0, 2))
        return DStarSnapshot(gan, axis, d, estimate, mass, support, bandwidth, modes)
