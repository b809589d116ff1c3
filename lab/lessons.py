"""Every lesson's run in one table: how its page makes the run from a config and looks at it.

`live.start_run(name, config, buttons)` makes and draws a page's run from `LESSONS[name]`, and
`lab.scenarios.run_headless` makes a scenario's run from the same entry, so that a scenario checked
headless is the run the page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lab.density_estimation import ThreeWays, three_ways_snapshot
from lab.gan.figure1 import SideBySide, figure1_snapshot
from lab.gan.mnist_gan import mnist_gan, mnist_snapshot
from lab.gan.optimal_d import DTrainer, d_snapshot, d_star_snapshot, inner_loop_gan
from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.saturation import saturation_gan, triple_snapshot
from lab.semi.trainer import WithAndWithout
from lab.semi.views import semi_snapshot
from lab.vae.trainer import VAETrainer, vae_snapshot


@dataclass(frozen=True)
class Lesson:
    """How a lesson's page makes its run and looks at it: `build(config) -> trainer`, then
    `look(trainer) -> snapshot` after every `trainer.step(n)`."""

    build: Callable[[Any], Any]
    look: Callable[[Any], Any]


LESSONS: dict[str, Lesson] = {
    "gan_playground": Lesson(toy_gan, playground_snapshot),
    "optimal_d_1d": Lesson(DTrainer, d_snapshot),
    "optimal_d_2d": Lesson(inner_loop_gan, d_star_snapshot),
    "density_estimation": Lesson(ThreeWays, three_ways_snapshot),
    "mnist_gan": Lesson(mnist_gan, mnist_snapshot),
    "saturation": Lesson(saturation_gan, triple_snapshot),
    "figure1": Lesson(SideBySide, figure1_snapshot),
    "vae": Lesson(VAETrainer, vae_snapshot),
    "semi_supervised": Lesson(WithAndWithout, semi_snapshot),
}
"""Per run (the name a page gives `live.start_run`), its builder and snapshot."""
