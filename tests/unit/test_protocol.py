"""The trainer protocol, for every trainer of the lab: looking at a run never changes it, and no
step is no change (a saved run continuing exactly: tests/unit/test_saved_run.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
import torch

from lab.density_estimation import ThreeWays, ThreeWaysConfig, three_ways_snapshot
from lab.gan.figure1 import Figure1Config, figure1_runs, figure1_snapshot
from lab.gan.mnist_gan import MNIST_DEFAULTS, mnist_gan, mnist_snapshot
from lab.gan.optimal_d import (
    OPTIMUM_D_STEPS,
    DConfig,
    DTrainer,
    InnerLoopConfig,
    d_snapshot,
    d_star_snapshot,
    inner_loop_gan,
)
from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.saturation import STRONG_D, saturation_runs, triple_snapshot
from lab.gan.trainer import GANConfig
from lab.semi.trainer import SemiConfig, with_and_without
from lab.semi.views import semi_snapshot
from lab.vae.trainer import VAEConfig, VAETrainer, vae_snapshot

SMALL = {"width": 16, "depth": 1, "batch_size": 32}


def _short_schedule(trainer: Any, every: int) -> Any:
    """Evaluate every `every` steps, so a short test run crosses several evaluations (runs side by
    side in processes of their own, Figure 1's, take it from their config instead)."""
    for run in getattr(trainer, "runs", []):  # side-by-side runs
        _short_schedule(run, every)
    for part in ("gan", "vae"):  # density estimation's models
        if hasattr(trainer, part):
            _short_schedule(getattr(trainer, part), every)
    if getattr(trainer, "eval_every", None):
        trainer.eval_every = every
    return trainer


LESSONS: dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]] = {
    "playground": (lambda: toy_gan(GANConfig(**SMALL)), playground_snapshot),
    "saturation": (
        lambda: saturation_runs(dataclasses.replace(STRONG_D, d_pretrain=5, **SMALL)),
        triple_snapshot,
    ),
    "optimal_d_2d": (
        lambda: inner_loop_gan(InnerLoopConfig(d_to_optimum=True, k=OPTIMUM_D_STEPS, **SMALL)),
        lambda t: d_star_snapshot(t, n=500, size=20),
    ),
    "optimal_d_1d": (lambda: DTrainer(DConfig(width=8, batch_size=64)), d_snapshot),
    "figure1": (
        lambda: figure1_runs(Figure1Config(compare="losses", width=8, jsd_every=EVERY)),
        figure1_snapshot,
    ),
    "density_estimation": (lambda: ThreeWays(ThreeWaysConfig(components=2), grid=16), three_ways_snapshot),
    "vae_toy": (lambda: VAETrainer(VAEConfig(data="moons", likelihood="gaussian", width=16)), vae_snapshot),
    "vae_mnist": (lambda: VAETrainer(VAEConfig(width=32, batch_size=32)), vae_snapshot),
    "mnist_gan_dcgan": (
        lambda: mnist_gan(dataclasses.replace(MNIST_DEFAULTS, batch_size=16)),
        mnist_snapshot,
    ),
    "semi_gan_moons": (lambda: with_and_without(SemiConfig(batch_size=16)), semi_snapshot),
    "semi_m2_moons": (lambda: with_and_without(SemiConfig(method="m2", batch_size=16)), semi_snapshot),
    "semi_gan_mnist": (lambda: with_and_without(SemiConfig(data="mnist", batch_size=8)), semi_snapshot),
    "semi_m2_mnist": (
        lambda: with_and_without(SemiConfig(data="mnist", method="m2", batch_size=8)),
        semi_snapshot,
    ),
    "mnist_gan_mlp": (
        lambda: mnist_gan(dataclasses.replace(MNIST_DEFAULTS, architecture="mlp", width=32, batch_size=16)),
        mnist_snapshot,
    ),
}
STEPS, EVERY = 7, 3


def assert_identical(a: Any, b: Any, where: str = "state") -> None:
    """Equal bit for bit: tensors, dicts, lists and numbers, recursively."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_identical(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_identical(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and a != a:  # NaN: a column a run does not fill (labels-only runs)
        assert isinstance(b, float) and b != b, where
    else:
        assert a == b, f"{where}: {a} != {b}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_run_drawn_every_step_equals_a_run_never_drawn(lesson):
    make, look = LESSONS[lesson]
    drawn, undrawn = _short_schedule(make(), EVERY), _short_schedule(make(), EVERY)
    look(drawn)
    for _ in range(STEPS):
        drawn.step(1)
        look(drawn)
    undrawn.step(STEPS)
    assert_identical(drawn.state_dict(), undrawn.state_dict())
    evaluations = drawn.history if lesson == "optimal_d_1d" else getattr(drawn, "evals", None)
    if lesson == "figure1":
        evaluations = drawn.runs[0].evals
    if lesson == "density_estimation":
        evaluations = drawn.scores
    if evaluations is not None and lesson not in ("saturation", "optimal_d_2d"):
        assert len(evaluations) >= STEPS // EVERY  # the schedule ran, whoever looked


@pytest.mark.parametrize("lesson", LESSONS)
def test_zero_steps_change_nothing(lesson):
    """step(0) (a scenario at its first step, a caller's arithmetic) is a step like any other: none."""
    make, _ = LESSONS[lesson]
    trainer, untouched = make(), make()
    trainer.step(0)
    assert trainer.step_count == 0
    assert_identical(trainer.state_dict(), untouched.state_dict())
