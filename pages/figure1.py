"""Lesson: Goodfellow et al. 2014's Figure 1, with a generator that is learned."""

import math

import streamlit as st

from lab.gan.figure1 import (
    COMPARISONS,
    JSD_EVERY,
    OPTIMUM_D_STEPS,
    Figure1Panel,
)
from lab.gan.losses import TITLES
from lab.lessons import LESSONS
from lab.plots import figure1 as plots
from lab.scenarios import figure1_outcome
from lab.ui import link, live, projector, scenarios, slow_motion
from lab.ui.page import run_through_app

run_through_app()
st.title("Figure 1 of the GAN paper, learned")
st.markdown(
    r"A 1-D GAN drawn as Goodfellow et al. (2014) draw it: the noise $z$ on the line below, each $z$ "
    r"carried up to $x = G(z)$, with $p_{data}$ (dotted), $p_G$ (solid) and $D$ (dashed) above. Training "
    r"runs the paper's panels (a)–(d): a poorly fit $D$, $D$ pulled toward $D^* = \frac{p_{data}}{p_{data} + "
    r"p_G}$, $G$ following $D$'s gradient, and at the end $p_G = p_{data}$ with $D \equiv \frac12$."
)
STARTS = {"scratch": "From scratch", "far_apart": "Far apart (disjoint supports)"}
buttons = st.sidebar.container()
sb = st.sidebar
start = link.radio(
    sb, "Setting", list(STARTS), format_func=STARTS.get, key="f1_setting", help="Changes start a fresh run."
)
if start == "scratch":
    link.radio(sb, "Compare", list(COMPARISONS), format_func=COMPARISONS.get, key="f1_compare")
link.slider(sb, "k: D steps per G step (live)", 1, 10, 1, key="f1_k")
link.number_input(sb, "Seed", 0, 10_000, 0, key="f1_seed")
config = LESSONS["figure1"].config(link.current_values())
runner = live.start_run("figure1", config, buttons)
slow_motion.manual_buttons("figure1", runner, buttons)
scenarios.show("figure1", runner, config, buttons)


def draw_figure(panels: list[Figure1Panel]) -> None:
    sub = slow_motion.current_sub_step("figure1", runner)
    if sub is not None:
        both = (
            " Both runs take it on their own minibatch; D's loss is the left run's."
            if len(panels) > 1
            else ""
        )
        losses = "(1) and (2)" if config.compare == "losses" else TITLES[config.generator_loss]
        slow_motion.show(sub, config.batch_size, losses, note=both)
    for column, panel in zip(st.columns(len(panels)), panels, strict=True):
        with column:
            st.markdown(f"**{panel.title}**")
            projector.chart(
                st, plots.figure1_chart(panel), key=f"Figure 1: {panel.title}", now=figure1_outcome([panel])
            )
            a, b, c = st.columns(3)
            a.metric(
                "JSD(p_data ‖ p_G)",
                f"{panel.jsd:.4f}",
                help=f"nats; its ceiling is log 2 = {math.log(2):.4f}",
            )
            trained = panel.step > 0  # D(G(z)) and the gradient are read off the last step
            b.metric(
                "D(G(z))",
                f"{panel.d_fake:.3f}" if trained else "—",
                help="mean over the last minibatch; ½ at the end",
            )
            c.metric(
                "‖∇θ_G‖",
                f"{panel.g_grad_norm:.3g}" if trained else "—",
                help="the generator's gradient, last step",
            )
    st.caption(
        "Grey: the noise line z (below), each z at a quantile of N(0, 1) carried to x = G(z) (above): where the "
        "arrows crowd, p_G is dense. Blue dotted: p_data; magenta: p_G (a kernel density estimate from 20,000 "
        "samples); black dashed: D(x). JSD between p_data and p_G both smoothed by the same kernel (width 0.05), "
        "by quadrature. From scratch (k = 1) the JSD first falls under 0.05 nats within 1,000 generator "
        "steps (at steps 400–750 on seeds 0–4), then wanders between about 0.01 and 0.1, as a GAN does."
    )
    live.history_chart(plots.jsd_chart(panels), len(panels[0].jsds["step"]), key="JSD over training")
    st.caption(f"JSD over training, every {JSD_EVERY} generator steps; dashed: log 2.")
    if start == "far_apart":
        st.info(
            "p_G starts near −3, eight standard deviations from p_data, and D has already separated them (500 "
            "D steps): D(G(z)) ≈ 0 and the JSD sits at log 2, however far apart they are, so it carries no "
            "signal about where p_data is. The gradient of loss (1), log(1 − D(G(z))), vanishes with D(G(z)): "
            "at the first step it is D(G(z))/(1 − D(G(z))) of loss (2)'s, about 1/2,000 here (1/1,400–1/2,500 on "
            "seeds 0–4). With plain SGD (this setting) G under (1) "
            "stays put and its JSD stays at log 2, while under (2) G crosses over (Arjovsky & Bottou 2017).",
            icon=":material/call_split:",
        )
    elif config.compare == "inner_loop":
        st.caption(
            f"Left: the slide's idealised loop, D trained {OPTIMUM_D_STEPS} steps (close to D*) before each G "
            "step; right: k D steps. Same seed, same start."
        )


live.live_view(runner, draw_figure, "drawing Figure 1")
