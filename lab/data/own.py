"""A student's own p_data: 2-D points from a CSV file or drawn as clusters, turned into a density.

The points x_1..x_n become p_data through a Gaussian kernel density estimate
    p_data(x) = (1/n) sum_i N(x; x_i, h^2 I),
h chosen by leave-one-out likelihood between H_MIN and Scott's rule (`bandwidth`). It is a
`GaussianMixture` with one component per point, so log_prob, sample and smoothed are exact,
as for every toy distribution.

Configs name their data by a string, so a point set gets a content-addressed name,
"own-<12 hex digits of sha256 of its float32 bytes>", that `toy.get` resolves:

    >>> name = register(parse_points(b"x,y\\n0,0\\n1,2\\n"))
    >>> name, toy.get(name).title
    ('own-3b6b2741aa76', 'Your data: 2 points (kernel density, h = 1)')

The server keeps the CAPACITY most recently registered sets, and any set whose distribution is
still held somewhere (a running trainer, a session's state), so a run never loses its data.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import weakref
from collections import OrderedDict

import numpy as np

from lab.data.mixture import GaussianMixture

MAX_BYTES = 2**20
"""Files larger than this are refused before they are decoded (10^7 rows never reach the parser)."""
MIN_POINTS, MAX_POINTS = 2, 2_000
"""A kernel density needs a spread, so two points at least. Every point is a kernel that the
playground evaluates exactly on its JSD grid (up to 220 x 220 cells): 2,000 points cost up to 4 s
(measured, one thread), once per data set, where 5,000 cost 7 s."""
H_MIN = 0.02
"""The narrowest kernel: the ring's std, the narrowest component of any toy distribution."""
BANDWIDTHS, CV_POINTS = 30, 1_000
"""`bandwidth`: candidate widths, and the points the leave-one-out likelihood is computed on."""
PLANE = 4.0
"""Points must lie in [-PLANE, PLANE]^2, the drawing canvas; `fit_to_plane` moves others there."""
FIT_HALF, MIN_SPREAD = 2.5, 0.5
"""`fit_to_plane`: the half-width of the box points are scaled into, and the smallest spread kept as is."""
MIN_SIDE = 0.1
"""`cluster`: a brushed rectangle narrower than this is widened to it about its centre."""
PREFIX = "own-"  # the names of a student's own points start with this
CAPACITY = 64

_LOCK = threading.Lock()
_RECENT: OrderedDict[str, np.ndarray] = OrderedDict()  # name -> read-only points, most recent last
_IN_USE: weakref.WeakValueDictionary[str, GaussianMixture] = weakref.WeakValueDictionary()

_SEPARATOR = re.compile(r"\s*[,;\t]\s*|\s+")


def parse_points(raw: bytes) -> np.ndarray:
    """The points of a CSV file's bytes as an (n, 2) float64 array, or ValueError saying what is wrong.

    A file holds one point per line, its two coordinates separated by a comma (or a semicolon, a
    tab or spaces). A first line without any number ("x,y") is a header; blank lines and lines
    starting with # are skipped. Refused: more than MAX_BYTES (checked first), binary data, no
    points, a line without exactly two columns, a cell that is not a finite number, fewer than
    MIN_POINTS or more than MAX_POINTS points, all points the same. Messages name the line, never
    echo the file's content.
    """
    if len(raw) > MAX_BYTES:
        raise ValueError(
            f"The file is too large ({len(raw) / 2**20:.1f} MB): files up to {MAX_BYTES / 2**20:g} MB "
            f"(at most {MAX_POINTS:,} points) are read."
        )
    if b"\x00" in raw:
        raise ValueError("This is not a text file: a CSV of points is plain text, one point x,y per line.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            "The file is not UTF-8 text: save it as CSV (UTF-8), one point x,y per line."
        ) from None
    stripped = (line.strip() for line in text.splitlines())
    lines = [(number, line) for number, line in enumerate(stripped, start=1) if line and line[0] != "#"]
    if not lines:
        raise ValueError("The file is empty: it holds no points (one point x,y per line).")
    if not any(_is_number(cell) for cell in _cells(lines[0][1])):  # a header such as x,y
        _check_columns(lines[0][0], _cells(lines[0][1]))
        lines = lines[1:]
        if not lines:
            raise ValueError("The file has a header but no points below it.")
    if len(lines) > MAX_POINTS:
        raise ValueError(
            f"The file has {len(lines):,} points: at most {MAX_POINTS:,} are used. Take a sample."
        )
    points = np.empty((len(lines), 2))
    for i, (number, line) in enumerate(lines):
        cells = _cells(line)
        _check_columns(number, cells)
        for j, cell in enumerate(cells):
            points[i, j] = _coordinate(cell, number, j + 1)
    _check_spread(points)
    return points


