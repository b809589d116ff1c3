"""Density estimation three ways: the mixture's likelihood against scikit-learn's, and every
divergence the page shows by quadrature against an independent Monte Carlo estimate."""

import math

import numpy as np
import pytest
import torch

from lab.density_estimation import (
    GAN_SAMPLES,
    GRID,
    REACH,
    SCORED,
    SMOOTHING,
    Densities,
    ThreeWays,
    ThreeWaysConfig,
    binned_samples,
    densities,
    divergences,
    kernel_log_density,
    mixture_log_density,
    three_ways_snapshot,
    vae_log_density,
)
from lab.gan.playground import toy_gan
from lab.gan.theory import grid_2d
from lab.gan.trainer import GANConfig
from lab.ui.run_line import run_line
from lab.vae.gap import log_marginal


@pytest.fixture(scope="module")
def three():
    trainer = ThreeWays(ThreeWaysConfig(data="ring8", components=4))
    trainer.step(400)
    return trainer


def test_the_mixtures_held_out_likelihood_is_scikit_learns(three):
    """Our own log density of the fitted mixture (no smoothing) against sklearn's score_samples."""
    x = three.held_out.double().numpy()
    np.testing.assert_allclose(
        mixture_log_density(three.mixture, x, smoothing=0.0), three.mixture.score_samples(x), atol=1e-8
    )


def test_every_models_held_out_number_averages_over_the_same_points():
    """The table's held-out column: the mixture, the VAE and the smoothed three on the first SCORED
    held-out points alike (the mixture once averaged over 2,000, the VAE over 500). At step 0, where
    the models are as the measurement found them."""
    three = ThreeWays(ThreeWaysConfig(data="ring8", components=4))
    x = three.held_out[:SCORED]
    held = x.double().numpy()
    first = three.scores.last()
    assert first["step"] == 0
    assert first["mixture_ll"] == pytest.approx(three.mixture.score(held))
    assert first["vae_ll"] == pytest.approx(float(log_marginal(three.vae.model, x).mean()))
    assert first["mixture_smoothed_ll"] == pytest.approx(
        float(mixture_log_density(three.mixture, held).mean())
    )
    assert first["gan_smoothed_ll"] == pytest.approx(
        float(kernel_log_density(binned_samples(three.gan), held).mean())
    )


@pytest.fixture(scope="module")
def grid_gan():
    """A GAN on the grid of 25 at step 3,000, where 4,000 samples left its KLs off by 4-5 nats."""
    gan = toy_gan(GANConfig(data="grid25"), evaluate=False)
    gan.step(3000)
    return gan


def test_the_binned_kernel_estimate_is_the_kernel_estimate_of_the_same_samples(grid_gan):
    """Against 1/n sum_i N(x; x_i, h^2 I) computed directly (float64) from the very samples binned."""
    axis, points, _ = grid_2d(REACH * grid_gan.p_data.extent, GRID)
    n = 20_000
    fake = grid_gan.sample(n, torch.Generator().manual_seed(grid_gan.config.seed + 5)).double()
    exact = torch.cat(
        [
            torch.logsumexp(-0.5 * torch.cdist(c, fake).pow(2) / SMOOTHING**2, dim=1)
            for c in torch.as_tensor(points).split(400)
        ]
    ) - math.log(n * 2 * math.pi * SMOOTHING**2)
    ours = kernel_log_density(binned_samples(grid_gan, n), points)
    where_mass = exact.numpy() > -5
    assert where_mass.sum() > 100
    np.testing.assert_allclose(ours[where_mass], exact.numpy()[where_mass], atol=0.05)


def test_the_gans_divergences_settle_at_its_number_of_samples(grid_gan):
    """Twice the samples move the GAN's KLs by under 0.05 nats: the figures the page prints are the
    estimate's, not its noise's."""
    axis, points, cell = grid_2d(REACH * grid_gan.p_data.extent, GRID)
    log_data = grid_gan.p_data.smoothed(SMOOTHING).log_prob(points).numpy().reshape(GRID, GRID)

    def kls(samples: int) -> dict[str, float]:
        log_gan = kernel_log_density(binned_samples(grid_gan, samples), points).reshape(GRID, GRID)
        return divergences(Densities(axis, cell, {"p_data": log_data, "gan": log_gan}, {}), "gan")

    now, doubled = kls(GAN_SAMPLES), kls(2 * GAN_SAMPLES)
    assert now["forward_kl"] == pytest.approx(doubled["forward_kl"], abs=0.05)
    assert now["reverse_kl"] == pytest.approx(doubled["reverse_kl"], abs=0.05)


