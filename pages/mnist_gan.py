"""Lesson: a GAN on MNIST, with numbers that say how good it is."""

import streamlit as st

from lab.gan.losses import TITLES
from lab.gan.mnist_gan import EVAL_EVERY, MNISTSnapshot
from lab.plots import mnist_gan as plots
from lab.plots.playground import loss_chart
from lab.plots.raster import image_grid
from lab.scenarios import find, mnist_outcome
from lab.ui import live, projector, scenarios, slow_motion
from lab.ui.mnist_gan_controls import mnist_gan_config_sidebar
from lab.ui.page import run_through_app

run_through_app()
stable = find("mnist_gan", "stable").steps
st.title("A GAN on MNIST")
st.markdown(
    "The playground's loop, making digits: k steps of logistic regression for D (real digits "
    "labelled 1, generated ones 0), then one step of G. The defaults make recognisable digits within "
    f"about {stable:,} steps (the scenario 'A stable GAN': a Fréchet distance under 120 on seeds 0–4; in class, "
    f"its 'Jump to the trained run' shows step {stable:,} at once). The numbers come from a small digit "
    "classifier trained once on the data in use."
)
buttons = st.sidebar.container()
config = mnist_gan_config_sidebar()
runner = live.start_run("mnist_gan", config, buttons)
slow_motion.manual_buttons("mnist_gan", runner, buttons)
scenarios.show("mnist_gan", runner, config, buttons)


def draw_digits(snap: MNISTSnapshot) -> None:
    live.data_line(
        snap.source,
        snap.source_details,
        extra=f"Classifier accuracy on the held-out digits: {snap.classifier_accuracy:.1%}. "
        f"Scored every {EVAL_EVERY} generator steps.",
    )
    sub = slow_motion.current_sub_step("mnist_gan", runner)
    if sub is not None:
        slow_motion.show(sub, config.batch_size, TITLES[config.generator_loss])
        slow_motion.digits(sub)
    latest = {k: v[-1] for k, v in snap.evals.items()} if snap.evals["step"] else None

    def score(name: str, form: str) -> str:
        """The latest score, or a dash before the first scoring (G at step 0 is noise)."""
        return "—" if latest is None else format(round(latest[name], 9) + 0.0, form)  # never "-0.00"

    cols = projector.columns(st, 5, per_row=5)
    cols[0].metric("Fréchet distance", score("frechet", ".1f"), help="lower is better; real vs real ≈ 5")
    cols[1].metric("Inception Score", score("inception", ".2f"), help="MNIST analogue, 1 to 10")
    cols[2].metric("confidence", score("confidence", ".0%"), help="mean max_y p(y|x)")
    cols[3].metric(
        "digits present",
        f"{score('digits_present', '.0f')} / 10",
        help="each ≥ 2 % of samples",
    )
    cols[4].metric("class entropy", score("entropy", ".2f"), help="nats; log 10 = 2.30 is uniform")
    left, right = projector.columns(st, [2, 3])
    with left:
        projector.image(
            st,
            image_grid(snap.samples, 8, scale=3),
            key="digits G makes",
            now=mnist_outcome(snap),
            caption="G(z) at the same 64 z every refresh.",
        )
        projector.image(
            st,
            image_grid(snap.walk, 10, scale=2),
            key="a walk in z",
            caption="Latent walk: G along a line between two fixed z.",
        )
    with right:
        live.history_chart(loss_chart(snap), len(snap.history["step"]), key="losses over training")
        h1, h2 = st.columns(2)
        with h1:
            projector.chart(st, plots.d_histograms(snap), key="D(x) on real and generated digits")
            st.caption(
                "D(x) on real and on generated digits: at the ideal equilibrium (p_G = p_data) both sit at ½."
            )
        with h2:
            projector.chart(st, plots.class_chart(snap), key="which digits G makes")
            st.caption(
                "Which digits G makes, as the classifier reads them: a few tall bars is mode collapse."
            )
    for column, chart, key in zip(
        projector.columns(st, 4, per_row=2), plots.score_charts(snap), plots.SCORE_TITLES, strict=True
    ):
        with column:
            live.history_chart(
                chart,
                len(snap.evals["step"]),
                key=f"{plots.SCORE_TITLES[key][0]} over training",
                every=EVAL_EVERY,
            )


live.live_view(runner, draw_digits, "drawing the MNIST GAN", slower=2.5)
