"""National kecamatan run: load all 38 province files, weights, global and local statistics, tables.

Target (issue 3): under 60 s on 2 cores. No national UMKM counts exist, so the analysed variable is
a real attribute of the boundaries themselves, the log of each kecamatan's area (km², equal-area
projection); it stands in for an indicator and says nothing about UMKM.

Run: ``UMKM_GEO_MIRROR=... python benchmarks/bench_national.py``
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd


def main() -> int:
    timings: dict[str, float] = {}
    start = time.perf_counter()

    def lap(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = now - t0
        return now

    t = time.perf_counter()
    from umkm_geo.indicators.core import area_km2
    from umkm_geo.sources.boundaries import load_kecamatan
    from umkm_geo.stats.autocorrelation.global_ import geary, global_moran
    from umkm_geo.stats.autocorrelation.local import local_geary, local_gi_star, local_moran
    from umkm_geo.stats.inequality.indices import gini
    from umkm_geo.stats.inequality.spatial_gini import spatial_gini
    from umkm_geo.weights.build import build_weights

    t = lap("import", t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boundaries = load_kecamatan("all")
    frame = boundaries.frame
    t = lap("load (38 province files)", t)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        weights = build_weights(frame, method=boundaries.topology["weights_hint"])
    t = lap(f"weights ({weights.method}, {weights.tolerance_m} m)", t)
    y = np.log(area_km2(frame)).rename("log_area_km2")
    moran = global_moran(y, weights.graph, permutations=999, seed=1)
    geary(y, weights.graph, permutations=999, seed=1)
    t = lap("global Moran + Geary (999)", t)
    local = {
        "lisa": local_moran(y, weights.graph, permutations=999, seed=1),
        "gi_star": local_gi_star(y - y.min(), weights.graph, permutations=999, seed=1),
        "local_geary": local_geary(y, weights.graph, permutations=999, seed=1),
    }
    t = lap("LISA + Gi* + local Geary (999)", t)
    gini(np.exp(y))
    spatial_gini(np.exp(y), weights.graph, permutations=999, seed=1)
    t = lap("Gini + spatial Gini (999)", t)
    with tempfile.TemporaryDirectory() as tmp:
        for name, result in local.items():
            frame[["nama", "kab_nama"]].join(result.frame()).to_csv(Path(tmp) / f"{name}.csv")
        pd.concat([moran.table(), weights.table()]).to_csv(Path(tmp) / "global.csv")
    lap("tables", t)
    total = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"national kecamatan run: {len(frame)} kecamatan, {len(weights.islands)} islands (kept, not tested), "
        f"mean {weights.mean_neighbours:.2f} neighbours, {len(caught)} warning(s)"
    )
    print(f"{'stage':<40} {'seconds':>8}")
    for name, seconds in timings.items():
        print(f"{name:<40} {seconds:8.2f}")
    print(f"{'total':<40} {total:8.2f}   (target < 60 s)")
    print(f"peak RSS {rss:.0f} MiB; Moran's I of log area = {moran.I:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
