"""The VAE's formulas against independent computations (torch.distributions, Monte Carlo)."""

import torch
from torch import distributions as dist

from lab.vae.model import VAE, elbo, iwae_bound, kl_to_prior, reconstruction_log_lik, reparameterize


def test_analytic_kl_matches_monte_carlo_and_torch():
    torch.manual_seed(0)
    mu, logvar = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64)
    q = dist.Independent(dist.Normal(mu, (0.5 * logvar).exp()), 1)
    p = dist.Independent(dist.Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1)
    torch.testing.assert_close(kl_to_prior(mu, logvar), dist.kl_divergence(q, p))
    z = q.sample((200_000,))
    monte_carlo = (q.log_prob(z) - p.log_prob(z)).mean(0)
    torch.testing.assert_close(kl_to_prior(mu, logvar), monte_carlo, atol=0.03, rtol=0.02)


def test_gaussian_log_likelihood_with_sigma_matches_torch():
    x, f = torch.randn(5, 7, dtype=torch.float64), torch.randn(5, 7, dtype=torch.float64)
    for sigma in (0.05, 0.3, 2.0):
        expected = dist.Normal(f, sigma).log_prob(x).sum(1)
        log_sigma = torch.tensor(sigma, dtype=torch.float64).log()
        torch.testing.assert_close(reconstruction_log_lik(x, f, "gaussian", log_sigma), expected)


def test_bernoulli_log_likelihood_matches_torch():
    x = torch.rand(5, 9, dtype=torch.float64).round()
    logits = 4 * torch.randn(5, 9, dtype=torch.float64)
    expected = dist.Bernoulli(logits=logits).log_prob(x).sum(1)
    torch.testing.assert_close(reconstruction_log_lik(x, logits, "bernoulli"), expected)


def test_reparameterised_sample_has_the_right_mean_and_covariance():
    mu = torch.tensor([1.0, -2.0], dtype=torch.float64)
    logvar = torch.tensor([0.5, -1.0], dtype=torch.float64)
    eps = torch.randn(400_000, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    z = reparameterize(mu, logvar, eps)
    torch.testing.assert_close(z.mean(0), mu, atol=0.01, rtol=0)
    torch.testing.assert_close(torch.cov(z.T), torch.diag(logvar.exp()), atol=0.01, rtol=0.01)


def test_reparameterisation_carries_gradients():
    mu = torch.zeros(3, requires_grad=True)
    logvar = torch.zeros(3, requires_grad=True)
    reparameterize(mu, logvar, torch.ones(3)).sum().backward()
    assert torch.equal(mu.grad, torch.ones(3)) and torch.allclose(logvar.grad, torch.full((3,), 0.5))


def test_iwae_bound_is_above_the_elbo_and_rises_with_k():
    torch.manual_seed(0)
    model = VAE(data_dim=6, latent_dim=2, width=16, depth=1, likelihood="gaussian", sigma=0.5)
    x = torch.randn(64, 6)
    rng = torch.Generator().manual_seed(2)
    with torch.no_grad():
        mean_elbo = torch.stack([elbo(model, x, rng)[0].mean() for _ in range(200)]).mean()
    bounds = [
        torch.stack([iwae_bound(model, x, k, rng).mean() for _ in range(50)]).mean() for k in (1, 5, 50)
    ]
    assert abs(bounds[0] - mean_elbo) < 0.05 * abs(mean_elbo)  # K = 1 is the ELBO
    assert mean_elbo < bounds[1] < bounds[2]


def test_elbo_parts_add_up():
    model = VAE(data_dim=784, latent_dim=4, width=32, depth=1, architecture="conv")
    x = torch.rand(3, 784).round()
    total, recon, kl = elbo(model, x)
    torch.testing.assert_close(total, recon - kl)
    assert (kl >= 0).all() and total.shape == (3,)
