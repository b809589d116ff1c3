"""Anything that goes wrong reaches the student as a message, never as a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from lab.ui import link

log = logging.getLogger("lab")


@contextmanager
def friendly_errors(what: str) -> Iterator[None]:
    """Show an exception raised inside the block as st.error (the traceback goes to the log)."""
    try:
        yield
    except Exception as err:  # the point is to catch everything
        log.exception("error while %s", what)
        st.error(f"Something went wrong while {what}: {link.plain(str(err), 500)}")
