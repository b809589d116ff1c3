"""Giving memory back to the system when a session's runs are gone."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc


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
