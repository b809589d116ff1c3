"""Where tensors live: CUDA if present, else Apple's MPS, else the CPU."""

from __future__ import annotations

import torch


def pick_device() -> torch.device:
    """The best device this machine has: cuda -> mps -> cpu."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe(device: torch.device) -> str:
    """A short human name for the status line, e.g. 'CPU (1 thread)'."""
    if device.type == "cuda":
        return f"GPU ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    threads = torch.get_num_threads()
    return f"CPU ({threads} thread{'s' if threads != 1 else ''})"
