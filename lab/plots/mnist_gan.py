"""Figures of the MNIST GAN lesson (Vega-Lite specs; see `lab.plots.vega`)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lab.gan.mnist_gan import MNISTSnapshot
from lab.plots.palette import FAKE_COLOR, REAL_COLOR
from lab.plots.vega import template, with_data

SCORE_TITLES = {
    "frechet": ("Fréchet distance ↓", "to the real held-out digits, in classifier features"),
    "inception": ("MNIST Inception Score ↑", "exp E KL(p(y|x) ‖ p(y)); 10 at best"),
    "confidence": ("mean confidence ↑", "max_y p(y|x): quality"),
    "digits_present": ("digits present ↑", "of 10: fewer is mode collapse"),
}


@template
def _d_histogram_layout(height: int) -> alt.TopLevelMixin:
    return (
        alt.Chart(alt.Data(name="bins"))
        .mark_rect(opacity=0.6)
        .encode(
            x=alt.X("lo:Q", title="D(x)", scale=alt.Scale(domain=[0, 1])),
            x2="hi:Q",
            y=alt.Y("count:Q", title="digits", stack=None),
            y2=alt.datum(0),
            color=alt.Color(
                "which:N",
                scale=alt.Scale(domain=["real x", "generated G(z)"], range=[REAL_COLOR, FAKE_COLOR]),
                legend=alt.Legend(orient="top", title=None),
            ),
        )
        .properties(height=height, width="container")
    )


def d_histograms(snap: MNISTSnapshot, height: int = 300) -> dict:
    """D(x) on real digits and on generated ones (25 bins on [0, 1]); D = 1/2 for both at equilibrium."""
    frames = []
    for which, values in (("real x", snap.d_real), ("generated G(z)", snap.d_fake)):
        counts, edges = np.histogram(values, bins=25, range=(0.0, 1.0))
        frames.append(pd.DataFrame({"lo": edges[:-1], "hi": edges[1:], "count": counts, "which": which}))
    return with_data(_d_histogram_layout(height), bins=pd.concat(frames))


@template
def _class_layout(height: int) -> alt.TopLevelMixin:
    bars = (
        alt.Chart(alt.Data(name="classes"))
        .mark_bar(color=FAKE_COLOR)
        .encode(
            x=alt.X("digit:O", title="digit the classifier sees"),
            y=alt.Y(
                "fraction:Q",
                title="fraction",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domainMin=0),
            ),
        )
    )
    uniform = (
        alt.Chart(alt.Data(name="uniform")).mark_rule(strokeDash=[5, 4], color="#555555").encode(y="y:Q")
    )
    # an invisible rule at 50 %: the axis reaches at least there, and further when one digit takes more
    floor = alt.Chart(alt.Data(name="floor")).mark_rule(opacity=0).encode(y="y:Q")
    return alt.layer(bars, uniform, floor).properties(height=height, width="container")


def class_chart(snap: MNISTSnapshot, height: int = 300) -> dict:
    """Predicted digits of generated samples; dashed: 10 % each, as in MNIST. The axis runs from 0 to
    50 %, or to the largest fraction when one digit takes more (a collapse is never cut off)."""
    classes = pd.DataFrame({"digit": np.arange(10), "fraction": snap.class_histogram})
    return with_data(
        _class_layout(height),
        classes=classes,
        uniform=pd.DataFrame({"y": [0.1]}),
        floor=pd.DataFrame({"y": [0.5]}),
    )


@template
def _score_layout(score: str, height: int) -> alt.TopLevelMixin:
    title, _ = SCORE_TITLES[score]
    return (
        alt.Chart(alt.Data(name="evals"), title=alt.TitleParams(title, fontSize=15))
        .mark_line(point=True, color=FAKE_COLOR, strokeWidth=2)
        .encode(
            x=alt.X("step:Q", title="generator step"),
            y=alt.Y(f"{score}:Q", title=None, scale=alt.Scale(zero=False)),
        )
        .properties(height=height, width="container")
    )


def score_charts(snap: MNISTSnapshot, height: int = 150) -> list[dict]:
    """Each classifier-based score over training."""
    evals = pd.DataFrame(snap.evals)
    return [with_data(_score_layout(score, height), evals=evals) for score in SCORE_TITLES]
