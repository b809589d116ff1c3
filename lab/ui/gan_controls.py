"""Sidebar widgets for a 2-D GAN, read into a GANConfig (shared by the GAN lessons)."""

from __future__ import annotations

import streamlit as st

from lab.data import toy
from lab.gan.losses import GENERATOR_LOSSES
from lab.gan.trainer import GANConfig

LOSS_LABELS = {
    "minimax": "(1) minimax: min log(1 − D(G(z)))",
    "non_saturating": "(2) non-saturating: max log D(G(z))",
    "log_ratio": "(3) log-ratio: max log D/(1 − D)",
}
LR_CHOICES = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1)


def gan_config_sidebar(defaults: GANConfig | None = None) -> GANConfig:
    """Draw the GAN's controls in the sidebar and return the config they describe."""
    defaults = defaults or GANConfig()
    sb = st.sidebar
    names_2d = list(toy.NAMES_2D)
    data = sb.selectbox(
        "Data p_data",
        names_2d,
        index=names_2d.index(defaults.data),
        format_func=lambda n: toy.get(n).title,
        key="data",
    )
    loss = sb.selectbox(
        "Generator loss",
        GENERATOR_LOSSES,
        index=GENERATOR_LOSSES.index(defaults.generator_loss),
        format_func=LOSS_LABELS.get,
        key="generator_loss",
        help="The lecture's three choices for the generator's step.",
    )
    sb.markdown("**Training loop** (changes apply live)")
    k = sb.slider("k: discriminator steps per generator step", 1, 10, defaults.k, key="k")
    batch = sb.select_slider(
        "Minibatch m", [32, 64, 128, 256, 512], value=defaults.batch_size, key="batch_size"
    )
    lr_d = sb.select_slider("Learning rate of D", LR_CHOICES, value=defaults.lr_d, key="lr_d")
    lr_g = sb.select_slider("Learning rate of G", LR_CHOICES, value=defaults.lr_g, key="lr_g")
    sb.markdown("**Networks** (changes start a fresh run)")
    optimizer = sb.radio(
        "Optimizer",
        ["adam", "sgd"],
        index=["adam", "sgd"].index(defaults.optimizer),
        format_func={"adam": "Adam", "sgd": "SGD"}.get,
        horizontal=True,
        key="optimizer",
    )
    width = sb.select_slider(
        "Width (units per layer)", [16, 32, 64, 128, 256], value=defaults.width, key="width"
    )
    depth = sb.slider("Depth (hidden layers)", 1, 5, defaults.depth, key="depth")
    noise_dim = sb.slider("Noise dimension of z", 1, 16, defaults.noise_dim, key="noise_dim")
    seed = sb.number_input("Seed", 0, 10_000, defaults.seed, key="seed")
    return GANConfig(
        data=data,
        generator_loss=loss,
        k=k,
        batch_size=batch,
        lr_d=lr_d,
        lr_g=lr_g,
        optimizer=optimizer,
        width=width,
        depth=depth,
        noise_dim=noise_dim,
        seed=int(seed),
    )
