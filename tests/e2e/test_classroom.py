"""A classroom on one server, in real browsers: two students' runs stay their own, and a closed tab's
training stops and its thread goes within 30 s."""

from __future__ import annotations

import time

import pytest

from bench.browser import app_server, open_session
from tests.e2e.server import chromium, play_until, skip_without_browser, step_count

pytestmark = pytest.mark.e2e
skip_without_browser()


def test_two_students_train_their_own_runs_and_a_closed_tab_stops_within_30_s():
    with app_server() as server, chromium() as browser:
        alice, bob = open_session(browser, server.url), open_session(browser, server.url)
        idle_threads = server.threads()
        assert play_until(alice, 20) > 20
        assert step_count(bob) == 0  # Bob's run did not move
        bob.locator(".st-key-step button").first.click()
        bob.wait_for_selector("strong:has-text('Step 1')", timeout=30_000)
        assert server.threads() > idle_threads  # Alice's run trains in a thread of its own

        alice.context.close()  # Alice closes her tab while her run plays
        closed = time.monotonic()
        while server.threads() > idle_threads and time.monotonic() - closed < 30:
            time.sleep(1)
        assert server.threads() <= idle_threads, "the closed tab's training thread is gone within 30 s"
        assert step_count(bob) == 1  # and Bob's page is as he left it
