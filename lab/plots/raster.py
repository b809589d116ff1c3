"""Heat maps as one small PNG: a browser draws one image far faster than thousands of cells."""

from __future__ import annotations

import base64
import io
import math

import altair as alt
import numpy as np
import pandas as pd
from PIL import Image


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def colorize(values: np.ndarray, domain: list[float], colors: list[str]) -> np.ndarray:
    """Map values to RGB (uint8) by piecewise-linear interpolation between colour stops."""
    stops = np.stack([_rgb(c) for c in colors])
    channels = [np.interp(values, domain, stops[:, i]) for i in range(3)]
    return np.stack(channels, axis=-1).round().astype(np.uint8)


MASK_COLOR = "#d0d0d0"


def png_data_url(
    grid: np.ndarray, domain: list[float], colors: list[str], hide: np.ndarray | None = None
) -> str:
    """A data URL of the grid as a PNG; grid rows follow y upwards, so they are flipped.

    Cells where `hide` is True are painted neutral grey (MASK_COLOR).
    """
    rgb = colorize(grid, domain, colors)
    if hide is not None:
        rgb[hide] = _rgb(MASK_COLOR).astype(np.uint8)
    image = Image.fromarray(rgb[::-1], mode="RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def heatmap_layers(
    x: alt.X, y: alt.Y, size: int, domain: list[float], colors: list[str], legend_title: str, name: str
) -> list[alt.Chart]:
    """Altair layers drawing the dataset `name` (see `heatmap_data`) as one image stretched over a
    size x size plot, and a legend-only layer (dataset `name`_legend) that shows its colour scale."""
    image = alt.Chart(alt.Data(name=name)).mark_image(width=size, height=size, aspect=False)
    legend = (
        alt.Chart(alt.Data(name=f"{name}_legend"))
        .mark_point(opacity=0)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "v:Q",
                scale=alt.Scale(domain=list(domain), range=list(colors)),
                legend=alt.Legend(title=legend_title, orient="bottom", gradientLength=min(240, size - 40)),
            ),
        )
    )
    return [image.encode(x=x, y=y, url="url:N"), legend]


def square_map(layers: list[alt.Chart], title: str, size: int, font_size: int = 16) -> alt.LayerChart:
    """Layers (a heat map and what is drawn over it) on a titled size x size square plot."""
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, fontSize=font_size),
        width=size,
        height=size,
        autosize=alt.AutoSizeParams(type="pad"),
    )


def heatmap_data(
    name: str, grid: np.ndarray, domain: list[float], colors: list[str], hide: np.ndarray | None = None
) -> dict[str, pd.DataFrame]:
    """The two datasets `heatmap_layers` draws: the PNG (centred on the origin) and the legend's stops."""
    url = png_data_url(grid, domain, colors, hide)
    return {
        name: pd.DataFrame({"x": [0.0], "y": [0.0], "url": [url]}),
        f"{name}_legend": pd.DataFrame({"x": [0.0] * len(domain), "y": [0.0] * len(domain), "v": domain}),
    }


def image_grid(images: np.ndarray, columns: int, scale: int = 2) -> bytes:
    """PNG of 28x28 grey images (values in [0, 1]) tiled `columns` wide, 1-pixel white gaps."""
    images = np.clip(np.asarray(images, dtype=np.float64).reshape(-1, 28, 28), 0, 1)
    rows = math.ceil(len(images) / columns)
    canvas = np.ones((rows * 29 + 1, columns * 29 + 1))
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        canvas[1 + r * 29 : 1 + r * 29 + 28, 1 + c * 29 : 1 + c * 29 + 28] = 1.0 - image  # dark ink on white
    picture = Image.fromarray((canvas * 255).round().astype(np.uint8), mode="L")
    picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()
