"""Figures of the 2-D GAN playground, built from a `GANSnapshot` as Vega-Lite specs.

Each figure is a fixed layout (see `lab.plots.vega`) plus DataFrames from the snapshot.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lab.gan.playground import GANSnapshot
from lab.plots.contour import contour_segments
from lab.plots.palette import (
    ARROW_COLOR,
    FAKE_COLOR,
    FAKE_SHAPE,
    FIELD_DOMAIN,
    FIELD_RANGE,
    REAL_COLOR,
    REAL_SHAPE,
)
from lab.plots.raster import heatmap_data, heatmap_layers
from lab.plots.vega import FONT_SIZE, template, with_data

LAYERS = ("D(x) field", "real samples", "generated samples", "generator gradients", "G manifold")
REAL_LABEL, FAKE_LABEL = "real x ~ p_data", "generated G(z)"


@template
def _field_layout(layers: tuple[str, ...], extent: float, size: int) -> alt.TopLevelMixin:
    scale = alt.Scale(domain=[-extent, extent], nice=False, zero=False)
    x = alt.X("x:Q", scale=scale, title="x₁")
    y = alt.Y("y:Q", scale=scale, title="x₂")
    charts = []
    if "D(x) field" in layers:
        charts += heatmap_layers(x, y, size, FIELD_DOMAIN, FIELD_RANGE, "D(x)", "field")
        charts.append(
            alt.Chart(alt.Data(name="contour"))
            .mark_rule(color="#222222", strokeWidth=2.5, strokeDash=[6, 3])
            .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
        )
    if "G manifold" in layers:
        charts.append(
            alt.Chart(alt.Data(name="manifold"))
            .mark_line(color="#444444", strokeWidth=1, opacity=0.5, clip=True)
            .encode(x=x, y=y, detail="line:N", order="order:Q")
        )
    kinds = [
        k for k, layer in ((FAKE_LABEL, "generated samples"), (REAL_LABEL, "real samples")) if layer in layers
    ]
    if kinds:
        charts.append(
            alt.Chart(alt.Data(name="points"))
            .mark_point(size=34, opacity=0.75, filled=True, clip=True)
            .encode(
                x=x,
                y=y,
                color=alt.Color(
                    "kind:N",
                    scale=alt.Scale(domain=[REAL_LABEL, FAKE_LABEL], range=[REAL_COLOR, FAKE_COLOR]),
                    legend=alt.Legend(title=None, orient="top", symbolSize=200),
                ),
                shape=alt.Shape(  # a second channel: real and generated apart without colour too
                    "kind:N",
                    scale=alt.Scale(domain=[REAL_LABEL, FAKE_LABEL], range=[REAL_SHAPE, FAKE_SHAPE]),
                    legend=alt.Legend(title=None, orient="top", symbolSize=200),
                ),
            )
        )
    if "generator gradients" in layers:
        arrows = alt.Chart(alt.Data(name="arrows"))
        charts.append(
            arrows.mark_rule(color=ARROW_COLOR, strokeWidth=1.6, clip=True).encode(
                x=x, y=y, x2="x2:Q", y2="y2:Q"
            )
        )
        charts.append(
            arrows.mark_point(
                shape="triangle", filled=True, size=55, color=ARROW_COLOR, opacity=1, clip=True
            ).encode(x="x2:Q", y="y2:Q", angle=alt.Angle("angle:Q", scale=None))
        )
    if not charts:  # nothing selected: keep the axes
        charts.append(alt.Chart(alt.Data(name="points")).mark_point(opacity=0).encode(x=x, y=y))
    # autosize "pad": the plotting area itself is size x size (x and y share one scale), and
    # legends are added around it rather than squeezed into it.
    return (
        alt.layer(*charts)
        .resolve_scale(color="independent", shape="independent")
        .properties(width=size, height=size, autosize=alt.AutoSizeParams(type="pad"))
    )


def field_chart(
    snap: GANSnapshot, layers: tuple[str, ...] = LAYERS, size: int = 520, true_scale: bool = False
) -> dict:
    """Real and generated samples over D(x), with the D = 1/2 contour, G's gradients and G's manifold.

    The arrows are rescaled so the longest has a fixed length, or with `true_scale` drawn at
    TRUE_SCALE plot units per unit of gradient, so that a vanishing gradient looks vanishing."""
    contour = pd.DataFrame(contour_segments(snap.d_grid, snap.grid_axis, 0.5), columns=["x", "y", "x2", "y2"])
    lines, per_line, _ = snap.manifold.shape
    manifold = pd.DataFrame(
        {
            "x": snap.manifold[..., 0].ravel(),
            "y": snap.manifold[..., 1].ravel(),
            "line": np.repeat(np.arange(lines), per_line),
            "order": np.tile(np.arange(per_line), lines),
        }
    )
    points = []
    if "generated samples" in layers:
        points.append(pd.DataFrame({"x": snap.fake[:, 0], "y": snap.fake[:, 1], "kind": FAKE_LABEL}))
    if "real samples" in layers:  # drawn last, on top: the ring's real modes are tiny
        points.append(pd.DataFrame({"x": snap.real[:, 0], "y": snap.real[:, 1], "kind": REAL_LABEL}))
    points_frame = pd.concat(points) if points else pd.DataFrame({"x": [], "y": [], "kind": []})
    return with_data(
        _field_layout(tuple(layers), float(snap.extent), size),
        **heatmap_data("field", snap.d_grid, FIELD_DOMAIN, FIELD_RANGE),
        contour=contour,
        manifold=manifold,
        points=points_frame.round(3),
        arrows=_arrows(snap, true_scale),
    )


TRUE_SCALE = 0.5
"""Plot units per unit of -d(loss)/dx when arrows are drawn at true scale."""


def _arrows(snap: GANSnapshot, true_scale: bool = False) -> pd.DataFrame:
    """Arrows along -d(generator loss)/dx: scaled so the longest is 12% of the plot's width, or
    TRUE_SCALE plot units per unit of gradient."""
    start, direction = snap.arrows_from, snap.arrows_dir
    if true_scale:
        scale = TRUE_SCALE
    else:
        norms = np.linalg.norm(direction, axis=1)
        scale = 0.24 * snap.extent / (norms.max() if norms.size and norms.max() > 0 else 1.0)
    end = start + direction * scale
    angle = (90 - np.degrees(np.arctan2(direction[:, 1], direction[:, 0]))) % 360
    return pd.DataFrame(
        {"x": start[:, 0], "y": start[:, 1], "x2": end[:, 0], "y2": end[:, 1], "angle": angle}
    ).round(3)


@template
def _loss_layout(height: int) -> alt.TopLevelMixin:
    lines = (
        alt.Chart(alt.Data(name="losses"))
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("step:Q", title="generator step"),
            y=alt.Y("value:Q", title="loss (nats)"),
            color=alt.Color(
                "loss:N",
                scale=alt.Scale(domain=["discriminator", "generator"], range=[REAL_COLOR, FAKE_COLOR]),
                legend=alt.Legend(orient="top", title=None),
            ),
        )
    )
    rule = (
        alt.Chart(alt.Data(name="equilibrium"))
        .mark_rule(strokeDash=[5, 4], color="#555555", strokeWidth=1.5)
        .encode(y="y:Q")
    )
    return alt.layer(lines, rule).properties(height=height, width="container")


def loss_chart(snap: GANSnapshot, height: int = 240) -> dict:
    """D and G losses per generator step, with D's loss at equilibrium (D = 1/2): log 4."""
    hist = pd.DataFrame(snap.history)
    frame = hist.melt("step", ["d_loss", "g_loss"], var_name="loss", value_name="value")
    frame["loss"] = frame["loss"].map({"d_loss": "discriminator", "g_loss": "generator"})
    return with_data(_loss_layout(height), losses=frame, equilibrium=pd.DataFrame({"y": [math.log(4)]}))


