"""A GAN on MNIST: the same loop (`GANTrainer`) with image nets, scored by a digit classifier
(see `lab.gan.mnist_scores`) every EVAL_EVERY generator steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch
from torch import nn

from lab.data import mnist
from lab.gan.mnist_scores import shared_scorer
from lab.gan.trainer import Evaluation, GANConfig, GANTrainer
from lab.nets import MLP, seeded

ARCHITECTURES = ("dcgan", "mlp")


@dataclass(frozen=True)
class MNISTGANConfig(GANConfig):
    """The loop's settings on MNIST, and which nets: the small DCGAN or an MLP pair (width, depth).
    Adam at 5·10⁻³ (β₁ = 0.5) for both nets, 25 times the DCGAN paper's 2·10⁻⁴, so that digits come
    within a few hundred steps (the scenario "stable"'s claim; `python -m bench.mnist_gan` sets the
    lab's run beside the DCGAN paper's recipe at 2·10⁻⁴)."""

    data: str = "mnist"
    architecture: str = "dcgan"
    batch_size: int = 64
    lr_d: float = 5e-3
    lr_g: float = 5e-3
    width: int = 256
    depth: int = 2
    noise_dim: int = 64

    live_fields: ClassVar[tuple[str, ...]] = GANConfig.live_fields

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.data != "mnist" or self.architecture not in ARCHITECTURES:
            raise ValueError(f"data='mnist' and an architecture in {ARCHITECTURES}")


MNIST_DEFAULTS = MNISTGANConfig()

SCORE_SAMPLES = 1000
EVAL_EVERY = 150
"""Generator steps between scorings of SCORE_SAMPLES digits: chosen so that scoring takes under a
tenth of the training time (`python -m bench.mnist_gan` prints the share)."""
SCORES = ("frechet", "inception", "confidence", "entropy", "digits_present")
CLASSES = tuple(f"digit_{d}" for d in range(10))
"""The share of each digit among the scored samples, recorded with the scores."""


def dcgan_pair(noise_dim: int) -> tuple[nn.Module, nn.Module]:
    """A small DCGAN for 28x28, sized for a CPU: G z -> 64x7x7 -> 32x14x14 -> 1x28x28 (tanh),
    with batch norm; D the mirror image with leaky ReLUs."""
    g = nn.Sequential(
        nn.Linear(noise_dim, 64 * 7 * 7), nn.BatchNorm1d(64 * 7 * 7), nn.ReLU(),
        nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Tanh(), nn.Flatten(),
    )  # fmt: skip
    d = nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 32, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(32, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 1),
    )  # fmt: skip
    return g, d


@dataclass
class MNISTSnapshot:
    step: int
    config: MNISTGANConfig
    source: str
    source_details: str
    samples: np.ndarray  # (64, 784) in [0, 1], G(z) at the same z every refresh
    walk: np.ndarray  # (10, 784) G along the line between two fixed z's
    d_real: np.ndarray  # (n,) D(x) on real digits
    d_fake: np.ndarray  # (n,) D(G(z))
    class_histogram: np.ndarray  # (10,) share of each digit at the last scoring (zeros before)
    history: dict[str, list[float]]  # step, d_loss, g_loss, ...
    evals: dict[str, list[float]]  # step and SCORES
    classifier_accuracy: float


def mnist_gan(config: MNISTGANConfig, device: torch.device | None = None) -> GANTrainer:
    """A GANTrainer on MNIST digits (the bundled subset offline) scaled to [-1, 1], with the small
    DCGAN or an MLP pair; scored every EVAL_EVERY generator steps (not at step 0: G is noise)."""
    data = mnist.load()
    G, D = seeded(config.seed, lambda: image_nets(config))
    scores = Evaluation((*SCORES, *CLASSES), digit_scores, EVAL_EVERY, at_start=False)
    return GANTrainer(config, mnist.ImageSampler(data), G, D, evaluation=scores, device=device)


def image_nets(config: MNISTGANConfig) -> tuple[nn.Module, nn.Module]:
    """G: z -> 784 values in [-1, 1] and D: 784 -> logit, the small DCGAN or an MLP pair."""
    if config.architecture == "dcgan":
        return dcgan_pair(config.noise_dim)
    return nn.Sequential(MLP(config.noise_dim, 784, config.width, config.depth), nn.Tanh()), MLP(
        784, 1, config.width, config.depth
    )


@torch.no_grad()
def generated(trainer: GANTrainer, z: torch.Tensor) -> torch.Tensor:
    """G(z) in [-1, 1] with G in eval mode: batch norm uses its running averages, and a look at
    the generator never changes them."""
    trainer.G.eval()
    try:
        return trainer.generate(z)
    finally:
        trainer.G.train()


def digits(trainer: GANTrainer, z: torch.Tensor) -> np.ndarray:
    """G(z) as images in [0, 1], shape (n, 784), in eval mode (see `generated`)."""
    return ((generated(trainer, z) + 1.0) / 2.0).clamp(0, 1).cpu().numpy()


def digit_scores(trainer: GANTrainer, rng: torch.Generator) -> dict[str, float]:
    """Scores of SCORE_SAMPLES generated digits, and the share of each digit among them."""
    data = trainer.p_data.data
    z = torch.randn(SCORE_SAMPLES, trainer.config.noise_dim, generator=rng)
    scores = shared_scorer(data, SCORE_SAMPLES).score(digits(trainer, z))
    return {
        **{name: float(getattr(scores, name)) for name in SCORES},
        **dict(zip(CLASSES, scores.class_histogram.tolist(), strict=True)),
    }


@torch.no_grad()
def mnist_snapshot(trainer: GANTrainer) -> MNISTSnapshot:
    """Digits at the same 64 z every frame, a latent walk, D on real and generated digits, the
    latest scores."""
    config, data = trainer.config, trainer.p_data.data
    rng = torch.Generator().manual_seed(config.seed + 4)  # fixed: the same digits every refresh
    fixed_z = torch.randn(64, config.noise_dim, generator=rng)
    walk_ends = torch.randn(2, config.noise_dim, generator=rng)
    real = trainer.p_data.sample(500, rng).to(trainer.device)
    fake = generated(trainer, torch.randn(500, config.noise_dim, generator=rng))
    t = torch.linspace(0, 1, 10)[:, None]
    latest = trainer.evals.last()
    return MNISTSnapshot(
        step=trainer.step_count,
        config=config,
        source=data.source,
        source_details=data.details,
        samples=digits(trainer, fixed_z),
        walk=digits(trainer, (1 - t) * walk_ends[0] + t * walk_ends[1]),
        d_real=torch.sigmoid(trainer.logit(real)).squeeze(1).cpu().numpy(),
        d_fake=torch.sigmoid(trainer.logit(fake)).squeeze(1).cpu().numpy(),
        class_histogram=np.array([latest[c] for c in CLASSES]) if latest else np.zeros(10),
        history=trainer.history.thinned(),
        evals=trainer.evals.thinned(),
        classifier_accuracy=shared_scorer(data, SCORE_SAMPLES).classifier.accuracy,
    )
