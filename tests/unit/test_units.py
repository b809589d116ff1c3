"""The networks' first-layer units (`lab.gan.units`, `lab.plots.units`) against a plain computation
from the trainer's own first layer, and looking changes nothing."""

import numpy as np
import torch

from lab.gan.playground import toy_gan
from lab.gan.trainer import GANConfig
from lab.gan.units import GRID, NOISE_REACH, units_snapshot
from lab.plots.units import units_chart


def test_each_unit_is_relu_of_its_weights_over_the_plane_and_looking_changes_nothing():
    trainer = toy_gan(GANConfig(width=16, depth=2, batch_size=32), torch.device("cpu"))
    trainer.step(20)
    before = {k: v.clone() for k, v in trainer.D.state_dict().items()}
    d, g = units_snapshot(trainer)
    assert (d.network, d.plane, g.network, g.plane) == ("D", "x", "G", "z")
    for layer, net, reach in ((d, trainer.D, 3.0), (g, trainer.G, NOISE_REACH)):
        # the first Linear of copy 0, as nn.functional.linear would apply it: weight (units, 2)
        weight, bias = net.weights[0].T.detach(), net.biases[0].detach()
        np.testing.assert_allclose(layer.weights, weight.numpy())
        np.testing.assert_allclose(layer.biases, bias.numpy())
        for row, column in ((0, 0), (GRID - 1, 3), (11, GRID - 1)):
            v = torch.tensor(
                [-reach + 2 * reach * column / (GRID - 1), -reach + 2 * reach * row / (GRID - 1)]
            )
            expected = torch.relu(torch.nn.functional.linear(v, weight, bias)).numpy()
            np.testing.assert_allclose(layer.activations[:, row, column], expected, rtol=1e-5, atol=1e-6)
    assert all(torch.equal(before[k], v) for k, v in trainer.D.state_dict().items())


def test_no_noise_plane_for_g_when_z_is_not_2d_and_the_chart_carries_each_units_weights():
    trainer = toy_gan(GANConfig(width=16, depth=1, noise_dim=4, batch_size=32), torch.device("cpu"))
    (d,) = units_snapshot(trainer)
    (table,) = units_chart(d)["datasets"].values()
    assert len(table) == 16 and list(table["unit"]) == list(range(1, 17))
    np.testing.assert_allclose(table[["w₁", "w₂"]].to_numpy(), d.weights)
    np.testing.assert_allclose(table["b"], d.biases)
