"""The VAE's formulas against independent computations (torch.distributions, Monte Carlo)."""

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import distributions as dist

from lab.ui.vae_controls import SIGMAS
from lab.vae.model import VAE, binarize, bounds, elbo, kl_to_prior, reconstruction_log_lik, reparameterize
from lab.vae.trainer import IWAE_K


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


def _linear_gaussian_vae(sigma: float, seed: int = 0) -> VAE:
    """Decoder f(z) = W z + b (depth 0): p(x) = N(x; b, W W^T + sigma^2 I) in closed form."""
    torch.manual_seed(seed)
    return VAE(data_dim=3, latent_dim=2, width=8, depth=0, likelihood="gaussian", sigma=sigma)


def _log_p_x(model: VAE, x: torch.Tensor) -> torch.Tensor:
    linear = model.decoder[0]
    sigma = model.log_sigma.exp().double()
    w, b = linear.weight.double(), linear.bias.double()
    cov = w @ w.T + sigma**2 * torch.eye(3, dtype=torch.float64)
    return torch.distributions.MultivariateNormal(b, cov).log_prob(x.double())


def test_iwae_tends_to_log_p_x_and_the_elbo_stays_below():
    """On a linear-Gaussian VAE, where log p(x) is exact: ELBO <= log p(x), and the IWAE bound with
    many samples lands on it (an independent, closed-form check of both estimators)."""
    model = _linear_gaussian_vae(sigma=0.7)
    with torch.no_grad():  # q(z|x) = N(0, 2 I) for every x: poor for the ELBO, a safe proposal for IWAE
        model.encoder[0].weight.zero_()
        model.encoder[0].bias.copy_(torch.tensor([0.0, 0.0, math.log(2.0), math.log(2.0)]))
    x = torch.randn(16, 3)
    exact = _log_p_x(model, x)
    found = bounds(model, x, 4000, torch.Generator().manual_seed(0))
    assert (found.elbo <= exact + 1e-6).all()
    torch.testing.assert_close(found.iwae, exact, atol=0.05, rtol=0)


def test_iwae_with_one_sample_is_the_elbo_and_rises_with_k():
    model = _linear_gaussian_vae(sigma=0.3)
    x = torch.randn(64, 3)
    one = bounds(model, x, 1, torch.Generator().manual_seed(1))
    torch.testing.assert_close(one.iwae, one.elbo)
    rng = torch.Generator().manual_seed(2)
    means = [
        torch.stack([bounds(model, x, k, rng).iwae.mean() for _ in range(20)]).mean() for k in (1, 5, 50)
    ]
    assert means[0] < means[1] < means[2] <= _log_p_x(model, x).mean()


@settings(max_examples=40, deadline=None)
@given(
    likelihood=st.sampled_from(["bernoulli", "gaussian"]),
    latent=st.sampled_from([1, 2, 8, 32]),  # the latent slider's ends and two inside
    sigma=st.sampled_from(SIGMAS),
    k=st.sampled_from([1, 2, IWAE_K]),
    seed=st.integers(0, 1000),
)
def test_iwae_is_never_below_the_elbo(likelihood, latent, sigma, k, seed):
    """IWAE >= ELBO example by example, for every decoder, latent size and sigma the page offers."""
    torch.manual_seed(seed)
    model = VAE(data_dim=20, latent_dim=latent, width=16, depth=1, likelihood=likelihood, sigma=sigma)
    x = torch.rand(32, 20)
    found = bounds(model, x, k, torch.Generator().manual_seed(seed))
    assert (found.iwae >= found.elbo - 1e-9 * found.elbo.abs()).all()
    assert (found.kl >= 0).all() and (found.mse >= 0).all()
    torch.testing.assert_close(found.elbo, found.recon - found.kl)


def test_binarize_draws_pixels_with_their_grey_level():
    x = torch.full((200, 50), 0.3)
    x[:, 0], x[:, 1] = 0.0, 1.0
    b = binarize(x, torch.Generator().manual_seed(0))
    assert set(b.unique().tolist()) <= {0.0, 1.0}
    assert b[:, 0].sum() == 0 and b[:, 1].sum() == 200
    assert abs(b[:, 2:].mean().item() - 0.3) < 0.01


def test_elbo_parts_add_up():
    model = VAE(data_dim=784, latent_dim=4, width=32, depth=1, architecture="conv")
    x = torch.rand(3, 784).round()
    total, recon, kl = elbo(model, x)
    torch.testing.assert_close(total, recon - kl)
    assert (kl >= 0).all() and total.shape == (3,)
