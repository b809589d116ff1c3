"""The status line under a lesson's run buttons: what the run on screen is, in one line, from its
config (e.g. "8 Gaussians on a ring · loss (2) non-saturating · k = 1 · m = 128 · … · seed 0")."""

from __future__ import annotations

from typing import Any

from lab.data import toy
from lab.density_estimation import ThreeWaysConfig
from lab.gan.figure1 import COMPARISONS, Figure1Config
from lab.gan.losses import TITLES
from lab.gan.mnist_gan import MNISTGANConfig
from lab.gan.optimal_d import DConfig, InnerLoopConfig
from lab.gan.saturation import SaturationConfig
from lab.gan.trainer import GANConfig
from lab.semi.trainer import METHODS, SemiConfig
from lab.vae.trainer import LR_FLOOR, VAEConfig


def run_line(config: Any) -> str:
    """One line for the status bar: what the run of `config` is."""
    if isinstance(config, SaturationConfig):
        head = f" · D pre-trained {config.d_pretrain} steps" if config.d_pretrain else ""
        return gan_line(config, "(1), (2) and (3), one run each") + head
    if isinstance(config, Figure1Config):
        both = "(1) and (2), one run each" if config.compare == "losses" else None
        where = f" · G starts at {config.g_start:g}" if config.g_start else ""
        return gan_line(config, both) + where + f" · {COMPARISONS[config.compare]}"
    if isinstance(config, GANConfig):
        return gan_line(config)
    lines = {DConfig: d_line, ThreeWaysConfig: three_ways_line, VAEConfig: vae_line, SemiConfig: semi_line}
    return lines[type(config)](config)


def gan_line(config: GANConfig, losses: str | None = None) -> str:
    """A GAN's run (`losses` in place of the generator loss's name, where several run side by side)."""
    data = "MNIST digits" if config.data == "mnist" else toy.get(config.data).title
    inner = f"k = {config.k}"
    if isinstance(config, InnerLoopConfig) and config.d_to_optimum:
        inner += " (D to its optimum)"
    nets = f"{config.depth}×{config.width} units"
    if isinstance(config, MNISTGANConfig):
        nets = "DCGAN conv nets" if config.architecture == "dcgan" else f"MLPs {config.depth}×{config.width}"
    opt = {"adam": "Adam", "sgd": "SGD"}[config.optimizer]
    if config.lr_fall_from:
        opt += f", falling from step {config.lr_fall_from:,}"
    return (
        f"{data} · loss {losses or TITLES[config.generator_loss]} · {inner} · m = {config.batch_size}"
        f" · lr D {config.lr_d:g}, G {config.lr_g:g} ({opt}) · {nets} · z in R^{config.noise_dim}"
        f"{' uniform' if config.noise_prior == 'uniform' else ''}"
        f"{f' · instance noise {config.instance_noise:g}' if config.instance_noise else ''}"
        f"{f' · R1 γ {config.r1:g}' if config.r1 else ''}"
        f"{f' · G averaged (β {config.g_average:g})' if config.g_average else ''}"
        f" · seed {config.seed}"
    )


def d_line(config: DConfig) -> str:
    """The D* lesson's 1-D part: D against a fixed p_G."""
    if config.p_g is None:
        p_g = "p_G = p_data"
    elif len(config.p_g.means) == 1:
        p_g = "p_G a single Gaussian"
    else:
        p_g = f"p_G a mixture of {len(config.p_g.means)} Gaussians"
    shape = "logistic regression on x" if config.depth == 0 else f"{config.depth}×{config.width} units"
    ratio = "" if config.ratio == 1 else f" · real:fake = {config.ratio:g}:1"
    return (
        f"{toy.get(config.data).title} · {p_g} · D: {shape} · Adam lr {config.lr:g} · m = {config.batch_size}"
        f"{ratio} · seed {config.seed}"
    )


def three_ways_line(config: ThreeWaysConfig) -> str:
    k = config.components
    mixture = "a single Gaussian" if k == 1 else f"mixture of {k} Gaussians"
    return f"{toy.get(config.data).title} · {mixture} · GAN and VAE (2-D latent) · seed {config.seed}"


def vae_line(config: VAEConfig) -> str:
    if config.likelihood == "bernoulli":
        decoder = "Bernoulli"
    else:
        decoder = f"Gaussian, σ {'learned' if config.learn_sigma else f'= {config.sigma:g}'}"
    data = "MNIST" if config.data == "mnist" else toy.get(config.data).title
    decay = (
        f" (cosine decay to {LR_FLOOR:g}× by step {config.lr_decay_steps:,})" if config.lr_decay_steps else ""
    )
    return (
        f"{data} · z in R^{config.latent_dim} · decoder {decoder} · β = {config.beta:g} · {config.architecture}"
        f" {config.depth}×{config.width}{' + BatchNorm' if config.batch_norm else ''} · Adam lr {config.lr:g}"
        f"{decay} · m = {config.batch_size} · seed {config.seed}"
    )


def semi_line(config: SemiConfig) -> str:
    data = "MNIST" if config.data == "mnist" else "two moons"
    uses = "labelled and unlabelled" if config.unlabelled else "the labels alone"
    alpha = f" · α {config.cross_entropy_weight:g}" if config.method == "m2" else ""
    return (
        f"{data} · {METHODS[config.method]} · {config.labels:,} labels ({config.labels_per_class} per class), {uses}"
        f" · m = {config.batch_size} · lr {config.learning_rate:g} (Adam){alpha} · seed {config.seed}"
    )
