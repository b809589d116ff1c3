"""Colour that survives colour blindness: every pair of colours that means two different things is
at least `DISTINCT` apart (CIE76 ΔE) for normal vision and under protan-, deutan- and tritanopia
(Machado et al. 2009's simulation), checked against figures computed independently."""

import itertools

import numpy as np
import pytest

from lab.plots import palette, semi_supervised

PAIRS = {
    "real / generated": (palette.REAL_COLOR, palette.FAKE_COLOR),
    "D(x) = 0 / D(x) = 1": (palette.FIELD_RANGE[0], palette.FIELD_RANGE[-1]),
    "real samples on D = 1": (palette.REAL_COLOR, palette.FIELD_RANGE[-1]),
    "generated samples on D = 0": (palette.FAKE_COLOR, palette.FIELD_RANGE[0]),
    **{
        f"loss ({i + 1}) / loss ({j + 1})": (palette.LOSS_COLORS[i], palette.LOSS_COLORS[j])
        for i, j in itertools.combinations(range(3), 2)
    },
    "semi: class 0 / class 1": semi_supervised.CLASS_COLORS,
    "semi: p(y = 1 | x) = 0 / 1": (semi_supervised.FIELD_RANGE[0], semi_supervised.FIELD_RANGE[-1]),
    "semi: with / without unlabelled": semi_supervised.RUN_COLORS,
}


@pytest.mark.parametrize("pair", PAIRS, ids=list(PAIRS))
def test_every_meaningful_pair_stays_apart_for_every_eye(pair):
    a, b = PAIRS[pair]
    seen = {d: round(palette.delta_e(a, b, d), 1) for d in (None, *palette.MACHADO)}
    assert palette.least_delta_e(a, b) >= palette.DISTINCT, seen


def test_the_simulation_reproduces_known_figures():
    """The issue's measurement of the old field ends (#f5b8cf / #b3cde8): ΔE 31 for normal vision,
    8.9 under protanopia; white stays white and black black for every deficiency; and a colour
    against itself is 0."""
    assert palette.delta_e("#f5b8cf", "#b3cde8") == pytest.approx(31.3, abs=0.1)
    assert palette.delta_e("#f5b8cf", "#b3cde8", "protanopia") == pytest.approx(8.9, abs=0.1)
    for deficiency in palette.MACHADO:
        np.testing.assert_allclose(palette.seen_by("#ffffff", deficiency), 1.0, atol=2e-3)
        np.testing.assert_allclose(palette.seen_by("#000000", deficiency), 0.0, atol=1e-9)
        assert palette.delta_e("#1f4e9c", "#1f4e9c", deficiency) == 0.0


def test_cielab_of_primaries_matches_published_values():
    """sRGB red, green and blue in CIELAB (D65), as colour-science references give them."""
    np.testing.assert_allclose(palette.cielab(np.array([1.0, 0, 0])), [53.24, 80.09, 67.20], atol=0.1)
    np.testing.assert_allclose(palette.cielab(np.array([0, 1.0, 0])), [87.73, -86.18, 83.18], atol=0.1)
    np.testing.assert_allclose(palette.cielab(np.array([0, 0, 1.0])), [32.30, 79.19, -107.86], atol=0.1)
