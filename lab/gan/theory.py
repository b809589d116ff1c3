"""The theory of the lecture's proposition, computed on grids.

D*(x) = p_data(x) / (p_data(x) + p_G(x))          (the optimal discriminator)
V(D*, G) = -log 4 + 2 JSD(p_data || p_G)          (the slide's "D_JSD" is 2 JSD)

Densities are given as values on a uniform grid (1-D or 2-D arrays) with `cell` the length
or area of one grid cell; integrals are Riemann sums over the grid.
"""

from __future__ import annotations

import math

import numpy as np


def d_star(log_p_data: np.ndarray, log_p_g: np.ndarray) -> np.ndarray:
    """D*(x) = p_data / (p_data + p_G) = sigmoid(log p_data - log p_G), elementwise.

    Computed from log densities, so it is exact where both densities underflow to 0 in floating
    point; where both are exactly 0 (log = -inf) nothing favours either side and D* = 1/2.
    """
    a = np.asarray(log_p_data, dtype=np.float64)
    b = np.asarray(log_p_g, dtype=np.float64)
    both_zero = np.isneginf(a) & np.isneginf(b)
    with np.errstate(invalid="ignore"):
        ratio = np.where(both_zero, 0.0, a - b)
    return 0.5 * (1.0 + np.tanh(0.5 * ratio))  # the sigmoid, without overflow


def pointwise_value(q: np.ndarray, a: float, b: float) -> np.ndarray:
    """f(q) = a log q + b log(1 - q), for q in (0, 1): the integrand of V(D, G) at one x, with
    a = p_data(x) and b = p_G(x) (a = r p_data(x) when the minibatch holds r real per generated).

    The proof of the proposition maximises V pointwise: f'(q) = a/q - b/(1 - q) = 0 at
    q* = a / (a + b), and f'' < 0, so D*(x) = q*. Where a or b is 0 its term is 0.
    """
    q = np.asarray(q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        left = np.where(a > 0, a * np.log(q), 0.0)
        right = np.where(b > 0, b * np.log1p(-q), 0.0)
    return left + right


def value_function(d: np.ndarray, p_data: np.ndarray, p_g: np.ndarray, cell: float) -> float:
    """V(D, G) = E_{p_data}[log D] + E_{p_G}[log(1 - D)], by quadrature on the grid.

    D is kept within [1e-300, 1 - 1e-16]: where D rounds to 0 or 1 in floating point, the density
    that meets it is (for D = D*) smaller by the same factor, so its term is negligible.
    """
    d = np.clip(np.asarray(d, dtype=np.float64), 1e-300, 1.0 - 1e-16)
    return float((np.sum(p_data * np.log(d)) + np.sum(p_g * np.log1p(-d))) * cell)


def expected_log_ratio(log_ratio: np.ndarray, p_g: np.ndarray, cell: float) -> float:
    """E_{p_G}[log D/(1 - D)] by quadrature: the lecture's loss (3), which for D = D* equals
    E_{p_G}[log p_data/p_G] = -KL(p_G || p_data).

    `log_ratio` is log D/(1 - D) itself, D's logit: for D* pass log p_data - log p_G, for a
    trained D its logit. Never rebuild it from a probability D in (0, 1): where D rounds to 0 or 1
    the logit is lost (at D* = 1e-300 it would read as -690 whatever the true ratio).
    """
    return float(np.sum(p_g * np.asarray(log_ratio, dtype=np.float64)) * cell)


def kl(p: np.ndarray, q: np.ndarray, cell: float) -> float:
    """KL(p || q) = integral p log(p / q), in nats, by quadrature on the grid (0 log 0 = 0)."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    mask = p > 0
    with np.errstate(divide="ignore"):
        terms = p[mask] * (np.log(p[mask]) - np.log(q[mask]))
    return float(terms.sum() * cell)


def jsd(p: np.ndarray, q: np.ndarray, cell: float) -> float:
    """JSD(p || q) = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q)/2: in [0, log 2] nats.

    Each term a log(a/m) is at most a log 2 (a <= 2m), so densities below 1e-300 are left out: they
    add less than 1e-300 per cell, and there (p + q)/2 can underflow to 0 in floating point."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    m = 0.5 * (p + q)
    half = 0.0
    for a in (p, q):
        keep = a > 1e-300
        half += float((a[keep] * np.log(a[keep] / m[keep])).sum())
    return 0.5 * half * cell


def kde_on_grid(samples: np.ndarray, axis: np.ndarray, bandwidth: float) -> np.ndarray:
    """Gaussian kernel density estimate of 2-D samples at the cells of a square grid.

    p_h(x) = 1/n sum_i N(x; x_i, h^2 I), computed fast by binning: each sample is moved to the
    centre of its grid cell (an error of at most half a cell, small against h when the cell is),
    then the histogram is smoothed by the separable Gaussian kernel, K_y H K_x^T / n.
    Samples outside the grid are counted in n but not placed, so mass outside is not invented.
    Returns an (S, S) array whose rows follow y, like `grid_2d`.
    """
    samples = np.asarray(samples, dtype=np.float64)
    step = axis[1] - axis[0]
    edges = np.concatenate([axis - step / 2, [axis[-1] + step / 2]])
    hist, _, _ = np.histogram2d(samples[:, 1], samples[:, 0], bins=[edges, edges])
    diff = axis[:, None] - axis[None, :]
    kernel = np.exp(-0.5 * (diff / bandwidth) ** 2) / (math.sqrt(2 * math.pi) * bandwidth)
    return kernel @ hist @ kernel.T / len(samples)


def grid_2d(extent: float, size: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Cell centres of a size x size grid over [-extent, extent]^2: (axis, points (size^2, 2), cell area).

    points[i * size + j] = (axis[j], axis[i]): rows follow y, columns follow x.
    """
    step = 2 * extent / size
    axis = -extent + step * (np.arange(size) + 0.5)
    xx, yy = np.meshgrid(axis, axis)
    return axis, np.stack([xx.ravel(), yy.ravel()], axis=1), step * step


def mass_region(density: np.ndarray, cell: float, mass: float) -> np.ndarray:
    """Mask of the highest-density grid cells that together hold `mass` of the density."""
    order = np.argsort(density)[::-1]
    held = np.cumsum(density[order]) * cell
    mask = np.zeros(density.shape, dtype=bool)
    mask[order[: np.searchsorted(held, mass) + 1]] = True
    return mask
