"""Run the app (`streamlit run app.py`) on a free local port and read a page in headless Chromium
(Playwright, Debian's chromium): for the benchmarks that measure the app as a student sees it, and
for the browser tests (`tests/e2e/server.py` builds on this module)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lab.ui.page import LESSON_PAGES

ROOT = Path(__file__).resolve().parents[1]
LESSONS = tuple(LESSON_PAGES)
"""Every lesson page (pages/<name>.py), in the menu's order."""
CHARTS = "[data-testid='stVegaLiteChart'], [data-testid='stImage'], [data-testid='stPlotlyChart']"
"""What counts as a picture on a page."""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class AppServer:
    """A running `streamlit run app.py`: its URL and its process, read from /proc (Linux)."""

    url: str
    process: subprocess.Popen
    log: Path

    def threads(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/task"))

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS in /proc")

    def cpu_seconds(self) -> float:
        """User and system CPU time the server has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def app_server(
    timeout: float = 60.0,
    port: int | None = None,
    env: dict[str, str] | None = None,
    cores: set[int] | None = None,
    options: tuple[str, ...] = (),
) -> Iterator[AppServer]:
    """The app in a subprocess (on `port`, with `env` added, pinned to `cores`, with more
    `--option value` pairs); yields it and stops it afterwards. Its log is kept in a temporary
    file, and named in the error if the server does not start."""
    port = port or free_port()
    with tempfile.NamedTemporaryFile("w", prefix=f"streamlit-{port}-", suffix=".log", delete=False) as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", *options],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None,
        )  # fmt: skip
    server = AppServer(f"http://127.0.0.1:{port}", proc, Path(log.name))
    try:
        deadline = time.monotonic() + timeout
        while not healthy(server.url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (exit code {proc.poll()}); see {log.name}")
            time.sleep(0.3)
        yield server
        server.log.unlink(missing_ok=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def streamlit_app(timeout: float = 60.0) -> Iterator[str]:
    """The app in a subprocess; yields its base URL and stops it afterwards."""
    with app_server(timeout) as server:
        yield server.url


def healthy(url: str, path: str = "/_stcore/health") -> bool:
    """Whether `url` + `path` answers "ok" (Streamlit's health endpoint by default)."""
    try:
        with urllib.request.urlopen(f"{url}{path}", timeout=2) as answer:
            return answer.read().strip() == b"ok"
    except OSError:
        return False


@contextmanager
def chromium() -> Iterator:
    """Headless Chromium (Debian's, through Playwright), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def browser_page(width: int = 1600, height: int = 1100) -> Iterator:
    """A Playwright page in headless Chromium."""
    with chromium() as browser:
        yield browser.new_page(viewport={"width": width, "height": height})


def open_session(browser, url: str, page: str = "gan_playground", timeout: float = 60.0):
    """A new browser session on `page` (its own context: its own cookies and websocket), once the
    page has drawn its first chart."""
    tab = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    tab.goto(f"{url}/{page}")
    wait_until_idle(tab, "[data-testid='stVegaLiteChart']", timeout=timeout)
    return tab


def wait_until_idle(page, selector: str = "h1", timeout: float = 60.0) -> None:
    """Wait until the app has drawn `selector` in the main area and finished its script run: the
    app's own run state says so (the "Running..." widget shows only some time after a run starts,
    so a page drawn halfway can look idle by it alone)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout * 1000)
    page.wait_for_selector(f"[data-testid='stMain'] {selector}", timeout=timeout * 1000)
    page.wait_for_function(
        """() => document.querySelector("[data-testid='stApp']").dataset.testScriptState === "notRunning"
            && !document.querySelector("[data-testid='stStatusWidget']")""",
        timeout=timeout * 1000,
    )


def step_count(page) -> int:
    """The step number in the run's status line ('Step 1,234 · ...')."""
    text = page.locator("strong", has_text=re.compile(r"^Step [\d,]+$")).first.inner_text()
    return int(re.sub(r"\D", "", text))


def split_cores() -> tuple[set[int], set[int]]:
    """(the server's core, the browsers' cores): the first core this process may use for the server,
    the rest for the browsers (on a one-core machine both share it)."""
    cores = sorted(os.sched_getaffinity(0))
    return {cores[0]}, set(cores[1:]) or {cores[0]}


def play(page) -> None:
    """Press a page's Play and wait until it shows Pause."""
    page.locator(".st-key-play button").click()
    page.wait_for_selector(".st-key-pause button", timeout=60_000)


def first_picture_from_menu(page, url: str, lesson: str, timeout: float = 120.0) -> float:
    """From the home page, drawn, click the lesson in the menu and wait for its first picture; the
    seconds that took (then wait until the page is idle). The home page's own picture is marked
    once drawn and before the click, so that only a picture of the lesson counts."""
    in_main = f"[data-testid='stMain'] :is({CHARTS})"
    page.goto(url)
    wait_until_idle(page)
    page.wait_for_selector(in_main, state="visible", timeout=timeout * 1000)
    page.evaluate(
        "(s) => document.querySelectorAll(s).forEach((el) => { el.dataset.before = '1'; })", in_main
    )
    started = time.perf_counter()
    page.locator(f"[data-testid='stSidebarNav'] a[href$='/{lesson}']").click()
    page.wait_for_function(
        """([s, path]) => location.pathname.endsWith(path) && [...document.querySelectorAll(s)].some(
            (el) => !el.dataset.before && el.getBoundingClientRect().height > 0)""",
        arg=[in_main, f"/{lesson}"],
        timeout=timeout * 1000,
    )
    seconds = time.perf_counter() - started
    wait_until_idle(page)
    return seconds


def first_picture(page, url: str, lesson: str, timeout: float = 120.0) -> float:
    """Open the lesson's address and wait for its first picture; the seconds that took (then wait
    until the page is idle)."""
    started = time.perf_counter()
    page.goto(f"{url}/{lesson}")
    page.wait_for_selector(f"[data-testid='stMain'] :is({CHARTS})", state="visible", timeout=timeout * 1000)
    seconds = time.perf_counter() - started
    wait_until_idle(page)
    return seconds
