"""The statistics: each function takes values and weights and returns a frozen result.

Package-level names are the few that the classify and render stages need from the inference
machinery (so that they never import a private module of this package); they load on first use,
so that reading the catalogue (:mod:`umkm_geo.stats.registry`) imports no numerical library.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["smallest_p"]


def __getattr__(name: str) -> Any:
    if name == "smallest_p":
        return importlib.import_module("umkm_geo.stats._inference").smallest_p
    msg = f"module 'umkm_geo.stats' has no attribute {name!r}"
    raise AttributeError(msg)
