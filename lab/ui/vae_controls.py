"""Sidebar widgets for the VAE lesson, read into a VAEConfig."""

from __future__ import annotations

import streamlit as st

from lab.data import toy
from lab.lessons import LESSONS
from lab.ui import link, own_data
from lab.ui.gan_controls import LR_CHOICES
from lab.vae.trainer import LR_FLOOR, MNIST_LR, MNIST_LR_DECAY_STEPS, VAEConfig

SIGMAS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
BETAS = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def vae_config_sidebar() -> VAEConfig:
    """Draw the VAE's controls; MNIST gets a Bernoulli decoder by default, 2-D data (a toy
    distribution or the student's own, `lab.ui.own_data`) a Gaussian one (`lab.lessons.vae_config`)."""
    sb = st.sidebar
    data = link.selectbox(
        sb,
        "Data",
        own_data.options("vae", ("mnist", *toy.NAMES_2D), "vae_data"),
        format_func=lambda n: "MNIST digits" if n == "mnist" else toy.get(n).title,
        key="vae_data",
    )
    own_data.panel(sb, "vae", "vae_data", data)
    is_mnist = data == "mnist"
    link.slider(sb, "Latent dimension", 1, 32, 2, key="vae_latent")
    likelihood = "gaussian"  # 2-D data is not in [0, 1]: only the Gaussian decoder fits it
    if is_mnist:
        likelihood = link.radio(
            sb,
            "Decoder p(x|z)",
            ("bernoulli", "gaussian"),
            format_func={"bernoulli": "Bernoulli", "gaussian": "Gaussian N(f(z), σ²I)"}.get,
            key="vae_likelihood",
            horizontal=True,
        )
    if likelihood == "gaussian":
        learn_sigma = link.toggle(sb, "Learn σ", key="vae_learn_sigma", help="Changes start a fresh run.")
        link.select_slider(
            sb,
            "σ of the decoder" + (" (start value)" if learn_sigma else " (live)"),
            SIGMAS,
            0.1 if is_mnist else 0.05,
            key="vae_sigma",
        )
    link.select_slider(sb, "β: weight of the KL term (live)", BETAS, 1.0, key="vae_beta")
    if is_mnist:
        link.radio(sb, "Networks", ("mlp", "conv"), key="vae_arch", horizontal=True)
    link.select_slider(
        sb,
        "Learning rate (live)"
        + (f", cosine decay to {LR_FLOOR:g}× by step {MNIST_LR_DECAY_STEPS:,}" if is_mnist else ""),
        LR_CHOICES,
        MNIST_LR if is_mnist else 1e-3,
        key="vae_lr_mnist" if is_mnist else "vae_lr",  # each data kind keeps its own default
    )
    link.select_slider(sb, "Minibatch (live)", (32, 64, 128, 256, 512), 128, key="vae_batch")
    link.number_input(sb, "Seed", 0, 10_000, 0, key="vae_seed")
    sb.markdown("**Interpolate between** held-out examples (live)")
    left, right = sb.columns(2)
    link.number_input(left, "from #", 0, 999, 0, key="vae_pair_a")
    link.number_input(right, "to #", 0, 999, 1, key="vae_pair_b")
    return LESSONS["vae"].config(link.current_values())
