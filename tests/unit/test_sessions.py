"""Each session's runs outlive a brief disconnect and go once Streamlit has let go of the session."""

import pytest

from lab.ui import sessions
from tests.unit.test_runner import CountingTrainer, _wait_for


@pytest.fixture
def two_sessions(monkeypatch):
    monkeypatch.setattr(sessions, "_runs", {})
    monkeypatch.setattr(sessions, "_last_connected", {})
    monkeypatch.setattr(sessions, "_streamlit_id", {})
    runs = {}
    for session in ("alice", "bob"):
        monkeypatch.setattr(sessions, "_session_key", lambda s=session: s)
        monkeypatch.setattr(sessions, "_streamlit_session_id", lambda s=session: f"streamlit-{s}")
        runs[session] = sessions.runner("gan_playground", CountingTrainer, CountingTrainer.snapshot)
        assert sessions.runner("gan_playground", CountingTrainer, CountingTrainer.snapshot) is runs[session]
    yield runs
    for run in runs.values():
        run.stop()


def test_each_session_has_its_own_run(two_sessions):
    alice, bob = two_sessions["alice"], two_sessions["bob"]
    assert alice is not bob and alice.trainer is not bob.trainer
    alice.step(3)
    assert (alice.status().step, bob.status().step) == (3, 0)


def test_a_disconnected_session_keeps_its_run_for_the_ttl_then_loses_it(two_sessions):
    alice = two_sessions["alice"]
    alice.play()
    assert _wait_for(lambda: alice.status().step > 0)
    connected = {"streamlit-alice": False, "streamlit-bob": True}.get
    start = sessions._last_connected["alice"]
    assert sessions.sweep(connected, ttl=25, now=start + 20) == 0  # a brief drop: kept
    assert alice.thread_alive
    assert sessions.sweep(connected, ttl=25, now=start + 26) == 1  # gone for longer than the TTL
    assert not alice.thread_alive
    assert "alice" not in sessions._runs and "bob" in sessions._runs
    assert len(sessions._runs) == 1


def test_a_session_that_reconnects_starts_its_grace_again(two_sessions):
    start = sessions._last_connected["alice"]
    assert sessions.sweep(lambda s: True, ttl=25, now=start + 100) == 0  # connected: seen now
    assert sessions.sweep(lambda s: False, ttl=25, now=start + 120) == 0  # only 20 s since
    assert sessions.sweep(lambda s: False, ttl=25, now=start + 126) == 2


def test_close_all_stops_every_run(two_sessions):
    for run in two_sessions.values():
        run.play()
    assert _wait_for(lambda: all(run.thread_alive for run in two_sessions.values()))
    sessions.close_all()
    assert sessions._runs == {}
    assert not any(run.thread_alive for run in two_sessions.values())
