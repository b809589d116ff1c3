"""Lesson: semi-supervised learning, the lecture title's third part, the VAE way and the GAN way."""

import streamlit as st

from lab.lessons import LESSONS
from lab.plots import semi_supervised as plots
from lab.plots.raster import image_grid
from lab.scenarios import semi_outcome
from lab.semi.measured import COLUMNS, MEASURED, vae_lead
from lab.semi.trainer import DEFAULT_ALPHA, EVAL_EVERY, METHODS
from lab.semi.views import SemiSnapshot
from lab.ui import link, live, projector, scenarios
from lab.ui.page import run_through_app

run_through_app()
st.title("Semi-supervised learning")
st.markdown(
    r"The third part of the lecture's title: a handful of labels and many unlabelled examples. A generative "
    r"model of $x$ learns where the data lie from the unlabelled ones, and its classifier draws the boundary "
    r"through the empty space between them; trained on the labels alone, the same network cannot know where "
    r"that is. On two moons the GAN way shows it on seeds 0–4 (see the scenarios); the "
    r"plain M2 here does not: after 1,000 steps with 3 labels per class it beat the labels alone on 2 of "
    r"seeds 0–4 and fell below them on 3 (70–93 % against 83–87 %); on MNIST, M1 + M2 gains "
    rf"{vae_lead(100):.0f} points (the table below)."
)
with st.expander("The two objectives", icon=":material/function:"):
    st.markdown(
        r"""
**The VAE way** (Kingma et al. 2014, M2): the label $y$ is a second latent variable, $p(x \mid y, z)$ the
decoder, $q(y \mid x)$ the classifier, $q(z \mid x, y)$ the encoder. A labelled example's bound is the
lecture's ELBO with $y$ given, an unlabelled one sums over $y$:

$\mathcal L(x, y) = \mathbb E_{q(z|x,y)}[\log p(x \mid y, z)] - \mathrm{KL}(q(z \mid x, y) \,\|\, p(z)) + \log p(y)$,
$\quad \mathcal U(x) = \sum_y q(y \mid x)\, \mathcal L(x, y) + \mathcal H(q(y \mid x))$

and training minimises $-\mathcal L$ on labelled, $-\mathcal U$ on unlabelled examples, plus
$\alpha \cdot (-\log q(y \mid x))$ on the labelled ones.

**The GAN way** (Salimans et al. 2016): the discriminator has $K + 1$ outputs, the $K$ classes and
"generated"; with logits $l_1 \ldots l_K$ (and 0 for "generated"), $D(x) = \frac{Z(x)}{Z(x) + 1}$,
$Z(x) = \sum_k e^{l_k(x)}$. It minimises the labelled cross-entropy plus the lecture's GAN loss
$-\log D(x) - \log(1 - D(G(z)))$ on unlabelled and generated examples; $G$ matches the mean of
$D$'s last hidden layer on real and generated examples (feature matching).

**M1 + M2** (on MNIST): M1 is the lecture's VAE on the pixels, $q(z_1 \mid x)$ and $p(x \mid z_1)$; it
maximises its ELBO in the same steps, and M2 above takes samples $z_1 \sim q(z_1 \mid x)$ as its $x$, with
a Gaussian $p(z_1 \mid y, z_2)$. The classifier reads the mean of $q(z_1 \mid x)$.

With no unlabelled examples both reduce to the classifier trained on the labels alone: the right-hand run
(for M1 + M2, M1 too learns from the labelled digits only).
"""
    )

buttons = st.sidebar.container()
sb = st.sidebar
data = link.radio(
    sb,
    "Data",
    ["moons", "mnist"],
    format_func={"moons": "Two moons (2-D)", "mnist": "MNIST digits"}.get,
    key="ss_data",
)
method = link.radio(sb, "Method", list(METHODS), format_func=METHODS.get, key="ss_method")
if data == "moons":
    link.slider(sb, "Labelled points per class", 1, 25, 3, key="ss_labels_moons")
else:
    link.select_slider(
        sb,
        "Labelled digits in all",
        [10, 100, 1000],
        100,
        key="ss_labels_mnist",
        help="10 per class: the papers' 100",
    )
