"""Keeping a run in a real browser: save it, export its history, GIF and a figure, load it back,
and refuse a file that is not a run."""

import csv
import io

import numpy as np
import pytest
from PIL import Image, ImageSequence

from lab import saved_run
from lab.gan.playground import toy_gan
from tests.e2e.server import artifact, play_until, skip_without_browser, step_count, wait_until_idle

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
    assert saved_run.load(raw, "gan_playground").build(toy_gan).step_count == 3
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


def _cluster_csv(path, centre: tuple[float, float]) -> None:
    rng = np.random.default_rng(0)
    points = rng.normal(centre, 0.2, size=(60, 2))
    path.write_text("x,y\n" + "\n".join(f"{x:.4f},{y:.4f}" for x, y in points) + "\n")


def test_bring_your_own_data_by_file_and_by_drawing(app_url, page, tmp_path):
    page.goto(f"{app_url}/gan_playground")
    wait_until_idle(page, "[data-testid='stVegaLiteChart']")

    uploaded = tmp_path / "cluster.csv"
    _cluster_csv(uploaded, (1.0, -1.0))
    page.locator(".st-key-own_open button").first.click()
    page.locator(".st-key-own_upload input[type='file']").set_input_files(str(uploaded))
    page.wait_for_function("document.body.innerText.includes('your 60 points')", timeout=60_000)
    wait_until_idle(page)
    assert page.get_by_text("kernel density estimate").first.is_visible()
    _no_exception(page)

    page.locator(".st-key-own_open button").first.click()
    plot = page.locator(".st-key-own_canvas svg.marks path.background").nth(0)
    plot.wait_for(timeout=30_000)
    box = plot.bounding_box()
    page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.2 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.4 * box["width"], box["y"] + 0.4 * box["height"], steps=8)
    page.mouse.up()
    add = page.locator(".st-key-own_add button").first
    page.wait_for_function("!document.querySelector('.st-key-own_add button').disabled", timeout=30_000)
    add.click()
    page.wait_for_timeout(1000)
    wait_until_idle(page)
    page.screenshot(path=artifact("own_data_drawn.png"))
    page.locator(".st-key-own_use button").first.click()
    # the canvas's points (the uploaded 60 and a drawn cluster) replace the uploaded file as p_data
    page.wait_for_function("!document.body.innerText.includes('your 60 points')", timeout=60_000)
    wait_until_idle(page)
    assert page.get_by_text("kernel density estimate of your").first.is_visible()
    _no_exception(page)
    play_until(page, 0)
    page.screenshot(path=artifact("own_data_training.png"))
    page.locator(".st-key-pause button").click()


def _no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
