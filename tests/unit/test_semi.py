"""Semi-supervised learning: M2's two bounds and the K + 1 discriminator against direct
computations, each method's reduction to its supervised form, and the moons caption's claim."""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.distributions import Normal, kl_divergence

from lab.plots.semi_supervised import parts_chart
from lab.semi import data as semi_data
from lab.semi.kplus1 import real_probability, supervised_loss, unsupervised_loss
from lab.semi.m2 import M2, UnlabelledBound, labelled_bound, m2_objective, unlabelled_bound
from lab.semi.trainer import SemiConfig, SemiTrainer, with_and_without
from lab.semi.views import analogies, semi_snapshot

CPU = torch.device("cpu")


def _model(dim: int = 3, classes: int = 4) -> M2:
    torch.manual_seed(0)
    return M2(dim, classes, latent_dim=2, width=8, sigma=0.3)


def _direct_bound(model: M2, x: torch.Tensor, y: int, eps: torch.Tensor) -> torch.Tensor:
    """L(x, y) for one example, with torch.distributions, from the noise eps of z."""
    onehot = F.one_hot(torch.tensor([y]), model.classes).float()
    mu, logvar = model.encoder(torch.cat([x[None], onehot], 1))[0].chunk(2)
    std = (0.5 * logvar).exp()
    z = mu + std * eps
    out = model.decoder(torch.cat([z[None], onehot], 1))[0]
    log_lik = Normal(out, math.exp(model.log_sigma)).log_prob(x).sum()
    kl = kl_divergence(Normal(mu, std), Normal(torch.zeros(2), torch.ones(2))).sum()
    return log_lik - kl + math.log(1 / model.classes)


def test_labelled_bound_is_the_elbo_with_y_given():
    model = _model()
    x = torch.randn(5, 3)
    y = torch.tensor([0, 1, 2, 3, 1])
    torch.manual_seed(1)
    ours = labelled_bound(model, x, y).total
    torch.manual_seed(1)
    eps = torch.randn(5, 2)
    direct = torch.stack([_direct_bound(model, x[i], int(y[i]), eps[i]) for i in range(5)])
    torch.testing.assert_close(ours, direct, rtol=1e-5, atol=1e-5)


def test_unlabelled_bound_sums_the_labelled_ones_under_the_classifier():
    model = _model()
    x = torch.randn(3, 3)
    torch.manual_seed(2)
    ours = unlabelled_bound(model, x)
    torch.manual_seed(2)
    eps = torch.randn(3 * model.classes, 2)  # pair (i, y) draws row i*K + y
    q = torch.softmax(model.classifier(x), 1)
    for i in range(3):
        bounds = [_direct_bound(model, x[i], y, eps[i * model.classes + y]) for y in range(model.classes)]
        direct = sum(q[i, y] * bounds[y] - q[i, y] * torch.log(q[i, y]) for y in range(model.classes))
        torch.testing.assert_close(ours.total[i], direct, rtol=1e-5, atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-50, 50), min_size=2, max_size=10),
    st.lists(st.floats(-30, 30), min_size=10, max_size=10),
)
def test_unlabelled_bound_is_at_most_log_sum_exp_and_equal_at_the_posterior(bounds, logits):
    """U = sum_y q L + H(q) <= log sum_y exp L(x, y) (Gibbs), with equality at q = softmax(L)."""
    L = torch.tensor([bounds], dtype=torch.float64)
    q = torch.softmax(torch.tensor([logits[: len(bounds)]], dtype=torch.float64), 1)
    ceiling = torch.logsumexp(L, 1)
    assert UnlabelledBound(q=q, bounds=L).total.item() <= ceiling.item() + 1e-9
    best = UnlabelledBound(q=torch.softmax(L, 1), bounds=L).total
    assert best.item() == pytest.approx(ceiling.item(), abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-80, 80), min_size=10, max_size=10))