METRICS = {
    "modes": ("modes", FAKE_COLOR),
    "high_quality": ("high quality", FAKE_COLOR),
    "jsd": ("JSD (nats)", REAL_COLOR),
}


@template
def _metric_layout(metric: str, top: float, height: int) -> alt.TopLevelMixin:
    title, color = METRICS[metric]
    line = (
        alt.Chart(alt.Data(name="evals"))
        .mark_line(point=alt.OverlayMarkDef(color=color, size=30), color=color, strokeWidth=2)
        .encode(
            x=alt.X("step:Q", title="generator step"),
            y=alt.Y(f"{metric}:Q", title=title, scale=alt.Scale(domain=[0, top])),
        )
    )
    reference = (
        alt.Chart(alt.Data(name="reference"))
        .mark_rule(strokeDash=[5, 4], color="#555555", strokeWidth=1.5)
        .encode(y="y:Q")
    )
    return alt.layer(line, reference).properties(height=height, width="container")


def metric_charts(snap: GANSnapshot, height: int = 150) -> list[dict]:
    """Over training: modes covered and high-quality fraction (mixtures with modes), and
    JSD(p_data || p_G); each with its ideal (all modes, 100 %) or ceiling (log 2) dashed."""
    evals = pd.DataFrame(snap.evals)
    return [
        with_data(
            _metric_layout(metric, float(top), height), evals=evals, reference=pd.DataFrame({"y": [ref]})
        )
        for metric, top, ref in _metric_panels(snap)
    ]


def metric_titles(snap: GANSnapshot) -> list[str]:
    """What each of `metric_charts` shows, in its order."""
    return [METRICS[metric][0] for metric, _, _ in _metric_panels(snap)]


def _metric_panels(snap: GANSnapshot) -> list[tuple[str, float, float]]:
    """(metric, top of its axis, its ideal or ceiling) for each history chart of the run."""
    panels = [("modes", snap.n_modes, snap.n_modes), ("high_quality", 1.0, 1.0)] if snap.has_modes else []
    return [*panels, ("jsd", 0.72, math.log(2))]


def d_surface(snap: GANSnapshot) -> go.Figure:
    """D(x) as a 3-D surface over the plane, with the real samples at D = 1 (plotly: drawn on
    demand, to turn and zoom, not refreshed live)."""
    fig = go.Figure(
        go.Surface(
            x=snap.grid_axis,
            y=snap.grid_axis,
            z=snap.d_grid,
            colorscale=[[0.0, FIELD_RANGE[0]], [0.5, FIELD_RANGE[1]], [1.0, FIELD_RANGE[2]]],
            cmin=0,
            cmax=1,
            colorbar={"title": "D(x)"},
        )
    )
    fig.add_trace(
        go.Scatter3d(
            x=snap.real[:, 0], y=snap.real[:, 1], z=np.ones(len(snap.real)), mode="markers",
            marker={"size": 2, "color": REAL_COLOR}, name="real samples",
        )
    )  # fmt: skip
    fig.update_layout(
        height=560,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        font={"size": FONT_SIZE},
        scene={"xaxis_title": "x₁", "yaxis_title": "x₂", "zaxis": {"title": "D(x)", "range": [0, 1]}},
    )
    return fig
