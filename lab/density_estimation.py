"""Density estimation, the lecture's first slide: max_theta E_{x ~ p_data} log p_theta(x), three ways
on the same 2-D data.

- an explicit model fit by maximum likelihood: a Gaussian mixture (scikit-learn's EM);
- a GAN: an implicit p_theta, samples only (its density here is a kernel estimate from 200,000
  samples, for comparison);
- a VAE: an explicit p_theta(x) = ∫ p(x|z) p(z) dz with an amortised posterior (its log p(x) by
  quadrature over a 2-D latent, `lab.vae.gap`).

Maximum likelihood minimises the forward KL(p_data || p_theta), which punishes missing mass (mode
covering); a GAN's generator step with D near D* minimises a JSD- or reverse-KL-like divergence,
which punishes mass where there is no data (mode seeking). All densities are compared smoothed by
the same Gaussian kernel of width SMOOTHING (exactly for p_data, the mixture and the VAE; the GAN's
kernel estimate is its samples smoothed by it), on a grid, where the three divergences are a
quadrature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar, NamedTuple

import numpy as np
import torch
from sklearn.mixture import GaussianMixture as MixtureEM

from lab.data import toy
from lab.gan.playground import toy_gan
from lab.gan.theory import grid_2d, jsd
from lab.gan.trainer import GANConfig, GANTrainer
from lab.history import History
from lab.protocol import same_run
from lab.vae.gap import log_marginal
from lab.vae.model import bounds, evaluating
from lab.vae.trainer import IWAE_K, VAEConfig, VAETrainer

MODELS = ("mixture", "gan", "vae")
TITLES = {"mixture": "Gaussian mixture (MLE)", "gan": "GAN (implicit)", "vae": "VAE (explicit, amortised)"}
GRID = 64
REACH = 2.0
"""The divergences' grid covers REACH times the data's extent (a model's mass far from the data
counts in the reverse KL); the pictures show the data's extent."""
SMOOTHING = 0.15
"""Kernel width h at which every density is compared (0.8 of a grid cell on the ring of 8, 0.44 on
the grid of 25, whose grid spans 22 units)."""
TRAIN, HELD_OUT = 10_000, 2_000
SCORED = 500
"""Held-out points every model's log-likelihood averages over: the same first SCORED for all three."""
GAN_SAMPLES = 200_000
"""Samples behind the GAN's kernel estimate: enough for its divergences to settle (doubling them
moves its KLs by under 0.05 nats, tests/unit/test_density_estimation.py)."""
GAN_BIN = SMOOTHING / 3
"""The GAN's samples are counted in square bins this wide, each bin's samples moved to their mean,
before smoothing (within h/3 of each other, the kernel barely tells them apart)."""
EVAL_EVERY = 3000
"""Steps (of the GAN and the VAE) between measurements of the densities, divergences and held-out
log-likelihoods: a measurement (mostly the VAE's quadrature) costs hundreds of steps of both models,
so measuring this seldom keeps it under a tenth of the training time."""
DIVERGENCES = ("forward_kl", "reverse_kl", "jsd")
SAMPLES_SHOWN = 500
CHUNK = 400  # grid points per pass: bounds the memory of the pairwise distances


@dataclass(frozen=True)
class ThreeWaysConfig:
    data: str = "ring8"
    components: int = 4  # K of the mixture
    seed: int = 0

    def __post_init__(self) -> None:
        if toy.get(self.data).dim != 2 or not 1 <= self.components <= 30:
            raise ValueError("2-D data and 1 to 30 mixture components")

    live_fields: ClassVar[tuple[str, ...]] = ("components",)
    """K alone keeps the run: the mixture is refit, the GAN and the VAE go on."""


