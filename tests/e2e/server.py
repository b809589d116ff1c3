"""Start `streamlit run app.py` on a free local port and open pages in Debian's Chromium.

Shared by the browser tests and the benchmarks that measure the app as a student sees it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_app(timeout: float = 60.0) -> Iterator[str]:
    """Run the app in a subprocess; yield its base URL; stop it afterwards."""
    port = _free_port()
    log_path = artifact(f"streamlit-{port}.log")  # kept only if the server fails to start
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (exit code {proc.poll()}); see {log_path}")
            time.sleep(0.3)
        yield url
        log_path.unlink(missing_ok=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _artifacts() -> Path:
    path = ROOT / "artifacts"
    path.mkdir(exist_ok=True)
    return path


def artifact(name: str) -> Path:
    """Where a test or benchmark leaves a screenshot or log (the folder is not committed)."""
    return _artifacts() / name


@contextmanager
def browser_page(width: int = 1600, height: int = 1100) -> Iterator:
    """A Playwright page in Debian's headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


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


def wait_until_idle(page, selector: str = "h1", timeout: float = 60.0) -> None:
    """Wait for the app to draw `selector` (the page title by default) and finish its run."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout * 1000)
    page.wait_for_selector(f"[data-testid='stMain'] {selector}", timeout=timeout * 1000)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")",
        timeout=timeout * 1000,
    )


def step_count(page) -> int:
    """The step number shown in the status line ('Step 1,234 · ...')."""
    text = page.locator("strong", has_text=re.compile(r"^Step [\d,]+$")).first.inner_text()
    return int(re.sub(r"\D", "", text))
