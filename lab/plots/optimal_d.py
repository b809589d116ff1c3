"""Figures of the optimal-discriminator lesson (Vega-Lite specs; see `lab.plots.vega`)."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from lab.gan.optimal_d import DSnapshot, DStarSnapshot
from lab.plots.palette import FAKE_COLOR, FIELD_DOMAIN, FIELD_RANGE, REAL_COLOR
from lab.plots.raster import heatmap_data, heatmap_layers, square_map
from lab.plots.vega import template, with_data

D_COLOR, D_STAR_COLOR = "#111111", "#e66101"
GAP_DOMAIN, GAP_RANGE = [-1.0, 0.0, 1.0], ["#1b7837", "#ffffff", "#762a83"]


def d_star_label(ratio: float) -> str:
    """The optimal discriminator's name in a legend: the lecture's D*, or D*_r for r real per fake."""
    return "D* = p_data/(p_data+p_G)" if ratio == 1 else f"D*_r = {ratio:g}·p_data/({ratio:g}·p_data+p_G)"


DRAWN_EVERY = 4
"""The 1-D charts draw at most every 4th point of the grid (1,000 points, denser than a chart's
pixels): each drawn point costs the browser a hover label, and the page's first picture waits."""
DRAWN_TOLERANCE = 0.005
"""How far a drawn curve may stray from the grid's: a share of the curve's top (of 1 for D and D*)."""


def drawn(snap: DSnapshot) -> np.ndarray:
    """The grid points the 1-D charts draw: every k-th and the last, the largest k ≤ DRAWN_EVERY at
    which straight lines between them stay within DRAWN_TOLERANCE of p_data, p_G, D and D* at every
    grid point (a narrow p_G, or a sharp step of D*, is drawn at more points)."""
    curves = [(snap.p_data, snap.p_data.max()), (snap.p_g, snap.p_g.max()), (snap.d, 1.0), (snap.d_star, 1.0)]
    for every in range(DRAWN_EVERY, 1, -1):
        i = np.unique(np.append(np.arange(0, len(snap.x), every), len(snap.x) - 1))
        if all(
            np.abs(np.interp(snap.x, snap.x[i], y[i]) - y).max() <= DRAWN_TOLERANCE * top for y, top in curves
        ):
            return i
    return np.arange(len(snap.x))


