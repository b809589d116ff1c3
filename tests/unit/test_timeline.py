"""The timeline: frames at fixed steps, thinned by halves, bounded in frames and bytes however long
the run; the runner records the same steps whoever steps it and how."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.trainer import GANConfig
from lab.runner import Runner
from lab.timeline import BUDGET_BYTES, MOST_FRAMES, Timeline, approx_bytes

PLAYGROUND_STEPS_PER_S = 300
"""The playground's speed alone on this machine's core (bench.gan2d): the fastest lesson."""


def _run(timeline: Timeline, steps: int, frame: object) -> None:
    """Record `frame` at every step where one is due, up to `steps` (visiting only those steps)."""
    step = 0
    while step <= steps:
        timeline.record(step, frame)
        step = timeline.next_step(step)


def test_a_thirty_minute_run_keeps_at_most_sixty_frames():
    """30 minutes of the fastest lesson (540,000 steps) with the playground's real snapshot."""
    trainer = toy_gan(GANConfig())
    trainer.step(5)
    frame = playground_snapshot(trainer)
    timeline = Timeline()
    _run(timeline, 30 * 60 * PLAYGROUND_STEPS_PER_S, frame)
    assert len(timeline) <= MOST_FRAMES
    assert timeline.nbytes == len(timeline) * approx_bytes(frame) <= BUDGET_BYTES
    assert timeline.steps[0] == 0 and timeline.steps[-1] > 30 * 60 * PLAYGROUND_STEPS_PER_S - timeline.every
    assert all(s % timeline.every == 0 for s in timeline.steps)
    gaps = np.diff(timeline.steps)
    assert set(gaps) == {timeline.every}  # evenly spread over the whole run


def test_large_frames_are_bounded_by_bytes():
    """An MNIST VAE frame is about 0.9 MB: the byte budget, not the count, bounds them."""
    frame = np.zeros(910 * 1024, dtype=np.uint8)
    timeline = Timeline()
    _run(timeline, 1_000_000, frame)
    assert timeline.nbytes <= BUDGET_BYTES
    assert len(timeline) <= BUDGET_BYTES // frame.nbytes
    assert len(timeline) >= BUDGET_BYTES // frame.nbytes // 2  # thinned by halves, not emptied


@settings(max_examples=60, deadline=None)
@given(
    most=st.integers(2, 80),
    every=st.integers(1, 50),
    visits=st.lists(st.integers(0, 5000), min_size=1, max_size=300),
)
def test_frames_sit_at_multiples_of_every_and_never_exceed_most(most, every, visits):
    timeline = Timeline(most=most, every=every)
    for step in sorted(visits):
        timeline.record(step, step)
        assert len(timeline) <= most
        assert all(s % timeline.every == 0 for s in timeline.steps)
        assert all(timeline.frame(s) == s for s in timeline.steps)


def test_the_runner_records_the_same_steps_however_it_is_stepped():
    def runner() -> Runner:
        r = Runner(toy_gan(GANConfig(width=8, depth=1, batch_size=16)), playground_snapshot)
        r.reset(r.trainer, Timeline(most=6, every=3))
        return r

    at_once, one_by_one = runner(), runner()
    at_once.step(40)
    for _ in range(40):
        one_by_one.step(1)
    assert at_once.recorded_steps() == one_by_one.recorded_steps() == [0, 12, 24, 36]
    assert at_once.frame(24).step == 24
