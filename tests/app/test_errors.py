"""Every lesson goes through one run protocol (`lab.ui.live.start_run`): a run that cannot be
made is one clear message on the page, never a traceback or a second error after it."""

import pytest

from tests.app.pages import open_app

BROKEN = {
    "pages/gan_playground.py": "lab.gan.playground.GANTrainer",
    "pages/optimal_d.py": "lab.gan.optimal_d.seeded",
    "pages/saturation.py": "lab.gan.saturation.GANTrainer",
    "pages/vae_latent.py": "lab.data.mnist.load",
    "pages/mnist_gan.py": "lab.data.mnist.load",
}


@pytest.mark.parametrize("page", BROKEN)
def test_a_run_that_cannot_be_made_is_one_message(page, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no room for this run")

    monkeypatch.setattr(BROKEN[page], refuse)
    at = open_app()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    messages = [e.value for e in at.error]
    assert len(messages) == 1 and "no room for this run" in messages[0], messages


def test_a_run_over_the_servers_cap_is_one_message(monkeypatch):
    monkeypatch.setenv("LAB_MAX_PARAMETERS", "1000")
    at = open_app()
    at.switch_page("pages/gan_playground.py").run()
    assert not at.exception, at.exception
    messages = [e.value for e in at.error]
    assert len(messages) == 1 and "cap of 1,000" in messages[0], messages


def test_a_live_minibatch_over_the_cap_is_refused_and_the_run_kept(monkeypatch):
    at = open_app()
    at.switch_page("pages/gan_playground.py").run()
    at.button(key="step").click().run()
    monkeypatch.setenv("LAB_MAX_BATCH", "128")
    at.select_slider(key="batch_size").set_value(256).run()
    assert not at.exception, at.exception
    assert any("minibatch of 256" in e.value for e in at.error)
