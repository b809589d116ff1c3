"""Keep a run: rewind it on its timeline, save it to a file and load it back, export its history.

Every lesson gets these through `lab.ui.live` (start_run draws the "Keep this run" popover under
the run's buttons, live_view the timeline's scrubber under the picture); a page adds nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import streamlit as st

from lab import export, saved_run
from lab.plots.pictures import timeline_gif
from lab.runner import Runner, RunStatus
from lab.saved_run import LoadedRun, RunFileError
from lab.script_export import gan_script, vae_script
from lab.ui import classroom, link
from lab.ui.page import page_of

_LOADED = "keep_loaded"  # page -> (LoadedRun, controls before, what to say): for take_loaded
_MESSAGES = "keep_messages"  # page -> (kind, text) of the last save or load
_PENDING = "keep_pending"  # run -> (saved run's bytes, what to say): to open on its page (take_pending)
_RESTORE = "keep_restore"  # control values to put back before the next run (a refused load)
_CHARTS = "keep_charts"  # page -> {chart key: the Vega-Lite spec drawn last under that key}


# ------------------------------------------------------------------------------ timeline
def _rewind_key(runner: Runner) -> str:
    return f"{runner.name}_rewind"


def rewound_to(runner: Runner, status: RunStatus) -> int | None:
    """The recorded step the student rewound to, or None when the view shows the run as it is now.
    A rewind holds only while the run stays where it was when the student rewound: Play, Step,
    a manual step, Reset or loading a run brings the view back to now. Only a step this run recorded
    counts: after a fresh run the browser may still send the scrubber's value from the run before."""
    state, key = st.session_state, _rewind_key(runner)
    step, at = state.get(key), state.get(key + "_at")
    if (
        status.running
        or step is None
        or at != status.step
        or step == status.step
        or step not in runner.recorded_steps()
    ):
        state.pop(key + "_at", None)  # a rewind made at another step never comes back
        return None
    return step


def _rewound(runner: Runner) -> None:
    st.session_state[_rewind_key(runner) + "_at"] = runner.status().step


def timeline_line(runner: Runner) -> None:
    """While the run plays, under its view and redrawn with it: the frames the timeline holds now."""
    frames = runner.recorded_count()
    if frames > 1:
        st.caption(f":material/history: Timeline: {frames:,} frames recorded. Pause to rewind.")


def scrubber(runner: Runner, status: RunStatus) -> None:
    """Under the live view: a slider over the recorded steps (while the run is paused)."""
    steps = runner.recorded_steps()
    options = sorted({*steps, status.step})
    if len(options) < 2:
        return
    if status.running:
        return  # the live view says how many frames are recorded, redrawn with it (`timeline_line`)
    key = _rewind_key(runner)
    if rewound_to(runner, status) is None:
        st.session_state[key] = status.step
    st.select_slider(
        ":material/history: Timeline: rewind to a recorded step",
        options,
        key=key,
        on_change=_rewound,
        args=(runner,),
        format_func=lambda s: f"now · step {s:,}" if s == status.step else f"step {s:,}",
        help="The run records what it showed every few steps, more thinly as it grows (at most "
        "60 frames). Play goes on from the latest step.",
    )


def rewound_line(step: int, status: RunStatus) -> None:
    """The status line of a rewound view."""
    st.markdown(f"**Rewound to step {step:,}** of {status.step:,} · paused")
    st.caption("What the run showed then. Press Play to go on from the latest step.")


# ------------------------------------------------------------------------ save, load, export
def download(
    where: Any, label: str, data: Callable[[], Any], file_name: str, mime: str, **options: Any
) -> None:
    """A download button whose file is made only when pressed (`data()`, outside the page's run)."""
    where.download_button(
        label,
        data=data,
        file_name=file_name,
        mime=mime,
        on_click="ignore",
        width="stretch",
        **options,
    )


