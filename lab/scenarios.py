"""Scenarios: a lesson's named settings, one click each, with what to look for and, for most, a
question asked before the run (predict, then run).

A scenario sets the page's controls (`controls`, by the keys of the page's URL; every other control
but the seed goes back to its default), starts a fresh run and plays it to `steps`. `config` is the
run the page then makes (at seed 0), made from `controls` by the lesson's own `lab.lessons` entry, as
the page makes it: the setting is written once.
`holds(snapshot)` is the claim in `look_for`, `outcome(snapshot)` what happened, shown beside the
answer, and a question's `shown(snapshot)` the index of the choice the run on screen showed: the
page judges the student's answer by it.

`run_headless(scenario, seed)` makes the scenario's run at any seed with the builder and snapshot
its page uses (`lab.lessons.LESSONS`); `python -m bench.scenarios` and
tests/unit/test_scenario_seeds.py check every claim and every question's answer on seeds 0-4 with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from lab.density_estimation import MODELS, ThreeWaysSnapshot
from lab.gan.figure1 import Figure1Panel
from lab.gan.mnist_gan import MNISTSnapshot
from lab.gan.optimal_d import DSnapshot, DStarSnapshot
from lab.gan.playground import GANSnapshot
from lab.gan.saturation import TripleSnapshot
from lab.gan.trainer import ANNEAL_STEPS, FADE_FLOOR, FADE_HELD_FROM
from lab.lessons import LESSONS, playground_config
from lab.semi.views import SemiSnapshot
from lab.vae.trainer import VAESnapshot


@dataclass(frozen=True)
class Question:
    """Asked before the run. `answer` is the index of the choice most seeds show (at least 4 of
    seeds 0-4, tests/unit/test_scenario_seeds.py); `shown(snapshot)` the index of the choice this run
    showed, or None where it showed none of them."""

    ask: str
    choices: tuple[str, ...]
    answer: int
    shown: Callable[[Any], int | None] = field(repr=False)


@dataclass(frozen=True)
class Scenario:
    name: str  # short and unique within its lesson
    title: str
    controls: Mapping[str, Any]  # the page's controls it sets, by key; every other one takes its default
    steps: int
    look_for: str
    outcome: Callable[[Any], str] = field(repr=False)
    holds: Callable[[Any], bool] = field(repr=False)  # the claim in look_for, on the run's snapshot
    question: Question | None = None

    @property
    def config(self) -> Any:
        """The run the scenario's controls make on its page, at seed 0 (`lab.lessons`)."""
        return LESSONS[lesson_of(self)].config(self.controls)


def modes_outcome(snap: GANSnapshot) -> str:
    """The playground's last evaluation: modes covered and high-quality share."""
    if not snap.evals["step"]:
        return "not evaluated yet"
    return (
        f"step {snap.evals['step'][-1]:,.0f}: {snap.evals['modes'][-1]:.0f} of {snap.n_modes} modes covered, "
        f"{snap.evals['high_quality'][-1]:.0%} of the samples high quality"
    )


def _modes(snap: GANSnapshot) -> float:
    return snap.evals["modes"][-1]


def _high_quality(snap: GANSnapshot) -> float:
    return snap.evals["high_quality"][-1]


GRID25_CONTROLS = {
    "data": "grid25",
    "k": 2,
    "lr_d": 2e-3,
    "lr_g": 1e-3,
    "noise_prior": "uniform",
    "r1": 1.0,
    "g_average": 0.99,
    "lr_fall_from": 6_000,
}
GRID25 = playground_config(GRID25_CONTROLS)
GRID25_STEPS = 10_000
"""The grid of 25 in one click: the setting `python -m bench.gan2d` measures over 5 seeds (`--grid-steps`)."""

