"""Lesson: the VAE and its latent space, on 2-D toy data and on MNIST."""

import streamlit as st

from lab.data import toy
from lab.plots import vae as plots
from lab.plots.diagram import vae_diagram
from lab.plots.numbers import figure
from lab.plots.raster import image_grid
from lab.scenarios import vae_outcome
from lab.ui import link, live, projector, scenarios
from lab.ui.page import run_through_app
from lab.ui.vae_controls import vae_config_sidebar
from lab.vae.trainer import (
    EVAL_EVERY,
    EVAL_EXAMPLES,
    GAP_EVERY,
    GAP_EXAMPLES,
    IWAE_K,
    VAESnapshot,
    gap_at_held_out,
)

run_through_app()
st.title("The VAE and its latent space")
st.markdown(
    r"Maximise the ELBO $\;\mathcal{L}(\theta, \phi) = -\mathrm{KL}(q_\phi(z|x) \| p(z)) + "
    r"\mathbb{E}_{q_\phi(z|x)}[\log p_\theta(x|z)] \le \log p_\theta(x)$."
)
with st.expander("The model: encoder, prior, decoder"):
    st.markdown(
        r"The Gaussian encoder $q_\phi(z|x) = \mathcal{N}(z; \mu(x), \Sigma(x))$, the prior "
        r"$p(z) = \mathcal{N}(0, I)$ and the decoder $p_\theta(x|z) = \mathcal{N}(x; f(z), \sigma^2 I)$, or for "
        r"digits a Bernoulli decoder. With the Bernoulli decoder the digits are binarised (each pixel black or "
        r"white, drawn with its grey level as probability; a fresh draw every minibatch), so the ELBO is a bound "
        r"on the log-probability of the image, in nats. $q(z|x)$ has a diagonal $\Sigma(x)$ (one variance per "
        r"latent coordinate), as in Kingma & Welling 2014."
    )
    link.toggle(st, "Draw the model as a diagram, with the ELBO's terms now", key="vae_diagram")
buttons = st.sidebar.container()
config = vae_config_sidebar()
runner = live.start_run("vae", config, buttons, step_help="one gradient step on a minibatch")
scenarios.show("vae", runner, config, buttons)


