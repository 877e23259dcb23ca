"""Integer allocation by the largest-remainder (Hamilton) method."""

from __future__ import annotations

import numpy as np


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split the whole number ``total`` in proportion to ``weights`` so the parts add up exactly.

    Parameters
    ----------
    total
        Non-negative whole number to split.
    weights
        Non-negative weights, not all zero.

    Returns
    -------
    numpy.ndarray
        Integer parts, ``parts.sum() == total``; ties in the remainders go to the earlier unit.
    """
    w = np.asarray(weights, dtype=float)
    if total < 0 or (w < 0).any() or w.sum() <= 0:
        msg = f"cannot allocate {total} over weights {w.tolist()}"
        raise ValueError(msg)
    quotas = total * w / w.sum()
    parts = np.floor(quotas).astype(np.int64)
    short = int(total - parts.sum())
    order = np.argsort(-(quotas - parts), kind="stable")
    parts[order[:short]] += 1
    return parts
