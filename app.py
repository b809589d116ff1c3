"""GAN · VAE Lab: `streamlit run app.py`."""

import streamlit as st

from lab.ui import keep, link, projector
from lab.ui.errors import friendly_errors
from lab.ui.style import apply_style

st.set_page_config(page_title="GAN · VAE Lab", page_icon=":material/science:", layout="wide")
apply_style()

pages = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page(
            "pages/density_estimation.py", title="Density estimation", icon=":material/stacked_line_chart:"
        ),
        st.Page("pages/gan_playground.py", title="GAN playground", icon=":material/scatter_plot:"),
        st.Page("pages/optimal_d.py", title="Optimal discriminator D*", icon=":material/balance:"),
        st.Page("pages/figure1.py", title="Figure 1, learned (1-D)", icon=":material/timeline:"),
        st.Page("pages/saturation.py", title="Saturation", icon=":material/trending_down:"),
        st.Page("pages/vae_latent.py", title="VAE latent space", icon=":material/blur_on:"),
        st.Page("pages/mnist_gan.py", title="GAN on MNIST", icon=":material/draw:"),
        st.Page("pages/semi_supervised.py", title="Semi-supervised learning", icon=":material/label:"),
    ]
)
notices = st.container()  # the link's refused values, above the page
link.begin(pages.url_path)
keep.begin()
projector.toggle()
with friendly_errors(f"showing {pages.title}"):
    pages.run()
link.lesson_link_popover(pages.url_path)
keep.figure_export()
link.finish(notices)
