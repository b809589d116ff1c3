"""Lesson: saturation of log(1 − D(G(z))) and the non-saturating fixes."""

import streamlit as st

from lab.data import toy
from lab.gan.optimal_d import GRID_POINTS, FixedGenerator
from lab.gan.saturation import (
    KL_D_STEPS,
    STALL_STEPS,
    STRONG_D,
    TrainedLogit,
    TripleSnapshot,
    kl_d,
    loss_three_as_kl,
    trained_logit,
)
from lab.gan.theory import expected_log_ratio
from lab.lessons import LESSONS
from lab.plots import saturation as plots
from lab.scenarios import saturation_outcome
from lab.ui import link, live, projector, scenarios, sessions, slow_motion
from lab.ui.errors import friendly_errors
from lab.ui.page import run_through_app

run_through_app()
st.title("Saturation, and the non-saturating fixes")
st.markdown(
    r"Early in training G is poor, D rejects its samples and $D(G(z)) \approx 0$: the lecture's "
    r"generator loss (1) $\log(1 - D(G(z)))$ then **saturates**, its gradient vanishes. Loss (2) "
    r"$-\log D(G(z))$ keeps it alive, and (3) $-\log \frac{D}{1-D}$, their sum, minimises "
    r"$\mathrm{KL}(p_G \| p_{data})$ when $D \approx D^*$."
)
curves_tab, live_tab, kl_tab = link.tabs(["The three losses", "Side by side, live", "(3) as a KL"], key="tab")

with curves_tab:
    # the curves first: on a projector the columns stack, and the picture leads the first screen
    curves, controls = projector.columns(st, [5, 2])
    with controls:
        marker = link.select_slider(
            st,
            "Place a marker at D(G(z))",
            [1e-4, 1e-3, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99],
            0.01,
            key="marker",
        )
        log_x = link.toggle(st, "Log axis for D(G(z))", True, key="log_x")
        st.dataframe(plots.gradients_at(marker), hide_index=True)
        st.caption(
            "With l the logit of D (D = σ(l)): d/dl log(1 − D) = −D, which vanishes as D → 0, while "
            "d/dl [−log D] = −(1 − D) stays near −1. Same fixed point, very different early gradients."
        )
    with curves:
        for i, chart in enumerate(plots.curve_charts(marker, log_x)):
            projector.chart(st, chart, key=("the three generator losses", "their slopes in the logit")[i])