def _smoothed_samples(model: str, three: ThreeWays, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of a model's density smoothed by SMOOTHING: its samples plus N(0, h^2 I) noise."""
    if model == "p_data":
        base = three.p_data.sample(n, torch.Generator().manual_seed(7)).numpy()
    elif model == "mixture":
        base = three.mixture.sample(n)[0]
    elif model == "gan":  # the kernel estimate is built on these very samples
        seeded = torch.Generator().manual_seed(three.gan.config.seed + 5)
        fake = three.gan.sample(GAN_SAMPLES, seeded).numpy()
        base = fake[rng.integers(0, len(fake), n)]
    else:
        with torch.no_grad():
            f = three.vae.model.mean(torch.randn(n, 2, generator=torch.Generator().manual_seed(7))).numpy()
        base = f + three.vae.model.log_sigma.exp().item() * rng.standard_normal(f.shape)
    return base + SMOOTHING * rng.standard_normal(base.shape)


LOG_DENSITY = {
    "mixture": lambda three, x: mixture_log_density(three.mixture, x),
    "gan": lambda three, x: kernel_log_density(binned_samples(three.gan), x),
    "vae": lambda three, x: vae_log_density(three.vae, x),
}


@pytest.mark.parametrize("model", ["mixture", "gan", "vae"])
def test_divergences_by_quadrature_match_a_monte_carlo_estimate(three, model):
    rng = np.random.default_rng(0)
    log_data = lambda x: three.p_data.smoothed(SMOOTHING).log_prob(x).numpy()  # noqa: E731
    log_model = LOG_DENSITY[model]
    x_data = _smoothed_samples("p_data", three, 4_000, rng)
    x_model = _smoothed_samples(model, three, 4_000, rng)
    forward = float(np.mean(log_data(x_data) - log_model(three, x_data)))
    reverse = float(np.mean(log_model(three, x_model) - log_data(x_model)))
    quadrature = divergences(densities(three), model)
    assert quadrature["forward_kl"] == pytest.approx(forward, rel=0.1, abs=0.05)
    assert quadrature["reverse_kl"] == pytest.approx(reverse, rel=0.1, abs=0.05)
    assert 0 <= quadrature["jsd"] <= math.log(2)


def test_the_snapshot_only_reads_the_last_measurement(three):
    snap = three_ways_snapshot(three)
    assert snap.view is three.view and snap.scores["step"][-1] <= snap.step
    assert {k: v.shape for k, v in snap.samples.items()} == {
        k: (500, 2) for k in ("p_data", "mixture", "gan", "vae")
    }


def test_the_pictures_samples_are_of_the_step_its_densities_are_of():
    """A student compares a model's samples with its density: both come from the last measurement."""
    from lab.density_estimation import _samples

    three = ThreeWays(ThreeWaysConfig(components=2), grid=16)
    three.eval_every = 10
    first = three_ways_snapshot(three).samples["gan"]
    three.step(9)  # between two measurements: the picture stays at step 0
    assert np.array_equal(three_ways_snapshot(three).samples["gan"], first)
    three.step(1)
    measured = three_ways_snapshot(three)
    assert measured.scores["step"][-1] == 10 and not np.array_equal(measured.samples["gan"], first)
    assert np.array_equal(measured.samples["gan"], _samples(three, 500)["gan"])


def test_a_later_session_reuses_the_first_look_and_it_is_the_same():
    """The step-0 fit and measurement are cached per process (the page then opens at once); what a
    later session gets equals what it would compute itself."""
    from lab import density_estimation

    config = ThreeWaysConfig(components=2)
    density_estimation._FIRST_LOOK.pop((config, 16), None)
    computed = ThreeWays(config, grid=16)
    cached = ThreeWays(config, grid=16)
    assert cached.mixture is computed.mixture and cached.view is computed.view
    assert cached.scores.state_dict() == computed.scores.state_dict()
    again = densities(cached)
    for name, log_p in cached.view.log_p.items():
        np.testing.assert_allclose(again.log_p[name], log_p, rtol=1e-12)


def test_the_run_line_names_one_component_in_words():
    assert "· a single Gaussian ·" in run_line(ThreeWaysConfig(components=1))
    assert "· mixture of 8 Gaussians ·" in run_line(ThreeWaysConfig(components=8))


def test_the_first_looks_kept_are_bounded(monkeypatch):
    from lab import density_estimation

    monkeypatch.setattr(density_estimation, "FIRST_LOOKS_KEPT", 2)
    monkeypatch.setattr(density_estimation, "_FIRST_LOOK", {})
    for seed in range(3):
        ThreeWays(ThreeWaysConfig(components=1, seed=seed), grid=8)
    assert [config.seed for config, _ in density_estimation._FIRST_LOOK] == [1, 2]
