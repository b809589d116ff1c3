"""Semi-supervised learning, the lecture title's third part: a few labels, many unlabelled examples.

- `data`: the split (a few labelled per class, the rest unlabelled, a held-out set).
- `m2`: the VAE way (Kingma et al. 2014, "M2"): the label is a second latent variable (on MNIST, M1 + M2).
- `kplus1`: the GAN way (Salimans et al. 2016): a discriminator with K + 1 outputs.
- `trainer`: both, trained live, each beside the same network trained on the labels alone.
"""
