"""Slow motion and manual steps: the sub-steps of one iteration add up to one ordinary step, and
each manual step moves only the network it names."""

import dataclasses

import pytest
import torch

from lab.gan.figure1 import Figure1Config, figure1_runs
from lab.gan.losses import generator_loss
from lab.gan.mnist_gan import MNIST_DEFAULTS, mnist_gan
from lab.gan.playground import generator_arrows, toy_gan
from lab.gan.slow_motion import (
    SAMPLE_X,
    SAMPLE_Z,
    UPDATE_D,
    UPDATE_G,
    Lockstep,
    SlowIteration,
    for_each_run,
    step_d_only,
    step_g_only,
)
from lab.gan.trainer import GANConfig
from lab.scenarios import GRID25
from tests.unit.test_protocol import assert_identical


def _params(net: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in net.parameters()]


def _same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize(
    "config",
    [
        GANConfig(k=1, batch_size=32, width=16, depth=1, seed=4),
        GANConfig(k=3, batch_size=32, width=16, depth=1, seed=4),
        # instance noise: what slow motion looks at draws no noise the step would have drawn
        dataclasses.replace(GRID25, batch_size=32, width=16, depth=1, seed=5),
    ],
    ids=["k1", "k3", "grid25"],
)
def test_the_sub_steps_of_one_iteration_are_one_step(config):
    k = config.k
    slow, whole = toy_gan(config, evaluate=False), toy_gan(config, evaluate=False)
    slow.step(2)
    whole.step(3)
    iteration = SlowIteration(slow)
    steps = list(_all(iteration))
    assert [s.title for s in steps] == [SAMPLE_Z, SAMPLE_X, UPDATE_D] * k + [UPDATE_G]
    assert {s.d_steps for s in steps} == {k}  # what the page's line says, read off the sub-step
    assert slow.step_count == whole.step_count == 3
    assert_identical(slow.state_dict(), whole.state_dict())
    with pytest.raises(RuntimeError):
        iteration.next()


def test_what_each_sub_step_shows():
    trainer = toy_gan(GANConfig(batch_size=64, seed=1), evaluate=False)
    trainer_before = toy_gan(GANConfig(batch_size=64, seed=1), evaluate=False)  # D's gradient, by hand
    x_real, z_noise = (draw[0] for draw in trainer_before.draw_minibatches(1))
    z, x, d, g = (step for step in _all(SlowIteration(trainer)))
    assert z.fake.shape == (64, 2) and z.real is None and (z.number, z.of, z.d_round) == (1, 4, 1)
    assert x.real.shape == (64, 2) and (x.fake == z.fake).all()
    before, after = d.d_loss
    assert after < before  # D's step ascends its objective: its loss on the minibatch falls
    loss = trainer_before.d_loss(x_real, z_noise)[0]
    grads = torch.autograd.grad(loss, list(trainer_before.D.parameters()))
    assert d.d_gradient == pytest.approx(float(torch.sqrt(sum((g**2).sum() for g in grads))), rel=1e-5)
    assert g.arrows.shape == g.fake.shape == g.moved.shape == (64, 2) and g.d_round == 0
    assert not (g.moved == g.fake).all()  # G's update moved the points


def _all(iteration: SlowIteration):
    while not iteration.done:
        yield iteration.next()


def test_the_arrows_point_downhill_for_each_generated_point():
    trainer = toy_gan(GANConfig(seed=2), evaluate=False)
    trainer.step(20)
    x = trainer.sample(50, torch.Generator().manual_seed(0))
    arrows = torch.as_tensor(generator_arrows(trainer, x))

    def per_point_loss(points: torch.Tensor) -> torch.Tensor:
        logits = trainer.logit(points)
        return torch.stack([generator_loss(logit[None], trainer.config.generator_loss) for logit in logits])

    with torch.no_grad():
        step = 1e-3 * arrows / arrows.norm(dim=1, keepdim=True)
        assert (per_point_loss(x + step) < per_point_loss(x)).float().mean() > 0.95


def test_step_d_only_moves_d_alone_and_counts_no_generator_step():
    trainer = toy_gan(GANConfig(seed=3), evaluate=False)
    g, d = _params(trainer.G), _params(trainer.D)
    step_d_only(trainer)
    assert trainer.step_count == 0 and _same(_params(trainer.G), g) and not _same(_params(trainer.D), d)


def test_step_g_only_moves_g_alone_and_counts_one_generator_step():
    trainer = toy_gan(GANConfig(seed=3), evaluate=False)
    g, d = _params(trainer.G), _params(trainer.D)
    metrics = step_g_only(trainer)
    assert trainer.step_count == 1 and metrics["step"] == 1
    assert _same(_params(trainer.D), d) and not _same(_params(trainer.G), g)
    assert trainer.history.thinned()["step"] == [1]


def test_on_mnist_the_sub_steps_are_one_step_and_looking_leaves_batch_norm_alone():
    """The DCGAN has batch norm: drawing G(z) in training mode would move its running averages,
    and the iteration would end elsewhere than step(1)."""
    config = dataclasses.replace(MNIST_DEFAULTS, batch_size=16, k=2)
    slow, whole = mnist_gan(config), mnist_gan(config)
    steps = list(_all(SlowIteration(slow)))
    whole.step(1)
    assert_identical(slow.state_dict(), whole.state_dict())
    assert steps[1].real.shape == (16, 784) and steps[-1].moved.shape == (16, 784)
    assert steps[-1].arrows is None  # arrows only in the plane


def test_manual_steps_on_a_side_by_side_lesson_move_every_run():
    trainer = figure1_runs(Figure1Config(compare="losses", width=8))
    before = [_params(run.D) for run in trainer.runs]
    losses = for_each_run(step_d_only)(trainer)
    assert len(losses) == len(trainer.runs) == 2
    assert all(not _same(_params(run.D), d) for run, d in zip(trainer.runs, before, strict=True))
    for_each_run(step_g_only)(trainer)
    assert [run.step_count for run in trainer.runs] == [1, 1]


@pytest.mark.parametrize("compare", ["losses", "inner_loop"])
def test_side_by_side_runs_take_their_sub_steps_in_lockstep(compare):
    """Figure 1's two runs: one iteration of each, the shorter one (k = 1 against 100 D steps)
    waiting once done; together exactly one step(1) of both."""
    config = Figure1Config(compare=compare, width=8)
    slow, whole = figure1_runs(config), figure1_runs(config)
    iteration = Lockstep(slow)
    count = 0
    while not iteration.done:
        iteration.next()
        count += 1
    assert count == max(3 * run.config.k + 1 for run in slow.runs)
    whole.step(1)
    assert_identical(slow.state_dict(), whole.state_dict())
