"""The few CSS rules the lab adds to Streamlit's page, in one place."""

from __future__ import annotations

import streamlit as st

# - Square charts (the D(x) field, the latent space) have a fixed size in pixels so that x and y
#   share one scale; where their column is narrower, they shrink to it, keeping their shape,
#   instead of running under the next column.
# - Less empty space above the title, so that the live picture starts on a projector's first screen.
# - Captions dark enough to read: Streamlit's grey (#828180 on white, 3.9 : 1) is under WCAG's 4.5 : 1;
#   this one is 6.4 : 1, at full opacity (axe-core's colour-contrast rule, tests/e2e/test_accessibility.py);
#   on the dark theme's #0e1117, #b4b3b0 is 9.0 : 1.
CSS = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, [data-testid="stImageCaption"] { color: #5f5e5c !important; opacity: 1 !important; }
[data-testid="stVegaLiteChart"], [data-testid="stVegaLiteChart"] > div, .vega-embed { max-width: 100%; }
[data-testid="stVegaLiteChart"] > svg, [data-testid="stVegaLiteChart"] > canvas { max-width: 100%; height: auto !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
</style>
"""


CAPTION, CAPTION_ON_DARK = "#5f5e5c", "#b4b3b0"
# On the dark page a slider's value is drawn in the theme's red (#cf4250, 4.1 : 1): as light as the
# captions instead. (No one red is both 4.5 : 1 on #0e1117 and under the white text of a button.)
DARK_CSS = """
<style>
[data-testid="stSliderThumbValue"] p, [data-testid="stSliderTickBarMin"], [data-testid="stSliderTickBarMax"] { color: #f2f2f2 !important; }
</style>
"""


def is_dark() -> bool:
    """Whether the student's page is in the dark theme (chosen in the app's menu, or the system's)."""
    return st.context.theme.type == "dark"


def apply_style() -> None:
    """Add the lab's CSS to the page (called once per run, from app.py), for its theme."""
    if is_dark():
        st.html(CSS.replace(CAPTION, CAPTION_ON_DARK) + DARK_CSS)
    else:
        st.html(CSS)
