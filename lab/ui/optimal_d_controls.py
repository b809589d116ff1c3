"""Sidebar widgets of the D* lesson: the fixed generator (1-D, read into a DConfig) and the inner
loop's switch (2-D)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lab.data import toy
from lab.gan.optimal_d import OPTIMUM_D_STEPS, DConfig, FixedGenerator, InnerLoopConfig
from lab.ui import link
from lab.ui.gan_controls import LR_CHOICES

NAMES_1D = tuple(n for n in toy.NAMES if toy.get(n).dim == 1)
RATIOS = (0.25, 0.5, 1.0, 2.0, 4.0)
P_G_SHAPES = ("one Gaussian", "two Gaussians", "p_G = p_data")


def set_p_g_to_p_data() -> None:
    """Button callback: the case p_G = p_data, where D* = 1/2 and V = -log 4."""
    st.session_state["p_g_shape"] = "p_G = p_data"


def d_config_sidebar() -> DConfig:
    """Draw p_data, the shape of p_G and D's capacity in the sidebar; return the DConfig."""
    sb = st.sidebar
    data = link.selectbox(sb, "Data p_data", NAMES_1D, format_func=lambda n: toy.get(n).title, key="d_data")
    sb.markdown("**The fixed generator p_G** (changes apply live)")
    shape = link.radio(sb, "p_G is", P_G_SHAPES, key="p_g_shape", horizontal=True)
    p_g = None
    if shape != "p_G = p_data":
        m1 = link.slider(sb, "mean μ₁", -3.0, 3.0, 0.0, 0.1, key="p_g_m1")
        s1 = link.slider(sb, "std σ₁", 0.1, 2.0, 1.0, 0.05, key="p_g_s1")
        p_g = FixedGenerator((m1,), (s1,), (1.0,))
        if shape == "two Gaussians":
            m2 = link.slider(sb, "mean μ₂", -3.0, 3.0, 2.0, 0.1, key="p_g_m2")
            s2 = link.slider(sb, "std σ₂", 0.1, 2.0, 0.4, 0.05, key="p_g_s2")
            w2 = link.slider(sb, "weight of the second", 0.05, 0.95, 0.5, 0.05, key="p_g_w2")
            p_g = FixedGenerator((m1, m2), (s1, s2), (1.0 - w2, w2))
    sb.button("Set p_G = p_data", on_click=set_p_g_to_p_data, key="p_g_equal", width="stretch")
    sb.markdown("**The discriminator D**")
    lr = link.select_slider(sb, "Learning rate (live)", LR_CHOICES, 5e-3, key="d_lr")
    batch = link.select_slider(sb, "Minibatch m (live)", (64, 128, 256, 512, 1024), 512, key="d_batch")
    ratio = link.select_slider(
        sb,
        "Real : generated in each minibatch (live)",
        RATIOS,
        1.0,
        format_func=lambda r: f"{r:g} : 1",
        key="d_ratio",
        help="The logistic-regression slide's classes need not be balanced: with r real samples per "
        "generated one, the optimum is D*_r = r·p_data / (r·p_data + p_G).",
    )
    depth = link.slider(
        sb,
        "Depth (hidden layers; 0 = logistic regression on x)",
        0,
        4,
        2,
        key="d_depth",
        help="Changes start a fresh D.",
    )
    width = link.select_slider(
        sb, "Width", (4, 8, 16, 32, 64, 128), 32, key="d_width", help="Changes start a fresh D."
    )
    seed = link.number_input(sb, "Seed", 0, 10_000, 0, key="d_seed")
    return DConfig(
        data=data, p_g=p_g, width=width, depth=depth, lr=lr, batch_size=batch, seed=seed, ratio=ratio
    )


def inner_loop_toggle(defaults: InnerLoopConfig) -> dict[str, Any]:
    """The switch that runs D to its optimum between generator steps: k = OPTIMUM_D_STEPS, whatever
    the k slider says."""
    on = link.toggle(
        st.sidebar,
        "Inner loop to optimum",
        defaults.d_to_optimum,
        key="d_to_optimum",
        help=f"{OPTIMUM_D_STEPS} D steps between generator steps: 'solve the inner max', as the slide says.",
    )
    return {"d_to_optimum": on, "k": OPTIMUM_D_STEPS} if on else {"d_to_optimum": False}
