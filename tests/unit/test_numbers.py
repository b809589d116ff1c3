"""Numbers as people write them (lab.plots.numbers.figure), against the rules written out."""

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lab.plots.numbers import figure


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
@example(-0.004)
@example(-19259.37)
@example(999.996)
def test_a_figure_reads_back_as_its_value_to_the_digits_shown(value):
    text = figure(value)
    assert text != "-0.00" and "e" not in text
    shown = float(text.replace(",", ""))
    assert shown == pytest.approx(value, abs=0.5 if abs(value) >= 1000 or "." not in text else 0.005 + 1e-9)
    if abs(value) >= 1000:
        assert "." not in text and (abs(value) < 999_500 or "," in text)


def test_the_cases_a_class_sees():
    assert figure(-0.001) == "0.00"
    assert figure(-19259.37) == "-19,259"
    assert figure(3.14159) == "3.14" and figure(0.00123, 4) == "0.0012"
    assert figure(math.nan) == "n/a" and figure(math.inf) == "∞" and figure(-math.inf) == "−∞"
