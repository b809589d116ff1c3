"""Benchmark of the saturation lesson: `python -m bench.saturation`.

Prints a table, then one line of JSON with single_steps_per_s (one run of the playground's
training loop, without its scheduled evaluations: the side-by-side runs have none) and
triple_steps_per_s (the three side-by-side runs, `saturation_runs`, each in a process of its own,
`SideBySide(parallel=True)`), at the default sizes, in alternating rounds, with one intra-op thread
per run (the live app's setting), and triple_over_single, their ratio (target >= 0.5), all three
taken in calls of `APP_CHUNK` steps, as the app's runner calls `step`. The table also gives them in
calls of 300 steps (where the processes' round trips weigh less).

It also runs the lesson's strong-D setting (`STRONG_D`: SGD, D pre-trained, k = 5) for 200
generator steps: stall_update_ratio is G's total parameter update under loss (1) divided by that
under loss (2) (target <= 0.05), adam_update_ratio the same with Adam in that setting.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace

import torch

from bench.common import TRAINING_THREADS, without_evaluations
from lab.gan.playground import toy_gan
from lab.gan.saturation import (
    OPTIMIZER_LRS,
    STALL_STEPS,
    STRONG_D,
    SaturationConfig,
    saturation_runs,
    update_ratio,
)
from lab.gan.trainer import GANConfig

APP_CHUNK = 16
"""Steps per `step` call of the side-by-side runs in the app: its runner sizes a call to take about
0.05 s (`Runner.chunk_seconds`)."""


def throughput(chunk: int, rounds: int = 5, steps: int = 320) -> tuple[float, float]:
    """Median steps/s of one run and of the three side-by-side runs, stepped `chunk` steps a call."""
    single = without_evaluations(toy_gan(GANConfig(), device=torch.device("cpu")))
    triple = saturation_runs(SaturationConfig(d_pretrain=0), device=torch.device("cpu"))
    single.step(30), triple.step(30)
    rates: dict[str, list[float]] = {"single": [], "triple": []}
    for _ in range(rounds):
        for name, trainer in (("single", single), ("triple", triple)):
            started = time.perf_counter()
            for _ in range(steps // chunk):
                trainer.step(chunk)
            rates[name].append(steps // chunk * chunk / (time.perf_counter() - started))
    return statistics.median(rates["single"]), statistics.median(rates["triple"])


def stall_ratios(seeds: range = range(3)) -> dict[str, list[float]]:
    """update_ratio in the strong-D setting, with SGD (the lesson's) and with Adam, per seed."""
    ratios: dict[str, list[float]] = {"sgd": [], "adam": []}
    for optimizer, found in ratios.items():
        lr_d, lr_g = OPTIMIZER_LRS[optimizer]
        for seed in seeds:
            config = replace(STRONG_D, optimizer=optimizer, lr_d=lr_d, lr_g=lr_g, seed=seed)
            trainer = saturation_runs(config, device=torch.device("cpu"))
            trainer.step(STALL_STEPS)
            found.append(update_ratio([run.history for run in trainer.runs]))
    return ratios


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    torch.set_num_threads(TRAINING_THREADS)
    results = {chunk: throughput(chunk) for chunk in (APP_CHUNK, 320)}
    print(
        f"{'steps a call':>12} {'single steps/s':>15} {'triple steps/s':>15} {'triple/single':>14}  (target >= 0.5)"
    )
    for chunk, (single, triple) in results.items():
        print(f"{chunk:>12} {single:>15.0f} {triple:>15.0f} {triple / single:>14.2f}")
    single, triple = results[APP_CHUNK]
    stalls = stall_ratios()
    print(f"\nstrong D, first {STALL_STEPS} G steps: G's total update under (1) / under (2), seeds 0, 1, 2")
    for optimizer, ratios in stalls.items():
        print(
            f"{optimizer:>7} "
            + "  ".join(f"{r:.4f}" for r in ratios)
            + ("  (target <= 0.05)" if optimizer == "sgd" else "")
        )
    print(
        json.dumps(
            {
                "single_steps_per_s": round(single, 1),
                "triple_steps_per_s": round(triple, 1),
                "triple_over_single": round(triple / single, 3),
                "threads": TRAINING_THREADS,
                "steps_a_call": APP_CHUNK,
                "stall_update_ratio": round(stalls["sgd"][0], 5),
                "adam_update_ratio": round(stalls["adam"][0], 4),
                "stall_update_ratio_seeds": [round(r, 5) for r in stalls["sgd"]],
                "adam_update_ratio_seeds": [round(r, 4) for r in stalls["adam"]],
            }
        )
    )


if __name__ == "__main__":
    main()
