"""The lecture's VAE: encoder q_phi(z|x) = N(z; mu(x), Sigma(x)) with diagonal Sigma, prior
p(z) = N(0, I), decoder p_theta(x|z) = N(x; f(z), sigma^2 I) or Bernoulli(x; sigmoid(f(z))).

    log p(x) >= ELBO = -KL(q(z|x) || p(z)) + E_q[log p(x|z)]
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lab.nets import mlp

LIKELIHOODS = ("bernoulli", "gaussian")
ARCHITECTURES = ("mlp", "conv")


@contextmanager
def evaluating(model: nn.Module) -> Iterator[nn.Module]:
    """The model in evaluation mode for the block (BatchNorm by its running averages), then in the
    mode it was in before."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def kl_to_prior(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag e^logvar) || N(0, I)) = 1/2 sum(mu^2 + e^logvar - 1 - logvar), per example."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """z = mu + sigma * eps with eps ~ N(0, I): a sample of q(z|x) that gradients flow through."""
    return mu + (0.5 * logvar).exp() * eps


def reconstruction_log_lik(
    x: torch.Tensor, out: torch.Tensor, likelihood: str, log_sigma: torch.Tensor | float = 0.0
) -> torch.Tensor:
    """log p(x|z) per example, in nats, for the decoder's output `out` = f(z).

    gaussian:  log N(x; f(z), sigma^2 I) = -1/2 sum[(x - f)^2 / sigma^2 + 2 log sigma + log 2 pi]
    bernoulli: sum[x log p + (1 - x) log(1 - p)], p = sigmoid(f(z)), written on the logits f(z)
    """
    if likelihood == "gaussian":
        log_sigma = torch.as_tensor(log_sigma, dtype=x.dtype, device=x.device)
        sq = ((x - out) * torch.exp(-log_sigma)).pow(2)
        return -0.5 * (sq + 2 * log_sigma + math.log(2 * math.pi)).sum(dim=1)
    if likelihood == "bernoulli":
        return (x * out - F.softplus(out)).sum(dim=1)
    raise ValueError(f"likelihood must be one of {LIKELIHOODS}")


def _conv_encoder(latent_dim: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(),  # 14x14
        nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),  # 7x7
        nn.Flatten(), nn.Linear(64 * 7 * 7, 256), nn.ReLU(), nn.Linear(256, 2 * latent_dim),
    )  # fmt: skip


def _conv_decoder(latent_dim: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(latent_dim, 256), nn.ReLU(), nn.Linear(256, 64 * 7 * 7), nn.ReLU(),
        nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),  # 14x14
        nn.ConvTranspose2d(32, 1, 4, 2, 1),  # 28x28
        nn.Flatten(),
    )  # fmt: skip


class VAE(nn.Module):
    """Encoder x -> (mu, logvar), decoder z -> f(z); sigma of the Gaussian decoder fixed or learned.

    With `batch_norm` the MLPs normalise their hidden layers; the model is then a function of each x
    alone only in evaluation mode, which is where VAETrainer keeps it outside its training steps.
    """

    def __init__(
        self,
        data_dim: int,
        latent_dim: int,
        width: int,
        depth: int,
        likelihood: str = "bernoulli",
        sigma: float = 0.1,
        learn_sigma: bool = False,
        architecture: str = "mlp",
        batch_norm: bool = False,
    ) -> None:
        super().__init__()
        if likelihood not in LIKELIHOODS or architecture not in ARCHITECTURES:
            raise ValueError(f"likelihood in {LIKELIHOODS}, architecture in {ARCHITECTURES}")
        if architecture == "conv" and data_dim != 784:
            raise ValueError("the conv architecture is for 28x28 images")
        self.likelihood = likelihood
        self.latent_dim = latent_dim
        if architecture == "conv":
            self.encoder, self.decoder = _conv_encoder(latent_dim), _conv_decoder(latent_dim)
        else:
            self.encoder = mlp(data_dim, 2 * latent_dim, width, depth, batch_norm)
            self.decoder = mlp(latent_dim, data_dim, width, depth, batch_norm)
        log_sigma = torch.tensor(math.log(sigma))
        if learn_sigma:
            self.log_sigma = nn.Parameter(log_sigma)
        else:
            self.register_buffer("log_sigma", log_sigma)

    @torch.no_grad()
    def start_at_mean_image(self, mean: torch.Tensor) -> None:
        """Set the Bernoulli decoder's output bias to logit(mean pixel): at the start f(z) is about
        the data's mean image for every z, and training begins from there rather than from grey."""
        last = self.decoder[-1]
        assert self.likelihood == "bernoulli" and isinstance(last, nn.Linear)
        last.bias.copy_(torch.logit(mean.clamp(1e-3, 1 - 1e-3)))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """mu(x) and log of the diagonal of Sigma(x)."""
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar.clamp(-12.0, 8.0)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """f(z): the Gaussian decoder's mean, or the Bernoulli decoder's logits."""
        return self.decoder(z)

    def mean(self, z: torch.Tensor) -> torch.Tensor:
        """E[x|z]: f(z) for the Gaussian decoder, sigmoid(f(z)) for the Bernoulli one."""
        out = self.decode(z)
        return torch.sigmoid(out) if self.likelihood == "bernoulli" else out


