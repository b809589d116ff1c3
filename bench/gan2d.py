"""Benchmark of the 2-D GAN: `python -m bench.gan2d`.

Prints a table, then one line of JSON with
- steps_per_s        our GANTrainer, headless, default config (generator steps per second): the
                     playground's training loop alone, without its scheduled evaluations
- ref_steps_per_s    the same sizes trained by a plain PyTorch loop written the textbook way
- seconds_to_8_modes default config from a fresh start (`toy_gan`, evaluations included) until
                     its scheduled evaluation finds 8/8 modes and >= 80 % high quality
- eval_share         the share of the playground's training time spent in its scheduled
                     evaluations: one `toy_scores` against the EVAL_EVERY steps between two
- app_steps_per_s    the playground's throughput while open and refreshing in a browser, the server
  app_headless_steps_per_s
  app_ratio          on its own core and Chromium on the others (the server's own cost: in class the
                     browser is on the student's laptop), against the headless loop (no evaluations)
                     on the server's core while the page is paused, windows in alternation; and
                     their ratio (target >= 0.85)
- app_steps_per_s_shared, app_ratio_shared
                     the same with server and Chromium sharing every core: the browser's drawing
                     competes with training (the training thread runs at niceness +10)
- grid25_modes_mean, grid25_high_quality_mean, grid25_modes_by_steps, grid25_high_quality_by_steps
                     the 25-Gaussian grid in the setting a student gets in one click (the
                     playground's scenario "All 25 modes of the grid", `lab.scenarios.GRID25`:
                     uniform z, instance noise, G's weights averaged), seeds 0-4, each trained to
                     `--grid-steps` generator steps (10,000 by default; counted in steps, so the
                     machine's speed does not decide), scheduled evaluations included: modes covered
                     and high-quality fraction, averaged over the seeds, at the last step and every
                     2,000 steps; published (PacGAN, Table 1): GAN 17.3 modes / 94.8 %, PacGAN4
                     24.8 / 93.6 %
`--device cuda` trains every model on the GPU (bench/gpu.sh); the clocks then wait for the device.
Both headless loops run in this process with the app's thread setting (one intra-op thread),
interleaved in rounds so that a slow moment of the machine hits both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from dataclasses import dataclass, replace

import torch
from torch import nn

from bench.common import (
    TRAINING_THREADS,
    EvalShare,
    add_device_option,
    eval_share,
    seconds,
    without_evaluations,
)
from lab.data import toy
from lab.gan.playground import EVAL_EVERY, toy_gan, toy_scores
from lab.gan.trainer import GANConfig
from lab.scenarios import GRID25


class TextbookGAN:
    """The GAN loop as tutorials write it: sigmoid + BCELoss, two D passes, D grads in G's step."""

    def __init__(self, config: GANConfig, device: torch.device) -> None:
        torch.manual_seed(config.seed)
        self.config, self.device = config, device
        self.p_data = toy.get(config.data)

        def mlp(i: int, o: int) -> nn.Sequential:
            layers: list[nn.Module] = []
            for _ in range(config.depth):
                layers += [nn.Linear(i, config.width), nn.ReLU()]
                i = config.width
            return nn.Sequential(*layers, nn.Linear(i, o))

        self.G = mlp(config.noise_dim, 2).to(device)
        self.D = nn.Sequential(mlp(2, 1), nn.Sigmoid()).to(device)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=config.lr_g, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=config.lr_d, betas=(0.5, 0.999))
        self.bce = nn.BCELoss()

    def step(self, n: int) -> None:
        m = self.config.batch_size
        ones, zeros = torch.ones(m, 1, device=self.device), torch.zeros(m, 1, device=self.device)
        for _ in range(n):
            for _ in range(self.config.k):
                real = self.p_data.sample(m).to(self.device)
                fake = self.G(torch.randn(m, self.config.noise_dim, device=self.device))
                self.opt_d.zero_grad()
                d_loss = self.bce(self.D(real), ones) + self.bce(self.D(fake.detach()), zeros)
                d_loss.backward()
                self.opt_d.step()
            self.opt_g.zero_grad()
            g_loss = self.bce(self.D(self.G(torch.randn(m, self.config.noise_dim, device=self.device))), ones)
            g_loss.backward()
            self.opt_g.step()
            d_loss.item(), g_loss.item()


def throughput(device: torch.device, rounds: int = 5, steps: int = 400) -> tuple[float, float]:
    """Median steps/s of ours and of the textbook loop, measured in alternating rounds."""
    config = GANConfig()
    ours, ref = without_evaluations(toy_gan(config, device)), TextbookGAN(config, device)
    ours.step(50), ref.step(50)  # warm up
    ours_rates, ref_rates = [], []
    for _ in range(rounds):
        ours_rates.append(steps / seconds(lambda: ours.step(steps), device))
        ref_rates.append(steps / seconds(lambda: ref.step(steps), device))
    return statistics.median(ours_rates), statistics.median(ref_rates)


