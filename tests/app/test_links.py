"""Every setting of every page in its URL (issue: a teacher's lesson link): a link sets each
control, a bad value is refused with a notice, ?hide= and ?lock= hide and lock controls.

The other direction, a control writing its value into the address bar, happens in the browser and
is tested there (tests/e2e/test_links.py)."""

import json

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

from lab.gan.trainer import GANConfig
from lab.plots.vega import FONT_SIZE, PROJECTOR_FONT
from lab.ui.gan_controls import LOSS_LABELS
from tests.app.pages import opened_with

KINDS = ("slider", "select_slider", "selectbox", "radio", "toggle", "number_input", "multiselect")

# Per page: query parameter -> (text in the link, value the control then holds), none of them a default.
LINKS = {
    "pages/gan_playground.py": {
        "data": ("Two moons", "moons"),
        "generator_loss": (LOSS_LABELS["minimax"], "minimax"),
        "k": ("3", 3),
        "batch_size": ("64", 64),
        "lr_d": ("0.0005", 5e-4),
        "lr_g": ("0.002", 2e-3),
        "optimizer": ("SGD", "sgd"),
        "noise_prior": ("uniform", "uniform"),
        "instance_noise": ("0.2", 0.2),
        "g_average": ("0.99", 0.99),
        "width": ("32", 32),
        "depth": ("3", 3),
        "noise_dim": ("4", 4),
        "seed": ("7", 7),
        "true_scale": ("True", True),
        "layers": (["real samples", "G manifold"], ["real samples", "G manifold"]),
    },
    "pages/optimal_d.py": {
        "d_data": ("1-D: three Gaussians", "trimodal1d"),
        "p_g_shape": ("two Gaussians", "two"),
        "p_g_m1": ("-1.5", -1.5),
        "p_g_s2": ("0.8", 0.8),
        "p_g_w2": ("0.25", 0.25),
        "d_lr": ("0.01", 1e-2),
        "d_ratio": ("4 : 1", 4.0),
        "d_depth": ("0", 0),
        "d_width": ("8", 8),
        "d_seed": ("3", 3),
        "d_steps_per_click": ("100", 100),
        "proof_x": ("-0.5", -0.5),
    },
    "pages/figure1.py": {
        "f1_compare": ("loss (1) log(1 − D(G(z))) (left) against loss (2) −log D(G(z)) (right)", "losses"),
        "f1_k": ("5", 5),
        "f1_seed": ("2", 2),
    },
    "pages/saturation.py": {
        "marker": ("0.25", 0.25),
        "log_x": ("false", False),
        "sat_data": ("Two moons", "moons"),
        "sat_optimizer": ("Adam", "adam"),
        "sat_pretrain": ("50 steps", 50),
        "sat_k": ("2", 2),
        "kl_mu": ("1.5", 1.5),
        "kl_sigma": ("0.5", 0.5),
    },
    "pages/vae_latent.py": {
        "vae_data": ("Two moons", "moons"),
        "vae_latent": ("1", 1),
        "vae_sigma": ("0.2", 0.2),
        "vae_beta": ("2.0", 2.0),
        "vae_lr": ("0.002", 2e-3),
        "vae_seed": ("5", 5),
        "vae_full_range": ("true", True),
    },
    "pages/mnist_gan.py": {
        "mg_arch": ("MLP pair", "mlp"),
        "mg_k": ("2", 2),
        "mg_batch": ("128", 128),
        "mg_seed": ("9", 9),
    },
    "pages/density_estimation.py": {
        "de_data": ("A spiral", "spiral"),
        "de_components": ("8", 8),
        "de_seed": ("1", 1),
    },
    "pages/semi_supervised.py": {
        "ss_method": ("VAE, M2 (Kingma et al. 2014)", "m2"),
        "ss_labels_moons": ("5", 5),
        "ss_alpha": ("10.0", 10.0),
        "ss_seed": ("4", 4),
    },
}


