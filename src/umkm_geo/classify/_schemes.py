"""The upper class bounds of each classification scheme, as mapclassify computes them, in numpy.

mapclassify (2.x) is what GeoDa users and geopandas' ``plot(scheme=...)`` get, so a class bound here is
the same number as there, to the last bit: ``tests/test_classification.py`` compares every scheme with
mapclassify on random, tied and skewed data. Two things made it worth writing again:

- importing mapclassify takes about a second (it loads scipy.stats and scikit-learn), a fifth of a
  warm Blitar run;
- its Fisher-Jenks is the original double loop in pure Python without numba: 3 s at 1,000 values.
  :func:`natural_breaks` runs the same recurrence with the inner loop as float32 vector operations
  (the same sums in the same order, so the same rounding and the same choice between equal splits),
  in about 30 ms at 1,000 values.
"""

from __future__ import annotations

import numpy as np

__all__ = ["box_plot", "equal_interval", "natural_breaks", "quantiles", "score_at_percentile"]


def score_at_percentile(ordered: np.ndarray, pct: float) -> float:
    """``scipy.stats.scoreatpercentile`` of sorted values (linear interpolation, the same arithmetic)."""
    idx = pct / 100.0 * (len(ordered) - 1)
    i = int(idx)
    if i == idx:
        return float(ordered[i])
    weights = np.array([(i + 1) - idx, idx - i], dtype=float)
    return float(np.add.reduce(ordered[i : i + 2] * weights) / weights.sum())


def quantiles(y: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` quantile classes (ties collapse them: fewer bounds), as ``mapclassify.Quantiles``."""
    ordered = np.sort(np.asarray(y, dtype=float))
    w = 100.0 / k
    pcts = np.arange(w, 100 + w, w)
    if pcts[-1] > 100.0:
        pcts[-1] = 100.0
    return np.unique([score_at_percentile(ordered, p) for p in pcts])


def equal_interval(y: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` classes of equal width, as ``mapclassify.EqualInterval``."""
    values = np.asarray(y, dtype=float)
    top, bottom = max(values), min(values)
    width = (top - bottom) * 1.0 / k
    cuts = np.arange(bottom + width, top + width, width)
    if len(cuts) > k:  # arange overshoots by one when the width does not divide exactly
        cuts = cuts[:k]
    cuts[-1] = top
    return cuts.copy()


def box_plot(y: np.ndarray, hinge: float = 1.5) -> np.ndarray:
    """Upper bounds of the box map's classes (fences at ``hinge`` IQR), as ``mapclassify.BoxPlot``."""
    ordered = np.sort(np.asarray(y, dtype=float))
    bins = [score_at_percentile(ordered, p) for p in (25, 50, 75, 100)]
    pivot = hinge * (bins[-2] - bins[0])
    left, right = bins[0] - pivot, bins[-2] + pivot
    if right < bins[-1]:
        bins.insert(-1, right)
    else:
        bins[-1] = right
    bins.insert(0, left)
    return np.array(bins)


def natural_breaks(y: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of Jenks' natural breaks in ``k`` classes, as ``mapclassify.FisherJenks``.

    The recurrence of Jenks' algorithm: ``cost[l, j]`` is the least within-class sum of squares of
    the first ``l`` sorted values in ``j`` classes, over the first value ``i3`` of the last class. The
    sums of the last class are accumulated in float32 from value ``l`` backwards, as mapclassify's loop
    does; of equal costs the last one tried (the longest last class) is kept, as its ``>=`` keeps it.
    """
    values = np.sort(np.asarray(y, dtype=float))
    n = len(values)
    as32 = values.astype(np.float32)
    lower = np.zeros((n + 1, k + 1), dtype=np.int64)  # mapclassify's mat1: first value of the last class
    cost = np.zeros((n + 1, k + 1), dtype=np.float32)  # mat2
    lower[1, 1:] = 1
    cost[2:, 1:] = np.inf
    for last in range(2, n + 1):
        backwards = as32[last - 1 :: -1]  # value l, l-1, ..., 1: m = 1..l values in the last class
        s1 = np.cumsum(backwards, dtype=np.float32)
        s2 = np.cumsum(backwards * backwards, dtype=np.float32)
        w = np.arange(1, last + 1, dtype=np.float32)
        v = s2 - (s1 * s1) / w  # within sum of squares of the last m values
        if k >= 2:
            # m = 1 .. l-1 (the first l-m values in j-1 classes before them; i4 = l - m >= 1)
            before = cost[last - 1 : 0 : -1, 1:k]  # rows i4 = l-1 .. 1, columns j-1 = 1 .. k-1
            candidates = v[: last - 1, None] + before
            best = candidates.min(axis=0)
            # the last m (largest) reaching the minimum, as a sequential ">=" update keeps it
            m = (last - 1) - np.argmax((candidates == best)[::-1], axis=0)
            lower[last, 2:] = last - m + 1
            cost[last, 2:] = best
        lower[last, 1] = 1
        cost[last, 1] = v[-1]
    bounds = np.zeros(k + 1, dtype=values.dtype)
    bounds[k] = values[n - 1]
    bounds[0] = values[0]
    row = n
    for count in range(k, 1, -1):
        pivot = lower[row, count]
        bounds[count - 1] = values[int(pivot - 2)]
        row = int(pivot - 1)
    return np.delete(bounds, 0)
