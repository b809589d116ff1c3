"""Every slider of every lesson (sidebar and page) at both of its ends, one after another (so ends meet ends: β = 0 with
lr 0.1 with a 32-d latent): each time the page draws without an exception and, after a step,
without a warning (numpy's 0/0 and its kind, which is what a blank chart leaves in the log)."""

import re
import warnings

import pytest

from tests.app.pages import LESSONS, open_page


def _ends(widget) -> list:
    """The two ends of a slider, as values its set_value takes."""
    if hasattr(widget, "options") and widget.options:
        return [_option(widget.options[0]), _option(widget.options[-1])]
    kind = type(widget.value)
    return [kind(widget.min), kind(widget.max)]


def _option(text: str):
    """An option's value from its label: its first number ('0.25 : 1' is 0.25, 'step 1,200' is 1200)."""
    number = re.search(r"-?\d[\d,]*(\.\d+)?(e-?\d+)?", text)
    if number is None:
        return text
    digits = number.group().replace(",", "")
    return float(digits) if any(c in digits for c in ".e") else int(digits)


@pytest.mark.parametrize("page", LESSONS)
def test_every_slider_at_both_ends_draws_without_a_warning(page):
    at = open_page(f"pages/{page}.py")
    tried = 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for kind in ("slider", "select_slider"):
            for key in [w.key for w in getattr(at, kind)]:
                for end in _ends(next(w for w in getattr(at, kind) if w.key == key)):
                    widgets = [w for w in getattr(at, kind) if w.key == key]
                    if not widgets:  # an earlier end hid it (another data set, say)
                        continue
                    widgets[0].set_value(end).run()
                    assert not at.exception, (key, end, at.exception)
                    if at.button(key="step") is not None:
                        at.button(key="step").click().run()
                    assert not at.exception, (key, end, at.exception)
                    tried += 1
    assert tried >= 2
    heard = [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught]
    assert not heard, heard
