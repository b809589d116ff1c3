"""The one family every toy p_data belongs to: a mixture of isotropic Gaussians,
    p(x) = sum_k w_k N(x; m_k, s_k^2 I),
whose density, samples and smoothing by a Gaussian kernel are all exact (`lab.data.toy` builds the
lessons' distributions from it, `lab.data.own` a student's points)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

LOG_PROB_CHUNK = 4_000_000
"""`GaussianMixture.log_prob` evaluates at most this many (point, component) pairs at once (32 MB)."""


@dataclass(frozen=True)
class GaussianMixture:
    """p(x) = sum_k weights[k] * N(x; means[k], stds[k]^2 I)."""

    name: str
    title: str
    means: np.ndarray  # (K, dim)
    stds: np.ndarray  # (K,)
    weights: np.ndarray  # (K,), sums to 1
    has_modes: bool = True  # False where the components only trace a curve
    extent: float = 3.0  # plots show [-extent, extent]^dim

    @property
    def dim(self) -> int:
        return int(self.means.shape[1])

    @property
    def modes(self) -> np.ndarray:
        """Component means: the modes counted by the mode-coverage metric."""
        return self.means

    @property
    def std(self) -> float:
        """The (largest) component standard deviation."""
        return float(self.stds.max())

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n exact samples as a float32 CPU tensor of shape (n, dim)."""
        return self.sample_labeled(n, generator)[0]

    def sample_labeled(
        self, n: int, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """n samples and the index of the component each was drawn from."""
        weights = torch.as_tensor(self.weights, dtype=torch.float64)
        k = torch.multinomial(weights, n, replacement=True, generator=generator)
        means = torch.as_tensor(self.means, dtype=torch.float32)[k]
        stds = torch.as_tensor(self.stds, dtype=torch.float32)[k, None]
        noise = torch.randn(n, self.dim, generator=generator)
        return means + stds * noise, k

    def log_prob(self, x: torch.Tensor | np.ndarray) -> torch.Tensor:
        """Exact log p(x) in float64 for points x of shape (n, dim) (or (n,) in 1-D).

        Computed for LOG_PROB_CHUNK // K points at a time, so a kernel density of thousands of
        points (K components) evaluated on a large grid stays within memory."""
        x = torch.as_tensor(x, dtype=torch.float64)
        if x.ndim == 1:
            x = x[:, None]
        means = torch.as_tensor(self.means, dtype=torch.float64)
        var = torch.as_tensor(self.stds, dtype=torch.float64) ** 2
        log_norm = -0.5 * self.dim * torch.log(2 * math.pi * var)
        log_w = torch.log(torch.as_tensor(self.weights, dtype=torch.float64))
        rows = max(1, LOG_PROB_CHUNK // len(means))
        parts = [
            torch.logsumexp(log_w + log_norm - 0.5 * torch.cdist(x[i : i + rows], means) ** 2 / var, dim=1)
            for i in range(0, len(x), rows)
        ]
        return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.float64)

    def smoothed(self, h: float) -> GaussianMixture:
        """p convolved with N(0, h^2 I): exact, since every component stays Gaussian."""
        stds = np.sqrt(self.stds**2 + h**2)
        return GaussianMixture(
            self.name, self.title, self.means, stds, self.weights, self.has_modes, self.extent
        )
