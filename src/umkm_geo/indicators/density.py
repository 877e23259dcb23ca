"""A UMKM density surface (UMKM per km²) written as a GeoTIFF, with rasterio.

:func:`density_surface` writes a GeoTIFF of UMKM per km² on a square grid in metres, from kecamatan
counts (spread uniformly over the cells of each polygon by default, so the surface integrates
exactly to the total) or from weighted points, optionally smoothed by a kernel that keeps every
count inside the study area.
"""

from __future__ import annotations

import dataclasses
import math
import os
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rasterio
import rasterio.crs
import rasterio.features
import scipy
from affine import Affine

from umkm_geo._atomic import atomic_path
from umkm_geo._crs import utm_crs
from umkm_geo._errors import ConfigError, TableError
from umkm_geo._provenance import ILLUSTRATIVE_NOTE
from umkm_geo.indicators._grid import _Grid, _gridded_counts, _smooth
from umkm_geo.indicators._raster_io import check_flag, check_frame, raster_versions
from umkm_geo.results import TableMixin, payload, plain

__all__ = [
    "DENSITY_METHODS",
    "DENSITY_NODATA",
    "DENSITY_UNITS",
    "KERNELS",
    "DensityResult",
    "density_surface",
]

#: Unit of the cells of :func:`density_surface`.
DENSITY_UNITS = "UMKM per km2"

#: Nodata value of :func:`density_surface` (cells outside the mask); densities are never negative.
DENSITY_NODATA = -9999.0


def _quartic(r: np.ndarray) -> np.ndarray:
    return np.where(r < 1.0, (1.0 - r**2) ** 2, 0.0)


def _gaussian(r: np.ndarray) -> np.ndarray:
    return np.where(r <= 4.0, np.exp(-0.5 * r**2), 0.0)


#: Smoothing kernels: name -> (profile of the distance in bandwidths, support in bandwidths,
#: definition). The discrete kernel on the grid is normalised to sum 1.
KERNELS: Mapping[str, tuple[Callable[[np.ndarray], np.ndarray], float, str]] = MappingProxyType(
    {
        "quartic": (
            _quartic,
            1.0,
            "quartic (biweight) K(d) ∝ (1 - (d/h)²)² for d < h, 0 beyond; h = bandwidth_m is the search "
            "radius (as in QGIS Heatmap and ArcGIS Kernel Density)",
        ),
        "gaussian": (
            _gaussian,
            4.0,
            "Gaussian K(d) ∝ exp(-d² / (2h²)), h = bandwidth_m the standard deviation, truncated at 4h",
        ),
    }
)

#: Ways of turning the input into counts per cell before any smoothing.
DENSITY_METHODS: Mapping[str, str] = MappingProxyType(
    {
        "areal": (
            "each polygon's count spread uniformly over the cells whose centre falls inside it "
            "(a polygon without such a cell puts its count in the cell of its representative point): "
            "a piecewise-constant density that integrates exactly to the total"
        ),
        "representative_point": (
            "each polygon's count placed in the cell of its representative point (a point inside the "
            "polygon), then smoothed; needs bandwidth_m"
        ),
        "points": "each point's weight added to the cell that holds it",
    }
)

_EDGE_CORRECTION = (
    "mass-preserving: each cell's count is spread over the cells of the mask only, with kernel weights "
    "renormalised to sum 1 there, so no UMKM is moved outside the mask and the surface keeps the total"
)


@dataclasses.dataclass(frozen=True, eq=False)
class DensityResult(TableMixin):
    """A UMKM density surface written as a GeoTIFF.

    Attributes
    ----------
    path
        The written GeoTIFF.
    crs
        The metric CRS of the grid (e.g. ``"EPSG:32749"``).
    transform
        Affine transform of the grid (north-up, square cells of ``cell_size_m``).
    width, height
        Grid size in cells.
    method, kernel, bandwidth_m, cell_size_m
        How the surface was made (``kernel`` is ``None`` without smoothing).
    total_input
        Sum of ``value_column`` over the input.
    total_surface
        Integral of the surface, ``sum(density * cell area in km²)`` over the valid cells; equals
        ``total_input`` less any count excluded outside the mask (reported in a warning).
    max_density
        Highest cell density, UMKM per km².
    n_valid_cells
        Number of cells inside the mask (the others are nodata).
    illustrative
        Whether the input is illustrative (non-official) data; tagged in the file.
    settings
        Everything needed to reproduce the surface, with library versions.
    """

    path: Path
    crs: str
    transform: Affine
    width: int
    height: int
    method: str
    kernel: str | None
    bandwidth_m: float | None
    cell_size_m: float
    total_input: float
    total_surface: float
    max_density: float
    n_valid_cells: int
    illustrative: bool
    settings: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        statistics = {
            "file": self.path.name,
            "total_input": self.total_input,
            "total_surface": self.total_surface,
            "max_density": self.max_density,
            "n_valid_cells": self.n_valid_cells,
            "width": self.width,
            "height": self.height,
            "transform": list(self.transform)[:6],
        }
        return payload("density_surface", statistics, dict(self.settings))