def keep_popover(page: str, runner: Runner) -> None:
    """Save the run, load a saved one, export its metric history: one popover under the buttons."""
    controls = link.current_values()  # read now: a download is served outside the page's run
    with st.popover("Keep this run", icon=":material/inventory_2:", width="stretch", key=f"{page}_keep"):
        download(
            st,
            "Save the run",
            lambda: runner.read_run(
                lambda trainer, timeline: saved_run.save(page, trainer, timeline, controls)
            ),
            f"{page}{saved_run.SUFFIX}",
            "application/octet-stream",
            icon=":material/download:",
            key=f"{page}_save",
            help="One file: settings, networks, optimizers, random state, history and timeline. "
            "Load it here later: the run goes on exactly as if it had never stopped.",
        )
        st.file_uploader(
            "Load a saved run",
            type=[saved_run.SUFFIX.lstrip(".")],
            key=f"{page}_load",
            on_change=_load,
            args=(page,),
            max_upload_size=saved_run.MAX_BYTES // 2**20,
            help="A file saved on this lesson. It replaces the current run (which is kept if the file is refused).",
        )
        if classroom.in_class():
            st.button(
                "Hand in to the class",
                key=f"{page}_hand_in",
                on_click=_hand_in,
                args=(page, runner, controls),
                icon=":material/assignment_turned_in:",
                width="stretch",
                help="Sends this run to your class's lecturer: the saved run, its first picture and its numbers.",
            )
        message = st.session_state.get(_MESSAGES, {}).pop(page, None)
        if message is not None:
            kind, text = message
            (st.success if kind == "success" else st.error)(text, icon=":material/inventory_2:")
            st.toast(text, icon=":material/inventory_2:")
        st.markdown("**Export**")
        download(
            st,
            "Metric history (CSV)",
            lambda: runner.read(lambda trainer: export.history_csv(trainer.state_dict())),
            f"{page}-history.csv",
            "text/csv",
            icon=":material/table:",
            key=f"{page}_csv",
            help="Every number the run recorded, one row per step (a column per curve).",
        )
        download(
            st,
            "Timeline as GIF",
            lambda: timeline_gif(
                page, runner.read_run(lambda _, timeline: timeline.frames()) or [runner.snapshot()]
            ),
            f"{page}-timeline.gif",
            "image/gif",
            icon=":material/animation:",
            key=f"{page}_gif",
            help="What the run made at every recorded step, as an animation for slides "
            "(drawn when you press: a few seconds per ten frames).",
        )
        if page in SCRIPTS and (page != "vae" or runner.trainer.config.architecture == "mlp"):
            download(
                st,
                "As a Python script (zip)",
                lambda: runner.read(lambda trainer: _script_zip(page, trainer)),
                f"{page}-script.zip",
                "application/zip",
                icon=":material/code:",
                key=f"{page}_script",
                help="This run as one plain PyTorch file (no lab needed, # %% cells for a notebook) and its "
                "weights (and data): it goes on from this step with the very numbers the lab would have had.",
            )


def _hand_in(page: str, runner: Runner, controls: dict[str, Any]) -> None:
    """The hand-in button's callback: the run as Save the run writes it, the page's first picture
    and its key numbers, to the class; said once committed (or why not)."""
    raw = runner.read_run(lambda trainer, timeline: saved_run.save(page, trainer, timeline, controls))
    numbers = runner.read(lambda trainer: export.key_numbers(trainer.state_dict()))
    charts = st.session_state.get(_CHARTS, {}).get(st.session_state.get(link.PAGE), {})
    picture = _png(next(iter(charts.values()))) if charts else b""
    ok, said = classroom.hand_in(page, raw, picture, runner.status().step, numbers)
    _say(page, "success" if ok else "error", said)


SCRIPTS = {
    "gan_playground": gan_script,
    "optimal_d_2d": gan_script,
    "mnist_gan": gan_script,
    "vae": vae_script,
}
"""The runs that export as a script (`lab.script_export`): the GANs of one model, the VAE with MLPs."""


