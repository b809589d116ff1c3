"""A scenario clicked while the run plays, in a real browser, on every lesson: the run pauses, the
scenario's fresh run waits at step 0 with nothing of its outcome on screen, and (on the lessons
whose scenario takes at most 600 steps on two cores) "Run it (N steps)" stops at step N exactly."""

import time

import pytest

from tests.e2e.server import (
    artifact,
    play_until,
    skip_without_browser,
    step_count,
    wait_until_idle,
)

pytestmark = pytest.mark.e2e
skip_without_browser()

SCENARIO = {
    "density_estimation": ("seeking", None),
    "gan_playground": ("default", None),
    "optimal_d": ("equal", 500),
    "figure1": ("far_apart", 300),
    "saturation": ("strong_d", 200),
    "vae_latent": ("collapse", None),
    "mnist_gan": ("stable", None),
    "semi_supervised": ("three", None),
}
"""Per lesson page: the scenario clicked, and the steps it runs to where the test runs it (None:
the run to N takes minutes on CI's cores there; tests/app/test_scenarios.py runs it headless)."""

LIVE_TAB = {"saturation": "Side by side, live"}


def _panel(page) -> str:
    return page.locator(".st-key-scenario_panel").inner_text()


@pytest.mark.parametrize("lesson", list(SCENARIO))
def test_a_scenario_clicked_while_playing_waits_at_step_0_then_runs_to_n(app_url, page, lesson):
    name, run_to = SCENARIO[lesson]
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app_url}/{lesson}")
    wait_until_idle(page)
    if lesson in LIVE_TAB:
        page.get_by_role("tab", name=LIVE_TAB[lesson]).click()
    assert play_until(page, 2) > 2  # playing, as in class
    page.locator(f".st-key-scenario_{name} button").click()
    page.wait_for_selector(".st-key-scenario_panel", timeout=60_000)
    wait_until_idle(page)
    time.sleep(2.0)  # a run that still played would move on meanwhile
    assert step_count(page) == 0 and page.locator(".st-key-pause button").count() == 0
    panel = _panel(page)
    assert "Predict first" in panel and "What happened" not in panel, panel
    assert page.locator(".st-key-play button").is_disabled()  # Play waits for the answer
    if run_to is None:
        return
    page.locator(".st-key-scenario_panel [role='radiogroup'] label").first.click()
    wait_until_idle(page)
    page.locator(".st-key-scenario_run button").click()
    page.wait_for_function(
        f"() => /step {run_to:,}:/.test(document.querySelector('.st-key-scenario_panel').innerText)"
        " && !document.querySelector('.st-key-pause button')",
        timeout=180_000,
    )
    wait_until_idle(page)
    time.sleep(1.0)
    assert step_count(page) == run_to, step_count(page)
    assert "Right" in _panel(page) or "Not quite" in _panel(page) or "none of the choices" in _panel(page)
    page.screenshot(path=artifact(f"scenario_while_playing_{lesson}.png"))
