"""The background runner: play, pause, step, reset, live updates, errors, and no orphan threads."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import lab.runner as runner_module
from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.trainer import GANConfig
from lab.protocol import TrainingDiverged
from lab.runner import Runner


class CountingTrainer:
    """A stand-in trainer: counts steps, can be told to diverge at a given step."""

    device = "cpu"

    def __init__(self, config=None, diverge_at=None):
        self.config = config
        self.step_count = 0
        self.diverge_at = diverge_at
        self.snapshots = 0

    def step(self, n=1):
        for _ in range(n):
            self.step_count += 1
            if self.step_count == self.diverge_at:
                raise TrainingDiverged(f"the losses became NaN at step {self.step_count}")
            time.sleep(0.0005)
        return {"step": self.step_count}

    def snapshot(self):
        self.snapshots += 1
        return {"step": self.step_count}

    def update(self, config):
        self.config = config


def _wait_for(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("target", [1, 7, 500])
def test_play_until_stops_exactly_at_the_target_and_draws_it(target):
    runner = Runner(CountingTrainer(), CountingTrainer.snapshot, snapshot_seconds=0.05)
    try:
        runner.play_until(target)
        assert _wait_for(lambda: not runner.status().running)
        assert runner.status().step == target and runner.snapshot() == {"step": target}
        runner.play_until(target)  # already there: nothing to do
        assert not runner.status().running and runner.status().step == target
    finally:
        runner.stop()


class SlowLookTrainer(CountingTrainer):
    """A run whose picture takes a while to compute (a density estimate, a scoring)."""

    def snapshot(self):
        time.sleep(0.3)
        return super().snapshot()


def test_a_run_that_stopped_at_its_target_shows_that_step_as_soon_as_its_status_says_so():
    """A scenario's verdict is judged on the snapshot once the status says "stopped at step N": the
    snapshot then shows step N, even while the training thread is still computing it."""
    runner = Runner(SlowLookTrainer(), SlowLookTrainer.snapshot, snapshot_seconds=0.0)
    try:
        runner.snapshot()  # a picture at step 0 is already there: the page has drawn the run once
        runner.play_until(300)
        assert _wait_for(lambda: not runner.status().running)
        assert runner.snapshot() == {"step": 300}
    finally:
        runner.stop()


def test_a_paused_run_shows_the_step_it_paused_at():
    """While it plays, the picture may lag (here it is ordered once a minute); paused, it does not."""
    runner = Runner(CountingTrainer(), CountingTrainer.snapshot, snapshot_seconds=60.0)
    try:
        runner.snapshot()
        runner.play()
        assert _wait_for(lambda: runner.status().step > 50)
        runner.pause()
        assert runner.snapshot() == {"step": runner.status().step}
    finally:
        runner.stop()


def test_play_trains_in_the_background_and_pause_stops():
    runner = Runner(CountingTrainer(), CountingTrainer.snapshot, snapshot_seconds=0.05)
    try:
        runner.play()
        assert _wait_for(lambda: runner.status().step > 50)
        assert runner.status().running
        runner.pause()
        time.sleep(0.1)
        paused_at = runner.status().step
        time.sleep(0.2)
        assert runner.status().step == paused_at
        assert not runner.status().running
        assert runner.snapshot()["step"] == paused_at
    finally:
        runner.stop()
    assert not runner.thread_alive


def test_step_advances_exactly_and_refreshes_the_snapshot():
    runner = Runner(CountingTrainer(), CountingTrainer.snapshot)
    runner.step(7)
    assert runner.status().step == 7
    assert runner.snapshot() == {"step": 7}
    assert not runner.thread_alive  # stepping by hand needs no thread


def test_reset_replaces_the_run():
    runner = Runner(CountingTrainer(), CountingTrainer.snapshot)
    runner.step(5)
    runner.reset(CountingTrainer())
    assert runner.status().step == 0 and runner.snapshot() == {"step": 0}


def test_update_reaches_the_trainer():
    runner = Runner(CountingTrainer(config="old"), CountingTrainer.snapshot)
    runner.update("new")
    assert runner.trainer.config == "new"


def test_divergence_pauses_with_a_message():
    runner = Runner(CountingTrainer(diverge_at=30), CountingTrainer.snapshot)
    try:
        runner.play()
        assert _wait_for(lambda: runner.status().error is not None)
        status = runner.status()
        assert not status.running and "NaN" in status.error
        runner.play()  # refused until reset
        assert not runner.status().running
        runner.reset(CountingTrainer())
        assert runner.status().error is None
    finally:
        runner.stop()


def test_thread_ends_by_itself_when_nobody_looks():
    runner = Runner(CountingTrainer(), CountingTrainer.snapshot, idle_seconds=0.3)
    runner.play()
    assert runner.thread_alive
    assert _wait_for(lambda: not runner.thread_alive, seconds=3)
    # nobody polled, so the run paused itself; a page that comes back sees it paused
    assert not runner.status().running


def test_stop_ends_the_thread_at_once():
    runner = Runner(CountingTrainer(), CountingTrainer.snapshot)
    runner.play()
    assert _wait_for(lambda: runner.status().step > 0)
    runner.stop()
    assert not runner.thread_alive


@pytest.mark.timeout(60)
def test_runs_a_real_gan():
    runner = Runner(toy_gan(GANConfig(width=32, depth=2)), playground_snapshot, snapshot_seconds=0.1)
    try:
        runner.play()
        assert _wait_for(lambda: runner.status().step >= 50, seconds=20)
        assert _wait_for(lambda: runner.status().steps_per_s > 0, seconds=5)
        snap = runner.snapshot()
        assert snap.step > 0 and snap.fake.shape[1] == 2
    finally:
        runner.stop()


def test_any_error_in_the_thread_pauses_with_a_message():
    class Broken(CountingTrainer):
        def step(self, n=1):
            raise KeyError("a bug")

    runner = Runner(Broken(), CountingTrainer.snapshot)
    try:
        runner.play()
        assert _wait_for(lambda: runner.status().error is not None)
        assert "KeyError" in runner.status().error and not runner.status().running
    finally:
        runner.stop()


@pytest.mark.parametrize(("setting", "niceness"), [(None, 10), ("0", 0), ("3", 3)])
def test_the_training_niceness_is_10_unless_the_environment_says_otherwise(setting, niceness):
    """What a fresh `streamlit run app.py` reads: 10 with nothing set (these tests set 0 in conftest)."""
    env = {k: v for k, v in os.environ.items() if k != "LAB_TRAINING_NICENESS"}
    if setting is not None:
        env["LAB_TRAINING_NICENESS"] = setting
    read = subprocess.run(
        [sys.executable, "-c", "from lab.runner import TRAINING_NICENESS; print(TRAINING_NICENESS)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert int(read.stdout) == niceness


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="niceness is a Unix thing")
def test_training_threads_run_below_the_pages_threads(monkeypatch):
    monkeypatch.setattr(runner_module, "TRAINING_NICENESS", 10)  # the app's (the tests run at 0: conftest)
    seen = []

    class Watching(CountingTrainer):
        def step(self, n=1):
            seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            return super().step(n)

    page_priority = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    runner = Runner(Watching(), CountingTrainer.snapshot)
    try:
        runner.play()
        assert _wait_for(lambda: len(seen) > 0)
    finally:
        runner.stop()
    assert seen[0] == min(19, page_priority + 10)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == page_priority
