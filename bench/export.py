"""Benchmark of the exports: `python -m bench.export`.

What a download costs for a typical lab chart: the playground's D(x) field with every layer
(`field_chart` at its page size, 520 px, of a default GAN after 200 steps) converted by vl-convert
to PNG (scale 2 and 1) and SVG; the first call of the process, which starts vl-convert's JavaScript
engine, and the median of the calls after it; the same PNG without the G manifold layer (its many
clipped lines are most of the rasterising time); and the page's "Timeline as GIF" of `--frames`
playground frames, `--steps-between` training steps apart (`lab.plots.pictures.timeline_gif`:
pictures drawn at scale 1 in a child process, then encoded). Training time is not counted.
Last line: JSON with every row.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import torch

from bench.common import TRAINING_THREADS
from lab.export import chart_png, chart_svg
from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.trainer import GANConfig
from lab.plots.pictures import timeline_gif
from lab.plots.playground import LAYERS, field_chart


def seconds(work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def median_ms(work: Callable[[], object], repeats: int) -> float:
    return 1000 * statistics.median(seconds(work)[0] for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5, help="calls per median")
    parser.add_argument("--frames", type=int, default=60, help="frames of the GIF")
    parser.add_argument("--steps-between", type=int, default=20, help="training steps between two frames")
    args = parser.parse_args()
    torch.set_num_threads(TRAINING_THREADS)
    trainer = toy_gan(GANConfig())
    trainer.step(200)
    spec = field_chart(playground_snapshot(trainer), LAYERS)
    no_manifold = field_chart(playground_snapshot(trainer), tuple(x for x in LAYERS if x != "G manifold"))

    png_first, png = seconds(lambda: chart_png(spec, scale=2.0))
    svg_first, svg = seconds(lambda: chart_svg(spec))
    rows = {
        "png_first_ms": 1000 * png_first,
        "png_ms": median_ms(lambda: chart_png(spec, scale=2.0), args.repeats),
        "png_scale1_ms": median_ms(lambda: chart_png(spec, scale=1.0), args.repeats),
        "png_no_manifold_ms": median_ms(lambda: chart_png(no_manifold, scale=2.0), args.repeats),
        "svg_first_ms": 1000 * svg_first,
        "svg_ms": median_ms(lambda: chart_svg(spec), args.repeats),
    }

    frames = []
    for _ in range(args.frames):
        trainer.step(args.steps_between)
        frames.append(playground_snapshot(trainer))
    took, animation = seconds(lambda: timeline_gif("gan_playground", frames))
    rows |= {"gif_s": took}
    sizes = {"png_kb": len(png) / 1024, "svg_kb": len(svg) / 1024, "gif_kb": len(animation) / 1024}

    notes = {
        "png_first_ms": "first PNG of the process: starts vl-convert's engine (scale 2)",
        "png_ms": f"PNG, scale 2 (median of {args.repeats})",
        "png_scale1_ms": "PNG, scale 1",
        "png_no_manifold_ms": "PNG, scale 2, without the G manifold layer",
        "svg_first_ms": "first SVG (after the first PNG)",
        "svg_ms": "SVG",
        "gif_s": f"'Timeline as GIF' of {args.frames} frames (drawn in a child process)",
    }
    print(f"{'measure':<20} {'value':>9}  note")
    for name, value in rows.items():
        print(f"{name:<20} {value:>9.2f}  {notes[name]}")
    for name, value in sizes.items():
        print(f"{name:<20} {value:>9.1f}  size of the file")
    print(json.dumps({k: round(v, 2) for k, v in (rows | sizes).items()}))


if __name__ == "__main__":
    main()
