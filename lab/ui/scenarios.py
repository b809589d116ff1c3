"""A lesson's scenarios: one button each in the sidebar; above the picture, the scenario's question
(predict, then run), and once it ran, the answer next to what happened (see `lab.scenarios`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from lab import warm_start
from lab.runner import Runner, RunStatus
from lab.saved_run import RunFileError
from lab.scenarios import SCENARIOS, Question, Scenario, find
from lab.ui import classroom, keep, link, live, projector
from lab.ui.run_line import run_line

ACTIVE = "scenario_active"  # {"run", "name", "answer", "before", "trained"}: the scenario on screen
LEFT = "scenario_left"  # the title of the scenario just left, said once
REQUEST = "scenario_request"  # {"run", "fresh", "steps"}: what the run must do on the next page run


def show(run: str, runner: Runner, config: Any, buttons: Any) -> None:
    """The scenarios of `run` (the name the page gave live.start_run, with its `config`): buttons in
    `buttons`, and the active one's panel here, above the picture. Carries out a scenario's request
    on the run."""
    scenarios = SCENARIOS.get(run, ())
    if not scenarios:
        return
    with buttons:
        st.markdown("**Scenarios** (one click each)")
        for scenario in scenarios:
            st.button(
                scenario.title,
                key=f"scenario_{scenario.name}",
                on_click=_choose,
                args=(run, scenario, runner),
                icon=":material/quiz:" if scenario.question else ":material/science:",
                width="stretch",
            )
    request = st.session_state.get(REQUEST)
    if request and request["run"] == run:
        del st.session_state[REQUEST]
        status = runner.status()
        if request["fresh"] and (status.step or status.running):
            # whatever was playing: the scenario's fresh run waits at step 0 (live.runner_for made
            # it already where the scenario changed the data, architecture or seed)
            runner.reset(live.trainer_maker(run)(config), pause=True)
        if request["steps"]:
            runner.play_until(request["steps"])
    left = st.session_state.pop(LEFT, None)
    if left:
        st.info(
            f"Left the scenario “{left}”: every control is back as it was before it.", icon=":material/undo:"
        )
    active = st.session_state.get(ACTIVE)
    scenario = find(run, active["name"]) if active and active["run"] == run else None
    if scenario is not None and not _on_screen(scenario, runner):
        st.session_state.pop(ACTIVE)
        st.session_state[live.WAITING] = None
        st.info(
            f"A control changed, so the scenario “{scenario.title}” closed: the run on screen is no longer "
            "its run.",
            icon=":material/science:",
        )
    elif scenario is not None:
        _panel(run, scenario, active, runner)


def _on_screen(scenario: Scenario, runner: Runner) -> bool:
    """Whether the run on screen is the scenario's (at its own seed), setting for setting."""
    config = runner.trainer.config
    return run_line(config) == run_line(replace(scenario.config, seed=config.seed))


def _choose(run: str, scenario: Scenario, runner: Runner) -> None:
    """Button callback: pause what plays, the scenario's setting on every control but the seed (a
    scenario's claim holds on most seeds: the student's own is kept), a fresh run, and either the
    question or the run at once. The part of the page (a tab) where the buttons are stays open."""
    runner.pause()
    before = link.current_values()
    seeds = tuple(key for key in link.control_keys() if key.endswith("seed"))
    link.set_controls(dict(scenario.controls), keep=(projector.KEY, *seeds, *link.parts()))
    st.session_state[ACTIVE] = {"run": run, "name": scenario.name, "answer": None, "before": before}
    st.session_state[REQUEST] = {
        "run": run,
        "fresh": True,
        "steps": None if scenario.question else scenario.steps,
    }
    st.session_state[live.WAITING] = run if scenario.question else None
    st.session_state[live.SCENARIO_FRESH] = run


def _answer(run: str, scenario: Scenario, key: str) -> None:
    """ "Run it" callback: keep the student's answer (and record it for their class, if they are in
    one), then play the run to the scenario's step."""
    _keep_answer(run, scenario, st.session_state[key])
    st.session_state[REQUEST] = {"run": run, "fresh": False, "steps": scenario.steps}
    st.session_state[live.WAITING] = None


def _leave() -> None:
    """Close the panel and put every control back as it was before the scenario, saying so."""
    active = st.session_state.pop(ACTIVE, None)
    st.session_state[live.WAITING] = None
    if active:
        link.set_controls(active["before"])
        st.session_state[LEFT] = find(active["run"], active["name"]).title


def _keep_answer(run: str, scenario: Scenario, answer: str) -> None:
    """The student's answer, kept for the panel and, in a class, recorded for it (committed before
    the panel says so)."""
    said = None
    if scenario.question is not None:
        said = classroom.record_answer(run, scenario.name, scenario.question.choices.index(answer))
    st.session_state[ACTIVE] = {**st.session_state[ACTIVE], "answer": answer, "class_said": said}


