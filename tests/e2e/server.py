"""The browser tests' helpers: the app comes from `bench.browser` (one implementation for the tests
and the benchmarks); here what only tests need: one Chromium per test worker, artifacts, Play, skipping."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.browser import (  # noqa: F401  (re-exported for the tests)
    CHROMIUM,
    CHROMIUM_FLAGS,
    ROOT,
    step_count,
    streamlit_app,
    wait_until_idle,
)

_worker: dict[str, Any] = {}  # this test worker's Playwright and Chromium, once launched


def _browser():
    """This test worker's Chromium, launched on first use (a launch costs about a second) and again
    if it has gone; closed at the end of the test session (`tests/e2e/conftest.py`)."""
    if "browser" not in _worker or not _worker["browser"].is_connected():
        from playwright.sync_api import sync_playwright

        if "playwright" not in _worker:
            _worker["playwright"] = sync_playwright().start()
        _worker["browser"] = _worker["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
    return _worker["browser"]


def close_browser() -> None:
    if "playwright" in _worker:
        if _worker.get("browser") is not None and _worker["browser"].is_connected():
            _worker["browser"].close()
        _worker.pop("playwright").stop()
        _worker.clear()


@contextmanager
def chromium() -> Iterator:
    """The worker's Chromium; every context opened in it meanwhile (each student's, each page's) is
    closed afterwards, as closing a Chromium of one's own would close them: a fresh browser's state
    for each test, without a launch each."""
    browser = _browser()
    before = list(browser.contexts)
    try:
        yield browser
    finally:
        for context in browser.contexts:
            if context not in before:
                context.close()


@contextmanager
def browser_page(width: int = 1600, height: int = 1100) -> Iterator:
    """A page of its own (its own context: its own cookies and websocket) in the worker's Chromium."""
    with chromium() as browser:
        yield browser.new_page(viewport={"width": width, "height": height})


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def _artifacts() -> Path:
    path = ROOT / "artifacts"
    path.mkdir(exist_ok=True)
    return path


def artifact(name: str) -> Path:
    """Where a test or benchmark leaves a screenshot or log (the folder is not committed)."""
    return _artifacts() / name


def play_until(page, steps: int, timeout: float = 180.0) -> int:
    """Press Play and wait until the step count shown passes `steps` (a machine busy with other work
    only makes this slower: speed is the benchmarks' business, not the tests'); that count."""
    page.locator(".st-key-play button").click()
    page.wait_for_selector(".st-key-pause button", timeout=30_000)
    return wait_for_steps(page, steps, timeout)


LIVE_TABS = {"saturation": "Side by side, live"}
"""Lessons whose live view is in a tab other than the first."""


def play_a_moment(page, lesson: str) -> None:
    """On the lesson's live view, press Play, let it train a second, press Pause and wait until idle."""
    if lesson in LIVE_TABS:
        page.get_by_role("tab", name=LIVE_TABS[lesson]).click()
    page.locator(".st-key-play button").click()
    page.wait_for_selector(".st-key-pause button", timeout=30_000)
    time.sleep(1.0)
    page.locator(".st-key-pause button").click()
    page.wait_for_selector(".st-key-play button", timeout=30_000)
    wait_until_idle(page)


def wait_for_steps(page, steps: int, timeout: float = 180.0) -> int:
    """Wait until the step count shown passes `steps`; that count (the last one read, at the deadline)."""
    deadline = time.monotonic() + timeout
    count = step_count(page)
    while count <= steps and time.monotonic() < deadline:
        time.sleep(0.5)
        count = step_count(page)
    return count


def skip_without_browser() -> None:
    """At the top of a browser-test module: skip it where Debian's Chromium is missing (CI, where
    REQUIRE_BROWSER is set, fails instead)."""
    import pytest

    if not chromium_available():
        if os.environ.get("REQUIRE_BROWSER"):
            raise RuntimeError("REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
