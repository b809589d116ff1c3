"""Saturation: the three generator losses side by side, batched, and loss (3) as a KL."""

import dataclasses

import numpy as np
import pytest
import torch

from lab.gan.discriminator import DConfig, DTrainer
from lab.gan.losses import GENERATOR_LOSSES
from lab.gan.optimal import d_star, expected_log_ratio, kl
from lab.gan.saturation import SaturationTrainer, loss_curves
from lab.gan.trainer import GANConfig, GANTrainer

SMALL = GANConfig(width=32, depth=2, batch_size=64)


def test_loss_curves_have_the_closed_form_derivatives():
    d = np.array([1e-4, 0.01, 0.3, 0.5, 0.9])
    curves = loss_curves(d)
    np.testing.assert_allclose(curves["minimax"][0], np.log(1 - d))
    np.testing.assert_allclose(curves["minimax"][1], -d)
    np.testing.assert_allclose(curves["non_saturating"][0], -np.log(d))
    np.testing.assert_allclose(curves["non_saturating"][1], -(1 - d))
    np.testing.assert_allclose(curves["log_ratio"][0], -np.log(d / (1 - d)))
    np.testing.assert_allclose(curves["log_ratio"][1], -np.ones_like(d))


def test_three_runs_are_identical_until_the_first_generator_update():
    trainer = SaturationTrainer(dataclasses.replace(SMALL, d_pretrain=5))
    for net in (trainer.G, trainer.D):
        for p in net.parameters():
            assert torch.equal(p[0], p[1]) and torch.equal(p[1], p[2])
    trainer.step(1)
    g_first = next(trainer.G.parameters())
    assert not torch.equal(g_first[0], g_first[1])  # different losses, different updates


def test_batched_trainer_matches_three_separate_trainers_step_for_step():
    batched = SaturationTrainer(SMALL)
    separate = [GANTrainer(dataclasses.replace(SMALL, generator_loss=kind)) for kind in GENERATOR_LOSSES]
    for _ in range(5):
        batched.step(3)
        for t in separate:
            t.step(3)
    for model, single in enumerate(separate):
        for name in ("d_loss", "g_loss", "g_grad_norm"):
            np.testing.assert_allclose(
                batched.histories[model][name], single.history[name], rtol=1e-4, atol=1e-6
            )
        for pb, ps in zip(batched.G.parameters(), single.G.parameters(), strict=True):
            torch.testing.assert_close(pb[model], ps[0], rtol=1e-4, atol=1e-6)


def test_a_strong_discriminator_kills_the_minimax_gradient_only():
    """With D(G(z)) about 1e-3 or below, G's gradient under (1) is below 1 % of that under (2)."""
    trainer = SaturationTrainer(GANConfig(d_pretrain=200))
    trainer.step(1)
    d_fake = [h["d_fake"][-1] for h in trainer.histories]
    norms = [h["g_grad_norm"][-1] for h in trainer.histories]
    assert max(d_fake) < 1e-3
    minimax, non_saturating, log_ratio = norms
    assert minimax < 0.01 * non_saturating
    assert log_ratio == pytest.approx(non_saturating, rel=0.05)  # -(1 - D) ~ -1 when D ~ 0


def test_snapshot_uses_the_same_noise_every_time():
    trainer = SaturationTrainer(SMALL)
    a, b = trainer.snapshot(n=50), trainer.snapshot(n=50)
    np.testing.assert_array_equal(a.fakes[0], b.fakes[0])
    assert len(a.fakes) == len(a.d_fake) == 3 and a.d_fake[0].shape == (50,)


def test_loss_three_with_d_star_is_minus_kl():
    """E_pG[log D*/(1 - D*)] = -KL(p_G || p_data), by quadrature on the 1-D example, to 1e-3."""
    trainer = DTrainer(DConfig())
    snap = trainer.snapshot()
    cell = snap.x[1] - snap.x[0]
    log_p_data, log_p_g = np.log(snap.p_data), np.log(snap.p_g)
    value = expected_log_ratio(d_star(log_p_data, log_p_g), snap.p_g, cell)
    assert value == pytest.approx(-kl(snap.p_g, snap.p_data, cell), abs=1e-3)
    assert value < 0


def test_loss_three_with_a_trained_d_approximates_minus_kl():
    trainer = DTrainer(DConfig())
    trainer.step(2000)
    snap = trainer.snapshot()
    cell = snap.x[1] - snap.x[0]
    exact = -kl(snap.p_g, snap.p_data, cell)
    assert expected_log_ratio(snap.d, snap.p_g, cell) == pytest.approx(exact, abs=0.1)
