"""Each lesson's controls -> config (`lab.lessons`): a control the page does not draw in the current
setting is ignored, whatever the session still holds for it (a slider of a shape no longer chosen)."""

import pytest

from lab.gan.figure1 import FAR_APART
from lab.gan.optimal_d import OPTIMUM_D_STEPS, FixedGenerator
from lab.gan.saturation import OPTIMIZER_LRS
from lab.lessons import LESSONS
from lab.vae.trainer import MNIST_LR


def config(run: str, **controls: object) -> object:
    return LESSONS[run].config(controls)


def test_the_inner_loop_to_its_optimum_sets_k_whatever_the_k_slider_says() -> None:
    assert config("optimal_d_2d", k=3, d_to_optimum=True).k == OPTIMUM_D_STEPS
    assert config("optimal_d_2d", k=3, d_to_optimum=False).k == 3


def test_the_fixed_generators_shape_decides_which_sliders_count() -> None:
    stale = {"p_g_m1": 0.5, "p_g_s1": 0.3, "p_g_m2": -1.0, "p_g_s2": 0.7, "p_g_w2": 0.25}
    assert config("optimal_d_1d", p_g_shape="one", **stale).p_g == FixedGenerator((0.5,), (0.3,), (1.0,))
    assert config("optimal_d_1d", p_g_shape="two", **stale).p_g == FixedGenerator(
        (0.5, -1.0), (0.3, 0.7), (0.75, 0.25)
    )
    assert config("optimal_d_1d", p_g_shape="p_data", **stale).p_g is None


def test_the_saturation_runs_take_their_optimizers_own_learning_rates() -> None:
    for optimizer, (lr_d, lr_g) in OPTIMIZER_LRS.items():
        made = config("saturation", sat_optimizer=optimizer)
        assert (made.optimizer, made.lr_d, made.lr_g) == (optimizer, lr_d, lr_g)


def test_far_apart_fixes_figure_ones_comparison_and_start() -> None:
    made = config("figure1", f1_setting="far_apart", f1_compare="inner_loop", f1_k=3)
    assert made.compare == FAR_APART["compare"] and made.g_start == FAR_APART["g_start"] and made.k == 3
    assert config("figure1", f1_setting="scratch", f1_compare="inner_loop").compare == "inner_loop"


@pytest.mark.parametrize("data", ["moons", "ring8"])
def test_the_vae_on_2d_data_has_a_gaussian_decoder_and_its_own_learning_rate(data: str) -> None:
    made = config(
        "vae", vae_data=data, vae_likelihood="bernoulli", vae_lr_mnist=1e-2, vae_lr=2e-3, vae_arch="conv"
    )
    assert (made.likelihood, made.lr, made.architecture) == ("gaussian", 2e-3, "mlp")


def test_the_vae_on_mnist_reads_the_mnist_controls() -> None:
    made = config("vae", vae_data="mnist", vae_sigma=0.5, vae_lr=2e-3)
    assert (made.likelihood, made.lr, made.sigma) == ("bernoulli", MNIST_LR, 0.1)  # σ unused by Bernoulli
    made = config("vae", vae_data="mnist", vae_likelihood="gaussian", vae_sigma=0.5, vae_lr_mnist=1e-2)
    assert (made.likelihood, made.lr, made.sigma) == ("gaussian", 1e-2, 0.5)


def test_semi_supervised_counts_labels_per_class_and_weighs_only_m2() -> None:
    made = config("semi_supervised", ss_data="mnist", ss_labels_mnist=1000, ss_labels_moons=7, ss_alpha=9.0)
    assert (made.labels_per_class, made.alpha) == (100, 0.0)
    made = config("semi_supervised", ss_method="m2", ss_labels_moons=7, ss_alpha=9.0)
    assert (made.labels_per_class, made.alpha) == (7, 9.0)


@pytest.mark.parametrize("run", list(LESSONS))
def test_every_lesson_has_a_config_with_no_controls_at_all(run: str) -> None:
    made = config(run)
    assert made.seed == 0 and made == config(run, unknown_control=1)  # a key of another page: ignored
