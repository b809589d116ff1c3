"""The per-session caps: parameters counted right, runs over a cap refused with a message."""

import pytest

from lab import limits
from lab.gan.playground import toy_gan
from lab.gan.trainer import GANConfig
from lab.semi.trainer import SemiConfig, with_and_without


def _mlp(sizes: list[int]) -> int:
    """Weights and biases of a fully connected net through layers of these sizes."""
    return sum(a * b + b for a, b in zip(sizes, sizes[1:], strict=False))


@pytest.mark.parametrize(("width", "depth"), [(16, 1), (64, 2), (256, 4)])
def test_parameters_are_counted_in_both_networks(width, depth):
    config = GANConfig(width=width, depth=depth)
    trainer = toy_gan(config)
    expected = sum(p.numel() for p in trainer.G.parameters()) + sum(p.numel() for p in trainer.D.parameters())
    assert limits.parameter_count(trainer) == expected
    # and by hand: G noise -> width^depth -> 2, D 2 -> width^depth -> 1 (whatever else a layer adds is on top)
    assert expected >= _mlp([config.noise_dim, *[width] * depth, 2]) + _mlp([2, *[width] * depth, 1])


def test_a_trainer_of_two_runs_counts_both():
    pair = with_and_without(SemiConfig())
    assert limits.parameter_count(pair) == sum(limits.parameter_count(run) for run in pair.runs) > 0


def test_the_largest_run_of_the_lab_is_under_the_default_cap():
    largest = with_and_without(SemiConfig(data="mnist", method="gan"))
    assert limits.parameter_count(largest) < limits.DEFAULT_MAX_PARAMETERS
    limits.check_trainer(largest)
    limits.check_config(GANConfig(batch_size=512))


def test_a_lowered_cap_refuses_with_a_message(monkeypatch):
    monkeypatch.setenv("LAB_MAX_PARAMETERS", "1000")
    monkeypatch.setenv("LAB_MAX_BATCH", "64")
    make = limits.capped(toy_gan)
    with pytest.raises(limits.OverCap, match="LAB_MAX_PARAMETERS"):
        make(GANConfig(width=64, depth=2, batch_size=64))
    with pytest.raises(limits.OverCap, match="minibatch of 128"):
        make(GANConfig(width=4, depth=1, batch_size=128))
    assert limits.parameter_count(make(GANConfig(width=4, depth=1, batch_size=64))) <= 1000
