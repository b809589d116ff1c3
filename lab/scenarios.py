"""Scenarios: a lesson's named settings, one click each, with what to look for and, for most, a
question asked before the run (predict, then run).

A scenario sets the page's controls (`controls`, by the keys of the page's URL; every other control
goes back to its default), starts a fresh run and plays it to `steps`. `config` is the run the page
then makes, written out so that a test can check the page builds exactly it and run it headless
to check the claim in `look_for` (tests/unit/test_scenarios.py, tests/app/test_scenarios.py).
`outcome(snapshot)` is what happened, shown beside the answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lab.density_estimation import MODELS, ThreeWaysConfig, ThreeWaysSnapshot
from lab.gan.figure1 import FAR_APART, Figure1Config, Figure1Panel
from lab.gan.mnist_gan import MNIST_DEFAULTS, MNISTSnapshot
from lab.gan.optimal_d import DConfig, DSnapshot, DStarSnapshot, InnerLoopConfig
from lab.gan.playground import GANSnapshot
from lab.gan.saturation import OPTIMIZER_LRS, STRONG_D, TripleSnapshot
from lab.gan.trainer import INSTANCE_NOISE_FLOOR, INSTANCE_NOISE_HELD_FROM, GANConfig
from lab.semi.trainer import SemiConfig
from lab.semi.views import SemiSnapshot
from lab.vae.trainer import VAEConfig, VAESnapshot


@dataclass(frozen=True)
class Question:
    """Asked before the run; `answer` is the index of the right choice."""

    ask: str
    choices: tuple[str, ...]
    answer: int


@dataclass(frozen=True)
class Scenario:
    name: str  # short and unique within its lesson
    title: str
    controls: Mapping[str, Any]
    config: Any
    steps: int
    look_for: str
    outcome: Callable[[Any], str] = field(repr=False)
    question: Question | None = None


def modes_outcome(snap: GANSnapshot) -> str:
    """The playground's last evaluation: modes covered and high-quality share."""
    if not snap.evals["step"]:
        return "not evaluated yet"
    return (
        f"step {snap.evals['step'][-1]:,.0f}: {snap.evals['modes'][-1]:.0f} of {snap.n_modes} modes covered, "
        f"{snap.evals['high_quality'][-1]:.0%} of the samples high quality"
    )


def d_star_outcome(snap: DSnapshot) -> str:
    """The D* lesson's numbers: how far D is from D*, and V(D, G) against its ceiling V(D*, G)."""
    return (
        f"step {snap.step:,}: max |D − D*| = {snap.gap:.3f}; V(D, G) = {snap.value:.4f}, "
        f"V(D*, G) = {snap.value_star:.4f}"
    )


GRID25_CONTROLS = {
    "data": "grid25",
    "k": 2,
    "lr_d": 1e-3,
    "lr_g": 5e-4,
    "noise_prior": "uniform",
    "instance_noise": 0.5,
    "g_average": 0.999,
}
GRID25 = GANConfig(**GRID25_CONTROLS)
GRID25_STEPS = 15_000
"""The grid of 25 in one click: the setting `python -m bench.gan2d` measures over 5 seeds (60 s each)."""

