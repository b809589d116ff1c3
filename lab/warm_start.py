"""Trained runs shipped with the lab, so that a class need not wait: the long scenarios' runs at
seed 0, trained to the scenario's step and saved as any run is saved (`lab.saved_run`). A scenario
that has one offers "Jump to the trained run" beside "Run it": the file is read by the same safe
loader as a student's upload, and the run goes on from there when Play is pressed.

The files are made, reproducibly, by

    python -m lab.warm_start

which trains each run of `SHIPPED` at seed 0 exactly as its page would
(`lab.lessons.LESSONS`, the timeline recorded as the page records it) and writes it to `FOLDER`.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from lab import saved_run
from lab.lessons import LESSONS
from lab.runner import Runner
from lab.saved_run import LoadedRun
from lab.scenarios import Scenario, find
from lab.timeline import Timeline

FOLDER = Path(__file__).parent / "trained"
"""Where the trained runs live, one file per scenario: `<run>-<scenario>.labrun`."""

SHIPPED = (
    ("mnist_gan", "stable"),
    ("mnist_gan", "loss_one"),
    ("mnist_gan", "unstable"),
    ("gan_playground", "grid25"),
    ("semi_supervised", "three"),
    ("semi_supervised", "one"),
    ("semi_supervised", "many"),
)
"""(run, scenario name) of every trained run shipped: those a class would wait for (MNIST on two
cores runs 4 to 16 steps a second beside a browser; the grid of 25 takes 10,000 steps; the
semi-supervised scenarios, two runs side by side to 1,000 steps, some twenty seconds)."""

BUDGET_BYTES = 20 * 2**20
"""The most the shipped files may weigh together."""

SEED = 0

FRAMES = 6
"""Frames kept of a shipped run's timeline: enough to rewind through its progress, within the budget."""


def path(run: str, name: str) -> Path:
    return FOLDER / f"{run}-{name}{saved_run.SUFFIX}"


def available(run: str, name: str) -> bool:
    """Whether the lab ships a trained run of this scenario."""
    return (run, name) in SHIPPED and path(run, name).is_file()


def load(run: str, name: str) -> LoadedRun:
    """The shipped run of a scenario, through the safe loader (RunFileError if it cannot be read)."""
    return saved_run.load(path(run, name).read_bytes(), run)


def make(run: str, scenario: Scenario) -> bytes:
    """The scenario's run at seed `SEED`, trained to `scenario.steps` as the page trains
    it (the timeline recorded on the way, `FRAMES` of it kept), saved with the scenario's controls (every other control
    at its default, the seed's default being 0)."""
    lesson = LESSONS[run]
    trainer = lesson.build(replace(scenario.config, seed=SEED))
    runner = Runner(trainer, lesson.look, name=run)
    runner.reset(trainer, Timeline(most=FRAMES))
    runner.step(scenario.steps)
    if runner.status().error:
        raise RuntimeError(f"{run}/{scenario.name}: {runner.status().error}")
    raw = runner.read_run(lambda t, timeline: saved_run.save(run, t, timeline, dict(scenario.controls)))
    runner.close()
    return raw


def main() -> None:
    os.environ.setdefault("LAB_OFFLINE", "1")  # MNIST: the 4,000 training digits every machine has
    FOLDER.mkdir(exist_ok=True)
    total = 0
    print(f"{'run':<16} {'scenario':<10} {'steps':>7} {'MB':>6} {'seconds':>8}  claim holds")
    for run, name in SHIPPED:
        scenario = find(run, name)
        assert scenario is not None, (run, name)
        start = time.perf_counter()
        raw = make(run, scenario)
        path(run, name).write_bytes(raw)
        total += len(raw)
        loaded = load(run, name)
        trainer = loaded.build(LESSONS[run].build)
        holds = scenario.holds(LESSONS[run].look(trainer))
        print(
            f"{run:<16} {name:<10} {scenario.steps:>7,} {len(raw) / 2**20:>6.2f} "
            f"{time.perf_counter() - start:>8.1f}  {holds}"
        )
    print(f"total {total / 2**20:.2f} MB of {BUDGET_BYTES / 2**20:.0f} MB")
    if total > BUDGET_BYTES:
        sys.exit("over the budget")


if __name__ == "__main__":
    main()