def draw_vae(snap: VAESnapshot) -> None:
    live.data_line(snap.source, snap.source_details)
    ev = snap.evals
    if st.session_state.get("vae_diagram"):
        projector.chart(
            st,
            vae_diagram(ev["kl"][-1], ev["recon"][-1]),
            key="the VAE, as a diagram",
            now=f"step {snap.step:,}: held-out ELBO {ev['elbo'][-1]:,.2f} nats",
            width="stretch",
        )
    gaussian = snap.config.likelihood == "gaussian"
    full_range = st.session_state.get("vae_full_range", False)
    cols = projector.columns(st, 6 if gaussian else 5, per_row=6)
    cols[0].metric(
        "held-out ELBO",
        figure(ev["elbo"][-1]),
        help=f"nats per example (β = 1), on {EVAL_EXAMPLES} held-out examples, {IWAE_K} samples of q(z|x) each",
    )
    cols[1].metric(
        f"IWAE bound, K = {IWAE_K}",
        figure(ev["iwae"][-1]),
        help=f"log (1/K) Σ p(x, z_k)/q(z_k|x) on the same {EVAL_EXAMPLES} examples and samples as the "
        "ELBO: ≥ the ELBO, ≤ log p(x) on average",
    )
    cols[2].metric("E_q[log p(x|z)]", figure(ev["recon"][-1]), help="reconstruction term, held out")
    cols[3].metric("KL(q(z|x) ‖ p(z))", figure(ev["kl"][-1]), help="held out")
    cols[4].metric(
        "reconstruction error",
        figure(ev["mse"][-1], 4),
        help="mean squared error per " + ("pixel" if snap.is_image else "coordinate") + ", x against E[x|z]",
    )
    if gaussian:
        cols[5].metric("σ of the decoder", f"{snap.sigma:.3g}")
    left, right = projector.columns(st, [3, 2])
    with left:
        chosen = st.session_state.get("vae_ellipses", [0, 1, 2, 3, 4])
        chart, how = plots.latent_chart(snap, chosen)
        st.markdown(f"**Latent space**: {how}")
        projector.chart(st, chart, key="the latent space", now=vae_outcome(snap), width="content")
        ellipses = (
            "Black: 2σ ellipses of q(z|x) = N(μ(x), Σ(x)) for the chosen examples; Σ(x) is diagonal (the "
            "encoder outputs one variance per coordinate), so the ellipses are axis-aligned."
            if snap.mu.shape[1] == 2
            else f"The ellipses of q(z|x) are drawn for a 2-D latent only (this one is {snap.mu.shape[1]}-D)."
        )
        st.caption(
            f"Each held-out example's μ(x), drawn as its label (and coloured by it). {ellipses} Dashed: the prior's 1, 2, 3σ circles."
        )
        if snap.mu.shape[1] > 2:
            st.button("t-SNE map of the latent means (takes seconds)", key="vae_tsne", on_click=compute_tsne)
            if "vae_tsne_map" in st.session_state:
                step, frame = st.session_state["vae_tsne_map"]
                projector.chart(st, plots.tsne_chart(frame), key="t-SNE of the latent means", width="content")
                st.caption(f"t-SNE of 500 held-out μ(x) at step {step:,}: neighbours kept, distances not.")
    with right:
        st.markdown("**Aggregate posterior** E_x q(z|x) against the prior N(0, 1)")
        for dim in range(min(2, snap.mu.shape[1])):
            projector.chart(st, plots.aggregate_chart(snap, dim), key=f"aggregate posterior of z{dim + 1}")
            st.caption(f"z{dim + 1}: one draw of q(z|x) per held-out example (bars) and N(0, 1) (line).")
    for column, part in zip(projector.columns(st, 3), plots.PART_COLORS, strict=True):
        with column:
            live.history_chart(
                plots.curves_chart(snap, part, full_range=full_range),
                len(snap.history["step"]),
                key=f"{part} over training",
            )
    st.caption(
        (
            "The whole run. "
            if full_range
            else f"The last {plots.RECENT:.0%} of the run (turn on 'Whole run in the curves' for all). "
        )
        + f"Dotted: training minibatches (running mean); solid: held-out data, every "
        f"{EVAL_EVERY['mnist' if snap.is_image else 'toy']} steps. Raising β buys a smaller KL with "
        "a worse reconstruction (a larger reconstruction error); β → 0 and the VAE becomes a plain "
        "autoencoder."
    )
    if gaussian:
        st.caption(
            "Gaussian decoder: E_q[log p(x|z)] = −D log σ − D/2 log 2π − E‖x − f(z)‖²/(2σ²) with D the "
            "data's dimension. Raising σ forgives errors, so the KL shrinks and the reconstruction error "
            "grows, but the −D log σ term falls: read the reconstruction error, not the log-likelihood, for "
            "how well x is rebuilt. A density of pixels in [0, 1] can exceed 1 (a small σ squeezes it "
            "tall), so this ELBO can be positive; it is a density, not a probability, and cannot be compared "
            "with the Bernoulli decoder's ELBO (the log-probability of a black-and-white image, always ≤ 0)."
        )
    decoder_views(snap)
    if snap.gaps is not None:
        gap_views(snap)


def gap_views(snap: VAESnapshot) -> None:
    """2-D data, 1- or 2-D latent: log p(x) by quadrature, so the gap to the ELBO is exact."""
    st.markdown(
        r"**The gap, exactly.** With a 1- or 2-D latent, $\log p(x) = \log \int p(x|z)\,p(z)\,dz$ is a "
        r"quadrature over a grid of z, so the bound's gap can be read off: "
        r"$\log p(x) - \mathrm{ELBO}(x) = \mathrm{KL}(q(z|x) \| p(z|x)) \ge 0$."
    )
    left, right = st.columns(2)
    with left:
        live.history_chart(
            plots.gap_history_chart(snap), int(sum(snap.gaps["resolved"])), key="the gap over training"
        )
        st.caption(
            f"The gap log p(x) − ELBO, averaged over the first {GAP_EXAMPLES} held-out examples, every "
            f"{GAP_EVERY:,} steps (log p(x) by quadrature): the KL from q(z|x) to the true posterior. Training "
            "the encoder closes most of it (moons, 2-D latent, σ = 0.1: to under a quarter within 2,000 steps, "
            "from 25–38 nats to 0.32–0.43 on seeds 0–4)."
        )
    with right:
        link.number_input(
            st, "Held-out example x", 0, snap.n_held_out - 1, 0, key="gap_x", on_change=look_at_gap
        )
        seen = st.session_state.get("vae_gap")
        if seen is None or seen[0] != snap.config or seen[1] != st.session_state["gap_x"]:
            look_at_gap()
        _, _, step, gap = st.session_state["vae_gap"]
        st.button(
            f"Look again (this is step {step:,})",
            key="gap_refresh",
            on_click=look_at_gap,
            icon=":material/refresh:",
            help="the exact picture costs a few tenths of a second, so it is computed when asked, not every frame",
        )
        if not gap.resolved:
            st.warning(
                "At this decoder σ the posterior p(z|x) is narrower than the grid's cells: the grid and one twice "
                "as fine disagree, so log p(x) cannot be read off here. Raise σ (0.05 or more) to see the gap.",
                icon=":material/grid_off:",
            )
            return
        a, b, c = st.columns(3)
        a.metric("log p(x)", f"{gap.log_px:.3f}", help="by quadrature on the z grid")
        b.metric(
            "ELBO(x)", f"{gap.elbo:.3f}", help="E_q[log p(x|z)] from 20,000 draws of q, minus the exact KL"
        )
        c.metric("gap = KL(q ‖ p(z|x))", f"{gap.gap:.3f}", help="log p(x) − ELBO(x), nats")
        projector.chart(st, plots.bounds_chart(gap), key="log p(x), IWAE and ELBO at one x")
        st.caption(
            "The importance-weighted bound at this x for K = 1, 5, 50, 500 samples of q(z|x) (each averaged over "
            "repeated draws; bars: ±2 standard errors of that average): K = 1 is the ELBO, and the bound "
            "climbs toward log p(x) as K grows. Each value is a Monte Carlo estimate of its bound: where q(z|x) "
            "is a poor proposal its importance weights are heavy-tailed, and an estimate may sit above log p(x) "
            "by about its error bar, never the bound itself."
        )
    projector.chart(st, plots.posterior_chart(gap), key="p(z|x) and q(z|x) at one x", width="content")
    st.caption(
        "Orange: the true posterior p(z|x) = p(x|z) p(z) / p(x) at this x, on the z grid. Magenta: the "
        "encoder's q(z|x) = N(μ(x), Σ(x)), its 1σ and 2σ ellipses (2-D latent) or its density (1-D). Where they "
        "differ, the ELBO falls short of log p(x); a diagonal Gaussian q cannot follow a curved or two-peaked "
        "posterior."
    )


