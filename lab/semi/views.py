"""What the semi-supervised lesson draws, read off the pair of `with_and_without` (looking never trains).

On two moons: p(y = 1 | x) on a grid for both runs (the decision boundary is its ½ level set), the
labelled points, a sample of the unlabelled ones and, for the GAN way, a sample of G. On MNIST:
the GAN's samples, or M2's "analogies" (Kingma et al. 2014, Figure 1): the style z of a held-out
digit, q(z | x, y)'s mean, decoded with each of the ten labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from lab.protocol import SideBySide
from lab.semi.trainer import KPlusOneGAN, SemiTrainer

GRID, EXTENT_X, EXTENT_Y = 80, 2.6, 1.7
"""The moons' picture: GRID x GRID points over [-EXTENT_X, EXTENT_X] x [-EXTENT_Y, EXTENT_Y]."""
SHOWN_UNLABELLED, SHOWN_GENERATED, SHOWN_DIGITS, ANALOGY_ROWS = 600, 300, 40, 5


@dataclass(frozen=True)
class SemiSnapshot:
    step: int
    method: str
    data: str
    titles: tuple[str, ...]
    accuracy: dict[str, list]  # held-out accuracy of every run: columns step, accuracy, run
    latest: tuple[float, ...]  # each run's latest held-out accuracy
    measured_at: int  # the step of that measurement
    parts: dict[str, list[float]]  # the semi-supervised run's per-step numbers, thinned
    source: str  # where the data came from (`live.data_line`), and more about it
    source_details: str
    grid_x: np.ndarray | None = None  # moons: the grid's axes
    grid_y: np.ndarray | None = None
    p_class1: tuple[np.ndarray, ...] = ()  # moons: p(y = 1 | x) on the grid, one per run
    labelled: np.ndarray | None = None  # moons: (n, 3) x1, x2, label
    unlabelled: np.ndarray | None = None  # moons: (n, 2)
    generated: np.ndarray | None = None  # GAN: G's samples, points or images in [0, 1]
    analogies: np.ndarray | None = None  # M2 on MNIST: (rows * 11, 784), a held-out digit then classes 0-9


def semi_snapshot(pair: SideBySide) -> SemiSnapshot:
    semi = pair.runs[0]
    rows = []
    for title, run in zip(pair.titles, pair.runs, strict=True):
        rows += [(s, a, title) for s, a in zip(run.evals["step"], run.evals["accuracy"], strict=True)]
    accuracy = {"step": [r[0] for r in rows], "accuracy": [r[1] for r in rows], "run": [r[2] for r in rows]}
    common = {
        "step": pair.step_count,
        "method": semi.config.method,
        "data": semi.config.data,
        "titles": tuple(pair.titles),
        "accuracy": accuracy,
        "latest": tuple(run.evals["accuracy"][-1] if len(run.evals) else float("nan") for run in pair.runs),
        "measured_at": int(semi.evals["step"][-1]) if len(semi.evals) else 0,
        "parts": semi.history.thinned(),
        "source": semi.data.source,
        "source_details": semi.data.details,
    }
    rng = torch.Generator().manual_seed(0)  # the same noise every frame: only the model moves
    if semi.config.data == "moons":
        return SemiSnapshot(**common, **_moons(pair, rng))
    if isinstance(semi.method, KPlusOneGAN):
        return SemiSnapshot(**common, generated=semi.method.generate(SHOWN_DIGITS, rng).cpu().numpy())
    return SemiSnapshot(**common, analogies=analogies(semi, ANALOGY_ROWS))


def _moons(pair: SideBySide, rng: torch.Generator) -> dict:
    semi = pair.runs[0]
    data = semi.data
    gx, gy = np.linspace(-EXTENT_X, EXTENT_X, GRID), np.linspace(-EXTENT_Y, EXTENT_Y, GRID)
    points = torch.as_tensor(np.stack(np.meshgrid(gx, gy), -1).reshape(-1, 2), dtype=torch.float32)
    p_class1 = tuple(
        run.classify(points.to(run.device))[:, 1].cpu().numpy().reshape(GRID, GRID) for run in pair.runs
    )
    shown = torch.randperm(len(data.x_unlabelled), generator=rng)[:SHOWN_UNLABELLED]
    labelled = torch.cat([data.x_labelled, data.y_labelled[:, None].float()], dim=1)
    gan = semi.method if isinstance(semi.method, KPlusOneGAN) else None
    generated = gan.generate(SHOWN_GENERATED, rng).cpu().numpy() if gan else None
    return {
        "grid_x": gx,
        "grid_y": gy,
        "p_class1": p_class1,
        "labelled": labelled.cpu().numpy(),
        "unlabelled": data.x_unlabelled[shown.to(data.x_unlabelled.device)].cpu().numpy(),
        "generated": generated,
    }


@torch.no_grad()
def analogies(run: SemiTrainer, rows: int) -> np.ndarray:
    """Row i: held-out digit i, then its style z = mean of q(z | x_i, y_i) decoded with y = 0, ..., K-1
    (an M2 run; with M1, x is M1's mean z1 and the decoded z1 are drawn as M1's mean images)."""
    model, m1, data = run.method.model, run.method.m1, run.data
    x, y = data.x_test[:rows], data.y_test[:rows]
    mu, _ = model.encode(m1.encode(x)[0] if m1 else x, y)
    k = model.classes
    decoded = model.decode(mu.repeat_interleave(k, dim=0), torch.arange(k, device=x.device).repeat(rows))
    decoded = m1.mean(decoded) if m1 else decoded
    grid = torch.cat([x[:, None, :], decoded.view(rows, k, -1)], dim=1)
    return grid.reshape(rows * (k + 1), -1).cpu().numpy()
