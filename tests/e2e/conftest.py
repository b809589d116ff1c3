"""Browser-test fixtures: one app server per module, one fresh Chromium page per test."""

import pytest

from tests.e2e.server import browser_page, streamlit_app


@pytest.fixture(scope="module")
def app_url():
    with streamlit_app() as url:
        yield url


@pytest.fixture
def page():
    with browser_page() as page:
        yield page
