"""Every scenario's claim, run headless from the scenario's own config and checked in numbers."""

import math

import pytest
import torch

from lab.gan.optimal_d import DTrainer, d_snapshot
from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.trainer import GANConfig
from lab.scenarios import SCENARIOS, find


def _modes_at(config: GANConfig, steps: int) -> tuple[float, float]:
    torch.set_num_threads(1)
    trainer = toy_gan(config)
    trainer.step(steps)
    evals = playground_snapshot(trainer).evals
    assert evals["step"][-1] == steps
    return evals["modes"][-1], evals["high_quality"][-1]


def _d_star_at(name: str):
    scenario = find("optimal_d_1d", name)
    trainer = DTrainer(scenario.config)
    trainer.step(scenario.steps)
    return d_snapshot(trainer)


def test_every_lesson_with_scenarios_has_three_well_formed_ones():
    for run, scenarios in SCENARIOS.items():
        assert len(scenarios) >= 3, run
        assert len({s.name for s in scenarios}) == len(scenarios)
        for s in scenarios:
            assert s.steps > 0 and s.look_for and s.title
            assert s.question is None or 0 <= s.question.answer < len(s.question.choices)


def test_the_default_covers_all_eight_modes():
    s = find("gan_playground", "default")
    modes, _ = _modes_at(s.config, s.steps)
    assert modes == 8


def test_mode_collapse_covers_fewer_modes_than_the_default_within_its_steps():
    s = find("gan_playground", "collapse")
    modes, quality = _modes_at(s.config, s.steps)
    default_modes, _ = _modes_at(GANConfig(), s.steps)
    assert modes <= 3 and quality >= 0.8, (modes, quality)  # few modes, each well: a collapse
    assert default_modes == 8


def test_loss_one_under_a_strong_d_covers_no_mode():
    s = find("gan_playground", "saturation")
    modes, quality = _modes_at(s.config, s.steps)
    assert modes == 0 and quality == 0


def test_p_g_equal_to_p_data_gives_one_half_and_minus_log_four():
    snap = _d_star_at("equal")
    assert snap.value_star == pytest.approx(-math.log(4), abs=1e-6)
    assert snap.gap < 0.02 and abs(snap.d[snap.bulk] - 0.5).max() < 0.02
    assert snap.value == pytest.approx(-math.log(4), abs=1e-3)


def test_d_reaches_its_optimum_and_never_passes_the_ceiling():
    snap = _d_star_at("optimum")
    assert snap.gap < 0.1
    assert 0 <= snap.value_star - snap.value < 0.01


def test_logistic_regression_on_x_cannot_reach_d_star():
    snap = _d_star_at("linear")
    assert snap.gap > 0.3
    assert snap.value_star - snap.value > 0.3
