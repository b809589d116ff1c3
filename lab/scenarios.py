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
from dataclasses import dataclass, field
from typing import Any

from lab.gan.optimal_d import DConfig, DSnapshot
from lab.gan.playground import GANSnapshot
from lab.gan.trainer import GANConfig


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

SCENARIOS: dict[str, tuple[Scenario, ...]] = {"gan_playground": PLAYGROUND, "optimal_d_1d": OPTIMAL_D}
"""Per run (the name a page gives `live.start_run`), its scenarios."""


def find(run: str, name: str) -> Scenario | None:
    return next((s for s in SCENARIOS.get(run, ()) if s.name == name), None)
