"""GANTrainer, as the playground builds it (toy_gan): the lecture's loop, deterministic,
live-tunable, and good enough on the ring."""

import copy
import dataclasses
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.trainer import (
    ANNEAL_STEPS,
    FADE_FLOOR,
    FADE_STEPS,
    NOISE_PRIORS,
    R1_EVERY,
    GANConfig,
    fading,
    sample_noise,
)
from lab.protocol import TrainingDiverged, same_run
from lab.ui.gan_controls import G_AVERAGE_CHOICES, INSTANCE_NOISE_CHOICES, LR_FALL_CHOICES, R1_CHOICES

SMALL = GANConfig(width=32, depth=2, batch_size=64)


def _params(net):
    return torch.cat([p.detach().flatten() for p in net.parameters()])


def test_same_seed_same_run_and_chunking_does_not_matter():
    a, b = toy_gan(SMALL), toy_gan(SMALL)
    a.step(12)
    for _ in range(4):
        b.step(3)
    assert a.history.state_dict() == b.history.state_dict()
    torch.testing.assert_close(_params(a.G), _params(b.G), rtol=0, atol=0)
    torch.testing.assert_close(_params(a.D), _params(b.D), rtol=0, atol=0)


def test_other_seed_other_run():
    a, b = toy_gan(SMALL), toy_gan(dataclasses.replace(SMALL, seed=1))
    assert not torch.equal(_params(a.G), _params(b.G))


def test_k_discriminator_steps_per_generator_step():
    trainer = toy_gan(dataclasses.replace(SMALL, k=3))
    calls = {"D": 0, "G": 0}
    trainer.opt_d.register_step_post_hook(lambda *_: calls.__setitem__("D", calls["D"] + 1))
    trainer.opt_g.register_step_post_hook(lambda *_: calls.__setitem__("G", calls["G"] + 1))
    metrics = trainer.step(5)
    assert calls == {"D": 15, "G": 5}
    assert metrics["step"] == 5 and trainer.step_count == 5
    assert set(metrics) == {"step", "d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm", "g_update_norm"}


def test_generator_step_leaves_the_discriminator_alone():
    trainer = toy_gan(SMALL)
    before = _params(trainer.D)
    trainer.opt_d.step = lambda *a, **k: None  # freeze D's own updates
    trainer.step(3)
    torch.testing.assert_close(_params(trainer.D), before, rtol=0, atol=0)


def test_live_update_changes_learning_rates_but_not_the_run():
    trainer = toy_gan(SMALL)
    trainer.step(2)
    faster = dataclasses.replace(SMALL, lr_d=5e-3, lr_g=2e-4, k=2, generator_loss="minimax")
    trainer.update(faster)
    assert trainer.opt_d.param_groups[0]["lr"] == 5e-3
    assert trainer.opt_g.param_groups[0]["lr"] == 2e-4
    assert trainer.step_count == 2 and trainer.config.k == 2
    with pytest.raises(ValueError, match="mid-run"):
        trainer.update(dataclasses.replace(SMALL, width=64))


def test_same_run_tells_live_from_fresh_changes():
    assert same_run(SMALL, dataclasses.replace(SMALL, k=4, lr_g=1e-2))
    assert not same_run(SMALL, dataclasses.replace(SMALL, data="grid25"))
    assert not same_run(SMALL, dataclasses.replace(SMALL, seed=9))


def test_bad_config_is_refused():
    with pytest.raises(ValueError):
        GANConfig(generator_loss="hinge")
    with pytest.raises(ValueError):
        GANConfig(data="nope")
    with pytest.raises(ValueError):
        GANConfig(k=0)
    with pytest.raises(ValueError):
        GANConfig(r1=-1.0)


def test_divergence_is_reported_not_propagated_as_nan():
    trainer = toy_gan(dataclasses.replace(SMALL, optimizer="sgd"))
    with torch.no_grad():
        for p in trainer.D.parameters():
            p.fill_(float("nan"))
    with pytest.raises(TrainingDiverged, match="NaN"):
        trainer.step(1)


