"""Lesson: the optimal discriminator D* and the value function."""

import math

import streamlit as st

from lab.gan.losses import TITLES
from lab.gan.optimal_d import (
    EVAL_EVERY,
    KDE_SAMPLES,
    PROOF_REACH,
    DSnapshot,
    DStarSnapshot,
    proof_at,
)
from lab.plots import optimal_d as plots
from lab.scenarios import d_star_2d_outcome, d_star_outcome
from lab.ui import link, live, projector, scenarios, slow_motion, units
from lab.ui.gan_controls import gan_config_sidebar
from lab.ui.optimal_d_controls import d_config_sidebar, inner_loop_toggle
from lab.ui.page import run_through_app

run_through_app()
st.title("The optimal discriminator D*")
st.markdown(
    r"**Proposition.** For a fixed generator, $\max_D V(D, G)$ with "
    r"$V(D,G) = \mathbb{E}_{p_{data}}[\log D(x)] + \mathbb{E}_{p_G}[\log(1 - D(x))]$ is solved by "
    r"$D^*(x) = \frac{p_{data}(x)}{p_{data}(x) + p_G(x)}$, and then "
    r"$V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(p_{data} \| p_G)$. "
    r"The slide writes $D_{JSD}$ for $2\,\mathrm{JSD}$: twice the usual Jensen–Shannon divergence, "
    r"which lies in $[0, \log 2]$."
)
part = link.radio(
    st,
    "Part",
    ["1-D: a fixed generator", "2-D: a learned generator"],
    horizontal=True,
    key="part",
    label_visibility="collapsed",
    part=True,
)
buttons = st.sidebar.container()

if part.startswith("1-D"):
    config = d_config_sidebar()
    per_click = link.select_slider(
        buttons,
        "D steps per Step",
        (1, 10, 100, 1000),
        1,
        key="d_steps_per_click",
        help="How many steps does 'solve the inner max to optimum' take? Try 1000.",
    )
    runner = live.start_run(
        "optimal_d_1d",
        config,
        buttons,
        step_help="steps of D on fresh minibatches",
        steps_per_click=per_click,
    )
    scenarios.show("optimal_d_1d", runner, config, buttons)

    def draw_fixed_generator(snap: DSnapshot) -> None:
        a, b, c, d, e = projector.columns(st, 5, per_row=5)
        a.metric("V(D, G)", f"{snap.value:.4f}", help="of the trained D, by quadrature")
        b.metric("V(D*, G)", f"{snap.value_star:.4f}", help="= −log 4 + 2 JSD: the ceiling")
        c.metric("JSD(p_data ‖ p_G)", f"{snap.jsd:.4f}", help="nats, in [0, log 2]")
        d.metric("2·JSD (slide's D_JSD)", f"{2 * snap.jsd:.4f}")
        e.metric("max |D − D*|", f"{snap.gap:.3f}", help="over the region holding 98 % of the mass")
        projector.chart(
            st, plots.densities_chart(snap), key="p_data, p_G, D and D*", now=d_star_outcome(snap)
        )
        st.caption(
            "Areas: the densities p_data and p_G (left axis). Lines: the trained D(x) and the optimal "
            "D*(x) = p_data/(p_data + p_G) (right axis). D is trained by logistic regression: real "
            "samples labelled 1, generated ones 0. Where p_G = p_data, D* ≡ ½."
        )
        left, right = st.columns(2)
        with left:
            projector.chart(st, plots.gap_chart(snap), key="D − D* along x")
            st.caption("|D − D*| over x; grey: where 98 % of the mass lies; dashed: 0.05.")
        with right:
            live.history_chart(
                plots.value_chart(snap), len(snap.history["step"]), key="V(D, G) over training"
            )
            r = snap.config.ratio
            climb = (
                "V(D, G) climbs to its ceiling V(D*, G) and never passes it"
                if r == 1
                else f"V(D, G) stays below its ceiling V(D*, G): with r = {r:g} real samples per generated "
                f"one, D goes to D*_r, which maximises r·E log D + E log(1 − D), not V; V(D*_r, G) = "
                f"{snap.value_d_star_r:.4f}, {snap.value_star - snap.value_d_star_r:.3f} below the ceiling"
            )
            st.caption(
                f"{climb}; dashed: −log 4 = {-math.log(4):.4f}, the value when p_G = p_data. Recorded "
                f"every {EVAL_EVERY} D steps."
            )
        draw_proof(snap)

    def draw_proof(snap: DSnapshot) -> None:
        """The slide's proof at one x: V's integrand f(q) = a log q + b log(1 − q), maximised at q*."""
        st.markdown(
            r"**The proof, at one x.** $V(D, G) = \int p_{data}(x) \log D(x) + p_G(x) \log(1 - D(x))\,dx$ "
            r"is maximised pointwise: at each x, $f(q) = a \log q + b \log(1 - q)$ with $a = p_{data}(x)$, "
            r"$b = p_G(x)$ peaks at $q^* = \frac{a}{a + b}$ (set $f'(q) = \frac{a}{q} - \frac{b}{1 - q} = 0$)."
        )
        at = link.slider(
            st, "x", -PROOF_REACH, PROOF_REACH, 1.5, 0.05, key="proof_x", help="the point at which to look"
        )
        proof = proof_at(snap, at)
        marks = {
            "q* = a/(a + b)": (proof.q_star, proof.f_star),
            "trained D(x)": (proof.d, proof.value(proof.d)),
        }
        if snap.config.ratio != 1:
            marks["lecture's D*(x), r = 1"] = (proof.d_star_balanced, proof.value(proof.d_star_balanced))
        left, right = st.columns([3, 2])
        with left:
            projector.chart(
                st,
                plots.proof_chart(proof.q, proof.f, proof.f_star, proof.a + proof.b, marks),
                key="the proof at one x",
            )
        with right:
            r = snap.config.ratio
            st.metric("a = " + ("p_data(x)" if r == 1 else f"{r:g}·p_data(x)"), f"{proof.a:.4f}")
            st.metric("b = p_G(x)", f"{proof.b:.4f}")
            st.metric(
                "q* = a/(a + b)", f"{proof.q_star:.4f}", help="= D*(x) (D*_r(x) with r real per generated)"
            )
            st.metric(
                "trained D(x)",
                f"{proof.d:.4f}",
                delta=f"{proof.d - proof.q_star:+.4f} from q*",
                delta_color="off",
            )
        st.caption(
            "The curve is f over q ∈ (0, 1), measured from its top in units of a + b (the same shape and "
            "maximiser at every x; its ends fall to −∞). Dashed rules and dots: the maximiser q\\*, where the "
            "trained D sits, and, when the minibatch holds r real samples per generated one (sidebar), the "
            "lecture's balanced D\\*. With r real per generated, a = r·p_data(x), so D\\* becomes "
            "D\\*ᵣ = r·p_data / (r·p_data + p_G): move r and watch q\\* and the trained D follow."
        )

    live.live_view(runner, draw_fixed_generator, "drawing D against D*", unit="D steps")
