"""The class's answers to a scenario's question, as bars (the lecturer's class view)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lab.plots.palette import LOSS_COLORS
from lab.plots.vega import FONT_SIZE, template


@template
def answers_chart(
    choices: tuple[str, ...], counts: tuple[int, ...], right: int | None = None
) -> alt.LayerChart:
    """One bar per choice, its count of students and, beside it, its share of the answers; once the
    lecturer reveals it, the choice most runs show (`right`) drawn in another colour."""
    total = sum(counts) or 1
    rows = pd.DataFrame(
        {
            "choice": [f"({i + 1}) {choice}" for i, choice in enumerate(choices)],
            "students": list(counts),
            "share": [count / total for count in counts],
            "what the run shows": ["this" if i == right else "another" for i in range(len(choices))],
        }
    )
    y = alt.Y("choice:N", sort=None, title=None, axis=alt.Axis(labelLimit=480))
    x = alt.X("students:Q", axis=alt.Axis(tickMinStep=1, format="d"))
    colour = alt.Color(
        "what the run shows:N",
        scale=alt.Scale(domain=["another", "this"], range=[LOSS_COLORS[1], LOSS_COLORS[0]]),
        legend=alt.Legend(orient="bottom") if right is not None else None,
    )
    bars = alt.Chart(rows).mark_bar().encode(y=y, x=x, color=colour)
    shares = (
        alt.Chart(rows)
        .mark_text(align="left", dx=6, fontSize=FONT_SIZE)
        .encode(y=y, x=x, text=alt.Text("share:Q", format=".0%"))
    )
    return alt.layer(bars, shares).properties(height=44 * len(choices), width="container")
