"""Divergences by quadrature and the kernel density estimate on a grid."""

import math

import numpy as np
import pytest
import torch

from lab.data import toy
from lab.gan.theory import (
    d_star,
    grid_2d,
    jsd,
    kde_on_grid,
    kl,
    value_function,
)


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


def kde_log_density(samples, points, bandwidth):
    """The exact (unbinned) KDE, the independent reference for `kde_on_grid`: log p_h(x) = 1/n sum_i N(x; x_i, h^2 I)."""
    x = torch.as_tensor(samples, dtype=torch.float64)
    y = torch.as_tensor(points, dtype=torch.float64)
    dim = x.shape[1]
    sq = torch.cdist(y, x) ** 2
    log_norm = -0.5 * dim * math.log(2 * math.pi * bandwidth**2) - math.log(len(x))
    return torch.logsumexp(-0.5 * sq / bandwidth**2, dim=1) + log_norm


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


def test_d_star_matches_the_ratio_where_representable():
    p, q = _gauss(X, 0.0, 1.0), _gauss(X, 1.0, 0.5)
    mask = (p > 1e-300) & (q > 1e-300)
    expected = p[mask] / (p[mask] + q[mask])
    np.testing.assert_allclose(d_star(np.log(p[mask]), np.log(q[mask])), expected, rtol=1e-12)


def test_d_star_where_both_densities_underflow():
    log_p = np.array([-1e4, -2e4, -np.inf, -np.inf, -745.0])
    log_q = np.array([-1e4 - 1.0, -1e4, -np.inf, 0.0, -800.0])
    d = d_star(log_p, log_q)
    assert np.isfinite(d).all() and ((d >= 0) & (d <= 1)).all()
    assert d[0] == pytest.approx(1 / (1 + math.exp(-1.0)))  # only the ratio matters
    assert d[1] == 0.0 and d[2] == 0.5 and d[3] == 0.0 and d[4] == pytest.approx(1.0)


def test_value_at_d_star_is_minus_log4_plus_twice_jsd():
    for mu, s in [(0.0, 1.0), (1.0, 0.6), (4.0, 2.0)]:
        p, q = _gauss(X, 0.0, 1.0), _gauss(X, mu, s)
        d = d_star(np.log(p), np.log(q))
        assert value_function(d, p, q, CELL) == pytest.approx(-math.log(4) + 2 * jsd(p, q, CELL), abs=1e-4)


def test_value_of_any_other_d_is_lower():
    p, q = _gauss(X, 0.0, 1.0), _gauss(X, 1.0, 1.0)
    best = value_function(d_star(np.log(p), np.log(q)), p, q, CELL)
    for d in (np.full_like(X, 0.5), 1 / (1 + np.exp(-(0.5 - X))), 1 / (1 + np.exp(-2 * (0.5 - X)))):
        assert value_function(d, p, q, CELL) < best
    assert value_function(np.full_like(X, 0.5), p, p, CELL) == pytest.approx(-math.log(4), abs=1e-9)


def test_kde_error_on_the_bulk_is_small_and_stated():
    """Binned KDE with h = one grid cell (0.1), 20k samples of the 2-D Gaussian, 60x60 grid:
    mean |log error| < 0.1 on the cells holding 90 % of the mass, against the exact density
    smoothed by the same kernel (the comparison the D* panel makes)."""
    dist = toy.get("gaussian")
    samples = dist.sample(20_000, torch.Generator().manual_seed(5)).numpy()
    axis, points, cell = grid_2d(3.0, 60)
    h = axis[1] - axis[0]
    estimate = kde_on_grid(samples, axis, h).ravel()
    exact = dist.smoothed(h).log_prob(points).exp().numpy()
    order = np.argsort(exact)[::-1]
    bulk = order[: np.searchsorted(np.cumsum(exact[order]) * cell, 0.9) + 1]
    error = np.abs(np.log(estimate[bulk]) - np.log(exact[bulk])).mean()
    assert error < 0.1, error
    # against the unsmoothed density the bias of smoothing shows, but stays moderate
    raw = dist.log_prob(points).exp().numpy()
    assert np.abs(np.log(estimate[bulk]) - np.log(raw[bulk])).mean() < 0.2


def test_jsd_stays_finite_where_the_densities_underflow():
    """Denormal densities far in the tails (exp(-744) is 5e-324): (p + q)/2 rounds to 0 there, and a
    naive p log(p/m) is infinite. The JSD of two far-apart Gaussians is log 2, finite."""
    from lab.gan.theory import jsd

    x = np.linspace(-40, 40, 8001)
    p, q = (
        np.exp(-0.5 * (x + 10) ** 2) / np.sqrt(2 * np.pi),
        np.exp(-0.5 * (x - 10) ** 2) / np.sqrt(2 * np.pi),
    )
    assert (p[p > 0].min() < 1e-320) and jsd(p, q, x[1] - x[0]) == pytest.approx(np.log(2), abs=1e-9)
