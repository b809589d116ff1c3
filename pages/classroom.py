"""The class: a lecturer starts one and watches the room's answers and hand-ins, live; a student
who opened the class's link sees which class they are in and may give a name."""

import streamlit as st

from lab.classroom.store import ClassInfo, HandIn
from lab.plots.classroom import answers_chart
from lab.scenarios import find
from lab.ui import classroom, keep, link, projector
from lab.ui.page import LESSON_PAGES, page_of, run_through_app

run_through_app()
st.title("Class")
NEW_KEY = "class_new_key"  # the key of the class just made: shown once
REFRESH = 3.0  # seconds between redraws of the class view
OPEN = "class_open"  # (page, code): a hand-in to open in the lecturer's own view


def _start() -> None:
    title, lessons = st.session_state.get("class_title", ""), st.session_state.get("class_lessons", [])
    made, problem = classroom.attempt(lambda s: s.create_class(title, lessons))
    if made is None:
        st.session_state[NEW_KEY] = ("error", problem)
        return
    code, key = made
    classroom.remember_teacher(code, key)
    st.session_state[NEW_KEY] = (code, key)
    st.query_params[classroom.CLASS] = code


def _open_view() -> None:
    code = st.session_state.get("class_open_code", "")
    key = st.session_state.get("class_open_key", "")
    ok, problem = classroom.attempt(lambda s: s.is_teacher(code, key))
    if ok:
        info, _ = classroom.attempt(lambda s: s.find_class(code))
        classroom.remember_teacher(info.code, key)
        st.query_params[classroom.CLASS] = info.code
    else:
        st.session_state[NEW_KEY] = (
            "error",
            problem or "That class code and teacher key do not match: nothing is shown.",
        )


def start_or_open() -> None:
    """A new class, or the class view of one that exists (with its teacher key)."""
    new, old = st.columns(2)
    with new.form("class_start"):
        st.markdown("**Start a class**")
        st.text_input("Title", max_chars=80, placeholder="Lecture 9: GANs", key="class_title")
        st.multiselect(
            "Lessons",
            list(LESSON_PAGES),
            default=list(LESSON_PAGES),
            format_func=lambda name: LESSON_PAGES[name][0],
            key="class_lessons",
            help="Linked on the students' class page, with the class's code in each link.",
        )
        st.form_submit_button("Start", on_click=_start, icon=":material/add:", type="primary")
    with old.form("class_open"):
        st.markdown("**Open a class view**")
        st.text_input("Class code", max_chars=12, key="class_open_code")
        st.text_input("Teacher key", type="password", key="class_open_key")
        st.form_submit_button("Open", on_click=_open_view, icon=":material/key:")


def lesson_links(info: ClassInfo) -> None:
    """The class's lessons, each linked with the class's code in it."""
    for name in info.lessons:
        if name in LESSON_PAGES:
            title, icon = LESSON_PAGES[name]
            st.page_link(
                f"pages/{name}.py", label=title, icon=icon, query_params={classroom.CLASS: info.code}
            )


def student_view(info: ClassInfo) -> None:
    st.success(
        f"You are in the class **{link.plain(info.title, 80)}** ({info.code}). Open any lesson: when a scenario asks "
        "a question, your answer is counted with the class's (anonymously), and *Keep this run → Hand in to the "
        "class* sends your run to the lecturer.",
        icon=":material/groups:",
    )
    st.text_input(
        "Your name, shown with what you hand in (optional; anonymous if empty)",
        value=st.session_state.get(classroom.NAME, ""),
        max_chars=40,
        key="class_name_input",
        on_change=lambda: st.session_state.update({classroom.NAME: st.session_state["class_name_input"]}),
    )
    st.markdown("**The class's lessons**")
    lesson_links(info)


def _reveal(code: str, key: str, run: str, scenario: str) -> None:
    _, problem = classroom.attempt(lambda s: s.reveal(code, key, run, scenario))
    if problem:
        st.toast(problem, icon=":material/error:")


def _lesson_title(run: str) -> str:
    return LESSON_PAGES[page_of(run)][0]


def answers_view(code: str, key: str) -> None:
    """Per question the class answered: how many answered, the distribution, and (once revealed)
    what most runs show."""
    found, problem = classroom.attempt(lambda s: (s.answered(code), s.revealed(code)))
    if found is None:
        st.warning(problem, icon=":material/cloud_off:")
        return
    asked, revealed = found
    if not asked:
        st.info(
            "No answers yet. Open a lesson with a scenario that asks a question (the scenario buttons marked "
            ":material/quiz:) and let the class answer before the run.",
            icon=":material/quiz:",
        )
    for run, name in asked:
        scenario = find(run, name)
        if scenario is None or scenario.question is None:
            continue
        question = scenario.question
        counts, _ = classroom.attempt(
            lambda s, r=run, n=name, q=question: s.tally(code, r, n, len(q.choices))
        )
        counts = counts or [0] * len(question.choices)
        shown = (run, name) in revealed
        with st.container(border=True):
            st.markdown(
                f"**{_lesson_title(run)} · {scenario.title}** — {question.ask} ({sum(counts)} answered)"
            )
            projector.chart(
                st,
                answers_chart(question.choices, tuple(counts), question.answer if shown else None),
                key=f"the class's answers: {scenario.title}",
            )
            if shown:
                st.markdown(
                    f":material/visibility: On most seeds the run shows “{question.choices[question.answer]}”. "
                    f"{scenario.look_for}"
                )
            else:
                st.button(
                    "Reveal what the run shows",
                    key=f"class_reveal_{run}_{name}",
                    on_click=_reveal,
                    args=(code, key, run, name),
                    icon=":material/visibility:",
                )