with live_tab:
    c1, c2, c3, c4, c5 = projector.columns(st, [3, 2, 3, 3, 2], per_row=3)
    link.selectbox(
        c1,
        "Data",
        ["ring8", "grid25", "moons", "spiral", "gaussian"],
        format_func=lambda name: toy.get(name).title,
        key="sat_data",
    )
    link.radio(
        c2,
        "Optimizer",
        ["sgd", "adam"],
        format_func={"sgd": "SGD", "adam": "Adam"}.get,
        key="sat_optimizer",
        help="SGD steps along the gradient; Adam rescales each coordinate by its running size.",
    )
    link.select_slider(
        c3,
        "Strong D: pre-train D for",
        [0, 50, 200, 1000],
        STRONG_D.d_pretrain,
        key="sat_pretrain",
        format_func=lambda n: f"{n} steps",
        help="D is trained alone against the initial G first, so D(G(z)) starts near 0.",
    )
    link.slider(c4, "k: D steps per G step", 1, 10, STRONG_D.k, key="sat_k")
    link.number_input(c5, "Seed", 0, 10_000, 0, key="sat_seed")
    config = LESSONS["saturation"].config(link.current_values())
    controls = st.sidebar.container()  # the run's buttons and scenarios where every lesson has them
    runner = live.start_run("saturation", config, controls)
    slow_motion.manual_buttons("saturation", runner, controls)
    scenarios.show("saturation", runner, config, controls)

    def draw_side_by_side(snap: TripleSnapshot) -> None:
        sub = slow_motion.current_sub_step("saturation", runner)
        if sub is not None:
            note = " All three runs take it on the same minibatch; D's loss is the (1) run's."
            slow_motion.show(sub, config.batch_size, "(1), (2) and (3)", note=note)
        for model, column in enumerate(st.columns(3)):
            with column:
                st.markdown(f"**{plots.LOSS_NAMES[snap.losses[model]]}**")
                projector.chart(
                    st,
                    plots.samples_chart(snap, model),
                    key=f"G(z) and D under loss ({model + 1})",
                    now=saturation_outcome(snap),
                    width="content",
                )
                projector.chart(
                    st, plots.d_histogram(snap, model), key=f"D(x) histogram under loss ({model + 1})"
                )
        grads, updates = st.columns(2)
        steps_drawn = len(snap.history[0]["step"])
        live.history_chart(
            plots.norm_chart(snap, "g_grad_norm"), steps_drawn, key="gradient norms of G", container=grads
        )
        live.history_chart(
            plots.norm_chart(snap, "g_update_norm"), steps_drawn, key="update sizes of G", container=updates
        )
        steps = min(snap.step, STALL_STEPS)
        st.metric(
            f"How far G moved under (1) ÷ under (2), first {steps} G steps",
            "—" if steps == 0 else f"{snap.update_ratio:.4f}",
            help="Σ‖Δθ_G‖ over the steps: the size of the steps the optimizer actually took",
        )
        st.caption(
            "Three GANs from the same initial weights, fed the same data and noise, trained together; "
            "only the generator loss differs. Top: samples (the same z every frame). Middle: D(G(z)) on "
            "them. Bottom: the norm of each generator's gradient ‖∇θ_G‖ and of the step it took ‖Δθ_G‖ "
            "(log scales). In the default setting (ring, SGD at lr 0.05, D pre-trained 200 steps, k = 5) "
            "the gradient of (1) is about D(G(z))/(1 − D(G(z))) of (2)'s, hundreds to thousands of times smaller; G under "
            "(1) moves under 1 % as far as under (2) over the first 200 steps (0.04–0.6 % on seeds 0–4) and "
            "its D(G(z)) stays below 0.01: it stalls, while under (2) and (3) D(G(z)) climbs above 0.1."
        )
        with st.expander("What Adam does to this story", expanded=config.optimizer == "adam"):
            st.markdown(
                "Adam divides each coordinate's step by a running estimate of its gradient's size, so a "
                "gradient 1,000 times smaller gives a step of about the same size: switch to Adam and the "
                "‖Δθ_G‖ curves lie together while ‖∇θ_G‖ stays apart. What Adam cannot undo is the "
                "*direction*: per sample, the gradient of (1) is D(G(z)) ∇l, of (2) (1 − D(G(z))) ∇l, of "
                "(3) ∇l (l: D's logit). Under a strong D, loss (1) is steered almost entirely by the few "
                "samples D already finds plausible, (2) and (3) by all of them. And Adam only rescues (1) while "
                "its gradient stays steady: in the default setting with Adam, G under (1) moves about as far "
                "as under (2) over the first 200 steps (0.71–1.12 times on seeds 0–4); where D then pushes "
                "D(G(z)) back to ≈ 0 the gradient of (1) falls a thousand-fold or more, and since Adam's estimate of "
                "the gradient's size remembers some 1,000 steps (β₂ = 0.999) its steps fall with it. Whether "
                "that happens by step 300 differs from seed to seed: on seeds 2 and 3 G under (1) then moves "
                "4·10⁻³ and 7·10⁻³ times as far as (2) over steps 200–300, on seeds 0, 1 and 4 it keeps moving."
            )
            projector.chart(st, plots.weight_share_chart(snap, model=0), key="share of the gradient weight")
            st.caption(
                "On the samples of the (1) run: sort them by D(G(z)), highest first; the curves give the "
                "share of each loss's gradient weight that the top samples carry. (3) is the diagonal, and (2) lies "
                "on it while D(G(z)) ≈ 0."
            )

    live.live_view(runner, draw_side_by_side, "drawing the three runs", slower=1.5)


