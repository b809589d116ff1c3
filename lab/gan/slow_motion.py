"""Slow motion and manual steps: the lecture's training loop ("Actual Training Process") taken apart.

One iteration of the slide's loop is, for each of the k discriminator steps,
  1. sample a minibatch of m noise samples z ~ p_z,
  2. sample a minibatch of m examples x ~ p_data,
  3. update D by ascending its stochastic gradient of log D(x) + log(1 − D(G(z))),
and then
  4. sample m noise samples z and update G by descending the gradient of its loss.
`SlowIteration` walks the trainer's own loop (`GANTrainer.iteration`, which yields after each of
these 3k + 1 sub-steps) one call at a time and returns what each one shows; after the last, the run
is where `trainer.step(1)` would have taken it, by construction: it is the same code.

`step_d_only` and `step_g_only` are GAN Lab's manual steps, the same loop with its flags: one update
of D alone (no generator step is counted), or one generator step without its D updates;
`for_each_run` applies either to every run of a side-by-side lesson, and `Lockstep` takes their
iterations together.

Looking never changes the run: what a sub-step shows is computed with the networks' buffers (batch
norm's running averages) and the instance noise's random state put back afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import torch

from lab.gan.playground import GANSnapshot, generator_arrows
from lab.gan.trainer import SAMPLE_X, SAMPLE_Z, UPDATE_D, UPDATE_G, GANTrainer, norm


@dataclass(frozen=True)
class SubStep:
    """What one sub-step did, in the data's coordinates (on the CPU)."""

    number: int  # 1, 2, ... within the iteration
    of: int  # 3k + 1
    title: str  # the slide's words
    d_round: int  # which of the k discriminator steps (1-based); 0 for G's update
    real: np.ndarray | None = None  # the minibatch x, (m, dim)
    fake: np.ndarray | None = None  # G(z) of the minibatch, (m, dim)
    # −∂(G's loss)/∂x at each G(z), (m, 2), on 2-D data: where G's step pushes
    arrows: np.ndarray | None = None
    moved: np.ndarray | None = None  # G(z) after G's update, (m, dim)
    d_loss: tuple[float, float] | None = None  # D's loss on the minibatch, before and after its update
    d_gradient: float | None = None  # ‖∇θ_D‖ of that loss, the gradient D's update follows

    @property
    def d_steps(self) -> int:
        """k of the iteration this sub-step belongs to (it has 3k + 1 sub-steps)."""
        return (self.of - 1) // 3


class SlowIteration:
    """One generator step of `trainer`, performed one sub-step per `next()` call: the trainer's own
    loop (`GANTrainer.iteration`), paused after each sub-step while the page shows it."""

    def __init__(self, trainer: GANTrainer) -> None:
        self.trainer = trainer
        self.k = trainer.config.k
        self._loop = trainer.iteration()
        self.position = 0

    @property
    def sub_steps(self) -> int:
        return 3 * self.k + 1

    @property
    def done(self) -> bool:
        return self.position == self.sub_steps

    def next(self) -> SubStep:
        """Carry out the next sub-step; what it shows."""
        if self.done:
            raise RuntimeError("this iteration is over: start the next one")
        moment = next(self._loop)
        self.position += 1
        common = {
            "number": self.position,
            "of": self.sub_steps,
            "title": moment.title,
            "d_round": moment.d_round,
        }
        trainer = self.trainer
        if moment.title == UPDATE_G:
            trainer.flush()  # the step's history row, as `step` records it
            fake = _points(moment.fake)
            arrows = None
            if fake.shape[1] == 2:  # arrows are drawn in the plane (D has not moved since)
                with _looking(trainer):
                    arrows = generator_arrows(trainer, torch.as_tensor(fake))
            return SubStep(fake=fake, arrows=arrows, moved=_generated(trainer, moment.noise), **common)
        fake = _generated(trainer, moment.noise)
        real = None if moment.real is None else _points(moment.real)
        if moment.title != UPDATE_D:
            return SubStep(real=real, fake=fake, **common)
        gradient = norm(p.grad for p in trainer.D.parameters())
        after = _d_loss(trainer, moment.real, moment.noise)
        return SubStep(
            real=real,
            fake=fake,
            d_loss=(float(moment.d_loss), after),
            d_gradient=float(gradient),
            **common,
        )


