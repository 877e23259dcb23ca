"""The NumPy engine of :func:`umkm_geo.stats.permutation.conditional_permutation`: the fallback without C.

It runs when the compiled engine (:mod:`umkm_geo.stats._crand`) was not built at install time, or
on request (``engine="numpy"``): the same counts, mean and standard deviation per unit, from one
``numpy.random.default_rng(seed)`` shared by all units (so a different random stream than the
compiled engine's, with the same distribution), units processed in groups of equal neighbour count,
single-threaded. The arguments are those of the compiled engine, already checked.
"""

from __future__ import annotations

import numpy as np

_NUMPY_BATCH = 1 << 21  # draws held at once by the NumPy fallback


def _draw_small_k(rng: np.random.Generator, others: int, shape: tuple[int, int, int]) -> np.ndarray:
    """Draw ``shape[-1]`` distinct integers in ``[0, others)`` per row by redrawing rows with duplicates."""
    draws = rng.integers(0, others, size=shape)
    rows = draws.reshape(-1, shape[-1])
    todo = np.arange(len(rows))
    while len(todo):
        ordered = np.sort(rows[todo], axis=1)
        todo = todo[(ordered[:, 1:] == ordered[:, :-1]).any(axis=1)]
        rows[todo] = rng.integers(0, others, size=(len(todo), shape[-1]))
    return draws


def _run_numpy(indptr, weights, observed, x1, a, x2, b, c, k, permutations, seed, n_threads):
    n = len(observed)
    r = permutations
    rng = np.random.default_rng(seed)
    n_ge = np.full(n, -1, dtype=np.int64)
    n_le = np.full(n, -1, dtype=np.int64)
    s1 = np.zeros(n)
    s2 = np.zeros(n)
    tol = 1e-12 * np.maximum(1.0, np.abs(observed))
    c = np.zeros(n) if c is None else c
    n_ge[k > 0] = 0
    n_le[k > 0] = 0
    for kv in np.unique(k[k > 0]).tolist():
        units = np.flatnonzero(k == kv)
        small = kv <= 32 and 4 * kv <= n - 1
        width = kv if small else n - 1
        unit_batch = max(1, _NUMPY_BATCH // (r * width))
        perm_batch = r if unit_batch > 1 else max(1, min(r, _NUMPY_BATCH // width))
        for start in range(0, len(units), unit_batch):
            batch = units[start : start + unit_batch]
            w = weights[indptr[batch][:, None] + np.arange(kv)]  # (m, k)
            for first in range(0, r, perm_batch):
                shape = (len(batch), min(perm_batch, r - first), kv)
                if small:
                    draws = _draw_small_k(rng, n - 1, shape)
                else:
                    keys = rng.random((*shape[:2], n - 1))
                    draws = np.argsort(keys, axis=-1)[..., :kv]
                draws += draws >= batch[:, None, None]  # skip the unit itself
                sim = a[batch][:, None] * np.einsum("mrk,mk->mr", x1[draws], w) + c[batch][:, None]
                if x2 is not None:
                    sim += b[batch][:, None] * np.einsum("mrk,mk->mr", x2[draws], w)
                obs = observed[batch][:, None]
                n_ge[batch] += (sim >= obs - tol[batch][:, None]).sum(axis=1)
                n_le[batch] += (sim <= obs + tol[batch][:, None]).sum(axis=1)
                dev = sim - obs
                s1[batch] += dev.sum(axis=1)
                s2[batch] += (dev**2).sum(axis=1)
    with np.errstate(invalid="ignore"):
        m1 = s1 / r
        mean = np.where(k > 0, observed + m1, np.nan)
        sd = np.where(k > 0, np.sqrt(np.maximum(s2 / r - m1**2, 0.0)), np.nan)
    return n_ge, n_le, mean, sd, 1
