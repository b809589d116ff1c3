"""The VAE's gap, computed exactly: for 2-D data and a 1- or 2-D latent,

    log p(x) = log ∫ p(x|z) p(z) dz          by quadrature on a grid of z,
    log p(x) - ELBO(x) = KL(q(z|x) || p(z|x)),

so the true posterior p(z|x) = p(x|z) p(z) / p(x) can be drawn next to the encoder's q(z|x), and
the ELBO and the importance-weighted bounds (which tighten as K grows) can be read against the
value they bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from lab.vae.model import VAE, bounds, evaluating

REACH = 6.0
"""The grid covers [-REACH, REACH] in each latent coordinate: p(z) puts less than 1e-8 outside, so
the quadrature misses nothing for any x whose posterior lies within 6 prior sigmas (an x far off
the data, whose posterior lies beyond, would be underestimated)."""
POINTS = {1: 2001, 2: 181}
"""Grid points per latent coordinate (cells of 0.006 in 1-D, 0.067 in 2-D); halving the cells
changes log p(x) by less than 1e-3 nats on the trained models of the tests."""
IWAE_KS = (1, 5, 50, 500)


def latent_grid(latent_dim: int, points: int | None = None) -> tuple[np.ndarray, torch.Tensor, float]:
    """(axis, grid points z of shape (n, latent_dim), cell volume) over [-REACH, REACH]^latent_dim."""
    if latent_dim not in POINTS:
        raise ValueError("log p(x) by quadrature needs a 1- or 2-D latent")
    axis = np.linspace(-REACH, REACH, points or POINTS[latent_dim])
    step = float(axis[1] - axis[0])
    t = torch.as_tensor(axis, dtype=torch.float64)
    z = t[:, None] if latent_dim == 1 else torch.cartesian_prod(t, t).flip(1)  # rows follow z_2
    return axis, z, step**latent_dim


CHUNK = 256
"""Rows x per pass of `log_marginal`: bounds the memory of its (rows, grid points) matrices."""


@torch.no_grad()
def decoded(model: VAE, z: torch.Tensor) -> torch.Tensor:
    """The decoder's means f(z) at the points z, in double precision on the CPU."""
    return model.decode(z.to(next(model.parameters()).device, torch.float32)).double().cpu()


@torch.no_grad()
def log_joint(
    model: VAE, x: torch.Tensor, z: torch.Tensor, smoothing: float = 0.0, f: torch.Tensor | None = None
) -> torch.Tensor:
    """log p(x|z) + log p(z) for every x (rows) and every z (columns), Gaussian decoder N(f(z), sigma^2 I)
    (f: `decoded(model, z)`, computed here if not given).

    `smoothing` h > 0 gives the density smoothed by a Gaussian kernel of width h, exactly: the
    decoder's variance becomes sigma^2 + h^2 (used to compare densities at a grid's resolution)."""
    if model.likelihood != "gaussian":
        raise ValueError("the quadrature is for the Gaussian decoder on 2-D data")
    f = decoded(model, z) if f is None else f
    x = x.double().cpu()
    log_sigma = 0.5 * math.log(math.exp(2 * float(model.log_sigma)) + smoothing**2)
    dim = x.shape[1]
    log_prior = -0.5 * (z.pow(2).sum(1) + z.shape[1] * math.log(2 * math.pi))
    squared = torch.cdist(x, f).pow_(2)  # ||x - f(z)||^2, (rows, grid points)
    # speed: -0.5 * squared / sigma^2 - dim * log(sigma sqrt(2 pi)), in place (the same operations, in order)
    log_lik = (
        squared.mul_(-0.5)
        .mul_(math.exp(-2 * log_sigma))
        .sub_(dim * (log_sigma + 0.5 * math.log(2 * math.pi)))
    )
    return log_lik.add_(log_prior[None, :])


def log_marginal(
    model: VAE, x: torch.Tensor, points: int | None = None, smoothing: float = 0.0
) -> torch.Tensor:
    """log p(x) = log sum_z p(x|z) p(z) * cell, per example: the quadrature the gap is measured against
    (of the density smoothed by a kernel of width `smoothing`, see `log_joint`); f(z) is decoded once
    for all the x, which pass CHUNK at a time."""
    _, z, cell = latent_grid(model.latent_dim, points)
    f = decoded(model, z)
    rows = [torch.logsumexp(log_joint(model, c, z, smoothing, f), dim=1) for c in x.split(CHUNK)]
    return torch.cat(rows) + math.log(cell)


RESOLVED = 0.01
"""Nats: the quadrature counts as resolved where halving the grid's cells moves log p(x) less than this."""


def finer(latent_dim: int) -> int:
    """Points per coordinate of the grid with cells half as wide as the quadrature's."""
    return 2 * POINTS[latent_dim] - 1


