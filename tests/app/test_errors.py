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
