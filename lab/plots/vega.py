"""Vega-Lite specs that refresh cheaply: a chart's layout is built once, its data every frame.

Building an altair chart and converting it to Vega-Lite costs tens of milliseconds of pure
Python (schema validation, deep copies), which a live page would pay on every refresh while
the training thread waits for the GIL. So each figure's layout is built once with altair over
*named* datasets, kept as a plain dict, and every refresh only attaches new DataFrames.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

import altair as alt
import pandas as pd

FONT_SIZE = 15


def styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Fonts large enough to read from the back of a lecture hall."""
    return (
        chart.configure_mark(
            aria=False  # the chart is named as a whole (`description`); a reader need not hear each of its points
        )
        .configure_axis(labelFontSize=FONT_SIZE - 1, titleFontSize=FONT_SIZE)
        .configure_legend(
            labelFontSize=FONT_SIZE,
            titleFontSize=FONT_SIZE,
            labelLimit=0,
            titleLimit=0,  # names whole, never cut
        )
    )


def template(build: Callable[..., alt.TopLevelMixin]) -> Callable[..., dict]:
    """Decorator: memoise `build(*args)` as a Vega-Lite dict (args must be hashable)."""

    @lru_cache(maxsize=64)
    def cached(*args) -> dict:
        return with_tooltips(styled(build(*args)).to_dict())

    return cached


_TOOLTIP_MARKS = ("line", "area", "point", "circle", "square", "bar", "tick")


def with_tooltips(spec: dict) -> dict:
    """Values under the pointer: every layer that draws lines, points, areas or bars over x and y
    fields gets a tooltip of those fields (and of its colour's), once, when the template is built; a
    line or an area also gets invisible points where its values are, to hover (the live path pays
    nothing more than those points)."""

    for node in _views(spec):
        mark, encoding = node.get("mark"), node.get("encoding") or {}
        kind = mark if isinstance(mark, str) else (mark or {}).get("type")
        shown = [
            encoding[c]
            for c in ("x", "y", "color")
            if isinstance(encoding.get(c), dict) and "field" in encoding[c]
        ]
        if kind in _TOOLTIP_MARKS and len(shown) >= 2 and "tooltip" not in encoding:
            encoding["tooltip"] = [_tooltip(channel) for channel in shown]
            if kind in ("line", "area"):
                node["mark"] = {
                    **({"type": kind} if isinstance(mark, str) else mark),
                    "point": {"opacity": 0, "size": 60},
                }
    return spec


def _views(spec: dict) -> Iterator[dict]:
    """The spec and every view nested in it (its layers and concatenated views), parents first."""
    yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            yield from _views(child)


def _tooltip(channel: dict) -> dict:
    kind = channel.get("type", "quantitative")
    tip = {"field": channel["field"], "type": kind, "title": _axis_name(channel)}
    return {**tip, "format": ",.4~g"} if kind == "quantitative" else tip


def with_data(spec: dict, **datasets: pd.DataFrame) -> dict:
    """A shallow copy of `spec` whose named datasets are the given DataFrames."""
    return {**spec, "datasets": dict(datasets)}


PROJECTOR_FONT = 1.5
"""Projector mode: fonts this many times larger."""
PROJECTOR_LINE = 2.0
"""Projector mode: lines, rules and points this many times thicker (or larger)."""
INK = "#000000"

_LINE_MARKS = ("line", "rule", "trail")
_POINT_MARKS = ("point", "circle", "square", "tick")
_DEFAULT_STROKE = {"line": 2.0, "rule": 1.0, "trail": 2.0}  # Vega-Lite's own defaults
_DEFAULT_POINT_SIZE = 30.0


def for_projector(spec: dict) -> dict:
    """The same chart for a projector at the back of a room: axis, legend and title fonts
    PROJECTOR_FONT times larger and black, every line and rule PROJECTOR_LINE times thicker,
    every point PROJECTOR_LINE² times larger in area. The data are not copied."""
    out = _thicker(spec)
    if out.get("autosize", {}).get("type") != "pad":  # the height holds the axes: make room for larger type
        out = _taller(out)
    config = dict(out.get("config", {}))
    for part in ("axis", "legend", "header"):
        fonts = dict(config.get(part, {}))
        for name in ("labelFontSize", "titleFontSize"):
            fonts[name] = fonts.get(name, FONT_SIZE - 4) * PROJECTOR_FONT
        fonts.update(labelColor=INK, titleColor=INK)
        if part == "legend":
            fonts.update(titleLimit=0, labelLimit=0)  # larger type: show them whole rather than cut short
        config[part] = fonts
    config["axis"].update(domainColor=INK, tickColor=INK, domainWidth=2, tickWidth=2)
    config["title"] = {**config.get("title", {}), "fontSize": FONT_SIZE * PROJECTOR_FONT, "color": INK}
    config["text"] = {**config.get("text", {}), "fontSize": 11 * PROJECTOR_FONT}
    out["config"] = config
    return out


