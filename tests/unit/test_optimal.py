"""Divergences by quadrature and the kernel density estimate on a grid."""

import math

import numpy as np
import pytest
import torch

from lab.data import toy
from lab.gan.optimal import grid_2d, jsd, kde_log_density, kde_on_grid, kl


def _gauss(x, mu, s):
    return np.exp(-0.5 * ((x - mu) / s) ** 2) / (math.sqrt(2 * math.pi) * s)


X = np.linspace(-12, 12, 24001)
CELL = X[1] - X[0]


def test_kl_of_two_gaussians_matches_closed_form():
    p, q = _gauss(X, 0.0, 1.0), _gauss(X, 1.0, 2.0)
    closed = math.log(2.0 / 1.0) + (1.0 + 1.0) / (2 * 4.0) - 0.5
    assert kl(p, q, CELL) == pytest.approx(closed, abs=1e-6)


def test_jsd_bounds_and_symmetry():
    p, q = _gauss(X, -1.0, 1.0), _gauss(X, 1.5, 0.7)
    assert jsd(p, q, CELL) == pytest.approx(jsd(q, p, CELL), abs=1e-12)
    assert jsd(p, p, CELL) == pytest.approx(0.0, abs=1e-12)
    far = _gauss(X, -8.0, 0.5), _gauss(X, 8.0, 0.5)
    assert jsd(*far, CELL) == pytest.approx(math.log(2), abs=1e-6)
    assert 0.0 < jsd(p, q, CELL) < math.log(2)


def test_binned_kde_matches_exact_kde():
    samples = toy.get("ring8").sample(3000, torch.Generator().manual_seed(0))
    axis, points, cell = grid_2d(3.0, 100)
    exact = kde_log_density(samples, torch.as_tensor(points), 0.1).exp().numpy().reshape(100, 100)
    binned = kde_on_grid(samples.numpy(), axis, 0.1)
    assert binned.sum() * cell == pytest.approx(1.0, abs=0.01)
    # binning moves each sample by at most half a cell (0.03 against h = 0.1)
    assert np.abs(binned - exact).sum() * cell < 0.05


def test_jsd_of_a_kde_to_its_own_smoothed_density_is_small():
    ring = toy.get("ring8")
    samples = ring.sample(20_000, torch.Generator().manual_seed(3)).numpy()
    axis, points, cell = grid_2d(3.0, 100)
    p_data_h = ring.smoothed(0.1).log_prob(points).exp().numpy().reshape(100, 100)
    p_g_h = kde_on_grid(samples, axis, 0.1)
    assert jsd(p_data_h, p_g_h, cell) < 0.01
    shifted = kde_on_grid(samples + 0.5, axis, 0.1)
    assert jsd(p_data_h, shifted, cell) > 0.5


def test_grid_layout_rows_follow_y():
    axis, points, cell = grid_2d(1.0, 4)
    assert cell == pytest.approx(0.25)
    assert tuple(points[1]) == (axis[1], axis[0])
    assert tuple(points[4]) == (axis[0], axis[1])
