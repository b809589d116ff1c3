"""Lesson: a GAN learning a 2-D distribution, live."""

import streamlit as st

from lab.gan.losses import TITLES
from lab.gan.playground import EVAL_EVERY, JSD_BANDWIDTH, GANSnapshot
from lab.gan.slow_motion import sub_step_view
from lab.plots import playground as plots
from lab.scenarios import modes_outcome
from lab.ui import link, live, projector, scenarios, slow_motion, units
from lab.ui.gan_controls import against_collapse, gan_config_sidebar
from lab.ui.page import run_through_app

run_through_app()
st.title("GAN playground")
st.markdown(
    r"The lecture's GAN: $\min_G \max_D \; \mathbb{E}_{x\sim p_{data}}[\log D(x)] + "
    r"\mathbb{E}_{z\sim p_z}[\log(1 - D(G(z)))]$. Each generator step follows $k$ discriminator "
    "steps of logistic regression: real samples labelled 1, generated samples labelled 0."
)

buttons = st.sidebar.container()  # on top of the sidebar, filled once the config is known
config = gan_config_sidebar("gan_playground", against_collapse)
runner = live.start_run("gan_playground", config, buttons)
slow_motion.manual_buttons("gan_playground", runner, buttons)
scenarios.show("gan_playground", runner, config, buttons)
layers = link.multiselect(buttons, "Show", plots.LAYERS, list(plots.LAYERS), key="layers")
true_scale = link.toggle(
    buttons,
    "Arrows at true scale",
    key="true_scale",
    help=f"{plots.TRUE_SCALE} plot units per unit of gradient: a vanishing gradient draws vanishing arrows",
)
inside = units.toggle(buttons)


field_column, curves_column = projector.columns(st, [3, 2], gap="medium")


def draw_field(snap: GANSnapshot) -> None:
    """The picture that moves: redrawn several times a second while training; in slow motion,
    the sub-step's own minibatch."""
    sub = slow_motion.current_sub_step("gan_playground", runner)
    shown = tuple(layers)
    if sub is not None:
        slow_motion.show(sub, config.batch_size, TITLES[config.generator_loss], arrows=True)
        snap, shown = sub_step_view(snap, sub)
    projector.chart(
        st,
        plots.field_chart(snap, shown, true_scale=true_scale),
        key="the plane: p_data, G(z) and D(x)",
        now=modes_outcome(snap),
        width="content",
    )
    scale = (
        f"drawn at true scale, {plots.TRUE_SCALE} plot units per unit of gradient"
        if true_scale
        else "rescaled so the longest has a fixed length: their sizes compare within a frame, not across "
        "frames; turn on 'Arrows at true scale' to see a gradient vanish"
    )
    st.caption(
        "Real samples: blue circles; generated: magenta diamonds. Background: the discriminator's D(x), the "
        "probability that x is real (blue → real, light magenta → generated; dashed line: D = ½). Arrows: where the "
        f"generator's loss pushes each generated point, −∂loss/∂x, {scale}. "
        "Grey mesh: G applied to a grid over the noise plane (z₁, z₂)."
    )
    if inside:
        units.draw(runner)


def draw_curves(snap: GANSnapshot) -> None:
    """Curves over training: redrawn less often, they change slowly."""
    live.history_chart(plots.loss_chart(snap), len(snap.history["step"]), key="losses over training")
    st.caption(
        r"Discriminator loss $-[\log D(x) + \log(1 - D(G(z)))]$: at the equilibrium "
        r"$D \equiv \frac12$ it equals $\log 4 \approx 1.386$ (dashed)."
    )
    for title, chart in zip(plots.metric_titles(snap), plots.metric_charts(snap), strict=True):
        live.history_chart(chart, len(snap.evals["step"]), key=f"{title} over training", every=EVAL_EVERY)
    st.caption(
        "Modes covered and high-quality fraction as in VEEGAN (a sample is high quality "
        r"within 3 std of a mode). $\mathrm{JSD}(p_{data} \| p_G)$ in nats, by quadrature "
        f"on a grid of cells at most {JSD_BANDWIDTH / 2:g} wide, both densities smoothed by a Gaussian "
        f"of width {JSD_BANDWIDTH} ($p_G$ by a kernel density estimate): a *smoothed* JSD, never above "
        r"the true one (smoothing both by the same kernel cannot raise a divergence); its ceiling is "
        r"$\log 2$ (dashed). The slide's $D_{JSD}$ is twice the JSD: $V(D^*, G) = -\log 4 + "
        r"2\,\mathrm{JSD}$ holds for the true JSD, which the D* lesson computes exactly in 1-D. "
        f"Measured every {EVAL_EVERY} generator steps."
    )


with field_column:
    live.live_view(runner, draw_field, "drawing the playground")
    if link.toggle(
        st,
        "Inspect D(x) in 3-D",
        key="surface",
        help="drawn once from the current step; toggle again to refresh",
    ):
        projector.plotly_chart(st, plots.d_surface(runner.snapshot()), key="d_surface")
with curves_column:
    live.live_view(runner, draw_curves, "drawing the training curves", slower=3, unit=None)
