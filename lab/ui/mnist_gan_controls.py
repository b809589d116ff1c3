"""Sidebar widgets for the MNIST GAN, read into an MNISTGANConfig."""

from __future__ import annotations

import streamlit as st

from lab.gan.losses import GENERATOR_LOSSES
from lab.gan.mnist_gan import ARCHITECTURES, MNIST_DEFAULTS, MNISTGANConfig
from lab.lessons import LESSONS
from lab.ui import link
from lab.ui.gan_controls import LOSS_LABELS, LR_CHOICES


def mnist_gan_config_sidebar() -> MNISTGANConfig:
    """Architecture, generator loss, k, learning rates, minibatch, seed; defaults MNIST_DEFAULTS."""
    d, sb = MNIST_DEFAULTS, st.sidebar
    link.radio(
        sb,
        "Networks",
        ARCHITECTURES,
        format_func={"dcgan": "small DCGAN (conv)", "mlp": "MLP pair"}.get,
        key="mg_arch",
        horizontal=True,
        help="Changes start a fresh run.",
    )
    link.selectbox(
        sb, "Generator loss", GENERATOR_LOSSES, index=1, format_func=LOSS_LABELS.get, key="mg_loss"
    )
    link.slider(sb, "k: D steps per G step (live)", 1, 5, d.k, key="mg_k")
    link.select_slider(sb, "Learning rate of D (live)", LR_CHOICES, d.lr_d, key="mg_lr_d")
    link.select_slider(sb, "Learning rate of G (live)", LR_CHOICES, d.lr_g, key="mg_lr_g")
    link.select_slider(sb, "Minibatch m (live)", (32, 64, 128, 256), d.batch_size, key="mg_batch")
    link.number_input(sb, "Seed", 0, 10_000, d.seed, key="mg_seed")
    return LESSONS["mnist_gan"].config(link.current_values())