def _kernel(name: str, bandwidth: float, cell: float) -> np.ndarray:
    profile, support, _ = KERNELS[name]
    radius = math.floor(support * bandwidth / cell)
    offsets = np.arange(-radius, radius + 1) * cell
    distance = np.hypot(*np.meshgrid(offsets, offsets))
    weights = profile(distance / bandwidth)
    return weights / weights.sum()


def _values(frame: gpd.GeoDataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        msg = f"Column {column!r} is not in the input; its columns are {[str(c) for c in frame.columns]}."
        raise TableError(msg)
    numeric = pd.to_numeric(frame[column], errors="coerce")
    bad = numeric.isna() | ~np.isfinite(numeric.astype(float)) | (numeric < 0)
    if bad.any():
        rows = [f"{i}={plain(frame[column][i])!r}" for i in frame.index[bad][:10]]
        msg = (
            f"Column {column!r} must hold non-negative finite numbers (UMKM counts or weights); bad rows: "
            f"{rows}. Fix or drop them first."
        )
        raise TableError(msg)
    return numeric.to_numpy(dtype=np.float64)


def _geometry_kind(geometry: gpd.GeoSeries) -> str:
    if geometry.isna().any() or geometry.is_empty.any():
        bad = list(map(str, geometry.index[geometry.isna() | geometry.is_empty][:10]))
        msg = f"Rows {bad} have no geometry; drop them or fix their geometry first."
        raise TableError(msg)
    types = set(geometry.geom_type)
    if types <= {"Polygon", "MultiPolygon"}:
        return "polygon"
    if types <= {"Point"}:
        return "point"
    msg = f"The input mixes or uses unsupported geometry types {sorted(types)}; give only polygons or only points."
    raise TableError(msg)


def _metric_crs(crs: Any, data: gpd.GeoDataFrame) -> pyproj.CRS:
    target = pyproj.CRS.from_user_input(crs if crs is not None else utm_crs(data))
    units = {axis.unit_name for axis in target.axis_info}
    if not target.is_projected or units - {"metre", "meter"}:
        msg = f"crs {target.to_string()!r} is not a projected CRS in metres; give one (e.g. the UTM zone) or None."
        raise ConfigError(msg)
    minx, miny, maxx, maxy = data.to_crs("EPSG:4326").total_bounds
    areal = pyproj.Proj(target).get_factors((minx + maxx) / 2, (miny + maxy) / 2).areal_scale
    if abs(areal - 1.0) > 0.01:
        msg = (
            f"crs {target.to_string()!r} scales areas by {areal:.3f} over the data, so cell areas are not ground "
            "areas and densities are off by that factor; prefer the UTM zone (crs=None) or an equal-area CRS."
        )
        warnings.warn(msg, UserWarning, stacklevel=3)
    return target


def _check_options(
    points_or_frame: gpd.GeoDataFrame, cell_size_m: float, bandwidth_m: float | None, kernel: str, illustrative: bool
) -> None:
    """Refuse a bad input frame, cell size, bandwidth, kernel or illustrative flag of :func:`density_surface`."""
    check_frame(points_or_frame, "points_or_frame")
    if isinstance(points_or_frame, gpd.GeoSeries):
        msg = "points_or_frame must be a GeoDataFrame with the column value_column, not a GeoSeries."
        raise TableError(msg)
    for label, number in (("cell_size_m", cell_size_m), ("bandwidth_m", bandwidth_m)):
        if number is None and label == "bandwidth_m":
            continue
        if isinstance(number, bool) or not isinstance(number, int | float) or not 0 < number < math.inf:
            msg = f"{label} must be a positive number of metres, not {number!r}."
            raise ConfigError(msg)
    if bandwidth_m is not None and bandwidth_m < cell_size_m:
        msg = (
            f"bandwidth_m={bandwidth_m!r} is below cell_size_m={cell_size_m!r} and would not smooth; "
            "give at least one cell or None for no smoothing."
        )
        raise ConfigError(msg)
    if kernel not in KERNELS:
        msg = f"Unknown kernel {kernel!r}; choose from {list(KERNELS)}."
        raise ConfigError(msg)
    check_flag(illustrative, "illustrative")


def density_surface(
    points_or_frame: gpd.GeoDataFrame,
    value_column: str,
    out_path: str | os.PathLike[str],
    *,
    method: str | None = None,
    cell_size_m: float = 500.0,
    bandwidth_m: float | None = None,
    kernel: str = "quartic",
    crs: Any = None,
    mask: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    illustrative: bool = False,
    description: str | None = None,
) -> DensityResult:
    """Write a surface of UMKM per km² as a GeoTIFF.

    Parameters
    ----------
    points_or_frame
        Either kecamatan polygons with a count column, or points (businesses, or any weighted
        locations) with a weight column; any CRS.
    value_column
        Column of non-negative counts or weights.
    out_path
        The GeoTIFF to write (``.tif`` or ``.tiff``); written atomically.
    method
        How counts become cells (see :data:`DENSITY_METHODS`): ``"areal"`` (default for polygons:
        each count spread uniformly over its polygon's cells), ``"representative_point"``
        (polygons; needs ``bandwidth_m``) or ``"points"`` (the only method for points).
    cell_size_m
        Cell side in metres.
    bandwidth_m
        Kernel bandwidth in metres (at least ``cell_size_m``); ``None``: no smoothing.
    kernel
        ``"quartic"`` or ``"gaussian"`` (see :data:`KERNELS`); used only with ``bandwidth_m``.
    crs
        Metric CRS of the grid; ``None``: the UTM zone of the data (:func:`umkm_geo._crs.utm_crs`).
    mask
        Study area: cells whose centre falls outside it are nodata and receive nothing. ``None``:
        the union of the polygons for polygon input, no mask for points.
    illustrative
        Tag the file as illustrative (non-official) data; set it for the demo counts.
    description
        Text stored in the file's ``description`` tag and band description (a default one names
        the method); with ``illustrative=True`` the illustrative-data note is appended.

    Returns
    -------
    DensityResult
        The file path, grid, totals (input and integrated surface) and settings.

    Raises
    ------
    TableError
        For a missing or non-numeric, negative or NaN value column, missing geometries, or mixed
        geometry types.
    ConfigError
        For bad settings: unknown method or kernel, a non-metric CRS, a cell size or bandwidth that
        is not a positive number (or a bandwidth below the cell size), a grid too large, or an
        output that is not ``.tif``.

    Warns
    -----
    UserWarning
        When part of the count falls outside the mask (it is left out; the units or points are
        named), when polygons are smaller than a cell (``"areal"``: their count goes to the cell
        of their representative point), or when the CRS distorts areas by more than 1%.

    Notes
    -----
    The default for kecamatan counts is ``"areal"`` because it claims no more than the data say:
    the count of a kecamatan is known, not where inside it the businesses are, so it is spread
    evenly. Each cell of a polygon gets ``count / (n_cells * cell area)``; this is close to
    ``count / polygon area`` but uses the area of the cells actually in the polygon, so that
    ``sum(density * cell area) == total`` exactly. Where polygons overlap, a cell goes to the
    later polygon (the total is still kept). Smoothing (``bandwidth_m``) softens the steps
    at kecamatan borders; it keeps the total too (see ``settings["edge_correction"]``) but
    suggests detail the counts do not have, so say so when showing it. The output is float32
    with nodata :data:`DENSITY_NODATA` outside the mask, deflate-compressed, with tags ``units``
    (:data:`DENSITY_UNITS`), ``description``, the method and kernel, and ``illustrative`` with
    the bilingual note when ``illustrative=True``.
    """
    _check_options(points_or_frame, cell_size_m, bandwidth_m, kernel, illustrative)
    out = Path(out_path)
    if out.suffix.lower() not in (".tif", ".tiff"):
        msg = f"out_path {str(out)!r} must end in .tif or .tiff (a GeoTIFF is written)."
        raise ConfigError(msg)
    kind = _geometry_kind(points_or_frame.geometry)
    allowed = ("areal", "representative_point") if kind == "polygon" else ("points",)
    method = allowed[0] if method is None else method
    if method not in allowed:
        msg = f"method {method!r} does not apply to {kind} input; choose from {list(allowed)}."
        raise ConfigError(msg)
    if method == "representative_point" and bandwidth_m is None:
        msg = "method 'representative_point' needs bandwidth_m (a count on one cell is not a surface)."
        raise ConfigError(msg)
    weights = _values(points_or_frame, value_column)
    target = _metric_crs(crs, points_or_frame)
    data = points_or_frame.geometry.to_crs(target)
    if mask is not None:
        check_frame(mask, "mask")
        mask_geometry = gpd.GeoSeries(mask.geometry).to_crs(target)
    else:
        mask_geometry = data if kind == "polygon" else None
    cell = float(cell_size_m)
    bandwidth = None if bandwidth_m is None else float(bandwidth_m)
    pad = 0.0 if mask_geometry is not None or bandwidth is None else KERNELS[kernel][1] * bandwidth
    bounds = mask_geometry.total_bounds if mask_geometry is not None else data.total_bounds
    grid = _Grid.around(bounds, cell, pad)
    if mask_geometry is not None:
        inside_mask = rasterio.features.geometry_mask(
            list(mask_geometry), out_shape=grid.shape, transform=grid.transform, invert=True
        )
    else:
        inside_mask = np.ones(grid.shape, dtype=bool)

    counts, excluded, lost = _gridded_counts(data, weights, grid, inside_mask, method=method, grow_mask=mask is None)
    lost_units = list(map(str, points_or_frame.index[lost][:20]))
    if excluded > 0:
        msg = (
            f"{excluded:g} of {weights.sum():g} ({value_column}) fall outside the mask and are left out of the "
            f"surface, from {len(lost)} unit(s): {lost_units}."
        )
        warnings.warn(msg, UserWarning, stacklevel=2)
    if bandwidth is not None:
        counts = _smooth(counts, inside_mask, _kernel(kernel, bandwidth, cell))
    cell_km2 = cell * cell / 1e6
    density = counts / cell_km2
    raster = np.where(inside_mask, density, DENSITY_NODATA).astype(np.float32)
    total_surface = float((raster[inside_mask].astype(np.float64) * cell_km2).sum())
    text = description or (
        f"UMKM density from {value_column!r}, method {method}"
        + (f", {kernel} kernel, bandwidth {bandwidth:g} m" if bandwidth is not None else ", no smoothing")
    )
    if illustrative:
        text = f"{text}. {ILLUSTRATIVE_NOTE}"
    tags = {
        "units": DENSITY_UNITS,
        "description": text,
        "value_column": str(value_column),
        "method": method,
        "kernel": kernel if bandwidth is not None else "none",
        "bandwidth_m": f"{bandwidth:g}" if bandwidth is not None else "none",
        "cell_size_m": f"{cell:g}",
        "total": f"{total_surface:.6g}",
    }
    if illustrative:
        tags["illustrative"] = ILLUSTRATIVE_NOTE
    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": "float32",
        "crs": rasterio.crs.CRS.from_wkt(target.to_wkt()),
        "transform": grid.transform,
        "nodata": DENSITY_NODATA,
        "compress": "deflate",
        "predictor": 3,
    }
    with atomic_path(out) as tmp:
        _write(tmp, raster, profile, tags, text)
    crs_text = target.to_string()
    settings = {
        "value_column": str(value_column),
        "input_geometry": kind,
        "method": method,
        "method_definition": DENSITY_METHODS[method],
        "cell_size_m": cell,
        "bandwidth_m": bandwidth,
        "kernel": kernel if bandwidth is not None else None,
        "kernel_definition": KERNELS[kernel][2] if bandwidth is not None else "no smoothing",
        "edge_correction": _EDGE_CORRECTION if bandwidth is not None else "none (no smoothing)",
        "crs": crs_text,
        "input_crs": points_or_frame.crs.to_string(),
        "description": text,
        "mask": "given" if mask is not None else ("union of the polygons" if kind == "polygon" else "none"),
        "cell_rule": "a cell belongs to a polygon or mask when its centre falls inside it",
        "units": DENSITY_UNITS,
        "nodata": DENSITY_NODATA,
        "illustrative": illustrative,
        **raster_versions(),
        "scipy_version": scipy.__version__,
    }
    return DensityResult(
        path=out,
        crs=crs_text,
        transform=grid.transform,
        width=grid.width,
        height=grid.height,
        method=method,
        kernel=kernel if bandwidth is not None else None,
        bandwidth_m=bandwidth,
        cell_size_m=cell,
        total_input=float(weights.sum()),
        total_surface=total_surface,
        max_density=float(raster[inside_mask].max()) if inside_mask.any() else float("nan"),
        n_valid_cells=int(inside_mask.sum()),
        illustrative=illustrative,
        settings=MappingProxyType(settings),
    )


def _write(path: Path, raster: np.ndarray, profile: Mapping[str, Any], tags: Mapping[str, str], text: str) -> None:
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(raster, 1)
        dst.update_tags(**tags)
        dst.set_band_description(1, text)
        dst.set_band_unit(1, DENSITY_UNITS)
