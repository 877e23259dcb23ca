"""Shared helpers for checks and the messages they give."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def listing(items: Iterable[object], *, limit: int = 10, sep: str = ", ") -> str:
    """``a, b, c and 12 more``: at most ``limit`` items of a message, then how many were left out.

    ``sep`` joins the items shown (``"; "`` where the items hold commas themselves).
    """
    values = [str(item) for item in items]
    shown = sep.join(values[:limit])
    return shown if len(values) <= limit else f"{shown} and {len(values) - limit} more"


def repeated(values: pd.Index | pd.Series) -> list[str]:
    """The values that appear more than once in ``values``, as sorted text (empty when all are unique)."""
    index = pd.Index(values)
    if index.is_unique:  # cached by pandas: the common case costs nothing
        return []
    return sorted(map(str, set(index[index.duplicated()])))