def look_at_gap() -> None:
    """Callback: the gap at the chosen held-out x, now (kept with the config, x and step it was computed at)."""
    index = st.session_state.get("gap_x", 0)
    st.session_state["vae_gap"] = runner.read(
        lambda trainer: (
            trainer.config,
            index,
            trainer.step_count,
            gap_at_held_out(trainer, index),
        )
    )


def compute_tsne() -> None:
    """Button callback: a t-SNE map of the current latent means, kept until the next press."""
    snap = runner.snapshot()
    st.session_state["vae_tsne_map"] = (snap.step, plots.tsne_frame(snap))


def decoder_views(snap) -> None:
    """What the decoder makes: the decoded manifold, reconstructions, samples, interpolation."""
    if not snap.is_image:
        st.markdown("**Decoder**")
        projector.chart(
            st,
            plots.toy_decoder_chart(snap, toy.get(snap.config.data).extent),
            key="the decoder on the plane",
            width="content",
        )
        st.caption(
            "Blue: held-out data. Magenta: samples x ~ p(x|z) with z ~ p(z). Grey: the decoded curve f(z) over "
            "grid lines of the latent plane at prior quantiles. Orange: each held-out point joined to its "
            "reconstruction E[x|z = μ(x)]."
        )
        return
    manifold, recon, samples, path = link.tabs(
        ["Decoded manifold", "Reconstructions", "Samples from the prior", "Interpolation"], key="vae_tab"
    )
    rows, cols = snap.manifold.shape[:2]
    over = "(z₁, z₂)" if snap.config.latent_dim >= 2 else "z₁"
    rest = ", other z's at 0" if snap.config.latent_dim > 2 else ""
    projector.image(
        manifold,
        image_grid(snap.manifold.reshape(-1, 784), cols),
        key="the decoded manifold",
        caption=f"E[x|z] over a {rows}×{cols} grid of {over} at the prior's quantiles{rest}",
    )
    pairs = list(snap.originals) + list(snap.reconstructions)
    projector.image(
        recon,
        image_grid(pairs, len(snap.originals), scale=3),
        key="reconstructions",
        caption="Top: held-out digits. Bottom: E[x|z = μ(x)].",
    )
    projector.image(
        samples,
        image_grid(snap.prior_samples, 8, scale=3),
        key="samples from the prior",
        caption="E[x|z] for z ~ N(0, I).",
    )
    a, b = snap.config.pair
    projector.image(
        path,
        image_grid(snap.interpolation, 10, scale=3),
        key="an interpolation in z",
        caption=f"E[x|z] along the line from μ(x#{a}) to μ(x#{b}).",
    )


link.toggle(
    st.sidebar,
    "Whole run in the curves",
    key="vae_full_range",
    help="from step 0, where the ELBO starts far below",
)
link.multiselect(
    st.sidebar,
    "Show q(z|x) ellipses for held-out examples",
    list(range(30)),
    [0, 1, 2, 3, 4],
    key="vae_ellipses",
)
live.live_view(runner, draw_vae, "drawing the VAE", slower=2, unit="gradient steps")
