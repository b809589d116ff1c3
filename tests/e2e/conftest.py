"""Browser-test fixtures: one app server per test worker (as a class shares one server), a fresh
page of its own per test in the worker's one Chromium. Tests that need a server of their own (its
log, its replicas, its class store) start it themselves."""

import pytest

from tests.e2e.server import browser_page, close_browser, streamlit_app


@pytest.fixture(scope="session")
def app_url():
    with streamlit_app() as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def _the_workers_chromium():
    yield
    close_browser()


@pytest.fixture
def page():
    with browser_page() as page:
        yield page
        _pause_what_plays(page)


def _pause_what_plays(page) -> None:
    """A test that ends with a run playing pauses it, as a student closing the tab would have it
    pause by itself some seconds later: the server's next test must not share its cores with it."""
    try:
        for _ in range(3):
            pause = page.locator(".st-key-pause button")
            if pause.count() == 0:
                return
            pause.first.click(timeout=5_000)
            page.wait_for_timeout(500)
    except Exception:  # a page that broke has been reported by its test already
        return
