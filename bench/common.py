"""What the benchmarks share: the app's thread setting, the device option, a clock that waits for
the device, a GAN run without its scheduled evaluations, and what those evaluations cost.

Benchmarks import from `lab` only, never `lab.ui` or `tests`: what they need of those lives here
and in `bench.browser`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch

from lab.gan.trainer import GANTrainer

TRAINING_THREADS = 1
"""Intra-op threads per training run: the same as the app's per-run setting (`TRAINING_THREADS` in
lab/ui/sessions.py, which the benchmarks do not import), so that figures match what a student sees."""


def add_device_option(parser: argparse.ArgumentParser) -> None:
    """`--device`: where every model of the benchmark trains, ours and the reference alike."""
    parser.add_argument(
        "--device",
        type=torch.device,
        default=torch.device("cpu"),
        help="cpu (default: the figures in README.md) or cuda (bench/gpu.sh)",
    )


def synchronize(device: torch.device) -> None:
    """Wait until the device has done the work queued on it: CUDA runs asynchronously, so a clock
    read without this times the queueing, not the work."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def seconds(work: Callable[[], object], device: torch.device) -> float:
    """Wall-clock seconds of `work()` on `device`, its queued work included."""
    synchronize(device)
    started = time.perf_counter()
    work()
    synchronize(device)
    return time.perf_counter() - started


def without_evaluations(trainer: GANTrainer) -> GANTrainer:
    """The trainer with its scheduled evaluations off, so that `step` only trains: what is compared
    with a loop that measures nothing, or timed while the benchmark scores every model itself."""
    trainer.eval_every = None
    return trainer


@dataclass(frozen=True)
class EvalShare:
    """What one scheduled evaluation costs against the training steps between two of them."""

    eval_seconds: float  # one evaluation (median)
    train_seconds: float  # `every` training steps (median)
    every: int

    @property
    def share(self) -> float:
        """The share of a run's time spent evaluating: eval / (eval + training between two)."""
        return self.eval_seconds / (self.eval_seconds + self.train_seconds)

    @property
    def steps(self) -> float:
        """One evaluation's cost in training steps."""
        return self.eval_seconds / self.train_seconds * self.every

    def note(self) -> str:
        return f"one evaluation = {self.steps:.1f} training steps, every {self.every}; target <= 10 %"


def eval_share(
    measure: Callable[[], object],
    train: Callable[[], object],
    every: int,
    device: torch.device,
    rounds: int = 10,
) -> EvalShare:
    """Time `measure()` (one evaluation) and `train()` (`every` training steps) in alternating
    rounds, after one warm-up call of each, so that a slow moment of the machine hits both alike."""
    measure(), train()
    times: dict[str, list[float]] = {"measure": [], "train": []}
    for _ in range(rounds):
        for name, work in (("measure", measure), ("train", train)):
            times[name].append(seconds(work, device))
    return EvalShare(statistics.median(times["measure"]), statistics.median(times["train"]), every)
