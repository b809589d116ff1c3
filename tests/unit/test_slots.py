"""Training slots: the cap queues runs in order, frees slots on pause, and shares them in turns."""

import logging
import time

import pytest
import torch

from lab.runner import Runner
from lab.slots import ENVIRONMENT_VARIABLE, Slots, default_count
from tests.unit.test_runner import CountingTrainer, _wait_for


def test_the_line_is_first_come_first_served():
    slots = Slots(2, turn_seconds=60)
    a, b, c, d = (object() for _ in range(4))
    assert [slots.request(x) for x in (a, b, c, d)] == [0, 0, 1, 2]
    assert slots.request(d) == 2 and slots.request(c) == 1  # asking again keeps one's place
    slots.release(a)
    assert slots.request(d) == 1  # the slot went to c, the first in line
    assert slots.request(c) == 0
    assert slots.in_use() == (2, 1)
    slots.release(d)  # leaving the line
    assert slots.in_use() == (2, 0)


def test_a_turn_ends_only_when_somebody_waits():
    slots = Slots(1, turn_seconds=0.2)
    a, b = object(), object()
    assert slots.request(a) == 0
    time.sleep(0.25)
    assert slots.request(a) == 0  # its turn is over, but nobody waits: a keeps training
    assert slots.request(b) == 1
    assert slots.request(a) == 1  # somebody waits now: b trains, a goes to the back
    assert slots.request(b) == 0
    assert slots.request(a) == 1  # b's turn has only begun


def test_the_count_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "3")
    assert default_count() == 3
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "0")
    with pytest.raises(ValueError, match="at least 1"):
        default_count()
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    assert default_count() >= 1


def test_the_cap_queues_a_run_and_starts_it_when_a_slot_frees():
    slots = Slots(1, turn_seconds=3600)
    first = Runner(CountingTrainer(), CountingTrainer.snapshot, slots=slots)
    second = Runner(CountingTrainer(), CountingTrainer.snapshot, slots=slots)
    try:
        first.play()
        assert _wait_for(lambda: first.status().step > 0)
        second.play()
        assert _wait_for(lambda: second.status().waiting == 1)
        time.sleep(0.3)
        status = second.status()
        assert status.running and status.step == 0  # playing, but waiting in line
        first.pause()  # a paused run gives its slot back
        assert _wait_for(lambda: second.status().step > 0)
        assert second.status().waiting == 0
        first.play()
        assert _wait_for(lambda: first.status().waiting == 1)
    finally:
        first.stop()
        second.stop()
    assert slots.in_use() == (0, 0)  # stopped runs hold nothing


def test_turns_let_every_playing_run_progress():
    slots = Slots(1, turn_seconds=0.1)
    runners = [Runner(CountingTrainer(), CountingTrainer.snapshot, slots=slots) for _ in range(3)]
    try:
        for runner in runners:
            runner.play()
        time.sleep(1.5)
        steps = [runner.status().step for runner in runners]
    finally:
        for runner in runners:
            runner.stop()
    assert min(steps) > 0.3 * max(steps), steps


def test_an_idle_run_gives_its_slot_back_and_says_why_it_paused():
    slots = Slots(1, turn_seconds=3600)
    runner = Runner(CountingTrainer(), CountingTrainer.snapshot, slots=slots, idle_seconds=0.3)
    runner.play()
    assert _wait_for(lambda: slots.in_use() == (1, 0))
    assert _wait_for(lambda: not runner.thread_alive, seconds=3)  # nobody polled it
    assert slots.in_use() == (0, 0)
    status = runner.status()
    assert not status.running and status.idle_paused
    runner.play()
    assert not runner.status().idle_paused
    runner.stop()


def test_an_error_in_the_thread_is_logged_and_shown(caplog):
    class Broken(CountingTrainer):
        def step(self, n=1):
            raise KeyError("a bug")

    runner = Runner(Broken(), CountingTrainer.snapshot, name="broken_page")
    with caplog.at_level(logging.ERROR, logger="lab"):
        runner.play()
        assert _wait_for(lambda: runner.status().error is not None)
        runner.stop()
    assert "KeyError" in runner.status().error
    record = next(r for r in caplog.records if "broken_page" in r.getMessage())
    assert record.exc_info is not None and record.exc_info[0] is KeyError


def test_running_out_of_gpu_memory_says_what_to_lower():
    class TooBig(CountingTrainer):
        def step(self, n=1):
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")

    runner = Runner(TooBig(), CountingTrainer.snapshot)
    runner.step()
    assert "GPU ran out of memory" in runner.status().error
    assert "batch size" in runner.status().error


def test_closing_lets_go_of_the_trainer():
    import weakref

    trainer = CountingTrainer()
    gone = weakref.ref(trainer)
    runner = Runner(trainer, CountingTrainer.snapshot)
    runner.play()
    assert _wait_for(lambda: runner.status().step > 0)
    del trainer
    runner.close()
    assert not runner.thread_alive
    import gc

    gc.collect()
    assert gone() is None
    assert runner.status().step > 0  # what it was is still known