PLAYGROUND = (
    Scenario(
        name="default",
        title="Most of the eight modes",
        controls={},
        steps=1500,
        look_for="The default setting (ring of 8, loss (2), k = 1): G spreads over the ring and covers 6 to 8 "
        "modes after 1,500 steps (7 or 8 on each of seeds 0–7). Watch the arrows pull the generated points "
        "apart, and watch a plain GAN wobble: a mode lost and found again, the high-quality share jumping "
        "(averaging G's weights, in the sidebar, steadies it).",
        outcome=modes_outcome,
        holds=lambda snap: _modes(snap) >= 6,
        question=Question(
            "How many of the ring's 8 modes will G cover after 1,500 steps?",
            ("at most 2", "3 to 5", "6 to 8"),
            2,
            shown=lambda snap: 0 if _modes(snap) <= 2 else 1 if _modes(snap) <= 5 else 2,
        ),
    ),
    Scenario(
        name="collapse",
        title="Mode collapse",
        controls={"k": 5},
        steps=1000,
        look_for="k = 5 D steps per G step, loss (2): a strong D chases G from mode to mode and G collapses "
        "onto a few of them: after 1,000 steps 1 to 4 of the 8 modes (1 to 3 on 7 of seeds 0–7; the default "
        "covers 6 to 8), its samples piled where D last let them be.",
        outcome=modes_outcome,
        holds=lambda snap: 1 <= _modes(snap) <= 4,
        question=Question(
            "D now takes 5 steps for each step of G. After 1,000 steps, G will cover…",
            ("5 or more of the modes", "a few modes (1 to 4)", "no mode at all"),
            1,
            shown=lambda snap: 2 if _modes(snap) == 0 else 1 if _modes(snap) <= 4 else 0,
        ),
    ),
    Scenario(
        name="saturation",
        title="Loss (1) under a strong D",
        controls={"k": 5, "generator_loss": "minimax"},
        steps=500,
        look_for="Loss (1), log(1 − D(G(z))), with k = 5: D rejects G's samples, D(G(z)) ≈ 0 and the gradient "
        "of (1) vanishes (turn on 'Arrows at true scale'): after 500 steps under 5 % of G's samples are "
        "near a mode (0–1 % on seeds 0–4).",
        outcome=modes_outcome,
        holds=lambda snap: _high_quality(snap) < 0.05,
        question=Question(
            "Same strong D (k = 5), but G minimises the lecture's first loss log(1 − D(G(z))). After 500 steps…",
            (
                "G covers 5 or more modes",
                "G covers a few modes",
                "G stalls: almost none of its samples is near a mode",
            ),
            2,
            shown=lambda snap: 2 if _high_quality(snap) < 0.05 else 0 if _modes(snap) >= 5 else 1,
        ),
    ),
    Scenario(
        name="grid25",
        title="All 25 modes of the grid",
        controls=GRID25_CONTROLS,
        steps=GRID25_STEPS,
        look_for=f"The grid of 25 (σ 0.05), with uniform noise z, D's R1 penalty γ {GRID25.r1:g} (D kept flat on "
        f"the data) falling to {GRID25.r1 * FADE_FLOOR:g} by step {FADE_HELD_FROM:,}, G's weights averaged "
        f"(β {GRID25.g_average:g}), k = 2, learning rates 2·10⁻³ (D) and 10⁻³ (G) falling from step "
        f"{GRID25.lr_fall_from:,} to a tenth by {GRID25.lr_fall_from + ANNEAL_STEPS:,} (G's last steps small, so its "
        f"samples settle on the modes): after {GRID25_STEPS:,} steps at least 24 of the 25 modes, 90 % or more of "
        "the samples high quality (seeds 0–4: all 25, 94–95 %).",
        outcome=modes_outcome,
        holds=lambda snap: _modes(snap) >= 24 and _high_quality(snap) >= 0.90,
        question=Question(
            "The grid of 25: keep D flat on the data (R1), draw G with its averaged weights and let the "
            "learning rates fall at the end. After "
            f"{GRID25_STEPS:,} steps G will…",
            ("cover (nearly) all 25 modes, sharply", "cover them, blurred", "still miss many modes"),
            0,
            shown=lambda snap: 2 if _modes(snap) < 24 else 0 if _high_quality(snap) >= 0.8 else 1,
        ),
    ),
)


def d_star_outcome(snap: DSnapshot) -> str:
    """The D* lesson's numbers: how far D is from D*, and V(D, G) against its ceiling V(D*, G)."""
    return (
        f"step {snap.step:,}: max |D − D*| = {snap.gap:.3f}; V(D, G) = {snap.value:.4f}, "
        f"V(D*, G) = {snap.value_star:.4f}"
    )


def _bulk_off_half(snap: DSnapshot) -> float:
    """max |D - 1/2| where the mass is."""
    return float(abs(snap.d[snap.bulk] - 0.5).max())


