"""A background training run that a page polls for snapshots.

The training loop lives in a plain thread that never touches streamlit. The page calls
`play`, `pause`, `step`, `reset`, `update` and reads `snapshot()` / `status()`; every call
that the page makes also counts as a heartbeat. When nobody has looked for `idle_seconds`
(the browser tab was closed), the thread pauses the run and exits by itself; `stop()` ends
it at once (the page calls it when its session ends). No thread outlives its page.

A playing run trains only while it holds one of the process's training slots (`lab.slots`): on
a crowded server it waits in line, and its status says where.

Any trainer works that follows `Trainer`; the page hands the runner a `look` function, trainer ->
snapshot, which only reads the trainer (looking never changes a run). The runner records the
run's `timeline` with it: a snapshot at step 0 and every `timeline.every` steps, whoever watches.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from lab.protocol import Trainer
from lab.slots import TRAINING, Slots
from lab.timeline import Timeline

log = logging.getLogger("lab")


@dataclass(frozen=True)
class RunStatus:
    step: int
    running: bool
    steps_per_s: float
    error: str | None
    waiting: int = 0  # while playing: its place in the line for a training slot (0: it trains)
    idle_paused: bool = False  # paused by itself because nobody watched it


class Runner:
    """Runs `trainer.step` in a background thread while `playing`; keeps the latest snapshot."""

    def __init__(
        self,
        trainer: Trainer,
        look: Callable[[Any], Any],
        chunk_seconds: float = 0.05,
        snapshot_seconds: float = 0.2,
        idle_seconds: float = 20.0,
        name: str = "run",
        slots: Slots | None = None,
    ) -> None:
        self.name = name  # the page's name for the run (its widgets' keys start with it)
        self.chunk_seconds = chunk_seconds
        self.snapshot_seconds = snapshot_seconds
        self.idle_seconds = idle_seconds
        self._slots = TRAINING if slots is None else slots
        self._waiting = 0  # place in the slots' line, 0 while training or paused
        self._idle_paused = False
        self._lock = threading.RLock()  # guards the trainer and everything below
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._trainer = trainer
        self._look = look
        self._playing = False
        self._until: int | None = None  # play_until's target step
        self._error: str | None = None
        self._snapshot: tuple[int, Any] | None = None  # (the step it shows, the snapshot): one attribute
        self._wanted = False  # the page asked for a snapshot since the last one
        self._chunk = 1
        self._rate = (time.monotonic(), trainer.step_count, 0.0)  # (time, step, steps/s)
        self._snapshot_time = 0.0
        self._last_seen = time.monotonic()
        self._timeline = Timeline()

    # --------------------------------------------------------------------- page-side calls
    @property
    def trainer(self) -> Trainer:
        return self._trainer

    def play(self) -> None:
        """Train continuously in the background."""
        with self._lock:
            if self._error is None:
                self._playing, self._idle_paused = True, False
        self._touch()

    def play_until(self, step: int) -> None:
        """Train in the background until the run reaches `step`, then pause (a scenario's run)."""
        with self._lock:
            if self._error is None and self._trainer.step_count < step:
                self._playing, self._until, self._idle_paused = True, step, False
        self._touch()

    def pause(self) -> None:
        with self._lock:
            self._playing, self._until = False, None
        self._touch()

    def step(self, n: int = 1) -> None:
        """Pause, then advance exactly n steps now, in the caller's thread."""
        with self._lock:
            self._playing, self._until = False, None
            self._train(n)
            self._refresh_snapshot()
        self._touch()

    def manual(self, act: Callable[[Any], Any]) -> Any:
        """Pause, then `act(trainer)` now, in the caller's thread, under the run's lock: a step by
        hand (D only, G only, one sub-step of slow motion). Its result; None if it failed (the run
        then shows the error, as a diverged run does)."""
        with self._lock:
            self._playing, self._until = False, None
            result = None
            if self._error is None:
                try:
                    result = act(self._trainer)
                    self._record()
                except Exception as err:  # a diverged run or anything else: pause, say it
                    self._fail(err)
            self._refresh_snapshot()
        self._touch()
        return result

    def reset(self, trainer: Trainer, timeline: Timeline | None = None, pause: bool = False) -> None:
        """Replace the run by a fresh trainer (paused state and error cleared, playing kept unless
        `pause`), or by a loaded one with its `timeline`."""
        with self._lock:
            if pause:
                self._playing, self._until = False, None
            self._trainer = trainer
            self._timeline = Timeline() if timeline is None else timeline
            self._error = None
            self._snapshot = None
            self._chunk = 1
            self._rate = (time.monotonic(), trainer.step_count, 0.0)
            self._snapshot_time = 0.0
        self._touch()

    def update(self, config: Any) -> None:
        """Hand new live hyper-parameters to the trainer without losing the run."""
        with self._lock:
            self._trainer.update(config)
            self._snapshot = None  # what is drawn may depend on them (p_G in the D* lesson)
        self._touch()

    def snapshot(self) -> Any:
        """The latest snapshot; while the run plays it may be a chunk behind, once it stopped it shows
        the step the status says (computed now if it does not yet).

        Asking also orders a fresh one from the training thread, for the next call: snapshots
        are only computed as often as somebody looks at them. While the run plays, asking never
        waits for a training chunk (a chunk that measures can hold the run for a second).
        """
        self._touch()
        self._wanted = True
        latest = self._snapshot
        if latest is not None and (self._playing or latest[0] == self._trainer.step_count):
            return latest[1]
        with self._lock:  # stopped (by itself at its target step, say) since the last snapshot
            if self._snapshot is None or self._snapshot[0] != self._trainer.step_count:
                self._refresh_snapshot()
            return self._snapshot[1]

    def read(self, look: Callable[[Any], Any]) -> Any:
        """`look(trainer)` now, under the run's lock: a consistent view between two training chunks
        (for what a page computes on demand, beside the snapshot)."""
        self._touch()
        with self._lock:
            return look(self._trainer)

    def recorded_count(self) -> int:
        """How many frames the timeline holds, read without waiting for a training chunk."""
        return len(self._timeline)

    def recorded_steps(self) -> list[int]:
        """The steps the timeline holds a frame of."""
        self._touch()
        with self._lock:
            return self._timeline.steps

    def frame(self, step: int) -> Any:
        """What the run showed at a recorded `step`."""
        self._touch()
        with self._lock:
            return self._timeline.frame(step)

    def read_run(self, look: Callable[[Any, Timeline], Any]) -> Any:
        """`look(trainer, timeline)` now, under the run's lock (saving or exporting the run)."""
        self._touch()
        with self._lock:
            return look(self._trainer, self._timeline)

    def status(self) -> RunStatus:
        """Where the run is now, read without waiting for a training chunk: each field is one
        attribute the training thread replaces whole."""
        self._touch()
        playing = self._playing
        return RunStatus(
            step=self._trainer.step_count,
            running=playing,
            steps_per_s=self._rate[2] if playing else 0.0,
            error=self._error,
            waiting=self._waiting if playing else 0,
            idle_paused=self._idle_paused and not playing,
        )

    def stop(self) -> None:
        """End the background thread now (the run itself is kept, paused)."""
        with self._lock:
            self._playing = False
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def close(self) -> None:
        """Stop for good (the session is gone): end the thread and let go of the trainer, its
        timeline and snapshot, so that their memory can be freed."""
        self.stop()
        with self._lock:
            self._trainer = _Closed(self._trainer.config, self._trainer.device, self._trainer.step_count)
            self._timeline = Timeline()
            self._snapshot = None

    @property
    def thread_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ----------------------------------------------------------------------- the thread
    def _touch(self) -> None:
        """A heartbeat from the page; (re)starts the thread when a run should be going."""
        self._last_seen = time.monotonic()
        if self._playing and not self.thread_alive and not self._stop.is_set():
            self._thread = threading.Thread(target=self._loop, name="lab-runner", daemon=True)
            self._thread.start()
        self._wake.set()

    def _loop(self) -> None:
        _lower_priority()
        try:
            self._play()
        finally:
            self._slots.release(self)
            self._waiting = 0

    def _play(self) -> None:
        while not self._stop.is_set():
            if time.monotonic() - self._last_seen > self.idle_seconds:
                with self._lock:
                    if self._playing:  # nobody is watching: pause and let the thread end
                        self._playing, self._until, self._idle_paused = False, None, True
                return
            if not self._playing:
                self._slots.release(self)
                self._waiting = 0
                self._wake.wait(timeout=0.5)
                self._wake.clear()
                continue
            self._waiting = self._slots.request(self)
            if self._waiting:
                self._wake.wait(timeout=0.05)
                self._wake.clear()
                continue
            with self._lock:
                if not self._playing:
                    continue
                chunk = (
                    self._chunk
                    if self._until is None
                    else min(self._chunk, self._until - self._trainer.step_count)
                )
                started = time.monotonic()
                self._train(chunk)
                elapsed = time.monotonic() - started
                if self._until is not None and self._trainer.step_count >= self._until:
                    self._playing, self._until = False, None
                    self._wanted, self._snapshot_time = True, 0.0  # draw the target step itself, below
                # Size the next chunk so that each holds the lock for about chunk_seconds.
                per_step = elapsed / max(chunk, 1)
                self._chunk = max(1, min(1000, int(self.chunk_seconds / max(per_step, 1e-6))))
                self._measure_rate()
                if self._wanted and time.monotonic() - self._snapshot_time >= self.snapshot_seconds:
                    try:
                        self._refresh_snapshot()
                    except Exception as err:
                        self._fail(err)
            time.sleep(0)  # let the page's thread take the lock between chunks

    def _train(self, n: int) -> None:
        """Advance n steps, stopping at each step the timeline records; a diverged run turns into a
        paused one with a message."""
        if self._error is not None:
            return
        try:
            self._record()  # step 0, before the first step
            goal = self._trainer.step_count + n
            while self._trainer.step_count < goal:
                now = self._trainer.step_count
                self._trainer.step(min(goal, self._timeline.next_step(now)) - now)
                if self._trainer.step_count == now:
                    raise RuntimeError(f"{type(self._trainer).__name__}.step made no step")
                self._record()
        except Exception as err:  # a diverged run (TrainingDiverged) or anything else: pause, say it
            self._fail(err)

    def _fail(self, err: Exception) -> None:
        """Pause the run with a message the page shows (never a dead thread that looks alive); the
        traceback goes to the server's log."""
        log.error("run %r stopped at step %d", self.name, self._trainer.step_count, exc_info=err)
        self._error = failure_message(err)
        self._playing, self._until = False, None

    def _measure_rate(self, every: float = 0.5) -> None:
        """Steps per second over the last `every` seconds or more."""
        now = time.monotonic()
        then, step_then, rate = self._rate
        if now - then >= every:
            rate = (self._trainer.step_count - step_then) / (now - then)
            self._rate = (now, self._trainer.step_count, rate)

    def _record(self) -> None:
        """A frame for the timeline, if one belongs at this step."""
        if self._timeline.due(self._trainer.step_count):
            self._timeline.record(self._trainer.step_count, self._look(self._trainer))

    def _refresh_snapshot(self) -> None:
        self._snapshot_time = time.monotonic()
        self._snapshot = (self._trainer.step_count, self._look(self._trainer))
        self._wanted = False


TRAINING_NICENESS = int(os.environ.get("LAB_TRAINING_NICENESS", 10))
"""How much lower than the pages' threads a training thread runs (Unix niceness, added): when a
student moves a slider, the page's answer comes first and training takes what the pages leave.
`LAB_TRAINING_NICENESS=0` trains at the pages' priority (the tests do: they wait on training)."""


def _lower_priority() -> None:
    """Lower the calling thread's scheduling priority (Linux: niceness is per thread)."""
    try:
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + TRAINING_NICENESS))
    except (AttributeError, OSError):  # not Linux, or not allowed: keep the default priority
        pass


@dataclass(frozen=True)
class _Closed:
    """What is left of a closed run's trainer: what it was, not its networks."""

    config: Any
    device: Any
    step_count: int


def failure_message(err: Exception) -> str:
    """What the page says about an exception that stopped a run."""
    if isinstance(err, torch.cuda.OutOfMemoryError):
        torch.cuda.empty_cache()
        return "the GPU ran out of memory: lower the batch size or the network's width"
    if isinstance(err, MemoryError):
        return "the server ran out of memory: lower the batch size or the network's width"
    if isinstance(err, RuntimeError | ValueError):
        return str(err)
    return f"{type(err).__name__}: {err}"