def _cells(line: str) -> list[str]:
    """A line's cells: split at commas, semicolons, tabs or spaces; quotes around a cell dropped."""
    return [cell.strip('"') for cell in _SEPARATOR.split(line)]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _check_columns(number: int, cells: list[str]) -> None:
    if len(cells) != 2:
        said = "1 column" if len(cells) == 1 else f"{len(cells)} columns"
        raise ValueError(
            f"Line {number} has {said}: every line needs exactly two columns, x and y (separated by a comma)."
        )


def _coordinate(cell: str, number: int, column: int) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(f"Line {number}, column {column} is not a number.") from None
    if math.isnan(value):
        raise ValueError(f"Line {number}, column {column} is NaN: every coordinate must be a finite number.")
    if math.isinf(value):
        raise ValueError(
            f"Line {number}, column {column} is infinite: every coordinate must be a finite number."
        )
    return value


def _check_spread(points: np.ndarray) -> None:
    """Enough points, and not all the same (the kernel's width would be 0)."""
    if len(points) < MIN_POINTS:
        said = "no points" if len(points) == 0 else "only 1 point"
        raise ValueError(f"There is {said}: a kernel density needs at least {MIN_POINTS} different points.")
    if np.ptp(points, axis=0).max() == 0:
        raise ValueError(
            "All the points are the same point: a kernel density needs a spread (its width would be 0)."
        )


def check_points(points: np.ndarray) -> np.ndarray:
    """`points` as an (n, 2) float64 array, if they can be p_data: finite, MIN_POINTS to MAX_POINTS
    of them, not all the same, inside [-PLANE, PLANE]^2; ValueError otherwise."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), not {points.shape}")
    if not np.isfinite(points).all():
        raise ValueError("every coordinate must be a finite number")
    if len(points) > MAX_POINTS:
        raise ValueError(f"{len(points):,} points: at most {MAX_POINTS:,} are used.")
    _check_spread(points)
    if np.abs(points).max() > PLANE:
        raise ValueError(f"points must lie in [-{PLANE:g}, {PLANE:g}]²: see fit_to_plane")
    return points


def fit_to_plane(points: np.ndarray) -> tuple[np.ndarray, str]:
    """(points, note): points inside [-PLANE, PLANE]^2 that spread over at least MIN_SPREAD are kept
    as they are (note ""). Others are moved and scaled by one factor for both axes (the shape is
    kept): x' = (x - c) s, with c the centre of their bounding box and s such that the box's longer
    side becomes 2 FIT_HALF; the note says so."""
    points = np.asarray(points, dtype=np.float64)
    lo, hi = points.min(axis=0), points.max(axis=0)
    if np.abs(points).max() <= PLANE and (hi - lo).max() >= MIN_SPREAD:
        return points, ""
    centre, half = (lo + hi) / 2, float((hi - lo).max()) / 2
    scale = FIT_HALF / half if half > 0 else math.inf
    with np.errstate(over="ignore", invalid="ignore"):
        fitted = (points - centre) * scale
    if not np.isfinite(fitted).all():
        raise ValueError("All the points are (almost) the same point: a kernel density needs a spread.")
    note = (
        f"Your points were moved and scaled to fit the lab's plane: x' = (x − ({centre[0]:.3g}, "
        f"{centre[1]:.3g})) × {scale:.3g}."
    )
    return fitted, note


def scott(points: np.ndarray) -> float:
    """Scott's rule in 2-D, h_S = sigma_hat n^(-1/6), sigma_hat^2 the mean of the two coordinates'
    variances (ddof 1): the best width for one Gaussian blob, far too wide for separate clusters."""
    points = np.asarray(points, dtype=np.float64)
    return math.sqrt(float(points.var(axis=0, ddof=1).mean())) * len(points) ** (-1 / 6)


def bandwidth(points: np.ndarray) -> float:
    """The kernel width h: of BANDWIDTHS values log-spaced from H_MIN to Scott's rule h_S (at least
    H_MIN), the one that maximises the leave-one-out log-likelihood
        L(h) = mean_i log p_h^(-i)(x_i),   p_h^(-i) the kernel density of the points other than x_i
    and its copies (a copy at distance 0 would drive h to 0), on a fixed subsample of CV_POINTS
    points when there are more. Clusters then keep their own width instead of being blurred into
    each other, and one round blob gets about Scott's h."""
    points = np.asarray(points, dtype=np.float64)
    top = max(scott(points), H_MIN)
    if len(points) > CV_POINTS:
        points = points[np.random.default_rng(0).choice(len(points), CV_POINTS, replace=False)]
    sq = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=-1)
    others = sq > 0
    rows = others.any(axis=1)  # points with some other point to be estimated from
    sq, others = sq[rows], others[rows]
    log_count = np.log(others.sum(axis=1))
    nearest = np.where(others, sq, np.inf).min(axis=1, keepdims=True)  # log-sum-exp without overflow
    excess = np.where(others, sq - nearest, np.inf)

    def loo(h: float) -> float:
        log_sum = -0.5 * nearest[:, 0] / h**2 + np.log(np.exp(-0.5 * excess / h**2).sum(axis=1))
        return float(np.mean(log_sum - log_count - np.log(2 * math.pi * h**2)))

    return max(np.geomspace(H_MIN, top, BANDWIDTHS), key=loo) if top > H_MIN else H_MIN