kl_run = sessions.runner("saturation_kl", lambda: kl_d(FixedGenerator()), trained_logit)


def train_d_for_kl(p_g: FixedGenerator) -> None:
    """Button callback: a fresh D against p_G, trained to KL_D_STEPS in the background."""
    kl_run.reset(kl_d(p_g), pause=True)
    kl_run.play_until(KL_D_STEPS)


with kl_tab:
    st.markdown(
        r"With $D = D^*$: $\mathbb{E}_{p_G}[\log \frac{D^*}{1 - D^*}] = "
        r"\mathbb{E}_{p_G}[\log \frac{p_{data}}{p_G}] = -\mathrm{KL}(p_G \| p_{data})$. "
        r"Here $p_{data}$ is the 1-D two-Gaussian mixture and $p_G = \mathcal{N}(\mu, \sigma^2)$. "
        r"Note the direction: the slide's last bullet says the G-step minimises "
        r"$D_{KL}(p_{data} \| p_G)$, but its own derivation gives $\mathrm{KL}(p_G \| p_{data})$, the "
        r"reverse, mode-seeking KL: G is punished for putting mass where there is no data, not for missing modes."
    )
    a, b = st.columns(2)
    mu = link.slider(a, "μ of p_G", -3.0, 3.0, 0.0, 0.1, key="kl_mu")
    sigma = link.slider(b, "σ of p_G", 0.2, 2.0, 1.0, 0.05, key="kl_sigma")
    with friendly_errors("computing the KL"):
        check = loss_three_as_kl(mu, sigma)
        st.button(
            f"Train a D against this p_G ({KL_D_STEPS:,} steps)",
            key="kl_train",
            on_click=train_d_for_kl,
            args=(check.p_g,),
            help="logistic regression of p_data against this p_G, in the background; takes a second or two",
        )

        def draw_kl(trained: TrainedLogit) -> None:
            """The three numbers and the curves; the trained D's once it has trained against this p_G."""
            ours = trained.p_g == check.p_g
            if ours and trained.step < KL_D_STEPS:
                st.caption(f"Training D against this p_G: step {trained.step:,} of {KL_D_STEPS:,}.")
            logit = trained.logit if ours and trained.step >= KL_D_STEPS else None
            m1, m2, m3 = st.columns(3)
            m1.metric("E_pG[log D*/(1 − D*)]", f"{check.expected_star:.4f}")
            m2.metric("−KL(p_G ‖ p_data)", f"{check.minus_kl:.4f}")
            m3.metric(
                "E_pG[log D/(1 − D)], trained D",
                "—" if logit is None else f"{expected_log_ratio(logit, check.p_g_density, check.cell):.4f}",
                help="press the button to train a D for this p_G",
            )
            projector.chart(
                st,
                plots.log_ratio_chart(check.x, check.p_g_density, check.log_ratio_star, logit),
                key="loss (3) as a KL",
            )

        live.live_view(kl_run, draw_kl, "training D against p_G", unit=None)
        st.caption(
            "Lines: log D/(1 − D) for the optimal D* (that is log p_data/p_G, taken from the log densities) "
            "and for a trained D (its logit); the axis is cut at ±8. Shaded: p_G, the weight of the average. "
            f"All by quadrature on a {GRID_POINTS:,}-point grid. The D-step makes D a density-ratio estimator; "
            "the G-step with loss (3) then minimises KL(p_G ‖ p_data). A trained D is only as good as its "
            "samples: at μ = 3, σ = 2 much of p_G lies where p_data has almost no mass, D sees few examples of "
            "the extreme ratio there, and its estimate falls well short (about −5 against −10.31)."
        )
