"""Export: a chart as PNG or SVG, a run's metric history as CSV, a run's pictures over time as a GIF.

Pure functions from what the lab already has (a Vega-Lite spec, a trainer's `state_dict()`, PNG
bytes or RGB arrays) to the bytes or text of a file, ready for a download button.

Charts are drawn by vl-convert: the Vega and Vega-Lite JavaScript libraries run in an embedded
JavaScript engine and the resulting SVG is rasterised by resvg, all inside one Python package.
There is no browser to start and no screenshot to take, so an export looks the same on every
machine and needs nothing from the network: external data URLs are refused (`allowed_base_urls=[]`);
inline data, named datasets and `data:` image URLs (the lab's heat maps) are all a chart needs.

Fonts: vl-convert reads the system's fonts and bundles Liberation Sans. Liberation Sans has no
subscripts or ‖ and ∇, which the lab's titles use (x₁, ‖∇‖), so a chart that names no font is
drawn in FONT, DejaVu Sans (installed with Debian's fonts-dejavu-core), which has them all. Where
DejaVu Sans is missing, vl-convert falls back to Liberation Sans and those few characters show as
boxes; the SVG names "DejaVu Sans, sans-serif", so a browser opening it uses its own sans-serif.

Cost (bench/export.py): the playground's D(x) field, every layer, takes about a second or two to
PNG at scale 2 and a quarter of a second to SVG, and vl-convert holds the GIL meanwhile (training
threads wait): export on a click, never on every refresh.
"""

from __future__ import annotations

import csv
import io
import json
import math
import pickle
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import vl_convert
from altair.vegalite.v6.schema.core import load_schema
from PIL import Image, ImageOps, UnidentifiedImageError

FONT = "DejaVu Sans, sans-serif"
"""The font of an exported chart that names none: DejaVu Sans has every character the lab writes."""


_CHILD = "import pickle, sys; f, items = pickle.load(sys.stdin.buffer); pickle.dump([f(i) for i in items], sys.stdout.buffer)"


def in_own_process(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """`[function(item) for item in items]`, computed in a fresh Python process. vl-convert holds
    Python's GIL while it draws, so drawing in the server's process would stall every student's
    training thread; meanwhile the server only waits on a pipe. (`function` and the items must
    pickle. A plain `python -c` child, not multiprocessing: Streamlit runs the app as `__main__`,
    which multiprocessing's children would import and run again.)"""
    with _DRAWING:
        done = _run_child(function, items)
    if done.returncode != 0:
        raise RuntimeError(
            f"drawing in a child process failed: {done.stderr.decode(errors='replace')[-800:]}"
        )
    return pickle.loads(done.stdout)  # our own child's answer


_DRAWING = threading.BoundedSemaphore(2)
"""Drawing children at once, in the whole server (a class pressing Export together waits its turn)."""


def _run_child(function: Callable[[Any], Any], items: Sequence[Any]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=pickle.dumps((function, list(items))),
        capture_output=True,
        cwd=Path(__file__).resolve().parents[1],  # where `lab` is imported from
        timeout=600,
        check=False,
    )


def chart_png(spec: dict, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes, `scale` pixels per unit of the spec's width and height (2: sharp on
    a high-density screen or a slide). Raises ValueError if vl-convert cannot draw the spec."""
    if not scale > 0:
        raise ValueError(f"a PNG needs a positive scale, got {scale}")
    return _convert(vl_convert.vegalite_to_png, spec, scale=scale)


def chart_svg(spec: dict) -> str:
    """The chart as the text of an SVG file (vector: any size, editable). Raises ValueError if
    vl-convert cannot draw the spec."""
    return _convert(vl_convert.vegalite_to_svg, spec)


def _convert(convert: Callable[..., Any], spec: dict, **options: Any) -> Any:
    """Run one of vl-convert's Vega-Lite converters on `spec`, offline, with the lab's font."""
    spec = {**spec, "config": {"font": FONT, **spec.get("config", {})}}
    try:
        text = json.dumps(_plain(spec), allow_nan=False)
    except TypeError as error:
        raise ValueError(f"cannot export this chart: its spec is not plain JSON ({error})") from error
    try:
        return convert(text, vl_version=_vegalite_version(spec), allowed_base_urls=[], **options)
    except ValueError as error:  # vl-convert's message is a JavaScript error and its stack
        raise ValueError(f"cannot export this chart: {_reason(json.loads(text), error)}") from error


def _plain(node: Any) -> Any:
    """The spec as plain JSON values: DataFrames (named datasets) as lists of records, numpy values
    as Python ones, and NaN or infinity as null (a missing value to Vega-Lite, as in a browser)."""
    if isinstance(node, Mapping):
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_plain(value) for value in node]
    if isinstance(node, pd.DataFrame):
        return json.loads(node.to_json(orient="records", double_precision=15))
    if isinstance(node, np.ndarray | np.generic):
        return _plain(node.tolist())
    if isinstance(node, float) and not math.isfinite(node):
        return None
    return node


def _vegalite_version(spec: Mapping[str, Any]) -> str | None:
    """The Vega-Lite version the spec's `$schema` names (altair 6.3 writes v6.4.1), as vl-convert
    spells it ("v6.4"); the newest of the same major version vl-convert has if not that one; None
    (vl-convert's newest) without a `$schema`."""
    match = re.search(r"/vega-lite/v(\d+)(?:\.(\d+))?", str(spec.get("$schema", "")))
    if match is None:
        return None
    major, minor = match.groups()
    known = [v for v in vl_convert.get_vegalite_versions() if v.split(".")[0] == major]
    if f"{major}.{minor}" in known:
        return f"v{major}.{minor}"
    return f"v{max(known, key=lambda v: int(v.split('.')[1]))}" if known else None


def _reason(spec: dict, error: ValueError) -> str:
    """Why a spec could not be drawn: the part of it that breaks the Vega-Lite schema if there is
    one (vl-convert's own message is often a JavaScript TypeError), else vl-convert's message."""
    wrong = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(load_schema()).iter_errors(spec))
    if wrong is not None:
        where = "/".join(str(part) for part in wrong.absolute_path) or "the top level"
        return f"not valid Vega-Lite at {where}: {wrong.message}"
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:2])