def kernel_density(points: np.ndarray, name: str = "own") -> GaussianMixture:
    """p_data(x) = (1/n) sum_i N(x; x_i, h^2 I) with h = `bandwidth(points)`: a mixture of one
    Gaussian per point, without modes (like the moons), shown over [-extent, extent]^2 with extent
    the largest |coordinate| plus min(3h, 1.5), rounded up to a half, at least 1.5."""
    points = check_points(points)
    n, h = len(points), bandwidth(points)
    extent = max(1.5, math.ceil(2 * (float(np.abs(points).max()) + min(3 * h, 1.5))) / 2)
    return GaussianMixture(
        name=name,
        title=f"Your data: {n:,} points (kernel density, h = {h:.2g})",
        means=np.array(points),
        stds=np.full(n, h),
        weights=np.full(n, 1.0 / n),
        has_modes=False,
        extent=extent,
    )


def describe(name: str) -> str:
    """What the page says about own data: p_data is a kernel density estimate, and its h."""
    dist = distribution(name)
    return (
        f"p_data is a kernel density estimate of your {len(dist.means):,} points, (1/n) Σᵢ N(x; xᵢ, h²I) "
        f"with h = {dist.std:.2g}: the width that best predicts each point from the others (Scott's rule "
        f"would give {max(scott(dist.means), H_MIN):.2g})."
    )


def cluster(x0: float, x1: float, y0: float, y1: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points of a Gaussian cluster filling the rectangle [x0, x1] x [y0, y1] (clipped to the
    plane [-PLANE, PLANE]^2, each side widened to at least MIN_SIDE about its centre): centred at
    the rectangle's middle, std a quarter of each side, truncated to the rectangle (at 2 std), so
    every point lies inside it. (n, 2) float64."""
    box = []
    for a, b in ((x0, x1), (y0, y1)):
        a, b = sorted((float(np.clip(a, -PLANE, PLANE)), float(np.clip(b, -PLANE, PLANE))))
        middle, half = (a + b) / 2, max(b - a, MIN_SIDE) / 2
        middle = float(np.clip(middle, -PLANE + half, PLANE - half))
        box.append((middle - half, middle + half))
    lo, hi = np.array([box[0][0], box[1][0]]), np.array([box[0][1], box[1][1]])
    centre, std = (lo + hi) / 2, (hi - lo) / 4
    kept = np.empty((0, 2))
    while len(kept) < n:  # rejection: about 9 in 10 draws land inside
        draws = centre + std * rng.standard_normal((n, 2))
        kept = np.concatenate([kept, draws[((draws >= lo) & (draws <= hi)).all(axis=1)]])
    return kept[:n]


def is_own(name: str) -> bool:
    """True for the names `register` gives."""
    return name.startswith(PREFIX)


def name_of(points: np.ndarray) -> str:
    """ "own-" and the first 12 hex digits of the sha256 of the points' float32 bytes."""
    data = np.ascontiguousarray(points, dtype=np.float32)
    return PREFIX + hashlib.sha256(data.tobytes()).hexdigest()[:12]


def register(points: np.ndarray) -> str:
    """Keep `points` (rounded to float32, so the name says exactly what is stored) on the server
    and return the name that `toy.get` resolves; the same points always get the same name."""
    points = check_points(np.asarray(points, dtype=np.float32).astype(np.float64))
    name = name_of(points)
    points.setflags(write=False)
    with _LOCK:
        if name not in _RECENT:
            _RECENT[name] = points
        _RECENT.move_to_end(name)
        while len(_RECENT) > CAPACITY:
            _RECENT.popitem(last=False)
    return name


def distribution(name: str) -> GaussianMixture:
    """The kernel density of the points registered as `name` (one shared object while it is held)."""
    with _LOCK:
        dist, points = _IN_USE.get(name), _RECENT.get(name)
        if name in _RECENT:
            _RECENT.move_to_end(name)
    if dist is not None:
        return dist
    if points is None:
        raise ValueError("This drawn or uploaded data is no longer on the server: upload it again.")
    built = kernel_density(points, name)  # outside the lock: choosing h takes up to a few tenths of a second
    with _LOCK:
        dist = _IN_USE.get(name)  # another thread may have built it meanwhile: keep one object
        if dist is None:
            dist = _IN_USE[name] = built
    return dist


def points_of(name: str) -> np.ndarray:
    """A copy of the points registered as `name` (what a saved run stores to rebuild its data)."""
    return np.array(distribution(name).means)
