"""Inside the 2-D networks (TensorFlow Playground's hidden units): each unit of the first hidden
layer is a function of its input, relu(w · v + b), drawn over the input's plane: for D the data
plane x, for G the noise plane z (when z is 2-D). A snapshot that only reads the trainer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from lab.data import toy
from lab.gan.trainer import GANTrainer
from lab.nets import MLP

GRID = 24  # points per side of each unit's picture
NOISE_REACH = 2.5  # the noise plane drawn: [-2.5, 2.5]^2, where N(0, I) keeps 98 % of its mass


@dataclass(frozen=True)
class LayerUnits:
    """One first hidden layer: each unit's activation over its input's plane, and its weights."""

    network: str  # "D" or "G"
    plane: str  # "x" or "z"
    reach: float  # the plane drawn: [-reach, reach]^2
    activations: np.ndarray  # (units, GRID, GRID), rows follow the plane's second coordinate upwards
    weights: np.ndarray  # (units, 2): w of each unit
    biases: np.ndarray  # (units,)


@torch.no_grad()
def first_layer(net: MLP, reach: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(activations over [-reach, reach]^2, weights, biases) of the net's first hidden layer."""
    w, b = net.weights[0].detach().cpu(), net.biases[0].detach().cpu()  # (2, units), (units,)
    axis = torch.linspace(-reach, reach, GRID)
    v2, v1 = torch.meshgrid(axis, axis, indexing="ij")
    points = torch.stack([v1.reshape(-1), v2.reshape(-1)], dim=1)  # (GRID², 2)
    activations = torch.relu(points @ w + b).T.reshape(-1, GRID, GRID)
    return activations.numpy(), w.T.numpy(), b.numpy()


def units_snapshot(trainer: GANTrainer) -> list[LayerUnits]:
    """D's first hidden layer over the data plane, and G's over the noise plane when z is 2-D."""
    reach = toy.get(trainer.config.data).extent
    layers = [LayerUnits("D", "x", reach, *first_layer(trainer.D, reach))]
    if trainer.config.noise_dim == 2:
        layers.append(LayerUnits("G", "z", NOISE_REACH, *first_layer(trainer.G, NOISE_REACH)))
    return layers
