"""What every trainer of the lab is, for the engine and the pages alike: the `Trainer` protocol,
the one error a diverging run raises, when a changed config still belongs to the same run, and
`SideBySide`, several runs trained together as one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Protocol


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite (every trainer raises this one)."""


class Trainer(Protocol):
    """The protocol every trainer of the lab follows (construct it from a config dataclass)."""

    config: Any  # the run's settings (a dataclass of plain fields; `lab.ui.run_line` says it in one line)
    device: Any  # the torch.device it trains on
    step_count: int

    def step(self, n: int = 1) -> dict[str, float]:
        """Advance n steps; the latest metrics."""
        ...

    def update(self, config: Any) -> None:
        """Adopt a config that differs only in live fields (learning rates, k, ...)."""
        ...

    def state_dict(self) -> dict[str, Any]:
        """Everything the next step depends on, to save and continue a run."""
        ...

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


def same_run(config: Any, other: Any) -> bool:
    """Whether `other` differs from `config` only in the config's `live_fields`, the settings a
    running trainer can adopt (`Trainer.update`); any other change needs a fresh run."""
    live = {name: getattr(config, name) for name in config.live_fields}
    return type(other) is type(config) and replace(other, **live) == config


class SideBySide:
    """Several runs trained together, the `Trainer` protocol over all of them: the saturation
    lesson's three generator losses, Figure 1's two runs, semi-supervised learning with and without
    the unlabelled data. `sides(config)` gives each run's title and config, `build(config)` makes
    each run (an ordinary trainer); every `step(n)` takes n steps of each run: in turn, or at the
    same time when `parallel` (runs that share no random state, such as GANTrainers, which draw from
    generators of their own)."""

    def __init__(
        self,
        config: Any,
        sides: Callable[[Any], Sequence[tuple[str, Any]]],
        build: Callable[[Any], Trainer],
        parallel: bool = False,
    ) -> None:
        self.config = config
        self.sides = sides
        self.parallel = parallel
        titled = sides(config)
        self.titles = [title for title, _ in titled]
        self.runs = [build(side) for _, side in titled]
        self.device = self.runs[0].device

    @property
    def step_count(self) -> int:
        return self.runs[0].step_count

    def step(self, n: int = 1) -> dict[str, float]:
        """n steps of every run; the first run's latest metrics."""
        # speed: torch lets go of Python's lock inside its kernels, so parallel runs overlap on the cores
        if self.parallel:
            return list(_POOL.map(lambda run: run.step(n), self.runs))[0]
        return [run.step(n) for run in self.runs][0]

    def update(self, config: Any) -> None:
        if not same_run(self.config, config):
            raise ValueError("only " + ", ".join(config.live_fields) + " can change mid-run")
        self.config = config
        for run, (_, side) in zip(self.runs, self.sides(config), strict=True):
            run.update(side)

    def state_dict(self) -> dict[str, Any]:
        return {"runs": [run.state_dict() for run in self.runs]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for run, saved in zip(self.runs, state["runs"], strict=True):
            run.load_state_dict(saved)


_POOL = ThreadPoolExecutor(thread_name_prefix="side-by-side")
"""The threads parallel side-by-side runs step in (shared by every session of the server)."""
