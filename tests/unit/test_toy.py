"""Toy distributions: exact densities that integrate to 1 and agree with their samplers."""

import numpy as np
import pytest
import torch

from lab.data import toy


def _integral(dist: toy.GaussianMixture) -> float:
    """Riemann sum of p over a box holding all its mass, with cells of a quarter std."""
    lo = dist.means.min(axis=0) - 8 * dist.std
    hi = dist.means.max(axis=0) + 8 * dist.std
    h = dist.stds.min() / 4
    axes = [np.arange(a, b, h) + h / 2 for a, b in zip(lo, hi, strict=True)]
    if dist.dim == 1:
        return float(dist.log_prob(axes[0]).exp().sum() * h)
    total = 0.0
    for y in axes[1]:  # row by row, to keep memory small
        points = np.stack([axes[0], np.full_like(axes[0], y)], axis=1)
        total += float(dist.log_prob(points).exp().sum())
    return total * h * h


@pytest.mark.parametrize("name", toy.NAMES)
def test_log_prob_integrates_to_one(name):
    assert _integral(toy.get(name)) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("name", toy.NAMES)
def test_samples_have_the_mixture_mean_and_variance(name):
    dist = toy.get(name)
    x = dist.sample(200_000, torch.Generator().manual_seed(1)).double().numpy()
    mean = dist.weights @ dist.means
    # variance per coordinate = E[variance within a component] + variance of the means
    var_per_axis = dist.weights @ (dist.stds[:, None] ** 2 + (dist.means - mean) ** 2)
    assert x.shape == (200_000, dist.dim)
    np.testing.assert_allclose(x.mean(axis=0), mean, atol=0.02)
    np.testing.assert_allclose(x.var(axis=0), var_per_axis, rtol=0.03, atol=1e-3)


def test_ring8_is_the_common_benchmark():
    ring = toy.get("ring8")
    np.testing.assert_allclose(np.linalg.norm(ring.modes, axis=1), 2.0)
    assert len(ring.modes) == 8 and ring.std == 0.02


def test_grid25_means_and_std():
    grid = toy.get("grid25")
    assert sorted(set(grid.modes[:, 0])) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert len(grid.modes) == 25 and grid.std == 0.05


def test_smoothing_adds_variances():
    smooth = toy.get("ring8").smoothed(0.1)
    np.testing.assert_allclose(smooth.stds, np.sqrt(0.02**2 + 0.1**2))
    assert _integral(smooth) == pytest.approx(1.0, abs=1e-3)


def test_unknown_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown toy distribution"):
        toy.get("swiss_roll_9000")
