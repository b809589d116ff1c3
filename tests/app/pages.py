"""Opening the app and its pages in AppTest, and reading what a user reads off them."""

import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.browser import LESSONS  # noqa: F401  (every lesson page, for the tests)
from lab.runner import RunStatus
from lab.ui import sessions

TIMEOUT = 60

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


def open_page(path: str) -> AppTest:
    """The app switched to pages/<path>, loaded without an exception."""
    at = open_app()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def opened_with(page: str, params: dict[str, str | list[str]]) -> AppTest:
    """A fresh session that opens `page` (pages/<name>.py) from a link with `params`, as a new
    browser tab would."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page(page)
    for name, text in params.items():
        at.query_params[name] = text
    at.run()
    assert not at.exception, at.exception
    return at


def wait_for_run(at: AppTest, run: str, until: Callable[[RunStatus], bool], timeout: float = 90.0) -> None:
    """Wait until `until(status)` holds for the session's run `run` (a page's name, say), reading only its
    status: a rerun of the page meanwhile would draw, and take the training thread's turns. Then run the
    page once, to draw what the student would see."""
    runner = sessions.runs_of(at.session_state[sessions.KEY])[run]
    deadline = time.monotonic() + timeout
    while not until(runner.status()) and time.monotonic() < deadline:
        time.sleep(0.1)
    at.run()


def step_count(at: AppTest) -> int:
    """The step number in the status line ('**Step 1,234** · ...')."""
    line = next(md.value for md in at.markdown if md.value.startswith("**Step "))
    return int(line.split("**")[1].removeprefix("Step ").replace(",", ""))


def run_line(at: AppTest, marker: str) -> str:
    """The caption that describes the run (the first one containing `marker`)."""
    return next(c.value for c in at.caption if marker in c.value)


def metric(at: AppTest, label: str) -> str:
    """The value of the first metric whose label starts with `label`."""
    return next(m.value for m in at.metric if m.label.startswith(label))


def charts(at: AppTest) -> list:
    """Every Vega-Lite chart the page drew, in order (their `proto.alt` is the accessible name)."""

    def walk(node):
        children = getattr(node, "children", None) or {}
        for child in children.values() if isinstance(children, dict) else children:
            yield child
            yield from walk(child)

    return [e for e in walk(at._tree) if getattr(e, "type", None) == "vega_lite_chart"]
