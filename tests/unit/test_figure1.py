"""The Figure-1 lesson: a learned 1-D GAN, its JSD, and the far-apart case the slide is silent on."""

import math

import numpy as np
import pytest
import torch
from scipy.stats import norm

from lab.data import toy
from lab.gan.figure1 import (
    BANDWIDTH,
    FAR_APART,
    Figure1Config,
    figure1_runs,
    figure1_snapshot,
    grid,
    kde_1d,
    measure_jsd,
)
from lab.gan.trainer import GANTrainer


def test_kde_of_gaussian_samples_is_the_gaussian_widened_by_the_kernel():
    """Samples of N(1, 0.5²) smoothed by a kernel of width h have density N(1, 0.5² + h²)."""
    x = grid(toy.get("gaussian1d"))
    samples = np.random.default_rng(0).normal(1.0, 0.5, 200_000)
    estimate = kde_1d(samples, x, BANDWIDTH)
    exact = norm.pdf(x, 1.0, math.hypot(0.5, BANDWIDTH))
    assert estimate.sum() * (x[1] - x[0]) == pytest.approx(1.0, abs=1e-3)
    assert np.abs(estimate - exact).max() < 0.02


def test_jsd_of_a_generator_that_samples_p_data_is_near_zero():
    run = figure1_runs(Figure1Config()).runs[0]
    run.sample = lambda n, generator, model=0: run.p_data.sample(n, generator)  # G = p_data exactly
    assert measure_jsd(run, torch.Generator().manual_seed(0))["jsd"] < 0.005


@pytest.mark.parametrize("seed", range(5))
def test_far_apart_the_gradient_of_loss_one_is_d_over_one_minus_d_of_twos(seed):
    """The note: at the first step the gradient of (1) is D(G(z))/(1 - D(G(z))) of (2)'s (per sample
    D and 1 - D times the same gradient of D's logit), 1/1,400-1/2,500 on seeds 0-4."""
    trainer = figure1_runs(Figure1Config(**FAR_APART, seed=seed))
    trainer.step(1)
    minimax, non_saturating = (run.history.last() for run in trainer.runs)
    d = minimax["d_fake"]
    ratio = minimax["g_grad_norm"] / non_saturating["g_grad_norm"]
    assert ratio == pytest.approx(d / (1 - d), rel=0.25) and 1 / 3000 < ratio < 1 / 1000, (ratio, d)


def test_far_apart_the_jsd_reads_log_2_and_loss_one_stalls():
    """G 8 sds from p_data, D already separating them: JSD = log 2 (to 1e-3), the gradient of loss
    (1) is under 1/100 of loss (2)'s, and with SGD G under (1) stays put for 300 steps while G under
    (2) crosses over (the page's note)."""
    trainer = figure1_runs(Figure1Config(**FAR_APART))
    assert [p.jsd for p in figure1_snapshot(trainer)] == pytest.approx([math.log(2)] * 2, abs=1e-3)
    trainer.step(1)
    minimax, non_saturating = (run.history.last() for run in trainer.runs)
    assert minimax["d_fake"] < 1e-2 and minimax["g_grad_norm"] < 1e-2 * non_saturating["g_grad_norm"]
    trainer.step(299)
    stalled, moving = (p.jsd for p in figure1_snapshot(trainer))
    assert stalled == pytest.approx(math.log(2), abs=1e-3) and moving < 0.5


def test_side_by_side_runs_share_the_start_and_differ_in_the_loop():
    trainer = figure1_runs(Figure1Config(compare="inner_loop", k=1))
    left, right = trainer.runs
    assert isinstance(left, GANTrainer) and left.config.k == 100 and right.config.k == 1
    for a, b in zip(left.G.parameters(), right.G.parameters(), strict=True):
        assert torch.equal(a, b)
    assert len(figure1_snapshot(trainer)) == 2
