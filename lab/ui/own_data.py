"""The "Your own data" panel: a CSV file of 2-D points, or clusters drawn on a canvas, as p_data
(`lab.data.own`), shared by the GAN playground, the D* lesson's 2-D part and the VAE.

A lesson's data selector offers `options(page, names)`, then calls `panel` under it: a button that
opens a dialog with the canvas, the uploader and the buttons. The points being drawn live in
st.session_state per page (a `Drawing`); "Use these points as p_data" and an upload register them
(`own.register`) and set the selector to their name in a callback, and the page reruns to show
them. A file that cannot be read leaves the points and the data as they were, and says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lab.data import own, toy
from lab.plots.palette import REAL_COLOR
from lab.plots.vega import for_projector, styled
from lab.ui import link, projector

OPEN, UPLOAD, CANVAS, SIZE = "own_open", "own_upload", "own_canvas", "own_cluster_size"
ADD, UNDO, CLEAR, USE = "own_add", "own_undo", "own_clear", "own_use"
"""Widget keys (the same on every page: one page is drawn at a time)."""
BRUSH = "brush"
"""The canvas's interval selection."""
UNDO_DEPTH = 20
KEPT = 5
"""Own data sets a page keeps as options of its selector."""
CANVAS_SIZE = 400


@dataclass
class Drawing:
    """One page's own data: the points on the canvas, earlier versions of them (for Undo), and
    what the page uses as p_data."""

    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    undo: list[np.ndarray] = field(default_factory=list)
    used: dict[str, toy.GaussianMixture] = field(default_factory=dict)
    """The own data sets used on this page, most recent last, each an option of the selector (their
    distributions are held here, so the server keeps their points while the session lives)."""
    error: str | None = None  # why the last upload or action was refused
    notes: dict[str, str] = field(
        default_factory=dict
    )  # own data name -> how its file was moved into the plane
    open: bool = False  # the dialog is open: pressed, and neither dismissed nor done
    chosen: bool = False  # points were just used as p_data: the whole page must rerun to show them


def drawing(page: str) -> Drawing:
    """The page's Drawing in this session (a new, empty one the first time)."""
    return st.session_state.setdefault(f"own_{page}", Drawing())


def options(page: str, names: Sequence[str], select_key: str) -> tuple[str, ...]:
    """A data selector's options: `names`, and the student's own data sets used on this page —
    among them the one the selector is set to, if the server holds it (a saved run just loaded)."""
    state, chosen = drawing(page), st.session_state.get(select_key)
    if isinstance(chosen, str) and own.is_own(chosen) and chosen not in state.used:
        try:
            state.used[chosen] = toy.get(chosen)
        except ValueError:  # not on this server: the selector refuses it like any unknown value
            pass
    return (*names, *state.used)


def panel(where: DeltaGenerator, page: str, select_key: str, data: str) -> None:
    """Under the data selector (key `select_key`, now showing `data`): what own data is, and the
    "Your own data" button that opens the dialog to upload or draw it (not with a lesson link that
    hides or locks the data)."""
    state = drawing(page)
    state.chosen = False  # a whole run of the page: the new p_data is shown
    if own.is_own(data):
        where.caption(" ".join([own.describe(data), state.notes.get(data, "")]))
    fixed = link.names_in(st.query_params.get_all(link.HIDE) + st.query_params.get_all(link.LOCK))
    if select_key in fixed:  # a lesson link holds the data: nothing to upload or draw
        return
    where.button(
        "Your own data",
        key=OPEN,
        on_click=_open,
        args=(page,),
        icon=":material/draw:",
        width="stretch",
    )
    if state.open:  # a flag, not the button's value: it holds across runs until the dialog closes
        _dialog(page, select_key)


def _dismissed() -> None:
    """The dialog was closed (its X, Esc or a click outside): it stays closed."""
    for value in st.session_state.values():
        if isinstance(value, Drawing):
            value.open = False


@st.dialog(
    "Your own data: upload or draw p_data", width="large", icon=":material/draw:", on_dismiss=_dismissed
)
def _dialog(page: str, select_key: str) -> None:
    """The canvas beside the upload and the buttons. Widgets here rerun only the dialog; once points
    are used as p_data, the whole page reruns (and the dialog closes) to show them."""
    state = drawing(page)
    if state.chosen:
        state.chosen = False
        st.rerun()
    drawn, controls = st.columns([3, 2], gap="medium")
    with drawn:
        spec = styled(canvas_chart(state.points)).to_dict()
        event = st.vega_lite_chart(
            for_projector(spec) if projector.is_on() else spec,
            on_select="rerun",
            selection_mode=BRUSH,
            key=CANVAS,
            width="content",
            alt=f"Your canvas: {len(state.points):,} points; drag a rectangle on it to add a cluster",
        )
        st.caption(
            f"{len(state.points):,} points on the canvas. Drag a rectangle on it, then add a cluster "
            "there: a Gaussian centred in the rectangle, std a quarter of each side."
        )
    with controls:
        _controls(page, select_key, state, brushed(event))


