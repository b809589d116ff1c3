"""The units of a 2-D network's first hidden layer, each a small picture of its activation over its
input's plane (`lab.gan.units`); under the pointer, the unit's weights."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from lab.gan.units import LayerUnits
from lab.plots.palette import LOSS_COLORS
from lab.plots.raster import png_data_url
from lab.plots.vega import template, with_data

COLUMNS = 12
UNIT_PX = 34  # one unit's cell on screen, its picture 4 px smaller (12 fit the narrowest column)


def units_chart(layer: LayerUnits) -> dict:
    """Every unit of `layer`, its picture scaled to its own largest activation (white: 0, the unit
    off; blue: its largest), in rows of COLUMNS."""
    rows = []
    for i, (activation, w, b) in enumerate(zip(layer.activations, layer.weights, layer.biases, strict=True)):
        top = float(activation.max())
        rows.append(
            {
                "unit": i + 1,
                "column": i % COLUMNS,
                "row": i // COLUMNS,
                "left": i % COLUMNS - 0.44,
                "right": i % COLUMNS + 0.44,
                "top": i // COLUMNS - 0.44,
                "bottom": i // COLUMNS + 0.44,
                "url": png_data_url(
                    activation / top if top > 0 else activation, [0.0, 1.0], ["#ffffff", LOSS_COLORS[1]]
                ),
                "w₁": float(w[0]),
                "w₂": float(w[1]),
                "b": float(b),
                "largest": top,
            }
        )
    shape = (min(COLUMNS, len(rows)), math.ceil(len(rows) / COLUMNS))
    return with_data(_units_layout(*shape, layer.network, layer.plane), units=pd.DataFrame(rows))


@template
def _units_layout(columns: int, rows: int, network: str, plane: str) -> alt.LayerChart:
    x = alt.X("left:Q", axis=None, scale=alt.Scale(domain=[-0.5, columns - 0.5]))
    y = alt.Y("top:Q", axis=None, scale=alt.Scale(domain=[-0.5, rows - 0.5], reverse=True))
    cells = alt.Chart(alt.Data(name="units"))
    frames = cells.mark_rect(fill=None, stroke="#999999", strokeWidth=1).encode(
        x=x, x2="right:Q", y=y, y2="bottom:Q"
    )
    pictures = cells.mark_image(aspect=False).encode(  # each picture fills its cell, at any size
        x=x,
        x2="right:Q",
        y=y,
        y2="bottom:Q",
        url="url:N",
        tooltip=[
            alt.Tooltip("unit:Q"),
            alt.Tooltip("w₁:Q", format=".3f"),
            alt.Tooltip("w₂:Q", format=".3f"),
            alt.Tooltip("b:Q", format=".3f"),
            alt.Tooltip("largest:Q", title="largest activation", format=".3g"),
        ],
    )
    title = f"{network}'s first hidden layer: each unit relu(w · {plane} + b) over the {plane} plane"
    return alt.layer(frames, pictures).properties(
        width=columns * UNIT_PX,
        height=rows * UNIT_PX,
        title=alt.TitleParams(title, fontSize=15, anchor="start"),
        autosize=alt.AutoSizeParams(type="pad"),  # square cells: the plot is exactly this size
    )
