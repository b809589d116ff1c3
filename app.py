"""GAN · VAE Lab: `streamlit run app.py`."""

import streamlit as st

from lab import device, memory
from lab.ui import classroom, keep, link, projector
from lab.ui.errors import friendly_errors
from lab.ui.page import LESSON_PAGES
from lab.ui.style import apply_style

memory.freeze_the_imports()  # once per server: later collections skip what lives as long as it does

st.set_page_config(page_title="GAN · VAE Lab", page_icon=":material/science:", layout="wide")
apply_style()

pages = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        *(
            st.Page(f"pages/{name}.py", title=title, icon=icon)
            for name, (title, icon) in LESSON_PAGES.items()
        ),
        st.Page("pages/classroom.py", title="Class", icon=":material/groups:"),
    ]
)
notices = st.container()  # the link's refused values, above the page
link.begin(pages.url_path)
keep.begin()
keep.take_pending(pages.url_path)
classroom.sidebar_badge()
projector.toggle()
with friendly_errors(f"showing {pages.title}"):
    pages.run()
link.lesson_link_popover(pages.url_path)
keep.figure_export()
link.finish(notices)
device.import_the_compiler_in_background()  # once per server: the first lesson's optimizers wait for none
