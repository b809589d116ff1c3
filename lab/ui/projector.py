"""Projector mode: one switch for large fonts, thick lines and high contrast, so that a lesson reads
from the back of a room at 1280×720. Every chart of the lab is drawn through `chart` (Vega-Lite) or
`plotly_chart`, which restyle it when the switch is on."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st
from plotly.graph_objects import Figure
from streamlit.delta_generator import DeltaGenerator

from lab.plots.vega import PROJECTOR_FONT, description, for_projector, on_dark
from lab.ui import keep, link
from lab.ui.style import is_dark

KEY = link.PROJECTOR

# Larger type everywhere (Streamlit sizes its text in rem), black text (white on a dark page), and
# captions and widget labels as dark (as light) as the body text instead of grey.
CSS = """
<style>
html { font-size: 22px !important; }
[data-testid="stMain"], [data-testid="stSidebar"] { color: #000000; }
[data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"], [data-testid="stMetricLabel"] {
  color: #000000 !important; opacity: 1 !important;
}
[data-testid="stMetricValue"] { font-weight: 700; font-size: 1.5rem !important; }
/* the first picture on the first screen: less room above and beside the page, a smaller title */
[data-testid="stMainBlockContainer"] { padding: 2.5rem 1.5rem 4rem 1.5rem !important; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.6rem !important; }
[data-testid="stMain"] h1 { font-size: 1.8rem !important; padding: 0 0 0.4rem 0 !important; }
/* a metric's name whole, on two lines if need be (five to a row) */
[data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible !important; }
/* every lesson's name whole in the menu, on two lines if need be */
[data-testid="stSidebarNav"] a span { white-space: normal !important; overflow: visible !important; }
</style>
"""


def is_on() -> bool:
    return bool(st.session_state.get(KEY, False))


def toggle() -> bool:
    """The switch, in the sidebar under the lessons' menu (bound to ?projector=true, so a link can
    open a lesson in projector mode)."""
    on = link.toggle(
        st.sidebar,
        "Projector mode",
        key=KEY,
        help="Large fonts, thick lines, high contrast: for the back of a lecture hall.",
    )
    if on:
        st.html(CSS.replace("#000000", "#ffffff") if is_dark() else CSS)  # white ink on a dark page
    return on


def columns(
    where: DeltaGenerator, spec: int | list[float], per_row: int = 1, **kwargs: Any
) -> list[DeltaGenerator]:
    """`where.columns(spec)`; in projector mode the same number of places, `per_row` to a row, one row
    under the other: at 1280×720 with larger type, five metrics side by side cut their numbers short
    and a chart squeezed into a narrow column shrinks its labels back to small print."""
    if not is_on():
        return where.columns(spec, **kwargs)
    count = spec if isinstance(spec, int) else len(spec)
    if per_row == 1:
        return [where.container() for _ in range(count)]
    places: list[DeltaGenerator] = []
    while len(places) < count:
        places.extend(where.columns(min(per_row, count - len(places)), **kwargs))
    return places


def chart(where: DeltaGenerator, spec: dict, now: str | None = None, **kwargs: Any) -> None:
    """`where.vega_lite_chart(spec, **kwargs)`, restyled for a projector when projector mode is on
    (and kept by its key for the page's "Export a figure"), named for a screen reader by what it
    shows now (`vega.description`, from its key; `now`: the lesson's own words for it, e.g. "step
    2,400: 8 of 8 modes covered, 96 % of the samples high quality")."""
    shown = for_projector(spec) if is_on() else spec
    if is_dark():
        shown = on_dark(shown)
    title = spec.get("title")
    name = kwargs.get("key") or (title if isinstance(title, str) else "chart")
    kwargs.setdefault("alt", description(name, shown) + (f". Now, {now}" if now else ""))
    where.vega_lite_chart(_arrow_datasets(shown), **kwargs)
    if "key" in kwargs:
        keep.remember_chart(kwargs["key"], shown)


def _arrow_datasets(spec: dict) -> dict:
    """The spec with its DataFrames as Arrow tables, converted on this thread: Streamlit's own
    conversion hands each frame to a pool of threads, several times a second on a live page, and
    every switch is time the training thread loses (`python -m bench.gan2d`, app_ratio). A frame
    Arrow cannot type (mixed columns) is left to Streamlit, which knows how to coerce it."""
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    return {**spec, "datasets": {name: _arrow(data) for name, data in datasets.items()}}


def _arrow(data: Any) -> Any:
    if not isinstance(data, pd.DataFrame):
        return data
    try:
        return pa.Table.from_pandas(data, preserve_index=False, nthreads=1)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return data


def image(where: DeltaGenerator, png: bytes, *, key: str, now: str | None = None, **kwargs: Any) -> None:
    """`where.image(png, **kwargs)` (a digit grid), kept by `key` for the page's "Export a figure" and
    named by it for a screen reader (with `now`, as `chart` says)."""
    kwargs.setdefault("alt", key + (f". Now, {now}" if now else ""))
    where.image(png, **kwargs)
    keep.remember_chart(key, png)


def plotly_chart(where: DeltaGenerator, figure: Figure, **kwargs: Any) -> None:
    """`where.plotly_chart(figure, **kwargs)`, its fonts larger when projector mode is on."""
    if is_on():
        figure.update_layout(
            font={"size": 14 * PROJECTOR_FONT, "color": "#ffffff" if is_dark() else "#000000"}
        )
    where.plotly_chart(figure, **kwargs)
