"""The VAE way (Kingma, Rezende, Mohamed & Welling 2014, "Semi-supervised learning with deep
generative models", model M2): the label y is a second latent variable beside z.

    generative model   p(y) = 1/K,  p(z) = N(0, I),  p(x | y, z) = N(x; f(y, z), sigma^2 I)
    inference model    q(y | x) (the classifier),   q(z | x, y) = N(mu(x, y), diag sigma^2(x, y))

A labelled example's bound is the lecture's ELBO with y given:

    log p(x, y) >= L(x, y) = E_q(z|x,y)[log p(x | y, z)] - KL(q(z|x,y) || p(z)) + log p(y)

an unlabelled example's marginalises y under the classifier:

    log p(x) >= U(x) = sum_y q(y | x) L(x, y) + H(q(y | x))

and, because L(x, y) does not involve q(y|x), the classifier also learns from the labels directly:

    J = E_labelled[-L(x, y)] + E_unlabelled[-U(x)] + alpha E_labelled[-log q(y | x)]

(all per example). With no unlabelled examples the classifier's only term is alpha's
cross-entropy: the same network trained on the labels alone.

M1 + M2 (the paper's best on MNIST): M1 is the lecture's VAE on the pixels, q(z1 | x) and p(x | z1),
and M2 models M1's latent samples z1 ~ q(z1 | x) in place of the pixels, with a Gaussian p(z1 | y, z2).
The classifier q(y | z1) then separates classes in a space where the unlabelled digits have already
gathered similar ones together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lab.nets import mlp
from lab.vae.model import kl_to_prior, reconstruction_log_lik, reparameterize


class M2(nn.Module):
    """Classifier q(y|x), encoder q(z|x,y) and Gaussian decoder p(x|y,z) = N(x; f(y, z), sigma^2 I),
    each an MLP with softplus units (`width` wide; the classifier `classifier_width` wide when given)."""

    def __init__(
        self,
        dim: int,
        classes: int,
        latent_dim: int,
        width: int,
        sigma: float,
        classifier_width: int | None = None,
    ) -> None:
        super().__init__()
        self.classes, self.latent_dim = classes, latent_dim
        self.log_sigma = math.log(sigma)
        self.classifier = _softplus(mlp(dim, classes, classifier_width or width, 2))
        self.encoder = _softplus(mlp(dim + classes, 2 * latent_dim, width, 1))
        self.decoder = _softplus(mlp(latent_dim + classes, dim, width, 1))

    def one_hot(self, y: torch.Tensor) -> torch.Tensor:
        return F.one_hot(y, self.classes).to(torch.get_default_dtype())

    def encode(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """mu and log sigma^2 of q(z | x, y)."""
        return self.encoder(torch.cat([x, self.one_hot(y)], dim=1)).chunk(2, dim=1)

    def decode(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """f(y, z) = E[x | y, z]: the decoder's mean."""
        return self.decoder(torch.cat([z, self.one_hot(y)], dim=1))


def _softplus(net: nn.Sequential) -> nn.Sequential:
    """The paper's units: softplus in place of ReLU."""
    return nn.Sequential(*(nn.Softplus() if isinstance(m, nn.ReLU) else m for m in net))


@dataclass(frozen=True)
class LabelledBound:
    """L(x, y) per example and its parts: reconstruction - kl + log_prior."""

    reconstruction: torch.Tensor  # E_q[log p(x | y, z)], one sample of z
    kl: torch.Tensor  # KL(q(z | x, y) || p(z)), closed form
    log_prior: float  # log p(y) = -log K

    @property
    def total(self) -> torch.Tensor:
        return self.reconstruction - self.kl + self.log_prior


def labelled_bound(model: M2, x: torch.Tensor, y: torch.Tensor) -> LabelledBound:
    """L(x, y) = E_q(z|x,y)[log p(x|y,z)] - KL(q(z|x,y) || p(z)) + log p(y), z by one sample."""
    mu, logvar = model.encode(x, y)
    z = reparameterize(mu, logvar, torch.randn_like(mu))
    return LabelledBound(
        reconstruction=reconstruction_log_lik(x, model.decode(z, y), "gaussian", model.log_sigma),
        kl=kl_to_prior(mu, logvar),
        log_prior=-math.log(model.classes),
    )


@dataclass(frozen=True)
class UnlabelledBound:
    """U(x) = sum_y q(y|x) L(x, y) + H(q(y|x)) per example, with q(y|x) and L(x, y) for every y."""

    q: torch.Tensor  # (n, K): q(y | x)
    bounds: torch.Tensor  # (n, K): L(x, y)

    @property
    def entropy(self) -> torch.Tensor:
        return -(self.q * torch.log(self.q.clamp_min(1e-12))).sum(dim=1)

    @property
    def total(self) -> torch.Tensor:
        return (self.q * self.bounds).sum(dim=1) + self.entropy


def unlabelled_bound(model: M2, x: torch.Tensor) -> UnlabelledBound:
    """U(x): L(x, y) for each of the K labels (one batched pass over n*K pairs), weighted by q(y|x)."""
    n, k = len(x), model.classes
    every_y = torch.arange(k, device=x.device).repeat(n)
    bounds = labelled_bound(model, x.repeat_interleave(k, dim=0), every_y).total.view(n, k)
    return UnlabelledBound(q=torch.softmax(model.classifier(x), dim=1), bounds=bounds)


def m2_objective(
    model: M2,
    x_labelled: torch.Tensor,
    y_labelled: torch.Tensor,
    x_unlabelled: torch.Tensor | None,
    alpha: float,
) -> tuple[torch.Tensor, dict[str, float]]:
    """J = E_l[-L(x, y)] + E_u[-U(x)] + alpha E_l[-log q(y|x)], and its parts (per example, nats)."""
    labelled = labelled_bound(model, x_labelled, y_labelled)
    cross_entropy = F.cross_entropy(model.classifier(x_labelled), y_labelled)
    loss = -labelled.total.mean() + alpha * cross_entropy
    parts = {
        "labelled_bound": labelled.total.mean().item(),
        "reconstruction": labelled.reconstruction.mean().item(),
        "kl": labelled.kl.mean().item(),
        "cross_entropy": cross_entropy.item(),
    }
    if x_unlabelled is not None:
        unlabelled = unlabelled_bound(model, x_unlabelled)
        loss = loss - unlabelled.total.mean()
        parts |= {
            "unlabelled_bound": unlabelled.total.mean().item(),
            "entropy": unlabelled.entropy.mean().item(),
        }
    return loss, parts
