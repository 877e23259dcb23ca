"""Shared helpers for checks and the messages they give."""

from __future__ import annotations

from collections.abc import Iterable


def listing(items: Iterable[object], *, limit: int = 10, sep: str = ", ") -> str:
    """``a, b, c and 12 more``: at most ``limit`` items of a message, then how many were left out.

    ``sep`` joins the items shown (``"; "`` where the items hold commas themselves).
    """
    values = [str(item) for item in items]
    shown = sep.join(values[:limit])
    return shown if len(values) <= limit else f"{shown} and {len(values) - limit} more"
