"""The density-estimation page, driven by AppTest."""

from tests.app.pages import open_page, step_count


def test_loads_with_three_models_and_their_numbers():
    at = open_page("pages/density_estimation.py")
    table = at.dataframe[0].value
    assert list(table["model"]) == ["Gaussian mixture (MLE)", "GAN (implicit)", "VAE (explicit, amortised)"]
    assert table["held-out log p(x)"].isna().tolist() == [False, True, False]  # a GAN has no density
    assert at.dataframe[0].proto.placeholder == "—"  # shown as a dash (Streamlit writes "None" by default)
    assert (table["JSD"] >= 0).all() and (table["JSD"] <= 0.6932).all()
    vae = table.iloc[2]
    assert vae["IWAE bound"] <= vae["held-out log p(x)"] + 0.05  # a bound, up to its Monte Carlo error
    at.button(key="step").click().run()
    assert not at.exception and step_count(at) == 1


def test_more_mixture_components_fit_the_ring_better_and_the_gan_and_vae_go_on():
    at = open_page("pages/density_estimation.py")
    at.button(key="step").click().run()
    few = at.dataframe[0].value["KL(p_data ‖ p_θ)"][0]
    at.slider(key="de_components").set_value(8).run()
    assert not at.exception and at.dataframe[0].value["KL(p_data ‖ p_θ)"][0] < few
    assert step_count(at) == 1 and not any("fresh run" in i.value for i in at.info)  # K alone keeps the run