OPTIMAL_D = (
    Scenario(
        name="equal",
        title="p_G = p_data",
        controls={"d_data": "bimodal1d", "p_g_shape": "p_data"},
        steps=500,
        look_for=f"p_G = p_data: D* ≡ ½ and V(D*, G) = −log 4 ≈ {-math.log(4):.4f}, the minimum of the "
        "lecture's proposition. Within 500 D steps the trained D is within 0.02 of ½ wherever there is mass "
        "(0.002–0.010 on seeds 0–4).",
        outcome=d_star_outcome,
        holds=lambda snap: _bulk_off_half(snap) < 0.02 and abs(snap.value + math.log(4)) < 1e-3,
        question=Question(
            "The generator is set equal to the data. What will the trained discriminator output?",
            ("1 where the data are", "½ everywhere", "p_data(x)"),
            1,
            shown=lambda snap: 1 if _bulk_off_half(snap) < 0.05 else None,
        ),
    ),
    Scenario(
        name="optimum",
        title="D to its optimum",
        controls={"d_data": "bimodal1d"},
        steps=2000,
        look_for="Two Gaussians against one, the rest at the defaults: logistic regression with a small network finds "
        "D*(x) = p_data/(p_data + p_G): within 2,000 D steps max |D − D*| is under 0.1 (0.02–0.06 on seeds "
        "0–4), and V(D, G) is within 0.01 of V(D*, G), never above it.",
        outcome=d_star_outcome,
        holds=lambda snap: snap.gap < 0.1 and 0 <= snap.value_star - snap.value < 0.01,
    ),
    Scenario(
        name="linear",
        title="Logistic regression on x",
        controls={"d_data": "bimodal1d", "d_depth": 0},
        steps=2000,
        look_for="Depth 0: D(x) = σ(wx + b) is monotone in x, but D* rises and falls here (two Gaussians "
        "against one). After 2,000 D steps max |D − D*| is still above 0.3 and V(D, G) stays 0.3 below "
        "V(D*, G): the proposition needs a D that can be any function.",
        outcome=d_star_outcome,
        holds=lambda snap: snap.gap > 0.3 and snap.value_star - snap.value > 0.3,
        question=Question(
            "D has no hidden layer: D(x) = σ(wx + b). Given enough steps, will it reach D*?",
            (
                "yes",
                "no: σ(wx + b) only rises or only falls, and D* does both",
                "only with a larger learning rate",
            ),
            1,
            shown=lambda snap: 0 if snap.gap < 0.1 else 1 if snap.gap > 0.3 else None,
        ),
    ),
)


def d_star_2d_outcome(snap: DStarSnapshot) -> str:
    """The 2-D part's one number: how far the trained D is from the estimated D*."""
    return f"step {snap.step:,}: mean |D − D*| where the mass is = {snap.gap:.3f}"


def _d_star_on_modes(snap: DStarSnapshot) -> np.ndarray:
    """D* at the grid cell of each of p_data's modes."""
    cell = lambda v: int(np.abs(snap.axis - v).argmin())  # noqa: E731
    return np.array([snap.d_star[cell(y), cell(x)] for x, y in snap.modes])


def _where_d_star_is_one(snap: DStarSnapshot) -> int | None:
    """0: near 1 on some modes and not others (those G has reached); 1: near 1 on every mode."""
    on_modes = _d_star_on_modes(snap)
    if (on_modes > 0.9).all():
        return 1
    return 0 if (on_modes > 0.9).any() and (on_modes < 0.75).any() else None