def test_k_plus_one_probabilities_sum_to_one_and_real_is_the_sum_of_the_classes(logits):
    lk = torch.tensor([logits], dtype=torch.float64)
    # p(y = 1..K, generated | x), independently: the softmax of (l_1, ..., l_K, 0), the K + 1-th logit fixed at 0
    p = torch.softmax(torch.cat([lk, lk.new_zeros(1, 1)], dim=1), dim=1)
    assert p.sum().item() == pytest.approx(1.0, abs=1e-9)
    assert p[0, :10].sum().item() == pytest.approx(real_probability(lk).item(), abs=1e-9)
    assert p[0, 10].item() == pytest.approx(1 - real_probability(lk).item(), abs=1e-9)
    # given that x is real, the class is the K-way softmax: what the supervised loss uses
    torch.testing.assert_close(p[0, :10] / p[0, :10].sum(), torch.softmax(lk, 1)[0])


def test_unsupervised_loss_is_the_gan_loss_on_d():
    torch.manual_seed(0)
    real, fake = torch.randn(6, 4, dtype=torch.float64), torch.randn(5, 4, dtype=torch.float64) - 1
    direct = -torch.log(real_probability(real)).mean() - torch.log(1 - real_probability(fake)).mean()
    torch.testing.assert_close(unsupervised_loss(real, fake), direct)
    # and stays finite where D saturates
    assert torch.isfinite(unsupervised_loss(torch.full((2, 4), -200.0), torch.full((2, 4), 200.0)))


def test_m2_without_unlabelled_data_trains_its_classifier_on_the_cross_entropy_alone():
    model, alpha = _model(), 7.0
    x, y = torch.randn(6, 3), torch.tensor([0, 1, 2, 3, 0, 1])
    loss, parts = m2_objective(model, x, y, None, alpha)
    grads = torch.autograd.grad(loss, list(model.classifier.parameters()))
    direct = torch.autograd.grad(
        alpha * F.cross_entropy(model.classifier(x), y), list(model.classifier.parameters())
    )
    for g, d in zip(grads, direct, strict=True):
        torch.testing.assert_close(g, d)
    assert "unlabelled_bound" not in parts


def test_the_gan_way_without_unlabelled_data_is_a_classifier_trained_on_the_labels():
    trainer = SemiTrainer(SemiConfig(labels_per_class=2, unlabelled=False), CPU, evaluate=False)
    D, G = trainer.modules["D"], trainer.modules["G"]
    g_before = copy.deepcopy(G.state_dict())
    # the same step by hand: the same minibatch, the same noise, Adam on the cross-entropy alone
    twin = copy.deepcopy(D)
    opt = torch.optim.Adam(twin.parameters(), trainer.config.learning_rate, betas=(0.5, 0.999))
    rng = torch.Generator()
    rng.set_state(trainer.rng.get_state())
    batch = torch.randint(len(trainer.data.x_labelled), (trainer.config.batch_size,), generator=rng)
    with torch.random.fork_rng(devices=[]):
        torch.set_rng_state(trainer.noise_state[0])
        logits, _ = twin(trainer.data.x_labelled[batch])
        supervised_loss(logits, trainer.data.y_labelled[batch]).backward()
        opt.step()
    trainer.step(1)
    for name, value in twin.state_dict().items():
        torch.testing.assert_close(D.state_dict()[name], value)
    for name, value in g_before.items():
        assert torch.equal(G.state_dict()[name], value)  # G is not trained without unlabelled data
    assert math.isnan(trainer.history["unsupervised"][-1])


def test_pick_labelled_takes_that_many_of_every_class():
    labels = np.repeat(np.arange(10), 30)
    picked = semi_data.pick_labelled(labels, 4, seed=3)
    assert np.bincount(labels[picked]).tolist() == [4] * 10
    assert not np.array_equal(picked, semi_data.pick_labelled(labels, 4, seed=4))
    with pytest.raises(ValueError):
        semi_data.pick_labelled(labels, 31, seed=0)


