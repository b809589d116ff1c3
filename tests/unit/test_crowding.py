"""On a crowded server every live view redraws less often, in proportion to the playing runs per slot."""

import pytest

from lab.runner import RunStatus
from lab.slots import Slots
from lab.ui import live


@pytest.mark.parametrize(
    ("playing", "slots", "expected"), [(0, 2, 1), (1, 2, 1), (2, 2, 1), (3, 2, 2), (10, 1, 10)]
)
def test_crowding_is_playing_runs_per_slot_rounded_up(monkeypatch, playing, slots, expected):
    pool = Slots(slots, turn_seconds=3600)
    monkeypatch.setattr(live, "TRAINING", pool)
    owners = [object() for _ in range(playing)]
    for owner in owners:
        pool.request(owner)
    assert live.crowding() == expected
    playing_status = RunStatus(step=5, running=True, steps_per_s=10.0, error=None)
    assert live.refresh_every(playing_status, 3, live.crowding()) == pytest.approx(
        live.REFRESH_SECONDS * 3 * expected
    )
    assert live.refresh_every(RunStatus(step=5, running=False, steps_per_s=0.0, error=None), 1, 1) is None
    assert not live._crowding_changed(expected)
    assert live._crowding_changed(expected * 2)


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (0.84, "0.8 steps/s"),
        (1.0, "1.0 steps/s"),
        (9.96, "10.0 steps/s"),
        (12.4, "12 steps/s"),
        (1234.5, "1,234 steps/s"),
    ],
)
def test_the_status_lines_speed_reads_as_people_write_it(rate, text):
    """Below ten steps a second one decimal ("1 steps/s" read oddly on a slow MNIST run)."""
    assert live.steps_per_second(rate) == text
