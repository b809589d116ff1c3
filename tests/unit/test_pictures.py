"""The timeline's pictures: one per lesson run, drawn to PNG by vl-convert; side by side keeps each
chart's own data; the GIF has a frame per recorded step."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageSequence

from lab import export
from lab.plots.pictures import PICTURES, picture, side_by_side, timeline_gif
from tests.unit.test_protocol import LESSONS

RUNS = {  # a page's run -> its trainer in tests/unit/test_protocol.py
    "gan_playground": "playground",
    "optimal_d_1d": "optimal_d_1d",
    "optimal_d_2d": "optimal_d_2d",
    "figure1": "figure1",
    "saturation": "saturation",
    "density_estimation": "density_estimation",
    "vae": "vae_toy",
    "vae/mnist": "vae_mnist",
    "mnist_gan": "mnist_gan_dcgan",
    "semi_supervised": "semi_gan_moons",
    "semi_supervised/m2 mnist": "semi_m2_mnist",
}


def _snapshot(lesson: str, steps: int = 2):
    make, look = LESSONS[lesson]
    trainer = make()
    trainer.step(steps)
    return look(trainer)


def test_every_page_run_has_a_picture():
    """The names the pages give their runs (read off pages/*.py) are the names of the pictures."""
    names = set()
    for page in Path(__file__).resolve().parents[2].glob("pages/*.py"):
        names |= set(re.findall(r'live\.start_run\(\s*"(\w+)"', page.read_text()))
    assert len(names) == 9
    assert {run.split("/")[0] for run in RUNS} == set(PICTURES) == names


@pytest.mark.parametrize("run", RUNS)
def test_each_picture_is_drawn(run):
    made = picture(run.split("/")[0], _snapshot(RUNS[run]))
    png = made if isinstance(made, bytes) else export.chart_png(made, scale=1)
    image = Image.open(io.BytesIO(png))
    assert image.width >= 200 and image.height >= 150
    colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 5  # something is drawn, not a blank page


def test_side_by_side_keeps_each_charts_own_data():
    def scatter(x: float) -> dict:
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "data": {"name": "points"},
            "mark": "point",
            "encoding": {"x": {"field": "x", "type": "quantitative"}},
            "datasets": {"points": [{"x": x}]},
        }

    combined = side_by_side([scatter(1.0), scatter(2.0)], "step 3", titles=["a", "b"])
    assert combined["datasets"] == {"points_0": [{"x": 1.0}], "points_1": [{"x": 2.0}]}
    assert [c["data"]["name"] for c in combined["hconcat"]] == ["points_0", "points_1"]
    assert [c["title"] for c in combined["hconcat"]] == ["a", "b"]
    svg = export.chart_svg(combined)
    assert "step 3" in svg


def test_the_gif_has_a_frame_per_recorded_step():
    frames = [_snapshot("playground", steps) for steps in (0, 1, 3)]
    gif = Image.open(io.BytesIO(timeline_gif("gan_playground", frames)))
    assert sum(1 for _ in ImageSequence.Iterator(gif)) == 3