def seconds_to_8_modes(device: torch.device, limit: float = 60.0) -> tuple[float, int]:
    """Wall-clock seconds (training and the scheduled evaluations, every EVAL_EVERY steps) until
    an evaluation finds 8/8 modes and >= 80 % high quality."""
    started = time.perf_counter()
    trainer = toy_gan(GANConfig(), device)
    while time.perf_counter() - started < limit:
        trainer.step(EVAL_EVERY)
        result = trainer.evals.last()
        if result["modes"] == 8 and result["high_quality"] >= 0.8:
            return time.perf_counter() - started, trainer.step_count
    return float("inf"), trainer.step_count


GRID_SEEDS = 5
GRID_EVERY = 2_000


@dataclass(frozen=True)
class GridRun:
    """One seed of the grid of 25: the scheduled evaluation's modes and high-quality share read
    every GRID_EVERY generator steps, and the wall-clock seconds the whole run took."""

    seed: int
    steps: list[int]
    modes: list[float]
    high_quality: list[float]
    seconds: float


def grid25(steps: int, device: torch.device, seeds: int = GRID_SEEDS) -> list[GridRun]:
    """The grid of 25 in its one-click setting, trained to `steps` generator steps per seed, its
    scheduled evaluations included, read every GRID_EVERY steps."""
    runs = []
    for seed in range(seeds):
        trainer = toy_gan(replace(GRID25, seed=seed), device)
        run = GridRun(seed, [], [], [], 0.0)
        started = time.perf_counter()
        while trainer.step_count < steps:
            trainer.step(EVAL_EVERY)
            if trainer.step_count % GRID_EVERY == 0 or trainer.step_count >= steps:
                last = trainer.evals.last()
                run.steps.append(trainer.step_count)
                run.modes.append(last["modes"])
                run.high_quality.append(last["high_quality"])
        runs.append(replace(run, seconds=time.perf_counter() - started))
    return runs


def evaluation_share(device: torch.device, calls: int = 10) -> EvalShare:
    """One `toy_scores` (the playground's scheduled evaluation) against EVAL_EVERY training steps,
    `calls` of each in alternating rounds, on a run past its first steps."""
    trainer = without_evaluations(toy_gan(GANConfig(), device))
    trainer.step(300)
    rng = torch.Generator().manual_seed(0)
    return eval_share(
        lambda: toy_scores(trainer, rng), lambda: trainer.step(EVAL_EVERY), EVAL_EVERY, device, calls
    )


@dataclass(frozen=True)
class AppRate:
    """The playground's steps/s in the browser and the headless loop's on the same cores, each the
    median of windows taken in alternation (so that a slow moment of the machine hits both alike)."""

    app: float
    headless: float

    @property
    def ratio(self) -> float:
        return self.app / self.headless


def app_steps_per_second(
    pinned: bool, rounds: int = 3, warmup: float = 5.0, window: float = 10.0, page: str = "gan_playground"
) -> AppRate:
    """Steps/s shown by the playground while it trains and refreshes in headless Chromium, against
    the headless loop (no evaluations) on the server's cores while the page is paused, in `rounds`
    alternations of `window` seconds each. `pinned`: the server on the first core and Chromium on
    the others, so that only the server's own cost of drawing counts (in class the browser runs on
    the student's laptop); else all share every core. `page`: the playground's address (with
    ?units=true, the networks' units drawn too)."""
    from bench.browser import app_server, chromium, open_session, play, split_cores, step_count

    everything = os.sched_getaffinity(0)
    server_cores, browser_cores = split_cores() if pinned else (everything, everything)
    headless = without_evaluations(toy_gan(GANConfig(), device=torch.device("cpu")))
    headless.step(300)  # past the first steps, like the page's run after its warm-up
    app_rates, headless_rates = [], []
    os.sched_setaffinity(0, browser_cores)  # this script and Chromium
    try:
        with app_server(cores=server_cores, env={"LAB_OFFLINE": "1"}) as server, chromium() as browser:
            tab = open_session(browser, server.url, page, timeout=180)
            for i in range(rounds):
                play(tab)
                time.sleep(warmup if i == 0 else 2.0)
                first, t0 = step_count(tab), time.perf_counter()
                time.sleep(window)
                last, t1 = step_count(tab), time.perf_counter()
                tab.locator(".st-key-pause button").click()
                tab.wait_for_selector(".st-key-play button", timeout=60_000)
                app_rates.append((last - first) / (t1 - t0))
                os.sched_setaffinity(0, server_cores)  # the headless loop where the server trained
                headless_rates.append(_rate_for(headless, window))
                os.sched_setaffinity(0, browser_cores)
    finally:
        os.sched_setaffinity(0, everything)
    return AppRate(statistics.median(app_rates), statistics.median(headless_rates))


