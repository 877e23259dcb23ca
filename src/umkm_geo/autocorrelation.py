"""Former home of global Moran's I, kept so that existing imports keep working.

Global Moran's I now lives in :mod:`umkm_geo.global_stats` (with Geary's C and General G), the
p-value definitions and multiple-testing corrections in :mod:`umkm_geo._inference`, and the local
statistics in :mod:`umkm_geo.local_stats`. New code should import from those modules.
"""

from __future__ import annotations

from umkm_geo._inference import CORRECTIONS, P_VALUE_DEFINITIONS
from umkm_geo.global_stats import GlobalMoranResult, global_moran

__all__ = [
    "CORRECTIONS",
    "P_VALUE_DEFINITIONS",
    "GlobalMoranResult",
    "global_moran",
]