PLAYGROUND = (
    Scenario(
        name="default",
        title="All eight modes",
        controls={},
        config=GANConfig(),
        steps=1000,
        look_for="The default setting (ring of 8, loss (2), k = 1, seed 0): G spreads over all eight modes "
        "within 1,000 steps. Watch the arrows pull the generated points apart.",
        outcome=modes_outcome,
        question=Question(
            "How many of the ring's 8 modes will G cover after 1,000 steps?",
            ("1 or 2", "about half", "all 8"),
            2,
        ),
    ),
    Scenario(
        name="collapse",
        title="Mode collapse",
        controls={"k": 5},
        config=GANConfig(k=5),
        steps=2000,
        look_for="k = 5 D steps per G step, loss (2), seed 0: a strong D chases G from mode to mode and G "
        "collapses onto two or three of them: after 2,000 steps at most 3 of 8 modes, most samples high "
        "quality (the default covers all 8).",
        outcome=modes_outcome,
        question=Question(
            "D now takes 5 steps for each step of G. After 2,000 steps, G will cover…",
            ("all 8 modes, faster", "a few modes, well", "nothing at all"),
            1,
        ),
    ),
    Scenario(
        name="saturation",
        title="Loss (1) under a strong D",
        controls={"k": 5, "generator_loss": "minimax"},
        config=GANConfig(k=5, generator_loss="minimax"),
        steps=2000,
        look_for="Loss (1), log(1 − D(G(z))), with k = 5, seed 0: D rejects G's samples, D(G(z)) ≈ 0 and "
        "the gradient of (1) vanishes (turn on 'Arrows at true scale'): after 2,000 steps G covers no mode.",
        outcome=modes_outcome,
        question=Question(
            "Same strong D (k = 5), but G minimises the lecture's first loss log(1 − D(G(z))). After 2,000 steps…",
            ("G covers all 8 modes", "G covers a few modes", "G stalls and covers none"),
            2,
        ),
    ),
    Scenario(
        name="grid25",
        title="All 25 modes of the grid",
        controls=GRID25_CONTROLS,
        config=GRID25,
        steps=GRID25_STEPS,
        look_for=f"The grid of 25 (σ 0.05), seed 0, with uniform noise z, instance noise σ {GRID25.instance_noise:g} "
        f"falling to {GRID25.instance_noise * INSTANCE_NOISE_FLOOR:g} by step {INSTANCE_NOISE_HELD_FROM:,}, G's weights averaged (β 0.999), k = 2 and learning rates 10⁻³ (D) and 5·10⁻⁴ (G): after "
        "15,000 steps all 25 modes, at least 90 % of the samples high quality.",
        outcome=modes_outcome,
        question=Question(
            "The grid of 25: smooth what D sees with noise that fades out, and draw G with its averaged "
            "weights. After 15,000 steps G will…",
            ("cover all 25 modes, sharply", "cover all 25, blurred", "change nothing"),
            0,
        ),
    ),
)

OPTIMAL_D = (
    Scenario(
        name="equal",
        title="p_G = p_data",
        controls={"d_data": "bimodal1d", "p_g_shape": "p_G = p_data"},
        config=DConfig(data="bimodal1d", p_g=None),
        steps=500,
        look_for=f"p_G = p_data: D* ≡ ½ and V(D*, G) = −log 4 ≈ {-math.log(4):.4f}, the minimum of the "
        "lecture's proposition. Within 500 D steps the trained D is within 0.02 of ½ wherever there is mass.",
        outcome=d_star_outcome,
        question=Question(
            "The generator is set equal to the data. What will the trained discriminator output?",
            ("1 where the data are", "½ everywhere", "p_data(x)"),
            1,
        ),
    ),
    Scenario(
        name="optimum",
        title="D to its optimum",
        controls={"d_data": "bimodal1d"},
        config=DConfig(data="bimodal1d"),
        steps=1000,
        look_for="Two Gaussians against one, the rest at the defaults: logistic regression with a small network finds "
        "D*(x) = p_data/(p_data + p_G): within 1,000 D steps max |D − D*| is under 0.1, and V(D, G) is "
        "within 0.01 of V(D*, G), never above it.",
        outcome=d_star_outcome,
    ),
    Scenario(
        name="linear",
        title="Logistic regression on x",
        controls={"d_data": "bimodal1d", "d_depth": 0},
        config=DConfig(data="bimodal1d", depth=0),
        steps=2000,
        look_for="Depth 0: D(x) = σ(wx + b) is monotone in x, but D* rises and falls here (two Gaussians "
        "against one). After 2,000 D steps max |D − D*| is still above 0.3 and V(D, G) stays 0.3 below "
        "V(D*, G): the proposition needs a D that can be any function.",
        outcome=d_star_outcome,
        question=Question(
            "D has no hidden layer: D(x) = σ(wx + b). Given enough steps, will it reach D*?",
            (
                "yes",
                "no: σ(wx + b) only rises or only falls, and D* does both",
                "only with a larger learning rate",
            ),
            1,
        ),
    ),
)


def d_star_2d_outcome(snap: DStarSnapshot) -> str:
    """The 2-D part's one number: how far the trained D is from the estimated D*."""
    return f"step {snap.step:,}: mean |D − D*| where the mass is = {snap.gap:.3f}"


TWO_D = {"part": "2-D: a learned generator"}

