"""The first ten seconds at the screen sizes a lecture meets: every page at four sizes, before and
after Play, and each of its tabs and parts, with no chart over another or past the page; the live picture on the first screen of
a 1280x720 projector; and how long a lesson takes to draw its first picture."""

import time

import pytest

from bench.browser import first_picture
from tests.app.pages import LESSONS
from tests.e2e.layout import CHARTS, chart_boxes, layout_problems
from tests.e2e.server import artifact, browser_page, play_a_moment, skip_without_browser, wait_until_idle

pytestmark = pytest.mark.e2e
skip_without_browser()

SIZES = [(1280, 720), (1366, 768), (1440, 900), (1920, 1080)]


_open = first_picture


OTHER_VIEWS = {
    "optimal_d": [("radio", "2-D: a learned generator")],
    "figure1": [("radio", "Far apart (disjoint supports)")],
    "saturation": [("tab", "The three losses"), ("tab", "(3) as a KL")],
    "semi_supervised": [("radio", "MNIST digits")],
    "vae_latent": [
        ("tab", "Reconstructions"),
        ("tab", "Samples from the prior"),
        ("tab", "Interpolation"),
        ("tab", "Decoded manifold"),
    ],
}
"""The rest of each page, walked after Play: tabs and parts a student opens next."""


RERUN_SHOWS = {  # a radio reruns the page, which then shows this text
    "2-D: a learned generator": "mean |D − D*| where the mass is",
    "Far apart (disjoint supports)": "eight standard deviations from p_data",
    "MNIST digits": "What G makes",
}


def _show(page, kind: str, name: str) -> None:
    if kind == "tab":
        page.get_by_role("tab", name=name).click()
        time.sleep(0.5)  # the tab's underline slides over
    else:
        page.get_by_text(name, exact=True).click()
        page.get_by_text(RERUN_SHOWS[name]).wait_for(timeout=30_000)
    wait_until_idle(page)


def _problems_at_every_size(page, where: str, shot: str | None = None) -> list[str]:
    """The layout's problems at each of the four sizes, the page resized in place (as a laptop
    plugged into a projector is): each read once the charts have settled at that size. `shot`:
    a full-page screenshot's name, taken at 1280x720."""
    problems = []
    for width, height in (*SIZES[1:], SIZES[0]):  # the page is at 1280x720: it ends where it began
        page.set_viewport_size({"width": width, "height": height})
        _settled(page)
        problems += [f"{where} at {width}x{height}: {p}" for p in layout_problems(page)]
    if shot:
        page.screenshot(path=artifact(shot), full_page=True)
    return problems


def _settled(page, tries: int = 40) -> None:
    """Wait until the charts' boxes are the same on two reads a quarter second apart (a resize
    redraws each chart at its new width)."""
    last = None
    for _ in range(tries):
        page.wait_for_timeout(250)
        boxes = chart_boxes(page)
        if boxes == last:
            return
        last = boxes


def test_no_chart_overlaps_another_or_runs_past_the_page_at_any_of_four_sizes(app_url):
    """Every page, before and after Play and in each of its tabs and parts, at each of the four sizes;
    on a 1280x720 screen the first picture starts on the first screen."""
    width, height = SIZES[0]
    problems = []
    with browser_page(width, height) as page:
        page.goto(app_url)
        wait_until_idle(page)
        problems += _problems_at_every_size(page, "home")
        for name in LESSONS:
            _open(page, app_url, name)
            _, boxes = chart_boxes(page)
            top = min(b["y"] for b in boxes)
            if top >= height:
                problems.append(f"{name}: the first picture starts at y = {top:.0f}, below the first screen")
            page.screenshot(path=artifact(f"first_screen_{name}.png"))
            problems += _problems_at_every_size(page, f"{name} before Play")
            play_a_moment(page, name)
            problems += _problems_at_every_size(page, f"{name} after Play")
            for kind, view in OTHER_VIEWS.get(name, []):
                _show(page, kind, view)
                slug = view.split(":")[0].replace(" ", "_").replace("(", "").replace(")", "")
                problems += _problems_at_every_size(page, f"{name}, {view}", f"view_{name}_{slug}.png")
    assert not problems, "\n".join(problems)


def test_projector_mode_at_720p_leads_with_a_picture_and_names_every_lesson_whole(app_url):
    """Projector mode (?projector=true) at 1280x720: on every lesson the first picture starts on the
    first screen with at least 100 px of it showing, no chart overlaps another, and no lesson's name
    in the menu is cut short. Screenshots: artifacts/projector_<lesson>.png."""
    problems = []
    with browser_page(1280, 720) as page:
        for name in LESSONS:
            page.goto(f"{app_url}/{name}?projector=true")
            page.wait_for_selector(f"[data-testid='stMain'] :is({CHARTS})", state="visible", timeout=60_000)
            wait_until_idle(page)
            _, boxes = chart_boxes(page)
            top = min(b["y"] for b in boxes)
            if top > 720 - 100:
                problems.append(f"{name}: the first picture starts at y = {top:.0f}")
            problems += [f"{name}: {p}" for p in layout_problems(page)]
            cut = page.evaluate(
                """() => [...document.querySelectorAll("[data-testid='stSidebarNav'] a span")]
                .filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.innerText)"""
            )
            problems += [f"{name}: the menu cuts '{label}' short" for label in cut]
            page.screenshot(path=artifact(f"projector_{name}.png"))
    assert not problems, "\n".join(problems)


def _on_screen(page, key: str, width: int) -> bool:
    """Whether the button `key` lies within the screen's width (a folded sidebar puts it left of 0)."""
    button = page.locator(f".st-key-{key} button:visible").first
    box = button.bounding_box() if button.count() else None
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width and box["width"] > 40


SMALL_SCREENS = {
    "tablet 1024x768": (1024, 768),
    "phone 390x844": (390, 844),
    "1280x720 at 200 % zoom": (640, 360),
}
"""CSS pixels: a page zoomed to 200 % on a 1280 × 720 screen lays out as a 640 × 360 one."""


@pytest.mark.parametrize("screen", SMALL_SCREENS)
def test_every_lesson_fits_a_tablet_a_phone_and_200_percent_zoom(app_url, screen):
    """Nothing runs off the page sideways (no horizontal scrolling), no chart overlaps another, the
    first picture is there, and Play, Step and Reset are reachable (on a narrow screen the sidebar
    opens from its button)."""
    width, height = SMALL_SCREENS[screen]
    problems = []
    with browser_page(width, height) as page:
        for name in LESSONS:
            _open(page, app_url, name)
            problems += [f"{name}: {p}" for p in layout_problems(page)]
            wide, seen = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if wide > seen + 1:
                problems.append(f"{name}: the page is {wide} px wide on a {seen}-px screen")
            page.screenshot(path=artifact(f"small_{screen.split()[0]}_{name}.png"))
            page.locator(".st-key-play button").first.wait_for(state="attached", timeout=30_000)
            expand = page.locator("[data-testid='stExpandSidebarButton']")
            if not _on_screen(page, "play", width) and expand.count():  # a narrow screen folds the sidebar
                expand.first.click()
            for _ in range(50):  # the sidebar slides in; a busy machine draws it later
                if _on_screen(page, "play", width):
                    break
                page.wait_for_timeout(200)
            problems += [
                f"{name}: {key} cannot be reached"
                for key in ("play", "step", "reset")
                if not _on_screen(page, key, width)
            ]
    assert not problems, "\n".join(problems)
