"""Every scenario's claim, and every question's intended answer, on most seeds: run headless at
seeds 0-4 (`lab.scenarios.run_headless`, the page's builder and snapshot), two processes at a time.

A claim that holds at seed 0 by a hair will not hold in a student's lecture hall: each must hold,
and each question's run must show its intended answer, on at least 4 of the 5 seeds (the claims'
bounds leave room for another CPU's floating point; `python -m bench.scenarios` prints the table).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.scenarios import Measured
from lab.scenarios import SCENARIOS

# the module's runs take ~10 minutes on two cores, all in the first test's setup: not in the fast lane
pytestmark = [pytest.mark.timeout(2400), pytest.mark.slow]
SEEDS = range(5)
AT_LEAST = 4
CASES = [(run, s) for run, scenarios in SCENARIOS.items() for s in scenarios]


@pytest.fixture(scope="module")
def measured():
    """Every scenario at every seed, once for the module: `python -m bench.scenarios` in a process of
    its own (its two worker processes then start from a plain interpreter, not from this one)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.scenarios", "--seeds", str(len(SEEDS))],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    by_scenario: dict[tuple[str, str], list[Measured]] = {}
    for row in json.loads(done.stdout.strip().splitlines()[-1])["runs"]:
        m = Measured(**row)
        by_scenario.setdefault((m.run, m.name), []).append(m)
    return {key: sorted(rows, key=lambda m: m.seed) for key, rows in by_scenario.items()}


@pytest.mark.parametrize(("run", "scenario"), CASES, ids=[f"{r}-{s.name}" for r, s in CASES])
def test_the_claim_holds_on_most_seeds(measured, run, scenario):
    rows = measured[(run, scenario.name)]
    assert [r.seed for r in rows] == list(SEEDS)
    held = [r for r in rows if r.holds]
    assert len(held) >= AT_LEAST, "\n".join(f"seed {r.seed}: {r.outcome}" for r in rows if not r.holds)


@pytest.mark.parametrize(
    ("run", "scenario"),
    [(r, s) for r, s in CASES if s.question],
    ids=[f"{r}-{s.name}" for r, s in CASES if s.question],
)
def test_the_run_shows_the_intended_answer_on_most_seeds(measured, run, scenario):
    rows = measured[(run, scenario.name)]
    shown = [r.shown for r in rows]
    assert sum(s == scenario.question.answer for s in shown) >= AT_LEAST, (shown, [r.outcome for r in rows])
