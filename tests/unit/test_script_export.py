"""A run as a script (`lab.script_export`): the exported file, run in a fresh interpreter from the
run's step, gives the lab's own losses for the next steps, bit for bit on the CPU, and passes ruff."""

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from lab.gan.mnist_gan import MNIST_DEFAULTS, mnist_gan
from lab.gan.playground import toy_gan
from lab.gan.trainer import GANConfig
from lab.scenarios import GRID25
from lab.script_export import gan_script, vae_script
from lab.vae.trainer import VAEConfig, VAETrainer, mnist_config

SMALL = GANConfig(width=32, depth=2, batch_size=64)


def run_exported(script: str, weights: bytes, steps: int, folder: Path) -> str:
    """Write the script and its weights as run.py and run.pt, check them with ruff, and run the
    script for `steps` steps in a fresh interpreter; what it printed."""
    assert "import lab" not in script and "from lab" not in script and script.count("# %%") >= 5
    (folder / "run.py").write_text(script)
    (folder / "run.pt").write_bytes(weights)
    linted = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "run.py"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert linted.returncode == 0, linted.stdout
    done = subprocess.run(
        [sys.executable, "run.py", str(steps)], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def losses(printed: str) -> list[tuple[float, float]]:
    return [(float(d), float(g)) for d, g in re.findall(r"D loss (\S+), G loss (\S+)", printed)]


@pytest.fixture(autouse=True)
def one_thread():
    """The lab trains on one thread, and the script says so: the same sums in the same order."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize(
    "config",
    [
        SMALL,
        dataclasses.replace(SMALL, generator_loss="minimax", k=3, optimizer="sgd", lr_d=0.05, lr_g=0.05),
        dataclasses.replace(GRID25, width=32, depth=2, batch_size=64),  # uniform z, R1, G averaged
        dataclasses.replace(GRID25, width=32, depth=2, batch_size=64, instance_noise=0.5, r1=10.0, seed=3),
        dataclasses.replace(SMALL, data="moons", generator_loss="log_ratio", noise_dim=3, seed=7),
        dataclasses.replace(SMALL, lr_fall_from=20, seed=5),  # the learning rates fall across the export
    ],
    ids=["default", "minimax-k3-sgd", "grid25", "noise-and-r1", "moons-log-ratio", "lr-falling"],
)
def test_the_script_goes_on_with_the_labs_own_losses(config, tmp_path: Path):
    trainer = toy_gan(config, torch.device("cpu"))
    trainer.step(25)
    printed = run_exported(*gan_script(trainer, "run"), 6, tmp_path)
    trainer.step(6)
    ours = list(zip(trainer.history["d_loss"][-6:], trainer.history["g_loss"][-6:], strict=True))
    assert losses(printed) == ours  # the same floats: the same loop, the same random streams


@pytest.mark.parametrize(
    "config",
    [
        VAEConfig(data="moons", likelihood="gaussian", sigma=0.05, width=64, depth=2),
        VAEConfig(
            data="ring8", likelihood="gaussian", learn_sigma=True, beta=2.0, latent_dim=1, width=32, depth=1
        ),
        mnist_config(
            width=64, batch_size=32
        ),  # Bernoulli decoder, binarised digits, BatchNorm, lr warm-up and decay
    ],
    ids=["moons", "ring8-learned-sigma-beta-2", "mnist-mlp"],
)
def test_the_vae_script_goes_on_with_the_labs_own_elbo(config, tmp_path: Path):
    trainer = VAETrainer(config, torch.device("cpu"), evaluate=False)
    trainer.step(15)
    printed = run_exported(*vae_script(trainer, "run"), 5, tmp_path)
    trainer.step(5)
    assert [float(v) for v in re.findall(r"ELBO (\S+)", printed)] == list(trainer.history["elbo"][-5:])


@pytest.mark.parametrize("architecture", ["dcgan", "mlp"])
def test_the_mnist_gan_script_goes_on_with_the_labs_own_losses(architecture, tmp_path: Path):
    config = dataclasses.replace(MNIST_DEFAULTS, architecture=architecture, batch_size=32, width=64)
    trainer = mnist_gan(config, torch.device("cpu"))
    trainer.step(4)
    printed = run_exported(*gan_script(trainer, "run"), 3, tmp_path)
    trainer.step(3)
    assert losses(printed) == list(
        zip(trainer.history["d_loss"][-3:], trainer.history["g_loss"][-3:], strict=True)
    )
