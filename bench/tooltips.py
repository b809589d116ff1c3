"""What the tooltips cost a live redraw: the playground's and the MNIST GAN's live charts, drawn with
their tooltips (as the lab draws them, `lab.plots.vega.with_tooltips`) and without, side by side in
one run, after 600 steps of training.

    python -m bench.tooltips

A redraw is measured twice: the server's part (the spec and its data made into what Streamlit sends:
JSON and Arrow) and the drawing (Vega's own renderer through vl-convert, a stand-in for the browser's:
the same scenegraph, the hover points included). Prints a table and a last JSON line with the
ratios with/without (target: the drawing ≤ 1.2×).
"""

from __future__ import annotations

import copy
import json
import statistics
import time
from collections.abc import Callable

import pyarrow as pa
import vl_convert

from lab.export import _plain
from lab.gan.mnist_gan import mnist_gan, mnist_snapshot
from lab.gan.playground import playground_snapshot, toy_gan
from lab.lessons import LESSONS
from lab.plots import mnist_gan as mnist_plots
from lab.plots import playground as plots
from lab.plots.vega import _views

REPEATS = 21


def without_tooltips(spec: dict) -> dict:
    """The spec as it was before `with_tooltips`: no tooltip encodings, no hover points."""
    plain = {**spec, "datasets": spec.get("datasets")}
    layout = copy.deepcopy({key: value for key, value in spec.items() if key != "datasets"})
    for node in _views(layout):
        (node.get("encoding") or {}).pop("tooltip", None)
        if isinstance(node.get("mark"), dict):
            node["mark"].pop("point", None)
    return {**layout, "datasets": plain["datasets"]}


def side_by_side(work: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Each of `work`'s calls REPEATS times, in alternation (a busy moment slows both alike): the
    median milliseconds of each."""
    times: dict[str, list[float]] = {kind: [] for kind in work}
    for _ in range(REPEATS):
        for kind, call in work.items():
            start = time.perf_counter()
            call()
            times[kind].append(time.perf_counter() - start)
    return {kind: 1000 * statistics.median(values) for kind, values in times.items()}


def sent(spec: dict) -> int:
    """What Streamlit sends for a chart: the spec as JSON and each dataset as Arrow; its bytes."""
    layout = json.dumps({key: value for key, value in spec.items() if key != "datasets"})
    tables = [
        pa.Table.from_pandas(frame, preserve_index=False) for frame in (spec.get("datasets") or {}).values()
    ]
    return len(layout) + sum(table.nbytes for table in tables)


def charts() -> dict[str, dict]:
    playground = LESSONS["gan_playground"]
    trainer = toy_gan(playground.config({}))
    trainer.step(600)
    snap = playground_snapshot(trainer)
    found = {"playground: the plane": plots.field_chart(snap, ("real samples", "generated samples", "D(x)"))}
    found["playground: losses"] = plots.loss_chart(snap)
    for title, chart in zip(plots.metric_titles(snap), plots.metric_charts(snap), strict=True):
        found[f"playground: {title}"] = chart
    mnist = mnist_gan(LESSONS["mnist_gan"].config({}))
    mnist.step(150)
    found["MNIST: D(x) histograms"] = mnist_plots.d_histograms(mnist_snapshot(mnist))
    return found


def main() -> None:
    rows, total = [], {"with": [0.0, 0.0, 0], "without": [0.0, 0.0, 0]}
    for name, spec in charts().items():
        shown = {"with": spec, "without": without_tooltips(spec)}
        plain = {kind: _plain(value) for kind, value in shown.items()}
        server = side_by_side({kind: (lambda s=value: sent(s)) for kind, value in shown.items()})
        drawing = side_by_side(
            {kind: (lambda p=value: vl_convert.vegalite_to_svg(p)) for kind, value in plain.items()}
        )
        measured = {kind: (server[kind], drawing[kind], sent(shown[kind])) for kind in shown}
        for kind, values in measured.items():
            for i, value in enumerate(values):
                total[kind][i] += value
        rows.append((name, measured))
    print(
        f"{'chart':<36} {'server ms (with / without)':>27} {'drawing ms (with / without)':>28} {'bytes sent':>22}"
    )
    for name, m in rows:
        print(
            f"{name[:36]:<36} {m['with'][0]:>12.2f} / {m['without'][0]:<12.2f} {m['with'][1]:>12.1f} / "
            f"{m['without'][1]:<13.1f} {m['with'][2]:>10,} / {m['without'][2]:<10,}"
        )
    ratio = {
        part: total["with"][i] / total["without"][i] for i, part in enumerate(("server", "drawing", "bytes"))
    }
    print(
        f"all charts together, with / without tooltips: server {ratio['server']:.2f}×, drawing "
        f"{ratio['drawing']:.2f}×, bytes {ratio['bytes']:.3f}×  (target: drawing ≤ 1.2×)"
    )
    print(json.dumps({f"{part}_ratio": round(value, 3) for part, value in ratio.items()}))


if __name__ == "__main__":
    main()
