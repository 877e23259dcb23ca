"""Web geometry: polygons simplified as a coverage and rounded, to fit a page-size budget.

The web atlas embeds every kecamatan polygon once, as GeoJSON. :func:`fit_geometry` picks the
smallest simplification tolerance from :data:`TOLERANCES_M` whose encoded geometry fits a byte
budget:

* tolerance 0 keeps every vertex (coordinates are only rounded to ``decimals``, 5 by default,
  about 1 m);
* a positive tolerance first makes the polygons a clean coverage (``shapely.coverage_clean``:
  shared edges get identical vertices, overlaps and slivers narrower than the snapping distance
  go), then simplifies the coverage (``shapely.coverage_simplify``, Visvalingam-Whyatt on shared
  edges), so neighbours keep one common edge and no gap or overlap opens between them.

Cleaning assigns an overlap to one of the polygons. Where that changes a polygon's area by more
than :data:`MAX_CLEAN_AREA_CHANGE` (overlapping source polygons, as in the national kecamatan
file), the polygon keeps its own uncleaned outline; the count is reported in
:meth:`WebGeometry.settings`.

Tolerances are chosen in metres and applied in degrees (``metres / 111,320``: one degree of
latitude; east-west distances in Indonesia, within 11 degrees of the equator, differ by under 2 %).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from umkm_geo._errors import ConfigError

#: Candidate simplification tolerances in metres, smallest first.
TOLERANCES_M: tuple[float, ...] = (
    0.0,
    2.0,
    5.0,
    10.0,
    20.0,
    50.0,
    100.0,
    150.0,
    200.0,
    300.0,
    500.0,
    750.0,
    1000.0,
    2000.0,
    5000.0,
)

#: Metres per degree used to convert a tolerance (one degree of latitude).
METRES_PER_DEGREE = 111_320.0

#: Relative area change above which a polygon keeps its uncleaned outline.
MAX_CLEAN_AREA_CHANGE = 0.01


@dataclasses.dataclass(frozen=True, eq=False)
class WebGeometry:
    """Polygons prepared for the web page and how they were made.

    Attributes
    ----------
    geojson
        One compact GeoJSON geometry string per input polygon, in input order.
    tolerance_m
        Simplification tolerance used, in metres (0: not simplified).
    decimals
        Decimals the coordinates were rounded to.
    n_vertices_input, n_vertices
        Vertices before and after simplification.
    n_bytes
        Total length of the GeoJSON strings.
    max_bytes
        The byte budget the geometry had to fit (``None``: no budget).
    cleaned
        Whether the polygons went through ``shapely.coverage_clean`` (only when simplified).
    n_kept_uncleaned
        Polygons that kept their own outline because cleaning changed their area too much.
    fits
        Whether ``n_bytes`` is within ``max_bytes``.
    """

    geojson: tuple[str, ...]
    tolerance_m: float
    decimals: int
    n_vertices_input: int
    n_vertices: int
    n_bytes: int
    max_bytes: int | None
    cleaned: bool
    n_kept_uncleaned: int
    fits: bool

    @property
    def tolerance_deg(self) -> float:
        """Tolerance in degrees as applied to the longitude/latitude coordinates."""
        return self.tolerance_m / METRES_PER_DEGREE

    def settings(self) -> dict[str, Any]:
        """Everything needed to reproduce the geometry (JSON-ready)."""
        return {
            "method": (
                "shapely.coverage_clean + shapely.coverage_simplify (Visvalingam-Whyatt, shared edges kept)"
                if self.cleaned
                else "not simplified"
            ),
            "tolerance_m": self.tolerance_m,
            "tolerance_deg": self.tolerance_deg,
            "metres_per_degree": METRES_PER_DEGREE,
            "decimals": self.decimals,
            "n_vertices_input": self.n_vertices_input,
            "n_vertices": self.n_vertices,
            "geometry_bytes": self.n_bytes,
            "max_geometry_bytes": self.max_bytes,
            "n_kept_uncleaned": self.n_kept_uncleaned,
            "shapely_version": shapely.__version__,
            "geos_version": ".".join(str(v) for v in shapely.geos_version),
        }


def _check_polygons(geoms: np.ndarray) -> None:
    types = shapely.get_type_id(geoms)
    bad = np.flatnonzero(~np.isin(types, (3, 6)))  # Polygon, MultiPolygon
    if len(bad):
        msg = (
            f"The web map draws polygons only; {len(bad)} geometries are not (Multi)Polygons "
            f"(first at position {int(bad[0])}: {getattr(geoms[bad[0]], 'geom_type', None)!r}). "
            "Drop them or convert them to polygons."
        )
        raise ConfigError(msg)


def round_coordinates(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round coordinates to ``decimals`` and drop the vertices that rounding repeats.

    Identical vertices round identically, so edges shared by neighbours stay shared. A ring that
    rounding would shrink below four points keeps its repeated vertices.

    Parameters
    ----------
    geoms
        Shapely polygons.
    decimals
        Decimal places kept.

    Returns
    -------
    numpy.ndarray
        New geometries, same order.
    """
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    try:
        return shapely.remove_repeated_points(rounded)
    except shapely.errors.GEOSException:
        out = rounded.copy()
        for i, geom in enumerate(rounded):
            try:
                out[i] = shapely.remove_repeated_points(geom)
            except shapely.errors.GEOSException:
                out[i] = geom
        return out


