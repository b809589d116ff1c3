"""A page's live training run: one Runner per page and session, its buttons, its status and its
live view. Every lesson goes through the same two calls:

    runner = live.start_run("gan_playground", config, buttons)
    live.live_view(runner, draw_field, "drawing the playground")
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import streamlit as st
import torch

from lab import limits
from lab.device import describe
from lab.lessons import LESSONS
from lab.protocol import same_run
from lab.runner import Runner, RunStatus
from lab.slots import TRAINING
from lab.ui import keep, link, projector, sessions
from lab.ui.errors import friendly_errors
from lab.ui.run_line import run_line

WAITING = "scenario_waiting"
"""The run (a page's name for it) whose scenario asks a question: its Play and Step wait for the answer."""
SCENARIO_FRESH = "scenario_fresh"
"""Session key: the run a scenario's click asked a fresh, paused run of (its panel says so)."""

REFRESH_SECONDS = 0.4
"""How often the live view redraws while a run is playing."""


def start_run(page: str, config: Any, buttons: Any, **button_options: Any) -> Runner:
    """The session's run for `page` (a key of `lab.lessons.LESSONS`, which makes it from `config` and
    gives its snapshot) with its Play, Step and Reset buttons drawn in `buttons`. If the run cannot
    be made (no data, a bad setting), the page shows why and stops there (a run over the server's
    caps, `lab.limits`, too)."""
    make_trainer, look = trainer_maker(page), LESSONS[page].look
    with friendly_errors(f"preparing the run ({run_line(config)})"):
        keep.take_loaded(
            page, config, make_trainer, sessions.runner(page, lambda: make_trainer(config), look)
        )
        runner = runner_for(page, config, make_trainer, look)
        with buttons:
            waiting = st.session_state.get(WAITING) == page
            run_buttons(runner, lambda: make_trainer(config), waiting=waiting, **button_options)
            keep.keep_popover(page, runner)
        return runner
    st.stop()


def trainer_maker(page: str) -> Callable[[Any], Any]:
    """`config -> trainer` for `page`'s lesson, refusing configs and trainers over the server's caps."""
    return limits.capped(LESSONS[page].build)


def live_view(
    runner: Runner,
    draw: Callable[[Any], None],
    what: str,
    slower: float = 1.0,
    unit: str | None = "generator steps",
) -> None:
    """Draw the run's latest snapshot with `draw(snapshot)`, under its status line, and again every
    refresh while it plays; a failure is shown as a message. The page's main view (with a `unit`)
    has the timeline's scrubber under it; a view rewound there draws the recorded frame instead."""
    status, crowded = runner.status(), crowding()

    @st.fragment(run_every=refresh_every(status, slower, crowded))
    def view() -> None:
        now = runner.status()
        with friendly_errors(what):
            rewound = keep.rewound_to(runner, now)
            if unit and rewound is not None:
                keep.rewound_line(rewound, now)
            elif unit:
                status_line(now, runner.trainer.device, run_line(runner.trainer.config), unit=unit)
            draw(runner.snapshot() if rewound is None else runner.frame(rewound))
            if unit and now.running:
                keep.timeline_line(runner)
        rerun_if_paused_meanwhile(status, now)
        if now.running and _crowding_changed(crowded):
            st.rerun()  # more (or fewer) students play now: refresh at the new pace

    view()
    if unit:
        keep.scrubber(runner, status)


def runner_for(
    page: str, config: Any, make_trainer: Callable[[Any], Any], look: Callable[[Any], Any]
) -> Runner:
    """The session's run for `page`, brought in line with `config`.

    Live fields (learning rates, k, ...) are handed to the running trainer; any other change
    (data, architecture, seed) starts a fresh run, and the page says so.
    """
    runner = sessions.runner(page, lambda: make_trainer(config), look)
    for_a_scenario = st.session_state.pop(SCENARIO_FRESH, None) == page
    current = runner.trainer.config
    if current == config:
        return runner
    if same_run(current, config):
        limits.check_config(config)  # a live minibatch, say
        runner.update(config)
    elif for_a_scenario:  # its panel says what started: a fresh run, waiting at step 0
        runner.reset(make_trainer(config), pause=True)
    else:
        runner.reset(make_trainer(config))
        st.toast("Data or architecture changed: started a fresh run.", icon=":material/restart_alt:")
        st.info("Data, architecture or seed changed, so a fresh run started from step 0.")
    return runner


def run_buttons(
    runner: Runner,
    make_trainer: Callable[[], Any],
    step_help: str = "one generator step (after k discriminator steps)",
    steps_per_click: int = 1,
    waiting: bool = False,
) -> None:
    """Play (or Pause) on its own row, then Step and Reset; Play and Step are off while the run
    has failed, or is `waiting` for the answer to a scenario's question."""
    status = runner.status()
    blocked = status.error is not None or waiting
    if status.running:
        st.button("Pause", icon=":material/pause:", on_click=runner.pause, key="pause", width="stretch")
    else:
        st.button(
            "Play",
            icon=":material/play_arrow:",
            on_click=runner.play,
            key="play",
            type="primary",
            width="stretch",
            disabled=blocked,
        )
    step, reset = st.columns(2)
    step.button(
        "Step" if steps_per_click == 1 else f"Step ×{steps_per_click:,}",
        on_click=runner.step,
        args=(steps_per_click,),
        key="step",
        help=step_help,
        width="stretch",
        disabled=blocked,
    )
    reset.button(
        "Reset",
        on_click=lambda: runner.reset(make_trainer()),
        key="reset",
        help="start again from step 0 with the same settings",
        width="stretch",
    )


def status_line(status: RunStatus, device: torch.device, run: str, unit: str = "generator steps") -> None:
    """Step, speed, device and state, then what the run is (`run`); a diverged run as an error."""
    speed = f" · {steps_per_second(status.steps_per_s)}" if status.running else ""
    if status.running and crowding() > 1:
        speed += " · busy server: redrawn less often"
    st.markdown(
        f"**Step {status.step:,}**{speed} · {describe(device)} · {_state(status)}",
        help=f"counted in {unit}",
    )
    st.caption(run)
    if status.error:
        st.error(
            f"Training stopped: {link.plain(status.error, 500)}. Lower the learning rates (or the batch "
            "size), then press Reset."
        )


def steps_per_second(rate: float) -> str:
    """A run's speed as people write it: "1.5 steps/s" below ten, "1,234 steps/s" above."""
    return f"{rate:,.1f} steps/s" if rate < 10 else f"{rate:,.0f} steps/s"


def _state(status: RunStatus) -> str:
    """Training, waiting for a training slot (where in line), or paused (and why, if by itself)."""
    if status.running and status.waiting:
        return f"waiting for a free training slot ({_ordinal(status.waiting)} in line)"
    if status.running:
        return "training"
    if status.idle_paused:
        return "paused: nobody watched it for a while (reopened tab?), press Play to go on"
    return "paused"


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, 21st, …"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def data_line(source: str, details: str = "", extra: str = "") -> None:
    """Which data the run trains on, on one line; why (a failed download, say) folded in its help."""
    # escaped: a rewound frame may come from a file
    source, details = link.plain(source, 200), link.plain(details, 600)
    st.caption(f":material/dataset: Data: {source}.{' ' + extra if extra else ''}", help=details or None)


def history_chart(spec: dict, points: int, key: str, container: Any = st, every: int | None = None) -> None:
    """A chart of a run's history, or, while there are fewer than two points to join, a frame of
    the same height saying when the curves will appear (never an empty or one-point chart): true
    whether the run plays or waits. `every`: steps between two measurements, if not every step."""
    if points >= 2:
        projector.chart(container, spec, key=key)
        return
    when = f"at the second measurement (one every {every:,} steps)" if every else "from the second step on"
    with container.container(height=int(spec.get("height", 200)) + 60, border=True):
        st.caption(f":material/timeline: The curves start here {when}; Play or Step trains the run.")


def refresh_every(status: RunStatus, slower: float, crowded: int) -> float | None:
    """A live view's refresh interval, only while the run plays: the base one, `slower` times, and
    `crowded` times (the server's `crowding()`)."""
    return REFRESH_SECONDS * slower * crowded if status.running else None


def crowding() -> int:
    """Playing runs per training slot, rounded up, at least 1. On a crowded server every live view
    redraws that many times less often, so that drawing takes about the share of the cores it takes
    for one student alone, and training and widget changes keep the rest."""
    training, waiting = TRAINING.in_use()
    return max(1, math.ceil((training + waiting) / TRAINING.count))


def _crowding_changed(drawn_with: int) -> bool:
    """The server's crowding moved far enough (by half or more) from what the page's refresh was
    set for that the page should be redrawn with a new one."""
    now = crowding()
    return now >= 1.5 * drawn_with or drawn_with >= 1.5 * now


def rerun_if_paused_meanwhile(before: RunStatus, now: RunStatus) -> None:
    """From inside a live fragment: if the run paused itself (diverged, or idle) since the page was
    drawn, redraw the whole page so that it stops refreshing and shows Play again."""
    if now.running != before.running:
        st.rerun()
