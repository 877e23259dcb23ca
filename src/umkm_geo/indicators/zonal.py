"""Raster covariates per kecamatan: statistics of one raster band over each polygon, with rasterio.

:func:`zonal_statistics` summarises a GeoTIFF (a population grid such as WorldPop, night lights,
elevation) over each polygon of a frame: the polygons are reprojected to the raster's CRS (the
raster is never warped) and a cell belongs to a polygon when its centre falls inside it
(``all_touched=True``: when the polygon touches it at all). The band's nodata value, its masks and
NaN cells are left out and counted in ``nodata_count``.

**sum or mean?** The sum of the cells of a *count* raster (persons per cell, as WorldPop's
"population count" grids) is a count: persons in the kecamatan. A *density* raster (persons per
km², night-light radiance) must be averaged (``mean``): summing it adds up densities of cells and
depends on the cell size.
"""

from __future__ import annotations

import dataclasses
import math
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rasterio
import rasterio.errors
import rasterio.features
from affine import Affine
from shapely.geometry import box

from umkm_geo._errors import ConfigError, DataSourceError
from umkm_geo._provenance import file_sha256
from umkm_geo.indicators._raster_io import check_flag, check_frame, raster_versions
from umkm_geo.results import TableMixin, payload

__all__ = ["ZONAL_STATISTICS", "ZonalResult", "zonal_statistics"]


def _nan_if_empty(func: Callable[[np.ndarray], Any]) -> Callable[[np.ndarray, int], float]:
    def stat(values: np.ndarray, _n_invalid: int) -> float:
        return float(func(values)) if values.size else float("nan")

    return stat


#: Statistics of :func:`zonal_statistics`: name -> (function of the valid values of a polygon and
#: its number of invalid cells, definition). Value statistics are NaN for a polygon without valid
#: cells.
ZONAL_STATISTICS: Mapping[str, tuple[Callable[[np.ndarray, int], float], str]] = MappingProxyType(
    {
        "sum": (_nan_if_empty(np.sum), "sum of the valid cell values (float64)"),
        "mean": (_nan_if_empty(np.mean), "mean of the valid cell values (unweighted by area)"),
        "count": (lambda v, _n: v.size, "number of valid cells"),
        "min": (_nan_if_empty(np.min), "smallest valid cell value"),
        "max": (_nan_if_empty(np.max), "largest valid cell value"),
        "median": (_nan_if_empty(np.median), "median of the valid cell values"),
        "std": (_nan_if_empty(np.std), "population standard deviation (ddof=0) of the valid cell values"),
        "nodata_count": (lambda _v, n: n, "number of cells that are nodata, masked or NaN"),
    }
)

_INTEGER_STATISTICS = frozenset({"count", "nodata_count"})

_CELL_RULES: Mapping[bool, str] = {
    False: "cells whose centre falls inside the polygon",
    True: "every cell the polygon touches (all_touched=True)",
}

#: Default memory budget of :func:`zonal_statistics`: a band that fits is read once, else per window.
_READ_WHOLE_MB = 256.0


@dataclasses.dataclass(frozen=True, eq=False)
class ZonalResult(TableMixin):
    """Statistics of one raster band per polygon.

    Attributes
    ----------
    data
        Per-unit statistics indexed like the frame; read it through :meth:`frame`.
    raster
        File name of the raster.
    stats
        Statistic names, in column order (see :data:`ZONAL_STATISTICS`).
    prefix
        Prefix of the column names.
    empty_units
        Units with no cell (outside the raster, or too small for its cells): NaN statistics,
        ``count`` 0.
    partial_units
        Units that reach beyond the raster extent: their statistics cover the part inside only.
    settings
        Everything needed to reproduce: file, sha256, band, CRS, nodata, cell rule, cell size,
        read mode, library versions.
    """

    data: pd.DataFrame
    raster: str
    stats: tuple[str, ...]
    prefix: str
    empty_units: tuple[Any, ...]
    partial_units: tuple[Any, ...]
    settings: Mapping[str, Any]

    def frame(self) -> pd.DataFrame:
        """Per-unit statistics (a copy).

        Returns
        -------
        pandas.DataFrame
            Indexed like the input frame, one column ``{prefix}{stat}`` per statistic; ``count``
            and ``nodata_count`` are integers, the others floats (NaN without valid cells).
        """
        return self.data.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        statistics = {
            "raster": self.raster,
            "n_units": len(self.data),
            "n_empty_units": len(self.empty_units),
            "empty_units": [str(u) for u in self.empty_units],
            "n_partial_units": len(self.partial_units),
            "partial_units": [str(u) for u in self.partial_units],
        }
        return payload("zonal_statistics", statistics, dict(self.settings))


def _check_stats(stats: str | Iterable[str]) -> tuple[str, ...]:
    names = (stats,) if isinstance(stats, str) else tuple(stats)
    unknown = [s for s in names if s not in ZONAL_STATISTICS]
    if unknown or not names:
        msg = f"Unknown or no statistics {unknown or list(names)}; choose from {list(ZONAL_STATISTICS)}."
        raise ConfigError(msg)
    if len(set(names)) != len(names):
        msg = f"Statistics are repeated in {list(names)}; name each once."
        raise ConfigError(msg)
    return names


