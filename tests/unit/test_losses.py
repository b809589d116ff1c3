"""The GAN losses against their closed forms in terms of D = sigmoid(logit)."""

import math

import pytest
import torch

from lab.gan.losses import (
    GENERATOR_LOSSES,
    discriminator_loss,
    generator_loss,
    log_ratio_loss,
    minimax_loss,
    non_saturating_loss,
    r1_penalty,
)
from lab.nets import MLP

D_VALUES = torch.tensor([1e-3, 0.05, 0.3, 0.5, 0.8, 0.999], dtype=torch.float64)

# value and d(loss)/dD of each generator loss, per sample, written directly in D
CLOSED_FORMS = {
    "minimax": (lambda d: torch.log(1 - d), lambda d: -1 / (1 - d)),
    "non_saturating": (lambda d: -torch.log(d), lambda d: -1 / d),
    "log_ratio": (lambda d: -torch.log(d / (1 - d)), lambda d: -1 / d - 1 / (1 - d)),
}
# d(loss)/d(logit) per sample: -D, -(1 - D), -1 (the lecture's saturation argument)
LOGIT_GRADIENTS = {
    "minimax": lambda d: -d,
    "non_saturating": lambda d: -(1 - d),
    "log_ratio": lambda d: -torch.ones_like(d),
}


@pytest.mark.parametrize("kind", GENERATOR_LOSSES)
def test_generator_loss_value_and_gradient_in_d(kind):
    value, grad_in_d = CLOSED_FORMS[kind]
    d = D_VALUES.clone().requires_grad_(True)
    logits = torch.log(d) - torch.log1p(-d)
    loss = generator_loss(logits, kind)
    loss.backward()
    n = len(d)
    torch.testing.assert_close(loss, value(D_VALUES).mean())
    torch.testing.assert_close(d.grad, grad_in_d(D_VALUES) / n)


@pytest.mark.parametrize("kind", GENERATOR_LOSSES)
def test_generator_loss_gradient_in_logit(kind):
    logits = torch.log(D_VALUES / (1 - D_VALUES)).requires_grad_(True)
    generator_loss(logits, kind).backward()
    torch.testing.assert_close(logits.grad, LOGIT_GRADIENTS[kind](D_VALUES) / len(D_VALUES))


def test_named_losses_are_the_same_functions():
    logits = torch.randn(17)
    assert generator_loss(logits, "minimax") == minimax_loss(logits)
    assert generator_loss(logits, "non_saturating") == non_saturating_loss(logits)
    assert generator_loss(logits, "log_ratio") == log_ratio_loss(logits)
    with pytest.raises(ValueError):
        generator_loss(logits, "wasserstein")


def test_discriminator_loss_is_negative_logistic_log_likelihood():
    real = torch.tensor([0.9, 0.6, 0.2], dtype=torch.float64)
    fake = torch.tensor([0.1, 0.45], dtype=torch.float64)
    logit = lambda p: torch.log(p / (1 - p))  # noqa: E731
    expected = -(torch.log(real).mean() + torch.log(1 - fake).mean())
    torch.testing.assert_close(discriminator_loss(logit(real), logit(fake)), expected)
    # at D = 1/2 everywhere the loss is log 4: the value the playground marks as equilibrium
    zero = torch.zeros(5)
    assert discriminator_loss(zero, zero).item() == pytest.approx(math.log(4))


def test_losses_stay_finite_for_extreme_logits():
    logits = torch.tensor([-200.0, -50.0, 50.0, 200.0], requires_grad=True)
    for kind in GENERATOR_LOSSES:
        loss = generator_loss(logits, kind)
        (grad,) = torch.autograd.grad(loss, logits)
        assert torch.isfinite(loss) and torch.isfinite(grad).all()
    assert torch.isfinite(discriminator_loss(logits, logits))


def test_r1_penalty_is_the_mean_squared_slope_of_the_logit_at_the_real_points():
    """Against central finite differences of D's logit, in float64; the generated points (after the
    m real ones) do not count."""
    torch.manual_seed(0)
    D = MLP(2, 1, 16, 2).double()
    real, fake = torch.randn(5, 2, dtype=torch.float64), torch.randn(7, 2, dtype=torch.float64)
    x = torch.cat([real, fake]).requires_grad_(True)
    penalty = r1_penalty(D(x)[:5], x)
    h, slopes = 1e-6, []
    with torch.no_grad():
        for point in real:
            steps = torch.eye(2, dtype=torch.float64) * h
            slopes.append(((D(point + steps) - D(point - steps))[:, 0] / (2 * h)).square().sum())
    assert float(penalty) == pytest.approx(float(torch.stack(slopes).mean()), rel=1e-6)
    x_moved = torch.cat([real, fake + 3.0]).requires_grad_(True)
    assert float(r1_penalty(D(x_moved)[:5], x_moved)) == pytest.approx(float(penalty), rel=1e-12)
    penalty.backward()  # a penalty D can descend: its gradient reaches every weight matrix of D
    assert all(w.grad is not None and w.grad.abs().sum() > 0 for w in D.weights)
