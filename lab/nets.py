"""Small network blocks shared by the GAN and VAE models."""

from __future__ import annotations

from torch import nn


def mlp(in_dim: int, out_dim: int, width: int, depth: int) -> nn.Sequential:
    """A multilayer perceptron with `depth` hidden layers of `width` units and ReLU.

    depth = 0 is a linear map (logistic regression when used as a discriminator).
    """
    layers: list[nn.Module] = []
    last = in_dim
    for _ in range(depth):
        layers += [nn.Linear(last, width), nn.ReLU()]
        last = width
    layers.append(nn.Linear(last, out_dim))
    return nn.Sequential(*layers)
