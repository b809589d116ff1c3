"""The class in real browsers: a lecturer and three students, each in a browser context of their
own. The students join by the class's link and answer a scenario's question, one hands in a run;
the lecturer's class view shows the three answers, their distribution and the hand-in, and opens it."""

from __future__ import annotations

import re

import pytest

from bench.browser import app_server, wait_until_idle
from lab.scenarios import find
from tests.e2e.server import artifact, chromium, skip_without_browser, step_count
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
skip_without_browser()
SCENARIO = find("density_estimation", "one_gaussian")  # its answer shows at step 0: no run to wait for


def _tab(browser, url: str):
    tab = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    tab.goto(url)
    wait_until_idle(tab)
    return tab


def start_class(browser, url: str):
    lecturer = _tab(browser, f"{url}/classroom")
    lecturer.locator(".st-key-class_title input").fill("Lecture 9")
    lecturer.get_by_role("button", name="Start").click()
    lecturer.wait_for_selector("text=Your teacher key", timeout=30_000)
    code = re.search(r"\?class=([A-Z0-9]{6})", lecturer.locator("[data-testid='stCode']").first.inner_text())[
        1
    ]
    return lecturer, code


def answer(browser, url: str, code: str, choice: int):
    student = _tab(browser, f"{url}/density_estimation?class={code}")
    student.locator(f".st-key-scenario_{SCENARIO.name} button").click()
    radio = student.locator(f".st-key-scenario_answer_density_estimation_{SCENARIO.name}")
    radio.get_by_text(SCENARIO.question.choices[choice], exact=True).click()
    student.locator(".st-key-scenario_run button").click()
    student.wait_for_selector("text=Your answer is recorded for your class.", timeout=30_000)
    return student


def test_a_lecturer_and_three_students_share_one_class():
    with app_server() as server, chromium() as browser:
        lecturer, code = start_class(browser, server.url)
        students = [answer(browser, server.url, code, choice) for choice in (0, 1, 1)]
        assert students[2].get_by_text("Your class: 67% chose", exact=False).count() == 1

        handing = students[0]
        handing.locator(".st-key-step button").first.click()
        handing.wait_for_selector("strong:has-text('Step 1')", timeout=30_000)
        handing.locator(".st-key-density_estimation_keep button").first.click()
        handing.get_by_role("button", name="Hand in to the class").first.click()
        handing.wait_for_selector("text=Handed in: your run at step 1", timeout=60_000)

        lecturer.wait_for_selector("text=(3 answered)", timeout=30_000)
        lecturer.wait_for_selector("text=anonymous · Density estimation · step 1", timeout=30_000)
        wait_until_idle(lecturer)
        lecturer.screenshot(path=artifact("class_view.png"), full_page=True)
        assert not serious_violations(lecturer)  # axe-core, as on every lesson
        lecturer.locator(".st-key-projector label").first.click()
        wait_until_idle(lecturer)
        lecturer.screenshot(path=artifact("class_view_projector.png"), full_page=True)

        lecturer.get_by_role("button", name="Open in my view").first.click()
        lecturer.wait_for_selector("text=Opened anonymous's run at step 1", timeout=60_000)
        assert "density_estimation" in lecturer.url and step_count(lecturer) == 1