def elbo(
    model: VAE, x: torch.Tensor, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(ELBO, E_q[log p(x|z)], KL(q(z|x) || p(z))) per example, in nats; one sample of z each."""
    return elbo_of_code(model, x, *model.encode(x), generator)


def elbo_of_code(
    model: VAE,
    x: torch.Tensor,
    mu: torch.Tensor,
    logvar: torch.Tensor,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """`elbo` with q(z|x) = N(mu, diag exp(logvar)) already computed by `model.encode(x)`."""
    eps = torch.randn(mu.shape, generator=generator).to(mu.device)
    out = model.decode(reparameterize(mu, logvar, eps))
    recon = reconstruction_log_lik(x, out, model.likelihood, model.log_sigma)
    kl = kl_to_prior(mu, logvar)
    return recon - kl, recon, kl


@dataclass
class Bounds:
    """Per example, in nats, from the same K samples z_k ~ q(z|x) (see `bounds`)."""

    elbo: torch.Tensor  # recon - kl
    recon: torch.Tensor  # 1/K sum_k log p(x|z_k)
    kl: torch.Tensor  # KL(q(z|x) || p(z)), exact
    iwae: torch.Tensor  # the importance-weighted bound, never below `elbo`
    mse: torch.Tensor  # 1/K sum_k mean over pixels of (x - E[x|z_k])^2: the reconstruction error


@torch.no_grad()
def bounds(model: VAE, x: torch.Tensor, k: int, generator: torch.Generator | None = None) -> Bounds:
    """The ELBO and the importance-weighted bound (Burda et al. 2016) of the same examples, from the
    same K samples z_k ~ q(z|x), with log weights log w_k = log p(x|z_k) - [log q(z_k|x) - log p(z_k)]:

        ELBO = 1/K sum_k log p(x|z_k) - KL(q(z|x) || p(z))          (KL exact)
        IWAE = log 1/K sum_k w_k  +  (1/K sum_k [log q(z_k|x) - log p(z_k)] - KL)

    The second term of IWAE swaps the Monte Carlo error of the KL for its exact value: it has mean
    zero (a control variate), so IWAE estimates the same bound log p(x) >= E log 1/K sum_k w_k, and
    by Jensen (log of a mean >= mean of logs) it is never below the ELBO computed here, sample by
    sample. K = 1 gives IWAE = ELBO exactly.
    """
    mu, logvar = model.encode(x)
    eps = torch.randn((k, *mu.shape), generator=generator).to(mu.device)
    z = mu + (0.5 * logvar).exp() * eps  # (K, batch, latent)
    out = model.decode(z.reshape(-1, mu.shape[1]))
    log_lik = reconstruction_log_lik(x.repeat(k, 1), out, model.likelihood, model.log_sigma).view(k, -1)
    log_prior = -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(-1)
    log_q = -0.5 * (eps.pow(2) + logvar + math.log(2 * math.pi)).sum(-1)
    log_lik, kl_samples = log_lik.double(), (log_q - log_prior).double()
    kl = kl_to_prior(mu, logvar).double()
    recon = log_lik.mean(0)
    iwae = torch.logsumexp(log_lik - kl_samples, dim=0) - math.log(k) + kl_samples.mean(0) - kl
    mean = torch.sigmoid(out) if model.likelihood == "bernoulli" else out
    mse = (mean.view(k, *x.shape) - x).pow(2).mean(dim=(0, 2))
    return Bounds(elbo=recon - kl, recon=recon, kl=kl, iwae=iwae, mse=mse.double())


def binarize(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """A Bernoulli draw of each pixel with its grey level as probability: a black-and-white digit,
    so that the Bernoulli decoder's ELBO is a bound on the probability of that image."""
    return (torch.rand(x.shape, generator=generator).to(x.device) < x).to(x.dtype)
