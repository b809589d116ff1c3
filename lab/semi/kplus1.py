"""The GAN way (Salimans et al. 2016, "Improved techniques for training GANs", section 5).

The discriminator is a classifier with K + 1 outputs: the K classes and "generated". With the
K + 1-th logit fixed at 0 (a softmax is unchanged by a shift, so this loses nothing),

    p(y = k | x) = exp l_k(x) / (Z(x) + 1),   Z(x) = sum_k exp l_k(x),
    D(x) = p(real | x) = Z(x) / (Z(x) + 1) = sigmoid(log Z(x)),

and the classifier's prediction among the K classes is the softmax of l_1..l_K. D is trained on

    L_supervised   = -E_{x,y labelled} log p(y | x, y <= K)                         (cross-entropy)
    L_unsupervised = -E_{x unlabelled} log D(x) - E_z log(1 - D(G(z)))              (the GAN's V)

and the generator by feature matching, || E_x f(x) - E_z f(G(z)) ||^2, f the discriminator's last
hidden layer. With no unlabelled (and no generated) examples only L_supervised is left: the same
network trained on the labels alone.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import weight_norm


class GaussianNoise(nn.Module):
    """Adds N(0, std^2) noise while training (the paper's regulariser), nothing at evaluation."""

    def __init__(self, std: float) -> None:
        super().__init__()
        self.std = std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.std * torch.randn_like(x) if self.training and self.std > 0 else x


class KPlusOneDiscriminator(nn.Module):
    """An MLP with weight normalisation and Gaussian noise on every layer's input; K logits out."""

    def __init__(
        self, dim: int, classes: int, widths: tuple[int, ...], input_noise: float, hidden_noise: float
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = [GaussianNoise(input_noise)]
        last = dim
        for width in widths:
            layers += [weight_norm(nn.Linear(last, width)), nn.ReLU(), GaussianNoise(hidden_noise)]
            last = width
        self.features = nn.Sequential(*layers)
        self.head = weight_norm(nn.Linear(last, classes))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(the K logits l_1..l_K, the last hidden layer f(x) that feature matching compares)."""
        features = self.features(x)
        return self.head(features), features


def image_generator(noise_dim: int, width: int, dim: int) -> nn.Sequential:
    """The paper's MNIST generator: two softplus layers with batch norm, sigmoid pixels in [0, 1]."""
    return nn.Sequential(
        nn.Linear(noise_dim, width), nn.BatchNorm1d(width), nn.Softplus(),
        nn.Linear(width, width), nn.BatchNorm1d(width), nn.Softplus(),
        weight_norm(nn.Linear(width, dim)), nn.Sigmoid(),
    )  # fmt: skip


def point_generator(noise_dim: int, width: int, dim: int) -> nn.Sequential:
    """A generator for 2-D points: two ReLU layers, a linear output."""
    return nn.Sequential(
        nn.Linear(noise_dim, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, dim)
    )


def real_probability(logits: torch.Tensor) -> torch.Tensor:
    """D(x) = Z(x) / (Z(x) + 1) = sigmoid(log Z(x)), Z(x) = sum_k exp l_k(x)."""
    return torch.sigmoid(torch.logsumexp(logits, dim=1))


def supervised_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """-E log p(y | x, y <= K): the cross-entropy of the K-way softmax."""
    return F.cross_entropy(logits, labels)


def unsupervised_loss(logits_real: torch.Tensor, logits_fake: torch.Tensor) -> torch.Tensor:
    """-E log D(x) - E log(1 - D(G(z))), in stable form: -log D = softplus(log Z) - log Z and
    -log(1 - D) = softplus(log Z)."""
    log_z_real = torch.logsumexp(logits_real, dim=1)
    log_z_fake = torch.logsumexp(logits_fake, dim=1)
    return (F.softplus(log_z_real) - log_z_real).mean() + F.softplus(log_z_fake).mean()


def feature_matching_loss(features_real: torch.Tensor, features_fake: torch.Tensor) -> torch.Tensor:
    """|| E f(x) - E f(G(z)) ||^2 / (number of features): the generator's loss."""
    return (features_real.mean(0) - features_fake.mean(0)).pow(2).mean()