else:
    config = gan_config_sidebar("optimal_d_2d", extra=inner_loop_toggle)
    runner = live.start_run("optimal_d_2d", config, buttons)
    slow_motion.manual_buttons("optimal_d_2d", runner, buttons)
    scenarios.show("optimal_d_2d", runner, config, buttons)
    inside = units.toggle(buttons)

    def draw_learned_generator(snap: DStarSnapshot) -> None:
        sub = slow_motion.current_sub_step("optimal_d_2d", runner)
        if sub is not None:
            slow_motion.show(
                sub, config.batch_size, TITLES[config.generator_loss], note=" The maps show D after it."
            )
        for column, chart, key in zip(
            projector.columns(st, 3, per_row=2),
            plots.d_star_maps(snap),
            ("map_d", "map_dstar", "map_gap"),
            strict=True,
        ):
            with column:
                projector.chart(st, chart, key=key, now=d_star_2d_outcome(snap), width="content")
        st.metric(
            "mean |D − D*| where the mass is",
            f"{snap.gap:.2f}",
            help="averaged over the grid cells that hold 98 % of (p_data + p_G)/2",
        )
        st.caption(
            f"A learned G has no density to evaluate, so p_G is estimated from {KDE_SAMPLES:,} samples by a "
            f"kernel density estimate (Gaussian kernel, width h = one grid cell = {snap.bandwidth:.2f}), and "
            "p_data is smoothed by the same kernel: the D* shown is the optimal discriminator at the grid's "
            "resolution; grey: neither distribution has mass there, so D* is not determined. Turn on 'Inner "
            "loop to optimum' and watch D − D* fade: the slide's 'solve the inner maximisation to optimum' "
            "(moons, after 40 generator steps: mean |D − D*| 0.03–0.10 against 0.39–0.50 with k = 1, seeds 0–4)."
        )
        if inside:
            units.draw(runner)

    live.live_view(runner, draw_learned_generator, "drawing D against D*", slower=2)
