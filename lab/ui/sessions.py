"""Each browser session's runs, kept for exactly as long as Streamlit keeps the session.

Streamlit keeps a session whose websocket dropped for `server.disconnectedSessionTTL` seconds, and
a browser that reconnects within that time gets the same session back. Its runs must survive that
too, so they live here, under a key kept in the session's own state, and not in a session-scoped
resource cache (which Streamlit clears at the first disconnect). A sweeper thread looks every few
seconds for sessions that have not been connected for longer than the TTL: it closes their runs
(which lets go of their networks), drops them, and gives the memory back. A run's own training already pauses 20 s after nobody looks at it (`lab.runner`).
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import streamlit as st
import torch
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lab import memory
from lab.protocol import start_processes
from lab.runner import Runner

TRAINING_THREADS = 1
"""Intra-op threads per training run: small nets gain little from more, and students share cores."""

GIL_SWITCH_SECONDS = 0.001
"""Python hands the GIL to a waiting thread after this long (default 5 ms). The training thread
lets go of the GIL for every small torch op and must then wait for it; while the page's thread
draws, a shorter turn gives it back sooner (measured: a few percent more steps/s, within noise)."""

SWEEP_SECONDS = 5.0
"""How often the sweeper looks for sessions that are gone."""

_lock = threading.Lock()
_runs: dict[str, dict[str, Runner]] = {}  # the session's key: {page: its run}
_streamlit_id: dict[str, str] = {}  # the session's key: Streamlit's id for the session
_last_connected: dict[str, float] = {}  # the session's key: when it was last seen connected
KEY = "lab_session"
"""Where a session keeps its key in st.session_state (a fresh one per session, AppTest's too)."""
_sweeper: threading.Thread | None = None


def runner(page: str, make: Callable[[], Any], look: Callable[[Any], Any]) -> Runner:
    """The current session's run for `page`, made with `make()` on first use."""
    session = _session_key()
    with _lock:
        _streamlit_id[session] = _streamlit_session_id()
        _last_connected[session] = time.monotonic()
        found = _runs.get(session, {}).get(page)
    if found is not None:
        return found
    torch.set_num_threads(TRAINING_THREADS)
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    made = Runner(make(), look, name=page)
    with _lock:
        kept = _runs.setdefault(session, {}).setdefault(page, made)
    if kept is not made:  # another script run of this session made one first
        made.close()
    _start_sweeper()
    return kept


def runs_of(session: str) -> dict[str, Runner]:
    """The runs, by page, of the session whose key (st.session_state[KEY]) is `session`."""
    with _lock:
        return dict(_runs.get(session, {}))


def sweep(connected: Callable[[str], bool], ttl: float, now: float | None = None) -> int:
    """Close and drop the runs of every session that `connected(Streamlit's id)` says is not
    connected and has not been for more than `ttl` seconds; how many sessions were dropped."""
    now = time.monotonic() if now is None else now
    gone: list[dict[str, Runner]] = []
    with _lock:
        for session in list(_runs):
            if connected(_streamlit_id.get(session, "")):
                _last_connected[session] = now
            elif now - _last_connected.get(session, now) > ttl:
                gone.append(_runs.pop(session))
                _last_connected.pop(session, None)
                _streamlit_id.pop(session, None)
    for runs in gone:
        for run in runs.values():
            run.close()  # drops the trainer, its timeline and snapshot
    if gone:
        memory.give_back()
    return len(gone)


def close_all() -> None:
    """Close and drop every session's runs (AppTest's sessions, which never disconnect, between tests)."""
    sweep(lambda session: False, ttl=-1.0)


def _session_key() -> str:
    if KEY not in st.session_state:
        st.session_state[KEY] = uuid.uuid4().hex
    return st.session_state[KEY]


def _streamlit_session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def _start_sweeper() -> None:
    """One sweeper per process, only under a real server (AppTest has none: its runs end with it);
    then the processes of runs side by side are started too."""
    global _sweeper
    if not runtime.exists():
        return
    with _lock:
        if _sweeper is not None and _sweeper.is_alive():
            return
        _sweeper = threading.Thread(target=_sweep_forever, name="lab-sweeper", daemon=True)
        _sweeper.start()
    start_processes()  # ready for the first lesson with runs side by side


def _sweep_forever() -> None:
    ttl = float(st.get_option("server.disconnectedSessionTTL"))
    while True:
        time.sleep(SWEEP_SECONDS)
        if not runtime.exists():
            return
        sweep(runtime.get_instance().is_active_session, ttl)