@template
def _densities_layout(height: int, star: str) -> alt.TopLevelMixin:
    x = alt.X("x:Q", title="x")
    areas = (
        alt.Chart(alt.Data(name="densities"))
        .mark_area(opacity=0.35, line=True)
        .encode(
            x=x,
            y=alt.Y("value:Q", title="density", stack=None),
            color=alt.Color(
                "which:N",
                scale=alt.Scale(domain=["p_data", "p_G"], range=[REAL_COLOR, FAKE_COLOR]),
                legend=alt.Legend(title=None, orient="top"),
            ),
        )
    )
    lines = (
        alt.Chart(alt.Data(name="discriminators"))
        .mark_line(strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("value:Q", title="D(x)", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "which:N",
                scale=alt.Scale(domain=["D (trained)", star], range=[D_COLOR, D_STAR_COLOR]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "which:N",
                scale=alt.Scale(domain=["D (trained)", star], range=[[1, 0], [7, 4]]),
                legend=None,
            ),
        )
    )
    return (
        alt.layer(areas, lines)
        .resolve_scale(y="independent", color="independent", strokeDash="independent")
        .properties(height=height, width="container")
    )


def densities_chart(snap: DSnapshot, height: int = 340) -> dict:
    """p_data and p_G (areas, left axis) with the trained D and the optimal D* (lines, right axis)."""
    star, i = d_star_label(snap.config.ratio), drawn(snap)
    densities = pd.DataFrame(
        {
            "x": np.tile(snap.x[i], 2),
            "value": np.concatenate([snap.p_data[i], snap.p_g[i]]),
            "which": np.repeat(["p_data", "p_G"], len(i)),
        }
    )
    discriminators = pd.DataFrame(
        {
            "x": np.tile(snap.x[i], 2),
            "value": np.concatenate([snap.d[i], snap.d_star[i]]),
            "which": np.repeat(["D (trained)", star], len(i)),
        }
    )
    return with_data(
        _densities_layout(height, star), densities=densities.round(5), discriminators=discriminators.round(5)
    )


@template
def _gap_layout(height: int) -> alt.TopLevelMixin:
    x = alt.X("x:Q", title="x")
    bulk = (
        alt.Chart(alt.Data(name="gap"))
        .mark_area(color="#dddddd", opacity=0.6)
        .encode(x=x, y=alt.Y("bulk:Q", title="|D − D*|", scale=alt.Scale(domain=[0, 1])))
    )
    line = alt.Chart(alt.Data(name="gap")).mark_line(color=D_COLOR, strokeWidth=2).encode(x=x, y="gap:Q")
    rule = (
        alt.Chart(alt.Data(name="tolerance")).mark_rule(strokeDash=[5, 4], color=D_STAR_COLOR).encode(y="y:Q")
    )
    return alt.layer(bulk, line, rule).properties(height=height, width="container")


def gap_chart(snap: DSnapshot, height: int = 170) -> dict:
    """|D − D*| over x; grey: the region holding 98 % of the mass; dashed: 0.05."""
    i = drawn(snap)
    gap = pd.DataFrame(
        {"x": snap.x[i], "gap": np.abs(snap.d - snap.d_star)[i], "bulk": snap.bulk[i].astype(float)}
    )
    return with_data(_gap_layout(height), gap=gap.round(5), tolerance=pd.DataFrame({"y": [0.05]}))


@template
def _value_layout(height: int) -> alt.TopLevelMixin:
    lines = (
        alt.Chart(alt.Data(name="values"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("step:Q", title="D steps"),
            y=alt.Y("value:Q", title="V(D, G) (nats)", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "which:N",
                scale=alt.Scale(
                    domain=["V(D, G)", "V(D*, G) = −log 4 + 2 JSD"], range=[D_COLOR, D_STAR_COLOR]
                ),
                legend=alt.Legend(title=None, orient="top"),
            ),
        )
    )
    floor = alt.Chart(alt.Data(name="floor")).mark_rule(strokeDash=[5, 4], color="#777777").encode(y="y:Q")
    return alt.layer(lines, floor).properties(height=height, width="container")


def value_chart(snap: DSnapshot, height: int = 220) -> dict:
    """V(D, G) of the trained D under its ceiling V(D*, G), over training; dashed: −log 4."""
    hist = pd.DataFrame(snap.history).rename(
        columns={"value": "V(D, G)", "value_star": "V(D*, G) = −log 4 + 2 JSD"}
    )
    frame = hist.melt("step", ["V(D, G)", "V(D*, G) = −log 4 + 2 JSD"], var_name="which", value_name="value")
    return with_data(_value_layout(height), values=frame, floor=pd.DataFrame({"y": [-math.log(4)]}))


PROOF_MARKS = {"q* = a/(a + b)": D_STAR_COLOR, "trained D(x)": D_COLOR, "lecture's D*(x), r = 1": "#8c8c8c"}
PROOF_FLOOR = -1.5
"""Lowest value drawn of [f(q) - f(q*)] / (a + b): the top of the curve, where its maximiser is."""


@template
def _proof_layout(height: int, names: tuple[str, ...]) -> alt.TopLevelMixin:
    q = alt.X("q:Q", title="q = D(x)", scale=alt.Scale(domain=[0, 1]))
    f = alt.Y("f:Q", title=["f(q) − f(q*), in units of a + b"], scale=alt.Scale(domain=[PROOF_FLOOR, 0.1]))
    curve = alt.Chart(alt.Data(name="curve")).mark_line(color="#444444", strokeWidth=2.5, clip=True)
    marks = alt.Chart(alt.Data(name="marks"))
    color = alt.Color(
        "which:N",
        scale=alt.Scale(domain=list(names), range=[PROOF_MARKS[n] for n in names]),
        legend=alt.Legend(title=None, orient="top"),
    )
    rules = marks.mark_rule(strokeDash=[6, 4], strokeWidth=2).encode(x="q:Q", color=color)
    points = marks.mark_point(filled=True, size=140, clip=True).encode(x="q:Q", y="f:Q", color=color)
    return alt.layer(curve.encode(x=q, y=f), rules, points).properties(height=height, width="container")


def proof_chart(
    q: np.ndarray,
    f: np.ndarray,
    f_star: float,
    scale: float,
    marks: dict[str, tuple[float, float]],
    height: int = 260,
) -> dict:
    """f(q) = a log q + b log(1 − q) over q in (0, 1), drawn as [f(q) − f(q*)] / (a + b) (same shape,
    same maximiser; its top, where the maximiser is, fills the axis), with points (q, f(q)) marked:
    q*, the trained D(x), and the lecture's D*(x) when the minibatch is not balanced. `marks` names
    a subset of PROOF_MARKS; `scale` is a + b."""
    unit = scale if scale > 0 else 1.0
    curve = pd.DataFrame({"q": q, "f": (f - f_star) / unit})
    points = pd.DataFrame([{"which": k, "q": v[0], "f": (v[1] - f_star) / unit} for k, v in marks.items()])
    return with_data(_proof_layout(height, tuple(marks)), curve=curve.round(6), marks=points)


@template
def _map_layout(
    title: str, legend_title: str, domain: tuple, colors: tuple, extent: float, size: int
) -> alt.TopLevelMixin:
    scale = alt.Scale(domain=[-extent, extent], nice=False, zero=False)
    x, y = alt.X("x:Q", scale=scale, title="x₁"), alt.Y("y:Q", scale=scale, title="x₂")
    heatmap = heatmap_layers(x, y, size, list(domain), list(colors), legend_title, "image")
    modes = (
        alt.Chart(alt.Data(name="modes")).mark_point(shape="cross", size=60, color="#333333").encode(x=x, y=y)
    )
    return square_map([*heatmap, modes], title, size, font_size=17)


def d_star_maps(snap: DStarSnapshot, size: int = 270) -> list[dict]:
    """Three aligned heat maps: D(x), the estimated D*(x), and D − D*. Crosses: p_data's modes.

    Where neither distribution has mass (grey) D* is not determined, so it is not painted.
    """
    hide = ~snap.support
    extent = float(snap.extent)
    modes = (
        pd.DataFrame({"x": snap.modes[:, 0], "y": snap.modes[:, 1]})
        if len(snap.modes)
        else pd.DataFrame({"x": [], "y": []})
    )
    maps = [
        ("D(x), trained", "D", snap.d, FIELD_DOMAIN, FIELD_RANGE, None),
        ("D*(x), estimated", "D*", snap.d_star, FIELD_DOMAIN, FIELD_RANGE, hide),
        ("D(x) − D*(x)", "D − D*", snap.d - snap.d_star, GAP_DOMAIN, GAP_RANGE, hide),
    ]
    return [
        with_data(
            _map_layout(title, legend, tuple(domain), tuple(colors), extent, size),
            **heatmap_data("image", values, domain, colors, mask),
            modes=modes,
        )
        for title, legend, values, domain, colors, mask in maps
    ]
