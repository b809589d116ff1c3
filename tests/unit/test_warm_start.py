"""The trained runs shipped with the lab (lab/trained, made by `python -m lab.warm_start`): each loads
through the safe loader as its scenario's run at seed 0 and step, shows what the scenario claims and
the answer most seeds show, and all fit the budget."""

from dataclasses import replace

import pytest

from lab import saved_run, warm_start
from lab.lessons import LESSONS
from lab.scenarios import find


@pytest.mark.parametrize(("run", "name"), warm_start.SHIPPED, ids=[f"{r}-{n}" for r, n in warm_start.SHIPPED])
def test_a_shipped_run_is_its_scenarios_run_at_its_step_and_shows_its_claim(run, name):
    scenario = find(run, name)
    assert warm_start.available(run, name)
    loaded = warm_start.load(run, name)
    assert loaded.config == replace(scenario.config, seed=warm_start.SEED)
    assert loaded.controls == dict(scenario.controls)
    trainer = loaded.build(LESSONS[run].build)
    assert trainer.step_count == scenario.steps
    snap = LESSONS[run].look(trainer)
    assert scenario.holds(snap), scenario.outcome(snap)
    if scenario.question:
        assert scenario.question.shown(snap) == scenario.question.answer
    assert loaded.timeline.steps[0] == 0 and len(loaded.timeline) <= warm_start.FRAMES
    assert max(loaded.timeline.steps) <= scenario.steps


def test_the_shipped_runs_fit_the_budget_and_nothing_else_lies_in_the_folder():
    files = sorted(warm_start.FOLDER.iterdir())
    assert files == sorted(warm_start.path(run, name) for run, name in warm_start.SHIPPED)
    assert sum(f.stat().st_size for f in files) <= warm_start.BUDGET_BYTES
    assert all(f.stat().st_size <= saved_run.MAX_BYTES for f in files)


@pytest.mark.slow
def test_a_run_made_again_shows_what_the_shipped_run_shows():
    """Reproducible: the MNIST GAN's shortest scenario made again here is its scenario's run at its step,
    and shows the same claim and answer. (Made on one machine with one thread count the weights are
    the same bit for bit; another CPU or thread count sums in another order, and 300 GAN steps
    carry that rounding far.)"""
    scenario = find("mnist_gan", "loss_one")
    again = saved_run.load(warm_start.make("mnist_gan", scenario), "mnist_gan")
    trainer = again.build(LESSONS["mnist_gan"].build)
    snap = LESSONS["mnist_gan"].look(trainer)
    assert trainer.step_count == scenario.steps and again.config == scenario.config
    assert scenario.holds(snap) and scenario.question.shown(snap) == scenario.question.answer