def _open(raster_path: str | os.PathLike[str]) -> rasterio.DatasetReader:
    path = Path(raster_path)
    if not path.is_file():
        msg = f"Raster file {str(path)!r} does not exist; check the path."
        raise DataSourceError(msg)
    try:
        return rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        msg = f"Raster file {path.name!r} cannot be read by rasterio/GDAL ({exc}); give a GeoTIFF."
        raise DataSourceError(msg) from exc


def _describe_nodata(nodata: float | None) -> float | str | None:
    if nodata is None:
        return None
    return "NaN" if math.isnan(nodata) else float(nodata)


def _cell_windows(
    geometry: gpd.GeoSeries, transform: Affine, width: int, height: int
) -> list[tuple[int, int, int, int] | None]:
    """(row0, row1, col0, col1) of the raster cells under each geometry's bounds, or None."""
    windows: list[tuple[int, int, int, int] | None] = []
    for geom in geometry:
        if geom is None or geom.is_empty:
            windows.append(None)
            continue
        minx, miny, maxx, maxy = geom.bounds
        cols = ((minx - transform.c) / transform.a, (maxx - transform.c) / transform.a)
        rows = ((miny - transform.f) / transform.e, (maxy - transform.f) / transform.e)
        col0, col1 = max(math.floor(min(cols)), 0), min(math.ceil(max(cols)), width)
        row0, row1 = max(math.floor(min(rows)), 0), min(math.ceil(max(rows)), height)
        windows.append((row0, row1, col0, col1) if col1 > col0 and row1 > row0 else None)
    return windows


def _shifted(transform: Affine, row: int, col: int) -> Affine:
    """Transform of the window whose top-left cell is (``row``, ``col``) of a north-up grid."""
    a, _, c, _, e, f = tuple(transform)[:6]
    return Affine(a, 0.0, c + col * a, 0.0, e, f + row * e)


