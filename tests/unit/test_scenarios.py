"""Scenarios are well formed, run headless exactly as their pages run them, and their questions'
`shown` read the run's numbers. Each claim on seeds 0-4: tests/unit/test_scenario_seeds.py."""

import dataclasses
from types import SimpleNamespace

import pytest

from lab.gan.optimal_d import OPTIMUM_D_STEPS, InnerLoopConfig
from lab.gan.saturation import STALL_STEPS
from lab.lessons import LESSONS
from lab.scenarios import SCENARIOS, find, lesson_of, run_headless
from lab.semi.trainer import SemiConfig
from lab.ui.scenarios import verdict
from tests.app.test_scenarios import PAGES


def test_every_lesson_with_scenarios_has_three_well_formed_ones():
    for run, scenarios in SCENARIOS.items():
        assert len(scenarios) >= 3, run
        assert len({s.name for s in scenarios}) == len(scenarios)
        for s in scenarios:
            assert s.steps >= 0 and s.look_for and s.title
            assert s.question is None or 0 <= s.question.answer < len(s.question.choices)
            assert "seed 0" not in s.look_for  # a claim of most seeds; the student's seed is kept
            assert lesson_of(s) == run


def test_every_lesson_with_scenarios_has_its_pages_builder_and_snapshot():
    assert set(LESSONS) == set(SCENARIOS) == set(PAGES)


def test_run_headless_is_the_pages_run_at_the_seed_asked_for():
    """The same builder and snapshot as the page (LESSONS), the scenario's steps, the given seed."""
    s = find("optimal_d_1d", "equal")
    snap = run_headless(s, seed=3)
    assert snap.step == s.steps and snap.config == dataclasses.replace(s.config, seed=3)


def test_the_saturation_scenarios_are_the_pages_caption_settings():
    """strong_d and adam are the settings the page's caption and expander describe."""
    strong = find("saturation", "strong_d")
    assert strong.steps == STALL_STEPS  # the steps over which update_ratio compares the losses


def test_the_settings_other_tests_and_captions_name():
    assert find("semi_supervised", "three").config == SemiConfig(
        data="moons", method="gan", labels_per_class=3
    )
    assert find("optimal_d_2d", "k_one").config == InnerLoopConfig(data="moons")
    assert find("optimal_d_2d", "optimum").config == InnerLoopConfig(
        data="moons", d_to_optimum=True, k=OPTIMUM_D_STEPS
    )


@pytest.mark.parametrize(
    ("modes", "quality", "default", "collapse", "saturation"),
    [
        (8, 0.9, 2, 0, 0),
        (6, 0.5, 2, 0, 0),
        (5, 0.5, 1, 0, 0),
        (4, 0.9, 1, 1, 1),
        (2, 0.97, 0, 1, 1),
        (2, 0.0, 0, 1, 2),
        (0, 0.0, 0, 2, 2),
    ],
)
def test_the_playgrounds_questions_read_the_modes_and_the_quality(
    modes, quality, default, collapse, saturation
):
    snap = _playground_snapshot(modes, quality)
    assert find("gan_playground", "default").question.shown(snap) == default
    assert find("gan_playground", "collapse").question.shown(snap) == collapse
    assert find("gan_playground", "saturation").question.shown(snap) == saturation


def _playground_snapshot(modes: float, quality: float):
    """The two numbers the playground's questions read, as its snapshot carries them."""
    return SimpleNamespace(evals={"modes": [modes], "high_quality": [quality]})


def test_the_verdict_judges_the_answer_by_what_this_run_showed():
    question = find("gan_playground", "default").question  # most seeds: "6 to 8" (index 2)
    usual = "on most seeds (at least 4 of the 5 tested) it is “6 to 8”"
    right = verdict(question, said=2, shown=2)
    assert right.startswith(":material/check_circle: Right") and "this run showed “6 to 8”" in right
    assert usual not in right
    wrong = verdict(question, said=0, shown=2)
    assert "Not quite" in wrong and "You said “at most 2”" in wrong and usual not in wrong
    departing = verdict(question, said=1, shown=1)  # right about this run, which most seeds are not
    assert "Right" in departing and "this run showed “3 to 5”" in departing and usual in departing
    assert usual in verdict(question, said=2, shown=1) and "Not quite" in verdict(question, said=2, shown=1)
    assert "none of the choices" in verdict(question, said=0, shown=None)
