"""Figures of the density-estimation lesson: p_data and three models' densities, side by side."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lab.data import toy
from lab.density_estimation import DIVERGENCES, MODELS, TITLES, ThreeWaysSnapshot
from lab.plots.palette import FAKE_COLOR
from lab.plots.raster import heatmap_data, heatmap_layers, square_map
from lab.plots.vega import template, with_data

DENSITY_COLORS = ["#ffffff", "#9ecae1", "#08306b"]
PANELS = {"p_data": "p_data (the data)", **TITLES}
LOG_RANGE = 8.0


@template
def _panel_layout(title: str, extent: float, size: int) -> alt.TopLevelMixin:
    scale = alt.Scale(domain=[-extent, extent], nice=False, zero=False)
    x, y = alt.X("x:Q", scale=scale, title="x₁"), alt.Y("y:Q", scale=scale, title="x₂")
    heat = heatmap_layers(
        x,
        y,
        size,
        [-LOG_RANGE, -LOG_RANGE / 2, 0.0],
        DENSITY_COLORS,
        "log density − its peak (nats)",
        "density",
    )
    dots = (
        alt.Chart(alt.Data(name="samples"))
        .mark_circle(size=9, color=FAKE_COLOR, opacity=0.55, clip=True)
        .encode(x=x, y=y)
    )
    return square_map([*heat, dots], title, size)


def density_panels(snap: ThreeWaysSnapshot, size: int = 230) -> list[dict]:
    """p_data, then each model: its log density (smoothed by the lesson's kernel) as a heat map over the
    LOG_RANGE nats below its own peak (on a linear scale one sharp component hides every broad one),
    with 500 of its samples (magenta dots)."""
    axis = snap.view.axis
    inside = np.abs(axis) <= toy.get(snap.config.data).extent  # the data's extent, of the wider grid
    half = float(axis[inside][-1] + (axis[1] - axis[0]) / 2)
    return [
        with_data(
            _panel_layout(PANELS[name], round(half, 4), size),
            **heatmap_data(
                "density",
                _to_peak(snap.view.log_p[name][np.ix_(inside, inside)]),
                [0.0, 0.5, 1.0],
                DENSITY_COLORS,
            ),
            samples=pd.DataFrame(snap.samples[name][:, :2], columns=["x", "y"]).round(3),
        )
        for name in PANELS
    ]


def scores_table(snap: ThreeWaysSnapshot) -> pd.DataFrame:
    """The latest measurements, one row per model."""
    latest = {k: v[-1] for k, v in snap.scores.items()}
    rows = []
    for model in MODELS:
        held_out = {"mixture": latest["mixture_ll"], "vae": latest["vae_ll"]}.get(model, np.nan)
        rows.append(
            {
                "model": TITLES[model],
                "held-out log p(x)": held_out,
                "IWAE bound": latest["vae_iwae"] if model == "vae" else np.nan,
                "held-out, smoothed": latest[f"{model}_smoothed_ll"],
                # >= 0 by definition: the quadrature's rounding can leave -0.0001, shown as -0.000
                **{name: max(0.0, latest[f"{model}_{name}"]) for name in DIVERGENCES},
            }
        )
    return (
        pd.DataFrame(rows)
        .round(3)
        .rename(columns={"forward_kl": "KL(p_data ‖ p_θ)", "reverse_kl": "KL(p_θ ‖ p_data)", "jsd": "JSD"})
    )


def _to_peak(log_density: np.ndarray) -> np.ndarray:
    """0 at LOG_RANGE nats or more below the peak, 1 at the peak."""
    return np.clip(1 + (log_density - log_density.max()) / LOG_RANGE, 0, 1)
