"""The browser tests' helpers: the app and Chromium come from `bench.browser` (one implementation
for the tests and the benchmarks); here what only tests need: artifacts, Play, skipping."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from bench.browser import (  # noqa: F401  (re-exported for the tests)
    CHROMIUM,
    ROOT,
    browser_page,
    step_count,
    streamlit_app,
    wait_until_idle,
)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def _artifacts() -> Path:
    path = ROOT / "artifacts"
    path.mkdir(exist_ok=True)
    return path


def artifact(name: str) -> Path:
    """Where a test or benchmark leaves a screenshot or log (the folder is not committed)."""
    return _artifacts() / name


def play_for(page, seconds: float) -> int:
    """Press Play, let the run train for `seconds`, return the step count shown."""
    page.locator(".st-key-play button").click()
    page.wait_for_selector(".st-key-pause button", timeout=30_000)
    time.sleep(seconds)
    return step_count(page)


def skip_without_browser() -> None:
    """At the top of a browser-test module: skip it where Debian's Chromium is missing (CI, where
    REQUIRE_BROWSER is set, fails instead)."""
    import pytest

    if not chromium_available():
        if os.environ.get("REQUIRE_BROWSER"):
            raise RuntimeError("REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
