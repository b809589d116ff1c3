"""The app and the playground page, driven by streamlit's AppTest as a user would."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from lab.gan import trainer as gan_trainer
from lab.ui.gan_controls import LR_FALL_CHOICES
from tests.app.pages import charts, open_app, open_page, opened_with, run_line, step_count


def _playground() -> AppTest:
    return open_page("pages/gan_playground.py")


def _run_line(at: AppTest) -> str:
    return run_line(at, " · k = ")


def test_home_lists_the_lessons():
    at = open_app()
    assert not at.exception
    text = " ".join(md.value for md in at.markdown)
    assert "GAN playground" in text and "slide" in text.lower()


def test_playground_loads_paused_at_step_zero():
    at = _playground()
    assert step_count(at) == 0
    assert "8 Gaussians on a ring" in _run_line(at)
    assert not at.error


def test_step_button_advances_one_step():
    at = _playground()
    at.button(key="step").click().run()
    assert step_count(at) == 1
    at.button(key="step").click().run()
    assert step_count(at) == 2


def test_play_advances_the_step_count_across_runs():
    at = _playground()
    at.button(key="play").click().run()
    try:
        first = step_count(at)
        time.sleep(1.5)
        at.run()
        second = step_count(at)
        time.sleep(1.0)
        at.run()
        assert step_count(at) > second > first
        assert "steps/s" in " ".join(md.value for md in at.markdown)
    finally:
        at.button(key="pause").click().run()
    paused = step_count(at)
    time.sleep(0.5)
    at.run()
    assert step_count(at) == paused


def test_live_widgets_change_the_running_config():
    at = _playground()
    at.button(key="step").click().run()
    at.slider(key="k").set_value(3).run()
    at.select_slider(key="lr_d").set_value(5e-4).run()
    assert "k = 3" in _run_line(at) and "lr D 0.0005" in _run_line(at)
    assert step_count(at) == 1  # same run: nothing was lost
    assert not at.info


def test_architecture_change_starts_a_fresh_run_with_a_notice():
    at = _playground()
    at.button(key="step").click().run()
    at.selectbox(key="data").set_value("grid25").run()
    assert step_count(at) == 0
    assert "25 Gaussians" in _run_line(at)
    assert any("fresh run" in info.value for info in at.info)


def test_d_surface_on_demand():
    at = _playground()
    at.toggle(key="surface").set_value(True).run()
    assert not at.exception
    assert at.get("plotly_chart")


def test_layers_can_be_hidden():
    at = _playground()
    at.multiselect(key="layers").set_value(["real samples"]).run()
    assert not at.exception


def test_divergence_shows_a_message_not_a_traceback(monkeypatch):
    def diverge(self, n=1):
        raise gan_trainer.TrainingDiverged("the losses became NaN or infinite at step 1")

    at = _playground()
    monkeypatch.setattr(gan_trainer.GANTrainer, "step", diverge)
    at.button(key="step").click().run()
    assert not at.exception
    assert any("NaN" in err.value and "Reset" in err.value for err in at.error)
    assert at.button(key="play").disabled


@pytest.mark.parametrize("page", ["pages/home.py", "pages/gan_playground.py"])
def test_every_page_loads_without_exception(page):
    at = open_app()
    at.switch_page(page).run()
    assert not at.exception


def test_settings_travel_in_the_link():
    at = open_app()
    at.switch_page("pages/gan_playground.py")
    at.query_params["k"] = "4"
    at.query_params["data"] = "25 Gaussians on a grid"  # a choice travels as its label
    at.run()
    assert "k = 4" in _run_line(at) and "25 Gaussians" in _run_line(at)
    at.slider(key="depth").set_value(2).run()  # the browser then writes ?depth=2 (tests/e2e/test_links.py)
    assert at.slider(key="depth").value == 2 and at.slider(key="k").value == 4


def test_a_bad_link_is_refused_with_a_notice():
    at = open_app()
    at.switch_page("pages/gan_playground.py")
    at.query_params["k"] = "99"
    at.run()
    assert not at.exception
    assert any("k=99 was refused" in w.value for w in at.warning)
    assert "k = 1" in _run_line(at)


def test_true_scale_arrows_are_said():
    at = _playground()
    assert any("rescaled so the longest" in c.value for c in at.caption)
    at.toggle(key="true_scale").set_value(True).run()
    assert any("drawn at true scale" in c.value for c in at.caption)


def test_slow_motion_walks_the_slides_loop_and_manual_steps_count_right():
    at = _playground()
    lines = []
    for _ in range(4):
        at.button(key="slow_next").click().run()
        lines.append(next(m.value for m in at.markdown if m.value.startswith("**Slow motion")))
    assert [line.split(":** ")[1].split(" (")[0].split(".")[0] for line in lines] == [
        "Sample a minibatch of m noise samples z ~ p_z",
        "Sample a minibatch of m examples x ~ p_data",
        "Update D by ascending its stochastic gradient",
        "Sample m noise samples z; update G by descending its stochastic gradient",
    ]
    assert "D's loss on this minibatch" in lines[2] and "sub-step 4 of 4" in lines[3]
    assert step_count(at) == 1  # the four sub-steps were one generator step
    at.button(key="step_d_only").click().run()
    assert step_count(at) == 1 and not any(m.value.startswith("**Slow motion") for m in at.markdown)
    at.button(key="step_g_only").click().run()
    assert step_count(at) == 2


def test_two_sessions_train_independently():
    """Two students on one server: one's steps and settings never reach the other's run."""
    first, second = _playground(), _playground()
    for _ in range(3):
        first.button(key="step").click().run()
    second.slider(key="k").set_value(3).run()
    second.button(key="step").click().run()
    first.run()
    assert (step_count(first), step_count(second)) == (3, 1)
    assert " k = 1 " in _run_line(first) and " k = 3 " in _run_line(second)


@pytest.mark.parametrize(
    ("page", "params"),
    [("pages/gan_playground.py", {}), ("pages/optimal_d.py", {"part": "2-D: a learned generator"})],
)
def test_inside_the_networks_draws_d_and_gs_first_layer_units(page, params):
    at = opened_with(page, {**params, "units": "true"})
    at.button(key="step").click().run()
    assert not at.exception, at.exception
    names = [e.proto.alt for e in charts(at)]
    assert any(n.startswith("D's first-layer units") for n in names) and any(
        n.startswith("G's first-layer units") for n in names
    ), names
    at.toggle(key="units").set_value(False).run()
    assert not any("first-layer units" in e.proto.alt for e in charts(at))


@pytest.mark.parametrize("fall_from", LR_FALL_CHOICES)
def test_the_run_line_says_from_which_step_the_learning_rates_fall_and_the_run_goes_on(fall_from):
    """Every position of "Learning rates fall from step", ends included: a live change (the run keeps
    its steps) that the run line names, or leaves out when the rates never fall."""
    at = _playground()
    at.button(key="step").click().run()
    at.select_slider(key="lr_fall_from").set_value(fall_from).run()
    assert not at.exception and step_count(at) == 1
    line = _run_line(at)
    assert ("falling from step" in line) == (fall_from > 0), line
    if fall_from:
        assert f"(Adam, falling from step {fall_from:,})" in line, line
