"""Toy distributions p_data in 1-D and 2-D, each with an exact density.

Every distribution here is a mixture of isotropic Gaussians
    p_data(x) = sum_k w_k N(x; m_k, s_k^2 I),
so `log_prob` is exact, sampling is exact, and smoothing by a Gaussian kernel of width h is
exact too (s_k^2 -> s_k^2 + h^2). Curves (two moons, a spiral) are mixtures of many small
Gaussians placed along the curve. A student's own points (`lab.data.own`) become a kernel
density, a mixture with one small Gaussian per point.

    >>> ring = get("ring8"); x = ring.sample(1000, torch.Generator().manual_seed(0))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

LOG_PROB_CHUNK = 4_000_000
"""`GaussianMixture.log_prob` evaluates at most this many (point, component) pairs at once (32 MB)."""


@dataclass(frozen=True)
class GaussianMixture:
    """p(x) = sum_k weights[k] * N(x; means[k], stds[k]^2 I)."""

    name: str
    title: str
    means: np.ndarray  # (K, dim)
    stds: np.ndarray  # (K,)
    weights: np.ndarray  # (K,), sums to 1
    has_modes: bool = True  # False where the components only trace a curve
    extent: float = 3.0  # plots show [-extent, extent]^dim

    @property
    def dim(self) -> int:
        return int(self.means.shape[1])

    @property
    def modes(self) -> np.ndarray:
        """Component means: the modes counted by the mode-coverage metric."""
        return self.means

    @property
    def std(self) -> float:
        """The (largest) component standard deviation."""
        return float(self.stds.max())

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n exact samples as a float32 CPU tensor of shape (n, dim)."""
        return self.sample_labeled(n, generator)[0]

    def sample_labeled(
        self, n: int, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """n samples and the index of the component each was drawn from."""
        weights = torch.as_tensor(self.weights, dtype=torch.float64)
        k = torch.multinomial(weights, n, replacement=True, generator=generator)
        means = torch.as_tensor(self.means, dtype=torch.float32)[k]
        stds = torch.as_tensor(self.stds, dtype=torch.float32)[k, None]
        noise = torch.randn(n, self.dim, generator=generator)
        return means + stds * noise, k

    def log_prob(self, x: torch.Tensor | np.ndarray) -> torch.Tensor:
        """Exact log p(x) in float64 for points x of shape (n, dim) (or (n,) in 1-D).

        Computed for LOG_PROB_CHUNK // K points at a time, so a kernel density of thousands of
        points (K components) evaluated on a large grid stays within memory."""
        x = torch.as_tensor(x, dtype=torch.float64)
        if x.ndim == 1:
            x = x[:, None]
        means = torch.as_tensor(self.means, dtype=torch.float64)
        var = torch.as_tensor(self.stds, dtype=torch.float64) ** 2
        log_norm = -0.5 * self.dim * torch.log(2 * math.pi * var)
        log_w = torch.log(torch.as_tensor(self.weights, dtype=torch.float64))
        rows = max(1, LOG_PROB_CHUNK // len(means))
        parts = [
            torch.logsumexp(log_w + log_norm - 0.5 * torch.cdist(x[i : i + rows], means) ** 2 / var, dim=1)
            for i in range(0, len(x), rows)
        ]
        return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.float64)

    def smoothed(self, h: float) -> GaussianMixture:
        """p convolved with N(0, h^2 I): exact, since every component stays Gaussian."""
        stds = np.sqrt(self.stds**2 + h**2)
        return GaussianMixture(
            self.name, self.title, self.means, stds, self.weights, self.has_modes, self.extent
        )


def _mixture(name, title, means, std, has_modes=True, extent=3.0) -> GaussianMixture:
    means = np.asarray(means, dtype=np.float64)
    if means.ndim == 1:
        means = means[:, None]
    k = len(means)
    return GaussianMixture(name, title, means, np.full(k, float(std)), np.full(k, 1.0 / k), has_modes, extent)


def ring8() -> GaussianMixture:
    """8 Gaussians on a circle of radius 2, std 0.02 (the common toy benchmark)."""
    angles = 2 * np.pi * np.arange(8) / 8
    means = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return _mixture("ring8", "8 Gaussians on a ring", means, 0.02)


def grid25() -> GaussianMixture:
    """25 Gaussians with means 2*{-2..2}^2, std 0.05."""
    ticks = 2.0 * np.arange(-2, 3)
    means = np.array([(a, b) for a in ticks for b in ticks])
    return _mixture("grid25", "25 Gaussians on a grid", means, 0.05, extent=5.5)


def gaussian() -> GaussianMixture:
    """A single standard-ish Gaussian N((0.5, -0.5), 0.5^2 I)."""
    return _mixture("gaussian", "A single Gaussian", [[0.5, -0.5]], 0.5)


def moons() -> GaussianMixture:
    """Two interleaving half circles, traced by 120 small Gaussians (std 0.06)."""
    t = np.linspace(0.0, np.pi, 60)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    means = 1.6 * (np.concatenate([upper, lower]) - [0.5, 0.25])
    return _mixture("moons", "Two moons", means, 0.06, has_modes=False)


def spiral() -> GaussianMixture:
    """An Archimedean spiral, 1.5 turns, traced by 150 small Gaussians (std 0.05)."""
    t = np.linspace(0.25, 3.0 * np.pi, 150)
    r = 2.5 * t / t.max()
    means = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    return _mixture("spiral", "A spiral", means, 0.05, has_modes=False)


def gaussian1d() -> GaussianMixture:
    """1-D: one Gaussian N(1, 0.5^2), the data of Goodfellow et al. 2014's Figure 1."""
    return GaussianMixture(
        "gaussian1d", "1-D: one Gaussian", np.array([[1.0]]), np.array([0.5]), np.ones(1), extent=4.0
    )


def bimodal1d() -> GaussianMixture:
    """1-D: two Gaussians at -1.5 and +1.5, std 0.5, weights 0.3 / 0.7."""
    return GaussianMixture(
        "bimodal1d",
        "1-D: two Gaussians",
        np.array([[-1.5], [1.5]]),
        np.array([0.5, 0.5]),
        np.array([0.3, 0.7]),
        extent=4.0,
    )


def trimodal1d() -> GaussianMixture:
    """1-D: three equal Gaussians at -2, 0, 2.5 with stds 0.3, 0.5, 0.4."""
    return GaussianMixture(
        "trimodal1d",
        "1-D: three Gaussians",
        np.array([[-2.0], [0.0], [2.5]]),
        np.array([0.3, 0.5, 0.4]),
        np.full(3, 1.0 / 3.0),
        extent=4.0,
    )


_FACTORIES = {
    f.__name__: f for f in (ring8, grid25, gaussian, moons, spiral, gaussian1d, bimodal1d, trimodal1d)
}
NAMES = tuple(_FACTORIES)
NAMES_2D = ("ring8", "grid25", "gaussian", "moons", "spiral")
OWN_PREFIX = "own-"
"""Names of a student's own points (`lab.data.own`) start with this."""


def get(name: str) -> GaussianMixture:
    """The toy distribution called `name`: one of NAMES, or a student's own points registered by
    `lab.data.own.register` (a kernel density; ValueError once the server no longer holds them)."""
    if name.startswith(OWN_PREFIX):
        from lab.data import own  # here, not at the top: own builds on this module

        return own.distribution(name)
    try:
        return _FACTORIES[name]()
    except KeyError:
        raise ValueError(f"unknown toy distribution {name!r}; choose one of {NAMES}") from None
