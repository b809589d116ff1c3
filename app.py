"""GAN · VAE Lab: `streamlit run app.py`."""

import streamlit as st

from lab.ui.errors import friendly_errors

st.set_page_config(page_title="GAN · VAE Lab", page_icon="🧪", layout="wide")

# Each url_path differs from its file's name on purpose: Streamlit serves pages/<name>.py
# by itself (without this script) to the first visitor of a fresh server who opens
# /<name> directly, before st.navigation has run once.
pages = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon="🏠", default=True, url_path="home"),
        st.Page("pages/gan_playground.py", title="GAN playground", icon="🎯", url_path="gan-playground"),
    ]
)
with friendly_errors(f"showing {pages.title}"):
    pages.run()
