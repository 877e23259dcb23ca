"""Checks and records shared by :mod:`umkm_geo.indicators.zonal` and :mod:`umkm_geo.indicators.density`.

Both tools place a GeoDataFrame on a raster grid, so both need the same input check (a geo
frame with a CRS and unique unit codes), the same check of boolean options and the same record
of the raster libraries used.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import rasterio

from umkm_geo._errors import ConfigError, TableError
from umkm_geo._validate import repeated

__all__ = ["check_flag", "check_frame", "raster_versions"]


def check_frame(frame: gpd.GeoDataFrame | gpd.GeoSeries, what: str) -> None:
    """Refuse anything but a GeoDataFrame or GeoSeries with a CRS and unique unit codes.

    Parameters
    ----------
    frame
        The input to check.
    what
        Its name in the messages (the argument name, e.g. ``"frame"`` or ``"mask"``).

    Raises
    ------
    TableError
        If ``frame`` is not a GeoDataFrame/GeoSeries, or its index has duplicated codes.
    ConfigError
        If ``frame`` has no CRS.
    """
    if not isinstance(frame, gpd.GeoDataFrame | gpd.GeoSeries):
        msg = f"{what} must be a GeoDataFrame indexed by unit code, not {type(frame).__name__}."
        raise TableError(msg)
    if frame.crs is None:
        msg = f"{what} has no CRS, so it cannot be placed on the raster; set it first (frame.set_crs('EPSG:4326'))."
        raise ConfigError(msg)
    dupes = repeated(frame.index)
    if dupes:
        msg = f"The index of {what} has duplicated unit codes: {dupes[:10]}; make the codes unique."
        raise TableError(msg)


def check_flag(value: Any, name: str) -> None:
    """Refuse a boolean option ``name`` that is not exactly ``True`` or ``False`` (raise ConfigError)."""
    if not isinstance(value, bool):
        msg = f"{name} must be True or False, not {value!r}."
        raise ConfigError(msg)


def raster_versions() -> dict[str, str]:
    """Versions of rasterio, the GDAL it wraps and numpy, for the settings of a result."""
    return {
        "rasterio_version": rasterio.__version__,
        "gdal_version": rasterio.__gdal_version__,
        "numpy_version": np.__version__,
    }
