"""Progress inside a long stage (boundary files, figures, layers), for the command line's progress bar.

A stage calls :func:`tick` as it goes (``tick("maps", 12)`` or ``tick("boundaries", 40, 515)``); the
command line installs a reporter with :func:`reporting` that draws a bar on a terminal. Outside it
(the library, tests, notebooks) :func:`tick` does nothing, so stages stay pure.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

__all__ = ["Reporter", "reporting", "tick"]

#: ``reporter(stage, done, total)``: ``total`` is ``None`` when the stage does not know it in advance.
Reporter = Callable[[str, int, "int | None"], None]

_REPORTER: contextvars.ContextVar[Reporter | None] = contextvars.ContextVar("umkm_geo_progress", default=None)


@contextlib.contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    """Within the block, every :func:`tick` goes to ``reporter``."""
    token = _REPORTER.set(reporter)
    try:
        yield
    finally:
        _REPORTER.reset(token)


def tick(stage: str, done: int, total: int | None = None) -> None:
    """Report that ``stage`` has done ``done`` of ``total`` steps (a no-op without a reporter)."""
    reporter = _REPORTER.get()
    if reporter is not None:
        reporter(stage, done, total)