class ThreeWays:
    """The three models on the same training sample; the GAN and the VAE train step for step, the
    mixture is fit once (EM to convergence). Follows the trainer protocol (`lab.protocol.Trainer`)."""

    def __init__(self, config: ThreeWaysConfig, device: torch.device | None = None, grid: int = GRID) -> None:
        self.config = config
        device = device or torch.device("cpu")  # 2-D nets, measured by quadrature on the CPU
        self.grid = grid  # points per side of the densities' grid
        self.p_data = toy.get(config.data)
        rng = torch.Generator().manual_seed(1234)
        self.train = self.p_data.sample(TRAIN, rng).double().numpy()
        self.held_out = self.p_data.sample(HELD_OUT, rng)
        first = _FIRST_LOOK.get((config, grid))
        self.mixture = (
            first[0] if first else MixtureEM(config.components, random_state=config.seed).fit(self.train)
        )
        # the GAN's and the VAE's own scheduled evaluations would go unseen here: off
        self.gan = toy_gan(GANConfig(data=config.data, seed=config.seed), device, evaluate=False)
        vae = VAEConfig(data=config.data, likelihood="gaussian", latent_dim=2, sigma=0.1, learn_sigma=True)
        self.vae = VAETrainer(replace(vae, seed=config.seed), device, evaluate=False)
        self.device = self.gan.device
        self.scores = History(
            *(f"{m}_{d}" for m in MODELS for d in DIVERGENCES),
            "mixture_ll",
            "vae_ll",
            "vae_iwae",
            *(f"{m}_smoothed_ll" for m in MODELS),
        )
        self.eval_every = EVAL_EVERY
        if first:  # the same for every session: the models' first weights come from the seed
            self.view = first[1]
            self.scores.append(0, first[2])
        else:
            self._score()
            row = self.scores.last()
            del row["step"]
            _FIRST_LOOK[(config, grid)] = (self.mixture, self.view, row)
            while len(_FIRST_LOOK) > FIRST_LOOKS_KEPT:  # the oldest first look goes
                _FIRST_LOOK.pop(next(iter(_FIRST_LOOK)), None)

    @property
    def step_count(self) -> int:
        return self.gan.step_count

    def step(self, n: int = 1) -> dict[str, float]:
        """n steps of the GAN and of the VAE, measuring every EVAL_EVERY steps."""
        for _ in range(n):
            self.gan.step(1)
            self.vae.step(1)
            if self.step_count % self.eval_every == 0:
                self._score()
        return {"step": self.step_count}

    def update(self, config: ThreeWaysConfig) -> None:
        """A new K: the mixture refit on the same sample by EM, and everything measured again now."""
        if not same_run(self.config, config):
            raise ValueError("only K can change mid-run")
        if config.components != self.config.components:
            self.config = config
            self.mixture = MixtureEM(config.components, random_state=config.seed).fit(self.train)
            self._score()

    def _score(self) -> None:
        binned = binned_samples(self.gan)  # one draw of G's samples, for the grid and the held-out points
        self.view = view = densities(self, binned)
        row = {f"{m}_{d}": value for m in MODELS for d, value in divergences(view, m).items()}
        x = self.held_out[:SCORED]
        held = x.double().numpy()
        row["mixture_ll"] = float(self.mixture.score(held))
        row["vae_ll"] = float(log_marginal(self.vae.model, x).mean())
        with evaluating(self.vae.model):
            row["vae_iwae"] = float(
                bounds(self.vae.model, x, IWAE_K, torch.Generator().manual_seed(0)).iwae.mean()
            )
        # all three smoothed by SMOOTHING: the GAN's only likelihood
        row["mixture_smoothed_ll"] = float(mixture_log_density(self.mixture, held).mean())
        row["gan_smoothed_ll"] = float(kernel_log_density(binned, held).mean())
        row["vae_smoothed_ll"] = float(vae_log_density(self.vae, held).mean())
        self.scores.append(self.step_count, row)

    def state_dict(self) -> dict:
        """The GAN's and the VAE's states and the measurements (the mixture is refit from the seed)."""
        return {
            "gan": self.gan.state_dict(),
            "vae": self.vae.state_dict(),
            "scores": self.scores.state_dict(),
        }

    def load_state_dict(self, state: dict) -> None:
        self.gan.load_state_dict(state["gan"])
        self.vae.load_state_dict(state["vae"])
        self.scores.load_state_dict(state["scores"])
        self.view = densities(self)


_FIRST_LOOK: dict[tuple[ThreeWaysConfig, int], tuple[MixtureEM, Densities, dict]] = {}
"""Per config and grid, the fitted mixture and the measurement at step 0, computed once per process
(a few seconds) so that the page opens at once for every later session; read-only after."""
FIRST_LOOKS_KEPT = 32
"""First looks kept at most (a seed typed 0 to 10,000 times K times the data sets would not fit)."""


@dataclass
class Densities:
    """Every density on one grid, each smoothed by SMOOTHING, as logs, and samples of each drawn at
    the same step (so that a picture's samples and density are of the same model)."""

    axis: np.ndarray
    cell: float
    log_p: dict[str, np.ndarray]  # "p_data" and each of MODELS: (GRID, GRID), rows follow y
    samples: dict[str, np.ndarray]  # "p_data" and each of MODELS: (SAMPLES_SHOWN, 2)


def mixture_log_density(mixture: MixtureEM, x: np.ndarray, smoothing: float = SMOOTHING) -> np.ndarray:
    """log of the fitted mixture smoothed by a Gaussian of width h: each covariance plus h^2 I."""
    covariances = mixture.covariances_ + smoothing**2 * np.eye(x.shape[1])
    diff = x[:, None, :] - mixture.means_[None]  # (n, K, d)
    precision = np.linalg.inv(covariances)
    mahalanobis = np.einsum("nkd,kde,nke->nk", diff, precision, diff)
    _, logdet = np.linalg.slogdet(covariances)
    log_components = -0.5 * (mahalanobis + logdet + x.shape[1] * math.log(2 * math.pi))
    return np.logaddexp.reduce(log_components + np.log(mixture.weights_), axis=1)


class BinnedSamples(NamedTuple):
    """The GAN's samples counted in bins of width GAN_BIN: each bin's mean, and its share of the samples."""

    centres: torch.Tensor  # (bins, 2), float32
    log_share: torch.Tensor  # (bins,): log(count / n)