def control(at: AppTest, key: str):
    """The widget with `key`, whatever its kind."""
    for kind in KINDS:
        for widget in getattr(at, kind):
            if widget.key == key:
                return widget
    raise KeyError(key)


@pytest.mark.parametrize("page", list(LINKS))
def test_a_link_sets_every_control_of_the_page(page):
    at = opened_with(page, {name: text for name, (text, _) in LINKS[page].items()})
    assert not at.warning, [w.value for w in at.warning]
    for name, (_, value) in LINKS[page].items():
        assert control(at, name).value == value, name


# One value of each kind of control that the control cannot take, on the playground.
BAD = {
    "k": "50",  # slider, out of range (Streamlit alone would move it to 10)
    "lr_d": "0.3",  # select_slider, not a choice
    "data": "moon",  # selectbox, unknown
    "optimizer": "RMSprop",  # radio, unknown
    "seed": "x",  # number_input, not a number
    "true_scale": "yes",  # toggle, not true/false
    "layers": ["real samples", "[a link](https://example.com)"],  # multiselect, one unknown
    "depth": "nan",
}


def test_every_bad_value_is_refused_with_a_notice_and_the_default_kept():
    at = opened_with("pages/gan_playground.py", BAD)
    notices = " ".join(w.value for w in at.warning)
    for name in BAD:
        assert f"{name}=" in notices, name
    defaults = GANConfig()
    assert (control(at, "k").value, control(at, "lr_d").value, control(at, "data").value) == (
        defaults.k,
        defaults.lr_d,
        defaults.data,
    )
    assert (control(at, "optimizer").value, control(at, "seed").value, control(at, "depth").value) == (
        defaults.optimizer,
        defaults.seed,
        defaults.depth,
    )
    assert control(at, "true_scale").value is False
    assert control(at, "layers").value == ["real samples"]  # of several values, the accepted are kept
    assert dict(at.query_params.items()) == {"layers": "real samples"}  # the address shows what holds
    assert "[a link]" not in notices and "\\[a link\\]" in notices  # shown as text, not as a link
    at.slider(key="k").set_value(4).run()  # the notice stays while the page is open, the page works on
    assert control(at, "k").value == 4 and not at.exception


def test_hide_and_lock():
    at = opened_with("pages/gan_playground.py", {"k": "3", "hide": "width,noise_dim", "lock": ["k", "data"]})
    styles = " ".join(h.proto.body for h in at.get("html"))
    assert ".st-key-width" in styles and ".st-key-noise_dim" in styles and ".st-key-depth" not in styles
    assert control(at, "k").disabled and control(at, "data").disabled and not control(at, "depth").disabled
    assert control(at, "k").value == 3  # a locked control keeps the link's value...
    with pytest.raises(AppTestError):  # ...and the page cannot change it
        at.slider(key="k").set_value(5)


def test_a_hide_or_lock_of_no_control_is_said():
    at = opened_with("pages/gan_playground.py", {"hide": "nothing_here"})
    assert any("hide=nothing" in w.value for w in at.warning)


def test_the_lesson_link_holds_the_settings_and_the_choices():
    at = opened_with("pages/gan_playground.py", {"k": "3", "lock": "k"})
    at.multiselect(key="link_hide_gan_playground").set_value(["width", "seed"]).run()
    code = at.get("code")[-1].proto.code_text
    assert code == "/gan_playground?k=3&hide=width,seed&lock=k", code  # AppTest has no server address


@pytest.mark.parametrize("on", [False, True])
def test_projector_mode_restyles_every_chart(on):
    at = opened_with("pages/gan_playground.py", {"projector": str(on).lower()} if on else {})
    for _ in range(2):  # two points: the curves are drawn too
        at.button(key="step").click().run()
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(specs) >= 2  # the D(x) field and the losses
    sizes = {spec["config"]["axis"]["labelFontSize"] for spec in specs}
    assert sizes == ({(FONT_SIZE - 1) * PROJECTOR_FONT} if on else {FONT_SIZE - 1})
    assert any("font-size: 22px" in h.proto.body for h in at.get("html")) is on
