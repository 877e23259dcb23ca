"""Print the wall time of queen and rook contiguity: libpysal versus umkm_geo.weights._contiguity.

Run with ``python benchmarks/bench_weights.py``. On Voronoi tessellations of 1,000, 10,000 and
80,000 cells it prints the median of three runs of ``Graph.build_contiguity`` (libpysal's
vertex-set method) and of :func:`umkm_geo.weights._contiguity.contiguity_graph`, checks that both give
identical graphs, and times the whole :func:`umkm_geo.weights.build.build_weights` (queen,
row-standardised, with its summary). Figures are printed, never asserted.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from libpysal.graph import Graph

from umkm_geo.weights._contiguity import contiguity_graph
from umkm_geo.weights.build import build_weights

SIZES = (1_000, 10_000, 80_000)
REPEATS = 3


def voronoi_cells(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """Voronoi cells of ``n`` seeded random points in a square of ``sqrt(n)`` km (about 1 km² each)."""
    rng = np.random.default_rng(seed)
    side = np.sqrt(n) * 1000.0
    origin = np.array([600_000.0, 9_000_000.0])  # UTM 49S, near Blitar
    points = rng.uniform(0.0, side, size=(n, 2)) + origin
    box = shapely.box(*origin, *(origin + side))
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points))), box)
    index = pd.Index([f"{i:06d}" for i in range(len(cells))], name="kode")
    return gpd.GeoDataFrame(geometry=cells, crs="EPSG:32749", index=index)


def median_time(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Median wall time of ``REPEATS`` calls of ``func(*args, **kwargs)``, and the result of the last one."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    print(f"{'cells':>7} {'rule':<6} {'libpysal s':>10} {'ours s':>8} {'speed-up':>8}  identical  build_weights s")
    for n in SIZES:
        frame = voronoi_cells(n)
        for rook in (False, True):
            rule = "rook" if rook else "queen"
            theirs_s, theirs = median_time(Graph.build_contiguity, frame, rook=rook)
            ours_s, ours = median_time(contiguity_graph, frame.geometry.array, frame.index, rook=rook)
            identical = ours.adjacency.equals(theirs.adjacency)
            whole_s, _ = median_time(build_weights, frame, method=rule)
            print(
                f"{n:>7} {rule:<6} {theirs_s:>10.3f} {ours_s:>8.3f} {theirs_s / ours_s:>8.1f}  "
                f"{identical!s:<9}  {whole_s:.3f}"
            )


if __name__ == "__main__":
    main()