OPTIMAL_D_2D = (
    Scenario(
        name="k_one",
        title="k = 1: D lags behind",
        controls={},
        steps=40,
        look_for="Moons, k = 1: one D step per G step and D never catches up with the D* of the moving "
        "generator: after 40 generator steps the mean |D − D*| where the mass is stays above 0.25 (0.39–0.50 "
        "on seeds 0–4; the right map stays coloured).",
        outcome=d_star_2d_outcome,
        holds=lambda snap: snap.gap > 0.25,
        question=Question(
            "D takes one step for each step of G. After 40 generator steps, how close is D to D*?",
            ("equal: the right map is blank", "far: D lags behind the moving generator", "D is ½ everywhere"),
            1,
            shown=lambda snap: 0 if snap.gap < 0.1 else 1 if snap.gap > 0.25 else None,
        ),
    ),
    Scenario(
        name="optimum",
        title="The inner max, solved",
        controls={"d_to_optimum": True},
        steps=40,
        look_for="The same moons with 100 D steps per G step, the slide's 'solve the inner maximisation to "
        "optimum': after 40 generator steps mean |D − D*| is under 0.15 (0.03–0.10 on seeds 0–4), against "
        "above 0.25 with k = 1.",
        outcome=d_star_2d_outcome,
        holds=lambda snap: snap.gap < 0.15,
    ),
    Scenario(
        name="ring",
        title="Eight modes, D at its optimum",
        controls={"data": "ring8", "d_to_optimum": True},
        steps=40,
        look_for="The ring of eight with D to its optimum: D* is near 1 on the modes G has not reached and "
        "near ½ where p_G has arrived, and the trained D follows it: mean |D − D*| under 0.15 after 40 "
        "generator steps (0.02–0.04 on seeds 0–4).",
        outcome=d_star_2d_outcome,
        holds=lambda snap: snap.gap < 0.15,
        question=Question(
            "Where will D* = p_data / (p_data + p_G) be close to 1?",
            ("on the modes G has not reached yet", "everywhere", "where G's samples are"),
            0,
            shown=_where_d_star_is_one,
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


def _latest(snap: ThreeWaysSnapshot, score: str) -> float:
    return snap.scores[score][-1]


def _where_the_mixture_is(snap: ThreeWaysSnapshot) -> int | None:
    """1 where the fitted mixture is at least half its peak density at the ring's empty centre;
    0 where it is concentrated on one mode (a thousandth of its peak at the opposite side)."""
    log_p, axis = snap.view.log_p["mixture"], snap.view.axis
    centre = int(np.abs(axis).argmin())
    if log_p[centre, centre] >= log_p.max() - math.log(2):
        return 1
    peak_y, peak_x = np.unravel_index(log_p.argmax(), log_p.shape)
    opposite = log_p[int(np.abs(axis + axis[peak_y]).argmin()), int(np.abs(axis + axis[peak_x]).argmin())]
    return 0 if opposite < log_p.max() - math.log(1000) else 2


def _less_mass_off_the_data(vae: float, gan: float) -> int:
    """The index of the model with the smaller reverse KL(p_theta || p_data), 2 within 10 %."""
    if abs(vae - gan) <= 0.1 * max(vae, gan):
        return 2
    return 0 if vae < gan else 1


DENSITY_ESTIMATION = (
    Scenario(
        name="one_gaussian",
        title="One Gaussian for eight modes",
        controls={"de_components": 1},
        steps=0,
        look_for="Maximum likelihood minimises KL(p_data ‖ p_θ), which punishes missing mass: one Gaussian "
        "on the ring of 8 spreads over the whole ring and fills the empty middle. Its KL(p_θ ‖ p_data) "
        "(mass where there is no data) is over 5 times its KL(p_data ‖ p_θ) (the mixture is fit at once).",
        outcome=density_outcome,
        holds=lambda snap: _latest(snap, "mixture_reverse_kl") > 5 * _latest(snap, "mixture_forward_kl"),
        question=Question(
            "Maximum likelihood fits one Gaussian to the ring of eight modes. Where will it put its mass?",
            (
                "on one mode",
                "over the whole ring, its empty middle included",
                "on the ring, not in the middle",
            ),
            1,
            shown=_where_the_mixture_is,
        ),
    ),
    Scenario(
        name="eight",
        title="One component per mode",
        controls={"de_components": 8},
        steps=0,
        look_for="K = 8 components for the 8 modes: the model family holds p_data, and maximum likelihood "
        "finds it: both KLs of the mixture under 0.01 nats.",
        outcome=density_outcome,
        holds=lambda snap: (
            max(_latest(snap, "mixture_forward_kl"), _latest(snap, "mixture_reverse_kl")) < 0.01
        ),
    ),
    Scenario(
        name="seeking",
        title="Seeking against covering",
        controls={"de_data": "grid25"},
        steps=3000,
        look_for="The grid of 25 at the first measurement (step 3,000): the VAE, trained by maximum "
        "likelihood (its ELBO), covers the modes and smears mass between them; the GAN keeps to modes and "
        "misses some. The GAN's KL(p_θ ‖ p_data), mass where there is no data, is under half the VAE's "
        "(seeds 0–4: 2.5–4.5 against 14.5–15.0 nats), while its KL(p_data ‖ p_θ), what maximum likelihood "
        "minimises, is no better (2.5–5.3 against 2.4).",
        outcome=density_outcome,
        holds=lambda snap: _latest(snap, "gan_reverse_kl") < _latest(snap, "vae_reverse_kl") / 2,
        question=Question(
            "On 25 modes, which model will put less mass where there is no data?",
            ("the VAE", "the GAN", "neither: the same"),
            1,
            shown=lambda snap: _less_mass_off_the_data(
                _latest(snap, "vae_reverse_kl"), _latest(snap, "gan_reverse_kl")
            ),
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


def _frechet(snap: MNISTSnapshot) -> float:
    return snap.evals["frechet"][-1]


def _digits(snap: MNISTSnapshot) -> float:
    return snap.evals["digits_present"][-1]


def _what_g_made(snap: MNISTSnapshot) -> int | None:
    """An unstable run's choices: 1 a few kinds or blobs, 0 better digits (Fréchet distance under
    50), 2 about the same digits as the default (most digits, under 120)."""
    if _digits(snap) <= 4 or _frechet(snap) > 500:
        return 1
    if _frechet(snap) < 50:
        return 0
    return 2 if _digits(snap) >= 8 and _frechet(snap) < 120 else None


MNIST_GAN = (
    Scenario(
        name="stable",
        title="A stable GAN",
        controls={},
        steps=300,
        look_for="The defaults (small DCGAN, loss (2), Adam at 5·10⁻³): after 300 steps the Fréchet distance "
        "has fallen from about 1,000 to under 120 and at least 9 of the ten digits are present (seeds 0–4: "
        "75–109, and 9 or 10 digits).",
        outcome=mnist_outcome,
        holds=lambda snap: _frechet(snap) < 120 and _digits(snap) >= 9,
        question=Question(
            "After 300 steps of the default GAN, which digits will G make?",
            ("only one kind", "a few kinds", "all ten, roughly"),
            2,
            shown=lambda snap: 2 if _digits(snap) >= 8 else 0 if _digits(snap) <= 1 else 1,
        ),
    ),
    Scenario(
        name="loss_one",
        title="Loss (1) on digits",
        controls={"mg_loss": "minimax"},
        steps=300,
        look_for="The lecture's first loss log(1 − D(G(z))): D soon tells noise from digits, D(G(z)) ≈ 0 and "
        "the gradient of (1) vanishes: after 300 steps, when the defaults already draw digits, the Fréchet "
        "distance is still above 800 and at most 4 digits are present (seeds 0–4: 917–1,235, and 1 to 3 "
        "digits).",
        outcome=mnist_outcome,
        holds=lambda snap: _frechet(snap) > 800 and _digits(snap) <= 4,
        question=Question(
            "G now minimises log(1 − D(G(z))). After 300 steps?",
            ("digits, as with loss (2)", "noise still: G barely moves", "all ones"),
            1,
            shown=lambda snap: (
                1
                if _frechet(snap) > 500
                else 0
                if _frechet(snap) < 200
                else 2
                if _digits(snap) <= 1
                else None
            ),
        ),
    ),
    Scenario(
        name="unstable",
        title="An unstable GAN",
        controls={"mg_lr_d": 0.1, "mg_lr_g": 0.1},
        steps=450,
        look_for="Both learning rates at 0.1, 20 times the default: each step overshoots, D and G chase each "
        "other, and G collapses onto one or two kinds of stroke: after 450 steps at most 3 digits are present "
        "and the Fréchet distance is above 500 (seeds 0–4: 1 or 2 digits, 760–1,950; watch the bars of the "
        "digit chart).",
        outcome=mnist_outcome,
        holds=lambda snap: _frechet(snap) > 500 and _digits(snap) <= 3,
        question=Question(
            "Both learning rates go to 0.1. What will G make after 450 steps?",
            ("better digits, sooner", "a few kinds of digit, or blobs", "the same digits as before"),
            1,
            shown=_what_g_made,
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


def _strong_d_stalls_loss_one(snap: TripleSnapshot) -> bool:
    """Over the first STALL_STEPS: (1) moves under 1 % as far as (2) and its D(G(z)) stays under
    0.01; under (2) and (3) D(G(z)) ends above 0.1 (mean of the last 20 steps)."""
    minimax, *others = snap.history
    return (
        snap.update_ratio < 0.01
        and max(minimax["d_fake"]) < 0.01
        and min(float(np.mean(h["d_fake"][-20:])) for h in others) > 0.1
    )


def _adam_keeps_pace_then_collapses(snap: TripleSnapshot) -> bool:
    """Under Adam (1) moves 0.5-1.5 times as far as (2) over the first STALL_STEPS, and the gradient
    of (1) later falls a thousand-fold or more below its median over steps 20-120."""
    steps, grads = np.array(snap.history[0]["step"]), np.array(snap.history[0]["g_grad_norm"])
    steady = np.median(grads[(steps > 20) & (steps <= 120)])
    return 0.5 < snap.update_ratio < 1.5 and grads[steps > 130].min() < 1e-3 * steady


def _how_far_loss_one_moved(snap: TripleSnapshot) -> int | None:
    """How far G under (1) moved against (2): 0 a thousandth-ish (under 5 %), 1 about as far, 2 much further."""
    ratio = snap.update_ratio
    return 0 if ratio < 0.05 else 1 if 0.3 <= ratio <= 3 else 2 if ratio > 3 else None


SATURATION = (
    Scenario(
        name="strong_d",
        title="A strong D, plain SGD",
        controls={},
        steps=200,
        look_for="The default strong D (ring, SGD at lr 0.05, D pre-trained 200 steps, k = 5): over 200 G "
        "steps, G under (1) moves under 1 % as far as under (2) (0.04–0.6 % on seeds 0–4) and its D(G(z)) "
        "stays below 0.01, while under (2) and (3) D(G(z)) climbs above 0.1.",
        outcome=saturation_outcome,
        holds=_strong_d_stalls_loss_one,
        question=Question(
            "D already rejects G's samples: D(G(z)) ≈ 0. Which generators will move?",
            ("all three alike", "those under (2) and (3), not (1)", "only the one under (1)"),
            1,
            shown=lambda snap: {0: 1, 1: 0, 2: 2}.get(_how_far_loss_one_moved(snap)),
        ),
    ),
    Scenario(
        name="adam",
        title="Adam, for a while",
        controls={"sat_optimizer": "adam"},
        steps=300,
        look_for="The same strong D with Adam: Adam divides each step by the gradient's running size, so over "
        "the first 200 steps G under (1) moves about as far as under (2) (0.71–1.12 times on seeds 0–4). "
        "What follows differs from seed to seed: where D pushes D(G(z)) back to ≈ 0 the gradient of (1) "
        "falls a thousand-fold or more (3·10³- to 2·10¹⁰-fold on seeds 0–4), and on some seeds G under (1) stalls again by step 300 while on others it "
        "keeps moving (the ‖Δθ_G‖ curves).",
        outcome=saturation_outcome,
        holds=_adam_keeps_pace_then_collapses,
        question=Question(
            "Adam divides each step by the gradient's running size. Over the first 200 steps, how far does G "
            "under (1) move, against G under (2)?",
            ("a few thousandths as far, as with SGD", "about as far", "ten times as far"),
            1,
            shown=_how_far_loss_one_moved,
        ),
    ),
    Scenario(
        name="fair",
        title="No head start for D",
        controls={"sat_pretrain": 0, "sat_k": 1},
        steps=200,
        look_for="D not pre-trained and k = 1 (SGD): D never gets far ahead, D(G(z)) stays away from 0 and "
        "(1) does not saturate: over 200 steps G under (1) moves more than 30 % as far as under (2), its mean "
        "D(G(z)) above 0.2 (seeds 0–4: 43–65 %, 0.30–0.41).",
        outcome=saturation_outcome,
        holds=lambda snap: snap.update_ratio > 0.3 and snap.d_fake[0].mean() > 0.2,
    ),
)


def _closer(left: float, right: float) -> int:
    """0 when the left JSD is under half the right one, 1 the other way round, 2 otherwise."""
    return 0 if left < right / 2 else 1 if right < left / 2 else 2


FIGURE1 = (
    Scenario(
        name="scratch",
        title="From scratch",
        controls={},
        steps=1000,
        look_for="One 1-D GAN from a fresh start (k = 1): p_G closes in on p_data, and the JSD first falls under "
        "0.05 nats within 1,000 steps (at steps 400–750 on seeds 0–4); then it wanders, between about 0.01 "
        "and 0.1, as a GAN does.",
        outcome=figure1_outcome,
        holds=lambda panels: min(panels[0].jsds["jsd"]) < 0.05,
    ),
    Scenario(
        name="far_apart",
        title="Far apart",
        controls={"f1_setting": "far_apart"},
        steps=300,
        look_for="p_G starts 8 standard deviations from p_data and D already separates them: the JSD is "
        "log 2 ≈ 0.693 for both. Under loss (1) G stays put for 300 steps (JSD still log 2), under loss (2) "
        "it crosses over (JSD under 0.5; 0.11–0.25 on seeds 0–4).",
        outcome=figure1_outcome,
        holds=lambda panels: abs(panels[0].jsd - math.log(2)) < 1e-3 and panels[1].jsd < 0.5,
        question=Question(
            "p_G and p_data do not overlap and D separates them perfectly. Which loss moves G?",
            ("(1) log(1 − D(G(z)))", "(2) −log D(G(z))", "both, at the same speed"),
            1,
            shown=lambda panels: {0: 1, 1: 0, 2: 2}[_closer(panels[1].jsd, panels[0].jsd)],
        ),
    ),
    Scenario(
        name="inner_loop",
        title="D to its optimum against k = 1",
        controls={"f1_compare": "inner_loop"},
        steps=600,
        look_for="Left: D trained 100 steps (to its optimum) before each G step, as the proposition assumes; "
        "right: k = 1. After 600 generator steps the left JSD is under 0.01 nats and under a fifth of the "
        "right one on most seeds (0.001–0.002 against 0.05–0.06 on 4 of seeds 0–4; on seed 2 both are near "
        "0.06).",
        outcome=figure1_outcome,
        holds=lambda panels: panels[0].jsd < 0.01 and panels[0].jsd < panels[1].jsd / 5,
        question=Question(
            "After 600 generator steps, which p_G is closer to p_data?",
            ("left: D to its optimum", "right: k = 1", "no difference"),
            0,
            shown=lambda panels: _closer(panels[0].jsd, panels[1].jsd),
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


"""The VAE page's run on two moons (its widgets' defaults for 2-D data)."""


def _held_out(snap: VAESnapshot, name: str) -> float:
    return snap.evals[name][-1]


def _posterior(snap: VAESnapshot) -> int:
    """Where q(z|x) went, by the held-out KL(q(z|x) || p(z)): 1 the prior (under 0.01 nats), 0 a point
    per x (over AUTOENCODER_KL), 2 neither."""
    kl = _held_out(snap, "kl")
    return 1 if kl < 0.01 else 0 if kl > AUTOENCODER_KL else 2


AUTOENCODER_KL = 8.0
"""Held-out KL per example above which q(z|x) has narrowed to a point (σ = 0.01: 9.7-10.5 nats on seeds
0-4; the default σ = 0.05: 5.5-5.7)."""

VAE = (
    Scenario(
        name="autoencoder",
        title="σ → 0: an autoencoder",
        controls={"vae_data": "moons", "vae_sigma": 0.01},
        steps=2000,
        look_for="Two moons, σ = 0.01: the reconstruction term −‖x − f(z)‖²/2σ² outweighs the KL, q(z|x) "
        f"narrows to a point and the VAE becomes an autoencoder: after 2,000 steps reconstructions are "
        f"near-exact (error under 0.001) and the KL per example is above {AUTOENCODER_KL:g} nats (seeds 0–4: "
        "9.7–10.5; at σ = 0.05 5.5–5.7).",
        outcome=vae_outcome,
        holds=lambda snap: _held_out(snap, "mse") < 1e-3 and _held_out(snap, "kl") > AUTOENCODER_KL,
        question=Question(
            "The decoder's σ goes to 0.01. What happens to q(z|x) = N(μ(x), Σ(x))?",
            ("it widens towards the prior", "it narrows: each x gets its own point z", "nothing changes"),
            1,
            shown=lambda snap: {1: 0, 0: 1, 2: 2}[_posterior(snap)],
        ),
    ),
    Scenario(
        name="collapse",
        title="Posterior collapse",
        controls={"vae_data": "moons", "vae_sigma": 1.0, "vae_beta": 8.0},
        steps=2000,
        look_for="Two moons, σ = 1 and β = 8: the KL term wins, q(z|x) becomes the prior for every x "
        "(held-out KL under 0.01 nats, the IWAE bound equal to the ELBO) and every reconstruction is the "
        "same point: the error is the data's own spread (over 1.0; 1.32 on seeds 0–4).",
        outcome=vae_outcome,
        holds=lambda snap: (
            _held_out(snap, "kl") < 0.01
            and _held_out(snap, "mse") > 1.0
            and abs(_held_out(snap, "iwae") - _held_out(snap, "elbo")) < 0.01
        ),
        question=Question(
            "β = 8 weighs the KL term eight times, and σ = 1 makes the reconstruction term weak. What will "
            "the encoder do?",
            ("follow x closely", "give the prior N(0, I) for every x", "diverge"),
            1,
            shown=lambda snap: 1 if _posterior(snap) == 1 else 0 if _held_out(snap, "kl") > 1 else None,
        ),
    ),
    Scenario(
        name="gap",
        title="The gap closes",
        controls={"vae_data": "moons", "vae_sigma": 0.1},
        steps=2000,
        look_for="Two moons, 2-D latent, σ = 0.1: the gap log p(x) − ELBO = KL(q(z|x) ‖ p(z|x)), measured "
        "by quadrature on held-out examples, falls to under a quarter of its start within 2,000 steps (seeds "
        "0–4: from 25–38 nats to 0.32–0.43; open 'The gap, at one x' to see q against the true posterior).",
        outcome=vae_outcome,
        holds=lambda snap: snap.gaps["gap"][-1] < 0.25 * snap.gaps["gap"][0],
    ),
)


def _unlabelled_adds(snap: SemiSnapshot) -> float:
    """Held-out accuracy with the unlabelled points minus on the labels alone."""
    with_them, alone = snap.latest
    return with_them - alone


def _what_the_unlabelled_add(snap: SemiSnapshot) -> int:
    """0: more than 3 points; 1: within 3 points; 2: more than 3 points worse."""
    gain = _unlabelled_adds(snap)
    return 0 if gain > 0.03 else 2 if gain < -0.03 else 1


SEMI = (
    Scenario(
        name="three",
        title="Three labels per class",
        controls={},
        steps=1000,
        look_for="Two moons, the GAN way, 3 labelled points per class: after 1,000 steps the semi-supervised "
        "boundary runs between the moons and its held-out accuracy is more than 8 points above the labels "
        "alone (seeds 0–4: 91–100 % against 78–88 %).",
        outcome=semi_outcome,
        holds=lambda snap: _unlabelled_adds(snap) > 0.08,
        question=Question(
            "Six labelled points and 2,000 unlabelled ones. Which run will separate the moons better?",
            ("both alike", "the one that also uses the unlabelled points", "the one on the labels alone"),
            1,
            shown=lambda snap: {0: 1, 1: 0, 2: 2}[_what_the_unlabelled_add(snap)],
        ),
    ),
    Scenario(
        name="one",
        title="One label per class",
        controls={"ss_labels_moons": 1},
        steps=1000,
        look_for="One labelled point per class: the unlabelled points still help, by more than 5 points after "
        "1,000 steps (seeds 0–4: 80–100 % against 72–83 % on the labels alone), but two labels can sit where "
        "the boundary is ambiguous.",
        outcome=semi_outcome,
        holds=lambda snap: _unlabelled_adds(snap) > 0.05,
    ),
    Scenario(
        name="many",
        title="Plenty of labels",
        controls={"ss_labels_moons": 25},
        steps=1000,
        look_for="25 labelled points per class: the labels alone mostly draw the boundary already, and the "
        "unlabelled points add little: after 1,000 steps both runs above 98 % and within 3 points of each "
        "other on 4 of seeds 0–4 (on seed 1, an unlucky draw of labels, the labels alone reach 94 %).",
        outcome=semi_outcome,
        holds=lambda snap: snap.latest[0] > 0.98 and abs(_unlabelled_adds(snap)) < 0.03,
        question=Question(
            "With 25 labels per class, how much do the unlabelled points add?",
            ("a lot, as with 3", "little: the labels alone suffice", "they make it worse"),
            1,
            shown=_what_the_unlabelled_add,
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


def lesson_of(scenario: Scenario) -> str:
    """The run (a key of SCENARIOS and LESSONS) whose scenario this is."""
    return next(run for run, scenarios in SCENARIOS.items() if any(s is scenario for s in scenarios))


def run_headless(scenario: Scenario, seed: int = 0) -> Any:
    """The scenario's run at `seed`, made and looked at as its page does, after `scenario.steps`."""
    lesson = LESSONS[lesson_of(scenario)]
    trainer = lesson.build(replace(scenario.config, seed=seed))
    trainer.step(scenario.steps)
    return lesson.look(trainer)
