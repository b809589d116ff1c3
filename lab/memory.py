"""Giving memory back to the system when a session's runs are gone, and keeping what lives as long as
the server out of the collector's way."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

_frozen = False


def give_back() -> None:
    """Collect unreachable objects (torch modules hold reference cycles, and the app turns Streamlit's
    collection after every script run off), then ask glibc to return freed heap pages to the system,
    so that the server's memory goes back down once students close their tabs. A no-op for the
    second part where the C library is not glibc."""
    gc.collect()
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def freeze_the_imports() -> None:
    """Move every object alive now into the collector's permanent generation, which no collection
    walks; the first call in a process does it, later calls nothing. app.py calls it after its imports,
    before any run exists: the objects of torch, Streamlit, plotly and the lab's modules (about 370,000)
    live as long as the server, and a full collection (`give_back`, or Python's own) holds the GIL while
    it walks them, every student's page and run waiting. Objects of the first session that are alive now
    are frozen with them; a run is not among them."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()
