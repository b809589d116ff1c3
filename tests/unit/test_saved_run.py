"""Saved runs: save -> load -> continue is bit-identical to continuing, for every lesson; the
timeline comes back frame for frame; every kind of bad file is refused with its own message."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from lab import saved_run
from lab.data import own
from lab.density_estimation import ThreeWays
from lab.gan.figure1 import figure1_runs
from lab.gan.mnist_gan import mnist_gan
from lab.gan.optimal_d import DTrainer, inner_loop_gan
from lab.gan.playground import toy_gan
from lab.gan.saturation import saturation_runs
from lab.gan.trainer import GANConfig
from lab.runner import Runner
from lab.saved_run import VERSION, RunFileError
from lab.semi.trainer import with_and_without
from lab.timeline import Timeline
from lab.vae.trainer import VAETrainer
from tests.unit.test_protocol import EVERY, LESSONS, STEPS, _short_schedule, assert_identical

BUILD: dict[str, Callable[[Any], Any]] = {
    "playground": toy_gan,
    "saturation": saturation_runs,
    "optimal_d_2d": inner_loop_gan,
    "optimal_d_1d": DTrainer,
    "figure1": figure1_runs,
    "density_estimation": lambda config: ThreeWays(config, grid=16),
    "vae_toy": VAETrainer,
    "vae_mnist": VAETrainer,
    "mnist_gan_dcgan": mnist_gan,
    "mnist_gan_mlp": mnist_gan,
    "semi_gan_moons": with_and_without,
    "semi_m2_moons": with_and_without,
    "semi_gan_mnist": with_and_without,
    "semi_m2_mnist": with_and_without,
}
CONTROLS = {"k": 3, "lr_d": 0.002, "layers": ["samples", "field"], "surface": False}


def _built(lesson: str) -> Callable[[Any], Any]:
    """The lesson's trainer from a config, on the tests' short evaluation schedule."""
    return lambda config: _short_schedule(BUILD[lesson](config), EVERY)


def _played(lesson: str, every: int = STEPS + 1) -> Runner:
    """A run of `lesson` played STEPS steps by a Runner, with a frame every `every` steps."""
    make, look = LESSONS[lesson]
    runner = Runner(_short_schedule(make(), EVERY), look)
    runner.reset(runner.trainer, Timeline(every=every))
    runner.step(STEPS)
    return runner


def _file(runner: Runner, lesson: str = "lesson") -> bytes:
    return runner.read_run(lambda trainer, timeline: saved_run.save(lesson, trainer, timeline, CONTROLS))


def test_the_lessons_are_all_here():
    assert set(BUILD) == set(LESSONS)


@pytest.mark.parametrize("lesson", LESSONS)
def test_save_load_continue_equals_continuing(lesson):
    runner = _played(lesson)
    loaded = saved_run.load(_file(runner, lesson), lesson)
    assert loaded.config == runner.trainer.config
    assert loaded.controls == CONTROLS
    resumed = loaded.build(_built(lesson))
    original = runner.trainer
    original.step(STEPS)
    resumed.step(STEPS)
    assert resumed.step_count == original.step_count == 2 * STEPS
    assert_identical(resumed.state_dict(), original.state_dict())


@pytest.mark.parametrize("lesson", ["playground", "vae_mnist", "mnist_gan_dcgan", "optimal_d_1d", "figure1"])
def test_the_timeline_comes_back_frame_for_frame(lesson):
    runner = _played(lesson, every=2)
    loaded = saved_run.load(_file(runner, lesson), lesson)
    timeline = runner.read_run(lambda _, timeline: timeline)
    assert loaded.timeline.steps == timeline.steps == [0, 2, 4, 6]
    assert (loaded.timeline.every, loaded.timeline.most) == (timeline.every, timeline.most)
    for step in timeline.steps:
        a, b = [], []
        tree_a = saved_run.encode(timeline.frame(step), a)
        tree_b = saved_run.encode(loaded.timeline.frame(step), b)
        assert json.dumps(tree_a) == json.dumps(tree_b)  # NaN written alike
        assert_identical(a, b, f"frame {step}")
        assert type(loaded.timeline.frame(step)) is type(timeline.frame(step))


# ------------------------------------------------------------------------ bad files
def _resaved(raw: bytes, change: Callable[[dict], Any]) -> bytes:
    """The file `raw` with its content changed by `change` (a crafted file)."""
    content = torch.load(io.BytesIO(raw), weights_only=True)
    content = change(content) or content
    buffer = io.BytesIO()
    torch.save(content, buffer)
    return buffer.getvalue()


def _meta_changed(key: str, value: Any) -> Callable[[dict], None]:
    def change(content: dict) -> None:
        meta = json.loads(content["meta"])
        meta[key] = value
        content["meta"] = json.dumps(meta)

    return change


class _RunsACommand:
    """An object whose unpickling would run a shell command (what a malicious file would carry)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _malicious(marker: Path) -> bytes:
    buffer = io.BytesIO()
    torch.save({"format": saved_run.FORMAT, "payload": _RunsACommand(marker)}, buffer)
    return buffer.getvalue()


def _plain_torch_file() -> bytes:
    buffer = io.BytesIO()
    torch.save({"weights": torch.ones(3)}, buffer)
    return buffer.getvalue()


def _wider_config(content: dict) -> None:
    meta = json.loads(content["meta"])
    meta["config"]["fields"]["width"] = 32  # the saved nets are 16 wide
    content["meta"] = json.dumps(meta)


