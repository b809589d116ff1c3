"""Per-session caps on model size and batch size, so that one student cannot take a shared server's
memory. The defaults sit above every control's largest setting (a cap is for what a file, a link or
a changed control range could ask for); a department running a small server lowers them with the
environment variables LAB_MAX_PARAMETERS and LAB_MAX_BATCH."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import torch

DEFAULT_MAX_PARAMETERS = 10_000_000  # the largest run, semi-supervised MNIST's two GANs: 4.5 M
DEFAULT_MAX_BATCH = 1024


class OverCap(ValueError):
    """A run larger than this server allows."""


def max_parameters() -> int:
    return int(os.environ.get("LAB_MAX_PARAMETERS", DEFAULT_MAX_PARAMETERS))


def max_batch() -> int:
    return int(os.environ.get("LAB_MAX_BATCH", DEFAULT_MAX_BATCH))


def check_config(config: Any) -> None:
    """Refuse a config whose minibatch is over the cap, before anything is allocated."""
    batch = getattr(config, "batch_size", None)
    if batch is not None and batch > max_batch():
        raise OverCap(
            f"a minibatch of {batch:,} is over this server's cap of {max_batch():,} (LAB_MAX_BATCH)"
        )


def parameter_count(trainer: Any) -> int:
    """Trainable numbers in every network a trainer holds (found among its attributes, and theirs:
    a trainer of two runs holds two trainers, and a semi-supervised trainer its method's networks)."""
    seen: set[int] = set()
    total = 0
    for module in _modules(trainer, depth=4):
        for parameter in module.parameters():
            if id(parameter) not in seen:
                seen.add(id(parameter))
                total += parameter.numel()
    return total


def _modules(obj: Any, depth: int) -> list[torch.nn.Module]:
    if isinstance(obj, torch.nn.Module):
        return [obj]
    if depth == 0:
        return []
    if isinstance(obj, list | tuple):
        children = list(obj)
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("lab."):
        children = list(vars(obj).values())
    else:
        return []
    return [module for child in children for module in _modules(child, depth - 1)]


def check_trainer(trainer: Any) -> None:
    """Refuse a trainer whose networks are over the cap."""
    count = parameter_count(trainer)
    if count > max_parameters():
        raise OverCap(
            f"the networks have {count:,} parameters, over this server's cap of {max_parameters():,} "
            "(LAB_MAX_PARAMETERS): choose a smaller width or depth"
        )


def capped(make_trainer: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`make_trainer` that refuses configs and trainers over the caps."""

    def make(config: Any) -> Any:
        check_config(config)
        trainer = make_trainer(config)
        check_trainer(trainer)
        return trainer

    return make