def _controls(
    page: str, select_key: str, state: Drawing, box: tuple[float, float, float, float] | None
) -> None:
    """The panel's right column: upload, the cluster's size and the buttons."""
    st.file_uploader(
        "Upload a CSV of 2-D points",
        type="csv",
        key=UPLOAD,
        on_change=_on_upload,
        args=(page, select_key),
        help=f"One point per line, x,y (a header line is optional); at most {own.MAX_POINTS:,} points "
        f"and {own.MAX_BYTES / 2**20:g} MB. Used as p_data at once, and shown on the canvas.",
        max_upload_size=max(1, own.MAX_BYTES // 2**20),
    )
    if state.error:
        st.error(link.plain(state.error, 300), icon=":material/error:")
    st.slider("Points per cluster", 10, 500, 100, 10, key=SIZE)
    st.button(
        "Add a cluster here",
        key=ADD,
        on_click=_add,
        args=(page, box),
        disabled=box is None,
        icon=":material/add_circle:",
        width="stretch",
    )
    undo, clear = st.columns(2)
    undo.button(
        "Undo",
        key=UNDO,
        on_click=_undo,
        args=(page,),
        disabled=not state.undo,
        icon=":material/undo:",
        width="stretch",
    )
    clear.button(
        "Clear",
        key=CLEAR,
        on_click=_clear,
        args=(page,),
        disabled=not len(state.points),
        icon=":material/delete:",
        width="stretch",
    )
    st.button(
        "Use these points as p_data",
        key=USE,
        on_click=use_points,
        args=(page, select_key),
        disabled=len(state.points) < own.MIN_POINTS,
        type="primary",
        width="stretch",
    )


def canvas_chart(points: np.ndarray, size: int = CANVAS_SIZE) -> alt.LayerChart:
    """The drawing canvas: the points over the plane [-PLANE, PLANE]^2, with a rectangle brush."""
    scale = alt.Scale(domain=[-own.PLANE, own.PLANE], nice=False, zero=False)
    frame = pd.DataFrame({"x": points[:, 0].round(3), "y": points[:, 1].round(3)})
    brush = alt.selection_interval(name=BRUSH, encodings=["x", "y"])
    return (
        alt.Chart(frame)
        .mark_circle(size=12, opacity=0.7, color=REAL_COLOR, clip=True)
        .encode(x=alt.X("x:Q", scale=scale, title="x₁"), y=alt.Y("y:Q", scale=scale, title="x₂"))
        .add_params(brush)
        .properties(width=size, height=size, autosize=alt.AutoSizeParams(type="pad"))  # a square plot area
    )


def brushed(event: Any) -> tuple[float, float, float, float] | None:
    """(x0, x1, y0, y1) of the canvas's brushed rectangle, or None when nothing is brushed.
    Streamlit returns it as event.selection.brush = {"x": [x0, x1], "y": [y0, y1]}."""
    try:
        box = event["selection"][BRUSH]
        (x0, x1), (y0, y1) = box["x"], box["y"]
        return float(x0), float(x1), float(y0), float(y1)
    except (KeyError, TypeError, ValueError):
        return None


def load_csv(page: str, select_key: str, raw: bytes) -> bool:
    """The uploader's work: read `raw` as CSV points, put them on the canvas and use them as p_data.
    A file that cannot be read changes nothing but the page's error message. True if it was read."""
    state = drawing(page)
    try:
        points, note = own.fit_to_plane(own.parse_points(raw))
        name = own.register(points)
    except ValueError as err:
        state.error = str(err)
        return False
    _push(state, points)
    if note:
        state.notes[name] = note
    _select(state, select_key, name)
    return True


def use_points(page: str, select_key: str) -> None:
    """Button callback: the canvas's points become the page's p_data."""
    state = drawing(page)
    try:
        name = own.register(state.points)
    except ValueError as err:
        state.error = str(err)
        return
    _select(state, select_key, name)


def _open(page: str) -> None:
    state = drawing(page)
    state.open, state.error = True, None


def _on_upload(page: str, select_key: str) -> None:
    """Uploader callback (a removed file changes nothing)."""
    file = st.session_state.get(UPLOAD)
    if file is not None:
        load_csv(page, select_key, file.getvalue())


def _select(state: Drawing, select_key: str, name: str) -> None:
    """The selector shows own data `name` from the next run on.

    The data sets used before stay options (the last KEPT), so the label of the former one, still
    in the address during that run, is not refused by the link check (`lab.ui.link`); an earlier
    set with the same title gives way, so no two options share a label."""
    dist = toy.get(name)
    used = {old: d for old, d in state.used.items() if old != name and d.title != dist.title}
    state.used = dict(list(used.items())[-(KEPT - 1) :]) | {name: dist}
    state.notes = {kept: note for kept, note in state.notes.items() if kept in state.used}
    state.error, state.open, state.chosen = None, False, True
    st.session_state[select_key] = name


def _push(state: Drawing, points: np.ndarray) -> None:
    """New canvas points; the old ones go on the (bounded) undo stack."""
    state.undo = [*state.undo, state.points][-UNDO_DEPTH:]
    state.points, state.error = points, None


def _add(page: str, box: tuple[float, float, float, float] | None) -> None:
    """Button callback: a cluster of the chosen size filling the brushed rectangle."""
    state = drawing(page)
    if box is None:
        return
    rng = np.random.default_rng(len(state.points) + 1000 * len(state.undo))
    points = np.concatenate([state.points, own.cluster(*box, int(st.session_state.get(SIZE, 100)), rng)])
    if len(points) > own.MAX_POINTS:
        state.error = f"That would make {len(points):,} points: at most {own.MAX_POINTS:,} are used."
        return
    _push(state, points)


def _undo(page: str) -> None:
    state = drawing(page)
    if state.undo:
        state.points, state.error = state.undo.pop(), None


def _clear(page: str) -> None:
    _push(drawing(page), np.zeros((0, 2)))
