"""A run's timeline: the page's snapshot recorded every `every` steps, so that a student can
rewind to any recorded step and see what was drawn then.

Memory stays bounded however long the run: when the timeline holds more than `most` frames or
more than `budget` bytes, it is thinned — every other frame goes (those at odd multiples of
`every`) and `every` doubles. Frames therefore always sit at the multiples of `every` (and
step 0), whoever looks at the run and however the steps are chunked: the same run records the
same steps.

    >>> timeline = Timeline(most=4, every=1)
    >>> for step in range(9):
    ...     timeline.record(step, f"frame {step}")
    >>> timeline.steps, timeline.every
    ([0, 4, 8], 4)
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import torch

MOST_FRAMES = 60
"""Frames kept at most (the scrubber's positions)."""

BUDGET_BYTES = 24 * 2**20
"""Bytes of frames kept at most, per run (an MNIST VAE frame is about 0.9 MB: 26 of them)."""

FIRST_EVERY = 25
"""Steps between two frames at the start of a run (it doubles at every thinning). A frame costs
about one to three training steps (measured: playground 2.2, MNIST GAN 3.1, MNIST VAE 1.1), so
recording takes about a tenth of the first few hundred steps (MNIST GAN 12 %), a vanishing share
once the timeline has thinned."""


def approx_bytes(obj: Any) -> int:
    """The memory a snapshot holds, roughly: array and tensor data exactly, 8 bytes a number."""
    if isinstance(obj, np.ndarray):
        return int(obj.nbytes)
    if isinstance(obj, torch.Tensor):
        return obj.numel() * obj.element_size()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return sum(approx_bytes(getattr(obj, f.name)) for f in dataclasses.fields(obj))
    if isinstance(obj, dict):
        return sum(approx_bytes(v) for v in obj.values()) + 8 * len(obj)
    if isinstance(obj, list | tuple):
        if obj and isinstance(obj[0], int | float):  # a history's column: numbers only
            return 16 * len(obj)
        return sum(approx_bytes(v) for v in obj) + 8 * len(obj)
    if isinstance(obj, str):
        return len(obj)
    return 8


class Timeline:
    """Frames (step, snapshot) at step 0 and the multiples of `every`; at most `most` frames and
    `budget` bytes (thinned by halves when over)."""

    def __init__(self, most: int = MOST_FRAMES, budget: int = BUDGET_BYTES, every: int = FIRST_EVERY) -> None:
        if most < 2 or every < 1:
            raise ValueError("a timeline keeps at least two frames, at least one step apart")
        self.most, self.budget, self.every = most, budget, every
        self._frames: dict[int, Any] = {}
        self._sizes: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def steps(self) -> list[int]:
        """The recorded steps, in order."""
        return sorted(self._frames)

    @property
    def nbytes(self) -> int:
        """The frames' memory (see `approx_bytes`)."""
        return sum(self._sizes.values())

    def due(self, step: int) -> bool:
        """Whether a frame belongs at `step` and is not recorded yet."""
        return step % self.every == 0 and step not in self._frames

    def next_step(self, step: int) -> int:
        """The first step after `step` that gets a frame."""
        return (step // self.every + 1) * self.every

    def record(self, step: int, frame: Any) -> None:
        """Keep `frame` as what step `step` showed (if a frame belongs there), then thin if over."""
        if not self.due(step):
            return
        self._frames[step] = frame
        self._sizes[step] = approx_bytes(frame)
        while len(self._frames) > self.most or (self.nbytes > self.budget and len(self._frames) > 2):
            self._thin()

    def frame(self, step: int) -> Any:
        """The frame recorded at `step` (one of `steps`)."""
        return self._frames[step]

    def frames(self) -> list[Any]:
        """The frames, in the order of `steps` (a new list: safe to use outside the run's lock)."""
        return [self._frames[step] for step in self.steps]

    def _thin(self) -> None:
        """Keep every other frame: those at multiples of twice `every`."""
        self.every *= 2
        for step in [s for s in self._frames if s % self.every]:
            del self._frames[step], self._sizes[step]

    @classmethod
    def from_state(cls, frames: dict[int, Any], every: int) -> Timeline:
        """A saved run's timeline: its frames ({step: frame}) at the multiples of `every`, within this
        lab's bounds whatever the file says (thinned as a run would be)."""
        timeline = cls(every=max(1, every))
        for step in sorted(int(s) for s in frames):
            if step >= 0 and step % timeline.every == 0:
                timeline._frames[step] = frames[step]
                timeline._sizes[step] = approx_bytes(frames[step])
        while len(timeline) > timeline.most or (timeline.nbytes > timeline.budget and len(timeline) > 2):
            timeline._thin()
        return timeline
