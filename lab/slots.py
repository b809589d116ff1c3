"""Training slots: a process-wide cap on how many runs train at once, shared out in turns.

A classroom opens one server from thirty laptops. Thirty training threads on two cores would each
crawl and fight for Python's GIL; instead at most `count` runs train at a time (one per core by
default), the others wait in line, first come first served, and a run that has trained for
`turn_seconds` while others wait hands its slot on and goes to the back of the line. So every playing
run progresses, at a fair share, and the cores are never oversubscribed. A paused, idle or stopped
run gives its slot back at once.

The number of slots is the environment variable LAB_TRAINING_SLOTS, else the number of cores this
process may run on.
"""

from __future__ import annotations

import os
import threading
import time

ENVIRONMENT_VARIABLE = "LAB_TRAINING_SLOTS"
TURN_SECONDS = 1.0
"""How long a run trains before handing its slot to one that waits."""


def default_count() -> int:
    """LAB_TRAINING_SLOTS if set (a whole number ≥ 1), else the cores this process may use."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if value:
        count = int(value)
        if count < 1:
            raise ValueError(f"{ENVIRONMENT_VARIABLE} must be at least 1, not {count}")
        return count
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


class Slots:
    """At most `count` holders at once; the others wait in a first-come, first-served line."""

    def __init__(self, count: int, turn_seconds: float = TURN_SECONDS) -> None:
        if count < 1:
            raise ValueError(f"at least one training slot is needed, not {count}")
        self.count = count
        self.turn_seconds = turn_seconds
        self._lock = threading.Lock()
        self._holders: dict[int, float] = {}  # id(owner): when its turn began
        self._line: list[int] = []  # id(owner) of those waiting, the next first

    def request(self, owner: object) -> int:
        """Ask for a slot to train with now: 0 if `owner` holds one (it may train), else its place
        in the line (1: it is next). A holder whose turn is over while others wait goes to the back."""
        key = id(owner)
        with self._lock:
            now = time.monotonic()
            if key in self._holders:
                if not self._line or now - self._holders[key] < self.turn_seconds:
                    return 0
                del self._holders[key]  # its turn is over and somebody waits: to the back
            if key not in self._line:
                self._line.append(key)
            while self._line and len(self._holders) < self.count:
                self._holders[self._line.pop(0)] = now
            return 0 if key in self._holders else self._line.index(key) + 1

    def release(self, owner: object) -> None:
        """`owner` stops training (paused, idle, stopped): its slot, or its place in line, is freed."""
        key = id(owner)
        with self._lock:
            self._holders.pop(key, None)
            if key in self._line:
                self._line.remove(key)

    def in_use(self) -> tuple[int, int]:
        """(runs training now, runs waiting in line)."""
        with self._lock:
            return len(self._holders), len(self._line)


TRAINING = Slots(default_count())
"""The process's slots, shared by every session's runs."""
