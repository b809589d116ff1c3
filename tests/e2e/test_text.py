"""What a class reads: every page's visible text, before and after a few seconds of training, holds
no internal name (ring8, non_saturating, metric0, d_loss) and no number as a program prints it (None,
nan, -0.00, 0.123456789, '1 steps/s', '1 Gaussians', 'component(s)')."""

import re

import pytest

from tests.app.pages import LESSONS
from tests.e2e.server import browser_page, play_until, skip_without_browser, wait_until_idle

pytestmark = pytest.mark.e2e
skip_without_browser()

RAW = {
    "an internal name": r"\b(ring8|grid25|moons2|non_saturating|log_ratio|metric\d|d_loss|g_loss|high_quality)\b",
    "a missing value as Python writes it": r"\b(None|nan|NaN|inf)\b",
    "a negative zero": r"(?<![\d.])[-−]0\.0+(?![0-9]*[1-9])\b",
    "a float in full": r"\d\.\d{6,}",
    "a plural after one": r"\b1 (steps|Gaussians|components|frames|modes)\b",
    "a '(s)' plural": r"\w\(s\)",
}


def _visible_text(page) -> str:
    """The main area's and the sidebar's text nodes, one to a line (a chart's tick labels stay
    apart), KaTeX's hidden MathML copy left out."""
    return page.evaluate(
        """() => {
          const lines = [];
          for (const root of document.querySelectorAll("[data-testid='stMain'], [data-testid='stSidebar']")) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              if (node.parentElement.closest(".katex-mathml, style, script")) continue;
              const text = node.textContent.trim();
              if (text) lines.push(text);
            }
          }
          return lines.join("\\n");
        }"""
    )


def _problems(text: str, where: str) -> list[str]:
    found = []
    for what, pattern in RAW.items():
        for match in re.finditer(pattern, text):
            line = text[max(0, match.start() - 60) : match.end() + 20].replace("\n", " ")
            found.append(f"{where}: {what} '{match.group()}' in '…{line}…'")
    return found


@pytest.mark.parametrize("lesson", ["", *LESSONS])
def test_every_page_reads_as_people_write(app_url, lesson):
    problems = []
    with browser_page(1440, 900) as page:
        page.goto(f"{app_url}/{lesson}")
        wait_until_idle(page)
        problems += _problems(_visible_text(page), f"{lesson or 'home'} at first")
        if lesson:
            tab = {"saturation": "Side by side, live"}.get(lesson)
            if tab:
                page.get_by_role("tab", name=tab).click()
            play_until(page, 20)
            page.locator(".st-key-pause button").click()
            page.wait_for_selector(".st-key-play button", timeout=60_000)
            wait_until_idle(page)
            problems += _problems(_visible_text(page), f"{lesson} after training")
    assert not problems, "\n".join(problems)