def zonal_statistics(
    frame: gpd.GeoDataFrame,
    raster_path: str | os.PathLike[str],
    *,
    stats: str | Sequence[str] = ("sum", "mean", "count"),
    band: int = 1,
    all_touched: bool = False,
    prefix: str | None = None,
    max_read_mb: float = _READ_WHOLE_MB,
) -> ZonalResult:
    """Summarise one band of a raster over each polygon of ``frame``.

    Parameters
    ----------
    frame
        Polygons (a GeoDataFrame or GeoSeries) indexed by a unique unit code (the Kemendagri
        ``kode``), in any CRS.
    raster_path
        A GeoTIFF (or any raster GDAL reads) with a CRS and a north-up grid.
    stats
        Statistics to compute, in column order; see :data:`ZONAL_STATISTICS` (``sum``, ``mean``,
        ``count``, ``min``, ``max``, ``median``, ``std``, ``nodata_count``).
    band
        Band number (1-based).
    all_touched
        ``False`` (default): a cell belongs to a polygon when its centre falls inside it.
        ``True``: every cell the polygon touches counts (for small polygons on coarse rasters;
        a cell on a shared border then counts for both neighbours).
    prefix
        Prefix of the column names (e.g. ``"pop_"`` gives ``pop_sum``); ``None``: no prefix.
    max_read_mb
        A band whose cells and mask fit in this many MB is read once; a larger band is read one
        polygon window at a time, so memory stays bounded on a national run.

    Returns
    -------
    ZonalResult
        Per-unit statistics (``frame()``), the units without cells or beyond the raster extent,
        and the settings (file name, sha256, band, CRS, nodata, cell rule, cell size, versions).

    Raises
    ------
    DataSourceError
        If the raster is missing, unreadable, has no CRS or is rotated.
    ConfigError
        For an unknown statistic, a band the raster does not have, or a frame without CRS.
    TableError
        If ``frame`` is not a GeoDataFrame with unique codes.

    Warns
    -----
    UserWarning
        Naming the units with no cell (NaN, ``count`` 0), with nodata cells only (NaN, ``count``
        0) and those reaching beyond the raster extent.

    Notes
    -----
    Use ``sum`` on *count* rasters (persons per cell, e.g. WorldPop population counts: the sum is
    the persons in the unit) and ``mean`` on *density* rasters (persons per km², radiance): a sum
    of densities depends on the cell size and is not a count. ``mean`` weights every cell alike,
    which is right for the equal-area cells of a projected raster; on a geographic (degree) grid
    cell areas shrink slightly away from the equator. Polygons are reprojected vertex by vertex
    with geopandas; the raster is never warped, so its values are used as they are.
    """
    names = _check_stats(stats)
    check_frame(frame, "frame")
    check_flag(all_touched, "all_touched")
    if isinstance(max_read_mb, bool) or not isinstance(max_read_mb, int | float) or not max_read_mb >= 0:
        msg = f"max_read_mb must be a number of megabytes >= 0, not {max_read_mb!r}."
        raise ConfigError(msg)
    prefix = "" if prefix is None else str(prefix)
    with _open(raster_path) as src:
        name = Path(raster_path).name
        if src.crs is None:
            msg = (
                f"Raster {name!r} has no CRS, so the polygons cannot be placed on it; set it "
                "(e.g. gdal_edit.py -a_srs EPSG:4326 file.tif, or rasterio's dataset.crs) and retry."
            )
            raise DataSourceError(msg)
        transform = src.transform
        if transform.b != 0 or transform.d != 0:
            msg = f"Raster {name!r} has a rotated grid ({tuple(transform)[:6]}); warp it to a north-up grid first."
            raise DataSourceError(msg)
        if isinstance(band, bool) or not isinstance(band, int | np.integer) or not 1 <= band <= src.count:
            msg = f"band must be a band number of {name!r}, from 1 to {src.count}, not {band!r}."
            raise ConfigError(msg)
        raster_crs = pyproj.CRS.from_user_input(src.crs.to_wkt())
        geometry = frame.geometry.to_crs(raster_crs)
        itemsize = np.dtype(src.dtypes[band - 1]).itemsize
        whole = src.width * src.height * (itemsize + 1) <= max_read_mb * 2**20
        windows = _cell_windows(geometry, transform, src.width, src.height)
        full = src.read(band, masked=True) if whole else None
        rows: list[list[float]] = []
        counts = np.zeros(len(geometry), dtype=np.int64)
        n_valid = np.zeros(len(geometry), dtype=np.int64)
        for i, (geom, window) in enumerate(zip(geometry, windows, strict=True)):
            values, n_invalid = np.empty(0), 0
            if window is not None:
                row0, row1, col0, col1 = window
                if full is not None:
                    block = full[row0:row1, col0:col1]
                else:
                    block = src.read(band, window=((row0, row1), (col0, col1)), masked=True)
                inside = rasterio.features.geometry_mask(
                    [geom],
                    out_shape=(row1 - row0, col1 - col0),
                    transform=_shifted(transform, row0, col0),
                    all_touched=all_touched,
                    invert=True,
                )
                data = np.ma.getdata(block)
                invalid = np.ma.getmaskarray(block)
                if np.issubdtype(data.dtype, np.floating):
                    invalid = invalid | np.isnan(data)
                values = data[inside & ~invalid].astype(np.float64)
                n_invalid = int((inside & invalid).sum())
                counts[i], n_valid[i] = values.size + n_invalid, values.size
            rows.append([ZONAL_STATISTICS[s][0](values, n_invalid) for s in names])
        extent = box(*src.bounds)
        settings = {
            "raster": name,
            "sha256": file_sha256(Path(raster_path)),
            "band": int(band),
            "raster_crs": src.crs.to_string(),
            "raster_dtype": src.dtypes[band - 1],
            "raster_shape": [src.height, src.width],
            "cell_size": [abs(transform.a), abs(transform.e)],
            "cell_size_units": raster_crs.axis_info[0].unit_name if raster_crs.axis_info else "unknown",
            "nodata": _describe_nodata(src.nodatavals[band - 1]),
            "invalid_cells": "the band's nodata value, its mask (per-dataset mask or alpha) and NaN",
            "all_touched": all_touched,
            "cell_rule": _CELL_RULES[all_touched],
            "frame_crs": frame.crs.to_string(),
            "reprojection": "polygons reprojected to the raster CRS with geopandas; raster not warped",
            "statistics": list(names),
            "definitions": [f"{s}: {ZONAL_STATISTICS[s][1]}" for s in names],
            "read_mode": "whole band once" if whole else "one window per polygon",
            **raster_versions(),
        }
    table = pd.DataFrame(rows, index=frame.index, columns=[f"{prefix}{s}" for s in names], dtype=float)
    table = table.astype({f"{prefix}{s}": np.int64 for s in names if s in _INTEGER_STATISTICS})
    empty = counts == 0
    empty_units = tuple(frame.index[empty])
    beyond = ~geometry.within(extent).to_numpy() & ~empty
    partial_units = tuple(frame.index[beyond])
    only_nodata = list(map(str, frame.index[(counts > 0) & (n_valid == 0)]))
    if empty_units:
        msg = (
            f"{len(empty_units)} unit(s) have no cell of {name!r} and get NaN (count 0): "
            f"{list(map(str, empty_units[:20]))}. They lie outside the raster or are smaller than its "
            "cells; for small polygons on a coarse raster use all_touched=True."
        )
        warnings.warn(msg, UserWarning, stacklevel=2)
    if only_nodata:
        msg = (
            f"{len(only_nodata)} unit(s) cover only nodata cells of {name!r} and get NaN (count 0, see "
            f"nodata_count): {only_nodata[:20]}."
        )
        warnings.warn(msg, UserWarning, stacklevel=2)
    if partial_units:
        msg = (
            f"{len(partial_units)} unit(s) reach beyond the extent of {name!r}; their statistics cover "
            f"the part inside only: {list(map(str, partial_units[:20]))}."
        )
        warnings.warn(msg, UserWarning, stacklevel=2)
    return ZonalResult(
        data=table,
        raster=name,
        stats=names,
        prefix=prefix,
        empty_units=empty_units,
        partial_units=partial_units,
        settings=MappingProxyType(settings),
    )
