"""Small network blocks shared by the GAN and VAE models."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import torch
from torch import nn

T = TypeVar("T")


def seeded(seed: int, build: Callable[[], T]) -> T:
    """`build()` with torch's random state seeded: the same initial weights for the same seed,
    and the global random state left as it was (no trainer changes another's draws)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build()


def mlp(in_dim: int, out_dim: int, width: int, depth: int, batch_norm: bool = False) -> nn.Sequential:
    """A multilayer perceptron with `depth` hidden layers of `width` units and ReLU.

    depth = 0 is a linear map (logistic regression when used as a discriminator). With
    `batch_norm`, each hidden layer's pre-activations are normalised over the minibatch in training
    mode and by running averages in evaluation mode (BatchNorm, Ioffe & Szegedy 2015): the same
    function class, fewer steps to a good fit.
    """
    layers: list[nn.Module] = []
    last = in_dim
    for _ in range(depth):
        layers += [nn.Linear(last, width), *([nn.BatchNorm1d(width)] if batch_norm else []), nn.ReLU()]
        last = width
    layers.append(nn.Linear(last, out_dim))
    return nn.Sequential(*layers)


class MLP(nn.Module):
    """The GANs' multilayer perceptron: `mlp(in_dim, out_dim, width, depth)`'s function and initial
    weights (from the same random state), x of shape (n, in_dim) -> (n, out_dim), with each layer's
    weight kept as an (in, out) matrix and applied as one fused multiply-add, torch.addmm(b, x, W).
    (A run's low bits depend on that layout; the lab's runs and exported scripts use this one.)"""

    def __init__(self, in_dim: int, out_dim: int, width: int, depth: int) -> None:
        super().__init__()
        linears = [m for m in mlp(in_dim, out_dim, width, depth) if isinstance(m, nn.Linear)]
        self.weights = nn.ParameterList(nn.Parameter(lin.weight.detach().T.contiguous()) for lin in linears)
        self.biases = nn.ParameterList(nn.Parameter(lin.bias.detach().clone()) for lin in linears)

        # plain tuples for the hot loop (indexing a ParameterList costs more than the matmul)
        self._layers = tuple(zip(self.weights, self.biases, strict=True))

    def _apply(self, fn, recurse=True):  # .to(device) may replace the parameters: refresh the tuples
        module = super()._apply(fn, recurse)
        self._layers = tuple(zip(self.weights, self.biases, strict=True))
        return module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        *hidden, (w_out, b_out) = self._layers
        for w, b in hidden:
            x = torch.relu(torch.addmm(b, x, w))
        return torch.addmm(b_out, x, w_out)
