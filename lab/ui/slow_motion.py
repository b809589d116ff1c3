"""Manual steps and slow motion on a GAN page (see `lab.gan.slow_motion`): "D only", "G only", and
"Next sub-step", which walks through one iteration of the slide's loop; the page then draws the
sub-step instead of its usual sample (the playground its minibatch in the plane, the MNIST GAN its
digits, the other pages the sub-step's line above their pictures). On a side-by-side lesson (Figure 1)
every run takes the step or sub-step."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lab.gan.slow_motion import (
    Lockstep,
    SubStep,
    for_each_run,
    step_d_only,
    step_g_only,
)
from lab.plots.diagram import loop_diagram
from lab.plots.raster import image_grid
from lab.runner import Runner
from lab.ui import projector

KEY = "slow_motion"  # session: run -> (the iteration, its last sub-step, the run's step after it)


def manual_buttons(run: str, runner: Runner, where: Any) -> None:
    """The buttons, under Play, Step and Reset: D only, G only, and Next sub-step."""
    with where:
        st.markdown("**By hand** (the slide's loop, taken apart)")
        manual = (
            (
                "D only",
                step_d_only,
                "one update of D on a fresh minibatch of x and z; G waits (no generator step counted)",
            ),
            ("G only", step_g_only, "one generator step without its k discriminator steps"),
        )
        for column, (label, act, what) in zip(st.columns(2), manual, strict=True):
            column.button(
                label,
                key=act.__name__,
                on_click=_by_hand,
                args=(run, runner, act),
                help=what,
                width="stretch",
            )
        st.button(
            "Next sub-step",
            key="slow_next",
            on_click=_next_sub_step,
            args=(run, runner),
            icon=":material/slow_motion_video:",
            help="slow motion: one iteration in its 3k + 1 sub-steps, in the slide's order",
            width="stretch",
        )


def _by_hand(run: str, runner: Runner, act: Any) -> None:
    st.session_state.setdefault(KEY, {}).pop(run, None)
    runner.manual(for_each_run(act))


def _next_sub_step(run: str, runner: Runner) -> None:
    state = st.session_state.setdefault(KEY, {})
    iteration = state[run][0] if run in state else None

    def act(trainer: Any) -> tuple[Lockstep, SubStep]:
        nonlocal iteration
        if iteration is None or iteration.done or iteration.trainer is not trainer:
            iteration = Lockstep(trainer)
        return iteration, iteration.next()

    result = runner.manual(act)
    if result is None:
        state.pop(run, None)
    else:
        state[run] = (*result, runner.status().step)


def current_sub_step(run: str, runner: Runner) -> SubStep | None:
    """The sub-step to draw: the last one taken, while the run has not moved on since (Play, Step,
    Reset or a manual step end slow motion)."""
    entry = st.session_state.get(KEY, {}).get(run)
    if entry is None:
        return None
    iteration, sub, step = entry
    status = runner.status()
    if status.running or status.step != step or iteration.trainer is not runner.trainer:
        return None
    return sub


def show(sub: SubStep, m: int, g_loss: str, note: str = "", arrows: bool = False) -> None:
    """The sub-step above the lesson's picture: its line (`describe`, then `note`) and the loop as a
    diagram with the sub-step's parts lit and its numbers (the minibatch size `m`, which of the k D
    steps, D's loss before and after, ‖∇θ_D‖); `g_loss` names the generator's loss."""
    line = describe(sub, arrows) + note
    st.markdown(line)
    numbers = {"z ~ p_z": f"m = {m}", "x ~ p_data": f"m = {m}"}
    if sub.d_round:
        numbers["D"] = f"D step {sub.d_round} of k = {sub.d_steps}"
    if sub.d_loss is not None:
        numbers["D's loss"] = f"{sub.d_loss[0]:.3f} → {sub.d_loss[1]:.3f}"
    if sub.d_gradient is not None:
        numbers["D"] = numbers.get("D", "") + f" · ‖∇θ_D‖ {sub.d_gradient:.3g}"
    projector.chart(
        st,
        loop_diagram(sub.title, numbers, g_loss),
        key="the loop, as a diagram",
        now=f"sub-step {sub.number} of {sub.of}: {sub.title}",
        width="stretch",
    )


def describe(sub: SubStep, arrows: bool = False) -> str:
    """The sub-step's line above the picture (`arrows`: the picture draws G's arrows)."""
    round_ = f" (D step {sub.d_round} of {sub.d_steps})" if sub.d_round else ""
    line = f"**Slow motion, sub-step {sub.number} of {sub.of}:** {sub.title}{round_}."
    if sub.d_loss is not None:
        line += f" D's loss on this minibatch: {sub.d_loss[0]:.3f} → {sub.d_loss[1]:.3f}"
        line += f" (its gradient ‖∇θ_D‖ = {sub.d_gradient:.3g})." if sub.d_gradient is not None else "."
    if arrows and sub.arrows is not None:
        line += " The arrows start where the points were; the points are where G's step took them."
    return line


def digits(sub: SubStep, shown: int = 32) -> None:
    """An MNIST sub-step's digits (values in [-1, 1]): the minibatch x and G(z); after G's update,
    G(z) before and after it."""
    panels = []
    if sub.real is not None:
        panels.append(("the minibatch x ~ p_data", sub.real))
    if sub.fake is not None:
        panels.append(
            ("G(z) before G's update" if sub.moved is not None else "G(z) of the minibatch z", sub.fake)
        )
    if sub.moved is not None:
        panels.append(("G(z) after G's update, the same z", sub.moved))
    for column, (caption, images) in zip(st.columns(len(panels)), panels, strict=True):
        grid = image_grid((images[:shown] + 1.0) / 2.0, 8, scale=2)
        projector.image(column, grid, key=caption, caption=caption)
