"""What every trainer of the lab is, for the engine and the pages alike: the `Trainer` protocol,
the one error a diverging run raises, and when a changed config still belongs to the same run."""

from __future__ import annotations

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
