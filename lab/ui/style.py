"""The few CSS rules the lab adds to Streamlit's page, in one place."""

from __future__ import annotations

import streamlit as st

# - Square charts (the D(x) field, the latent space) have a fixed size in pixels so that x and y
#   share one scale; where their column is narrower, they shrink to it, keeping their shape,
#   instead of running under the next column.
# - Less empty space above the title, so that the live picture starts on a projector's first screen.
CSS = """
<style>
[data-testid="stVegaLiteChart"], [data-testid="stVegaLiteChart"] > div, .vega-embed { max-width: 100%; }
[data-testid="stVegaLiteChart"] > svg, [data-testid="stVegaLiteChart"] > canvas { max-width: 100%; height: auto !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
</style>
"""


def apply_style() -> None:
    """Add the lab's CSS to the page (called once per run, from app.py)."""
    st.html(CSS)
