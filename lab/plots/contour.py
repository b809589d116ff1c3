"""The level set {x : f(x) = level} of a function sampled on a grid, by marching squares."""

from __future__ import annotations

import numpy as np


def contour_segments(values: np.ndarray, axis: np.ndarray, level: float) -> np.ndarray:
    """Line segments (x1, y1, x2, y2) tracing values == level; values[i, j] sits at (axis[j], axis[i]).

    Each grid square whose corners straddle `level` contributes the segment joining the
    linearly interpolated crossings on its edges (two segments at a saddle).
    """
    v = np.asarray(values, dtype=np.float64) - level
    above = v > 0

    def crossing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = a / (a - b)
        return np.clip(np.nan_to_num(t, nan=0.5), 0.0, 1.0)

    x0, x1 = axis[:-1][None, :], axis[1:][None, :]
    y0, y1 = axis[:-1][:, None], axis[1:][:, None]
    bl, br, tl, tr = v[:-1, :-1], v[:-1, 1:], v[1:, :-1], v[1:, 1:]
    shape = bl.shape
    # The four edges of every square: bottom, right, top, left, each with its crossing point.
    edges = [
        (above[:-1, :-1] != above[:-1, 1:], x0 + crossing(bl, br) * (x1 - x0), np.broadcast_to(y0, shape)),
        (above[:-1, 1:] != above[1:, 1:], np.broadcast_to(x1, shape), y0 + crossing(br, tr) * (y1 - y0)),
        (above[1:, :-1] != above[1:, 1:], x0 + crossing(tl, tr) * (x1 - x0), np.broadcast_to(y1, shape)),
        (above[:-1, :-1] != above[1:, :-1], np.broadcast_to(x0, shape), y0 + crossing(bl, tl) * (y1 - y0)),
    ]
    hit = np.stack([e[0] for e in edges], axis=-1)  # (rows, cols, 4)
    px = np.stack([np.broadcast_to(e[1], shape) for e in edges], axis=-1)
    py = np.stack([np.broadcast_to(e[2], shape) for e in edges], axis=-1)
    segments = []
    count = hit.sum(axis=-1)
    for wanted, pairs in ((2, None), (4, [(0, 1), (2, 3)])):
        rows, cols = np.nonzero(count == wanted)
        if len(rows) == 0:
            continue
        if pairs is None:
            idx = np.argsort(~hit[rows, cols], axis=-1, kind="stable")[:, :2]
            pairs_idx = [(idx[:, 0], idx[:, 1])]
        else:
            pairs_idx = [(np.full(len(rows), a), np.full(len(rows), b)) for a, b in pairs]
        for a, b in pairs_idx:
            segments.append(
                np.stack(
                    [px[rows, cols, a], py[rows, cols, a], px[rows, cols, b], py[rows, cols, b]],
                    axis=1,
                )
            )
    if not segments:
        return np.zeros((0, 4))
    return np.concatenate(segments)