def test_snapshot_holds_what_the_playground_draws():
    trainer = toy_gan(SMALL)
    trainer.step(5)
    snap = playground_snapshot(trainer, n=100, grid_size=20, n_arrows=10)
    assert snap.step == 5 and snap.real.shape == (100, 2) and snap.fake.shape == (100, 2)
    assert snap.d_grid.shape == (20, 20) and ((snap.d_grid >= 0) & (snap.d_grid <= 1)).all()
    assert snap.arrows_from.shape == snap.arrows_dir.shape == (10, 2)
    assert snap.manifold.shape[0] == 22 and snap.manifold.shape[2] == 2
    assert snap.history["step"] == [1, 2, 3, 4, 5]
    assert snap.evals["step"] == [0] and 0 <= snap.evals["jsd"][0] <= np.log(2) + 1e-9  # evaluated at step 0


def test_arrows_point_where_the_loss_falls():
    trainer = toy_gan(SMALL)
    trainer.step(20)
    snap = playground_snapshot(trainer, n=50, n_arrows=50)
    x = torch.as_tensor(snap.arrows_from)
    from lab.gan.losses import generator_loss

    def loss(points):
        with torch.no_grad():
            return generator_loss(trainer.logit(points), trainer.config.generator_loss).item()

    step = 1e-3 * torch.as_tensor(snap.arrows_dir) / torch.as_tensor(snap.arrows_dir).norm()
    assert loss(x + step) < loss(x)


def test_default_config_covers_the_ring():
    """The default config reaches 8/8 modes with >= 80 % high-quality samples on the ring."""
    trainer = toy_gan(GANConfig())
    assert trainer.config.data == "ring8"
    best = (0, 0.0)
    while trainer.step_count < 4000:
        trainer.step(100)  # evaluated every EVAL_EVERY = 100 steps
        result = trainer.evals.last()
        best = max(best, (result["modes"], result["high_quality"]))
        if result["modes"] == 8 and result["high_quality"] >= 0.8:
            break
    assert result["modes"] == 8 and result["high_quality"] >= 0.8, f"best was {best}"


def test_the_gans_mlp_is_the_plain_mlp():
    """Same initial weights from the same random state, the same function (its layout aside)."""
    from lab.nets import MLP, mlp

    torch.manual_seed(3)
    plain = mlp(2, 1, 16, 2)
    torch.manual_seed(3)
    ours = MLP(2, 1, 16, 2)
    x = torch.randn(10, 2)
    torch.testing.assert_close(ours(x), plain(x))


def test_the_generator_loss_changes_live():
    trainer = toy_gan(SMALL)
    trainer.step(2)
    trainer.update(dataclasses.replace(SMALL, generator_loss="minimax"))
    assert trainer.config.generator_loss == "minimax"
    trainer.step(1)
    assert trainer.history["g_loss"][-1] <= 0  # log(1 - D) is never positive


def test_one_dimensional_noise_draws_one_curve():
    trainer = toy_gan(dataclasses.replace(SMALL, noise_dim=1))
    manifold = playground_snapshot(trainer, n=50, grid_size=10, n_arrows=5).manifold
    assert manifold.shape == (1, 41, 2) and np.ptp(manifold[0], axis=0).max() > 0


def test_sgd_update_is_lr_times_the_gradient():
    """With plain SGD, ||delta theta_G|| = lr_G ||grad||; Adam's step is not proportional to it."""
    sgd = toy_gan(GANConfig(optimizer="sgd", lr_g=0.05, width=32, depth=2, batch_size=64))
    sgd.step(5)
    h = sgd.history
    np.testing.assert_allclose(h["g_update_norm"], 0.05 * np.array(h["g_grad_norm"]), rtol=1e-4)
    # Adam's first step moves every coordinate with a gradient by lr (m / sqrt(v) = sign(g)),
    # whatever the gradient's scale: ||delta|| = lr sqrt(coordinates moved) <= lr sqrt(parameters)
    adam = toy_gan(GANConfig(optimizer="adam", lr_g=1e-3, width=32, depth=2, batch_size=64))
    adam.step(1)
    n = sum(p.numel() for p in adam.G.parameters())
    assert 0.7 * 1e-3 * n**0.5 < adam.history["g_update_norm"][0] <= 1e-3 * n**0.5 * 1.0001


