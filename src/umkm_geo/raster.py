"""Raster covariates per kecamatan and a UMKM density surface, with rasterio.

The two raster tools live in their own modules; this module gathers their public names so that
``from umkm_geo.raster import zonal_statistics`` keeps working:

* :func:`~umkm_geo.zonal.zonal_statistics` -- statistics of one band of a GeoTIFF (population
  grid, night lights, elevation) over each polygon of a frame, with the polygons reprojected to
  the raster's CRS (the raster is never warped); use ``sum`` on *count* rasters and ``mean`` on
  *density* rasters;
* :func:`~umkm_geo.density.density_surface` -- a GeoTIFF of UMKM per km² on a square
  metric grid, from kecamatan counts (spread uniformly over each polygon's cells, so the surface
  integrates exactly to the total) or weighted points, optionally smoothed by a kernel that keeps
  every count inside the study area.

Helpers the two share (input-frame checks, boolean options, library versions) are in
:mod:`umkm_geo._raster_io`.
"""

from __future__ import annotations

from umkm_geo.density import (
    DENSITY_METHODS,
    DENSITY_NODATA,
    DENSITY_UNITS,
    KERNELS,
    DensityResult,
    density_surface,
)
from umkm_geo.zonal import ZONAL_STATISTICS, ZonalResult, zonal_statistics

__all__ = [
    "DENSITY_METHODS",
    "DENSITY_NODATA",
    "DENSITY_UNITS",
    "KERNELS",
    "ZONAL_STATISTICS",
    "DensityResult",
    "ZonalResult",
    "density_surface",
    "zonal_statistics",
]
