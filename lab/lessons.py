"""Every lesson's run in one table: the config its page's controls make, how the run is built from
the config, and how it is looked at.

A page draws its controls (widget keys, as in its URL), then makes its config with
`LESSONS[run].config(values)` from the controls' values by key; a scenario (`lab.scenarios`) is written
as those values alone and gets its config the same way: one setting, one encoding. A control missing
from `values` takes its default. `live.start_run(name, config, buttons)` makes and draws a page's run
from the same entry as `lab.scenarios.run_headless`, so that a scenario checked headless is the run
the page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from lab.density_estimation import ThreeWays, ThreeWaysConfig, three_ways_snapshot
from lab.gan.figure1 import FAR_APART, Figure1Config, figure1_runs, figure1_snapshot
from lab.gan.mnist_gan import MNIST_DEFAULTS, MNISTGANConfig, mnist_gan, mnist_snapshot
from lab.gan.optimal_d import (
    OPTIMUM_D_STEPS,
    TWO_GAUSSIANS,
    DConfig,
    DTrainer,
    FixedGenerator,
    InnerLoopConfig,
    d_snapshot,
    d_star_snapshot,
    inner_loop_gan,
)
from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.saturation import OPTIMIZER_LRS, STRONG_D, SaturationConfig, saturation_runs, triple_snapshot
from lab.gan.trainer import GANConfig
from lab.semi.trainer import DEFAULT_ALPHA, SemiConfig, with_and_without
from lab.semi.views import semi_snapshot
from lab.vae.trainer import MNIST_LR, VAEConfig, VAETrainer, mnist_config, vae_snapshot

Controls = Mapping[str, Any]  # a page's control values by key


def chosen(controls: Controls, table: Mapping[str, str]) -> dict[str, Any]:
    """The config fields that `table` (control key -> field) sets from `controls`."""
    return {field: controls[key] for key, field in table.items() if key in controls}


# -------------------------------------------------------------- each lesson's controls -> config
GAN_TABLE = {f.name: f.name for f in fields(GANConfig)}
"""The 2-D GAN's controls are GANConfig's fields, by the same names."""


def playground_config(controls: Controls) -> GANConfig:
    return replace(GANConfig(), **chosen(controls, GAN_TABLE))


def inner_loop_config(controls: Controls) -> InnerLoopConfig:
    """The 2-D D* part: the GAN's controls and the inner loop's switch, which sets k."""
    settings = chosen(controls, {**GAN_TABLE, "d_to_optimum": "d_to_optimum"})
    if settings.get("d_to_optimum"):
        settings["k"] = OPTIMUM_D_STEPS
    return replace(InnerLoopConfig(), **settings)


P_G_SHAPES = ("one", "two", "p_data")
"""The 1-D part's fixed generator: one Gaussian, two, or p_G = p_data."""
D_TABLE = {
    "d_data": "data",
    "d_lr": "lr",
    "d_batch": "batch_size",
    "d_ratio": "ratio",
    "d_depth": "depth",
    "d_width": "width",
    "d_seed": "seed",
}


def fixed_generator_config(controls: Controls) -> DConfig:
    """The 1-D part: D against a p_G shaped by the sliders μ₁, σ₁ (μ₂, σ₂ and the second's weight)."""
    shape = controls.get("p_g_shape", P_G_SHAPES[0])
    one, two = FixedGenerator(), TWO_GAUSSIANS
    m1, s1 = controls.get("p_g_m1", one.means[0]), controls.get("p_g_s1", one.stds[0])
    p_g: FixedGenerator | None = None  # p_G = p_data
    if shape == "one":
        p_g = FixedGenerator((m1,), (s1,), (1.0,))
    elif shape == "two":
        m2, s2 = controls.get("p_g_m2", two.means[1]), controls.get("p_g_s2", two.stds[1])
        w2 = controls.get("p_g_w2", two.weights[1])
        p_g = FixedGenerator((m1, m2), (s1, s2), (1.0 - w2, w2))
    return DConfig(p_g=p_g, **chosen(controls, D_TABLE))


def density_config(controls: Controls) -> ThreeWaysConfig:
    table = {"de_data": "data", "de_components": "components", "de_seed": "seed"}
    return ThreeWaysConfig(**chosen(controls, table))


MNIST_GAN_TABLE = {
    "mg_arch": "architecture",
    "mg_loss": "generator_loss",
    "mg_k": "k",
    "mg_lr_d": "lr_d",
    "mg_lr_g": "lr_g",
    "mg_batch": "batch_size",
    "mg_seed": "seed",
}


