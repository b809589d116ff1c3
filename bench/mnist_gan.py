"""Benchmark of the MNIST GAN: `python -m bench.mnist_gan`.

Our default config (MNIST_DEFAULTS: a small DCGAN) against a reference DCGAN written the way
pytorch/examples writes it (ConvTranspose/BatchNorm generator, BatchNorm/LeakyReLU discriminator
with a sigmoid and BCELoss, N(0, 0.02) init, Adam 2e-4 with beta1 = 0.5, batch 64, nz = 100),
scaled to 28x28, on the same data, in the same run. Both are scored by the same digit classifier
every ~3 s of training (scoring time not counted, so our trainer's own scheduled scorings are
switched off here). Prints steps/s and the scores at 30, 60 and 120 s of training, the evaluation
share (the part of the page's training time that goes to its scheduled scoring: one
`digit_scores` against the EVAL_EVERY generator steps between two), then JSON with ref_fd_120s,
seconds_to_ref_fd_120s (the training time our default takes to reach the reference's Frechet
distance at 120 s) and eval_share. `--budgets A B C` changes the three times (the keys follow
them); `--device cuda` trains both models on the GPU (bench/gpu.sh), the clocks waiting for it.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
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
from lab.data import mnist
from lab.gan.mnist_gan import EVAL_EVERY, MNIST_DEFAULTS, SCORE_SAMPLES, digit_scores, digits, mnist_gan
from lab.gan.mnist_scores import DigitScorer, shared_scorer
from lab.gan.trainer import GANTrainer

BUDGETS = (30.0, 60.0, 120.0)
SCORE_SECONDS = 3.0


class ReferenceDCGAN:
    """pytorch/examples' DCGAN, with the 64x64 stacks cut to 28x28 (ngf = ndf = 64, nz = 100)."""

    def __init__(
        self, data: mnist.MNIST, device: torch.device, nz: int = 100, ngf: int = 64, ndf: int = 64
    ) -> None:
        torch.manual_seed(0)
        self.nz, self.device = nz, device
        self.G = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 7, 1, 0, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, 1, 4, 2, 1, bias=False), nn.Tanh(),
        )  # fmt: skip
        self.D = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 7, 1, 0, bias=False), nn.Sigmoid(),
        )  # fmt: skip
        for net in (self.G, self.D):
            net.apply(_weights_init).to(device)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=2e-4, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=2e-4, betas=(0.5, 0.999))
        self.images = (torch.as_tensor(data.train_images).view(-1, 1, 28, 28) * 2 - 1).to(device)
        self.criterion = nn.BCELoss()
        self.step_count = 0

    def step(self, n: int) -> None:
        for _ in range(n):
            real = self.images[torch.randint(len(self.images), (64,), device=self.device)]
            ones, zeros = torch.ones(64, device=self.device), torch.zeros(64, device=self.device)
            self.D.zero_grad()
            err_real = self.criterion(self.D(real).view(-1), ones)
            err_real.backward()
            fake = self.G(torch.randn(64, self.nz, 1, 1, device=self.device))
            err_fake = self.criterion(self.D(fake.detach()).view(-1), zeros)
            err_fake.backward()
            self.opt_d.step()
            self.G.zero_grad()
            err_g = self.criterion(self.D(fake).view(-1), ones)
            err_g.backward()
            self.opt_g.step()
            self.step_count += 1

    @torch.no_grad()
    def digits(self, n: int) -> np.ndarray:
        self.G.eval()
        z = torch.randn(n, self.nz, 1, 1, generator=torch.Generator().manual_seed(1))
        images = (self.G(z.to(self.device)) + 1) / 2
        self.G.train()
        return images.view(n, 784).clamp(0, 1).cpu().numpy()