def test_the_moons_caption_gan_way_three_labels_per_class_seed_0():
    """The page's caption at seed 0: after 1,000 steps the semi-supervised run is more than 8 points
    ahead of the labels alone (seeds 0-4: the scenario "three", tests/unit/test_scenario_seeds.py)."""
    pair = with_and_without(SemiConfig(data="moons", method="gan", labels_per_class=3, seed=0), CPU)
    pair.step(1000)
    semi, alone = (run.accuracy() for run in pair.runs)
    assert semi > alone + 0.08, (semi, alone)
    snap = semi_snapshot(pair)
    assert snap.p_class1[0].shape == (80, 80) and snap.generated.shape == (300, 2)


def test_m2_analogies_put_one_style_under_every_label():
    config = SemiConfig(data="mnist", method="m2", labels_per_class=1)
    trainer = SemiTrainer(config, CPU, evaluate=False)
    grid = analogies(trainer, rows=2)
    assert grid.shape == (2 * 11, 784)
    np.testing.assert_array_equal(grid[0], trainer.data.x_test[0].numpy())  # each row starts with its digit
    assert grid.min() >= 0 and grid.max() <= 1


@pytest.mark.parametrize(("seed", "m2_wins"), [(1, True), (2, False)])
def test_on_the_moons_m2_beats_the_labels_alone_on_some_seeds_and_not_on_others(seed, m2_wins):
    """The page's opening: the plain M2 does not reliably find the boundary here (3 labels per class,
    1,000 steps; seeds 0-4: above on 2, below on 3). Two witnesses, each 10 points or more apart."""
    pair = with_and_without(SemiConfig(data="moons", method="m2", labels_per_class=3, seed=seed), CPU)
    pair.step(1000)
    semi, alone = (run.accuracy() for run in pair.runs)
    assert (semi > alone + 0.05) if m2_wins else (semi < alone - 0.05), (semi, alone)


def test_m1_plus_m2_on_the_labels_alone_never_reads_an_unlabelled_digit():
    """M1 + M2's labels-alone run: M1 learns from the labelled digits only (an unlabelled digit read
    anywhere, even for M1's starting bias, would turn the run's numbers to NaN)."""
    split = semi_data.load("mnist", 1, 0)
    blind = dataclasses.replace(split, x_unlabelled=torch.full_like(split.x_unlabelled, float("nan")))
    config = SemiConfig(data="mnist", method="m2", labels_per_class=1, unlabelled=False, batch_size=16)
    trainer = SemiTrainer(config, CPU, evaluate=False, split=blind)
    trainer.step(3)
    assert math.isfinite(trainer.history["m1_elbo"][-1]) and math.isnan(
        trainer.history["unlabelled_bound"][-1]
    )
    assert 0.0 <= trainer.accuracy(200) <= 1.0
    assert set(trainer.modules) == {"M1", "M2"}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 4])
def test_on_mnist_m1_plus_m2_is_more_than_5_points_ahead_of_the_same_vaes_on_the_labels_alone(seed):
    """The page's claim: with 100 labels, more than 5 points ahead by step 3,000 on each of seeds 0-4
    (the shortest setting where it holds on every one; seed 4, the closest, is 1.6 points ahead at
    2,000). The table's 9 points are `bench.semi_supervised`'s mean of draws 0-2 at 6,000 steps."""
    pair = with_and_without(SemiConfig(data="mnist", method="m2", labels_per_class=10, seed=seed), CPU)
    pair.step(3000)
    semi, alone = (run.accuracy() for run in pair.runs)
    assert semi > alone + 0.05, (semi, alone)


@pytest.mark.parametrize(("data", "method"), [("moons", "m2"), ("mnist", "m2"), ("moons", "gan")])
def test_the_objectives_chart_draws_from_step_0(data, method):
    """A fresh run has no history rows yet: the chart is drawn empty, not refused."""
    pair = with_and_without(SemiConfig(data=data, method=method, labels_per_class=1, batch_size=8), CPU)
    for steps in (0, 3):
        pair.step(steps)
        parts = parts_chart(semi_snapshot(pair))["datasets"]["parts"]
        assert len(parts) == (0 if steps == 0 else 3 * (4 + (data == "mnist")) if method == "m2" else 3 * 3)
