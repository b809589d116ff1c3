"""Exports: charts as PNG and SVG (vl-convert, offline), histories as CSV, pictures as a GIF."""

from __future__ import annotations

import csv
import io
import math
import xml.etree.ElementTree as ET
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image, ImageSequence

from lab.export import chart_png, chart_svg, gif, header_name, history_csv
from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.trainer import GANConfig
from lab.plots.playground import field_chart
from tests.unit.test_protocol import EVERY, LESSONS, STEPS, _short_schedule

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RED = "#ff0000"


def bars(width: int = 200, height: int = 100, title: str | None = None, mark: str = "bar") -> dict:
    """Two red bars filling a plot of exactly width x height (no padding, no axes)."""
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
        "width": width,
        "height": height,
        "padding": 0,
        "autosize": {"type": "none"},
        "data": {"values": [{"a": "x₁", "b": 1.0}, {"a": "‖∇‖", "b": 1.0}]},
        "mark": mark,
        "encoding": {
            "x": {"field": "a", "type": "nominal", "axis": None, "scale": {"paddingInner": 0}},
            "y": {"field": "b", "type": "quantitative", "axis": None},
            "color": {"value": RED},
        },
        "config": {"view": {"stroke": None}},
    }
    if title is not None:
        spec["title"] = title
    return spec


