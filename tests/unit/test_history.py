"""History: the table every trainer records into, and what a chart reads of it."""

import numpy as np
import pytest

from lab.history import History


def test_rows_append_and_extend_into_columns():
    h = History("loss", "score")
    h.append(0, {"loss": 1.0, "score": 0.5})
    h.extend(range(1, 4), np.array([[0.9, 0.6], [0.8, 0.7], [0.7, 0.8]]))
    assert len(h) == 4 and h.names == ("loss", "score")
    assert h["step"] == [0, 1, 2, 3] and h["loss"] == pytest.approx([1.0, 0.9, 0.8, 0.7])
    assert h.last() == {"step": 3, "loss": pytest.approx(0.7), "score": pytest.approx(0.8)}


def test_a_row_with_other_columns_is_refused():
    h = History("loss")
    with pytest.raises(ValueError, match="columns"):
        h.append(0, {"lost": 1.0})
    with pytest.raises(ValueError, match="shape"):
        h.extend(range(2), np.zeros((2, 3)))
    assert len(h) == 0 and History("loss").last() is None


@pytest.mark.parametrize("rows", [0, 1, 499, 500, 501, 1234, 10_000])
def test_thinned_keeps_at_most_most_rows_evenly_and_always_the_latest(rows):
    h = History("x")
    h.extend(range(rows), np.arange(rows, dtype=float)[:, None])
    thin = h.thinned(most=500)
    assert len(thin["step"]) == min(rows, 500) if rows <= 500 else len(thin["step"]) <= 500
    if rows:
        assert thin["step"][-1] == rows - 1  # the newest point is always drawn
        gaps = np.diff(thin["step"])
        assert len(set(gaps.tolist())) <= 1  # evenly spaced
        assert thin["x"] == [float(s) for s in thin["step"]]


def test_state_round_trip_and_a_foreign_state_is_refused():
    h = History("loss")
    h.extend(range(3), np.ones((3, 1)))
    copy = History("loss")
    copy.load_state_dict(h.state_dict())
    assert copy.state_dict() == h.state_dict()
    with pytest.raises(ValueError, match="columns"):
        History("elbo").load_state_dict(h.state_dict())


def test_a_row_at_the_last_rows_step_replaces_it():
    """Measured again at the same step (density estimation's new K): one row per step, the new one."""
    h = History("a")
    h.append(0, {"a": 1.0})
    h.append(5, {"a": 2.0})
    h.append(5, {"a": 3.0})
    assert h["step"] == [0, 5] and h["a"] == [1.0, 3.0]