def history_csv(state: Mapping[str, Any]) -> str:
    """Every metric history in a trainer's `state_dict()`, as the text of one wide CSV file.

    The histories are the `History.state_dict()` tables in the (nested) state: dicts of equal-length
    lists of numbers with a `step` column. Each table is named by where it sits in the state
    ("history", "evals", "runs.1.evals") and each of its columns becomes a column named as
    people write it (`header_name`: "run 1 · training · D loss", "evaluated · modes"). The file has one row
    per step at which any table has a row, sorted by step;
    a table without a row at that step leaves its cells empty, and so does a NaN. Numbers are
    written in full (repr: the shortest text that reads back as the same float), so that
    `pandas.read_csv` or `float(cell)` gives the very numbers the trainer holds. A table with two
    rows at one step is an error (ValueError)."""
    header = ["step"]
    rows: dict[float, dict[str, str]] = {}
    for name, table in _tables(state, ()):
        columns = [column for column in table if column != "step"]
        titles = [header_name(name, column) for column in columns]  # once per table, not per row
        header += titles
        for i, step in enumerate(table["step"]):
            row = rows.setdefault(step, {})
            if titles and titles[0] in row:
                raise ValueError(f"the history {name!r} has two rows at step {step}")
            row.update(
                {title: _cell(table[column][i]) for column, title in zip(columns, titles, strict=True)}
            )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for step in sorted(rows):
        writer.writerow([_cell(step)] + [rows[step].get(column, "") for column in header[1:]])
    return out.getvalue()


MEASURED_TABLES = ("evals", "scores", "gaps")


