"""Numbers that say how good a generator is."""

from __future__ import annotations

import numpy as np
import torch


def mode_coverage(
    samples: torch.Tensor | np.ndarray, modes: torch.Tensor | np.ndarray, std: float
) -> tuple[int, float]:
    """(modes covered, fraction of high-quality samples), as defined in VEEGAN (Srivastava 2017).

    A sample is high quality when it lies within 3 std of its nearest mode; a mode is covered
    when at least one high-quality sample has it as its nearest mode.
    """
    x = torch.as_tensor(samples, dtype=torch.float64)
    m = torch.as_tensor(modes, dtype=torch.float64)
    if len(x) == 0:
        return 0, 0.0
    dist, nearest = torch.cdist(x, m).min(dim=1)
    good = dist <= 3.0 * std
    covered = int(torch.unique(nearest[good]).numel())
    return covered, float(good.double().mean())
