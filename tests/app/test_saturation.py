"""The saturation page, driven by AppTest."""

import time

from tests.app.pages import metric, open_page, run_line, step_count, wait_for_run


def _page():
    return open_page("pages/saturation.py")


def test_marker_reads_the_gradient_of_each_loss():
    at = _page()
    table = at.dataframe[0].value
    assert list(table["∂ loss / ∂ logit"]) == ["-0.01", "-0.99", "-1"]
    at.select_slider(key="marker").set_value(0.5).run()
    assert list(at.dataframe[0].value["∂ loss / ∂ logit"]) == ["-0.5", "-0.5", "-1"]
    at.toggle(key="log_x").set_value(False).run()
    assert not at.exception


def test_three_runs_train_side_by_side():
    at = _page()
    at.button(key="play").click().run()
    time.sleep(1.5)
    at.run()
    at.button(key="pause").click().run()
    assert step_count(at) > 0
    assert any("loss (1), (2) and (3), one run each" in c.value for c in at.caption)
    assert not at.exception


def test_pretraining_change_starts_a_fresh_run():
    at = _page()
    at.button(key="step").click().run()
    assert step_count(at) == 1
    at.select_slider(key="sat_pretrain").set_value(0).run()
    assert step_count(at) == 0 and any("fresh run" in i.value for i in at.info)


def test_kl_tab_matches_minus_kl_and_trains_a_d():
    at = _page()
    values = {m.label: m.value for m in at.metric}
    assert values["E_pG[log D*/(1 − D*)]"] == values["−KL(p_G ‖ p_data)"]
    assert values["E_pG[log D/(1 − D)], trained D"] == "—"
    at.button(key="kl_train").click().run()
    wait_for_run(at, "saturation_kl", lambda status: not status.running)  # D trains in the background
    trained = float(metric(at, "E_pG[log D/(1 − D)], trained D"))
    assert abs(trained - float(values["−KL(p_G ‖ p_data)"])) < 0.15
    at.slider(key="kl_mu").set_value(1.0).run()  # another p_G: the trained D no longer applies
    assert metric(at, "E_pG[log D/(1 − D)], trained D") == "—"


def test_kl_tab_at_the_sliders_ends():
    """The issue's report: at mu = 3, sigma = 2 the tab showed -53.96 against -10.31."""
    at = _page()
    at.slider(key="kl_mu").set_value(3.0).run()
    at.slider(key="kl_sigma").set_value(2.0).run()
    assert metric(at, "E_pG[log D*/(1 − D*)]") == metric(at, "−KL(p_G ‖ p_data)") == "-10.3133"


def test_optimizer_choice_and_the_update_ratio():
    at = _page()
    assert "(SGD)" in run_line(at, "one run each")
    assert metric(at, "How far G moved") == "—"
    for _ in range(3):
        at.button(key="step").click().run()
    assert float(metric(at, "How far G moved")) < 0.05  # the strong D: loss (1) stalls
    at.radio(key="sat_optimizer").set_value("adam").run()
    assert step_count(at) == 0 and "(Adam)" in run_line(at, "one run each")


def test_kl_tab_caption_names_the_grid_it_uses():
    from lab.gan.saturation import loss_three_as_kl

    at = _page()
    points = len(loss_three_as_kl(at.slider(key="kl_mu").value, at.slider(key="kl_sigma").value).x)
    assert any(f"{points:,}-point grid" in c.value for c in at.caption)