def resolved(model: VAE, x: torch.Tensor, fine: torch.Tensor | None = None) -> bool:
    """Whether the grid resolves the posterior of these x: log p(x) on the grid and on one with
    cells half as wide (`fine`, computed here if not given) agree within RESOLVED. A very small
    decoder sigma makes p(z|x) narrower than a cell, and then no grid of this size can say what
    log p(x) is."""
    if fine is None:
        fine = log_marginal(model, x, finer(model.latent_dim))
    return bool((log_marginal(model, x) - fine).abs().max() < RESOLVED)


VIEW_POINTS = 121
"""Points per coordinate of the window in which p(z|x) and q(z|x) are drawn."""


@dataclass
class GapAtX:
    """One x: the true posterior and q(z|x) in a window around them, log p(x) and the bounds below it."""

    x: np.ndarray  # (2,)
    view: list[np.ndarray]  # per latent coordinate, the window's axis (VIEW_POINTS,)
    posterior: np.ndarray  # (V,) or (V, V): p(z|x) in the window, rows follow z_2
    q: np.ndarray  # the same shape: q(z|x) = N(mu(x), Sigma(x))
    mu: np.ndarray
    std: np.ndarray
    log_px: float  # by quadrature
    resolved: bool  # the grid resolves p(z|x) (see `resolved`); if not, log_px and the gap are not shown
    elbo: float  # E_q[log p(x|z)] (Monte Carlo, many samples) - KL(q || p(z)) (exact)
    iwae: dict[int, float]  # K -> the importance-weighted bound from K samples (a Monte Carlo estimate)
    iwae_se: dict[int, float]  # K -> its standard error over the repeated draws

    @property
    def gap(self) -> float:
        """log p(x) - ELBO = KL(q(z|x) || p(z|x)) >= 0."""
        return self.log_px - self.elbo


def _window(weights: torch.Tensor, z: torch.Tensor, mu: torch.Tensor, std: torch.Tensor) -> list[np.ndarray]:
    """A square window holding the posterior (its mean +- 4 sd, from the grid's weights) and q(z|x)
    (mu +- 2.5 std): both are drawn large however narrow they are."""
    mean = (weights[:, None] * z).sum(0)
    sd = ((weights[:, None] * (z - mean).pow(2)).sum(0)).sqrt()
    low = torch.minimum(mean - 4 * sd, mu - 2.5 * std)
    high = torch.maximum(mean + 4 * sd, mu + 2.5 * std)
    half = max(float((high - low).max()) / 2, 0.05)
    return [np.linspace(c - half, c + half, VIEW_POINTS) for c in ((low + high) / 2).tolist()]


@torch.no_grad()
def gap_at(model: VAE, x: torch.Tensor, samples: int = 20_000, seed: int = 0) -> GapAtX:
    """The exact picture at one x (shape (1, 2)); the ELBO from `samples` draws of q(z|x), each IWAE
    bound from K draws, averaged over samples // K repetitions (IWAE_KS); the draws from `seed`."""
    generator = torch.Generator().manual_seed(seed)
    # the grid with cells half as wide: its log p(x) is shown, and compared with the grid's (`resolved`)
    _, z, cell = latent_grid(model.latent_dim, finer(model.latent_dim))
    joint = log_joint(model, x, z)[0]
    log_px = float(torch.logsumexp(joint, 0)) + math.log(cell)
    mu, logvar = (t.double().cpu()[0] for t in model.encode(x))
    std = (0.5 * logvar).exp()
    view = _window((joint - torch.logsumexp(joint, 0)).exp(), z, mu, std)
    axes = [torch.as_tensor(a) for a in view]
    zv = axes[0][:, None] if model.latent_dim == 1 else torch.cartesian_prod(axes[1], axes[0]).flip(1)
    log_q = (-0.5 * (((zv - mu) / std).pow(2) + 2 * std.log() + math.log(2 * math.pi))).sum(1)
    shape = (VIEW_POINTS,) * model.latent_dim
    with evaluating(model):
        found = bounds(model, x, samples, generator)
        iwae, iwae_se = {}, {}
        for k in IWAE_KS:
            repeats = max(2, samples // k)
            draws = bounds(model, x.expand(repeats, -1), k, generator).iwae
            iwae[k] = float(draws.mean())
            iwae_se[k] = float(draws.std() / math.sqrt(repeats))
    return GapAtX(
        x=x[0].cpu().numpy(),
        view=view,
        posterior=(log_joint(model, x, zv)[0] - log_px).exp().numpy().reshape(shape),
        q=log_q.exp().numpy().reshape(shape),
        mu=mu.numpy(),
        std=std.numpy(),
        log_px=log_px,
        resolved=resolved(model, x, torch.tensor([log_px], dtype=torch.float64)),
        elbo=float(found.elbo[0]),
        iwae=iwae,
        iwae_se=iwae_se,
    )
