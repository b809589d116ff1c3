"""The VAE of the lecture: Gaussian encoder q(z|x), decoder p(x|z), the ELBO, a trainer."""
