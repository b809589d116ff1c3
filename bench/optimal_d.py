"""Benchmark of the optimal-discriminator lesson: `python -m bench.optimal_d`.

Prints a table, then one line of JSON: the milliseconds to redraw the 2-D D* panel at its
default size (60x60 grid, 20,000 generated samples): the density estimate of p_G, D and D* on
the grid, and the three figures; and the same for the 1-D fixed-generator panel.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import torch

from bench.common import TRAINING_THREADS
from lab.gan.optimal_d import (
    GRID_SIZE,
    KDE_SAMPLES,
    DConfig,
    DTrainer,
    InnerLoopConfig,
    d_snapshot,
    d_star_snapshot,
    inner_loop_gan,
)
from lab.gan.theory import kde_on_grid
from lab.plots import optimal_d as plots


def median_ms(work: Callable[[], object], repeats: int = 15) -> float:
    work()  # warm up (and build the figure layouts once)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    torch.set_num_threads(TRAINING_THREADS)
    gan = inner_loop_gan(InnerLoopConfig(), device=torch.device("cpu"))
    gan.step(200)
    samples = gan.sample(KDE_SAMPLES, torch.Generator().manual_seed(0)).numpy()
    axis = d_star_snapshot(gan).axis
    one_d = DTrainer(DConfig())
    one_d.step(200)
    rows = {
        "kde_ms": median_ms(lambda: kde_on_grid(samples, axis, 0.1)),
        "dstar_view_ms": median_ms(lambda: d_star_snapshot(gan)),
        "dstar_panel_ms": median_ms(lambda: plots.d_star_maps(d_star_snapshot(gan))),
        "fixed_generator_panel_ms": median_ms(
            lambda: [
                f(d_snapshot(one_d)) for f in (plots.densities_chart, plots.gap_chart, plots.value_chart)
            ]
        ),
    }
    notes = {
        "kde_ms": f"binned KDE of {KDE_SAMPLES:,} samples on {GRID_SIZE}x{GRID_SIZE} (target well under 100)",
        "dstar_view_ms": "d_star_snapshot: sample G, KDE, p_data and D on the grid, D*",
        "dstar_panel_ms": "the whole 2-D snapshot and the 3 maps",
        "fixed_generator_panel_ms": "1-D snapshot (400-point grid) and its 3 figures",
    }
    print(f"{'measure':<26} {'ms':>8}  note")
    for name, value in rows.items():
        print(f"{name:<26} {value:>8.1f}  {notes[name]}")
    print(json.dumps({k: round(v, 2) for k, v in rows.items()}))


if __name__ == "__main__":
    main()
