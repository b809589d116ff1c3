"""Runs side by side in processes of their own (`SideBySide(parallel=True)`) against the same runs
stepped in turn in this process: the processes change nothing a student can see."""

import os
from functools import partial
from typing import Any

import pytest

from lab.gan.figure1 import Figure1Config, figure1_run
from lab.protocol import SideBySide, TrainingDiverged
from tests.unit.test_protocol import assert_identical

SMALL = Figure1Config(compare="losses", width=8, batch_size=32, jsd_every=4)


def _runs(config: Figure1Config, parallel: bool) -> SideBySide:
    return SideBySide(config, Figure1Config.sides, partial(figure1_run, device=None), parallel=parallel)


def _histories(trainer: SideBySide) -> list[Any]:
    return [(run.history.state_dict(), run.evals.state_dict()) for run in trainer.runs]


def test_runs_in_processes_equal_runs_in_turn_bit_for_bit_whenever_they_are_read():
    apart, in_turn = _runs(SMALL, parallel=True), _runs(SMALL, parallel=False)
    for n in (1, 2, 5, 0, 9):  # read after each call: the copies catch up from any row
        apart.step(n), in_turn.step(n)
        assert apart.step_count == in_turn.step_count
        assert_identical(_histories(apart), _histories(in_turn))
    faster = Figure1Config(**{**SMALL.__dict__, "lr_d": 3e-3, "k": 2})
    apart.update(faster), in_turn.update(faster)
    apart.step(7), in_turn.step(7)  # not read in between: seven steps ahead
    assert_identical(apart.state_dict(), in_turn.state_dict())


def test_a_saved_state_loaded_into_runs_in_processes_continues_as_in_turn():
    source = _runs(SMALL, parallel=False)
    source.step(6)
    apart, in_turn = _runs(SMALL, parallel=True), _runs(SMALL, parallel=False)
    apart.step(3)  # somewhere else first: loading replaces it
    for trainer in (apart, in_turn):
        trainer.load_state_dict(source.state_dict())
        trainer.step(5)
    assert apart.step_count == 11
    assert_identical(apart.state_dict(), in_turn.state_dict())


def _built_here_only(config: Figure1Config, home: int):
    assert os.getpid() == home, "built again in a run's process"
    return figure1_run(config)


def test_each_process_is_given_its_run_as_built_here_not_built_again():
    """A run's `build` may be costly (D's head start): the processes get the runs pickled."""
    apart = SideBySide(SMALL, Figure1Config.sides, partial(_built_here_only, home=os.getpid()), parallel=True)
    apart.step(3)
    in_turn = _runs(SMALL, parallel=False)
    in_turn.step(3)
    assert_identical(apart.state_dict(), in_turn.state_dict())


def test_a_run_that_diverges_in_its_process_raises_here_and_stops_where_it_stopped():
    wild = Figure1Config(**{**SMALL.__dict__, "optimizer": "sgd", "lr_d": 1e8, "lr_g": 1e8})
    apart, in_turn = _runs(wild, parallel=True), _runs(wild, parallel=False)
    for trainer in (apart, in_turn):
        with pytest.raises(TrainingDiverged, match="NaN or infinite"):
            for _ in range(20):
                trainer.step(4)
    assert apart.step_count == in_turn.step_count > 0
    assert_identical(_histories(apart)[0], _histories(in_turn)[0])  # in turn, the first run stops the rest
    assert [run.step_count for run in apart.runs] == [apart.step_count] * 2  # the copies caught up
