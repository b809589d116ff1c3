"""The playground's GAN: 2-D toy data, MLPs, and what the playground measures and draws.

`toy_gan(config)` builds the loop's parts; `toy_scores` is its evaluation (modes covered,
high-quality fraction, JSD); `playground_snapshot(trainer)` is what the page draws, read from
the trainer without changing it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from lab.data import toy
from lab.gan.losses import generator_loss
from lab.gan.theory import grid_2d, jsd, kde_on_grid
from lab.gan.trainer import UNIFORM_REACH, Evaluation, GANConfig, GANTrainer
from lab.metrics import mode_coverage
from lab.nets import MLP, seeded

JSD_BANDWIDTH = 0.1
"""Kernel width h at which p_data and p_G are compared by `toy_scores`."""

EVAL_SAMPLES = 2000
EVAL_EVERY = 100
"""Generator steps between evaluations: chosen so that evaluating takes at most a tenth of the
training time (`python -m bench.gan2d` prints the share)."""


def toy_gan(config: GANConfig, device: torch.device | None = None, evaluate: bool = True) -> GANTrainer:
    """A GANTrainer on the toy distribution `config.data` with MLPs G and D, evaluated by
    `toy_scores` every EVAL_EVERY steps (unless `evaluate` is False: a lesson that looks at
    something else)."""
    p_data = toy.get(config.data)
    G, D = toy_nets(config, p_data.dim)
    scores = Evaluation(("modes", "high_quality", "jsd"), toy_scores, EVAL_EVERY) if evaluate else None
    return GANTrainer(config, p_data, G, D, evaluation=scores, device=device)


def toy_nets(config: GANConfig, dim: int) -> tuple[MLP, MLP]:
    """G: noise -> R^dim and D: R^dim -> logit, MLPs of the config's width and depth, their
    initial weights those of `config.seed`."""
    return seeded(
        config.seed,
        lambda: (
            MLP(config.noise_dim, dim, config.width, config.depth),
            MLP(dim, 1, config.width, config.depth),
        ),
    )


def toy_scores(trainer: GANTrainer, rng: torch.Generator) -> dict[str, float]:
    """Modes covered, high-quality fraction and JSD(p_data || p_G) of EVAL_SAMPLES generated points.

    JSD is computed by quadrature on a grid between p_data and p_G both smoothed by the same
    Gaussian kernel of width h = JSD_BANDWIDTH: p_data exactly (a mixture stays a mixture),
    p_G by a (binned) kernel density estimate. In nats, in [0, log 2]. Smoothing both by the same
    kernel never raises a divergence, so this is a lower bound on the true JSD. The grid's cells
    are at most h/2 wide on every data set, so the kernel is resolved.
    """
    p_data = trainer.p_data
    fake = trainer.sample(EVAL_SAMPLES, rng)
    modes, quality = mode_coverage(fake, p_data.modes, p_data.std)
    axis, p_data_h, cell = _smoothed_p_data(trainer.config.data)
    p_g_h = kde_on_grid(fake.numpy(), axis, JSD_BANDWIDTH)
    return {"modes": modes, "high_quality": quality, "jsd": jsd(p_data_h, p_g_h, cell)}


_SMOOTHED: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
SMOOTHED_KEPT = 16
"""Data sets whose smoothed p_data is kept (students' own data sets come and go)."""


def _smoothed_p_data(name: str) -> tuple[np.ndarray, np.ndarray, float]:
    """(grid axis, p_data smoothed by JSD_BANDWIDTH on the grid, cell area): computed once per data set."""
    kept = _SMOOTHED.get(name)  # one read: another session's thread may evict it meanwhile
    if kept is None:
        for old in list(_SMOOTHED)[: len(_SMOOTHED) - SMOOTHED_KEPT + 1]:  # forget the oldest
            _SMOOTHED.pop(old, None)
        p_data = toy.get(name)
        size = jsd_grid_size(p_data.extent)
        axis, points, cell = grid_2d(p_data.extent, size)
        density = p_data.smoothed(JSD_BANDWIDTH).log_prob(points).exp().numpy().reshape(size, size)
        kept = _SMOOTHED[name] = (axis, density, cell)
    return kept


def jsd_grid_size(extent: float) -> int:
    """Cells per side of the JSD grid over [-extent, extent]^2: each at most JSD_BANDWIDTH / 2 wide."""
    return math.ceil(2 * extent / (JSD_BANDWIDTH / 2))


@dataclass
class GANSnapshot:
    """Everything the playground draws, as numpy arrays (no tensors, no autograd)."""

    step: int
    config: GANConfig
    real: np.ndarray  # (n, 2) samples of p_data
    fake: np.ndarray  # (n, 2) samples of p_G
    grid_axis: np.ndarray  # (S,) cell centres along x and along y
    d_grid: np.ndarray  # (S, S) D(x) = sigmoid(logit), rows follow y
    arrows_from: np.ndarray  # (a, 2) generated points
    arrows_dir: np.ndarray  # (a, 2) -d(generator loss)/dx at those points
    manifold: np.ndarray  # (lines, points, 2) G applied to grid lines of a 2-D noise slice
    history: dict[str, list[float]]  # per generator step: step, d_loss, g_loss, d_real, d_fake
    evals: dict[str, list[float]]  # per evaluation: step, modes, high_quality, jsd
    extent: float
    has_modes: bool
    n_modes: int


def playground_snapshot(
    trainer: GANTrainer, n: int = 400, grid_size: int = 48, n_arrows: int = 60
) -> GANSnapshot:
    """What the playground draws: the same z and real points every frame, D on a grid, the
    generator's gradient at generated points, G's image of the noise plane, the histories."""
    rng = torch.Generator().manual_seed(trainer.config.seed + 3)  # not the trainer's: looking changes nothing
    p_data = trainer.p_data
    real = p_data.sample(n, rng).numpy()
    fake = trainer.sample(n, rng).numpy()
    axis, points, _ = grid_2d(p_data.extent, grid_size)
    with torch.no_grad():
        logits = trainer.logit(torch.as_tensor(points, dtype=torch.float32))
    d_grid = torch.sigmoid(logits).view(grid_size, grid_size).cpu().numpy()
    return GANSnapshot(
        step=trainer.step_count,
        config=trainer.config,
        real=real,
        fake=fake,
        grid_axis=axis,
        d_grid=d_grid,
        arrows_from=fake[:n_arrows],
        arrows_dir=generator_arrows(trainer, torch.as_tensor(fake[:n_arrows])),
        manifold=manifold(trainer),
        history=trainer.history.thinned(),
        evals=trainer.evals.thinned(),
        extent=p_data.extent,
        has_modes=p_data.has_modes,
        n_modes=len(p_data.modes),
    )


def generator_arrows(trainer: GANTrainer, x: torch.Tensor) -> np.ndarray:
    """−∂ loss/∂x at generated points x, (n, dim): the direction in which the generator's loss
    pushes each point (the loss is a mean, so it is scaled by n to give each point's own gradient)."""
    x = x.detach().to(trainer.device).requires_grad_(True)
    loss = generator_loss(trainer.logit(x), trainer.config.generator_loss) * len(x)
    (grad,) = torch.autograd.grad(loss, x)
    return -grad.cpu().numpy()


@torch.no_grad()
def manifold(trainer: GANTrainer, lines: int = 11, points: int = 41) -> np.ndarray:
    """G applied to a grid of lines over the noise plane (z_1, z_2) in [-r, r]^2: r = 2.5 for
    Gaussian noise, the whole square [-sqrt 3, sqrt 3]^2 for uniform noise.

    Other noise coordinates are held at 0. Horizontal lines first, then vertical ones.
    """
    reach = UNIFORM_REACH if trainer.config.noise_prior == "uniform" else 2.5
    t = torch.linspace(-reach, reach, points)
    if trainer.config.noise_dim == 1:  # the image of the noise line: one curve
        z = t[None, :, None]
    else:
        levels = torch.linspace(-reach, reach, lines)
        z = torch.zeros(2, lines, points, trainer.config.noise_dim)
        z[0, :, :, 0] = t
        z[0, :, :, 1] = levels[:, None]
        z[1, :, :, 0] = levels[:, None]
        z[1, :, :, 1] = t
    x = trainer.generate(z.reshape(-1, trainer.config.noise_dim)).cpu()
    return x.view(-1, points, x.shape[-1]).numpy()
