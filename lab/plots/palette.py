"""The lab's colours, the same in every lesson (real data blue, generated magenta), chosen so that
every pair that carries meaning stays apart for colour-blind eyes too.

`seen_by(colour, deficiency)` simulates protan-, deutan- and tritanopia (Machado, Oliveira and
Fernandes 2009, severity 1, applied in linear RGB); `delta_e` is the CIE76 distance in CIELAB.
tests/unit/test_palette.py checks every meaningful pair at ΔE ≥ `DISTINCT` for normal vision and each
deficiency. Where colour carries the lesson a second channel carries it too: real samples are
circles and generated ones diamonds.
"""

from __future__ import annotations

import numpy as np

REAL_COLOR = "#1f4e9c"  # p_data: blue, like the D(x) -> 1 side of the field
FAKE_COLOR = "#c2185b"  # p_G: magenta, like the D(x) -> 0 side
REAL_SHAPE, FAKE_SHAPE = "circle", "diamond"
ARROW_COLOR = "#6a1b4d"
FIELD_DOMAIN = [0.0, 0.5, 1.0]
FIELD_RANGE = ["#fde0ef", "#ffffff", "#74a9cf"]  # D = 0 (light magenta), 1/2, 1 (blue)
LOSS_COLORS = ["#e66101", "#0877bd", "#000000"]  # losses (1), (2), (3): orange, blue, black

DISTINCT = 20.0
"""The least CIE76 ΔE between two colours that mean different things, under every deficiency."""

MACHADO = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
"""Machado et al. 2009's matrices for full dichromacy, on linear RGB."""

_RGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_WHITE = np.array([0.95047, 1.0, 1.08883])  # D65


def _linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _encoded(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def rgb(colour: str) -> np.ndarray:
    """'#rrggbb' as sRGB in [0, 1]."""
    code = colour.lstrip("#")
    return np.array([int(code[i : i + 2], 16) / 255 for i in (0, 2, 4)])


def seen_by(colour: str, deficiency: str | None = None) -> np.ndarray:
    """The sRGB colour as a dichromat of `deficiency` (a key of MACHADO) sees it; None: as it is."""
    if deficiency is None:
        return rgb(colour)
    return _encoded(np.array(MACHADO[deficiency]) @ _linear(rgb(colour)))


def cielab(srgb: np.ndarray) -> np.ndarray:
    """CIELAB (L*, a*, b*) of an sRGB colour, D65 white."""
    t = _RGB_TO_XYZ @ _linear(srgb) / _WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, deficiency: str | None = None) -> float:
    """CIE76 ΔE between two colours as seen with `deficiency` (None: normal vision)."""
    return float(np.linalg.norm(cielab(seen_by(a, deficiency)) - cielab(seen_by(b, deficiency))))


def least_delta_e(a: str, b: str) -> float:
    """The smallest ΔE of the pair over normal vision and the three dichromacies."""
    return min(delta_e(a, b, d) for d in (None, *MACHADO))
