"""Neighbour definitions of the spatial weights (:data:`METHODS`): what makes two units neighbours.

* ``queen`` / ``rook``: polygons sharing a vertex / an edge. Computed by the exact vectorised
  builder of :mod:`umkm_geo.weights._contiguity`, which gives the same neighbour sets as libpysal's
  ``Graph.build_contiguity`` about ten times faster;
* ``fuzzy``: polygons that intersect after buffering each by ``tolerance_m`` metres;
* ``knn``: the ``k`` nearest units, by distance between centroids (asymmetric);
* ``distance_band``: every unit whose centroid lies within ``threshold_m`` metres (binary).

Each is a builder of a binary libpysal ``Graph`` with the option of
:func:`umkm_geo.weights.build.build_weights` it reads (``tolerance_m``, ``k``, ``threshold_m``,
checked by :func:`_check_parameter`) and whether it measures in metres; :func:`min_threshold_m` is
the smallest distance band that leaves no island.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from libpysal.graph import Graph

from umkm_geo._crs import utm_crs
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.weights._contiguity import contiguity_graph, is_polygonal

__all__ = ["DEFAULT_K", "METHODS", "min_threshold_m"]

#: Default number of neighbours of ``method="knn"``: GeoDa's default, and close to the mean number
#: of queen neighbours of a kecamatan map (4.4 for Blitar; a large planar partition tends to 6, but
#: units on the edge of a study area have fewer).
DEFAULT_K = 4


def _centroids(metric: gpd.GeoSeries) -> gpd.GeoSeries:
    """Centroids of geometries already in metres, refusing units that share one."""
    points = metric.centroid
    xy = pd.DataFrame(shapely.get_coordinates(points.array), index=metric.index)
    shared = xy.duplicated(keep=False).to_numpy()
    if shared.any():
        msg = (
            f"Units {list(map(str, metric.index[shared]))} have the same centroid, so distance-based "
            "weights cannot tell them apart; merge or remove the duplicated geometries."
        )
        raise AnalysisError(msg)
    return points


def _contiguity(geometry: gpd.GeoSeries, *, rook: bool) -> Graph:
    if not is_polygonal(geometry.array):
        bad = ~geometry.geom_type.isin(["Polygon", "MultiPolygon"])
        msg = (
            f"Contiguity needs Polygon or MultiPolygon geometries; {list(map(str, geometry.index[bad]))} "
            "are not. Use method='knn' or method='distance_band' for points."
        )
        raise AnalysisError(msg)
    return contiguity_graph(geometry.array, geometry.index, rook=rook)


def _queen(geometry: gpd.GeoSeries, _value: Any) -> Graph:
    return _contiguity(geometry, rook=False)


def _rook(geometry: gpd.GeoSeries, _value: Any) -> Graph:
    return _contiguity(geometry, rook=True)


def _fuzzy(metric: gpd.GeoSeries, tolerance_m: float) -> Graph:
    return Graph.build_fuzzy_contiguity(metric, buffer=tolerance_m)


def _knn(metric: gpd.GeoSeries, k: int) -> Graph:
    return Graph.build_knn(_centroids(metric), k=k)


def _distance_band(metric: gpd.GeoSeries, threshold_m: float) -> Graph:
    return Graph.build_distance_band(_centroids(metric), threshold_m, binary=True)


@dataclasses.dataclass(frozen=True)
class _Method:
    build: Callable[[gpd.GeoSeries, Any], Graph]  # (geometry, value of `parameter`) -> binary graph
    parameter: str | None  # the option of build_weights this method reads
    metric: bool  # whether `build` gets the geometry projected to metres (UTM)
    points: str | None  # what distances are measured between
    description: str
    builder: str = "libpysal.graph.Graph"  # the code that finds the neighbours


_FAST = "umkm_geo.weights._contiguity (exact shared vertices/edges, same sets as Graph.build_contiguity)"

_METHODS: Mapping[str, _Method] = MappingProxyType(
    {
        "queen": _Method(_queen, None, False, None, "queen contiguity: polygons sharing at least one vertex", _FAST),
        "rook": _Method(_rook, None, False, None, "rook contiguity: polygons sharing at least one edge", _FAST),
        "fuzzy": _Method(
            _fuzzy,
            "tolerance_m",
            True,
            None,
            "fuzzy contiguity: polygons intersecting after each is buffered by tolerance_m metres",
        ),
        "knn": _Method(_knn, "k", True, "centroid", "k nearest neighbours by distance between centroids"),
        "distance_band": _Method(
            _distance_band,
            "threshold_m",
            True,
            "centroid",
            "binary distance band: units whose centroids are at most threshold_m metres apart",
        ),
    }
)

#: Neighbour definitions accepted by :func:`build_weights`: method name -> description.
METHODS: Mapping[str, str] = MappingProxyType({name: spec.description for name, spec in _METHODS.items()})


def min_threshold_m(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> float:
    """Smallest distance band, in metres, that gives every unit at least one neighbour.

    It is the largest nearest-neighbour distance between the centroids of the units, measured in
    the UTM zone of the study area (:func:`~umkm_geo._crs.utm_crs`), as libpysal's ``min_threshold_distance``
    computes it. ``build_weights(frame, method="distance_band")`` uses it when no ``threshold_m``
    is given.

    Parameters
    ----------
    frame
        At least two geometries with a defined CRS.

    Returns
    -------
    float
        The band in metres.

    Raises
    ------
    ConfigError
        If ``frame`` has no CRS.
    AnalysisError
        If ``frame`` has fewer than two units, or two units share a centroid.
    """
    from libpysal.weights.util import min_threshold_distance

    if len(frame) < 2:
        msg = f"A distance band needs at least two units; the frame has {len(frame)}."
        raise AnalysisError(msg)
    metric = frame.geometry.to_crs(utm_crs(frame))
    return float(min_threshold_distance(shapely.get_coordinates(_centroids(metric).array)))


def _positive(value: Any) -> bool:
    """Whether ``value`` is a finite, positive real number (not a bool)."""
    return not isinstance(value, bool) and isinstance(value, numbers.Real) and math.isfinite(value) and float(value) > 0


def _check_parameter(method: str, value: Any, n: int) -> Any:
    """Validate the parameter of ``method`` and return it as a Python number."""
    if method == "fuzzy":
        if not _positive(value):
            msg = f"tolerance_m must be a positive number of metres for fuzzy contiguity, not {value!r}."
            raise ConfigError(msg)
        return float(value)
    if method == "knn":
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 1 <= int(value) <= n - 1:
            msg = f"k must be an integer from 1 to {n - 1} (the number of other units) for knn weights, not {value!r}."
            raise ConfigError(msg)
        return int(value)
    if method == "distance_band" and value is not None:
        if not _positive(value):
            msg = (
                f"threshold_m must be a positive number of metres for a distance band (or None for "
                f"min_threshold_m(frame)), not {value!r}."
            )
            raise ConfigError(msg)
        return float(value)
    return value
