"""Benchmark of the saturation lesson: `python -m bench.saturation`.

Prints a table, then one line of JSON with single_steps_per_s (one run of the playground's
trainer) and triple_steps_per_s (the three side-by-side runs, batched in one trainer), measured
in this process at the default sizes, in alternating rounds. The JSON line is at torch's default
thread count; the table also gives the figures at one thread (the live app's setting).
"""

from __future__ import annotations

import json
import statistics
import time

import torch

from lab.gan.saturation import SaturationTrainer
from lab.gan.trainer import GANConfig, GANTrainer


def throughput(rounds: int = 5, steps: int = 300) -> tuple[float, float]:
    """Median steps/s of one run and of the batched three runs."""
    single = GANTrainer(GANConfig(), device=torch.device("cpu"))
    triple = SaturationTrainer(GANConfig(d_pretrain=0), device=torch.device("cpu"))
    single.step(30), triple.step(30)
    rates: dict[str, list[float]] = {"single": [], "triple": []}
    for _ in range(rounds):
        for name, trainer in (("single", single), ("triple", triple)):
            started = time.perf_counter()
            trainer.step(steps)
            rates[name].append(steps / (time.perf_counter() - started))
    return statistics.median(rates["single"]), statistics.median(rates["triple"])


def main() -> None:
    default_threads = torch.get_num_threads()
    results = {}
    for threads in sorted({1, default_threads}):
        torch.set_num_threads(threads)
        results[threads] = throughput()
    print(
        f"{'threads':>7} {'single steps/s':>15} {'triple steps/s':>15} {'triple/single':>14}  (target >= 0.5)"
    )
    for threads, (single, triple) in results.items():
        print(f"{threads:>7} {single:>15.0f} {triple:>15.0f} {triple / single:>14.2f}")
    single, triple = results[default_threads]
    print(
        json.dumps(
            {
                "single_steps_per_s": round(single, 1),
                "triple_steps_per_s": round(triple, 1),
                "threads": default_threads,
            }
        )
    )


if __name__ == "__main__":
    main()
