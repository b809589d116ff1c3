"""Inside the 2-D networks, on the playground and the 2-D D* lesson: a switch, and each unit of D's
(and G's) first hidden layer as a small picture over its plane, live (`lab.gan.units`)."""

from __future__ import annotations

import streamlit as st

from lab.gan.units import units_snapshot
from lab.plots.units import units_chart
from lab.runner import Runner
from lab.ui import link, projector


def toggle(where: st.delta_generator.DeltaGenerator) -> bool:
    return link.toggle(
        where,
        "Inside the networks: first-layer units",
        key="units",
        help="Each unit of the first hidden layer of D (over the data plane) and of G (over the noise "
        "plane), as TensorFlow Playground draws them; hover a unit for its weights.",
    )


def draw(runner: Runner) -> None:
    """The run's first-layer units now (read between two training chunks, `units_snapshot`), each
    layer's, then what they are."""
    for layer in runner.read(units_snapshot):
        projector.chart(st, units_chart(layer), key=f"{layer.network}'s first-layer units", width="content")
    st.caption(
        "Each square is one unit of the first hidden layer, relu(w · v + b) over its input's plane (D: the data "
        "plane x, as in the picture above; G: the noise plane z, on [−2.5, 2.5]²), white where the unit is off "
        "and blue up to its own largest value. Every unit is a half-plane with a soft edge; the deeper layers "
        "and D's output combine them into the curved field above."
    )
