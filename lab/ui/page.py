"""What every lesson page does first."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def run_through_app() -> None:
    """Make sure this page runs inside app.py's st.navigation (wide layout, the lab's menu).

    Streamlit (1.67) keeps a legacy mode for apps with a pages/ folder: until the first
    st.navigation call after a server start, a deep link such as /gan_playground runs
    pages/gan_playground.py on its own, without app.py. Leave that mode and rerun, so the
    request goes through app.py like every other.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
