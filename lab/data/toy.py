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

import numpy as np

from lab.data import own
from lab.data.mixture import GaussianMixture


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


def get(name: str) -> GaussianMixture:
    """The toy distribution called `name`: one of NAMES, or a student's own points registered by
    `lab.data.own.register` (a kernel density; ValueError once the server no longer holds them)."""
    if name.startswith(own.PREFIX):
        return own.distribution(name)
    try:
        return _FACTORIES[name]()
    except KeyError:
        raise ValueError(f"unknown toy distribution {name!r}; choose one of {NAMES}") from None
