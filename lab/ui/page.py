"""The lab's pages (one table, which app.py's menu and the class view read) and what every lesson
page does first."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

LESSON_PAGES = {
    "density_estimation": ("Density estimation", ":material/stacked_line_chart:"),
    "gan_playground": ("GAN playground", ":material/scatter_plot:"),
    "optimal_d": ("Optimal discriminator D*", ":material/balance:"),
    "figure1": ("Figure 1, learned (1-D)", ":material/timeline:"),
    "saturation": ("Saturation", ":material/trending_down:"),
    "vae_latent": ("VAE latent space", ":material/blur_on:"),
    "mnist_gan": ("GAN on MNIST", ":material/draw:"),
    "semi_supervised": ("Semi-supervised learning", ":material/label:"),
}
"""pages/<name>.py: its title in the menu and its icon, in the menu's order."""


def page_of(run: str) -> str:
    """The page (a key of LESSON_PAGES) whose run is `run` (a key of `lab.lessons.LESSONS`)."""
    return {"optimal_d_1d": "optimal_d", "optimal_d_2d": "optimal_d", "vae": "vae_latent"}.get(run, run)


def run_through_app() -> None:
    """Make sure this page runs inside app.py's st.navigation (wide layout, the lab's menu).

    Streamlit (1.67) keeps a legacy mode for apps with a pages/ folder: until the first
    st.navigation call after a server start, a deep link such as /gan_playground runs
    pages/gan_playground.py on its own, without app.py. Leave that mode and rerun, so the
    request goes through app.py like every other.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
