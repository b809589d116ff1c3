"""Lesson links in a real browser: on every page, change several controls, open the address in a
fresh browser context, see the same settings and, with the same seed, the same first step; a
locked control cannot be moved, a hidden one is not there."""

import time
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.server import artifact, skip_without_browser, step_count, wait_until_idle

pytestmark = pytest.mark.e2e
skip_without_browser()

# Per page: the controls to change, each (key, how): "right" presses → on a slider, "click" flips a
# toggle or opens a tab, "type:<n>" types a number.
CHANGES = {
    "gan_playground": [("k", "right"), ("lr_d", "right"), ("seed", "type:7")],
    "optimal_d": [("d_depth", "right"), ("d_lr", "right"), ("d_seed", "type:3")],
    "figure1": [("f1_k", "right"), ("f1_seed", "type:2")],
    "saturation": [("sat_k", "right"), ("sat_pretrain", "right"), ("sat_seed", "type:3")],
    "vae_latent": [("vae_beta", "right"), ("vae_latent", "right"), ("vae_seed", "type:5")],
    "mnist_gan": [("mg_k", "right"), ("mg_seed", "type:9")],
    "density_estimation": [("de_components", "right"), ("de_seed", "type:1")],
    "semi_supervised": [("ss_labels_moons", "right"), ("ss_seed", "type:4")],
}
TABS = {"saturation": "Side by side, live"}  # a tab to open first: its controls live there


def _idle(page) -> None:
    time.sleep(0.3)
    wait_until_idle(page)


def _change(page, key: str, how: str) -> None:
    box = page.locator(f".st-key-{key}")
    if how == "right":
        box.locator("input[type=range]").focus()
        page.keyboard.press("ArrowRight")
    elif how == "click":
        box.locator("label").first.click()
    else:
        field = box.locator("input")
        field.fill(how.removeprefix("type:"))
        field.press("Enter")
    _idle(page)


def _value(page, key: str) -> str:
    box = page.locator(f".st-key-{key}")
    if box.locator("input[type=range]").count():
        return box.locator("input[type=range]").get_attribute("aria-valuetext")
    if box.locator("input[type=checkbox]").count():
        return str(box.locator("input[type=checkbox]").is_checked())
    if box.locator("input").count():
        return box.locator("input").input_value()
    return box.inner_text()


def _open(page, url: str, tab: str | None) -> None:
    page.goto(url)
    wait_until_idle(page)
    if tab and page.get_by_role("tab", name=tab).get_attribute("aria-selected") != "true":
        page.get_by_role("tab", name=tab).click()
    page.wait_for_selector(
        "[data-testid='stMain'] :is([data-testid='stVegaLiteChart'], [data-testid='stImage']):visible",
        timeout=60_000,
    )
    _idle(page)


def _first_step(page) -> tuple[list[str], bytes]:
    """Press Step once; the metrics' values and the first visible chart's pixels."""
    for _ in range(3):  # a click that lands while the page is still rerunning is lost: click again
        page.locator(".st-key-step button:visible").first.click()
        deadline = time.monotonic() + 20
        while step_count(page) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        if step_count(page) > 0:
            break
    _idle(page)
    metrics = page.locator("[data-testid='stMetricValue']:visible").all_inner_texts()
    chart = page.locator("[data-testid='stMain'] [data-testid='stVegaLiteChart']:visible").first
    return metrics, chart.screenshot()


@pytest.mark.parametrize("lesson", list(CHANGES))
def test_a_link_reproduces_the_view_and_its_first_step(app_url, page, lesson):
    _open(page, f"{app_url}/{lesson}", TABS.get(lesson))
    for key, how in CHANGES[lesson]:
        _change(page, key, how)
    link = page.url
    query = parse_qs(urlparse(link).query)
    assert {key for key, _ in CHANGES[lesson]} | ({"tab"} if lesson in TABS else set()) <= set(query), link
    values = {key: _value(page, key) for key, _ in CHANGES[lesson]}
    first = _first_step(page)
    assert step_count(page) > 0

    fresh = page.context.browser.new_context(viewport=page.viewport_size).new_page()
    _open(fresh, link, TABS.get(lesson))
    assert {key: _value(fresh, key) for key in values} == values
    assert _first_step(fresh) == first, "the same seed and settings gave a different first step"
    assert fresh.locator("[data-testid='stException']").count() == 0
    fresh.context.close()