def _weights_init(m: nn.Module) -> None:
    if isinstance(m, nn.Conv2d | nn.ConvTranspose2d):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def run(
    step, images, scorer: DigitScorer, chunk: int, budget: float, device: torch.device
) -> tuple[list[tuple[float, dict]], int]:
    """Train for `budget` seconds; score every SCORE_SECONDS s. Returns [(seconds, scores)], steps."""
    trained, next_score, trace, steps = 0.0, SCORE_SECONDS, [], 0
    while trained < budget:
        trained += seconds(lambda: step(chunk), device)
        steps += chunk
        if trained >= next_score or trained >= budget:
            s = scorer.score(images())
            trace.append(
                (
                    trained,
                    {"fd": s.frechet, "is": s.inception, "conf": s.confidence, "digits": s.digits_present},
                )
            )
            next_score += SCORE_SECONDS
    return trace, steps


def at(trace: list[tuple[float, dict]], budget: float) -> dict:
    """The scores of the last scoring at or before `budget` seconds of training."""
    return [scores for seconds, scores in trace if seconds <= budget + SCORE_SECONDS / 2][-1]


def evaluation_share(trainer: GANTrainer, calls: int = 10) -> EvalShare:
    """One scheduled scoring (`digit_scores`) against the EVAL_EVERY generator steps between two,
    `calls` of each in alternating rounds, on `trainer` (scheduled scorings off)."""
    rng = torch.Generator().manual_seed(0)
    return eval_share(
        lambda: digit_scores(trainer, rng),
        lambda: trainer.step(EVAL_EVERY),
        EVAL_EVERY,
        trainer.device,
        calls,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--budgets", type=float, nargs=3, default=BUDGETS, help="three training times in seconds (30 60 120)"
    )
    add_device_option(parser)
    args = parser.parse_args()
    budgets, device = tuple(args.budgets), args.device
    torch.set_num_threads(TRAINING_THREADS)
    data = mnist.load()
    scorer = shared_scorer(data, SCORE_SAMPLES)  # the app's: the first 1000 held-out digits
    ours = without_evaluations(mnist_gan(MNIST_DEFAULTS, device))
    z = torch.randn(1000, MNIST_DEFAULTS.noise_dim, generator=torch.Generator().manual_seed(1))
    ref = ReferenceDCGAN(data, device)
    traces = {
        "ours (default)": run(ours.step, lambda: digits(ours, z), scorer, 20, budgets[-1], device),
        "ref DCGAN": run(ref.step, lambda: ref.digits(1000), scorer, 5, budgets[-1], device),
    }
    share = evaluation_share(ours)
    print(f"data: {data.source}; classifier accuracy {scorer.classifier.accuracy:.1%}")
    print(
        f"{'model':<16} {'steps/s':>8}" + "".join(f"{f'FD@{b:.0f}s':>10}{f'IS@{b:.0f}s':>8}" for b in budgets)
    )
    for name, (trace, steps) in traces.items():
        row = "".join(f"{at(trace, b)['fd']:>10.1f}{at(trace, b)['is']:>8.2f}" for b in budgets)
        print(f"{name:<16} {steps / budgets[-1]:>8.1f}{row}")
    ref_fd = at(traces["ref DCGAN"][0], budgets[-1])["fd"]
    reached = next((s for s, scores in traces["ours (default)"][0] if scores["fd"] <= ref_fd), float("inf"))
    print(
        f"ours reaches the reference's FD at {budgets[-1]:.0f} s ({ref_fd:.1f}) after {reached:.0f} s of training (target <= 40)"
    )
    print(f"evaluation share: {100 * share.share:.1f} % ({share.note()})")
    print(
        json.dumps(
            {
                "steps_per_s": round(traces["ours (default)"][1] / budgets[-1], 1),
                "ref_steps_per_s": round(traces["ref DCGAN"][1] / budgets[-1], 1),
                **{f"ours_fd_{b:.0f}s": round(at(traces["ours (default)"][0], b)["fd"], 1) for b in budgets},
                **{f"ref_fd_{b:.0f}s": round(at(traces["ref DCGAN"][0], b)["fd"], 1) for b in budgets},
                "seconds_to_ref_fd_120s": round(reached, 1),
                "eval_share": round(share.share, 4),
            }
        )
    )


if __name__ == "__main__":
    main()
