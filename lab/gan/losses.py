"""The GAN objective as logistic regression, written on D's logits.

D(x) = sigmoid(l(x)), where l is the discriminator's logit. Every loss below uses the identities
    log D       = -softplus(-l)
    log (1 - D) = -softplus(l)
so no loss ever evaluates log(sigmoid(.)) or log(1 - sigmoid(.)) and none of them overflows.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

GENERATOR_LOSSES = ("minimax", "non_saturating", "log_ratio")
"""Names of the lecture's generator losses (1), (2) and (3)."""
TITLES = {"minimax": "(1) minimax", "non_saturating": "(2) non-saturating", "log_ratio": "(3) log-ratio"}
"""How the status line names them."""


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Negative logistic-regression log-likelihood, real labelled y = 1 and generated y = 0.

    -L(D, G) = -( E_{x~p_data}[log D(x)] + E_{z~p_z}[log(1 - D(G(z)))] ),
    so minimising this ascends the lecture's L(D, G) in D (the expectations are minibatch means).
    """
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def r1_penalty(real_logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """R1 (Mescheder et al. 2018): 1/m Σ_i ||∇_x l(x_i)||² over the m real points, l = D's logit.

    `x` holds the points D saw, the real ones first, with requires_grad set before D's pass that
    gave `real_logits`. Added to D's loss as γ/2 times this, it keeps D flat on the data: D cannot
    build steep walls around each mode, so G's gradient does not swing from one mode to the next.
    """
    (slope,) = torch.autograd.grad(real_logits.sum(), x, create_graph=True)
    return slope[: len(real_logits)].square().sum(dim=1).mean()


def pooled_discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Logistic regression on the pooled minibatch: every example counts once, so with n_r real and
    n_f generated examples (r = n_r / n_f) the loss is minimised by D*_r = r p_data / (r p_data + p_G)
    (the proof's a log q + b log(1 - q) with a = r p_data(x), b = p_G(x)). Scaled by 2 so that with
    r = 1 it is `discriminator_loss`.
    """
    return 2 * torch.cat([F.softplus(-real_logits), F.softplus(fake_logits)]).mean()


def minimax_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Lecture's (1): minimise E_z[log(1 - D(G(z)))] = E[-softplus(l)].

    d/dl = -D: it vanishes when D(G(z)) -> 0, i.e. exactly when G is poor (saturation).
    """
    return -F.softplus(fake_logits).mean()


def non_saturating_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Lecture's (2): maximise E_z[log D(G(z))], i.e. minimise E[softplus(-l)].

    d/dl = -(1 - D): close to -1 when D(G(z)) -> 0, so the gradient stays alive early on.
    """
    return F.softplus(-fake_logits).mean()


def log_ratio_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Lecture's (3), the sum of (1) and (2): maximise E_z[log(D / (1 - D))] = E[l].

    d/dl = -1 everywhere. With D = D*, E_{p_G}[log D*/(1 - D*)] = -KL(p_G || p_data).
    """
    return -fake_logits.mean()


def generator_loss(fake_logits: torch.Tensor, kind: str) -> torch.Tensor:
    """The generator loss named `kind` (one of GENERATOR_LOSSES), to be minimised."""
    if kind == "minimax":
        return minimax_loss(fake_logits)
    if kind == "non_saturating":
        return non_saturating_loss(fake_logits)
    if kind == "log_ratio":
        return log_ratio_loss(fake_logits)
    raise ValueError(f"unknown generator loss {kind!r}; choose one of {GENERATOR_LOSSES}")
