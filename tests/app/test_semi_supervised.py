"""The semi-supervised page, driven by AppTest."""

import pytest

from tests.app.pages import metric, open_page, run_line, step_count


def _page():
    return open_page("pages/semi_supervised.py")


def test_loads_on_two_moons_and_steps_both_runs():
    at = _page()
    assert "6 labels (3 per class)" in run_line(at, "two moons ·")
    assert any("decision boundary" in c.value for c in at.caption)
    at.button(key="step").click().run()
    assert not at.exception and step_count(at) == 25


def test_labels_and_method_change_the_run():
    at = _page()
    at.slider(key="ss_labels_moons").set_value(10).run()
    assert "20 labels (10 per class)" in run_line(at, "two moons ·")
    at.radio(key="ss_method").set_value("m2").run()
    assert not at.exception and "M2" in run_line(at, "two moons ·") and "α 5" in run_line(at, "two moons ·")
    assert any("M2" in i.value or "fresh run" in i.value for i in at.info)


def test_mnist_shows_both_accuracies_and_what_the_model_makes():
    at = _page()
    at.radio(key="ss_data").set_value("mnist").run()
    assert not at.exception and "100 labels (10 per class)" in run_line(at, "MNIST ·")
    assert metric(at, "labelled + unlabelled").endswith("%") and metric(at, "labels alone").endswith("%")
    assert len(at.get("image")) == 1  # G's samples
    at.radio(key="ss_method").set_value("m2").run()
    assert not at.exception and len(at.get("image")) == 1  # M2's analogies
    at.select_slider(key="ss_labels_mnist").set_value(1000).run()
    assert "1,000 labels (100 per class)" in run_line(at, "MNIST ·")


@pytest.mark.parametrize(("labels", "alpha"), [(10, 0.5), (1000, 50.0)])
def test_m1_plus_m2_on_mnist_trains_at_the_ends_of_its_widgets(labels, alpha):
    """MNIST's M1 + M2 at the label slider's and α's ends (10 labels with α 0.5, 1,000 with α 50):
    four clicks train both runs to their first evaluation, and every number the page shows is a number."""
    at = _page()
    at.radio(key="ss_data").set_value("mnist").run()
    at.radio(key="ss_method").set_value("m2").run()
    at.select_slider(key="ss_labels_mnist").set_value(labels).run()
    at.slider(key="ss_alpha").set_value(alpha).run()
    assert f"α {alpha:g}" in run_line(at, "MNIST ·")
    for _ in range(4):
        at.button(key="step").click().run()
    assert not at.exception and step_count(at) == 100  # evaluated every 100 steps on MNIST
    shown = [metric(at, "labelled + unlabelled"), metric(at, "labels alone")]
    assert all(value.endswith("%") and "nan" not in value for value in shown), shown
    assert not any("went wrong" in e.value for e in at.error)