def _rate_for(trainer, seconds: float, chunk: int = 50) -> float:
    """Steps/s of `trainer.step(chunk)` repeated for `seconds`."""
    first, started = trainer.step_count, time.perf_counter()
    while time.perf_counter() - started < seconds:
        trainer.step(chunk)
    return (trainer.step_count - first) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-app", action="store_true", help="skip the browser measurement")
    parser.add_argument(
        "--app-only",
        action="store_true",
        help="only the browser measurement, with and without the networks' units drawn (side by side)",
    )
    parser.add_argument(
        "--grid-steps", type=int, default=10_000, help="generator steps per grid25 seed (default 10,000)"
    )
    add_device_option(parser)
    args = parser.parse_args()
    torch.set_num_threads(TRAINING_THREADS)
    device = args.device
    if args.app_only:
        plain = app_steps_per_second(pinned=True)
        units = app_steps_per_second(pinned=True, page="gan_playground?units=true")
        print(f"{'measure':<28} {'app steps/s':>12} {'headless':>9} {'ratio':>6}  (target >= 0.85)")
        for name, rate in (("playground", plain), ("playground, units drawn", units)):
            print(f"{name:<28} {rate.app:>12.0f} {rate.headless:>9.0f} {rate.ratio:>6.2f}")
        print(json.dumps({"app_ratio": round(plain.ratio, 3), "app_ratio_units": round(units.ratio, 3)}))
        return

    steps_per_s, ref_steps_per_s = throughput(device)
    to_8_seconds, to_8_steps = seconds_to_8_modes(device)
    share = evaluation_share(device)
    app = None if args.no_app else app_steps_per_second(pinned=True)
    app_shared = None if args.no_app else app_steps_per_second(pinned=False)
    grid = grid25(args.grid_steps, device)
    checkpoints = grid[0].steps
    modes_at = [statistics.mean(run.modes[i] for run in grid) for i in range(len(checkpoints))]
    quality_at = [statistics.mean(run.high_quality[i] for run in grid) for i in range(len(checkpoints))]

    rows = [
        ("steps_per_s", f"{steps_per_s:.0f}", f"GANTrainer loop, default config, {device.type}, 1 thread"),
        ("ref_steps_per_s", f"{ref_steps_per_s:.0f}", "textbook PyTorch loop, same sizes"),
        ("ratio ours / ref", f"{steps_per_s / ref_steps_per_s:.2f}", "target >= 1.2"),
        ("seconds_to_8_modes", f"{to_8_seconds:.1f}", f"{to_8_steps} generator steps; target <= 10"),
    ]
    if app is not None:
        rows += [
            ("app_steps_per_s", f"{app.app:.0f}", "playground open and refreshing in Chromium"),
            ("headless on its core", f"{app.headless:.0f}", "the loop alone, in alternation with the app"),
            ("ratio app / headless", f"{app.ratio:.2f}", "target >= 0.85; server on its own core"),
            ("app_steps_per_s_shared", f"{app_shared.app:.0f}", "server and Chromium sharing every core"),
            ("ratio shared / headless", f"{app_shared.ratio:.2f}", "the browser's drawing included"),
        ]
    for run in grid:
        rows.append(
            (
                f"grid25 seed {run.seed}",
                f"{run.modes[-1]:.0f}",
                f"modes, {run.high_quality[-1]:.1%} high quality at {run.steps[-1]:,} steps, {run.seconds:.0f} s",
            )
        )
    for steps, modes, quality in zip(checkpoints, modes_at, quality_at, strict=True):
        rows.append(
            (f"grid25 @ {steps:,}", f"{modes:.1f}", f"modes, {quality:.1%} high quality (mean of 5 seeds)")
        )
    rows.append(("grid25 target", "24.8", "modes, 94 % high quality by 10,000 steps, kept to 20,000"))
    print(f"{'measure':<22} {'value':>8}  note")
    for name, value, note in rows:
        print(f"{name:<22} {value:>8}  {note}")
    print(f"evaluation share: {100 * share.share:.1f} % ({share.note()})")
    result = {
        "steps_per_s": round(steps_per_s, 1),
        "ref_steps_per_s": round(ref_steps_per_s, 1),
        "seconds_to_8_modes": round(to_8_seconds, 2),
        "steps_to_8_modes": to_8_steps,
        "eval_share": round(share.share, 4),
        "grid25_steps": checkpoints[-1],
        "grid25_modes_mean": round(modes_at[-1], 2),
        "grid25_high_quality_mean": round(quality_at[-1], 4),
        "grid25_modes_by_steps": {str(s): round(m, 2) for s, m in zip(checkpoints, modes_at, strict=True)},
        "grid25_high_quality_by_steps": {
            str(s): round(q, 4) for s, q in zip(checkpoints, quality_at, strict=True)
        },
        "grid25_seconds_max": round(max(run.seconds for run in grid), 1),
        "device": device.type,
    }
    if app is not None:
        result["app_steps_per_s"] = round(app.app, 1)
        result["app_headless_steps_per_s"] = round(app.headless, 1)
        result["app_ratio"] = round(app.ratio, 3)
        result["app_steps_per_s_shared"] = round(app_shared.app, 1)
        result["app_ratio_shared"] = round(app_shared.ratio, 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
