"""The class in AppTest: a lecturer starts one, students join by its link, answer a scenario and
hand in a run; the lecturer sees the distribution, reveals the answer and opens a hand-in."""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from bench import postgres
from lab.classroom.store import normal_code
from lab.scenarios import find
from lab.ui import classroom
from tests.app.pages import open_page, opened_with, step_count

QUESTION = find("density_estimation", "one_gaussian").question  # shown at step 0: no run to wait for


def start_class(title: str = "Lecture 9") -> tuple[AppTest, str, str]:
    """The lecturer's session, its class code and teacher key (read off the page, as a lecturer would)."""
    at = open_page("pages/classroom.py")
    at.text_input(key="class_title").set_value(title)
    at.button(key="FormSubmitter:class_start-Start").click().run()
    assert not at.exception, at.exception
    shown = next(w.value for w in at.warning if "teacher key" in w.value)
    key = shown.split("`")[1]
    code = at.query_params[classroom.CLASS]
    code = code[0] if isinstance(code, list) else code
    assert normal_code(code) == code and any(f"?class={code}" in c.value for c in at.code)
    return at, code, key


def answer(code: str, choice: str) -> AppTest:
    """A student's session: the class's link to density estimation, the scenario's question answered."""
    at = opened_with("pages/density_estimation.py", {classroom.CLASS: code})
    assert any(code in c.value for c in at.sidebar.caption)
    ask(at, choice)
    return at


def ask(student: AppTest, choice: str) -> None:
    """Open the scenario, answer `choice` and show the run's answer."""
    student.button(key="scenario_one_gaussian").click().run()
    next(r for r in student.radio if r.key and r.key.startswith("scenario_answer")).set_value(choice).run()
    student.button(key="scenario_run").click().run()
    assert not student.exception, student.exception


def answer_again(student: AppTest, choice: str) -> None:
    """Leave the scenario, then `ask` again."""
    student.button(key="scenario_leave").click().run()
    ask(student, choice)


def test_a_class_pools_its_students_answers_and_the_lecturer_reveals_the_run():
    lecturer, code, key = start_class()
    first, second, third = QUESTION.choices[0], QUESTION.choices[1], QUESTION.choices[1]
    answer(code, first)
    answer(code, second)
    last = answer(code, third)
    assert "Your answer is recorded for your class." in [c.value for c in last.caption]
    assert any("Your class: 67% chose" in m.value and "(3 answered)" in m.value for m in last.markdown)
    lecturer.run()
    assert any("(3 answered)" in m.value for m in lecturer.markdown)
    assert not any("On most seeds the run shows" in m.value for m in lecturer.markdown)
    lecturer.button(key="class_reveal_density_estimation_one_gaussian").click().run()
    assert any(
        f"On most seeds the run shows “{QUESTION.choices[QUESTION.answer]}”" in m.value
        for m in lecturer.markdown
    )


def test_a_student_hands_in_a_run_and_the_lecturer_opens_it_in_their_view():
    lecturer, code, key = start_class()
    student = opened_with("pages/gan_playground.py", {classroom.CLASS: code})
    student.button(key="step").click().run()
    student.button(key="step").click().run()
    steps = step_count(student)
    assert steps > 0
    student.button(key="gan_playground_hand_in").click().run()
    assert any("Handed in: your run at step" in s.value for s in student.success), [
        e.value for e in student.error
    ]
    lecturer.run()
    assert any(f"anonymous · GAN playground · step {steps:,}" in t.value for t in lecturer.text)
    opened = next(b for b in lecturer.button if b.key and b.key.startswith("class_open_"))
    opened.click().run()
    assert not lecturer.exception, lecturer.exception
    assert lecturer.title[0].value == "GAN playground" and step_count(lecturer) == steps
    assert any("Opened anonymous's run at step" in s.value for s in lecturer.success)


def test_a_wrong_teacher_key_shows_nothing_of_the_class():
    _, code, key = start_class()
    other = open_page("pages/classroom.py")
    other.text_input(key="class_open_code").set_value(code)
    other.text_input(key="class_open_key").set_value(key[::-1])
    other.button(key="FormSubmitter:class_open-Open").click().run()
    assert any("do not match" in e.value for e in other.error)
    assert not any(m.value.startswith("## ") for m in other.markdown)
    assert not any(f"?class={code}" in c.value for c in other.code)
    other.text_input(key="class_open_key").set_value(key)
    other.button(key="FormSubmitter:class_open-Open").click().run()
    assert any(f"?class={code}" in c.value for c in other.code)


@pytest.mark.parametrize("link", ["NOPE99", "<b>x</b>"])
def test_a_link_to_no_class_says_so_and_the_lesson_works(link):
    at = opened_with("pages/density_estimation.py", {classroom.CLASS: link})
    assert any("class" in w.value for w in at.warning) and not any(
        "In the class" in c.value for c in at.sidebar.caption
    )
    at.button(key="step").click().run()
    assert not at.exception and step_count(at) > 0


def test_the_database_stopped_mid_lesson_loses_nothing_acknowledged(monkeypatch):
    """PostgreSQL behind the lab: a student answers; the server stops: the next answer is refused
    with a message, the run goes on, the sidebar says so; the server is back: the next is recorded."""
    if not postgres.available():
        if os.environ.get("REQUIRE_BROWSER"):
            raise RuntimeError(
                "REQUIRE_BROWSER is set but PostgreSQL is missing (apt-get install postgresql)"
            )
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")
    with postgres.throwaway_postgres() as server:
        monkeypatch.setenv("LAB_DATABASE_URL", server.url)
        classroom._store.clear()
        lecturer, code, key = start_class()
        student = answer(code, QUESTION.choices[0])
        assert "Your answer is recorded for your class." in [c.value for c in student.caption]

        server.stop()
        answer_again(student, QUESTION.choices[2])
        assert not student.exception, student.exception
        assert classroom.DOWN in [c.value for c in student.caption]
        student.button(key="step").click().run()
        assert step_count(student) > 0 and any(
            "cannot be reached" in w.value for w in student.sidebar.warning
        )
        lecturer.run()
        assert not lecturer.exception and any("cannot be reached" in w.value for w in lecturer.warning)

        server.start()
        answer_again(student, QUESTION.choices[1])
        assert "Your answer is recorded for your class." in [c.value for c in student.caption]
        lecturer.run()
        assert any("(1 answered)" in m.value for m in lecturer.markdown)
