"""Figures of the saturation lesson (Vega-Lite specs; see `lab.plots.vega`)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lab.gan.saturation import TripleSnapshot, gradient_weight_shares, loss_curves
from lab.plots.palette import FAKE_COLOR, LOSS_COLORS, REAL_COLOR
from lab.plots.vega import template, with_data

LOSS_NAMES = {
    "minimax": "(1) log(1 − D)",
    "non_saturating": "(2) −log D",
    "log_ratio": "(3) −log D/(1 − D)",
}
POOR_G = 0.1  # "G is poor": D(G(z)) below this


def _loss_color(title: str | None = None) -> alt.Color:
    return alt.Color(
        "loss:N",
        scale=alt.Scale(domain=list(LOSS_NAMES.values()), range=LOSS_COLORS),
        legend=alt.Legend(title=title, orient="top"),
    )


@template
def _curve_layout(field: str, title: str, log_x: bool, height: int) -> alt.TopLevelMixin:
    x_scale = alt.Scale(type="log", domain=[1e-4, 1]) if log_x else alt.Scale(domain=[0, 1])
    x = alt.X("d:Q", title="D(G(z))", scale=x_scale)
    poor = (
        alt.Chart(alt.Data(name="poor"))
        .mark_rect(color="#fde0dd", opacity=0.7)
        .encode(x=alt.X("x:Q", scale=x_scale), x2="x2:Q")
    )
    label = (
        alt.Chart(alt.Data(name="poor"))
        .mark_text(align="left", dx=4, dy=10, fontSize=14, color="#a50f15")
        .encode(x=alt.X("x:Q", scale=x_scale), y=alt.value(0), text="label:N")
    )
    lines = (
        alt.Chart(alt.Data(name="curves"))
        .mark_line(strokeWidth=3)
        .encode(x=x, y=alt.Y(f"{field}:Q", title=title), color=_loss_color())
    )
    marker = (
        alt.Chart(alt.Data(name="marker"))
        .mark_rule(color="#333333", strokeDash=[5, 3], strokeWidth=2)
        .encode(x=alt.X("d:Q", scale=x_scale))
    )
    return alt.layer(poor, label, lines, marker).properties(height=height, width="container")


def curve_charts(marker: float, log_x: bool, height: int = 300) -> list[dict]:
    """Each generator loss, and its derivative in D's logit, against D(G(z)); shaded: G is poor."""
    d = np.logspace(-4, np.log10(0.9999), 300) if log_x else np.linspace(1e-4, 0.9999, 300)
    frames = []
    for kind, (value, slope) in loss_curves(d).items():
        frames.append(pd.DataFrame({"d": d, "value": value, "slope": slope, "loss": LOSS_NAMES[kind]}))
    curves = pd.concat(frames)
    poor = pd.DataFrame({"x": [1e-4], "x2": [POOR_G], "label": ["G is poor"]})
    marker_frame = pd.DataFrame({"d": [marker]})
    return [
        with_data(_curve_layout(field, title, log_x, height), curves=curves, poor=poor, marker=marker_frame)
        for field, title in (("value", "generator loss (to minimise)"), ("slope", "∂ loss / ∂ logit"))
    ]


def gradients_at(marker: float) -> pd.DataFrame:
    """The table under the curves: each loss's derivative in the logit at D(G(z)) = marker."""
    rows = loss_curves(np.array([marker]))
    return pd.DataFrame(
        {
            "loss": [LOSS_NAMES[k] for k in rows],
            "∂ loss / ∂ logit": [f"{rows[k][1][0]:.4g}" for k in rows],
            "closed form": ["−D", "−(1 − D)", "−1"],
        }
    )


@template
def _samples_layout(extent: float, size: int) -> alt.TopLevelMixin:
    scale = alt.Scale(domain=[-extent, extent], nice=False, zero=False)
    return (
        alt.Chart(alt.Data(name="points"))
        .mark_circle(size=18, opacity=0.7, clip=True)
        .encode(
            x=alt.X("x:Q", scale=scale, title=None),
            y=alt.Y("y:Q", scale=scale, title=None),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["real", "generated"], range=[REAL_COLOR, FAKE_COLOR]),
                legend=alt.Legend(orient="top", title=None),
            ),
        )
        .properties(width=size, height=size, autosize=alt.AutoSizeParams(type="pad"))
    )


def samples_chart(snap: TripleSnapshot, model: int, size: int = 250) -> dict:
    """Real samples and model `model`'s generated samples (the same z every refresh)."""
    points = pd.concat(
        [
            pd.DataFrame({"x": snap.real[:, 0], "y": snap.real[:, 1], "kind": "real"}),
            pd.DataFrame({"x": snap.fakes[model][:, 0], "y": snap.fakes[model][:, 1], "kind": "generated"}),
        ]
    )
    return with_data(_samples_layout(float(snap.extent), size), points=points.round(3))


