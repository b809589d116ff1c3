"""A GAN on MNIST: the same loop, config and protocol as the 2-D GANTrainer, with image nets,
and scores from a digit classifier (see `lab.gan.mnist_scores`)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lab.data import mnist
from lab.gan.mnist_scores import DigitScorer, shared_scorer
from lab.gan.trainer import GANConfig, GANTrainer
from lab.nets import BatchedMLP
from lab.series import thin

MNIST_DEFAULTS = GANConfig(
    data="mnist", architecture="dcgan", batch_size=64, lr_d=2e-4, lr_g=2e-4, width=256, depth=2, noise_dim=64
)  # width and depth size the MLP pair
"""Recognisable digits within about a minute on a laptop CPU (the small DCGAN, Adam 2e-4, m = 64)."""

SCORE_SECONDS = 2.0  # score generated digits at most this often (it takes a tenth of a second)
SCORE_SAMPLES = 1000
SCORES = ("frechet", "inception", "confidence", "entropy", "digits_present")


class OneCopy(nn.Module):
    """Lets an ordinary image net stand where the trainer expects (copies = 1, n, features)."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x[0])[None]


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
    config: GANConfig
    source: str
    source_details: str
    samples: np.ndarray  # (64, 784) in [0, 1], G(z) at the same z every refresh
    walk: np.ndarray  # (10, 784) G along the line between two fixed z's
    d_real: np.ndarray  # (n,) D(x) on real digits
    d_fake: np.ndarray  # (n,) D(G(z))
    class_histogram: np.ndarray  # (10,) of the last scoring
    history: dict[str, list[float]]  # step, d_loss, g_loss, ...
    evals: dict[str, list[float]]  # step and SCORES
    classifier_accuracy: float


class MNISTGANTrainer(GANTrainer):
    """GANTrainer on MNIST digits (the bundled subset offline), MLP or DCGAN nets."""

    def __init__(self, config: GANConfig, device: torch.device | None = None) -> None:
        if config.data != "mnist":
            raise ValueError("MNISTGANTrainer trains on data='mnist'")
        super().__init__(config, device)
        self.evals = {k: [] for k in ("step", *SCORES)}
        self._scored_at = float("-inf")
        self._class_histogram = np.zeros(10)
        fixed = torch.Generator().manual_seed(config.seed + 4)
        self.fixed_z = torch.randn(64, config.noise_dim, generator=fixed)
        self.walk_ends = torch.randn(2, config.noise_dim, generator=fixed)

    def _data(self) -> mnist.ImageSampler:
        self.mnist = mnist.load()
        return mnist.ImageSampler(self.mnist)

    def _nets(self, copies: int) -> tuple[nn.Module, nn.Module]:
        cfg = self.config
        if cfg.architecture == "dcgan":
            if copies != 1:
                raise ValueError("the DCGAN nets train one loss at a time")
            g, d = dcgan_pair(cfg.noise_dim)
            return OneCopy(g), OneCopy(d)
        g = nn.Sequential(BatchedMLP(copies, cfg.noise_dim, 784, cfg.width, cfg.depth), nn.Tanh())
        return g, BatchedMLP(copies, 784, 1, cfg.width, cfg.depth)

    @property
    def scorer(self) -> DigitScorer:
        """The digit classifier (trained once, cached on disk) and the real digits' features."""
        return shared_scorer(self.mnist, SCORE_SAMPLES)

    @torch.no_grad()
    def generated(self, z: torch.Tensor) -> torch.Tensor:
        """G(z) in [-1, 1] with G in eval mode: batch norm uses its running averages and a look at
        the generator never changes them."""
        self.G.eval()
        try:
            return self.generate(z)
        finally:
            self.G.train()

    def digits(self, z: torch.Tensor) -> np.ndarray:
        """G(z) as images in [0, 1], shape (n, 784), in eval mode (see `generated`)."""
        return ((self.generated(z) + 1.0) / 2.0).clamp(0, 1).cpu().numpy()

    def evaluate(self) -> dict[str, float]:  # type: ignore[override]
        """Scores of SCORE_SAMPLES generated digits; appended to `evals`."""
        z = torch.randn(SCORE_SAMPLES, self.config.noise_dim, generator=self.eval_rng)
        scores = self.scorer.score(self.digits(z))
        self._class_histogram = scores.class_histogram
        self._scored_at = time.monotonic()
        result = {"step": self.step_count, **{k: float(getattr(scores, k)) for k in SCORES}}
        for key, value in result.items():
            self.evals[key].append(value)
        return result

    @torch.no_grad()
    def snapshot(self) -> MNISTSnapshot:  # type: ignore[override]
        # scored while training, at most every SCORE_SECONDS; G at step 0 is noise, not worth the wait
        if self.step_count > 0 and time.monotonic() - self._scored_at >= SCORE_SECONDS:
            self.evaluate()
        real = self.p_data.sample(500, self.eval_rng).to(self.device)
        fake = self.generated(torch.randn(500, self.config.noise_dim, generator=self.eval_rng))
        t = torch.linspace(0, 1, 10)[:, None]
        return MNISTSnapshot(
            step=self.step_count,
            config=self.config,
            source=self.mnist.source,
            source_details=self.mnist.details,
            samples=self.digits(self.fixed_z),
            walk=self.digits((1 - t) * self.walk_ends[0] + t * self.walk_ends[1]),
            d_real=torch.sigmoid(self.discriminator(real)).squeeze(1).cpu().numpy(),
            d_fake=torch.sigmoid(self.discriminator(fake)).squeeze(1).cpu().numpy(),
            class_histogram=self._class_histogram,
            history={k: thin(v) for k, v in self.history.items()},
            evals={k: list(v) for k, v in self.evals.items()},
            classifier_accuracy=self.scorer.classifier.accuracy,
        )
