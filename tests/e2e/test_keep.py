"""Keeping a run in a real browser: save it, export its history, GIF and a figure, load it back,
and refuse a file that is not a run."""

import csv
import io

import pytest
from PIL import Image, ImageSequence

from lab import saved_run
from lab.gan.playground import toy_gan
from tests.e2e.server import artifact, skip_without_browser, step_count, wait_until_idle

pytestmark = pytest.mark.e2e
skip_without_browser()


def _step_to(page, steps: int) -> None:
    while step_count(page) < steps:
        before = step_count(page)
        page.locator(".st-key-step button").first.click()
        page.wait_for_function(f"document.body.innerText.includes('Step {before + 1:,}')", timeout=30_000)


def _download(page, key: str) -> bytes:
    with page.expect_download(timeout=120_000) as info:
        page.locator(f".st-key-{key} button").first.click()
    return info.value.path().read_bytes()


def _open(page, popover: str) -> None:
    page.locator(f".st-key-{popover} button").first.click()


def test_save_export_and_load_a_run(app_url, page, tmp_path):
    page.goto(f"{app_url}/gan_playground")
    wait_until_idle(page, "[data-testid='stVegaLiteChart']")
    _step_to(page, 3)

    _open(page, "gan_playground_keep")
    raw = _download(page, "gan_playground_save")
    assert saved_run.load(raw, "gan_playground", toy_gan).trainer.step_count == 3
    rows = list(csv.DictReader(io.StringIO(_download(page, "gan_playground_csv").decode())))
    assert [row["step"] for row in rows] == ["0", "1", "2", "3"]
    gif = Image.open(io.BytesIO(_download(page, "gan_playground_gif")))
    assert sum(1 for _ in ImageSequence.Iterator(gif)) == 1  # one frame so far: step 0
    page.keyboard.press("Escape")

    _open(page, "keep_figures")
    png = _download(page, "keep_png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and Image.open(io.BytesIO(png)).width > 300
    page.keyboard.press("Escape")

    _step_to(page, 5)
    saved = tmp_path / "playground.labrun"
    saved.write_bytes(raw)
    _open(page, "gan_playground_keep")
    page.locator(".st-key-gan_playground_load input[type=file]").set_input_files(str(saved))
    page.wait_for_function(
        "document.body.innerText.includes('Loaded the saved run at step 3')", timeout=60_000
    )
    wait_until_idle(page)
    assert step_count(page) == 3
    page.screenshot(path=artifact("keep_loaded.png"), full_page=True)

    _step_to(page, 4)
    bad = tmp_path / "notes.labrun"
    bad.write_text("step,loss\n1,0.5\n")
    _open(page, "gan_playground_keep")
    page.locator(".st-key-gan_playground_load input[type=file]").set_input_files(str(bad))
    page.wait_for_function("document.body.innerText.includes('was not loaded')", timeout=60_000)
    assert page.get_by_text("not a saved run of GAN").first.is_visible()
    assert step_count(page) == 4  # the current run is as it was
    page.screenshot(path=artifact("keep_refused.png"), full_page=True)