# ------------------------------------------------------------------ against mode collapse
@settings(max_examples=20, deadline=None)
@given(dim=st.integers(1, 16), seed=st.integers(0, 100))
def test_uniform_noise_is_bounded_with_the_gaussians_mean_and_variance(dim, seed):
    """U(-a, a) with a = sqrt 3 has mean 0 and variance a^2 / 3 = 1 (closed form), like N(0, 1)."""
    z = sample_noise(20_000, dim, "uniform", torch.Generator().manual_seed(seed))
    assert z.shape == (20_000, dim) and z.abs().max() <= math.sqrt(3.0)
    assert z.mean(0).abs().max() < 0.05 and (z.var(0) - 1.0).abs().max() < 0.05


@settings(max_examples=50, deadline=None)
@given(step=st.integers(0, 3 * FADE_STEPS), start=st.sampled_from(INSTANCE_NOISE_CHOICES))
def test_instance_noise_falls_linearly_to_a_tenth_and_stays(step, start):
    s = fading(step, start)
    assert start / 10 - 1e-12 <= s <= start
    assert fading(step + 1, start) <= s
    if step >= 0.9 * FADE_STEPS:
        assert s == pytest.approx(start / 10)
    else:
        assert s == pytest.approx(start * (1 - step / FADE_STEPS))
    assert fading(0, start) == start


@settings(max_examples=40, deadline=None)
@given(fall_from=st.sampled_from(LR_FALL_CHOICES), step=st.integers(0, 30_000))
def test_the_learning_rates_an_optimizer_uses_hold_then_fall_to_a_tenth_and_stay(fall_from, step):
    """Adam's lr at generator step `step` against the schedule read off the control's help: the
    config's until `lr_fall_from` (never falling at 0), a straight line down to a tenth over
    ANNEAL_STEPS, then a tenth."""
    config = GANConfig(width=8, depth=1, lr_d=2e-3, lr_g=1e-3, lr_fall_from=fall_from)
    trainer = toy_gan(config, evaluate=False)
    trainer.step_count = step  # where the schedule stands; the next iteration sets the rates
    next(trainer.iteration())
    if not fall_from or step <= fall_from:
        expected = 1.0
    elif step >= fall_from + ANNEAL_STEPS:
        expected = 0.1
    else:
        expected = 1.0 - 0.9 * (step - fall_from) / ANNEAL_STEPS
    assert trainer.opt_d.param_groups[0]["lr"] == pytest.approx(2e-3 * expected, rel=1e-12)
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(1e-3 * expected, rel=1e-12)


def test_a_live_change_of_the_fall_keeps_the_run_and_sets_the_rates_at_once():
    trainer = toy_gan(GANConfig(width=8, depth=1), evaluate=False)
    trainer.step(3)
    trainer.step_count = 10_000
    trainer.update(GANConfig(width=8, depth=1, lr_fall_from=2_000))
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(GANConfig().lr_g / 10)
    trainer.update(GANConfig(width=8, depth=1))
    assert trainer.opt_g.param_groups[0]["lr"] == GANConfig().lr_g


def test_d_sees_the_points_blurred_by_the_scheduled_noise_and_only_then():
    plain = toy_gan(GANConfig(), evaluate=False)
    x = torch.zeros(20_000, 2)
    assert plain.blurred(x) is x
    blurred = toy_gan(GANConfig(instance_noise=0.5), evaluate=False)
    blurred.step_count = FADE_STEPS // 2
    noise = blurred.blurred(x)
    assert float(noise.std()) == pytest.approx(0.25, rel=0.03)  # 0.5 (1 - 1/2)


