"""The theory of the lecture's proposition, computed on grids.

D*(x) = p_data(x) / (p_data(x) + p_G(x))          (the optimal discriminator)
V(D*, G) = -log 4 + 2 JSD(p_data || p_G)          (the slide's "D_JSD" is 2 JSD)

Densities are given as values on a uniform grid (1-D or 2-D arrays) with `cell` the length
or area of one grid cell; integrals are Riemann sums over the grid.
"""

from __future__ import annotations

import math

import numpy as np
import torch


def kl(p: np.ndarray, q: np.ndarray, cell: float) -> float:
    """KL(p || q) = integral p log(p / q), in nats, by quadrature on the grid (0 log 0 = 0)."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    mask = p > 0
    with np.errstate(divide="ignore"):
        terms = p[mask] * (np.log(p[mask]) - np.log(q[mask]))
    return float(terms.sum() * cell)


def jsd(p: np.ndarray, q: np.ndarray, cell: float) -> float:
    """JSD(p || q) = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q)/2: in [0, log 2] nats."""
    m = 0.5 * (np.asarray(p, dtype=np.float64) + np.asarray(q, dtype=np.float64))
    return 0.5 * kl(p, m, cell) + 0.5 * kl(q, m, cell)


def kde_log_density(samples: torch.Tensor, points: torch.Tensor, bandwidth: float) -> torch.Tensor:
    """log of the Gaussian kernel density estimate p_h(x) = 1/n sum_i N(x; x_i, h^2 I)."""
    x = torch.as_tensor(samples, dtype=torch.float64)
    y = torch.as_tensor(points, dtype=torch.float64)
    dim = x.shape[1]
    sq = torch.cdist(y, x) ** 2
    log_norm = -0.5 * dim * math.log(2 * math.pi * bandwidth**2) - math.log(len(x))
    return torch.logsumexp(-0.5 * sq / bandwidth**2, dim=1) + log_norm


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
