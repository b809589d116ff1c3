"""A lecture hall against the class store: 60 students answer a scenario's question within 10 s,
then 60 hand in a run, each from a thread of its own, on SQLite and on a throwaway PostgreSQL.

    python -m bench.classroom [--students 60]

Prints per store: answers and hand-ins recorded (target: every one), the 95th percentile of the
time from a student's call to its commit (target ≤ 1 s), the store's size; the last line is JSON.
Measured at the store (`lab.classroom.store`), the part every replica shares; in the app a hand-in
also saves the run first (`lab.saved_run`, as Save the run does).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.postgres import available, throwaway_postgres
from lab import saved_run
from lab.classroom.store import Store
from lab.export import key_numbers
from lab.lessons import LESSONS
from lab.timeline import Timeline

WINDOW = 10.0  # seconds in which the room answers


def a_handed_in_run() -> tuple[bytes, bytes, dict[str, float]]:
    """A real hand-in: a playground run of 50 steps as Save the run writes it, and a picture."""
    lesson = LESSONS["gan_playground"]
    trainer = lesson.build(lesson.config({}))
    trainer.step(50)
    timeline = Timeline()
    raw = saved_run.save("gan_playground", trainer, timeline, {})
    return raw, bytes(range(256)) * 200, key_numbers(trainer.state_dict())


def crowd(n: int, act: Callable[[int], None], window: float) -> list[float]:
    """`act(i)` for i < n, each in its own thread, started at random moments within `window`
    seconds; the seconds each took (its acknowledgement)."""
    took: list[float] = [0.0] * n
    start = time.monotonic()
    moments = sorted(random.uniform(0, window) for _ in range(n))

    def student(i: int) -> None:
        time.sleep(max(0.0, start + moments[i] - time.monotonic()))
        t0 = time.perf_counter()
        act(i)
        took[i] = time.perf_counter() - t0

    threads = [threading.Thread(target=student, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return took


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def measure(url: str, students: int, handin: tuple[bytes, bytes, dict[str, float]]) -> dict[str, float]:
    store = Store(url)
    code, _ = store.create_class("Bench")
    raw, picture, numbers = handin
    answers = crowd(students, lambda i: store.answer(code, f"s{i}", "saturation", "strong_d", i % 3), WINDOW)
    handins = crowd(
        students,
        lambda i: store.hand_in(code, f"s{i}", f"student {i}", "gan_playground", 50, numbers, picture, raw),
        WINDOW,
    )
    store.engine.dispose()
    again = Store(url)  # what a fresh process reads back
    return {
        "students": students,
        "answers_recorded": sum(again.tally(code, "saturation", "strong_d", 3)),
        "handins_recorded": len(again.handins(code)),
        "p95_ack_s": round(max(p95(answers), p95(handins)), 4),
        "p95_answer_s": round(p95(answers), 4),
        "p95_handin_s": round(p95(handins), 4),
        "store_mb": round(again.size() / 1e6, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    args = parser.parse_args()
    random.seed(0)
    handin = a_handed_in_run()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = measure(f"sqlite:///{Path(folder) / 'classes.db'}", args.students, handin)
    if available():
        with throwaway_postgres(durable=True) as server:
            results["postgresql"] = measure(server.url, args.students, handin)
    print(
        f"{'store':<11} {'students':>8} {'answers':>8} {'hand-ins':>8} {'p95 answer s':>13} {'p95 hand-in s':>14} {'MB':>6}"
    )
    for name, r in results.items():
        print(
            f"{name:<11} {r['students']:>8} {r['answers_recorded']:>8} {r['handins_recorded']:>8} "
            f"{r['p95_answer_s']:>13.3f} {r['p95_handin_s']:>14.3f} {r['store_mb']:>6.1f}"
        )
    print(f"hand-in: {len(handin[0]) / 1e3:.0f} kB run + {len(handin[1]) / 1e3:.0f} kB picture")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
