"""Lesson: density estimation as maximum likelihood, three ways on the same data."""

import streamlit as st

from lab.data import toy
from lab.density_estimation import (
    EVAL_EVERY,
    SMOOTHING,
    ThreeWaysSnapshot,
)
from lab.lessons import LESSONS
from lab.plots import density_estimation as plots
from lab.scenarios import density_outcome
from lab.ui import link, live, projector, scenarios
from lab.ui.page import run_through_app

run_through_app()
st.title("Density estimation, three ways")
st.markdown(
    r"The lecture's first slide: $\max_\theta \mathbb{E}_{x \sim p_{data}} \log p_\theta(x)$, which is "
    r"$\min_\theta \mathrm{KL}(p_{data} \| p_\theta)$. On the same data: a Gaussian mixture fit by maximum "
    r"likelihood (explicit), a GAN (implicit: samples, no density) and a VAE (explicit, with an amortised "
    r"posterior). Forward KL punishes missing mass (mode covering); the GAN's game punishes mass where "
    r"there is no data (mode seeking)."
)
buttons = st.sidebar.container()
sb = st.sidebar
link.selectbox(sb, "Data p_data", toy.NAMES_2D, format_func=lambda n: toy.get(n).title, key="de_data")
link.slider(
    sb,
    "Mixture components K",
    1,
    12,
    4,
    key="de_components",
    help="The mixture is refit at once; the GAN and the VAE keep training.",
)
link.number_input(sb, "Seed", 0, 10_000, 0, key="de_seed")
config = LESSONS["density_estimation"].config(link.current_values())
runner = live.start_run(
    "density_estimation",
    config,
    buttons,
    step_help="one step of the GAN and the VAE",
)
scenarios.show("density_estimation", runner, config, buttons)


def draw_three_ways(snap: ThreeWaysSnapshot) -> None:
    for column, chart, name in zip(
        projector.columns(st, 4, per_row=2), plots.density_panels(snap), plots.PANELS, strict=True
    ):
        with column:
            projector.chart(
                st, chart, key=f"density of {plots.PANELS[name]}", now=density_outcome(snap), width="content"
            )
    measured = int(snap.scores["step"][-1])
    st.caption(
        f"Densities and samples at step {measured:,} (measured every {EVAL_EVERY:,} steps), each density smoothed by a Gaussian of "
        f"width {SMOOTHING} so that all four are compared at the same resolution: p_data and the mixture exactly, "
        "the VAE by quadrature over its 2-D latent, the GAN by a kernel estimate from its samples (a GAN has no "
        "density of its own). Colour: the log density, from its own peak (dark) down 8 nats (white). Magenta: 500 "
        "samples of each, drawn at the same step as its density."
    )
    table = plots.scores_table(snap).style.format(precision=3)
    st.dataframe(table, hide_index=True, placeholder="—")  # a GAN has no density: a dash, not "None"
    st.caption(
        "Held-out log p(x), nats per point: the mixture's exact (scikit-learn's score), the VAE's by quadrature "
        "(exact for its 2-D latent; its IWAE bound, K = 20, lies below it); the GAN has none, since it defines no density, only "
        f"samples. 'Smoothed': the log of each density smoothed by the width-{SMOOTHING} kernel at the same "
        "held-out points; for the GAN that is a kernel estimate from its samples, for comparison only (it "
        "depends on the kernel's width). KL(p_data ‖ p_θ) is what maximum likelihood minimises: "
        "large where a model misses data. KL(p_θ ‖ p_data) is large where a model puts mass where there is no data. "
        "All three divergences by quadrature on the grid, between the smoothed densities."
    )


live.live_view(
    runner, draw_three_ways, "drawing the three models", slower=3, unit="steps of the GAN and the VAE"
)
