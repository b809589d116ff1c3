"""Sidebar widgets for a 2-D GAN, read into a GANConfig (shared by the GAN lessons)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from lab.data import toy
from lab.gan.losses import GENERATOR_LOSSES
from lab.gan.trainer import ANNEAL_STEPS, FADE_FLOOR, FADE_HELD_FROM, NOISE_PRIORS, GANConfig
from lab.lessons import LESSONS
from lab.ui import link, own_data

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


INSTANCE_NOISE_CHOICES = (0.0, 0.1, 0.2, 0.5, 1.0)
G_AVERAGE_CHOICES = (0.0, 0.9, 0.99, 0.999)
R1_CHOICES = (0.0, 0.1, 1.0, 10.0)
LR_FALL_CHOICES = (0, 2_000, 6_000, 10_000, 20_000)


def against_collapse(defaults: GANConfig) -> None:
    """The playground's remedies for mode collapse (each change starts a fresh run): G's noise
    prior, instance noise, D's R1 penalty and the moving average of G's weights."""
    sb = st.sidebar
    sb.markdown("**Against mode collapse** (changes start a fresh run)")
    link.radio(
        sb,
        "Noise prior p(z)",
        list(NOISE_PRIORS),
        index=NOISE_PRIORS.index(defaults.noise_prior),
        format_func={"gaussian": "Gaussian", "uniform": "uniform"}.get,
        horizontal=True,
        key="noise_prior",
        help="Uniform: each coordinate uniform on [−√3, √3], mean 0 and variance 1 like the Gaussian.",
    )
    link.select_slider(
        sb,
        "Instance noise σ (start)",
        INSTANCE_NOISE_CHOICES,
        defaults.instance_noise,
        key="instance_noise",
        help=f"Gaussian noise added to every point D sees, real or generated, falling to "
        f"{FADE_FLOOR:g}× by step {FADE_HELD_FROM:,}: D compares "
        "the two densities smoothed alike, so G feels modes far away.",
    )
    link.select_slider(
        sb,
        "R1 penalty γ (start)",
        R1_CHOICES,
        defaults.r1,
        key="r1",
        help="D's loss plus γ/2 · ‖∇ₓ logit D(x)‖² at the real points (Mescheder et al. 2018), γ "
        f"falling to {FADE_FLOOR:g}× by step {FADE_HELD_FROM:,}: D stays flat on the data, so it "
        "cannot wall each mode in and G's gradient does not swing from one mode to the next.",
    )
    link.select_slider(
        sb,
        "Average of G's weights β",
        G_AVERAGE_CHOICES,
        defaults.g_average,
        key="g_average",
        help="Draw and measure G with θ_avg ← β θ_avg + (1 − β) θ_G, updated every G step (0: off).",
    )


def gan_config_sidebar(run: str, extra: Callable[[C], None] | None = None) -> C:
    """Draw the GAN's controls in the sidebar and return the config they describe
    (`LESSONS[run].config`, whose defaults the controls start at).

    `extra(defaults)` draws a lesson's own controls under the training loop's (the D* lesson's
    "Inner loop to optimum"). The student can upload or draw their own p_data (`lab.ui.own_data`).

    Every control is bound to the page's URL (see `lab.ui.link`), so copying the address shares
    exactly this setting.
    """
    sb, make = st.sidebar, LESSONS[run].config
    defaults = make({})
    names = own_data.options(run, toy.NAMES_2D, "data")
    data = link.selectbox(
        sb,
        "Data p_data",
        names,
        index=names.index(defaults.data),
        format_func=lambda n: toy.get(n).title,
        key="data",
    )
    own_data.panel(sb, run, "data", data)
    link.selectbox(
        sb,
        "Generator loss",
        GENERATOR_LOSSES,
        index=GENERATOR_LOSSES.index(defaults.generator_loss),
        format_func=LOSS_LABELS.get,
        key="generator_loss",
        help="The lecture's three choices for the generator's step.",
    )
    sb.markdown("**Training loop** (changes apply live)")
    link.slider(sb, "k: discriminator steps per generator step", *K_RANGE, defaults.k, key="k")
    link.select_slider(sb, "Minibatch m", BATCH_CHOICES, defaults.batch_size, key="batch_size")
    link.select_slider(sb, "Learning rate of D", LR_CHOICES, defaults.lr_d, key="lr_d")
    link.select_slider(sb, "Learning rate of G", LR_CHOICES, defaults.lr_g, key="lr_g")
    link.select_slider(
        sb,
        "Learning rates fall from step",
        LR_FALL_CHOICES,
        defaults.lr_fall_from,
        key="lr_fall_from",
        format_func=lambda step: f"{step:,}" if step else "0 (never)",
        help=f"From this generator step both learning rates fall linearly to {FADE_FLOOR:g}× over "
        f"{ANNEAL_STEPS:,} steps, then hold: G's last steps are small, so its samples settle on the modes.",
    )
    if extra:
        extra(defaults)
    sb.markdown("**Networks** (changes start a fresh run)")
    link.radio(
        sb,
        "Optimizer",
        ["adam", "sgd"],
        index=["adam", "sgd"].index(defaults.optimizer),
        format_func={"adam": "Adam", "sgd": "SGD"}.get,
        horizontal=True,
        key="optimizer",
    )
    link.select_slider(sb, "Width (units per layer)", WIDTH_CHOICES, defaults.width, key="width")
    link.slider(sb, "Depth (hidden layers)", *DEPTH_RANGE, defaults.depth, key="depth")
    link.slider(sb, "Noise dimension of z", *NOISE_RANGE, defaults.noise_dim, key="noise_dim")
    link.number_input(sb, "Seed", *SEED_RANGE, defaults.seed, key="seed")
    return make(link.current_values())
