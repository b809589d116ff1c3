"""The few CSS rules the lab adds to Streamlit's page, in one place."""

from __future__ import annotations

import streamlit as st

# - Square charts (the D(x) field, the latent space) have a fixed size in pixels so that x and y
#   share one scale; where their column is narrower, they shrink to it, keeping their shape,
#   instead of running under the next column.
# - Less empty space above the title, so that the live picture starts on a projector's first screen.
# - Captions dark enough to read: Streamlit's grey (#828180 on white, 3.9 : 1) is under WCAG's 4.5 : 1;
#   this one is 6.4 : 1, at full opacity (axe-core's colour-contrast rule, tests/e2e/test_accessibility.py).
CSS = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, [data-testid="stImageCaption"] { color: #5f5e5c !important; opacity: 1 !important; }
[data-testid="stVegaLiteChart"], [data-testid="stVegaLiteChart"] > div, .vega-embed { max-width: 100%; }
[data-testid="stVegaLiteChart"] > svg, [data-testid="stVegaLiteChart"] > canvas { max-width: 100%; height: auto !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
</style>
"""


def apply_style() -> None:
    """Add the lab's CSS to the page (called once per run, from app.py)."""
    st.html(CSS)
