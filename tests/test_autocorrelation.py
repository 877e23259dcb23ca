"""umkm_geo.autocorrelation is a facade: the old import path gives the same objects as the new one.

The statistics themselves are tested in test_global_stats.py (global Moran's I) and
test_local_stats.py (local statistics).
"""

import importlib

import umkm_geo._inference
import umkm_geo.global_stats


def test_old_import_path_gives_the_same_objects():
    from umkm_geo.autocorrelation import CORRECTIONS, P_VALUE_DEFINITIONS, GlobalMoranResult, global_moran

    assert global_moran is umkm_geo.global_stats.global_moran
    assert GlobalMoranResult is umkm_geo.global_stats.GlobalMoranResult
    assert P_VALUE_DEFINITIONS is umkm_geo._inference.P_VALUE_DEFINITIONS
    assert CORRECTIONS is umkm_geo._inference.CORRECTIONS


def test_facade_exports_exactly_the_old_global_names():
    module = importlib.import_module("umkm_geo.autocorrelation")
    assert sorted(module.__all__) == ["CORRECTIONS", "GlobalMoranResult", "P_VALUE_DEFINITIONS", "global_moran"]
    assert all(hasattr(module, name) for name in module.__all__)