def key_numbers(state: Mapping[str, Any], most: int = 8) -> dict[str, float]:
    """A run's key numbers: the last value of each column of what it measures on its schedule
    (the tables named in MEASURED_TABLES; the training history where it measures nothing else),
    named as in `history_csv`'s header; NaN left out, at most `most`, shared evenly among the tables."""
    tables = [(name, table) for name, table in _tables(state, ()) if table["step"] and len(table) > 1]
    measured = [t for t in tables if t[0].split(".")[-1] in MEASURED_TABLES] or tables
    numbers: dict[str, float] = {}
    for name, table in measured:
        columns = [c for c in table if c != "step" and table[c][-1] == table[c][-1]]
        for column in columns[: max(1, most // len(measured))]:
            numbers[header_name(name, column)] = float(table[column][-1])
    return dict(list(numbers.items())[:most])


TABLE_WORDS = {"history": "training", "evals": "evaluated", "scores": "measured",
               "gaps": "gap", "runs": "run"}  # fmt: skip
COLUMN_WORDS = {"d_real": "D(x) on real", "d_fake": "D(G(z))", "d": "D", "g": "G", "kl": "KL", "jsd": "JSD",
                "elbo": "ELBO", "iwae": "IWAE", "mse": "MSE", "ll": "log-likelihood", "px": "p(x)",
                "recon": "reconstruction"}  # fmt: skip
"""Words for the parts of the state's names in a CSV header (the rest are English already)."""


def header_name(table: str, column: str) -> str:
    """A column's CSV header as people write it, from the table's path in the state and the
    column's name: ('runs.0.history', 'd_loss') is 'run 1 · training · D loss', ('runs.1.evals', 'jsd')
    is 'run 2 · evaluated · JSD'."""
    words: list[str] = []
    for part in table.split("."):
        if part.isdigit() and words:
            words[-1] += f" {int(part) + 1}"  # a list's first entry is number 1
        else:
            words.append(TABLE_WORDS.get(part, part.replace("_", " ")))
    title = COLUMN_WORDS.get(column) or " ".join(COLUMN_WORDS.get(w, w) for w in column.split("_"))
    return " · ".join([*words, title])


def _tables(node: Any, path: tuple[str, ...]) -> list[tuple[str, dict[str, list]]]:
    """The history tables in `node` (depth first, in the state's own order), each with its name:
    its path of keys and list indices joined by dots ("history" for a table given alone)."""
    if _is_table(node):
        return [(".".join(path) or "history", node)]
    if isinstance(node, Mapping):
        items = node.items()
    elif isinstance(node, list | tuple):
        items = enumerate(node)
    else:  # tensors, numbers, strings: no history inside
        return []
    return [table for key, value in items for table in _tables(value, (*path, str(key)))]


def _is_table(node: Any) -> bool:
    """A `History.state_dict()`: a dict with a `step` column whose values are lists of numbers, all
    of one length."""
    if not isinstance(node, Mapping) or not isinstance(node.get("step"), list):
        return False
    columns = list(node.values())
    return all(
        isinstance(column, list)
        and len(column) == len(node["step"])
        and all(isinstance(x, Real) for x in column)
        for column in columns
    )


def _cell(value: Real) -> str:
    """A number as a CSV cell: integers as integers, floats by repr (exact), NaN as empty."""
    if isinstance(value, Integral):
        return str(int(value))
    value = float(value)
    return "" if value != value else repr(value)


def gif(pictures: Sequence[bytes | np.ndarray], seconds_per_frame: float = 0.2, loop: bool = True) -> bytes:
    """An animated GIF showing `pictures` in order, each for `seconds_per_frame` (rounded to the
    GIF's unit, a hundredth of a second), over and over if `loop`, else once.

    A picture is PNG (or any Pillow-readable) bytes, or a uint8 array H x W x 3 (RGB), H x W x 4
    (RGBA) or H x W (grey). Transparency is laid on white. A picture of another size than the
    first is scaled to fit the first's size, keeping its proportions, and padded with white.
    GIF has 256 colours per frame, so colour gradients are quantised. Pillow merges a frame equal
    to the one before it into that one (same picture, twice as long).
    """
    if len(pictures) == 0:
        raise ValueError("a GIF needs at least one picture")
    hundredths = round(seconds_per_frame * 100)
    if hundredths < 2:  # browsers show 0 and 1 hundredths as 10
        raise ValueError(f"a GIF frame lasts at least 0.02 s, got {seconds_per_frame}")
    frames = [_rgb_image(picture, i) for i, picture in enumerate(pictures)]
    size = frames[0].size
    frames = [frame if frame.size == size else ImageOps.pad(frame, size, color="white") for frame in frames]
    out = io.BytesIO()
    looping = {"loop": 0} if loop else {}  # 0: forever; no loop extension: once
    frames[0].save(
        out, format="GIF", save_all=True, append_images=frames[1:], duration=10 * hundredths, **looping
    )
    return out.getvalue()


def _rgb_image(picture: bytes | np.ndarray, index: int) -> Image.Image:
    """One picture of `gif` as an RGB image, transparency laid on white."""
    if isinstance(picture, bytes | bytearray):
        try:
            image = Image.open(io.BytesIO(picture))
            image.load()
        except (UnidentifiedImageError, OSError) as error:
            raise ValueError(f"picture {index} is not an image Pillow can read ({error})") from error
    elif isinstance(picture, np.ndarray):
        shape_ok = picture.ndim == 2 or (picture.ndim == 3 and picture.shape[2] in (3, 4))
        if picture.dtype != np.uint8 or not shape_ok:
            raise ValueError(
                f"picture {index}: an array must be uint8 H x W x 3, H x W x 4 or H x W, "
                f"got {picture.dtype} {picture.shape}"
            )
        image = Image.fromarray(picture)
    else:
        raise ValueError(f"picture {index} is a {type(picture).__name__}, not PNG bytes or an array")
    if image.mode != "RGB":
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image.convert("RGBA"))
    return image.convert("RGB")