OPTIMAL_D_2D = (
    Scenario(
        name="k_one",
        title="k = 1: D lags behind",
        controls=TWO_D,
        config=InnerLoopConfig(),
        steps=40,
        look_for="Moons, k = 1, seed 0: one D step per G step and D never catches up with the D* of the "
        "moving generator: after 40 generator steps the mean |D − D*| where the mass is stays above 0.25 "
        "(the right map stays coloured).",
        outcome=d_star_2d_outcome,
        question=Question(
            "D takes one step for each step of G. After 40 generator steps, how close is D to D*?",
            ("equal: the right map is blank", "far: D lags behind the moving generator", "D is ½ everywhere"),
            1,
        ),
    ),
    Scenario(
        name="optimum",
        title="The inner max, solved",
        controls={**TWO_D, "d_to_optimum": True},
        config=InnerLoopConfig(d_to_optimum=True),
        steps=40,
        look_for="The same moons with 100 D steps per G step, the slide's 'solve the inner maximisation to "
        "optimum' (seed 0): after 40 generator steps mean |D − D*| is under 0.15, against above 0.25 with k = 1.",
        outcome=d_star_2d_outcome,
    ),
    Scenario(
        name="ring",
        title="Eight modes, D at its optimum",
        controls={**TWO_D, "data": "ring8", "d_to_optimum": True},
        config=InnerLoopConfig(data="ring8", d_to_optimum=True),
        steps=40,
        look_for="The ring of eight with D to its optimum (seed 0): D* is near 1 on the modes G has not "
        "reached and near ½ where p_G has arrived, and the trained D matches it: mean |D − D*| under 0.1 "
        "after 40 generator steps.",
        outcome=d_star_2d_outcome,
        question=Question(
            "Where will D* = p_data / (p_data + p_G) be close to 1?",
            ("on the modes G has not reached yet", "everywhere", "where G's samples are"),
            0,
        ),
    ),
)


def density_outcome(snap: ThreeWaysSnapshot) -> str:
    """Each model's two KLs at the last measurement."""
    latest = {k: v[-1] for k, v in snap.scores.items()}
    names = {"mixture": "mixture", "gan": "GAN", "vae": "VAE"}
    kls = "; ".join(
        f"{names[m]} {latest[f'{m}_forward_kl']:.3f} and {latest[f'{m}_reverse_kl']:.3f}" for m in MODELS
    )
    return f"step {latest['step']:,.0f}: KL(p_data ‖ p_θ) and KL(p_θ ‖ p_data), nats — {kls}"


DENSITY_ESTIMATION = (
    Scenario(
        name="one_gaussian",
        title="One Gaussian for eight modes",
        controls={"de_components": 1},
        config=ThreeWaysConfig(components=1),
        steps=0,
        look_for="Maximum likelihood minimises KL(p_data ‖ p_θ), which punishes missing mass: one Gaussian "
        "on the ring of 8 spreads over the whole ring and fills the empty middle. Its KL(p_θ ‖ p_data) "
        "(mass where there is no data) is over 5 times its KL(p_data ‖ p_θ) (the mixture is fit at once).",
        outcome=density_outcome,
        question=Question(
            "Maximum likelihood fits one Gaussian to the ring of eight modes. Where will it put its mass?",
            (
                "on one mode",
                "over the whole ring, its empty middle included",
                "on the ring, not in the middle",
            ),
            1,
        ),
    ),
    Scenario(
        name="eight",
        title="One component per mode",
        controls={"de_components": 8},
        config=ThreeWaysConfig(components=8),
        steps=0,
        look_for="K = 8 components for the 8 modes: the model family holds p_data, and maximum likelihood "
        "finds it: both KLs of the mixture under 0.01 nats.",
        outcome=density_outcome,
    ),
    Scenario(
        name="seeking",
        title="Seeking against covering",
        controls={"de_data": "grid25"},
        config=ThreeWaysConfig(data="grid25"),
        steps=3000,
        look_for="The grid of 25, seed 0, at the first measurement (step 3,000): the VAE, trained by maximum "
        "likelihood (its ELBO), covers the modes and smears mass between them; the GAN keeps to modes and "
        "misses some. The GAN's KL(p_θ ‖ p_data) is below the VAE's and its KL(p_data ‖ p_θ) above it.",
        outcome=density_outcome,
        question=Question(
            "On 25 modes, which model will put less mass where there is no data?",
            ("the VAE", "the GAN", "neither: the same"),
            1,
        ),
    ),
)