def _script_zip(page: str, trainer: Any) -> bytes:
    name = f"{page}_step_{trainer.step_count}"
    script, weights = SCRIPTS[page](trainer, name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.py", script)
        archive.writestr(f"{name}.pt", weights)
    return buffer.getvalue()


def remember_chart(key: str, figure: dict | bytes) -> None:
    """Keep what was drawn under `key` on this page (a Vega-Lite spec, or a picture's PNG), for
    "Export a figure"."""
    page = st.session_state.get(link.PAGE)
    charts = st.session_state.setdefault(_CHARTS, {})
    if page not in charts:
        charts.clear()  # a new page: the last page's charts are gone from the screen
        charts[page] = {}
    charts[page][key] = figure


def _png(figure: dict | bytes) -> bytes:
    return figure if isinstance(figure, bytes) else export.in_own_process(export.chart_png, [figure])[0]


def figure_export() -> None:
    """In the sidebar: the page's charts as PNG or SVG files, drawn by vl-convert (no screenshot),
    and its pictures (digit grids) as PNG. (The 3-D surface is Plotly's: its camera button saves it.)"""
    charts = st.session_state.get(_CHARTS, {}).get(st.session_state.get(link.PAGE), {})
    if not charts:
        return
    with st.sidebar.popover("Export a figure", icon=":material/image:", width="stretch", key="keep_figures"):
        key = st.selectbox("Figure", sorted(charts), key="keep_figure")
        file = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_") or "figure"
        png, svg = st.columns(2)
        download(png, "PNG", lambda: _png(charts[key]), f"{file}.png", "image/png", key="keep_png")
        download(
            svg,
            "SVG",
            lambda: export.in_own_process(export.chart_svg, [charts[key]])[0],
            f"{file}.svg",
            "image/svg+xml",
            key="keep_svg",
            disabled=isinstance(charts.get(key), bytes),
            help="Charts only: a picture of digits is pixels (PNG).",
        )
        st.caption("As it is drawn now: a chart at twice the screen's resolution (PNG) or as vectors (SVG).")


def _say(page: str, kind: str, text: str) -> None:
    st.session_state.setdefault(_MESSAGES, {})[page] = (kind, text)


def _load(page: str) -> None:
    """The uploader's callback: read the file; if it is a run of this page, set the page's controls
    to the saved ones (locked ones excepted) and keep the run for the next page run (`take_loaded`),
    with the controls as they were, to put back if it is refused there."""
    file = st.session_state.get(f"{page}_load")
    if file is None:
        return
    try:
        offer(page, saved_run.load(file.getvalue(), page), "Loaded the saved run")
    except RunFileError as err:
        refused(page, file.name, err)


def offer(page: str, loaded: LoadedRun, said: str, drawn_only: bool = True) -> None:
    """Set the page's controls to those of `loaded` (a run of `page`; projector mode stays as it is) and keep it for the next page
    run (`take_loaded`, which says `said` at its step), with the controls as they were, to put back
    if it is refused there. RunFileError if a lesson link locks a control the run sets otherwise.
    `drawn_only`: only the controls drawn so far (not a part of the page the run was not made on)."""
    state, ours = st.session_state, link.control_keys()
    controls = {
        key: value
        for key, value in loaded.controls.items()
        if (key in ours or not drawn_only) and key != link.PROJECTOR
    }
    held = sorted(k for k in link.locked() if k in controls and controls[k] != state.get(k))
    if held:
        raise RunFileError(f"this lesson link locks {', '.join(held)}, which the saved run sets otherwise")
    state.setdefault(_LOADED, {})[page] = (loaded, link.current_values(), said)
    link.set_controls(controls, keep=(*link.locked(), link.PROJECTOR))


def open_on_its_page(run: str, raw: bytes, said: str) -> None:
    """Open the saved run `raw` of `run` on its own page, from another page (the class's hand-ins):
    `take_pending` offers it there before the page draws its controls."""
    st.session_state.setdefault(_PENDING, {})[run] = (raw, said)


def take_pending(page: str) -> None:
    """Before `page` (pages/<page>.py) draws its controls: offer the run that waits to be opened
    there, if one does (`take_loaded` makes it the page's run)."""
    pending = st.session_state.get(_PENDING, {})
    for run in [run for run in pending if page_of(run) == page]:
        raw, said = pending.pop(run)
        try:
            offer(run, saved_run.load(raw, run), said, drawn_only=False)
        except RunFileError as err:
            refused(run, "The run", err)


def refused(page: str, name: str, err: Exception) -> None:
    """Say that `name` was not loaded, and why."""
    _say(
        page,
        "error",
        f"{link.plain(name, 60)} was not loaded: {link.plain(str(err), 300)}. The current run is as it was.",
    )


def take_loaded(page: str, config: Any, make_trainer: Callable[[Any], Any], runner: Runner) -> None:
    """If a run of `page` was just loaded, make it the page's run (paused), once the page's controls
    have produced its config. If they have not, or its state does not fit the nets they make, put
    the controls back as they were (`begin`, in the next run) and leave the current run alone."""
    entry = st.session_state.get(_LOADED, {}).pop(page, None)
    if entry is None:
        return
    loaded, before, said = entry
    try:
        if loaded.config != config:
            raise RunFileError("the page's controls cannot be set to the saved run's settings")
        trainer = loaded.build(make_trainer)
    except RunFileError as err:
        refused(page, "The saved run", err)
        st.session_state[_RESTORE] = before
        st.rerun()
    runner.reset(trainer, loaded.timeline, pause=True)
    _say(page, "success", f"{said} at step {trainer.step_count:,}. Press Play to go on.")


def begin() -> None:
    """Before a page runs (app.py): the controls of a refused load go back to what they were."""
    for key, value in st.session_state.pop(_RESTORE, {}).items():
        st.session_state[key] = value
