"""The Figure-1 page, driven by AppTest."""

import math

from tests.app.pages import open_page, step_count


def _page():
    return open_page("pages/figure1.py")


def _metrics(at, label):
    return [m.value for m in at.metric if m.label.startswith(label)]


def test_loads_with_one_run_and_trains():
    at = _page()
    assert len(_metrics(at, "JSD")) == 1 and _metrics(at, "D(G(z))") == ["—"]
    at.button(key="step").click().run()
    assert not at.exception and step_count(at) == 1 and _metrics(at, "D(G(z))") != ["—"]


def test_comparisons_draw_two_runs_side_by_side():
    at = _page()
    at.radio(key="f1_compare").set_value("losses").run()
    assert not at.exception and len(_metrics(at, "JSD")) == 2
    assert any("loss (1)" in md.value for md in at.markdown) and any(
        "loss (2)" in md.value for md in at.markdown
    )
    at.radio(key="f1_compare").set_value("inner_loop").run()
    assert any("D to its optimum" in md.value for md in at.markdown)


def test_far_apart_reads_log_2_and_the_gradient_of_loss_one_vanishes():
    at = _page()
    at.radio(key="f1_setting").set_value("far_apart").run()
    assert not at.exception
    assert _metrics(at, "JSD") == [f"{math.log(2):.4f}"] * 2
    assert any("log 2" in i.value for i in at.info)
    at.button(key="step").click().run()
    minimax, non_saturating = (float(v) for v in _metrics(at, "‖∇θ_G‖"))
    assert minimax < 0.01 * non_saturating