class Lockstep:
    """One generator step of every run of a trainer (`runs_of`), each run's next sub-step per
    `next()` call; a run whose iteration is shorter (fewer D steps) waits, done. With one run this is
    that run's `SlowIteration`."""

    def __init__(self, trainer: Any) -> None:
        self.trainer = trainer
        self.parts = [SlowIteration(run) for run in runs_of(trainer)]

    @property
    def done(self) -> bool:
        return all(part.done for part in self.parts)

    def next(self) -> SubStep:
        """Each unfinished run's next sub-step; what the first of them shows."""
        if self.done:
            raise RuntimeError("this iteration is over: start the next one")
        return [part.next() for part in self.parts if not part.done][0]


def runs_of(trainer: Any) -> list[GANTrainer]:
    """The GANs a lesson trains: the runs of a side-by-side trainer, or the trainer itself."""
    return list(getattr(trainer, "runs", [trainer]))


def step_d_only(trainer: GANTrainer) -> float:
    """One update of D on a fresh minibatch of x and of z, G held fixed; no generator step is
    counted. D's loss on that minibatch after the update."""
    *_, moment = trainer.iteration(d_steps=1, update_g=False)
    return _d_loss(trainer, moment.real, moment.noise)


def step_g_only(trainer: GANTrainer) -> dict[str, float]:
    """One generator step without its D updates: D's loss is only measured on the iteration's
    minibatch (for the history), and G descends its loss against this D."""
    for _ in trainer.iteration(d_steps=1, update_d=False):
        pass
    return trainer.flush()


def _points(x: torch.Tensor) -> np.ndarray:
    return x.detach().cpu().numpy()


def for_each_run(act: Callable[[GANTrainer], Any]) -> Callable[[Any], list[Any]]:
    """`act` on every run of a side-by-side trainer (one with `runs`), or on the trainer itself."""

    def on_each(trainer: Any) -> list[Any]:
        return [act(run) for run in runs_of(trainer)]

    return on_each


@contextmanager
def _looking(trainer: GANTrainer) -> Iterator[None]:
    """Whatever runs inside leaves G's and D's buffers (batch norm's running averages) and the
    instance noise's random state as they were."""
    nets = (trainer.G, trainer.D)
    saved = [{name: b.clone() for name, b in net.named_buffers()} for net in nets]
    blur = trainer.blur_rng.get_state()  # a look at D draws instance noise too
    try:
        yield
    finally:
        for net, buffers in zip(nets, saved, strict=True):
            for name, b in net.named_buffers():
                b.copy_(buffers[name])
        trainer.blur_rng.set_state(blur)


@torch.no_grad()
def _generated(trainer: GANTrainer, noise: torch.Tensor) -> np.ndarray:
    """G(z) as the step computes it (training mode), the run left as it was."""
    with _looking(trainer):
        return _points(trainer.generate(noise, averaged=False))


@torch.no_grad()
def _d_loss(trainer: GANTrainer, real: torch.Tensor, noise: torch.Tensor) -> float:
    """D's loss on this minibatch, now."""
    with _looking(trainer):
        return float(trainer.d_loss(real, noise)[0])


def sub_step_view(snap: GANSnapshot, sub: SubStep) -> tuple[GANSnapshot, tuple[str, ...]]:
    """The playground's picture of one sub-step: `snap` (D(x) after it) with the sub-step's own
    minibatch in place of the usual samples, and the layers that sub-step shows."""
    empty = np.zeros((0, snap.real.shape[1]), dtype=np.float32)
    fake = sub.moved if sub.moved is not None else sub.fake
    view = replace(
        snap,
        real=sub.real if sub.real is not None else empty,
        fake=fake if fake is not None else empty,
        arrows_from=sub.fake if sub.arrows is not None else empty,
        arrows_dir=sub.arrows if sub.arrows is not None else empty,
    )
    layers = {
        SAMPLE_Z: ("generated samples",),
        SAMPLE_X: ("real samples", "generated samples"),
        UPDATE_D: ("D(x) field", "real samples", "generated samples"),
        UPDATE_G: ("D(x) field", "generated samples", "generator gradients"),
    }[sub.title]
    return view, layers