def test_a_locked_control_cannot_be_moved_and_a_hidden_one_is_not_there(app_url, page):
    _open(page, f"{app_url}/gan_playground?k=3&lock=k,data&hide=width,noise_dim", None)
    assert page.locator(".st-key-k input[type=range]").is_disabled()
    page.locator(".st-key-k input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    _idle(page)
    assert _value(page, "k") == "3"
    assert page.locator(".st-key-width").is_hidden() and page.locator(".st-key-noise_dim").is_hidden()
    assert page.locator(".st-key-depth").is_visible()
    assert "k = 3" in page.locator("[data-testid='stMain']").inner_text()


def test_the_lesson_link_popover(app_url, page):
    page.set_viewport_size({"width": 1280, "height": 720})
    _open(page, f"{app_url}/gan_playground?k=3&data=Two+moons", None)
    page.get_by_text("Lesson link").click()
    page.locator(".st-key-link_hide_gan_playground input").click()
    page.keyboard.type("Width")  # the list is long and drawn only where it shows: filter it first
    page.get_by_role("option", name="Width (units per layer) (width)").click()
    page.keyboard.press("Escape")  # closes the list; on a busy machine, at times the popover too
    _idle(page)
    body = page.locator("[data-testid='stPopoverBody']")
    if not body.is_visible():
        page.get_by_text("Lesson link").click()
    code = body.locator("code").inner_text()
    assert "/gan_playground?" in code and "k=3" in code and "hide=width" in code, code
    page.screenshot(path=artifact("lesson_link.png"))
    fresh = page.context.browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    _open(fresh, code.strip(), None)
    assert fresh.locator(".st-key-width").is_hidden() and _value(fresh, "k") == "3"
    fresh.context.close()


def test_a_scenario_asks_first_and_projector_mode_reads_from_afar(app_url, page):
    """Screenshots for docs/: a scenario's question, its answer beside what happened, projector mode."""
    page.set_viewport_size({"width": 1280, "height": 720})
    _open(page, f"{app_url}/optimal_d", None)
    page.locator(".st-key-scenario_linear button").click()
    page.wait_for_selector(".st-key-scenario_panel", timeout=60_000)  # the click's rerun has drawn
    _idle(page)
    assert page.locator(".st-key-play button").is_disabled()
    page.screenshot(path=artifact("scenario_question.png"))
    page.get_by_text("no: σ(wx + b) only rises").click()
    _idle(page)
    page.locator(".st-key-scenario_run button").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('strong')].some(s => s.innerText.startsWith('What happened'))"
        " && /step 2,000:/.test(document.querySelector('.st-key-scenario_panel').innerText)",
        timeout=240_000,  # 2,000 steps: a minute on a busy two-core machine, longer when it is loaded
    )
    _idle(page)
    panel = page.locator(".st-key-scenario_panel").inner_text()
    assert "Right" in panel and "max |D − D*|" in panel
    page.screenshot(path=artifact("scenario_answer.png"))
    _open(page, f"{app_url}/gan_playground?projector=true", None)
    page.locator(".st-key-step button").first.click()
    _idle(page)
    page.locator(".st-key-step button").first.click()
    _idle(page)
    size = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")
    assert size == "22px", size
    page.screenshot(path=artifact("projector_mode.png"))


def test_slow_motion_mid_iteration(app_url, page):
    """Screenshot for docs/: the playground in slow motion, at D's update and at G's."""
    page.set_viewport_size({"width": 1280, "height": 720})
    _open(page, f"{app_url}/gan_playground?batch_size=32", None)
    for number in range(1, 4):
        page.locator(".st-key-slow_next button").first.click()
        page.wait_for_function(
            f"() => document.querySelector('[data-testid=stMain]').innerText.includes('sub-step {number} of 4')"
        )
    _idle(page)
    assert "Update D by ascending" in page.locator("[data-testid='stMain']").inner_text()
    page.mouse.move(1000, 700)  # no tooltip over the picture
    page.screenshot(path=artifact("slow_motion_d.png"))
    page.locator(".st-key-slow_next button").first.click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stMain]').innerText.includes('sub-step 4 of 4')"
    )
    _idle(page)
    page.mouse.move(1000, 700)
    page.screenshot(path=artifact("slow_motion_g.png"))
    assert step_count(page) == 1