@template
def _histogram_layout(height: int) -> alt.TopLevelMixin:
    return (
        alt.Chart(alt.Data(name="bins"))
        .mark_rect(color=FAKE_COLOR)
        .encode(
            x=alt.X("lo:Q", title="D(G(z))", scale=alt.Scale(domain=[0, 1])),
            x2="hi:Q",
            y=alt.Y("count:Q", title="samples"),
            y2=alt.datum(0),
        )
        .properties(height=height, width="container")
    )


def d_histogram(snap: TripleSnapshot, model: int, height: int = 150) -> dict:
    """Histogram of D(G(z)) over the generated samples of model `model` (20 bins on [0, 1])."""
    counts, edges = np.histogram(snap.d_fake[model], bins=20, range=(0.0, 1.0))
    bins = pd.DataFrame({"lo": edges[:-1], "hi": edges[1:], "count": counts})
    return with_data(_histogram_layout(height), bins=bins)


NORM_TITLES = {"g_grad_norm": "‖∇θ_G loss‖: the gradient", "g_update_norm": "‖Δθ_G‖: the step taken"}


@template
def _norm_layout(title: str, height: int) -> alt.TopLevelMixin:
    return (
        alt.Chart(alt.Data(name="norms"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("step:Q", title="generator step"),
            y=alt.Y("norm:Q", title=title, scale=alt.Scale(type="log")),
            color=_loss_color(),
        )
        .properties(height=height, width="container")
    )


def norm_chart(snap: TripleSnapshot, field: str, height: int = 260) -> dict:
    """Each generator's gradient norm ("g_grad_norm") or actual update size ("g_update_norm") over
    training, on a log scale."""
    frames = [
        pd.DataFrame({"step": h["step"], "norm": np.maximum(h[field], 1e-12), "loss": LOSS_NAMES[kind]})
        for kind, h in zip(snap.losses, snap.history, strict=True)
    ]
    return with_data(_norm_layout(NORM_TITLES[field], height), norms=pd.concat(frames))


@template
def _share_layout(height: int) -> alt.TopLevelMixin:
    return (
        alt.Chart(alt.Data(name="shares"))
        .mark_line(strokeWidth=3)
        .encode(
            x=alt.X("top:Q", title="top fraction of samples, by D(G(z))", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("share:Q", title="share of the gradient weight", scale=alt.Scale(domain=[0, 1])),
            color=_loss_color(),
        )
        .properties(height=height, width="container")
    )


def weight_share_chart(snap: TripleSnapshot, model: int = 0, height: int = 260) -> dict:
    """Cumulative share of each loss's per-sample gradient weight carried by the samples with the
    highest D(G(z)), on model `model`'s samples (see `gradient_weight_shares`)."""
    frames = []
    for kind, (d, share) in gradient_weight_shares(snap.d_fake[model]).items():
        top = np.arange(1, len(d) + 1) / len(d)
        frames.append(pd.DataFrame({"top": top, "share": share, "loss": LOSS_NAMES[kind]}))
    return with_data(_share_layout(height), shares=pd.concat(frames).round(4))


@template
def _log_ratio_layout(height: int) -> alt.TopLevelMixin:
    x = alt.X("x:Q", title="x")
    area = (
        alt.Chart(alt.Data(name="p_g"))
        .mark_area(color=FAKE_COLOR, opacity=0.25)
        .encode(x=x, y=alt.Y("p_g:Q", title="p_G(x)"))
    )
    lines = (
        alt.Chart(alt.Data(name="ratios"))
        .mark_line(strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("value:Q", title="log D/(1 − D)", scale=alt.Scale(domain=[-8, 8], clamp=True)),
            color=alt.Color(
                "which:N",
                scale=alt.Scale(domain=["D*: log p_data/p_G", "trained D"], range=["#e66101", "#111111"]),
                legend=alt.Legend(orient="top", title=None),
            ),
        )
    )
    return alt.layer(area, lines).resolve_scale(y="independent").properties(height=height, width="container")


def log_ratio_chart(
    x: np.ndarray, p_g: np.ndarray, log_ratio_star: np.ndarray, logit: np.ndarray | None, height: int = 300
) -> dict:
    """log D/(1 − D) for D* (= log p_data/p_G) and, if given, a trained D's logit; shaded: p_G, the weight."""
    frames = [pd.DataFrame({"x": x, "value": log_ratio_star, "which": "D*: log p_data/p_G"})]
    if logit is not None:
        frames.append(pd.DataFrame({"x": x, "value": logit, "which": "trained D"}))
    ratios = pd.concat(frames)
    ratios["value"] = ratios["value"].clip(-50, 50)  # the axis shows ±8; keep the payload small
    return with_data(
        _log_ratio_layout(height), p_g=pd.DataFrame({"x": x, "p_g": p_g}), ratios=ratios.round(4)
    )
