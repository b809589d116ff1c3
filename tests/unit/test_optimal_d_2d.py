"""D against the estimated D* for a learned 2-D generator."""

import numpy as np
import pytest
import torch

from lab.gan.optimal_d import OPTIMUM_D_STEPS, InnerLoopConfig, d_star_snapshot, inner_loop_gan
from lab.plots import optimal_d as plots


def test_a_perfect_generator_gives_d_star_one_half_where_the_mass_is():
    trainer = inner_loop_gan(InnerLoopConfig(data="moons", width=16, depth=1))
    rng = torch.Generator().manual_seed(0)
    trainer.sample = lambda n, generator=None: trainer.p_data.sample(n, rng)  # G = p_data exactly
    snap = d_star_snapshot(trainer)
    assert snap.mass.sum() < snap.support.sum() < snap.mass.size
    assert snap.bandwidth == pytest.approx(0.1)
    assert np.abs(snap.d_star[snap.mass] - 0.5).mean() < 0.05


def test_a_generator_far_away_gives_d_star_near_one_on_the_data():
    trainer = inner_loop_gan(InnerLoopConfig(data="moons", width=16, depth=1))
    rng = torch.Generator().manual_seed(0)
    trainer.sample = lambda n, generator=None: trainer.p_data.sample(n, rng) + 10.0  # off the grid
    snap = d_star_snapshot(trainer)
    assert snap.d_star[snap.mass].mean() > 0.99


def test_snapshot_and_maps():
    trainer = inner_loop_gan(InnerLoopConfig(data="ring8", width=16, depth=1))
    trainer.step(5)
    snap = d_star_snapshot(trainer)
    assert snap.d.shape == snap.d_star.shape == snap.mass.shape == (60, 60)
    assert snap.step == 5 and 0 <= snap.gap <= 1
    maps = plots.d_star_maps(snap)
    assert len(maps) == 3
    assert all(m["datasets"]["image"]["url"][0].startswith("data:image/png") for m in maps)
    assert len(maps[0]["datasets"]["modes"]) == 8


def test_inner_loop_to_optimum_runs_many_d_steps():
    trainer = inner_loop_gan(InnerLoopConfig(width=16, depth=1, d_to_optimum=True, k=OPTIMUM_D_STEPS))
    calls = []
    trainer.opt_d.register_step_post_hook(lambda *_: calls.append(1))
    trainer.step(2)
    assert len(calls) == 2 * trainer.config.k == 200