def test_the_averaged_g_is_the_moving_average_of_gs_weights():
    """theta_avg after n steps, computed by hand from G's weights after each step, starting at G's
    initial weights."""
    beta = 0.9
    trainer = toy_gan(GANConfig(g_average=beta), evaluate=False)
    expected = [p.detach().clone() for p in trainer.G.parameters()]
    for _ in range(5):
        trainer.step(1)
        expected = [
            beta * e + (1 - beta) * p.detach() for e, p in zip(expected, trainer.G.parameters(), strict=True)
        ]
    for e, a in zip(expected, trainer.G_average.parameters(), strict=True):
        assert torch.allclose(e, a, atol=1e-6)
    z = torch.randn(10, 2)
    assert torch.allclose(trainer.generate(z), trainer.G_average(z))
    assert torch.allclose(trainer.generate(z, averaged=False), trainer.G(z))
    assert not torch.allclose(trainer.generate(z), trainer.generate(z, averaged=False))


def test_a_saved_grid_run_continues_where_it_stopped():
    config = GANConfig(data="grid25", noise_prior="uniform", instance_noise=0.5, r1=1.0, g_average=0.99)
    a = toy_gan(config)
    a.step(30)
    b = toy_gan(config)
    b.load_state_dict(copy.deepcopy(a.state_dict()))  # as a saved file would: nothing shared
    a.step(20), b.step(20)
    assert a.history.state_dict() == b.history.state_dict()
    assert all(
        torch.equal(p, q) for p, q in zip(a.G_average.parameters(), b.G_average.parameters(), strict=True)
    )


# Every end of the playground's "Against mode collapse" controls: a run that trains and measures.
@settings(max_examples=8, deadline=None)
@given(
    prior=st.sampled_from(NOISE_PRIORS),
    blur=st.sampled_from([INSTANCE_NOISE_CHOICES[0], INSTANCE_NOISE_CHOICES[-1]]),
    gamma=st.sampled_from([R1_CHOICES[0], R1_CHOICES[-1]]),
    beta=st.sampled_from([G_AVERAGE_CHOICES[0], G_AVERAGE_CHOICES[-1]]),
)
def test_every_end_of_the_collapse_controls_trains_and_measures(prior, blur, gamma, beta):
    trainer = toy_gan(
        GANConfig(data="grid25", noise_prior=prior, instance_noise=blur, r1=gamma, g_average=beta, width=32)
    )
    trainer.step(100)  # one scheduled evaluation
    result = trainer.evals.last()
    assert (
        0 <= result["modes"] <= 25 and 0 <= result["high_quality"] <= 1 and 0 <= result["jsd"] <= math.log(2)
    )
    if prior == "uniform":
        assert trainer.sample(1000, torch.Generator().manual_seed(0)).isfinite().all()


def test_r1_adds_to_ds_update_only_and_fades_like_the_instance_noise():
    """With config.r1, D descends its loss plus γ/2 · 1/m Σ ||∇_x l(x)||² on the real x, γ fading
    (R1_EVERY times as heavy on every R1_EVERY-th step, 0 on the others);
    the loss recorded stays the lecture's: at step 0 both runs record the same D loss, then part."""
    plain, flat = toy_gan(SMALL), toy_gan(dataclasses.replace(SMALL, r1=10.0))
    real, noise = toy_gan(SMALL).draw_minibatches(1)  # a third run's draws: the two keep theirs
    loss, penalty, real_logits, _ = flat.d_loss(real[0], noise[0])
    assert torch.equal(loss, plain.d_loss(real[0], noise[0])[0]) and float(penalty) > 0
    with torch.no_grad():  # a look, not a step: no penalty is computed
        assert float(flat.d_loss(real[0], noise[0])[1]) == 0.0
    flat.step_count = FADE_STEPS  # the weight has fallen to its floor
    assert float(flat.d_loss(real[0], noise[0])[1]) == pytest.approx(float(penalty) * FADE_FLOOR, rel=1e-5)
    for flat.step_count in range(1, R1_EVERY):  # lazy R1: on every R1_EVERY-th step only
        assert float(flat.d_loss(real[0], noise[0])[1]) == 0.0
    flat.step_count = 0
    plain.step(3), flat.step(3)
    assert plain.history["d_loss"][0] == flat.history["d_loss"][0]
    assert plain.history["d_loss"][1:] != flat.history["d_loss"][1:]
