"""The optimal-discriminator page, driven by AppTest."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import metric, open_app, open_page, run_line, step_count


def _page():
    return open_page("pages/optimal_d.py")


def _metric(at, label):
    return float(metric(at, label))


def test_loads_with_the_proposition_and_the_jsd_note():
    at = _page()
    text = " ".join(md.value for md in at.markdown)
    assert "D_{JSD}" in text and "twice" in text
    assert step_count(at) == 0
    assert _metric(at, "V(D*, G)") > -1.3863


def test_training_d_raises_v_toward_its_ceiling():
    at = _page()
    start = _metric(at, "V(D, G)")
    at.button(key="play").click().run()
    time.sleep(2.0)
    at.run()
    at.button(key="pause").click().run()
    assert step_count(at) > 100
    value, ceiling = _metric(at, "V(D, G)"), _metric(at, "V(D*, G)")
    assert start < value <= ceiling + 1e-4


def test_button_sets_p_g_to_p_data():
    at = _page()
    at.button(key="p_g_equal").click().run()
    assert "p_G = p_data" in _run_line_d(at)
    assert _metric(at, "V(D*, G)") == -1.3863
    assert _metric(at, "JSD") == 0.0


def test_moving_p_g_keeps_the_run():
    at = _page()
    at.button(key="step").click().run()
    at.slider(key="p_g_m1").set_value(1.0).run()
    assert step_count(at) == 1 and not at.info


def test_capacity_change_starts_a_fresh_d():
    at = _page()
    at.button(key="step").click().run()
    at.slider(key="d_depth").set_value(0).run()
    assert step_count(at) == 0 and "logistic regression" in _run_line_d(at)
    assert any("fresh run" in i.value for i in at.info)


def test_two_d_part_shows_three_maps_and_the_inner_loop_toggle():
    at = _page()
    at.radio(key="part").set_value("2-D: a learned generator").run()
    assert not at.exception
    assert "Two moons" in run_line(at, " · k = ")
    at.toggle(key="d_to_optimum").set_value(True).run()
    assert "k = 100 (D to its optimum)" in run_line(at, " · k = ")
    at.button(key="step").click().run()
    assert step_count(at) == 1 and not at.exception


def _run_line_d(at):
    return run_line(at, "p_G")


def test_many_d_steps_per_click_close_the_gap():
    at = _page()
    at.select_slider(key="d_steps_per_click").set_value(1000).run()
    at.button(key="step").click().run()
    assert step_count(at) == 1000
    assert _metric(at, "max |D − D*|") < 0.15


def _two_d_part_from_link(value: str) -> AppTest:
    at = open_app()
    at.switch_page("pages/optimal_d.py")
    at.query_params["d_to_optimum"] = value
    at.run()
    at.radio(key="part").set_value("2-D: a learned generator").run()
    assert not at.exception
    return at


@pytest.mark.parametrize(("text", "on"), [("False", False), ("false", False), ("0", False), ("True", True)])
def test_a_false_in_the_link_means_false(text, on):
    at = _two_d_part_from_link(text)
    assert at.toggle(key="d_to_optimum").value is on
    assert ("D to its optimum" in run_line(at, " · k = ")) is on


def test_a_bool_that_is_not_one_is_refused_with_a_notice():
    at = _two_d_part_from_link("maybe")
    assert any("d_to_optimum=maybe" in w.value for w in at.warning)
    assert at.toggle(key="d_to_optimum").value is False


def test_the_proof_at_one_x_follows_the_real_to_generated_ratio():
    at = _page()
    at.slider(key="proof_x").set_value(0.5).run()
    q_star = float(metric(at, "q* = a/(a + b)"))
    at.select_slider(key="d_ratio").set_value(4.0).run()
    assert not at.exception
    assert metric(at, "a = 4·p_data(x)")
    q_star_r = float(metric(at, "q* = a/(a + b)"))
    assert q_star_r == pytest.approx(4 * q_star / (4 * q_star + 1 - q_star), abs=2e-4)  # r a/(r a + b)
    assert "real:fake = 4:1" in run_line(at, " · m = ")
    assert any("V(D, G) stays below its ceiling V(D*, G): with r = 4" in c.value for c in at.caption)
    assert not any("climbs to its ceiling" in c.value for c in at.caption)
    charts = [e.proto.spec for e in at.get("vega_lite_chart")]
    assert any("D*_r = 4" in spec for spec in charts)  # the densities chart's legend names D*_r