def mnist_gan_config(controls: Controls) -> MNISTGANConfig:
    return replace(MNIST_DEFAULTS, **chosen(controls, MNIST_GAN_TABLE))


def saturation_config(controls: Controls) -> SaturationConfig:
    """The three losses side by side: the strong D of the lesson, each optimizer at its own rates."""
    table = {"sat_data": "data", "sat_optimizer": "optimizer", "sat_pretrain": "d_pretrain", "sat_k": "k"}
    settings = chosen(controls, {**table, "sat_seed": "seed"})
    lr_d, lr_g = OPTIMIZER_LRS[settings.get("optimizer", STRONG_D.optimizer)]
    return replace(STRONG_D, lr_d=lr_d, lr_g=lr_g, **settings)


FIGURE1_STARTS = {"scratch": {}, "far_apart": FAR_APART}
"""Where Figure 1's run starts: from scratch, or p_G far from p_data under a D that separated them."""


def figure1_config(controls: Controls) -> Figure1Config:
    start = FIGURE1_STARTS[controls.get("f1_setting", "scratch")]
    compare = {} if start else chosen(controls, {"f1_compare": "compare"})
    return Figure1Config(**start, **compare, **chosen(controls, {"f1_k": "k", "f1_seed": "seed"}))


def vae_config(controls: Controls) -> VAEConfig:
    """MNIST: a Bernoulli decoder by default and the MNIST model (`mnist_config`); 2-D data: a
    Gaussian decoder, whose σ the student sets."""
    data = controls.get("vae_data", "mnist")
    mnist = data == "mnist"
    likelihood = controls.get("vae_likelihood", "bernoulli") if mnist else "gaussian"
    sigma, learn_sigma = (0.1 if mnist else 0.05), False
    if likelihood == "gaussian":
        sigma, learn_sigma = controls.get("vae_sigma", sigma), controls.get("vae_learn_sigma", False)
    settings = {
        "data": data,
        "likelihood": likelihood,
        "sigma": sigma,
        "learn_sigma": learn_sigma,
        "architecture": controls.get("vae_arch", "mlp") if mnist else "mlp",
        "width": 400 if mnist else 128,
        "depth": 1 if mnist else 2,
        "lr": controls.get("vae_lr_mnist", MNIST_LR) if mnist else controls.get("vae_lr", 1e-3),
        "pair": (controls.get("vae_pair_a", 0), controls.get("vae_pair_b", 1)),
        **chosen(
            controls,
            {"vae_latent": "latent_dim", "vae_beta": "beta", "vae_batch": "batch_size", "vae_seed": "seed"},
        ),
    }
    return mnist_config(**settings) if mnist else VAEConfig(**settings)


def semi_config(controls: Controls) -> SemiConfig:
    """Two moons (labelled points per class) or MNIST (labelled digits in all); α only for M2."""
    data, method = controls.get("ss_data", "moons"), controls.get("ss_method", "gan")
    per_class = (
        controls.get("ss_labels_moons", 3) if data == "moons" else controls.get("ss_labels_mnist", 100) // 10
    )
    alpha = controls.get("ss_alpha", DEFAULT_ALPHA[data]) if method == "m2" else 0.0
    seed = controls.get("ss_seed", 0)
    return SemiConfig(data=data, method=method, labels_per_class=int(per_class), alpha=alpha, seed=seed)


# ---------------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class Lesson:
    """A lesson's run: `config(controls) -> config` from its page's control values, `build(config)
    -> trainer`, then `look(trainer) -> snapshot` after every `trainer.step(n)`."""

    config: Callable[[Controls], Any]
    build: Callable[[Any], Any]
    look: Callable[[Any], Any]


LESSONS: dict[str, Lesson] = {
    "gan_playground": Lesson(playground_config, toy_gan, playground_snapshot),
    "optimal_d_1d": Lesson(fixed_generator_config, DTrainer, d_snapshot),
    "optimal_d_2d": Lesson(inner_loop_config, inner_loop_gan, d_star_snapshot),
    "density_estimation": Lesson(density_config, ThreeWays, three_ways_snapshot),
    "mnist_gan": Lesson(mnist_gan_config, mnist_gan, mnist_snapshot),
    "saturation": Lesson(saturation_config, saturation_runs, triple_snapshot),
    "figure1": Lesson(figure1_config, figure1_runs, figure1_snapshot),
    "vae": Lesson(vae_config, VAETrainer, vae_snapshot),
    "semi_supervised": Lesson(semi_config, with_and_without, semi_snapshot),
}
"""Per run (the name a page gives `live.start_run`), its config, builder and snapshot."""