def on_dark(spec: dict) -> dict:
    """The same chart for a dark page: every grey (black included) written in the spec, the ink of
    its rules, lines, text and axes, turned to its mirror (#222222 → #dddddd), colours kept. A chart
    drawn over a picture of its own (an image mark: a heat map) keeps the ink of its marks, which
    that picture's light background carries; its axes and legends (`config`) turn light all the
    same. The data are not copied."""
    if any(_kind(node.get("mark")) == "image" for node in _views(spec)):
        return {**spec, **{key: _mirrored(spec[key]) for key in ("config", "title") if key in spec}}
    return _mirrored(spec)


def _kind(mark: str | dict | None) -> str | None:
    return mark if isinstance(mark, str) else (mark or {}).get("type")


def _mirrored(node):
    if isinstance(node, dict):
        return {
            key: value if key in ("data", "datasets") else _mirrored(value) for key, value in node.items()
        }
    if isinstance(node, list):
        return [_mirrored(item) for item in node]
    if isinstance(node, str) and re.fullmatch(r"#([0-9a-fA-F]{2})\1\1", node):
        return "#" + f"{255 - int(node[1:3], 16):02x}" * 3
    if node == "black":
        return "#ffffff"
    return node


PROJECTOR_ROOM = 60
"""Projector mode: pixels added to a chart's height whose axes' text is inside it (every chart but
the fixed-size pictures, autosize "pad"), so that the plot keeps its height under larger type (a
150-px history chart kept about none of it)."""


def _taller(node):
    """A copy of a spec's layout with every view's numeric height PROJECTOR_ROOM larger."""
    if isinstance(node, list):
        return [_taller(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: (v if k in ("datasets", "data", "values", "mark", "encoding") else _taller(v))
        for k, v in node.items()
    }
    if isinstance(out.get("height"), int | float) and ("mark" in out or "layer" in out):
        out["height"] = out["height"] + PROJECTOR_ROOM
    return out


def _thicker(node):
    """A copy of a spec's layout with thicker marks; datasets and inline data are shared, not copied."""
    if isinstance(node, list):
        return [_thicker(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: (v if k in ("datasets", "data", "values") else _thicker(v)) for k, v in node.items()}
    title = out.get("title")
    if isinstance(title, dict) and "fontSize" in title:  # a chart's own title size, set in its spec
        out["title"] = {**title, "fontSize": title["fontSize"] * PROJECTOR_FONT, "color": INK}
    if "mark" in out:
        out["mark"] = _thicker_mark(out["mark"])
    return out


def _thicker_mark(mark: str | dict) -> dict:
    mark = {"type": mark} if isinstance(mark, str) else dict(mark)
    kind = mark.get("type")
    if kind in _LINE_MARKS:
        mark["strokeWidth"] = mark.get("strokeWidth", _DEFAULT_STROKE[kind]) * PROJECTOR_LINE
    elif kind in _POINT_MARKS:
        mark["size"] = mark.get("size", _DEFAULT_POINT_SIZE) * PROJECTOR_LINE**2
    elif kind == "text":
        mark["fontSize"] = mark.get("fontSize", 11) * PROJECTOR_FONT
    if isinstance(mark.get("point"), dict):
        mark["point"] = _thicker_mark({"type": "point", **mark["point"]})
        mark["point"].pop("type")
    return mark


MARK_WORDS = {
    "point": "points",
    "circle": "points",
    "square": "points",
    "line": "lines",
    "area": "shaded areas",
    "bar": "bars",
    "rect": "a heat map",
    "rule": "rules",
    "text": "labels",
    "tick": "ticks",
    "image": "an image",
}


def description(name: str, spec: dict) -> str:
    """A chart's accessible name and what it shows now, read off its spec: its name, what its marks
    are, the axes they are drawn on, how many values the data hold and, where the x axis is the
    step, the latest step drawn. E.g. "D loss over training: lines of loss against step; 240
    values, up to step 2,400"."""
    marks, axes = [], []
    for node in _views(spec):
        mark = node.get("mark")
        if mark is not None:
            word = MARK_WORDS.get(mark if isinstance(mark, str) else mark.get("type", ""), "marks")
            if word not in marks:
                marks.append(word)
        encoding = node.get("encoding", {})
        for channel in ("y", "x"):
            axis = _axis_name(encoding.get(channel))
            if axis and len(axes) < 2 and (channel, axis) not in axes:
                axes.append((channel, axis))
    frames = list((spec.get("datasets") or {}).values())
    parts = [f"{name}: {_and(marks) or 'a chart'}"]
    y = next((a for c, a in axes if c == "y"), None)
    x = next((a for c, a in axes if c == "x"), None)
    if x and y:
        parts[0] += f" of {y} against {x}"
    rows = sum(len(frame) for frame in frames if hasattr(frame, "__len__"))
    if rows:
        parts.append(f"{rows:,} values")
    steps = [frame["step"].max() for frame in frames if isinstance(frame, pd.DataFrame) and "step" in frame]
    steps = [s for s in steps if pd.notna(s)]
    if steps:
        parts.append(f"up to step {max(steps):,.0f}")
    return parts[0] + ("; " + ", ".join(parts[1:]) if len(parts) > 1 else "")


def _axis_name(channel: dict | None) -> str | None:
    if not channel:
        return None
    title = channel.get("title")
    if isinstance(title, list):
        title = " ".join(title)
    return str(title) if title else channel.get("field")


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""
