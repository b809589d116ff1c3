"""What every trainer of the lab is, for the engine and the pages alike: the `Trainer` protocol,
the one error a diverging run raises, when a changed config still belongs to the same run, and
`SideBySide`, several runs trained together as one."""

from __future__ import annotations

import itertools
import os
import pickle
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

import torch


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
    same time when `parallel`.

    Parallel runs step in processes of their own (`_Pool`): threads of one process overlap little
    on networks this small, since each holds Python's lock between torch's short kernels. `runs`
    are then this process's copies, brought to the state their runs reached whenever they are read,
    so views read them as they would read one trainer. Parallel runs must share no random state with
    this process (GANTrainers draw from generators of their own) and must pickle: each process gets a
    pickled copy of its run as built here, so `build`'s work (a discriminator's head start, say) is
    done once."""

    def __init__(
        self,
        config: Any,
        sides: Callable[[Any], Sequence[tuple[str, Any]]],
        build: Callable[[Any], Trainer],
        parallel: bool = False,
    ) -> None:
        self.config = config
        self.sides = sides
        titled = sides(config)
        self.titles = [title for title, _ in titled]
        self.copies = [build(side) for _, side in titled]
        self.device = self.copies[0].device
        self.steps_ahead = 0  # steps the parallel runs took that the copies have not caught up with
        self.pool = _Pool.shared(len(self.copies)) if parallel else None
        if self.pool is not None:
            self.key = self.pool.keep(self.copies)
            weakref.finalize(self, self.pool.drop, self.key)

    @property
    def runs(self) -> list[Any]:
        """Each run, up to date."""
        if self.steps_ahead:
            self.pool.catch_up(self.key, self.copies)
            self.steps_ahead = 0
        return self.copies

    @property
    def step_count(self) -> int:
        return self.copies[0].step_count + self.steps_ahead

    def step(self, n: int = 1) -> dict[str, float]:
        """n steps of every run; the first run's latest metrics."""
        if self.pool is None:
            return [run.step(n) for run in self.copies][0]
        try:
            metrics = self.pool.ask_each(self.key, "step", [n] * len(self.copies))[0]
        except Exception:  # a run diverged part way: the copies take the step it stopped at
            self.pool.catch_up(self.key, self.copies)
            self.steps_ahead = 0
            raise
        self.steps_ahead += n
        return metrics

    def update(self, config: Any) -> None:
        if not same_run(self.config, config):
            raise ValueError("only " + ", ".join(config.live_fields) + " can change mid-run")
        self.config = config
        sides = [side for _, side in self.sides(config)]
        for run, side in zip(self.runs, sides, strict=True):
            run.update(side)
        if self.pool is not None:
            self.pool.ask_each(self.key, "update", sides)

    def state_dict(self) -> dict[str, Any]:
        return {"runs": [run.state_dict() for run in self.runs]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for run, saved in zip(self.runs, state["runs"], strict=True):
            run.load_state_dict(saved)
        if self.pool is not None:
            self.pool.ask_each(self.key, "load", state["runs"])


def start_processes(processes: int = 3) -> None:
    """Start the processes that parallel runs step in, if not started: the first side-by-side lesson
    then finds Python and torch loaded in them instead of waiting seconds for it."""
    _Pool.shared(processes)


def _is_history(value: Any) -> bool:
    """Whether a state entry is a history's (`History.state_dict`: a dict of lists, the rows)."""
    return isinstance(value, dict) and bool(value) and all(isinstance(c, list) for c in value.values())


class _Pool:
    """Processes that keep runs and step them when asked, one per side: the i-th run of every
    parallel `SideBySide` lives in the i-th process (`serve`). A step's answer is its metrics; a
    copy catches up with the run's state, the histories' rows it has not seen only, so catching
    up costs about as much at step 10,000 as at step 10."""

    _shared: _Pool | None = None
    _made = threading.Lock()

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []
        self.lock = threading.Lock()  # one request to the processes at a time, answered in full
        self.keys = itertools.count()
        self.dropped: list[int] = []

    @classmethod
    def shared(cls, processes: int) -> _Pool:
        """The server's one pool, with at least `processes` processes."""
        with cls._made:
            if cls._shared is None:
                cls._shared = cls()
            pool = cls._shared
            with pool.lock:
                while len(pool.processes) < processes:
                    pool.processes.append(_start())
            return pool

    def keep(self, runs: Sequence[Trainer]) -> int:
        """Keep a copy of each run in its process (the run pickled whole, not built again); the runs' key."""
        key = next(self.keys)
        self.ask_each(key, "keep", runs)
        return key

    def catch_up(self, key: int, copies: Sequence[Trainer]) -> None:
        """Each copy here takes the state its run reached in its process."""
        for copy, (state, news) in zip(
            copies, self.ask_each(key, "state", [None] * len(copies)), strict=True
        ):
            mine = copy.state_dict()
            for name, (start, rows) in news.items():
                state[name] = {column: mine[name][column][:start] + rows[column] for column in rows}
            copy.load_state_dict(state)

    def ask_each(self, key: int, what: str, arguments: Sequence[Any]) -> list[Any]:
        """Send the i-th process (what, key, i-th argument) and wait for every answer; an error
        raised there is raised here."""
        with self.lock:
            dropped = self.dropped.copy()
            del self.dropped[: len(dropped)]  # not `= []`: a finalizer may append in between
            asked = self.processes[: len(arguments)]
            try:
                for process, argument in zip(asked, arguments, strict=True):
                    pickle.dump((dropped, what, key, argument), process.stdin)
                    process.stdin.flush()
                answers = [pickle.load(process.stdout) for process in asked]  # our own children's answers
            except (EOFError, OSError) as err:  # a process died (out of memory, killed): start afresh
                for process in self.processes:
                    process.kill()
                _Pool._shared = None
                raise RuntimeError("a side-by-side run's process has stopped: start the run again") from err
        for failed, answer in answers:
            if failed:
                raise answer
        return [answer for _, answer in answers]

    def drop(self, key: int) -> None:
        """Forget a run that is gone here (told with the next request: a finalizer may run at any time)."""
        self.dropped.append(key)


def _start() -> subprocess.Popen:
    """A pool process: a plain `python -c`, not multiprocessing, whose children would import and run
    `__main__` again (under Streamlit, the app)."""
    return subprocess.Popen(
        [sys.executable, "-c", "from lab.protocol import serve; serve()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[1],  # where `lab` is imported from
    )


def serve() -> None:
    """A pool process's loop: keep the runs it is sent, by key; step, update, load, read them as the server asks on
    stdin; answer each on stdout (what prints goes to stderr)."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    torch.set_num_threads(1)  # one core per run: the runs side by side share the machine's cores
    runs: dict[int, Trainer] = {}
    sent: dict[int, dict[str, int]] = {}  # per run, how many rows of each history the server has
    while True:
        try:
            dropped, what, key, argument = pickle.load(sys.stdin.buffer)  # from the server that started us
        except EOFError:  # the server has gone
            return
        for gone in dropped:
            runs.pop(gone, None), sent.pop(gone, None)
        try:
            answer = None
            if what == "keep":
                runs[key] = argument
                sent[key] = {}
            elif what == "step":
                answer = runs[key].step(argument)
            elif what == "state":
                state, news = runs[key].state_dict(), {}
                for name, value in list(state.items()):
                    if _is_history(value):
                        start = max(0, sent[key].get(name, 0) - 1)  # the last row sent may since be replaced
                        news[name] = (
                            start,
                            {column: rows[start:] for column, rows in state.pop(name).items()},
                        )
                        sent[key][name] = len(value["step"])
                answer = (state, news)
            elif what == "update":
                runs[key].update(argument)
            elif what == "load":
                runs[key].load_state_dict(argument)
                sent[key] = {}
            reply = (False, answer)
        except Exception as err:  # a diverged run, say: raised again in the server
            reply = (True, err)
        pickle.dump(reply, answers)
        answers.flush()