BAD_FILES: dict[str, tuple[Callable[[bytes, Path], bytes], str]] = {
    "empty": (lambda good, _: b"", "is empty"),
    "text": (lambda good, _: b"step,loss\n1,0.5\n", "not a saved run"),
    "binary": (lambda good, _: np.random.default_rng(0).bytes(5000), "not a saved run"),
    "a PNG": (lambda good, _: b"\x89PNG\r\n\x1a\n" + bytes(200), "not a saved run"),
    "truncated": (lambda good, _: good[: len(good) // 2], "truncated"),
    "cut at the end": (lambda good, _: good[:-30], "truncated"),
    "runs code": (lambda good, marker: _malicious(marker), "nothing in it was run"),
    "another torch file": (lambda good, _: _plain_torch_file(), "not a saved run"),
    "another version": (
        lambda good, _: _resaved(good, lambda c: c.update(version=VERSION - 1)),
        f"format version {VERSION - 1}; this lab reads version {VERSION}",
    ),
    "another lesson": (
        lambda good, _: _resaved(good, _meta_changed("lesson", "vae_latent")),
        "another lesson",
    ),
    "unknown type": (
        lambda good, _: _resaved(good, _meta_changed("config", {"dataclass": "os:system", "fields": {}})),
        "damaged",
    ),
    "bad description": (lambda good, _: _resaved(good, lambda c: c.update(meta="{not json")), "damaged"),
    "another model": (lambda good, _: _resaved(good, _wider_config), "does not fit"),
    "over the size limit": (lambda good, _: good + bytes(saved_run.MAX_BYTES), "over the limit"),
    "a zip bomb": (lambda good, _: _deflated(bytes(saved_run.MAX_BYTES + 1)), "expand past"),
    "an expanded tensor": (
        lambda good, _: _resaved(good, _array_swapped(torch.zeros(1).expand(10**8))),
        "not plain",
    ),
    "a tensor with a gradient": (
        lambda good, _: _resaved(good, _array_swapped(torch.ones(3, requires_grad=True))),
        "not plain",
    ),
    "a dict that is not one": (
        lambda good, _: _resaved(good, _meta_changed("controls", {"dict": [1]})),
        "damaged",
    ),
    "nested too deep": (lambda good, _: _resaved(good, lambda c: c.update(meta="[" * 100_000)), "damaged"),
}


def _deflated(payload: bytes) -> bytes:
    """A zip archive whose one compressed entry expands to `payload` (a few kilobytes on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", payload)
    return buffer.getvalue()


def _array_swapped(tensor: torch.Tensor) -> Callable[[dict], None]:
    def change(content: dict) -> None:
        content["arrays"] = [tensor]

    return change


@pytest.fixture(scope="module")
def good_file() -> tuple[Runner, bytes]:
    runner = _played("playground")
    return runner, _file(runner, "playground")


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_its_message(case, good_file, tmp_path):
    """Refused by `load`, or by `build` (the nets a config makes must take the saved state); the page
    keeps its run in both cases (tests/app/test_keep.py, tests/e2e/test_keep.py)."""
    _, good = good_file
    make, message = BAD_FILES[case]
    marker = tmp_path / "ran"
    with pytest.raises(RunFileError, match=message):
        saved_run.load(make(good, marker), "playground").build(_built("playground"))
    assert not marker.exists()  # nothing in a file runs
    assert saved_run.load(good, "playground").build(_built("playground")).step_count == STEPS


def test_the_codec_refuses_what_it_cannot_rebuild_safely():
    with pytest.raises(TypeError):
        saved_run.encode(object(), [])
    with pytest.raises(TypeError):
        saved_run.encode({1: "int key"}, [])
    with pytest.raises(ValueError):  # a dataclass name outside the lab is never looked up
        saved_run.decode({"dataclass": "collections:OrderedDict", "fields": {}}, [])

    @dataclasses.dataclass
    class Local:
        x: int

    with pytest.raises(TypeError):  # not the lab's: cannot be saved
        saved_run.encode(Local(1), [])


def test_a_setting_added_since_a_file_was_saved_takes_its_default_and_nothing_else_is_guessed():
    """A run saved before the R1 penalty existed had none: it loads with r1 = 0. A field the lab no
    longer has, or a new one without a default, refuses the file."""
    tree = saved_run.encode(GANConfig(data="moons", k=3), [])
    del tree["fields"]["r1"]
    assert saved_run.decode(tree, []) == GANConfig(data="moons", k=3, r1=0.0)
    tree["fields"]["gone"] = saved_run.encode(1.0, [])
    with pytest.raises(ValueError, match="other fields"):
        saved_run.decode(tree, [])


def test_a_run_on_a_students_own_points_loads_on_a_server_that_never_saw_them():
    points = np.random.default_rng(0).normal(size=(50, 2))
    config = GANConfig(data=own.register(points), width=16, depth=1, batch_size=32)
    original = toy_gan(config)
    original.step(3)
    raw = saved_run.save("gan_playground", original, Timeline(), {})
    own._RECENT.clear(), own._IN_USE.clear()  # another server, or this one much later
    loaded = saved_run.load(raw, "gan_playground")
    assert loaded.config == config
    resumed = loaded.build(toy_gan)
    original.step(3)
    resumed.step(3)
    assert_identical(resumed.state_dict(), original.state_dict())
