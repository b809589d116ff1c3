"""Settings read from a link: every text means what it says."""

import pytest

from lab.ui.share import parse_value


@pytest.mark.parametrize(
    ("text", "value"), [("False", False), ("false", False), ("0", False), ("True", True), ("1", True)]
)
def test_bools_in_a_link(text, value):
    assert parse_value(text, bool) is value


@pytest.mark.parametrize("text", ["maybe", "", "2"])
def test_a_bool_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        parse_value(text, bool)


def test_numbers_and_names():
    assert (
        parse_value("4", int) == 4
        and parse_value("0.0005", float) == 5e-4
        and parse_value("grid25", str) == "grid25"
    )
