"""Synthetic tessellations for benchmarks: Voronoi cells of jittered grid points, with a value.

``tessellation(n, seed)`` returns ``n`` polygons of about 25 km^2 each (kecamatan-sized) in a
square in UTM zone 49S, indexed by a string id, with a column ``y`` that has spatial structure
(a gradient, a few smooth bumps and noise). Results are cached as GeoParquet in
``benchmarks/.cache/`` (gitignored), so repeated benchmark runs and fresh subprocesses load them
in well under a second.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

CACHE = Path(__file__).resolve().parent / ".cache"
CELL_SIDE_M = 5_000.0
CRS = "EPSG:32749"


def cache_path(n: int, seed: int = 0) -> Path:
    """Where :func:`tessellation` caches ``(n, seed)``."""
    return CACHE / (f"tess_{n}.parquet" if seed == 0 else f"tess_{n}_seed{seed}.parquet")


def _build(n: int, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    # jittered grid: one point per cell of a side x side grid, keep n of them at random
    cols, rows = np.meshgrid(np.arange(side), np.arange(side))
    grid = np.column_stack([cols.ravel(), rows.ravel()]).astype(float)
    grid = grid[np.sort(rng.choice(len(grid), size=n, replace=False))]
    points = (grid + rng.uniform(0.05, 0.95, size=grid.shape)) * CELL_SIDE_M
    extent = shapely.box(0.0, 0.0, side * CELL_SIDE_M, side * CELL_SIDE_M)
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=extent, ordered=True)
    cells = shapely.intersection(shapely.get_parts(cells), extent)
    # value: west-east gradient + three smooth bumps + noise (unit free)
    u = points / (side * CELL_SIDE_M)
    bumps = sum(
        amp * np.exp(-((u[:, 0] - cx) ** 2 + (u[:, 1] - cy) ** 2) / (2 * width**2))
        for amp, cx, cy, width in ((3.0, 0.3, 0.7, 0.08), (2.0, 0.75, 0.25, 0.12), (-2.0, 0.6, 0.65, 0.05))
    )
    y = 1.5 * u[:, 0] + bumps + rng.normal(0.0, 0.6, size=n)
    index = [f"T{i:06d}" for i in range(n)]
    return gpd.GeoDataFrame({"y": y}, geometry=cells, crs=CRS, index=index).rename_axis("id")


def tessellation(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """Return ``n`` Voronoi polygons with a spatially structured value ``y`` (cached).

    Parameters
    ----------
    n
        Number of polygons.
    seed
        Seed of the points and of the noise in ``y``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by a string id (``"T000000"``, ...), columns ``y`` and ``geometry``, CRS
        EPSG:32749 (metres).
    """
    path = cache_path(n, seed)
    if path.exists():
        return gpd.read_parquet(path)
    frame = _build(n, seed)
    CACHE.mkdir(parents=True, exist_ok=True)
    # write to a temporary file and rename, so that parallel runs never read half a file
    handle, tmp = tempfile.mkstemp(dir=CACHE, suffix=".parquet.tmp")
    os.close(handle)
    frame.to_parquet(tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return frame