@torch.no_grad()
def binned_samples(gan: GANTrainer, samples: int = GAN_SAMPLES) -> BinnedSamples:
    """n samples of G, the same every time, counted in bins of width GAN_BIN (each moved to its
    bin's mean), so that n can be large."""
    fake = gan.sample(samples, torch.Generator().manual_seed(gan.config.seed + 5)).double()
    ij = torch.round(fake / GAN_BIN).long()  # each sample's bin, (column, row)
    ij -= ij.min(0).values
    # speed: each bin one integer, row-major, so that unique sorts numbers, not rows (the same bins)
    _, inverse, counts = torch.unique(
        ij[:, 0] * (int(ij[:, 1].max()) + 1) + ij[:, 1], return_inverse=True, return_counts=True
    )
    centres = (
        torch.zeros(len(counts), 2, dtype=fake.dtype).index_add_(0, inverse, fake) / counts[:, None]
    ).float()
    return BinnedSamples(centres, counts.float().log() - math.log(samples))


def kernel_log_density(binned: BinnedSamples, x: np.ndarray, smoothing: float = SMOOTHING) -> np.ndarray:
    """log of the binned samples smoothed by a Gaussian of width h: the kernel density estimate
    1/n sum_i N(x; x_i, h^2 I) in log space. The squared distances are expanded, |x|^2 + |c|^2 - 2 x.c,
    in float32 (errors ~1e-3 nats)."""
    scale = 0.5 / smoothing**2
    per_centre = binned.log_share - scale * binned.centres.pow(2).sum(1)
    logs = []
    for chunk in torch.as_tensor(x, dtype=torch.float32).split(CHUNK):
        per_point = -scale * chunk.pow(2).sum(1, keepdim=True)
        logs.append(
            torch.logsumexp(
                torch.addmm(per_point + per_centre, chunk, binned.centres.T, alpha=2 * scale), dim=1
            )
        )
    return (torch.cat(logs).double() - math.log(2 * math.pi * smoothing**2)).numpy()


def vae_log_density(vae: VAETrainer, x: np.ndarray, smoothing: float = SMOOTHING) -> np.ndarray:
    """log p(x) of the VAE smoothed by a Gaussian of width h, by quadrature over the latent plane."""
    return log_marginal(vae.model, torch.as_tensor(x), points=101, smoothing=smoothing).numpy()


def densities(three: ThreeWays, binned: BinnedSamples | None = None) -> Densities:
    """p_data and the three models' densities on the grid, all smoothed by SMOOTHING (the GAN's from
    `binned`, its samples, where they are drawn already)."""
    axis, points, cell = grid_2d(REACH * three.p_data.extent, three.grid)
    shape = (three.grid, three.grid)
    log_p = {
        "p_data": three.p_data.smoothed(SMOOTHING).log_prob(points).numpy().reshape(shape),
        "mixture": mixture_log_density(three.mixture, points).reshape(shape),
        "gan": kernel_log_density(
            binned if binned is not None else binned_samples(three.gan), points
        ).reshape(shape),
        "vae": vae_log_density(three.vae, points).reshape(shape),
    }
    return Densities(axis, cell, log_p, _samples(three, SAMPLES_SHOWN))


def divergences(view: Densities, model: str) -> dict[str, float]:
    """Forward KL(p_data || p_model) (what maximum likelihood minimises), reverse KL(p_model || p_data)
    and JSD, by quadrature on the grid, in nats."""
    log_data, log_model = view.log_p["p_data"], view.log_p[model]
    p_data, p_model = np.exp(log_data), np.exp(log_model)
    return {
        "forward_kl": float((p_data * (log_data - log_model)).sum() * view.cell),
        "reverse_kl": float((p_model * (log_model - log_data)).sum() * view.cell),
        "jsd": jsd(p_data, p_model, view.cell),
    }


@dataclass
class ThreeWaysSnapshot:
    step: int
    config: ThreeWaysConfig
    view: Densities  # at the last measurement, view_step
    samples: dict[str, np.ndarray]  # "p_data" and each model: (n, 2)
    scores: dict[str, list[float]]


def three_ways_snapshot(three: ThreeWays) -> ThreeWaysSnapshot:
    """The densities and samples of the last measurement, and the measurements so far."""
    view = three.view
    return ThreeWaysSnapshot(three.step_count, three.config, view, view.samples, three.scores.thinned())


@torch.no_grad()
def _samples(three: ThreeWays, n: int) -> dict[str, np.ndarray]:
    """n samples of p_data and of each model, the same draws of noise every time."""
    rng = torch.Generator().manual_seed(three.config.seed + 3)
    return {
        "p_data": three.p_data.sample(n, rng).numpy(),
        "mixture": three.mixture.sample(n)[0],
        "gan": three.gan.sample(n, rng).numpy(),
        "vae": _vae_samples(three.vae, n, rng),
    }


def _vae_samples(vae: VAETrainer, n: int, rng: torch.Generator) -> np.ndarray:
    z = torch.randn(n, 2, generator=rng).to(vae.device)
    mean = vae.model.mean(z)
    return (
        (mean + vae.model.log_sigma.exp() * torch.randn(mean.shape, generator=rng).to(vae.device))
        .cpu()
        .numpy()
    )
