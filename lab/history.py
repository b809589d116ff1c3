"""What a trainer records as it trains: a table with one row per recorded step.

Every trainer keeps its per-step numbers (losses, D(x), gradient norms) and its evaluations
(JSD, modes, held-out ELBO) in a `History`; pages read it thinned, so a long run draws quickly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np


class History:
    """Columns of numbers, one row per recorded step; the first column is always `step`."""

    def __init__(self, *names: str) -> None:
        self.columns: dict[str, list[float]] = {name: [] for name in ("step", *names)}

    def __len__(self) -> int:
        return len(self.columns["step"])

    def __getitem__(self, name: str) -> list[float]:
        return self.columns[name]

    @property
    def names(self) -> tuple[str, ...]:
        """The columns after `step`."""
        return tuple(self.columns)[1:]

    def append(self, step: int, values: Mapping[str, float]) -> None:
        """One row: the values of every column at `step`. A row at the step of the last one
        replaces it (a measurement taken again, a new K say: still one row per step)."""
        if set(values) != set(self.names):
            raise ValueError(f"a row needs exactly the columns {self.names}, got {tuple(values)}")
        row = {"step": step, **{name: float(value) for name, value in values.items()}}
        again = len(self) > 0 and self.columns["step"][-1] == step
        for name, value in row.items():
            if again:
                self.columns[name][-1] = value
            else:
                self.columns[name].append(value)

    def extend(self, steps: Iterable[int], rows: np.ndarray) -> None:
        """Many rows at once: `rows[i, j]` is column j (after `step`) at the i-th step."""
        steps = list(steps)
        if rows.shape != (len(steps), len(self.names)):
            raise ValueError(f"rows of shape {rows.shape} for {len(steps)} steps and columns {self.names}")
        self.columns["step"].extend(steps)
        for j, name in enumerate(self.names):
            self.columns[name].extend(rows[:, j].tolist())

    def last(self) -> dict[str, float] | None:
        """The latest row, or None before the first."""
        return {name: column[-1] for name, column in self.columns.items()} if len(self) else None

    def thinned(self, most: int = 500) -> dict[str, list[float]]:
        """Every k-th row (k as small as keeps at most `most`, the latest row always kept): what a
        chart needs of a long run, as plain lists."""
        stride = max(1, -(-len(self) // most))
        keep = list(range(len(self) - 1, -1, -stride))[::-1]
        return {name: [column[i] for i in keep] for name, column in self.columns.items()}

    def state_dict(self) -> dict[str, list[float]]:
        return {name: list(column) for name, column in self.columns.items()}

    def load_state_dict(self, state: Mapping[str, list[float]]) -> None:
        if set(state) != set(self.columns):
            raise ValueError(f"a saved history with columns {tuple(state)}, expected {tuple(self.columns)}")
        self.columns = {name: list(state[name]) for name in self.columns}
