"""Figures of the Figure-1 lesson: a 1-D GAN drawn as Goodfellow et al. 2014 draw it."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from lab.gan.figure1 import Figure1Panel
from lab.plots.palette import FAKE_COLOR, REAL_COLOR
from lab.plots.vega import template, with_data

Z_LINE, X_LINE = -0.45, -0.08
"""Heights of the noise line (below) and of the data line the arrows z -> G(z) end on."""
CURVES = {"p_data": (REAL_COLOR, [2, 3]), "p_G": (FAKE_COLOR, [1, 0]), "D(x)": ("#111111", [8, 5])}
LINE_COLOR = "#8c8c8c"


@template
def _figure1_layout(extent: float, height: int, top: float) -> alt.TopLevelMixin:
    x = alt.X("x:Q", title="x (above) and z (below)", scale=alt.Scale(domain=[-extent, extent], nice=False))
    y = alt.Y(
        "value:Q",
        title=None,
        scale=alt.Scale(domain=[Z_LINE - 0.08, top]),
        axis=alt.Axis(values=[v / 2 for v in range(int(2 * top) + 1)]),
    )
    curves = (
        alt.Chart(alt.Data(name="curves"))
        .mark_line(strokeWidth=3, clip=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "which:N",
                scale=alt.Scale(domain=list(CURVES), range=[c for c, _ in CURVES.values()]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "which:N",
                scale=alt.Scale(domain=list(CURVES), range=[d for _, d in CURVES.values()]),
                legend=None,
            ),
        )
    )
    lines = alt.Chart(alt.Data(name="lines")).mark_rule(color=LINE_COLOR, strokeWidth=2).encode(y="y:Q")
    arrows = (
        alt.Chart(alt.Data(name="arrows"))
        .mark_rule(color=LINE_COLOR, strokeWidth=1.2, clip=True)
        .encode(x=alt.X("z:Q"), y=alt.Y("bottom:Q"), x2="g_z:Q", y2="top:Q")
    )
    heads = (
        alt.Chart(alt.Data(name="arrows"))
        .mark_point(shape="triangle-up", filled=True, size=40, color=LINE_COLOR, clip=True)
        .encode(x=alt.X("g_z:Q"), y=alt.Y("top:Q"))
    )
    labels = (
        alt.Chart(alt.Data(name="labels"))
        .mark_text(align="right", dx=-4, dy=-8, fontSize=15, color="#444444")
        .encode(x="x:Q", y="y:Q", text="text:N")
    )
    return alt.layer(lines, arrows, heads, curves, labels).properties(height=height, width="container")


def figure1_chart(panel: Figure1Panel, height: int = 330) -> dict:
    """p_data (dotted), p_G (solid), D (dashed) over x; below, the noise line with arrows z -> G(z)."""
    curves = pd.DataFrame(
        {
            "x": np.tile(panel.x, 3),
            "value": np.concatenate([panel.p_data, panel.p_g, panel.d]),
            "which": np.repeat(list(CURVES), len(panel.x)),
        }
    )
    arrows = pd.DataFrame({"z": panel.z, "g_z": panel.g_z, "bottom": Z_LINE, "top": X_LINE})
    extent = float(panel.x[-1])
    labels = pd.DataFrame({"x": [extent, extent], "y": [Z_LINE, X_LINE], "text": ["z", "x = G(z)"]})
    lines = pd.DataFrame({"y": [Z_LINE, X_LINE]})
    # D lives in [0, 1]; a density can peak higher (a collapsed p_G): the axis follows, in halves
    top = max(1.05, math.ceil(2.1 * float(max(panel.p_g.max(), panel.p_data.max()))) / 2)
    return with_data(
        _figure1_layout(extent, height, top),
        curves=curves.round(5),
        arrows=arrows,
        labels=labels,
        lines=lines,
    )


@template
def _jsd_layout(height: int, titles: tuple[str, ...]) -> alt.TopLevelMixin:
    lines = (
        alt.Chart(alt.Data(name="jsd"))
        .mark_line(strokeWidth=2.5, point=True)
        .encode(
            x=alt.X("step:Q", title="generator step"),
            y=alt.Y("jsd:Q", title="JSD (nats)", scale=alt.Scale(domain=[0, math.log(2) * 1.05])),
            color=alt.Color(
                "run:N",
                scale=alt.Scale(domain=list(titles), range=[FAKE_COLOR, REAL_COLOR][: len(titles)]),
                legend=alt.Legend(title=None, orient="top", labelLimit=400),
            ),
        )
    )
    ceiling = (
        alt.Chart(alt.Data(name="ceiling")).mark_rule(strokeDash=[5, 4], color="#555555").encode(y="y:Q")
    )
    return alt.layer(lines, ceiling).properties(height=height, width="container")


def jsd_chart(panels: list[Figure1Panel], height: int = 220) -> dict:
    """JSD(p_data || p_G) of each run over training; dashed: its ceiling log 2."""
    frame = pd.concat([pd.DataFrame({**p.jsds, "run": p.title}) for p in panels])
    titles = tuple(p.title for p in panels)
    return with_data(_jsd_layout(height, titles), jsd=frame, ceiling=pd.DataFrame({"y": [math.log(2)]}))
