"""Sidebar widgets for a 2-D GAN, read into a GANConfig (shared by the GAN lessons)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import streamlit as st

from lab.data import toy
from lab.gan.losses import GENERATOR_LOSSES
from lab.gan.trainer import GANConfig
from lab.ui.share import config_from_link, link_to

C = TypeVar("C", bound=GANConfig)

LOSS_LABELS = {
    "minimax": "(1) minimax: min log(1 − D(G(z)))",
    "non_saturating": "(2) non-saturating: max log D(G(z))",
    "log_ratio": "(3) log-ratio: max log D/(1 − D)",
}
LR_CHOICES = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1)
BATCH_CHOICES = (32, 64, 128, 256, 512)
WIDTH_CHOICES = (16, 32, 64, 128, 256)
K_RANGE, DEPTH_RANGE, NOISE_RANGE, SEED_RANGE = (1, 10), (1, 5), (1, 16), (0, 10_000)


def _fits_widgets(c: GANConfig) -> bool:
    """True when every value can be shown by the widgets below."""
    return (
        c.data in toy.NAMES_2D
        and {c.lr_d, c.lr_g} <= set(LR_CHOICES)
        and c.batch_size in BATCH_CHOICES
        and c.width in WIDTH_CHOICES
        and all(
            lo <= v <= hi
            for v, (lo, hi) in (
                (c.k, K_RANGE),
                (c.depth, DEPTH_RANGE),
                (c.noise_dim, NOISE_RANGE),
                (c.seed, SEED_RANGE),
            )
        )
    )


def gan_config_sidebar(defaults: C, extra: Callable[[C], dict[str, Any]] | None = None) -> C:
    """Draw the GAN's controls in the sidebar and return the config they describe (of the type
    of `defaults`).

    `extra(defaults)` draws a lesson's own controls under the training loop's and returns the
    fields they set (the D* lesson's "Inner loop to optimum").

    The first values come from the page's link (see `lab.ui.share`), and the link follows
    every change, so copying the address shares exactly this setting.
    """
    base = defaults
    defaults = config_from_link(base)
    if not _fits_widgets(defaults):
        st.warning("Ignored the settings in the link: a value is outside what the sliders offer.")
        defaults = base
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
    k = sb.slider("k: discriminator steps per generator step", *K_RANGE, defaults.k, key="k")
    batch = sb.select_slider("Minibatch m", BATCH_CHOICES, value=defaults.batch_size, key="batch_size")
    lr_d = sb.select_slider("Learning rate of D", LR_CHOICES, value=defaults.lr_d, key="lr_d")
    lr_g = sb.select_slider("Learning rate of G", LR_CHOICES, value=defaults.lr_g, key="lr_g")
    own = extra(defaults) if extra else {}
    sb.markdown("**Networks** (changes start a fresh run)")
    optimizer = sb.radio(
        "Optimizer",
        ["adam", "sgd"],
        index=["adam", "sgd"].index(defaults.optimizer),
        format_func={"adam": "Adam", "sgd": "SGD"}.get,
        horizontal=True,
        key="optimizer",
    )
    width = sb.select_slider("Width (units per layer)", WIDTH_CHOICES, value=defaults.width, key="width")
    depth = sb.slider("Depth (hidden layers)", *DEPTH_RANGE, defaults.depth, key="depth")
    noise_dim = sb.slider("Noise dimension of z", *NOISE_RANGE, defaults.noise_dim, key="noise_dim")
    seed = sb.number_input("Seed", *SEED_RANGE, defaults.seed, key="seed")
    config = replace(
        base,
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
        **own,
    )
    link_to(config, base)
    return config
