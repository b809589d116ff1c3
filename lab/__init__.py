"""GAN · VAE Lab engine: data, models, losses, theory, trainers, metrics and figures.

Nothing here imports streamlit except `lab.ui`; everything else runs headless.
"""