@pytest.mark.parametrize("scale", [1.0, 2.0, 3.0])
def test_png_is_a_png_of_the_spec_size_times_the_scale(scale):
    png = chart_png(bars(200, 100), scale=scale)
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (200 * scale, 100 * scale)
    assert image.getpixel((image.width // 4, image.height // 2)) == (255, 0, 0)  # the bars were drawn


def test_svg_is_xml_with_the_title():
    title = "D(x) at step 120: x₁, ‖∇‖"
    svg = chart_svg(bars(title=title))
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert title in texts


def test_a_chart_that_names_no_font_is_drawn_in_one_that_has_subscripts():
    svg = chart_svg(bars(title="x₁"))
    assert 'font-family="DejaVu Sans, sans-serif"' in svg
    own = chart_svg({**bars(title="x₁"), "config": {"font": "serif"}})
    assert 'font-family="serif"' in own and "DejaVu" not in own


def test_an_invalid_mark_is_a_value_error_naming_the_mark():
    with pytest.raises(ValueError, match="not valid Vega-Lite at mark"):
        chart_png(bars(mark="nonsense"))
    with pytest.raises(ValueError, match="not valid Vega-Lite at mark"):
        chart_svg(bars(mark="nonsense"))


def test_external_data_is_refused_rather_than_fetched():
    spec = {**bars(), "data": {"url": "https://example.com/data.csv"}}
    with pytest.raises(ValueError, match="cannot export this chart"):
        chart_png(spec)


def test_a_lab_chart_with_dataframes_and_a_heat_map_image_exports():
    trainer = toy_gan(GANConfig(width=16, depth=1, batch_size=32))
    trainer.step(3)
    spec = field_chart(playground_snapshot(trainer), ("D(x) field", "real samples"), size=200)
    image = Image.open(io.BytesIO(chart_png(spec, scale=1.0))).convert("RGB")
    assert image.width >= 200 and image.height >= 200
    colours = np.unique(np.asarray(image).reshape(-1, 3), axis=0)
    assert len(colours) > 100  # the D(x) heat map (a data: URL image) is drawn, shaded
    svg = chart_svg(spec)
    assert "data:image/png;base64," in svg
    ET.fromstring(svg)


def _histories(node: Any, path: str = "") -> dict[str, dict[str, list]]:
    """The test's own search for History.state_dict() tables: dicts with a list `step`."""
    if isinstance(node, dict) and isinstance(node.get("step"), list):
        return {path: node}
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    found = {}
    for key, value in children:
        found.update(_histories(value, f"{path}.{key}" if path else str(key)))
    return found


@pytest.mark.parametrize("lesson", LESSONS)
def test_history_csv_holds_every_value_of_every_history_at_its_step(lesson):
    trainer = _short_schedule(LESSONS[lesson][0](), EVERY)
    trainer.step(STEPS)
    state = trainer.state_dict()
    header, *rows = list(csv.reader(io.StringIO(history_csv(state))))
    steps = [int(row[0]) for row in rows]
    assert header[0] == "step" and steps == sorted(set(steps))
    assert all(len(row) == len(header) for row in rows)
    cells = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}

    tables = _histories(state)
    assert sum(len(table["step"]) for table in tables.values()) >= STEPS // EVERY  # not vacuous
    columns = [
        header_name(name, column) for name, table in tables.items() for column in table if column != "step"
    ]
    assert header[1:] == columns
    assert set(steps) == {step for table in tables.values() for step in table["step"]}
    for name, table in tables.items():
        for column, values in table.items():
            if column == "step":
                continue
            at = dict(zip(table["step"], values, strict=True))
            for step, row in cells.items():
                cell = row[header_name(name, column)]
                if step not in at or math.isnan(at[step]):
                    assert cell == "", (name, column, step)
                else:
                    assert float(cell) == at[step], (name, column, step)


def test_history_csv_of_two_tables_on_different_steps():
    state = {
        "step_count": 4,
        "D": {"weight": torch.zeros(2, 2)},
        "opt": {"state": {0: {"step": torch.tensor(4.0)}}, "param_groups": [{"lr": 0.1, "params": [0]}]},
        "history": {"step": [0, 1, 2], "loss": [0.5, 0.25, float("nan")], "d_real": [1e-17, -2.0, 3.0]},
        "runs": [{"evals": {"step": [0, 2, 4], "jsd": [0.1, 1 / 3, 2.0]}}],
    }
    assert history_csv(state) == (
        "step,training · loss,training · D(x) on real,run 1 · evaluated · JSD\n"
        "0,0.5,1e-17,0.1\n"
        "1,0.25,-2.0,\n"
        "2,,3.0,0.3333333333333333\n"
        "4,,,2.0\n"
    )


def test_csv_headers_read_as_people_write_them():
    assert header_name("runs.0.history", "d_loss") == "run 1 · training · D loss"
    assert header_name("evals", "high_quality") == "evaluated · high quality"
    assert header_name("runs.1.evals", "jsd") == "run 2 · evaluated · JSD"
    assert header_name("gaps", "log_px") == "gap · log p(x)"
    assert header_name("scores", "mixture_forward_kl") == "measured · mixture forward KL"


def test_history_csv_refuses_two_rows_at_one_step():
    with pytest.raises(ValueError, match="two rows at step 1"):
        history_csv({"history": {"step": [0, 1, 1], "loss": [0.5, 0.25, 0.125]}})


COLOURS = [(255, 0, 0), (0, 128, 0), (0, 0, 255), (255, 255, 0), (0, 0, 0)]


def _solid(colour: tuple[int, int, int], width: int = 40, height: int = 30) -> np.ndarray:
    return np.tile(np.array(colour, dtype=np.uint8), (height, width, 1))


def _png(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("loop", [True, False])
def test_gif_has_every_frame_for_the_time_asked(loop):
    pictures = [_solid(COLOURS[0]), _png(_solid(COLOURS[1])), _solid(COLOURS[2]), _png(_solid(COLOURS[3]))]
    pictures.append(_solid(COLOURS[4], width=20, height=30))  # narrower: scaled to fit, padded white
    animation = Image.open(io.BytesIO(gif(pictures, seconds_per_frame=0.15, loop=loop)))
    frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(animation)]
    assert len(frames) == len(pictures)
    assert all(frame.size == (40, 30) for frame in frames)
    assert [frame.getpixel((20, 15)) for frame in frames] == COLOURS
    assert frames[-1].getpixel((2, 15)) == (255, 255, 255)
    durations = []
    for frame in ImageSequence.Iterator(animation):
        durations.append(frame.info["duration"])
    assert durations == [150] * len(pictures)
    assert animation.info.get("loop") == (0 if loop else None)  # 0: forever; absent: once


def test_gif_refuses_no_pictures_and_what_is_not_a_picture():
    with pytest.raises(ValueError, match="at least one picture"):
        gif([])
    with pytest.raises(ValueError, match="uint8"):
        gif([np.zeros((4, 4, 3))])
    with pytest.raises(ValueError, match="not an image"):
        gif([b"not a png"])
    with pytest.raises(ValueError, match="0.02 s"):
        gif([_solid(COLOURS[0])], seconds_per_frame=0.001)
