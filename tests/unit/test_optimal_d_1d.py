"""The fixed-generator lesson's engine: D trained by logistic regression converges onto D*."""

import dataclasses
import math

import numpy as np
import pytest

from lab.gan.optimal_d import EVAL_EVERY, DConfig, DTrainer, FixedGenerator, d_snapshot
from lab.gan.theory import value_function


def test_proposition_d_comes_within_005_of_d_star_on_the_bulk():
    """D trained by stochastic gradients on samples of a fixed p_data and p_G ends within 0.05 of
    D* = p_data / (p_data + p_G) (max abs) over the region holding 98 % of the mass."""
    config = DConfig()  # p_data: 0.3 N(-1.5, 0.5²) + 0.7 N(1.5, 0.5²); p_G: N(0, 1)
    trainer = DTrainer(config)
    trainer.step(1500)
    trainer.update(dataclasses.replace(config, lr=5e-4))  # anneal: less minibatch noise
    trainer.step(1500)
    snap = d_snapshot(trainer)
    assert snap.gap < 0.05, snap.gap
    assert snap.value <= snap.value_star + 1e-9  # D* is the maximiser
    assert snap.value_star - snap.value < 0.005


def test_snapshot_values_are_consistent():
    trainer = DTrainer(DConfig())
    trainer.step(10)
    snap = d_snapshot(trainer)
    # V(D*, G) by quadrature of its definition, against −log 4 + 2 JSD as the snapshot gives it
    assert value_function(snap.d_star, snap.p_data, snap.p_g, trainer.cell) == pytest.approx(
        snap.value_star, abs=2e-4
    )
    assert (snap.p_data * snap.bulk).sum() > 0 and snap.bulk.mean() < 1
    np.testing.assert_allclose(snap.d_star, snap.p_data / (snap.p_data + snap.p_g), atol=1e-12)
    assert snap.history["step"] == [0, EVAL_EVERY]  # recorded on a schedule
    assert snap.history["value"][-1] == pytest.approx(snap.value)


def test_p_g_equal_to_p_data_gives_half_and_minus_log4():
    trainer = DTrainer(DConfig(p_g=None))
    snap = d_snapshot(trainer)
    np.testing.assert_allclose(snap.d_star, 0.5)
    assert snap.value_star == pytest.approx(-math.log(4)) and snap.jsd == pytest.approx(0.0, abs=1e-12)


def test_moving_p_g_keeps_d_and_changes_d_star():
    config = DConfig()
    trainer = DTrainer(config)
    trainer.step(50)
    points = np.linspace(-3, 3, 7)
    d_before, before = trainer.discriminator(points), d_snapshot(trainer)
    trainer.update(dataclasses.replace(config, p_g=FixedGenerator((1.5,), (0.5,), (1.0,))))
    after = d_snapshot(trainer)
    assert after.step == 50
    np.testing.assert_allclose(trainer.discriminator(points), d_before)  # same D
    assert not np.allclose(
        np.interp(points, after.x, after.d_star), np.interp(points, before.x, before.d_star)
    )
    with pytest.raises(ValueError):
        trainer.update(dataclasses.replace(config, depth=3))


def test_a_linear_d_cannot_reach_a_bimodal_d_star():
    """Capacity matters: logistic regression on x has a monotone D, D* here is not."""
    trainer = DTrainer(DConfig(depth=0))
    trainer.step(1500)
    assert d_snapshot(trainer).gap > 0.3


def test_bad_configs_are_refused():
    with pytest.raises(ValueError):
        DConfig(data="ring8")
    with pytest.raises(ValueError):
        FixedGenerator((0.0, 1.0), (1.0,), (1.0,)).mixture(3.0)


def test_the_ceiling_holds_when_p_g_reaches_past_the_plot():
    """p_G = N(3, 2^2) puts a third of its mass beyond x = 4: the grid widens, so the ceiling
    -log 4 + 2 JSD still equals V(D*, G) by quadrature."""
    from lab.gan.theory import value_function

    trainer = DTrainer(DConfig(p_g=FixedGenerator((3.0,), (2.0,), (1.0,))))
    snap = d_snapshot(trainer)
    cell = snap.x[1] - snap.x[0]
    assert snap.x.min() <= 3.0 - 14.0 and snap.x.max() >= 3.0 + 14.0
    assert snap.p_g.sum() * cell == pytest.approx(1.0, abs=1e-3)
    assert value_function(snap.d_star, snap.p_data, snap.p_g, cell) == pytest.approx(
        snap.value_star, abs=1e-4
    )


@pytest.mark.parametrize("ratio", [0.25, 4.0])
def test_an_unbalanced_minibatch_trains_d_onto_d_star_r_not_d_star(ratio):
    """With r m real and m generated samples per minibatch, logistic regression converges onto
    D*_r = r p_data / (r p_data + p_G) (within 0.05 on the bulk), well away from the balanced D*."""
    config = DConfig(ratio=ratio)
    trainer = DTrainer(config)
    trainer.step(1500)
    trainer.update(dataclasses.replace(config, lr=5e-4))
    trainer.step(1500)
    snap = d_snapshot(trainer)
    np.testing.assert_allclose(
        snap.d_star, ratio * snap.p_data / (ratio * snap.p_data + snap.p_g), atol=1e-12
    )
    assert snap.gap < 0.05, snap.gap
    balanced = snap.p_data / (snap.p_data + snap.p_g)
    assert np.abs(snap.d - balanced)[snap.bulk].max() > 0.15


@pytest.mark.parametrize(("ratio", "seed"), [(0.25, 0), (4.0, 0), (4.0, 1)])
def test_off_balance_v_goes_to_v_at_d_star_r_below_the_ceiling(ratio, seed):
    """The caption for r != 1: D goes to D*_r, so V(D, G) heads for V(D*_r, G), which stays below the
    ceiling V(D*, G) = -log 4 + 2 JSD (V is maximised by D* alone); after 3,000 steps the trained V
    is within 0.05 of V(D*_r, G) and over 0.1 below the ceiling."""
    trainer = DTrainer(DConfig(ratio=ratio, seed=seed))
    trainer.step(3000)
    snap = d_snapshot(trainer)
    cell = float(snap.x[1] - snap.x[0])
    d_star_r = ratio * snap.p_data / (ratio * snap.p_data + snap.p_g)
    by_hand = float(np.sum(snap.p_data * np.log(d_star_r) + snap.p_g * np.log1p(-d_star_r)) * cell)
    assert snap.value_d_star_r == pytest.approx(by_hand, abs=1e-6)
    assert snap.value_star - snap.value_d_star_r > 0.1
    assert snap.value_star - snap.value > 0.1 and snap.value == pytest.approx(snap.value_d_star_r, abs=0.05)


def test_at_balance_v_at_d_star_r_is_the_ceiling():
    snap = d_snapshot(DTrainer(DConfig()))
    assert snap.value_d_star_r == pytest.approx(snap.value_star, abs=1e-6)