def _jump_button(
    where: Any, run: str, scenario: Scenario, runner: Runner, key: str | None, disabled: bool
) -> None:
    where.button(
        f"Jump to the trained run (step {scenario.steps:,})",
        key="scenario_jump",
        on_click=_jump,
        args=(run, scenario, runner, key),
        icon=":material/fast_forward:",
        disabled=disabled,
        help=f"This scenario's run, trained beforehand at seed {warm_start.SEED} and shipped with the lab, so "
        "that a class need not wait for it. It loads as a saved run does.",
    )


def _jump(run: str, scenario: Scenario, runner: Runner, key: str | None) -> None:
    """ "Jump to the trained run" callback: keep the student's answer (if asked), then the page loads the
    scenario's shipped run (`lab.warm_start`) as it loads a saved run; if it cannot, the run plays to
    the scenario's step instead."""
    runner.pause()
    if key is not None:
        _keep_answer(run, scenario, st.session_state[key])
    st.session_state[ACTIVE] = {**st.session_state[ACTIVE], "trained": True}
    st.session_state[live.WAITING] = None
    try:
        keep.offer(
            run,
            warm_start.load(run, scenario.name),
            f"Jumped to the run of “{scenario.title}” trained beforehand",
        )
    except RunFileError as err:
        keep.refused(run, "The trained run", err)
        st.session_state[ACTIVE]["trained"] = False
        st.session_state[REQUEST] = {"run": run, "fresh": False, "steps": scenario.steps}


def _panel(run: str, scenario: Scenario, active: dict[str, Any], runner: Runner) -> None:
    answer, active_trained = active["answer"], active.get("trained", False)
    trained = warm_start.available(run, scenario.name)
    with st.container(border=True, key="scenario_panel"):
        head, close = st.columns([6, 1])
        head.markdown(f":material/science: **Scenario: {scenario.title}**")
        close.button("Leave", key="scenario_leave", on_click=_leave, icon=":material/close:")
        question = scenario.question
        if question is not None and answer is None:
            key = f"scenario_answer_{run}_{scenario.name}"
            st.radio(f"**Predict first.** {question.ask}", question.choices, index=None, key=key)
            unanswered = st.session_state.get(key) is None
            go, jump = st.columns(2) if trained else (st.container(), None)
            go.button(
                f"Run it ({scenario.steps:,} steps)" if scenario.steps else "Show it",
                key="scenario_run",
                on_click=_answer,
                args=(run, scenario, key),
                type="primary",
                icon=":material/play_arrow:",
                disabled=unanswered,
            )
            if jump is not None:
                _jump_button(jump, run, scenario, runner, key, disabled=unanswered)
            st.caption(
                "The run starts once you have answered; Play and Step wait for it too."
                + (
                    f" Or jump to this scenario's run trained beforehand to step {scenario.steps:,}."
                    if trained
                    else ""
                )
            )
            return
        st.caption(scenario.look_for)
        if trained and active_trained:
            st.caption(
                f":material/fast_forward: The run on screen was trained beforehand, at seed {warm_start.SEED}, "
                f"to step {scenario.steps:,} (`python -m lab.warm_start` makes it); Play goes on from it."
            )
        elif trained and runner.status().step < scenario.steps:
            _jump_button(st, run, scenario, runner, None, disabled=False)
        said = None if question is None else question.choices.index(answer)
        if question is not None and active.get("class_said"):
            st.caption(active["class_said"])
            line = classroom.class_line(run, scenario.name, question)
            if line:
                st.markdown(line)
        live.live_view(
            runner,
            lambda snap: _what_happened(scenario, snap, said, runner.status()),
            "reading the scenario",
            unit=None,
        )


def _what_happened(scenario: Scenario, snap: Any, said: int | None, status: RunStatus) -> None:
    """What the run showed, and the student's answer judged by it once the run is at its step."""
    st.markdown(f"**What happened**, {scenario.outcome(snap)}.")
    if said is None or scenario.question is None:
        return
    if status.step < scenario.steps or status.running:
        st.markdown(f":material/hourglass_top: The verdict comes at step {scenario.steps:,}, from this run.")
        return
    st.markdown(verdict(scenario.question, said, scenario.question.shown(snap)))


def verdict(question: Question, said: int, shown: int | None) -> str:
    """The student's answer (the index `said`) judged against what this run showed (`shown`), and
    against what most seeds show (`question.answer`) where this run is not one of them."""

    def choice(i: int) -> str:
        return f"“{link.plain(question.choices[i], 200)}”"

    usual = f"on most seeds (at least 4 of the 5 tested) it is {choice(question.answer)}"
    if shown is None:
        return f":material/help: You said {choice(said)}; this run showed none of the choices, but {usual}."
    mark = ":material/check_circle: Right" if said == shown else ":material/cancel: Not quite"
    line = f"{mark}. You said {choice(said)}; this run showed {choice(shown)}."
    if shown != question.answer:
        line += f" This seed is unusual: {usual}."
    return line
