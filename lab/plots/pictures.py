"""One picture per lesson of what its run has made so far: the samples (or the densities, or D and
D*) at one step. The timeline's GIF is these pictures over the recorded steps.

`picture(run, snapshot)` is a Vega-Lite spec or the PNG bytes of a digit grid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from lab import export
from lab.data import toy
from lab.plots import density_estimation, figure1, optimal_d, playground, saturation, semi_supervised, vae
from lab.plots.raster import image_grid


def side_by_side(specs: Sequence[dict], title: str | None = None, titles: Sequence[str] = ()) -> dict:
    """Vega-Lite specs in one row (hconcat), each under its entry of `titles` if given. Each spec's
    named datasets are renamed apart (the lab's specs of one kind share dataset names), and what
    only a top-level spec may hold is lifted."""
    row, datasets = [], {}
    for i, spec in enumerate(specs):
        names = {name: f"{name}_{i}" for name in spec.get("datasets", {})}
        datasets |= {names[name]: data for name, data in spec.get("datasets", {}).items()}
        inner = {k: v for k, v in spec.items() if k not in ("$schema", "config", "datasets", "autosize")}
        if i < len(titles):
            inner["title"] = titles[i]
        row.append(_renamed(inner, names))
    combined = {"$schema": specs[0].get("$schema"), "config": specs[0].get("config", {}), "hconcat": row}
    combined["datasets"] = datasets
    if title:
        combined["title"] = {"text": title, "fontSize": 18, "anchor": "start"}
    return combined


def _renamed(node: Any, names: dict[str, str]) -> Any:
    """`node` with every reference to a named dataset ({"data": {"name": n}}) renamed by `names`."""
    if isinstance(node, dict):
        out = {k: _renamed(v, names) for k, v in node.items()}
        data = node.get("data")
        if isinstance(data, dict) and data.get("name") in names:
            out["data"] = {**data, "name": names[data["name"]]}
        return out
    if isinstance(node, list):
        return [_renamed(v, names) for v in node]
    return node


GIF_LAYERS = tuple(layer for layer in playground.LAYERS if layer != "G manifold")
"""The playground's layers in its GIF: the mesh of G would double the time each frame takes to draw."""


def _titled(specs: Sequence[dict], snap: Any, titles: Sequence[str] = ()) -> dict:
    return side_by_side(specs, f"step {snap.step:,}", titles)


def _vae(snap: Any) -> dict | bytes:
    if snap.is_image:
        return image_grid(snap.prior_samples, 8, scale=3)
    return _titled([vae.toy_decoder_chart(snap, toy.get(snap.config.data).extent)], snap)


def _semi(snap: Any) -> dict | bytes:
    if snap.data == "moons":
        return _titled([semi_supervised.boundary_chart(snap, run) for run in range(2)], snap)
    if snap.generated is not None:
        return image_grid(snap.generated, 20)
    return image_grid(snap.analogies, 11)  # M2: a held-out digit's style, then the classes 0-9


PICTURES: dict[str, Callable[[Any], dict | bytes]] = {
    "gan_playground": lambda snap: _titled([playground.field_chart(snap, GIF_LAYERS)], snap),
    "optimal_d_1d": lambda snap: _titled([optimal_d.densities_chart(snap)], snap),
    "optimal_d_2d": lambda snap: _titled(optimal_d.d_star_maps(snap)[:2], snap),
    "figure1": lambda panels: side_by_side(
        [figure1.figure1_chart(panel) for panel in panels], f"step {panels[0].step:,}"
    ),
    "saturation": lambda snap: _titled(
        [saturation.samples_chart(snap, model) for model in range(3)],
        snap,
        [saturation.LOSS_NAMES[loss] for loss in snap.losses],
    ),
    "density_estimation": lambda snap: _titled(density_estimation.density_panels(snap), snap),
    "vae": _vae,
    "mnist_gan": lambda snap: image_grid(snap.samples, 8, scale=3),
    "semi_supervised": _semi,
}


def picture(run: str, snapshot: Any) -> dict | bytes:
    """What the run `run` (a page's name for it) had made at `snapshot`."""
    return PICTURES[run](snapshot)


GIF_SECONDS_PER_FRAME = 0.25


def timeline_gif(run: str, frames: Sequence[Any]) -> bytes:
    """An animated GIF of the run's pictures at its recorded frames (charts drawn by vl-convert, in
    a process of their own: see `export.in_own_process`)."""
    pictures = [picture(run, frame) for frame in frames]
    charts = [p for p in pictures if not isinstance(p, bytes)]
    drawn = iter(export.in_own_process(partial(export.chart_png, scale=1), charts) if charts else [])
    return export.gif([p if isinstance(p, bytes) else next(drawn) for p in pictures], GIF_SECONDS_PER_FRAME)
