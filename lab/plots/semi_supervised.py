"""Figures of the semi-supervised lesson: decision boundaries on two moons, held-out accuracy
over training, and the objective's parts."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lab.plots.contour import contour_segments
from lab.plots.palette import FAKE_COLOR
from lab.plots.raster import heatmap_data, heatmap_layers, square_map
from lab.plots.vega import template, with_data
from lab.semi.views import SemiSnapshot

CLASS_COLORS = ("#e08214", "#1f4e9c")  # class 0 orange, class 1 blue
FIELD_DOMAIN = [0.0, 0.5, 1.0]
FIELD_RANGE = ["#fdd9b0", "#ffffff", "#b3cde8"]  # p(y = 1 | x) = 0, 1/2, 1
RUN_COLORS = ("#2e7d32", "#757575")  # labelled + unlabelled green, labels alone grey
PARTS = {
    "gan": {
        "supervised": "−log p(y|x), labelled",
        "unsupervised": "−log D(x) − log(1 − D(G(z)))",
        "feature_matching": "feature matching (G)",
    },
    "m2": {
        "labelled_bound": "L(x, y), labelled",
        "reconstruction": "E_q log p(x|y,z), labelled",
        "kl": "KL(q(z|x,y) ‖ p(z)), labelled",
        "unlabelled_bound": "U(x), unlabelled",
        "m1_elbo": "M1's ELBO (MNIST)",
    },
}


@template
def _boundary_layout(title: str, ex: float, ey: float, width: int, height: int) -> alt.TopLevelMixin:
    x = alt.X("x:Q", scale=alt.Scale(domain=[-ex, ex], nice=False, zero=False), title="x₁")
    y = alt.Y("y:Q", scale=alt.Scale(domain=[-ey, ey], nice=False, zero=False), title="x₂")
    image, legend = heatmap_layers(x, y, width, FIELD_DOMAIN, FIELD_RANGE, "p(y = blue | x)", "image")
    image = image.mark_image(width=width, height=height, aspect=False)
    unlabelled = alt.Chart(alt.Data(name="unlabelled")).mark_circle(
        size=9, color="#9e9e9e", opacity=0.6, clip=True
    )
    generated = alt.Chart(alt.Data(name="generated")).mark_point(
        shape="cross", size=28, color=FAKE_COLOR, opacity=0.7, clip=True
    )
    boundary = alt.Chart(alt.Data(name="boundary")).mark_rule(strokeWidth=3, color="#111111", clip=True)
    labelled = (
        alt.Chart(alt.Data(name="labelled"))
        .mark_point(filled=True, size=260, stroke="#111111", strokeWidth=1.5, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "label:N", scale=alt.Scale(domain=["0", "1"], range=list(CLASS_COLORS)), legend=None
            ),
        )
    )
    return square_map(
        [
            image,
            legend,
            unlabelled.encode(x=x, y=y),
            generated.encode(x=x, y=y),
            boundary.encode(x=x, y=y, x2="x2:Q", y2="y2:Q"),
            labelled,
        ],
        title,
        width,
    ).properties(height=height)


def boundary_chart(snap: SemiSnapshot, run: int, width: int = 400) -> dict:
    """p(y = blue | x) as a heat map with its ½ level set (the decision boundary, black), the
    unlabelled points (grey), the labelled ones (large, by class) and, for the GAN way's
    semi-supervised run, G's samples (magenta crosses)."""
    p = snap.p_class1[run]
    ex, ey = float(snap.grid_x[-1]), float(snap.grid_y[-1])
    height = int(round(width * ey / ex))
    # contour_segments wants one axis for both directions: trace on index units, then scale
    index = np.arange(len(snap.grid_x), dtype=np.float64)
    seg = contour_segments(p, index, 0.5)
    to_x = lambda v: np.interp(v, index, snap.grid_x)  # noqa: E731
    to_y = lambda v: np.interp(v, index, snap.grid_y)  # noqa: E731
    boundary = pd.DataFrame(
        {"x": to_x(seg[:, 0]), "y": to_y(seg[:, 1]), "x2": to_x(seg[:, 2]), "y2": to_y(seg[:, 3])}
    )
    labelled = pd.DataFrame(
        {
            "x": snap.labelled[:, 0],
            "y": snap.labelled[:, 1],
            "label": snap.labelled[:, 2].astype(int).astype(str),
        }
    )
    generated = snap.generated if snap.generated is not None and run == 0 else np.zeros((0, 2))
    title = f"{snap.titles[run]}: accuracy {snap.latest[run]:.1%}"
    return with_data(
        _boundary_layout(title, ex, ey, width, height),
        **heatmap_data("image", p, FIELD_DOMAIN, FIELD_RANGE),
        unlabelled=pd.DataFrame({"x": snap.unlabelled[:, 0], "y": snap.unlabelled[:, 1]}).round(3),
        generated=pd.DataFrame({"x": generated[:, 0], "y": generated[:, 1]}).round(3),
        boundary=boundary.round(4),
        labelled=labelled,
    )


@template
def _accuracy_layout(titles: tuple[str, ...], height: int) -> alt.TopLevelMixin:
    return (
        alt.Chart(alt.Data(name="accuracy"))
        .mark_line(strokeWidth=3, point=True)
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y(
                "accuracy:Q",
                title="held-out accuracy",
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "run:N",
                scale=alt.Scale(domain=list(titles), range=list(RUN_COLORS)),
                legend=alt.Legend(title=None, orient="top", labelLimit=400),
            ),
        )
        .properties(height=height, width="container")
    )


def accuracy_chart(snap: SemiSnapshot, height: int = 230) -> dict:
    """Held-out accuracy of both runs over training."""
    return with_data(_accuracy_layout(snap.titles, height), accuracy=pd.DataFrame(snap.accuracy).round(4))


@template
def _parts_layout(names: tuple[str, ...], height: int) -> alt.TopLevelMixin:
    return (
        alt.Chart(alt.Data(name="parts"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y("value:Q", title="nats per example", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=list(names)),
                legend=alt.Legend(title=None, orient="top", labelLimit=400),
            ),
        )
        .properties(height=height, width="container")
    )


def parts_chart(snap: SemiSnapshot, height: int = 230) -> dict:
    """The semi-supervised objective's parts over training (per example, smoothed over 20 steps)."""
    frame = pd.DataFrame(snap.parts)
    names = {col: label for col, label in PARTS[snap.method].items() if col in frame}
    long = [
        pd.DataFrame(
            {"step": frame["step"], "value": frame[col].rolling(20, min_periods=1).mean(), "part": label}
        )
        for col, label in names.items()
    ]
    return with_data(_parts_layout(tuple(names.values()), height), parts=pd.concat(long).dropna().round(4))
