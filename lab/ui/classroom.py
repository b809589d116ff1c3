"""The class as one room, on every page: which class this session is in (`?class=CODE`), a
student's answers recorded for it, their runs handed in; the store is `lab.classroom.store`.

The store may be down: then every function here says so and returns, and the lesson goes on (its
run, Save the run) as it would without a class.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
import streamlit as st

from lab import saved_run
from lab.classroom.store import ClassInfo, Store, StoreError, normal_code, share
from lab.saved_run import RunFileError
from lab.scenarios import Question
from lab.ui import link

CLASS = "class"  # the query parameter of a student link, ?class=CODE
_JOINED = "class_joined"  # the code of the class this session is in
_STUDENT = "class_student"  # this session's anonymous id (one browser tab = one student)
NAME = "class_name"  # the name the student chose to show (optional)
TEACHER = "class_teacher"  # {code: key} of the classes this session teaches
DOWN = (
    "The class's store cannot be reached right now, so this was not recorded. Your run goes on, and "
    "Save the run still works; try again in a moment."
)
T = TypeVar("T")


@st.cache_resource(max_entries=1, show_spinner=False)
def _store() -> Store:
    return Store()


def store() -> Store | None:
    """The lab's one store (made once per server process), or None where it cannot be reached."""
    try:
        return _store()
    except sa.exc.SQLAlchemyError:
        return None


def attempt(action: Callable[[Store], T]) -> tuple[T | None, str | None]:
    """`action(store)`, and None; or None and the message for the student: a refusal of the store
    (`StoreError`, meant to be read) or the store down."""
    found = store()
    if found is None:
        return None, DOWN
    try:
        return action(found), None
    except StoreError as err:
        return None, str(err)
    except sa.exc.SQLAlchemyError:
        _store.clear()  # make it again next time: the server may be back
        return None, DOWN


def student() -> str:
    """This session's anonymous id (no account; a name is shown only if the student gives one)."""
    return st.session_state.setdefault(_STUDENT, secrets.token_hex(8))


def joined() -> ClassInfo | None:
    """The class this session is in: from the link's ?class=CODE the first time (kept for the
    session, and put back in the address so a copied link carries it), None if none or unknown."""
    state = st.session_state
    asked = st.query_params.get(CLASS)
    code = normal_code(asked) if asked else state.get(_JOINED)
    if code is None:
        if asked:
            link.notice(f"The link's class={link.plain(asked, 12)} is no class code: ignored.")
        return None
    info, problem = attempt(lambda s: s.find_class(code))
    if problem is not None:  # the store is down: stay in the class, each answer says so
        state[_JOINED] = code
        return None
    if info is None:
        state.pop(_JOINED, None)
        link.notice(f"The class {code} does not exist (it may have expired): this page is not in a class.")
        return None
    state[_JOINED] = info.code
    if st.query_params.get(CLASS) != info.code:
        st.query_params[CLASS] = info.code
    return info


def sidebar_badge() -> None:
    """A line in the sidebar of every page of a class: which class, and leaving it."""
    info = joined()
    if info is None and in_class():
        st.sidebar.warning(
            "The class's store cannot be reached: answers and hand-ins wait until it is back. The lesson works.",
            icon=":material/cloud_off:",
        )
    elif info is not None and teacher_key(info.code):
        st.sidebar.caption(
            f":material/groups: You teach the class **{link.plain(info.title, 60)}** ({info.code})."
        )
    elif info is not None:
        st.sidebar.caption(
            f":material/groups: In the class **{link.plain(info.title, 60)}** ({info.code}): your answers "
            "to a scenario's question are counted with the class's, anonymously."
        )


def record_answer(run: str, scenario: str, choice: int) -> str | None:
    """Record this student's answer for their class; what to tell them (None: not in a class)."""
    code = in_class()
    if code is None:
        return None
    _, problem = attempt(lambda s: s.answer(code, student(), run, scenario, choice))
    return problem or "Your answer is recorded for your class."


def class_line(run: str, scenario: str, question: Question) -> str | None:
    """'Your class: 62 % chose “…”, 13 answered' for the student's class, or None outside one."""
    code = in_class()
    if code is None:
        return None
    counts, problem = attempt(lambda s: s.tally(code, run, scenario, len(question.choices)))
    if counts is None:
        return problem
    if not sum(counts):
        return "Nobody in your class has answered yet."
    top = max(range(len(counts)), key=counts.__getitem__)
    return (
        f":material/groups: Your class: {share(counts)[top]:.0%} chose “{link.plain(question.choices[top], 200)}” "
        f"({sum(counts)} answered)."
    )


def in_class() -> str | None:
    """The code of the class this session is in (kept by `joined`), or None."""
    return st.session_state.get(_JOINED)


def hand_in(
    run: str, run_file: bytes, picture: bytes, step: int, numbers: dict[str, float]
) -> tuple[bool, str]:
    """Send a run of `run` to the class: whether it was committed, and what to tell the student.
    A file that does not load as a run of `run` (`lab.saved_run`) is refused here, before the store."""
    code = in_class()
    if code is None:
        return False, "This page is not in a class: open the class's link first."
    try:
        saved_run.load(run_file, run)
    except RunFileError as err:
        return False, f"This run cannot be handed in: {link.plain(str(err), 300)}."
    name = st.session_state.get(NAME, "")
    handed, problem = attempt(
        lambda s: s.hand_in(code, student(), name, run, step, numbers, picture, run_file)
    )
    if handed is None:
        return False, problem or DOWN
    return True, f"Handed in: your run at step {step:,} is with your class's lecturer."


def teacher_key(code: str) -> str | None:
    return st.session_state.get(TEACHER, {}).get(code)


def remember_teacher(code: str, key: str) -> None:
    st.session_state.setdefault(TEACHER, {})[code] = key
