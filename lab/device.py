"""Where tensors live: CUDA if present, else Apple's MPS, else the CPU.

On CUDA the lab asks for deterministic kernels: a run is a function of its seed on the GPU as on
the CPU (a saved run continues as it would have; looking at a run never changes it), which the
lessons promise and the tests check, at some cost in speed.
"""

from __future__ import annotations

import functools
import importlib
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import torch

# cuBLAS's deterministic workspace, set before its first use
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


def pick_device() -> torch.device:
    """The best device this machine has: cuda -> mps -> cpu."""
    if torch.cuda.is_available():
        torch.backends.cudnn.benchmark = False  # the same convolution algorithm every run
        torch.use_deterministic_algorithms(True, warn_only=True)  # same seed, same numbers
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


@functools.cache
def import_the_compiler_in_background() -> threading.Thread:
    """Import torch._dynamo on a thread of its own, a second from now, once per process; that thread.
    torch.optim imports it when the process makes its first optimizer (1.5 s on one core), which the
    first lesson a student opens would wait for. Called when the home page's script ends, it waits a
    second, not to slow the page's picture (the browser fetches it then), and is done by the first
    click."""
    thread = threading.Timer(1.0, importlib.import_module, args=("torch._dynamo",))
    thread.name, thread.daemon = "lab-import-dynamo", True
    thread.start()
    return thread


def rng_state(device: torch.device) -> list[torch.Tensor]:
    """The global random states a model's own noise (dropout, `randn_like`) is drawn from on
    `device`: the CPU's, and the GPU's on CUDA."""
    states = [torch.get_rng_state()]
    if device.type == "cuda":
        states.append(torch.cuda.get_rng_state(device))
    return states


def forked_rng(device: torch.device) -> AbstractContextManager[None]:
    """A block after which the global random states of the CPU (and of `device` on CUDA) are what
    they were before it."""
    return torch.random.fork_rng(devices=[device] if device.type == "cuda" else [])


@contextmanager
def own_rng(device: torch.device, state: list[torch.Tensor]) -> Iterator[None]:
    """Within the block the global random states are `state` (from `rng_state`, which the block
    may call again to keep where it ended); after it, they are what they were before."""
    with forked_rng(device):
        torch.set_rng_state(state[0])
        if device.type == "cuda" and len(state) > 1:  # a run saved on a CPU has no GPU state
            torch.cuda.set_rng_state(state[1], device)
        yield


def describe(device: torch.device) -> str:
    """A short human name for the status line, e.g. 'CPU (1 thread)'."""
    if device.type == "cuda":
        return f"GPU ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    threads = torch.get_num_threads()
    return f"CPU ({threads} thread{'s' if threads != 1 else ''})"
