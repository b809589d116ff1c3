"""Every scenario at several seeds: `python -m bench.scenarios [--seeds 5] [--only RUN,RUN]`.

Each scenario is run headless (`lab.scenarios.run_headless`, the page's own builder and snapshot)
at seeds 0..N-1, two processes at a time (training uses one thread each, as in the app). Prints a
table (per scenario: what each seed showed, the share of seeds showing the intended answer, the
share on which its claim holds), then one line of JSON:
- shares      per "run/scenario": {"shown": share of seeds whose run showed the intended answer
              (questions only), "holds": share of seeds on which the claim in `look_for` holds}
- min_share   the smallest of all those shares (target >= 0.8: 4 of 5 seeds)
- runs        every run: {"run", "name", "seed", "shown", "holds", "outcome"}
tests/unit/test_scenario_seeds.py runs this module on seeds 0-4 and reads that line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
from dataclasses import asdict, dataclass

import torch

from bench.common import TRAINING_THREADS
from lab.scenarios import SCENARIOS, find, run_headless


@dataclass(frozen=True)
class Measured:
    run: str
    name: str
    seed: int
    shown: int | None  # the question's choice this run showed (None: none, or no question)
    holds: bool  # the scenario's claim held on this run
    outcome: str  # what the page prints under "What happened"


def measure(run: str, name: str, seed: int) -> Measured:
    """One scenario at one seed, as its page would run it."""
    torch.set_num_threads(TRAINING_THREADS)
    scenario = find(run, name)
    snap = run_headless(scenario, seed)
    shown = scenario.question.shown(snap) if scenario.question else None
    return Measured(run, name, seed, shown, bool(scenario.holds(snap)), scenario.outcome(snap))


def _measure(job: tuple[str, str, int]) -> Measured:
    return measure(*job)


def measure_all(runs: list[str], seeds: range, processes: int = 2) -> list[Measured]:
    """Every scenario of `runs` at every seed, longest first, in `processes` fresh processes."""
    jobs = [(run, s.name, seed) for run in runs for s in SCENARIOS[run] for seed in seeds]
    jobs.sort(key=lambda job: -find(job[0], job[1]).steps)
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        return list(pool.imap(_measure, jobs))


def shares(results: list[Measured]) -> dict[str, dict[str, float]]:
    """Per "run/scenario": the share of seeds showing the intended answer and holding the claim."""
    out: dict[str, dict[str, float]] = {}
    for run, scenarios in SCENARIOS.items():
        for scenario in scenarios:
            rows = [r for r in results if r.run == run and r.name == scenario.name]
            if not rows:
                continue
            share = {"holds": sum(r.holds for r in rows) / len(rows)}
            if scenario.question:
                share["shown"] = sum(r.shown == scenario.question.answer for r in rows) / len(rows)
            out[f"{run}/{scenario.name}"] = share
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--only", default=",".join(SCENARIOS), help="runs, comma-separated")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    results = measure_all(args.only.split(","), range(args.seeds), args.processes)
    table = shares(results)
    print(f"{'scenario':36} {'answer':>6} {'shown by seed':>20} {'shown':>6} {'holds':>6}")
    for key, share in table.items():
        run, name = key.split("/")
        scenario = find(run, name)
        rows = sorted((r for r in results if r.run == run and r.name == name), key=lambda r: r.seed)
        answer = scenario.question.answer if scenario.question else "-"
        shown = " ".join("-" if r.shown is None else str(r.shown) for r in rows) if scenario.question else ""
        print(
            f"{key:36} {answer!s:>6} {shown:>20} {share.get('shown', float('nan')):6.1f} {share['holds']:6.1f}"
        )
        for r in rows:
            print(f"    seed {r.seed}: {'holds' if r.holds else 'FAILS'} · {r.outcome}")
    print(
        json.dumps(
            {
                "shares": table,
                "min_share": min(v for s in table.values() for v in s.values()),
                "runs": [asdict(r) for r in results],
            }
        )
    )


if __name__ == "__main__":
    main()
