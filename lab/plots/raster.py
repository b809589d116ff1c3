"""Heat maps as one small PNG: a browser draws one image far faster than thousands of cells."""

from __future__ import annotations

import base64
import io

import numpy as np
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