def mnist_outcome(snap: MNISTSnapshot) -> str:
    """The latest scoring: Fréchet distance, digits present, Inception Score."""
    ev = snap.evals
    if not ev["step"]:
        return "not scored yet"
    return (
        f"step {ev['step'][-1]:,.0f}: Fréchet distance {ev['frechet'][-1]:.0f}, "
        f"{ev['digits_present'][-1]:.0f} of 10 digits present, Inception Score {ev['inception'][-1]:.2f}"
    )


MNIST_GAN = (
    Scenario(
        name="stable",
        title="A stable GAN",
        controls={},
        config=MNIST_DEFAULTS,
        steps=450,
        look_for="The defaults (small DCGAN, loss (2), Adam at 5·10⁻³, seed 0): after 450 steps the Fréchet "
        "distance has fallen from about 1,000 to under 120 and all ten digits are present.",
        outcome=mnist_outcome,
        question=Question(
            "After 450 steps of the default GAN, which digits will G make?",
            ("only ones", "a few kinds", "all ten, roughly"),
            2,
        ),
    ),
    Scenario(
        name="loss_one",
        title="Loss (1) on digits",
        controls={"mg_loss": "minimax"},
        config=replace(MNIST_DEFAULTS, generator_loss="minimax"),
        steps=450,
        look_for="The lecture's first loss log(1 − D(G(z))) (seed 0): D soon tells noise from digits, "
        "D(G(z)) ≈ 0 and the gradient of (1) vanishes: after 450 steps the Fréchet distance is still above "
        "800 and at most 4 digits are present.",
        outcome=mnist_outcome,
        question=Question(
            "G now minimises log(1 − D(G(z))). After 450 steps?",
            ("digits, as with loss (2)", "noise still: G barely moves", "all ones"),
            1,
        ),
    ),
    Scenario(
        name="unstable",
        title="An unstable GAN",
        controls={"mg_lr_d": 0.1, "mg_lr_g": 0.1},
        config=replace(MNIST_DEFAULTS, lr_d=0.1, lr_g=0.1),
        steps=600,
        look_for="Both learning rates at 0.1, 20 times the default (seed 0): each step overshoots, D and "
        "G chase each other, and G collapses onto one or two kinds of stroke: after 600 steps at most 3 "
        "digits are present and the Fréchet distance is above 500 (watch the bars of the digit chart).",
        outcome=mnist_outcome,
        question=Question(
            "Both learning rates go to 0.1. What will G make after 600 steps?",
            ("better digits, sooner", "a few kinds of digit, or blobs", "the same digits as before"),
            1,
        ),
    ),
)


def saturation_outcome(snap: TripleSnapshot) -> str:
    """How far G moved under (1) against (2), and each run's mean D(G(z))."""
    means = ", ".join(f"({i}) {d.mean():.3f}" for i, d in enumerate(snap.d_fake, start=1))
    return (
        f"step {snap.step:,}: over its first steps G under (1) moved {snap.update_ratio:.4f} times as far "
        f"as under (2); mean D(G(z)): {means}"
    )


def figure1_outcome(panels: list[Figure1Panel]) -> str:
    """Each run's JSD(p_data ‖ p_G) now."""
    jsds = "; ".join(f"{p.title}: {p.jsd:.3f}" for p in panels)
    return f"step {panels[0].step:,}: JSD(p_data ‖ p_G), nats — {jsds}"


LIVE_TAB = {"tab": "Side by side, live"}

SATURATION = (
    Scenario(
        name="strong_d",
        title="A strong D, plain SGD",
        controls=LIVE_TAB,
        config=STRONG_D,
        steps=200,
        look_for="The default strong D (ring, SGD at lr 0.05, D pre-trained 200 steps, k = 5, seed 0): over "
        "200 G steps, G under (1) moves less than 0.2 % as far as under (2), and its D(G(z)) stays below "
        "0.001, while under (2) and (3) D(G(z)) climbs above 0.1.",
        outcome=saturation_outcome,
        question=Question(
            "D already rejects G's samples: D(G(z)) ≈ 0. Which generators will move?",
            ("all three alike", "those under (2) and (3), not (1)", "only the one under (1)"),
            1,
        ),
    ),
    Scenario(
        name="adam",
        title="Adam, for a while",
        controls={**LIVE_TAB, "sat_optimizer": "adam"},
        config=replace(
            STRONG_D, optimizer="adam", lr_d=OPTIMIZER_LRS["adam"][0], lr_g=OPTIMIZER_LRS["adam"][1]
        ),
        steps=300,
        look_for="The same strong D with Adam (seed 0): Adam rescales the tiny gradient of (1), so for about "
        "130 steps G under (1) keeps pace with (2); then its gradient falls some 10⁷-fold and over steps "
        "200–300 it moves about 10⁵ times less than under (2) (the ‖Δθ_G‖ curves).",
        outcome=saturation_outcome,
        question=Question(
            "Adam divides each step by the gradient's running size. Does G under (1) escape the saturation?",
            ("yes, for good", "for a while, then it stalls again", "no, it never moves"),
            1,
        ),
    ),
    Scenario(
        name="fair",
        title="No head start for D",
        controls={**LIVE_TAB, "sat_pretrain": 0, "sat_k": 1},
        config=replace(STRONG_D, d_pretrain=0, k=1),
        steps=200,
        look_for="D not pre-trained and k = 1 (SGD, seed 0): D never gets far ahead, D(G(z)) stays away from "
        "0 and (1) does not saturate: over 200 steps G under (1) moves more than 30 % as far as under (2), "
        "its mean D(G(z)) above 0.2.",
        outcome=saturation_outcome,
    ),
)

