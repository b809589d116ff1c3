"""The server's log over a sweep of every slider's ends: each lesson opened from a link that sets every
slider it shows to its lowest end, then one that sets them all to their highest (so ends meet ends:
β = 0 with lr 0.1 with a 32-d latent), a step taken each time; then the log of `streamlit run app.py`
is read, and holds no warning, error or traceback (a blank chart's 0/0 leaves a RuntimeWarning there)."""

import re
from urllib.parse import urlencode

import pytest

from bench.browser import app_server
from tests.app.pages import LESSONS, open_page
from tests.e2e.server import browser_page, skip_without_browser, wait_until_idle

pytestmark = pytest.mark.e2e
skip_without_browser()

TROUBLE = re.compile(r"warning|error|traceback|exception", re.IGNORECASE)


def _slider_ends(lesson: str) -> tuple[dict[str, str], dict[str, str]]:
    """Every slider the lesson shows at first, as link values: ({key: lowest}, {key: highest})."""
    at = open_page(f"pages/{lesson}.py")
    low, high = {}, {}
    for widget in at.slider:
        low[widget.key], high[widget.key] = f"{widget.min:g}", f"{widget.max:g}"
    for widget in at.select_slider:
        low[widget.key], high[widget.key] = str(widget.options[0]), str(widget.options[-1])
    return low, high


def test_every_sliders_ends_leave_nothing_in_the_servers_log():
    links = [(lesson, ends) for lesson in LESSONS for ends in _slider_ends(lesson)]
    with app_server() as server, browser_page(1440, 900) as page:
        for lesson, ends in links:
            page.goto(f"{server.url}/{lesson}?{urlencode(ends)}")
            wait_until_idle(page)
            text = page.inner_text("[data-testid='stMain']")
            assert "was refused" not in text, (lesson, ends, text[:400])
            step = page.locator(".st-key-step button")
            if step.count():
                step.first.click()
                wait_until_idle(page)
            assert not page.locator("[data-testid='stException']").count(), (lesson, ends)
        log = server.log.read_text()
    trouble = [line for line in log.splitlines() if TROUBLE.search(line)]
    assert len(links) == 2 * len(LESSONS) and not trouble, trouble
