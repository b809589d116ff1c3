"""An automated accessibility check (axe-core, through Playwright) on the home page and every lesson,
before and after Play: no critical and no serious violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from bench.browser import LESSONS, first_picture
from tests.e2e.server import browser_page, chromium, play_a_moment, skip_without_browser, wait_until_idle

pytestmark = pytest.mark.e2e
skip_without_browser()


def serious_violations(page) -> list[str]:
    """axe-core's critical and serious violations on the page as it is, one line each."""
    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — {v['nodes'][0]['html'][:120]}"
        for v in found
        if v["impact"] in ("critical", "serious")
    ]


def test_no_critical_or_serious_violation_on_any_page_before_or_after_play(app_url):
    problems = []
    with browser_page(1440, 900) as page:
        page.goto(app_url)
        wait_until_idle(page)
        problems += [f"home: {p}" for p in serious_violations(page)]
        for name in LESSONS:
            first_picture(page, app_url, name)
            problems += [f"{name} before Play: {p}" for p in serious_violations(page)]
            play_a_moment(page, name)
            problems += [f"{name} after Play: {p}" for p in serious_violations(page)]
    assert not problems, "\n".join(problems)


def test_no_critical_or_serious_violation_on_any_page_in_the_dark_theme(app_url):
    """The dark theme a student may choose (here: the system's, as the browser reports it), every page
    before Play: the captions' and labels' contrast holds there too."""
    problems = []
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 900}, color_scheme="dark").new_page()
        page.goto(app_url)
        wait_until_idle(page)
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
            != "rgb(255, 255, 255)"
        )
        for name in LESSONS:
            first_picture(page, app_url, name)
            problems += [f"{name}, dark: {p}" for p in serious_violations(page)]
    assert not problems, "\n".join(problems)


def test_no_critical_or_serious_violation_with_the_loop_diagram_and_the_units_shown(app_url):
    """The pictures of issue 'see inside': the loop as a diagram (slow motion), the networks' units."""
    with browser_page(1440, 900) as page:
        page.goto(f"{app_url}/gan_playground?units=true&k=2")
        wait_until_idle(page, "[data-testid='stVegaLiteChart']")
        page.locator(".st-key-slow_next button").first.click()
        page.wait_for_selector("text=sub-step 1 of 7", timeout=30_000)
        wait_until_idle(page, "[data-testid='stVegaLiteChart']")
        for picture in ("[aria-label^='the loop, as a diagram']", '[aria-label^="D\'s first-layer units"]'):
            page.wait_for_selector(
                picture, timeout=30_000
            )  # drawn after the sub-step's text, on a busy machine
            assert page.locator(picture).count() == 1
        problems = serious_violations(page)
    assert not problems, "\n".join(problems)