SORTS = {
    "newest first": (lambda h: -h.at),
    "oldest first": (lambda h: h.at),
    "by name": (lambda h: h.name.lower()),
    "by lesson": (lambda h: (h.run, -h.step)),
    "by step, highest first": (lambda h: -h.step),
}


def handins_view(code: str) -> None:
    """The runs handed in: a gallery the lecturer sorts, opens (into their own view of the lesson)
    and downloads as one zip."""
    handins, problem = classroom.attempt(lambda s: s.handins(code))
    if handins is None:
        st.warning(problem, icon=":material/cloud_off:")
        return
    st.markdown(f"**Runs handed in** ({len(handins)})")
    if not handins:
        st.caption("None yet: a student in the class hands one in from any lesson, under *Keep this run*.")
        return
    left, right = st.columns([2, 1])
    order = left.selectbox("Sort", list(SORTS), key="class_sort")
    keep.download(
        right,
        "Download all (zip)",
        lambda: classroom.attempt(lambda s: s.handins_zip(code))[0] or b"",
        f"class-{code}-handins.zip",
        "application/zip",
        icon=":material/folder_zip:",
        key="class_zip",
    )
    columns = st.columns(3)
    for i, handin in enumerate(sorted(handins, key=SORTS[order])):
        with columns[i % 3].container(border=True):
            files, _ = classroom.attempt(lambda s, h=handin: s.handin_files(code, h.id))
            if files and files[0]:
                st.image(
                    files[0], alt=f"{handin.name}'s run of {_lesson_title(handin.run)} at step {handin.step}"
                )
            st.text(f"{handin.name} · {_lesson_title(handin.run)} · step {handin.step:,}")
            st.caption(" · ".join(f"{k}: {v:.4g}" for k, v in handin.numbers.items()))
            st.button(
                "Open in my view",
                key=f"class_open_{handin.id}",
                icon=":material/open_in_new:",
                on_click=_open,
                args=(code, handin),
                help="Loads this run into your own view of its lesson, as a saved run loads.",
            )


def _open(code: str, handin: HandIn) -> None:
    files, problem = classroom.attempt(lambda s: s.handin_files(code, handin.id))
    if files is None:
        st.session_state[NEW_KEY] = ("error", problem or "That hand-in is gone.")
        return
    keep.open_on_its_page(handin.run, files[1], f"Opened {link.plain(handin.name, 40)}'s run")
    st.session_state[OPEN] = (f"pages/{page_of(handin.run)}.py", code)


def follow() -> None:
    """After "Open in my view": to the hand-in's lesson, in the class."""
    target = st.session_state.pop(OPEN, None)
    if target is not None:
        page, code = target
        st.switch_page(page, query_params={classroom.CLASS: code})


def teacher_view(info: ClassInfo, key: str) -> None:
    st.markdown(f"## {link.plain(info.title, 80)}")
    address = st.context.url or ""
    base = address.split("?")[0].rsplit("/", 1)[0] if address.startswith("http") else ""
    st.markdown(
        f"Students join with the code **`{info.code}`**, or the link (any lesson's link works too, with "
        f"`?class={info.code}` added):"
    )
    st.code(f"{base}/?class={info.code}", language=None)
    with st.expander("The class's lessons (the links carry the class)"):
        lesson_links(info)
    new = st.session_state.get(NEW_KEY)
    if isinstance(new, tuple) and new[0] == info.code:
        st.warning(
            f"Your teacher key: **`{new[1]}`**. It is shown once: write it down to open this view on another "
            "machine. Students never see it.",
            icon=":material/key:",
        )

    @st.fragment(run_every=REFRESH)
    def live() -> None:
        follow()
        answers_view(info.code, key)
        handins_view(info.code)

    live()


follow()
info = classroom.joined()
said = st.session_state.get(NEW_KEY)
if isinstance(said, tuple) and said[0] == "error":
    st.session_state.pop(NEW_KEY)
    st.error(said[1], icon=":material/error:")
key = classroom.teacher_key(info.code) if info else None
if info is not None and key is not None:
    teacher_view(info, key)
    with st.expander("Another class"):
        start_or_open()
elif info is not None:
    student_view(info)
    with st.expander("I teach this class"):
        start_or_open()
else:
    st.markdown(
        "Ask the room, let everyone commit to an answer, show the distribution, then run (peer instruction). "
        "Start a class: the lab gives you a code and a link for the students, and a teacher key for you. "
        "Students who open the link answer a scenario's question on their own screens; here you see what the "
        "room answered, reveal what the run shows, and collect the runs they hand in."
    )
    start_or_open()
