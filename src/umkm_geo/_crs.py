"""Coordinate reference systems used across the pipeline: the fixed CRSs and the one UTM helper."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from umkm_geo._errors import ConfigError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["EQUAL_AREA_CRS", "GEOGRAPHIC_CRS", "utm_crs", "utm_epsg"]

#: Global cylindrical equal-area CRS (WGS 84 / NSIDC EASE-Grid 2.0 Global): areas in m².
EQUAL_AREA_CRS = "EPSG:6933"

#: Geographic CRS of every stored geometry.
GEOGRAPHIC_CRS = "EPSG:4326"


def utm_epsg(lon: float, lat: float) -> str:
    """EPSG code of the WGS 84 / UTM zone holding (``lon``, ``lat``), e.g. EPSG:32749 for Blitar."""
    zone = min(math.floor((lon + 180.0) / 6.0) + 1, 60)
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def utm_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> str:
    """Return the WGS 84 / UTM zone that contains the centre of ``frame``.

    Parameters
    ----------
    frame
        Geometries with a defined CRS.

    Returns
    -------
    str
        An EPSG code such as ``"EPSG:32749"`` (UTM zone 49 south, which covers Blitar).

    Raises
    ------
    ConfigError
        If ``frame`` has no CRS, so that its coordinates cannot be placed on the globe.
    """
    if frame.crs is None:
        msg = (
            "The frame has no CRS, so it cannot be projected to metres (needed by fuzzy contiguity, "
            "knn, distance bands and islands='nearest'); set it first (e.g. frame.set_crs('EPSG:4326'))."
        )
        raise ConfigError(msg)
    minx, miny, maxx, maxy = frame.to_crs(GEOGRAPHIC_CRS).total_bounds
    return utm_epsg((minx + maxx) / 2.0, (miny + maxy) / 2.0)