if method == "m2":
    link.slider(sb, "α: weight of −log q(y|x) (live)", 0.5, 50.0, DEFAULT_ALPHA[data], key="ss_alpha")
link.number_input(sb, "Seed (which examples are labelled)", 0, 10_000, 0, key="ss_seed")
config = LESSONS["semi_supervised"].config(link.current_values())
runner = live.start_run(
    "semi_supervised",
    config,
    buttons,
    step_help="25 steps of both runs",
    steps_per_click=25,
)
scenarios.show("semi_supervised", runner, config, buttons)
source = runner.snapshot()
live.data_line(source.source, source.source_details)


def draw(snap: SemiSnapshot) -> None:
    if snap.data == "moons":
        for column, run in zip(st.columns(2), range(2), strict=True):
            projector.chart(
                column,
                plots.boundary_chart(snap, run),
                key=("decision boundary, labelled + unlabelled", "decision boundary, labels alone")[run],
                now=semi_outcome(snap),
                width="content",
            )
        st.caption(
            "Colour: the classifier's p(y = blue | x); black line: its decision boundary p = ½. Large dots: the "
            "labelled points; grey: unlabelled ones (their labels are never used)"
            + ("; magenta crosses: G's samples." if snap.method == "gan" else ".")
            + " With the GAN way and 3 labelled points per class, after 1,000 steps the semi-supervised boundary "
            "runs between the moons and the labels-only one cuts through them: more than 8 points apart in "
            "held-out accuracy (seeds 0–4: 91–100 % against 78–88 %)."
        )
    else:
        a, b = st.columns(2)
        measured = (
            f"held-out accuracy at step {snap.measured_at:,} (measured every {EVAL_EVERY['mnist']} steps)"
        )
        a.metric(snap.titles[0], f"{snap.latest[0]:.1%}", help=measured)
        b.metric(snap.titles[1], f"{snap.latest[1]:.1%}", help=measured)
        if snap.generated is not None:
            projector.image(
                st,
                image_grid(snap.generated, columns=20),
                key="what G makes",
                caption="What G makes (fixed noise).",
            )
        else:
            projector.image(
                st,
                image_grid(snap.analogies, columns=11),
                key="one style under every label",
                caption="Style and class apart: left, a held-out digit; right, its style z (the mean of q(z|x, y), "
                "x being M1's code of the digit) decoded with each label y = 0 … 9, then drawn by M1's decoder "
                "(Kingma et al. 2014, Figure 1).",
            )
    left, right = st.columns(2)
    with left:
        live.history_chart(
            plots.accuracy_chart(snap), len(snap.accuracy["step"]) // 2, key="accuracy over training"
        )
        st.caption(f"Held-out accuracy of both runs, every {EVAL_EVERY[snap.data]} steps.")
    with right:
        live.history_chart(
            plots.parts_chart(snap), len(snap.parts["step"]), key="the objective's parts over training"
        )
        st.caption(
            "The semi-supervised objective's parts, per example (mean over 20 steps)"
            + (
                "; with M1 + M2, M2's x is M1's code z₁ and M1's ELBO is the digit's own."
                if snap.method == "m2" and snap.data == "mnist"
                else "."
            )
        )


live.live_view(runner, draw, "drawing the semi-supervised runs", unit="steps")

st.subheader("On MNIST: accuracy against the number of labels")
st.dataframe(
    MEASURED["rows"],
    hide_index=True,
    column_config={name: st.column_config.NumberColumn(format="percent") for name in COLUMNS},
)
st.caption(
    f"Measured by `python -m bench.semi_supervised` ({MEASURED['source']}); the same held-out digits for every "
    "run. Published on full MNIST with 100 labels: M2 88.0 %, M1 + M2 96.7 % (Kingma et al. 2014); the "
    "feature-matching GAN 99.1 % (Salimans et al. 2016). Ours see 4,000 digits instead of 60,000 and train for "
    'minutes on a CPU instead of hours on a GPU. Each method\'s "labels alone" is its own networks trained on '
    "the labelled digits only: for M1 + M2, M1 too. With 100 labels M1 + M2 is more than 5 points ahead of its "
    "labels alone by step 3,000 on each of seeds 0–4."
)
