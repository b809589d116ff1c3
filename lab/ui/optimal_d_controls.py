"""Sidebar widgets of the D* lesson: the fixed generator (1-D, read into a DConfig) and the inner
loop's switch (2-D)."""

from __future__ import annotations

import streamlit as st

from lab.data import toy
from lab.gan.optimal_d import OPTIMUM_D_STEPS, TWO_GAUSSIANS, DConfig, InnerLoopConfig
from lab.lessons import LESSONS, P_G_SHAPES
from lab.ui import link
from lab.ui.gan_controls import LR_CHOICES

NAMES_1D = tuple(n for n in toy.NAMES if toy.get(n).dim == 1)
RATIOS = (0.25, 0.5, 1.0, 2.0, 4.0)
SHAPE_LABELS = {"one": "one Gaussian", "two": "two Gaussians", "p_data": "p_G = p_data"}


def set_p_g_to_p_data() -> None:
    """Button callback: the case p_G = p_data, where D* = 1/2 and V = -log 4."""
    st.session_state["p_g_shape"] = "p_data"


def d_config_sidebar() -> DConfig:
    """Draw p_data, the shape of p_G and D's capacity in the sidebar; return the DConfig
    (`lab.lessons.fixed_generator_config`)."""
    sb, make = st.sidebar, LESSONS["optimal_d_1d"].config
    d, two = make({}), TWO_GAUSSIANS
    link.selectbox(sb, "Data p_data", NAMES_1D, format_func=lambda n: toy.get(n).title, key="d_data")
    sb.markdown("**The fixed generator p_G** (changes apply live)")
    shape = link.radio(
        sb, "p_G is", P_G_SHAPES, format_func=SHAPE_LABELS.get, key="p_g_shape", horizontal=True
    )
    if shape != "p_data":
        link.slider(sb, "mean μ₁", -3.0, 3.0, two.means[0], 0.1, key="p_g_m1")
        link.slider(sb, "std σ₁", 0.1, 2.0, two.stds[0], 0.05, key="p_g_s1")
        if shape == "two":
            link.slider(sb, "mean μ₂", -3.0, 3.0, two.means[1], 0.1, key="p_g_m2")
            link.slider(sb, "std σ₂", 0.1, 2.0, two.stds[1], 0.05, key="p_g_s2")
            link.slider(sb, "weight of the second", 0.05, 0.95, two.weights[1], 0.05, key="p_g_w2")
    sb.button("Set p_G = p_data", on_click=set_p_g_to_p_data, key="p_g_equal", width="stretch")
    sb.markdown("**The discriminator D**")
    link.select_slider(sb, "Learning rate (live)", LR_CHOICES, d.lr, key="d_lr")
    link.select_slider(sb, "Minibatch m (live)", (64, 128, 256, 512, 1024), d.batch_size, key="d_batch")
    link.select_slider(
        sb,
        "Real : generated in each minibatch (live)",
        RATIOS,
        d.ratio,
        format_func=lambda r: f"{r:g} : 1",
        key="d_ratio",
        help="The logistic-regression slide's classes need not be balanced: with r real samples per "
        "generated one, the optimum is D*_r = r·p_data / (r·p_data + p_G).",
    )
    link.slider(
        sb,
        "Depth (hidden layers; 0 = logistic regression on x)",
        0,
        4,
        d.depth,
        key="d_depth",
        help="Changes start a fresh D.",
    )
    link.select_slider(
        sb, "Width", (4, 8, 16, 32, 64, 128), d.width, key="d_width", help="Changes start a fresh D."
    )
    link.number_input(sb, "Seed", 0, 10_000, d.seed, key="d_seed")
    return make(link.current_values())


def inner_loop_toggle(defaults: InnerLoopConfig) -> None:
    """The switch that runs D to its optimum between generator steps: k = OPTIMUM_D_STEPS, whatever
    the k slider says (`lab.lessons.inner_loop_config`)."""
    link.toggle(
        st.sidebar,
        "Inner loop to optimum",
        defaults.d_to_optimum,
        key="d_to_optimum",
        help=f"{OPTIMUM_D_STEPS} D steps between generator steps: 'solve the inner max', as the slide says.",
    )