FIGURE1 = (
    Scenario(
        name="scratch",
        title="From scratch",
        controls={},
        config=Figure1Config(),
        steps=1250,
        look_for="One 1-D GAN from a fresh start (seed 0, k = 1): p_G closes in on p_data, and the JSD falls "
        "under 0.02 nats by step 1,250 (then it wanders around, as a GAN does).",
        outcome=figure1_outcome,
    ),
    Scenario(
        name="far_apart",
        title="Far apart",
        controls={"f1_setting": "Far apart (disjoint supports)"},
        config=Figure1Config(**FAR_APART),
        steps=300,
        look_for="p_G starts 8 standard deviations from p_data and D already separates them: the JSD is "
        "log 2 ≈ 0.693 for both. Under loss (1) G stays put for 300 steps (JSD still log 2), under loss (2) "
        "it crosses over (JSD under 0.5).",
        outcome=figure1_outcome,
        question=Question(
            "p_G and p_data do not overlap and D separates them perfectly. Which loss moves G?",
            ("(1) log(1 − D(G(z)))", "(2) −log D(G(z))", "both, at the same speed"),
            1,
        ),
    ),
    Scenario(
        name="inner_loop",
        title="D to its optimum against k = 1",
        controls={"f1_compare": "inner_loop"},
        config=Figure1Config(compare="inner_loop"),
        steps=600,
        look_for="Left: D trained 100 steps (to its optimum) before each G step, as the proposition assumes; "
        "right: k = 1 (seed 0). After 600 generator steps the left JSD is under 0.01 nats and under a fifth "
        "of the right one.",
        outcome=figure1_outcome,
        question=Question(
            "After 600 generator steps, which p_G is closer to p_data?",
            ("left: D to its optimum", "right: k = 1", "no difference"),
            0,
        ),
    ),
)


def vae_outcome(snap: VAESnapshot) -> str:
    """The held-out ELBO, its KL term and the reconstruction error; the gap where it is measured."""
    ev = snap.evals
    if not ev["step"]:
        return "not evaluated yet"
    line = (
        f"step {ev['step'][-1]:,.0f}: held-out ELBO {ev['elbo'][-1]:.3f}, KL(q(z|x) ‖ p(z)) {ev['kl'][-1]:.3f} "
        f"nats, reconstruction error {ev['mse'][-1]:.4f}"
    )
    if snap.gaps and snap.gaps["step"]:
        line += f"; gap log p(x) − ELBO {snap.gaps['gap'][0]:.2f} at step 0, {snap.gaps['gap'][-1]:.2f} now"
    return line


def semi_outcome(snap: SemiSnapshot) -> str:
    """Each run's latest held-out accuracy."""
    runs = ", ".join(
        f"{title} {accuracy:.1%}" for title, accuracy in zip(snap.titles, snap.latest, strict=True)
    )
    return f"step {snap.measured_at:,}: held-out accuracy — {runs}"


MOONS_VAE = VAEConfig(data="moons", likelihood="gaussian", sigma=0.05, width=128, depth=2)
"""The VAE page's run on two moons (its widgets' defaults for 2-D data)."""

