"""Spatial weights between kecamatan, built with libpysal's :class:`~libpysal.graph.Graph`.

:func:`build_weights` turns a GeoDataFrame indexed by the Kemendagri code into a ``Graph`` whose
ids are those codes, and reports what the neighbour structure looks like (neighbour counts,
islands, connected components) so that every map and statistic can say which weights it used.

Contiguity from boundaries that were digitised separately often misses real neighbours (the
edges do not share vertices, or leave slivers between them). Those units come out as false
*islands*; they are reported with a warning and kept as units without neighbours. Fuzzy
contiguity (``method="fuzzy"``) closes such gaps by buffering every polygon by a tolerance in
metres, after projecting to the UTM zone of the study area.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.graph import Graph

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo._results import result_table

__all__ = ["TRANSFORMS", "WeightsResult", "build_weights", "utm_crs"]

#: Weight transformations accepted by :func:`build_weights` (libpysal ``Graph.transform`` codes).
TRANSFORMS: Mapping[str, str] = {
    "b": "binary (1 for a neighbour, 0 otherwise)",
    "r": "row-standardised (the weights of each unit sum to 1)",
    "d": "doubly standardised (all weights sum to 1)",
    "v": "variance-stabilising",
}

def utm_crs(frame: gpd.GeoDataFrame) -> str:
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
            "The frame has no CRS, so it cannot be projected to metres for fuzzy contiguity; "
            "set it first (e.g. frame.set_crs('EPSG:4326'))."
        )
        raise ConfigError(msg)
    minx, miny, maxx, maxy = frame.to_crs("EPSG:4326").total_bounds
    lon, lat = (minx + maxx) / 2.0, (miny + maxy) / 2.0
    zone = min(math.floor((lon + 180.0) / 6.0) + 1, 60)
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def _queen(geometry: gpd.GeoSeries, _tolerance_m: float) -> Graph:
    return Graph.build_contiguity(geometry, rook=False)


def _rook(geometry: gpd.GeoSeries, _tolerance_m: float) -> Graph:
    return Graph.build_contiguity(geometry, rook=True)


def _fuzzy(geometry: gpd.GeoSeries, tolerance_m: float) -> Graph:
    metric = geometry.to_crs(utm_crs(gpd.GeoDataFrame(geometry=geometry)))
    return Graph.build_fuzzy_contiguity(metric, buffer=tolerance_m)


#: Neighbour definitions: method name -> builder taking (geometry, tolerance in metres).
METHODS: Mapping[str, Callable[[gpd.GeoSeries, float], Graph]] = {
    "queen": _queen,
    "rook": _rook,
    "fuzzy": _fuzzy,
}


@dataclasses.dataclass(frozen=True, eq=False)
class WeightsResult:
    """Spatial weights and a summary of their neighbour structure.

    Attributes
    ----------
    graph
        The libpysal ``Graph``; its ids are the index of the frame (Kemendagri codes). Islands are
        kept as nodes without neighbours.
    method
        ``"queen"``, ``"rook"`` or ``"fuzzy"``.
    tolerance_m
        Buffer in metres applied to every polygon (fuzzy contiguity only, else ``None``).
    transform
        Weight transformation code (see :data:`TRANSFORMS`).
    metric_crs
        The projected CRS used to buffer in metres (fuzzy contiguity only, else ``None``).
    n
        Number of units.
    mean_neighbours, min_neighbours, max_neighbours
        Neighbour counts over all units (islands count as 0).
    islands
        Ids of the units without any neighbour, in frame order.
    n_components
        Number of connected components of the neighbour graph (each island is one).
    n_joins
        Number of neighbour pairs (each pair counted once).
    id_name
        Name of the index of the frame (e.g. ``"kode"``), used for :meth:`summary_table`.
    """

    graph: Graph
    method: str
    tolerance_m: float | None
    transform: str
    metric_crs: str | None
    n: int
    mean_neighbours: float
    min_neighbours: int
    max_neighbours: int
    islands: tuple[Any, ...]
    n_components: int
    n_joins: int
    id_name: Any = None

    def summary_table(self) -> pd.DataFrame:
        """Neighbour counts per unit.

        Returns
        -------
        pandas.DataFrame
            Indexed like the frame the weights were built from, with the columns
            ``n_neighbours``, ``island`` (bool), ``component`` (connected-component label) and
            ``neighbours`` (the neighbouring ids joined with ``"; "``).
        """
        ids = pd.Index(self.graph.unique_ids)
        neighbours = self.graph.neighbors
        table = pd.DataFrame(
            {
                "n_neighbours": self.graph.cardinalities.reindex(ids).astype(int).to_numpy(),
                "island": ids.isin(list(self.islands)),
                "component": self.graph.component_labels.reindex(ids).astype(int).to_numpy(),
                "neighbours": ["; ".join(map(str, neighbours[i])) for i in ids],
            },
            index=ids,
        )
        table.index.name = self.id_name
        return table

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        return {
            "result": "weights",
            "statistics": {
                "n": self.n,
                "mean_neighbours": self.mean_neighbours,
                "min_neighbours": self.min_neighbours,
                "max_neighbours": self.max_neighbours,
                "n_islands": len(self.islands),
                "islands": [str(i) for i in self.islands],
                "n_components": self.n_components,
                "n_joins": self.n_joins,
            },
            "settings": {
                "method": self.method,
                "tolerance_m": self.tolerance_m,
                "transform": self.transform,
                "transform_description": TRANSFORMS[self.transform],
                "metric_crs": self.metric_crs,
            },
        }

    def table(self) -> pd.DataFrame:
        """Return :meth:`to_dict` as a long table (see :func:`result_table`)."""
        return result_table(self.to_dict())


def build_weights(
    frame: gpd.GeoDataFrame,
    *,
    method: str = "queen",
    tolerance_m: float = 75.0,
    transform: str = "r",
) -> WeightsResult:
    """Build spatial weights between the units of ``frame``.

    Parameters
    ----------
    frame
        Polygons indexed by a unique code (the Kemendagri ``kode``); any CRS for queen and rook,
        a defined CRS for fuzzy contiguity.
    method
        ``"queen"`` (shared vertex), ``"rook"`` (shared edge) or ``"fuzzy"`` (polygons that
        intersect after buffering each by ``tolerance_m`` metres; see Notes).
    tolerance_m
        Buffer distance in metres for ``method="fuzzy"``; ignored (and recorded as ``None``)
        for queen and rook.
    transform
        Weight transformation, one of :data:`TRANSFORMS`; row-standardised (``"r"``) by default.

    Returns
    -------
    WeightsResult
        The graph (ids = ``frame.index``) and a summary of its neighbour structure.

    Raises
    ------
    ConfigError
        For an unknown ``method`` or ``transform``, a non-positive ``tolerance_m`` with fuzzy
        contiguity, or a frame without CRS when fuzzy contiguity needs one.
    AnalysisError
        If the frame is empty, its index has duplicates, or a geometry is missing or empty.

    Warns
    -----
    UserWarning
        When some units have no neighbour (islands). They are kept in the graph without
        neighbours and listed in :attr:`WeightsResult.islands`.

    Notes
    -----
    Fuzzy contiguity projects the polygons to the UTM zone that contains the centre of the
    study area (:func:`utm_crs`, EPSG:32749 for Blitar) and calls
    ``Graph.build_fuzzy_contiguity(buffer=tolerance_m)``. Every polygon is buffered by
    ``tolerance_m``, so two polygons become neighbours when the gap between them is at most
    ``2 * tolerance_m``; polygons touching at a single point are neighbours too (queen-like).
    """
    if method not in METHODS:
        msg = f"Unknown weights method {method!r}; use one of {sorted(METHODS)}."
        raise ConfigError(msg)
    transform_key = str(transform).lower()
    if transform_key not in TRANSFORMS:
        msg = f"Unknown weights transform {transform!r}; use one of {sorted(TRANSFORMS)}."
        raise ConfigError(msg)
    if method == "fuzzy" and not (np.isfinite(tolerance_m) and tolerance_m > 0):
        msg = f"tolerance_m must be a positive number of metres for fuzzy contiguity, not {tolerance_m!r}."
        raise ConfigError(msg)
    if len(frame) == 0:
        msg = "Cannot build weights for an empty frame."
        raise AnalysisError(msg)
    if not frame.index.is_unique:
        dupes = sorted(map(str, set(frame.index[frame.index.duplicated()])))
        msg = f"The frame index must be unique to name the units of the weights; duplicated: {dupes}."
        raise AnalysisError(msg)
    geometry = frame.geometry
    bad = geometry.isna() | geometry.is_empty
    if bad.any():
        msg = f"Units without geometry cannot get neighbours: {list(map(str, frame.index[bad]))}."
        raise AnalysisError(msg)

    metric_crs = utm_crs(frame) if method == "fuzzy" else None
    graph = METHODS[method](geometry, tolerance_m).transform(transform_key.upper())

    cardinalities = graph.cardinalities.reindex(frame.index)
    islands = tuple(i for i in frame.index if cardinalities[i] == 0)
    if islands:
        msg = (
            f"{len(islands)} unit(s) have no {method} neighbour and are kept as islands "
            f"without neighbours: {[str(i) for i in islands]}. Separately digitised boundaries "
            "often cause this; consider method='fuzzy'."
        )
        warnings.warn(msg, UserWarning, stacklevel=2)

    return WeightsResult(
        graph=graph,
        method=method,
        tolerance_m=float(tolerance_m) if method == "fuzzy" else None,
        transform=transform_key,
        metric_crs=metric_crs,
        n=int(graph.n),
        mean_neighbours=float(cardinalities.mean()),
        min_neighbours=int(cardinalities.min()),
        max_neighbours=int(cardinalities.max()),
        islands=islands,
        n_components=int(graph.n_components),
        n_joins=int(cardinalities.sum() // 2),
        id_name=frame.index.name,
    )
