"""Coordinate reference systems used across the pipeline."""

from __future__ import annotations

#: Global cylindrical equal-area CRS (WGS 84 / NSIDC EASE-Grid 2.0 Global): areas in m².
EQUAL_AREA_CRS = "EPSG:6933"

#: Geographic CRS of every stored geometry.
GEOGRAPHIC_CRS = "EPSG:4326"


def utm_epsg(lon: float, lat: float) -> str:
    """EPSG code of the WGS 84 / UTM zone holding (``lon``, ``lat``), e.g. EPSG:32749 for Blitar."""
    zone = int((lon + 180) // 6) + 1
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"
