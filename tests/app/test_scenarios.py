"""Scenarios on their pages: one click sets the page to the scenario's config, a question comes
before the run, and the answer is shown next to what happened."""

import dataclasses
import time

import pytest
from streamlit.testing.v1 import AppTest

from lab.scenarios import SCENARIOS, find
from lab.ui.run_line import run_line as line_of
from tests.app.pages import opened_with, run_line, step_count, wait_for_run

PAGES = {
    "gan_playground": "pages/gan_playground.py",
    "optimal_d_1d": "pages/optimal_d.py",
    "saturation": "pages/saturation.py",
    "figure1": "pages/figure1.py",
    "vae": "pages/vae_latent.py",
    "semi_supervised": "pages/semi_supervised.py",
    "optimal_d_2d": "pages/optimal_d.py",
    "density_estimation": "pages/density_estimation.py",
    "mnist_gan": "pages/mnist_gan.py",
}
START = {"optimal_d_2d": {"part": "2-D: a learned generator"}}  # where the scenarios' buttons are
CASES = [(run, s) for run, scenarios in SCENARIOS.items() for s in scenarios]


def _open(run: str, params: dict | None = None) -> AppTest:
    return opened_with(PAGES[run], params or {})


def _answer_radio(at: AppTest):
    return next(r for r in at.radio if r.key and r.key.startswith("scenario_answer"))


SEEDS = ("seed", "d_seed", "de_seed", "mg_seed", "vae_seed", "sat_seed", "f1_seed", "ss_seed")
"""Every lesson's seed control (a scenario keeps the student's seed)."""


@pytest.mark.parametrize(("run", "scenario"), CASES, ids=[f"{r}-{s.name}" for r, s in CASES])
def test_one_click_sets_the_scenarios_config_at_the_students_seed(run, scenario):
    undo = {"lr_g": "0.005", "k": "3", "d_lr": "0.01"}  # the scenario resets them
    at = _open(run, {**START.get(run, {}), **undo, **dict.fromkeys(SEEDS, "3")})
    at.button(key=f"scenario_{scenario.name}").click().run()
    assert not at.exception, at.exception
    assert run_line(at, " · ") == line_of(dataclasses.replace(scenario.config, seed=3))
    panel = " ".join(m.value for m in at.markdown)
    assert f"Scenario: {scenario.title}" in panel
    if scenario.question:
        assert at.button(key="play").disabled and at.button(key="step").disabled
        assert at.button(key="scenario_run").disabled  # no answer yet
        assert scenario.look_for not in [c.value for c in at.caption]  # the answer is not given away


def test_predict_then_run_shows_the_answer_next_to_what_happened():
    at = _open("optimal_d_1d")
    at.button(key="scenario_equal").click().run()
    _answer_radio(at).set_value("1 where the data are").run()
    at.button(key="scenario_run").click().run()
    assert not at.button(key="play").disabled or at.button(key="pause")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
        happened = [m.value for m in at.markdown if m.value.startswith("**What happened**")]
        if happened and "step 500:" in happened[0]:
            break
    assert "step 500:" in happened[0] and "max |D − D*| = 0.00" in happened[0], happened
    verdict = next(m.value for m in at.markdown if "You said" in m.value)
    assert "Not quite" in verdict and "this run showed “½ everywhere”" in verdict and "unusual" not in verdict
    assert any("−log 4" in c.value for c in at.caption)  # the claim, shown once answered
    at.button(key="scenario_leave").click().run()
    assert not any("Scenario:" in m.value for m in at.markdown)


def test_a_scenario_at_step_zero_shows_its_answer_without_a_run():
    """The mixture is fit at once: "Show it" instead of "Run it (0 steps)", and the numbers of step 0."""
    at = _open("density_estimation")
    at.button(key="scenario_one_gaussian").click().run()
    assert at.button(key="scenario_run").label == "Show it"
    _answer_radio(at).set_value("on one mode").run()
    at.button(key="scenario_run").click().run()
    happened = next(m.value for m in at.markdown if m.value.startswith("**What happened**"))
    assert "step 0:" in happened and "mixture 2.4" in happened, happened
    assert "Not quite" in next(m.value for m in at.markdown if "You said" in m.value)


def test_the_verdict_follows_the_run_at_a_seed_that_departs_from_most():
    """Semi-supervised, "Plenty of labels", seed 1: an unlucky draw of labels, the labels alone reach
    94 % and the unlabelled points add about 5 points, where on most seeds they add little. The
    student who answered "a lot" is right about this run, and told that it is unusual."""
    at = _open("semi_supervised", {"ss_seed": "1"})
    at.button(key="scenario_many").click().run()
    _answer_radio(at).set_value("a lot, as with 3").run()
    at.button(key="scenario_run").click().run()
    wait_for_run(at, "semi_supervised", lambda status: not status.running)
    verdict = next((m.value for m in at.markdown if "You said" in m.value), "")
    assert "Right" in verdict and "this run showed “a lot, as with 3”" in verdict, verdict
    assert "This seed is unusual" in verdict and "the labels alone suffice”" in verdict


