"""The GAN of the lecture: losses, optimal discriminator, trainer."""
