"""Every chart on every lesson page has an accessible name that says what it shows (Streamlit's `alt`,
from `projector.chart`): a screen reader meets named graphics, not dozens of unnamed ones."""

import pytest

from tests.app.pages import LESSONS, charts, open_page


@pytest.mark.parametrize("page", LESSONS)
def test_every_chart_is_named_by_what_it_shows(page):
    at = open_page(f"pages/{page}.py")
    if at.button(key="step") is not None:
        at.button(key="step").click().run()
    drawn = charts(at)
    assert drawn, "no chart drawn"
    names = [e.proto.alt for e in drawn]
    assert all(name and ":" in name for name in names), names
    assert len(set(names)) == len(names), "two charts under one name"


LEAD = {
    "density_estimation": "KL(p_data ‖ p_θ)",
    "gan_playground": "modes covered",
    "optimal_d": "max |D − D*|",
    "figure1": "JSD",
    "saturation": "D(G(z))",
    "vae_latent": "ELBO",
    "semi_supervised": "accuracy",
}
"""What each lesson's first picture says it shows now, in the lesson's own words (`now=`)."""


@pytest.mark.parametrize("page", list(LEAD))
def test_the_first_picture_says_what_the_run_shows_now(page):
    at = open_page(f"pages/{page}.py")
    at.button(key="step").click().run()
    names = [e.proto.alt for e in charts(at)]
    told = [name for name in names if ". Now, " in name]
    assert told and LEAD[page] in told[0], names
