"""The units of a map as matplotlib paths: projected, simplified to the print resolution, built once.

A map of Indonesia's 83,000 desa took 17 s to draw before it was saved: the frame was projected again
for every figure (2 s), geopandas built one ``PathPatch`` per unit (9 s) and derived the outlines again
(2 s); saving then drew three million vertices, twice. Here, once per set of units (per process):

- the geometry is projected to the UTM zone of its centre (:func:`print_geometry`), simplified to a
  quarter of a printed pixel (:data:`PRINT_PIXELS` across the larger side of the extent, a 16 cm
  figure at 300 dpi; no edge moves by more than that) and normalised, as geopandas normalises it
  before drawing;
- each unit becomes one path of all its rings (:func:`unit_paths`), as geopandas' ``_PolygonPatch``
  makes it, and each ring one line of the outline.

A map then fills one ``PathCollection`` per legend row from those paths: the same paths per unit, in
the same order and colours as geopandas drew them (``tests/test_figure_artists.py``).
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.path import Path

from umkm_geo._crs import utm_crs

__all__ = ["PRINT_PIXELS", "UnitPaths", "print_geometry", "unit_paths"]

#: Pixels across a printed map: 16 cm at 300 dpi.
PRINT_PIXELS = 16 / 2.54 * 300

#: Simplification tolerance in printed pixels.
TOLERANCE_PX = 0.25

#: Sets of units kept (a run draws one or two: its units and, on the layer maps, the desa).
_LIMIT = 6
_GEOMETRY: dict[tuple[Any, ...], gpd.GeoSeries] = {}
_PATHS: dict[tuple[Any, ...], UnitPaths | None] = {}


def _key(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> tuple[Any, ...]:
    """Changes with the units, their CRS and their shapes (bounds and number of vertices)."""
    geoms = np.asarray(frame.geometry.array)
    bounds = tuple(round(float(v), 6) for v in frame.total_bounds) if len(frame) else ()
    return (str(frame.crs), tuple(frame.index), bounds, int(shapely.get_num_coordinates(geoms).sum()))


def _kept(cache: dict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> Any:
    if len(cache) >= _LIMIT:
        cache.pop(next(iter(cache)))
    cache[key] = value
    return value


def print_geometry(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """The units' geometry as printed: in their UTM zone, simplified to a quarter pixel, normalised."""
    key = _key(frame)
    if key in _GEOMETRY:
        return _GEOMETRY[key]
    projected = frame.geometry.to_crs(utm_crs(frame))
    geoms = np.asarray(projected.array)
    if len(frame):
        x0, y0, x1, y1 = projected.total_bounds
        tolerance = max(x1 - x0, y1 - y0) / PRINT_PIXELS * TOLERANCE_PX
        if np.isfinite(tolerance) and tolerance > 0:
            geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    geoms = shapely.normalize(geoms)
    out = gpd.GeoSeries(geoms, index=frame.index, crs=projected.crs, name=frame.geometry.name)
    return _kept(_GEOMETRY, key, out)


@dataclasses.dataclass(frozen=True)
class UnitPaths:
    """Each unit's path (``None``: no geometry) and the rings of the outline with the row of their unit."""

    paths: list[Path | None]
    rings: list[np.ndarray]
    ring_unit: np.ndarray


def _build(geoms: np.ndarray) -> UnitPaths | None:
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])  # Polygon, MultiPolygon
    if not (polygonal | missing).all():
        return None  # lines or points: drawn by geopandas
    filled = np.where(missing, shapely.Polygon(), geoms)
    kind, coords, offsets = shapely.to_ragged_array(filled)
    if kind == shapely.GeometryType.POLYGON:
        ring_at, part_at = offsets
        unit_at = np.arange(len(part_at))  # one part per unit
    else:
        ring_at, part_at, unit_at = offsets
    coords = np.asarray(coords[:, :2], dtype=float)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    codes[ring_at[:-1]] = Path.MOVETO
    codes[ring_at[1:] - 1] = Path.CLOSEPOLY
    # the first ring of each unit to its last: rings part_at[unit_at[i]] .. part_at[unit_at[i + 1]]
    first_ring = part_at[unit_at]
    paths: list[Path | None] = []
    for i in range(len(geoms)):
        start, stop = ring_at[first_ring[i]], ring_at[first_ring[i + 1]]
        paths.append(None if missing[i] or stop == start else Path(coords[start:stop], codes[start:stop]))
    rings = [coords[a:b] for a, b in itertools.pairwise(ring_at)]
    ring_unit = np.repeat(np.arange(len(geoms)), np.diff(first_ring))
    return UnitPaths(paths=paths, rings=rings, ring_unit=ring_unit)


def unit_paths(frame: gpd.GeoDataFrame) -> UnitPaths | None:
    """The paths of the units of ``frame`` (projected), built once; ``None`` when a unit is not a polygon."""
    key = _key(frame)
    if key in _PATHS:
        return _PATHS[key]
    return _kept(_PATHS, key, _build(np.asarray(frame.geometry.array)))
