"""Values under the pointer: hovering the playground's loss curve shows the step and the loss there
(`lab.plots.vega.with_tooltips`). Screenshot: artifacts/tooltip_loss.png."""

import pytest

from tests.e2e.server import artifact, browser_page, play_until, skip_without_browser, wait_until_idle

pytestmark = pytest.mark.e2e
skip_without_browser()


def test_the_loss_curve_tells_its_step_and_value_under_the_pointer(app_url):
    with browser_page(1440, 900) as page:
        page.goto(f"{app_url}/gan_playground")
        wait_until_idle(page)
        play_until(page, 200)
        page.locator(".st-key-pause button").first.click()
        wait_until_idle(page)
        box = page.locator("[data-testid='stVegaLiteChart']:visible").nth(1).bounding_box()  # the losses
        tip = page.locator("#vg-tooltip-element.visible")
        for y in range(int(box["y"]) + 10, int(box["y"] + box["height"]) - 10, 5):
            for x in range(int(box["x"]) + 40, int(box["x"] + box["width"]) - 5, 6):
                page.mouse.move(x, y)
                if tip.count():
                    break
            if tip.count():
                break
        page.screenshot(path=artifact("tooltip_loss.png"))
        assert tip.count(), "no tooltip anywhere over the loss curve"
        text = tip.inner_text()
        assert "generator step" in text and "loss (nats)" in text, text