VAE = (
    Scenario(
        name="autoencoder",
        title="σ → 0: an autoencoder",
        controls={"vae_data": "moons", "vae_sigma": 0.01},
        config=replace(MOONS_VAE, sigma=0.01),
        steps=2000,
        look_for="Two moons, σ = 0.01 (seed 0): the reconstruction term −‖x − f(z)‖²/2σ² outweighs the KL, "
        "q(z|x) narrows to a point and the VAE becomes an autoencoder: after 2,000 steps reconstructions are "
        "near-exact (error under 0.001) and the KL per example is over 1.5 times that at σ = 0.05.",
        outcome=vae_outcome,
        question=Question(
            "The decoder's σ goes to 0.01. What happens to q(z|x) = N(μ(x), Σ(x))?",
            ("it widens towards the prior", "it narrows: each x gets its own point z", "nothing changes"),
            1,
        ),
    ),
    Scenario(
        name="collapse",
        title="Posterior collapse",
        controls={"vae_data": "moons", "vae_sigma": 1.0, "vae_beta": 8.0},
        config=replace(MOONS_VAE, sigma=1.0, beta=8.0),
        steps=2000,
        look_for="Two moons, σ = 1 and β = 8 (seed 0): the KL term wins, q(z|x) becomes the prior for every x "
        "(held-out KL under 0.01 nats, the IWAE bound equal to the ELBO) and every reconstruction is the "
        "same point: the error is the data's own spread (over 1.0).",
        outcome=vae_outcome,
        question=Question(
            "β = 8 weighs the KL term eight times, and σ = 1 makes the reconstruction term weak. What will "
            "the encoder do?",
            ("follow x closely", "give the prior N(0, I) for every x", "diverge"),
            1,
        ),
    ),
    Scenario(
        name="gap",
        title="The gap closes",
        controls={"vae_data": "moons", "vae_sigma": 0.1},
        config=replace(MOONS_VAE, sigma=0.1),
        steps=2000,
        look_for="Two moons, 2-D latent, σ = 0.1 (seed 0): the gap log p(x) − ELBO = KL(q(z|x) ‖ p(z|x)), "
        "measured by quadrature on held-out examples, falls to under a quarter of its start within 2,000 "
        "steps (open 'The gap, at one x' to see q against the true posterior).",
        outcome=vae_outcome,
    ),
)

SEMI = (
    Scenario(
        name="three",
        title="Three labels per class",
        controls={},
        config=SemiConfig(),
        steps=1000,
        look_for="Two moons, the GAN way, 3 labelled points per class (seed 0): after 1,000 steps the "
        "semi-supervised boundary runs between the moons (held-out accuracy at least 97 %), the labels "
        "alone give at most 90 %.",
        outcome=semi_outcome,
        question=Question(
            "Six labelled points and a thousand unlabelled ones. Which run will separate the moons?",
            ("both alike", "the one that also uses the unlabelled points", "the one on the labels alone"),
            1,
        ),
    ),
    Scenario(
        name="one",
        title="One label per class",
        controls={"ss_labels_moons": 1},
        config=SemiConfig(labels_per_class=1),
        steps=1000,
        look_for="One labelled point per class (seed 0): the unlabelled points still help — 80 % against 71 % "
        "on the labels alone after 1,000 steps — but two labels can sit where the boundary is ambiguous.",
        outcome=semi_outcome,
    ),
    Scenario(
        name="many",
        title="Plenty of labels",
        controls={"ss_labels_moons": 25},
        config=SemiConfig(labels_per_class=25),
        steps=1000,
        look_for="25 labelled points per class (seed 0): the labels alone already draw the boundary, and the "
        "unlabelled points add little: both runs above 98 % after 1,000 steps, within a point of each other.",
        outcome=semi_outcome,
        question=Question(
            "With 25 labels per class, how much do the unlabelled points add?",
            ("a lot, as with 3", "little: the labels alone suffice", "they make it worse"),
            1,
        ),
    ),
)

SCENARIOS: dict[str, tuple[Scenario, ...]] = {
    "gan_playground": PLAYGROUND,
    "optimal_d_1d": OPTIMAL_D,
    "optimal_d_2d": OPTIMAL_D_2D,
    "density_estimation": DENSITY_ESTIMATION,
    "mnist_gan": MNIST_GAN,
    "saturation": SATURATION,
    "figure1": FIGURE1,
    "vae": VAE,
    "semi_supervised": SEMI,
}
"""Per run (the name a page gives `live.start_run`), its scenarios."""


def find(run: str, name: str) -> Scenario | None:
    return next((s for s in SCENARIOS.get(run, ()) if s.name == name), None)
