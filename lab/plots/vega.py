"""Vega-Lite specs that refresh cheaply: a chart's layout is built once, its data every frame.

Building an altair chart and converting it to Vega-Lite costs tens of milliseconds of pure
Python (schema validation, deep copies), which a live page would pay on every refresh while
the training thread waits for the GIL. So each figure's layout is built once with altair over
*named* datasets, kept as a plain dict, and every refresh only attaches new DataFrames.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import altair as alt
import pandas as pd

FONT_SIZE = 15


def styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Fonts large enough to read from the back of a lecture hall."""
    return chart.configure_axis(labelFontSize=FONT_SIZE - 1, titleFontSize=FONT_SIZE).configure_legend(
        labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE
    )


def template(build: Callable[..., alt.TopLevelMixin]) -> Callable[..., dict]:
    """Decorator: memoise `build(*args)` as a Vega-Lite dict (args must be hashable)."""

    @lru_cache(maxsize=64)
    def cached(*args) -> dict:
        return styled(build(*args)).to_dict()

    return cached


def with_data(spec: dict, **datasets: pd.DataFrame) -> dict:
    """A shallow copy of `spec` whose named datasets are the given DataFrames."""
    return {**spec, "datasets": dict(datasets)}