def test_a_scenario_clicked_while_a_run_plays_starts_paused_at_step_0_and_stops_at_its_step():
    """In class a run is playing when the lecturer clicks a scenario: nothing of the outcome may be
    drawn before the answer, and "Run it (N steps)" stops at step N exactly."""
    at = _open("gan_playground")
    at.button(key="play").click().run()
    wait_for_run(at, "gan_playground", lambda status: status.step >= 50)
    assert step_count(at) >= 50
    at.button(key="scenario_default").click().run()
    time.sleep(1.0)
    at.run()
    assert step_count(at) == 0 and at.button(key="play").disabled  # paused, waiting for the answer
    assert not [m for m in at.markdown if m.value.startswith("**What happened**")]
    _answer_radio(at).set_value("3 to 5").run()
    at.button(key="scenario_run").click().run()
    wait_for_run(at, "gan_playground", lambda status: not status.running and status.step > 0)
    time.sleep(1.0)  # a run that did not stop would move on meanwhile
    at.run()
    assert step_count(at) == find("gan_playground", "default").steps


@pytest.mark.parametrize(("run", "name"), [("gan_playground", "grid25"), ("optimal_d_1d", "linear")])
def test_a_scenario_that_changes_the_run_says_it_once_in_its_own_panel(run, name):
    """The scenario's panel says what started; the page's notice for a changed data set or
    architecture ("a fresh run started") would say it twice, and of the wrong cause."""
    at = _open(run)
    at.button(key="step").click().run()
    at.button(key=f"scenario_{name}").click().run()
    assert not at.exception
    assert any(m.value.startswith(":material/science: **Scenario:") for m in at.markdown)  # its panel
    assert not any("fresh run" in i.value for i in at.info), [i.value for i in at.info]


def test_leave_restores_the_controls_and_a_control_changed_closes_the_panel():
    at = _open("gan_playground", {"k": "3", "lr_g": "0.005"})
    at.button(key="scenario_collapse").click().run()
    assert at.slider(key="k").value == 5 and at.select_slider(key="lr_g").value == 0.001
    at.button(key="scenario_leave").click().run()
    assert at.slider(key="k").value == 3 and at.select_slider(key="lr_g").value == 0.005
    assert any("Left the scenario “Mode collapse”: every control is back" in i.value for i in at.info)
    at.button(key="scenario_collapse").click().run()
    assert any("Scenario: Mode collapse" in m.value for m in at.markdown)
    at.slider(key="k").set_value(4).run()
    assert not any("Scenario:" in m.value for m in at.markdown)
    assert any("the scenario “Mode collapse” closed" in i.value for i in at.info)


@pytest.mark.parametrize("projector", [False, True])
def test_jump_to_the_trained_run_loads_it_at_the_scenarios_step_and_judges_the_answer(projector):
    """A class need not wait for MNIST: after the answer, the shipped run (lab.warm_start) is on screen at
    the scenario's step, at seed 0 whatever the student's seed was, with the verdict and in the same
    projector mode; Play goes on from it."""
    scenario = find("mnist_gan", "unstable")
    at = _open("mnist_gan", {"mg_seed": "3", "projector": str(projector).lower()})
    at.button(key="scenario_unstable").click().run()
    assert at.button(key="scenario_jump").disabled  # not before the answer
    _answer_radio(at).set_value(scenario.question.choices[1]).run()
    at.button(key="scenario_jump").click().run()
    assert not at.exception, at.exception
    assert step_count(at) == scenario.steps
    assert at.number_input(key="mg_seed").value == 0 and at.toggle(key="projector").value is projector
    assert run_line(at, " · ") == line_of(scenario.config)
    happened = next(m.value for m in at.markdown if m.value.startswith("**What happened**"))
    assert f"step {scenario.steps}:" in happened
    verdict = next(m.value for m in at.markdown if "You said" in m.value)
    assert "Right" in verdict, verdict
    assert any("trained beforehand, at seed 0" in c.value for c in at.caption)
    assert "scenario_jump" not in [b.key for b in at.button]  # the run is there already
    at.button(key="step").click().run()
    assert step_count(at) == scenario.steps + 1


def test_jump_while_the_scenarios_run_plays():
    """Answered and playing to its 10,000 steps, the grid of 25 can still jump: the jump pauses the run
    and puts the trained one in its place."""
    scenario = find("gan_playground", "grid25")
    at = _open("gan_playground")
    at.button(key="scenario_grid25").click().run()
    _answer_radio(at).set_value(scenario.question.choices[scenario.question.answer]).run()
    at.button(key="scenario_run").click().run().run()
    assert at.button(key="pause")  # playing to its step
    at.button(key="scenario_jump").click().run()
    assert not at.exception, at.exception
    assert step_count(at) == scenario.steps and at.button(key="play")
    happened = next(m.value for m in at.markdown if m.value.startswith("**What happened**"))
    assert f"step {scenario.steps:,}:" in happened, happened
    assert "Right" in next(m.value for m in at.markdown if "You said" in m.value)