def clean_coverage(geoms: np.ndarray) -> tuple[np.ndarray, int]:
    """Make ``geoms`` a clean coverage, keeping outlines that cleaning would change too much.

    Parameters
    ----------
    geoms
        Shapely polygons that tile an area (small gaps and overlaps allowed).

    Returns
    -------
    tuple
        ``(cleaned geometries, number of polygons that kept their uncleaned outline)``.
    """
    cleaned = shapely.coverage_clean(geoms)
    before = shapely.area(geoms)
    after = shapely.area(cleaned)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.abs(after - before) / before
    keep = shapely.is_empty(cleaned) | ~np.isfinite(change) | (change > MAX_CLEAN_AREA_CHANGE)
    cleaned[keep] = geoms[keep]
    return cleaned, int(keep.sum())


def _encode(geoms: np.ndarray) -> tuple[str, ...]:
    return tuple(shapely.to_geojson(geoms).tolist())


def simplify_geometry(
    geoms: Sequence[shapely.Geometry] | np.ndarray,
    *,
    tolerance_m: float,
    decimals: int = 5,
    clean: bool = True,
) -> tuple[np.ndarray, int]:
    """Simplify polygons as a coverage with ``tolerance_m`` metres, then round them.

    Parameters
    ----------
    geoms
        Polygons in longitude/latitude (EPSG:4326).
    tolerance_m
        Tolerance in metres (0: round only).
    decimals
        Decimals kept.
    clean
        Clean the coverage before simplifying (see :func:`clean_coverage`).

    Returns
    -------
    tuple
        ``(geometries, number of polygons kept uncleaned)``.
    """
    arr = np.asarray(geoms, dtype=object)
    _check_polygons(arr)
    if tolerance_m < 0:
        msg = f"The simplification tolerance must be 0 or positive, not {tolerance_m} m."
        raise ConfigError(msg)
    kept = 0
    if tolerance_m > 0:
        if clean:
            arr, kept = clean_coverage(arr)
        arr = shapely.coverage_simplify(arr, tolerance_m / METRES_PER_DEGREE)
    return round_coordinates(arr, decimals), kept


def fit_geometry(
    geoms: Sequence[shapely.Geometry] | np.ndarray,
    *,
    max_bytes: int | None,
    decimals: int = 5,
    tolerances_m: Sequence[float] = TOLERANCES_M,
) -> WebGeometry:
    """Encode polygons as GeoJSON with the smallest tolerance whose output fits ``max_bytes``.

    Parameters
    ----------
    geoms
        Polygons in longitude/latitude (EPSG:4326).
    max_bytes
        Budget for the encoded geometry; ``None`` keeps every vertex.
    decimals
        Decimals of the coordinates (5: about 1 m).
    tolerances_m
        Candidate tolerances in metres, increasing; the first is usually 0.

    Returns
    -------
    WebGeometry
        The largest tolerance is used, with ``fits=False``, if none fits.
    """
    arr = np.asarray(geoms, dtype=object)
    _check_polygons(arr)
    ladder = [float(t) for t in tolerances_m]
    if not ladder or any(b <= a for a, b in itertools.pairwise(ladder)) or ladder[0] < 0:
        msg = f"Candidate tolerances must be a non-empty increasing list of metres >= 0, not {ladder}."
        raise ConfigError(msg)
    n_input = int(shapely.get_num_coordinates(arr).sum())
    cleaned_cache: list[tuple[np.ndarray, int]] = []

    def attempt(tolerance: float) -> WebGeometry:
        kept = 0
        if tolerance > 0:
            if not cleaned_cache:
                cleaned_cache.append(clean_coverage(arr))
            base, kept = cleaned_cache[0]
            out, _ = simplify_geometry(base, tolerance_m=tolerance, decimals=decimals, clean=False)
        else:
            out = round_coordinates(arr, decimals)
        encoded = _encode(out)
        size = sum(len(s) for s in encoded)
        return WebGeometry(
            geojson=encoded,
            tolerance_m=tolerance,
            decimals=decimals,
            n_vertices_input=n_input,
            n_vertices=int(shapely.get_num_coordinates(out).sum()),
            n_bytes=size,
            max_bytes=max_bytes,
            cleaned=tolerance > 0,
            n_kept_uncleaned=kept,
            fits=max_bytes is None or size <= max_bytes,
        )

    first = attempt(ladder[0])
    if first.fits or len(ladder) == 1:
        return first
    # Binary search for the first tolerance that fits (size falls as the tolerance grows).
    lo, hi = 0, len(ladder) - 1
    best = attempt(ladder[hi])
    if not best.fits:
        return best
    while hi - lo > 1:
        mid = (lo + hi) // 2
        result = attempt(ladder[mid])
        if result.fits:
            hi, best = mid, result
        else:
            lo = mid
    return best
