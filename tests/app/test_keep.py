"""Keeping a run, in AppTest: the timeline's scrubber rewinds the view and Step brings it back; a
loaded run replaces the page's run with its settings; every lesson has the Keep popover."""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from lab import saved_run
from lab.data import own
from lab.gan.playground import toy_gan
from lab.gan.trainer import GANConfig
from lab.timeline import Timeline
from lab.ui import keep
from tests.app.pages import APP, LESSONS, TIMEOUT, open_page, run_line, step_count

SCRUBBER = "gan_playground_rewind"


def _markdown(at) -> str:
    return " ".join(md.value for md in at.markdown)


def test_the_scrubber_rewinds_the_view_and_a_step_brings_it_back():
    at = open_page("pages/gan_playground.py")
    for _ in range(3):
        at.button(key="step").click().run()
    scrubber = at.select_slider(key=SCRUBBER)
    assert scrubber.options == ["step 0", "now · step 3"]
    scrubber.set_value(0).run()
    assert not at.exception, at.exception
    assert "**Rewound to step 0** of 3" in _markdown(at)
    assert "**Step " not in _markdown(at)
    at.button(key="step").click().run()
    assert step_count(at) == 4
    assert "Rewound" not in _markdown(at)
    assert at.select_slider(key=SCRUBBER).value == 4


def test_a_stale_rewind_from_an_earlier_run_is_ignored():
    """CI saw it: the scrubber's value from the run before a reset came back from the browser after
    the reset, its on_change marked it a rewind of the fresh run, and the page asked the timeline
    for a step the new run never recorded. Only a recorded step of this run is a rewind."""
    at = open_page("pages/gan_playground.py")  # a fresh run: paused at step 0, no scrubber yet
    at.session_state[SCRUBBER] = 154  # the earlier run's step, never recorded by this one
    at.session_state[SCRUBBER + "_at"] = 0  # as its on_change sets it: the step the run is at now
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "Rewound" not in _markdown(at)
    assert step_count(at) == 0


def test_a_loaded_run_replaces_the_page_run_with_its_settings():
    """What the uploader's callback leaves for the next page run: the loaded run and its controls
    (here k = 3 and a batch of 64, both unlike the page's defaults)."""
    config = GANConfig(k=3, batch_size=64)
    trainer = toy_gan(config)
    trainer.step(12)
    timeline = Timeline(every=4)
    raw = saved_run.save("gan_playground", trainer, timeline, {"k": 3, "batch_size": 64})
    loaded = saved_run.load(raw, "gan_playground")

    at = open_page("pages/gan_playground.py")
    at.button(key="step").click().run()
    at.session_state["keep_loaded"] = {"gan_playground": (loaded, {}, "Loaded the saved run")}
    at.session_state["k"] = 3
    at.session_state["batch_size"] = 64
    at.run()
    assert not at.exception, at.exception
    assert step_count(at) == 12
    assert at.slider(key="k").value == 3
    assert any("Loaded the saved run at step 12" in s.value for s in at.success)
    at.button(key="step").click().run()
    trainer.step(1)
    assert step_count(at) == 13


@pytest.mark.parametrize("why", ["settings", "weights"])
def test_a_run_refused_after_the_controls_moved_puts_them_back_and_keeps_the_run(why):
    """The uploader's callback has set the controls (here a batch of 64 and nets 64 wide); the
    page's run then finds the file's config (k = 3) or its weights (32 wide) do not fit: the
    controls go back and the run at step 2 goes on."""
    saved = (
        GANConfig(k=3, batch_size=64, width=64) if why == "settings" else GANConfig(batch_size=64, width=32)
    )
    loaded = saved_run.load(
        saved_run.save("gan_playground", toy_gan(saved), Timeline(), {}), "gan_playground"
    )
    if why == "weights":
        loaded.config = GANConfig(batch_size=64, width=64)  # a crafted file: its config names other nets
    at = open_page("pages/gan_playground.py")
    for _ in range(2):
        at.button(key="step").click().run()
    at.session_state["keep_loaded"] = {
        "gan_playground": (loaded, {"batch_size": 128, "width": 128}, "Loaded the saved run")
    }
    at.session_state["batch_size"] = 64
    at.session_state["width"] = 64
    at.run()
    assert not at.exception, at.exception
    assert any("was not loaded" in e.value for e in at.error)
    assert step_count(at) == 2
    assert (at.select_slider(key="batch_size").value, at.select_slider(key="width").value) == (128, 128)
    at.button(key="step").click().run()
    assert step_count(at) == 3  # the same run, one step further


@pytest.mark.parametrize("page", LESSONS)
def test_every_lesson_can_save_load_and_export(page):
    at = open_page(f"pages/{page}.py")
    labels = [b.label for b in at.get("download_button")]
    assert {"Save the run", "Metric history (CSV)", "Timeline as GIF", "PNG", "SVG"} <= set(labels)
    assert at.get("file_uploader")
    names = at.selectbox(key="keep_figure").options  # the charts this page drew, as a student names them
    internal = [
        n
        for n in names
        if re.search(r"_|\b(metric|curve|hist|samples|field)\d*$", re.sub(r"p_(data|G)", "p", n))
    ]
    assert names and not internal, internal


def test_a_run_on_own_data_loads_in_a_session_that_never_drew_it():
    """The file carries the points: loading registers them, and the data selector offers them."""
    points = np.random.default_rng(1).normal(size=(40, 2))
    config = GANConfig(data=own.register(points))
    trainer = toy_gan(config)
    trainer.step(5)
    raw = saved_run.save("gan_playground", trainer, Timeline(), {"data": config.data})
    own._RECENT.clear(), own._IN_USE.clear()  # the server was restarted since
    loaded = saved_run.load(raw, "gan_playground")

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).switch_page("pages/gan_playground.py")
    at.session_state["keep_loaded"] = {
        "gan_playground": (loaded, {}, "Loaded the saved run")
    }  # as the upload's callback leaves it
    at.session_state["data"] = config.data
    at.run()
    assert not at.exception, at.exception
    assert step_count(at) == 5
    assert run_line(at, " · k = ").startswith("Your data: 40 points")
    assert "kernel density estimate of your 40 points" in " ".join(c.value for c in at.caption)


def test_digit_pictures_are_offered_as_png_and_not_as_svg():
    at = open_page("pages/mnist_gan.py")
    figures = at.selectbox(key="keep_figure")
    assert "digits G makes" in figures.options
    figures.set_value("digits G makes").run()
    svg = next(b for b in at.get("download_button") if b.label == "SVG")
    assert svg.proto.disabled


def test_the_2d_gans_export_as_a_script_and_its_weights():
    at = open_page("pages/gan_playground.py")
    assert "As a Python script (zip)" in [b.label for b in at.get("download_button")]
    trainer = toy_gan(GANConfig(width=16, depth=1, batch_size=32))
    trainer.step(3)
    with zipfile.ZipFile(io.BytesIO(keep._script_zip("gan_playground", trainer))) as archive:
        assert sorted(archive.namelist()) == ["gan_playground_step_3.pt", "gan_playground_step_3.py"]
        weights = torch.load(io.BytesIO(archive.read("gan_playground_step_3.pt")), weights_only=True)
    assert weights["step"] == 3 and set(weights) >= {"G", "D", "opt_d", "opt_g", "rng", "blur_rng"}
