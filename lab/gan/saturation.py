"""Saturation of log(1 - D(G(z))) and the two fixes of the lecture, side by side.

(1) minimax         min E log(1 - D(G(z)))     d/dlogit = -D        -> 0 when D(G(z)) -> 0
(2) non-saturating  max E log D(G(z))          d/dlogit = -(1 - D)  -> -1
(3) log-ratio       max E log D/(1 - D)        d/dlogit = -1, and with D = D*:
                    E_{p_G} log D*/(1 - D*) = E_{p_G} log p_data/p_G = -KL(p_G || p_data)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.func import grad, vmap

from lab.gan.losses import GENERATOR_LOSSES, generator_loss
from lab.gan.trainer import GANConfig, GANTrainer
from lab.series import thin


def loss_curves(d: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each generator loss: (its value per sample, its derivative in D's logit) at D(G(z)) = d.

    Computed by autograd through `lab.gan.losses`, so the plot shows the code that trains.
    """
    logits = torch.logit(torch.as_tensor(d, dtype=torch.float64))
    curves = {}
    for kind in GENERATOR_LOSSES:

        def per_sample(logit: torch.Tensor, kind: str = kind) -> torch.Tensor:
            return generator_loss(logit[None], kind)

        curves[kind] = (vmap(per_sample)(logits).numpy(), vmap(grad(per_sample))(logits).numpy())
    return curves


@dataclass
class TripleSnapshot:
    """What the side-by-side view draws: per loss, its samples, D(G(z)) and G's gradient norm."""

    step: int
    losses: tuple[str, ...]
    real: np.ndarray  # (n, 2)
    fakes: list[np.ndarray]  # per model (n, 2)
    d_fake: list[np.ndarray]  # per model (n,) D(G(z)) on its own samples
    history: list[dict[str, list[float]]]  # per model: step, g_grad_norm, d_fake, ...
    extent: float


class SaturationTrainer(GANTrainer):
    """Three GANs, one per generator loss (1), (2), (3): same initial weights, same data and noise,
    trained together in one batched pass."""

    def __init__(self, config: GANConfig, device: torch.device | None = None) -> None:
        super().__init__(config, device, generator_losses=GENERATOR_LOSSES)

    @torch.no_grad()
    def snapshot(self, n: int = 300) -> TripleSnapshot:  # type: ignore[override]
        rng = torch.Generator().manual_seed(self.config.seed + 3)  # the same z for every refresh
        z = torch.randn(n, self.config.noise_dim, generator=rng).to(self.device)
        fakes = self.G(z.expand(len(self.losses), -1, -1))
        d_fake = torch.sigmoid(self.D(fakes)).squeeze(-1)
        return TripleSnapshot(
            step=self.step_count,
            losses=self.losses,
            real=self.p_data.sample(n, rng).numpy(),
            fakes=list(fakes.cpu().numpy()),
            d_fake=list(d_fake.double().cpu().numpy()),
            history=[{k: thin(v) for k, v in h.items()} for h in self.histories],
            extent=self.p_data.extent,
        )
