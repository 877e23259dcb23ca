"""Spatial weights between kecamatan, built with libpysal's :class:`~libpysal.graph.Graph`.

:func:`build_weights` turns a GeoDataFrame indexed by the Kemendagri code into a ``Graph`` whose
ids are those codes, and reports what the neighbour structure looks like (neighbour counts,
islands, connected components, symmetry) so that every map and statistic can say which weights
it used. The neighbour definitions (queen, rook, fuzzy, knn, distance band) are
:data:`umkm_geo.weights.methods.METHODS`.

Distances and buffers are in metres in the UTM zone of the study area (:func:`umkm_geo._crs.utm_crs`).

Contiguity from boundaries that were digitised separately often misses real neighbours (the
edges do not share vertices, or leave slivers between them). Those units come out as false
*islands*. The island policy decides what happens to them: ``islands="keep"`` (default) keeps
them as units without neighbours (local statistics leave them out, maps show "no neighbours");
``islands="nearest"`` links each to the unit whose boundary is nearest, in both directions. Both
warn and name the units.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from libpysal.graph import Graph
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from umkm_geo._crs import utm_crs
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo._validate import listing, repeated
from umkm_geo.results import TableMixin, payload
from umkm_geo.weights._contiguity import binary_graph
from umkm_geo.weights.methods import _METHODS, DEFAULT_K, _check_parameter, min_threshold_m

__all__ = [
    "ISLAND_POLICIES",
    "TRANSFORMS",
    "WeightsResult",
    "build_weights",
]

#: Weight transformations accepted by :func:`build_weights` (libpysal ``Graph.transform`` codes).
TRANSFORMS: Mapping[str, str] = MappingProxyType(
    {
        "b": "binary (1 for a neighbour, 0 otherwise)",
        "r": "row-standardised (the weights of each unit sum to 1)",
        "d": "doubly standardised (all weights sum to 1)",
        "v": "variance-stabilising",
    }
)

#: What happens to units without neighbours.
ISLAND_POLICIES: Mapping[str, str] = MappingProxyType(
    {
        "keep": "kept as units without neighbours (left out of local statistics)",
        "nearest": "each linked, in both directions, to the unit whose boundary is nearest (metres)",
    }
)

_LIST_AT_MOST = 20


@dataclasses.dataclass(frozen=True, eq=False)
class WeightsResult(TableMixin):
    """Spatial weights and a summary of their neighbour structure.

    Attributes
    ----------
    graph
        The libpysal ``Graph``, transformed; its ids are the index of the frame (Kemendagri
        codes). Islands left by the island policy are nodes without neighbours.
    method
        One of :data:`~umkm_geo.weights.methods.METHODS`.
    tolerance_m
        Buffer in metres applied to every polygon (fuzzy contiguity only, else ``None``).
    transform
        Weight transformation code (see :data:`TRANSFORMS`).
    metric_crs
        The projected CRS in which metres were measured (fuzzy, knn, distance band, and islands
        attached by ``islands="nearest"``), else ``None``.
    n
        Number of units.
    mean_neighbours, min_neighbours, max_neighbours
        Neighbour counts over all units (islands count as 0), after the island policy.
    islands
        Ids of the units without any neighbour after the island policy, in frame order.
    n_components
        Number of connected components of the neighbour graph (each island is one).
    n_joins
        Number of linked pairs of units, each pair counted once (linked in either direction).
    id_name
        Name of the index of the frame (e.g. ``"kode"``), used for :meth:`summary_table`.
    k
        Number of neighbours (knn only, else ``None``).
    threshold_m
        Distance band in metres (distance band only, else ``None``).
    threshold_rule
        ``"given"`` or ``"min_threshold_m"`` (the band was not given, see
        :func:`~umkm_geo.weights.methods.min_threshold_m`); ``None`` for other methods.
    island_policy
        One of :data:`ISLAND_POLICIES`.
    islands_before
        Ids of the units that had no neighbour under ``method``, before the island policy.
    attached
        ``(island, neighbour, distance_m)`` for each island linked by ``islands="nearest"``.
    n_links
        Number of directed links (``i -> j``), i.e. non-zero weights.
    pct_nonzero
        Percentage of the ``n * n`` weights that are non-zero, ``100 * n_links / n**2``.
    symmetric
        Whether ``j`` is a neighbour of ``i`` exactly when ``i`` is one of ``j`` (the neighbour
        structure; row-standardised weights themselves are not symmetric). knn usually is not.
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
    k: int | None = None
    threshold_m: float | None = None
    threshold_rule: str | None = None
    island_policy: str = "keep"
    islands_before: tuple[Any, ...] = ()
    attached: tuple[tuple[Any, Any, float], ...] = ()
    n_links: int = 0
    pct_nonzero: float = 0.0
    symmetric: bool = True

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

    def histogram(self) -> pd.DataFrame:
        """Number of units by number of neighbours.

        Returns
        -------
        pandas.DataFrame
            One row per neighbour count from :attr:`min_neighbours` to :attr:`max_neighbours`
            (counts that no unit has are listed with 0), with the columns ``n_neighbours`` and
            ``n_units``; ``n_units`` sums to :attr:`n`.
        """
        counts = self.graph.cardinalities.astype(int).value_counts()
        values = np.arange(self.min_neighbours, self.max_neighbours + 1)
        return pd.DataFrame({"n_neighbours": values, "n_units": counts.reindex(values, fill_value=0).to_numpy()})

    def _description(self, text: str) -> str:
        """The method's description with the run's own numbers in place of the parameter names."""
        numbers = {"tolerance_m": self.tolerance_m, "threshold_m": self.threshold_m}
        for name, value in numbers.items():
            if value is not None:
                text = text.replace(name, f"{value:g}")
        return text.replace("k nearest", f"{self.k} nearest") if self.method == "knn" and self.k else text

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        import libpysal

        statistics = {
            "n": self.n,
            "mean_neighbours": self.mean_neighbours,
            "min_neighbours": self.min_neighbours,
            "max_neighbours": self.max_neighbours,
            "n_islands": len(self.islands),
            "islands": [str(i) for i in self.islands],
            "n_islands_before_policy": len(self.islands_before),
            "islands_before_policy": [str(i) for i in self.islands_before],
            "attached": [f"{i} -> {j} ({d:.1f} m)" for i, j, d in self.attached],
            "n_components": self.n_components,
            "n_joins": self.n_joins,
            "n_links": self.n_links,
            "pct_nonzero": self.pct_nonzero,
            "symmetric": self.symmetric,
        }
        spec = _METHODS[self.method]
        settings = {
            "method": self.method,
            "method_description": self._description(spec.description),
            "tolerance_m": self.tolerance_m,
            "k": self.k,
            "threshold_m": self.threshold_m,
            "threshold_rule": self.threshold_rule,
            "points": spec.points,
            "islands": self.island_policy,
            "islands_description": ISLAND_POLICIES[self.island_policy],
            "transform": self.transform,
            "transform_description": TRANSFORMS[self.transform],
            "metric_crs": self.metric_crs,
            "builder": spec.builder,
            "libpysal_version": libpysal.__version__,
            "shapely_version": shapely.__version__,
        }
        return payload("weights", statistics, settings)


def _links(graph: Graph, ids: pd.Index) -> np.ndarray:
    """Sorted int64 keys ``i * n + j`` (positions in ``ids``) of the non-zero links of ``graph``."""
    adjacency = graph.adjacency
    index = adjacency.index
    focal = ids.get_indexer(index.levels[0])[index.codes[0]]
    neighbour = ids.get_indexer(index.levels[1])[index.codes[1]]
    keep = (adjacency.to_numpy() != 0) & (focal != neighbour)
    return np.sort(focal[keep].astype(np.int64) * len(ids) + neighbour[keep])


def _nearest(metric: gpd.GeoSeries, positions: np.ndarray) -> list[tuple[int, int, float]]:
    """For each unit at ``positions``: (position, position of the nearest other unit, distance).

    Distance is between boundaries (0 when they touch); ties go to the unit first in the frame.
    Units with no other unit at all are left out.
    """
    geoms = np.asarray(metric.array)
    tree = shapely.STRtree(geoms)
    (source, target), distance = tree.query_nearest(
        geoms[positions], exclusive=True, return_distance=True, all_matches=True
    )
    keep = positions[source] != target
    source, target, distance = source[keep], target[keep], distance[keep]
    order = np.lexsort((target, distance, source))
    first = order[np.r_[True, source[order][1:] != source[order][:-1]]] if len(order) else order
    return [(int(positions[source[i]]), int(target[i]), float(distance[i])) for i in first]


def _island_hint(method: str, frame: gpd.GeoDataFrame) -> str:
    if method == "distance_band":
        return f"use threshold_m >= min_threshold_m(frame) = {min_threshold_m(frame):.1f} m or islands='nearest'"
    if method == "fuzzy":
        return "use a larger tolerance_m or islands='nearest'"
    return "separately digitised boundaries often cause this; consider method='fuzzy' or islands='nearest'"


def build_weights(
    frame: gpd.GeoDataFrame,
    *,
    method: str = "queen",
    tolerance_m: float = 75.0,
    k: int = DEFAULT_K,
    threshold_m: float | None = None,
    islands: str = "keep",
    transform: str = "r",
) -> WeightsResult:
    """Build spatial weights between the units of ``frame``.

    Parameters
    ----------
    frame
        Polygons indexed by a unique code (the Kemendagri ``kode``); any CRS for queen and rook,
        a defined CRS for the other methods and for ``islands="nearest"``. knn and distance
        bands also accept points.
    method
        One of :data:`~umkm_geo.weights.methods.METHODS`: ``"queen"`` (shared vertex),
        ``"rook"`` (shared edge), ``"fuzzy"`` (polygons that intersect after buffering each by
        ``tolerance_m`` metres), ``"knn"`` (the ``k`` nearest centroids) or ``"distance_band"``
        (centroids at most ``threshold_m`` metres apart).
    tolerance_m
        Buffer distance in metres for ``method="fuzzy"``; ignored (and recorded as ``None``)
        otherwise.
    k
        Number of neighbours for ``method="knn"``, from 1 to ``len(frame) - 1``; default
        :data:`~umkm_geo.weights.methods.DEFAULT_K`. Ignored (recorded as ``None``) otherwise.
    threshold_m
        Band in metres for ``method="distance_band"``; ``None`` uses
        :func:`~umkm_geo.weights.methods.min_threshold_m`, the smallest band that leaves no
        island. Ignored (recorded as ``None``) otherwise.
    islands
        Island policy, one of :data:`ISLAND_POLICIES`: ``"keep"`` (default) or ``"nearest"``.
    transform
        Weight transformation, one of :data:`TRANSFORMS`; row-standardised (``"r"``) by default.
        Applied after the island policy.

    Returns
    -------
    WeightsResult
        The graph (ids = ``frame.index``) and a summary of its neighbour structure.

    Raises
    ------
    ConfigError
        For an unknown ``method``, ``transform`` or ``islands``, a parameter of the method out of
        its range (``tolerance_m`` or ``threshold_m`` not positive, ``k`` not in 1 to n - 1), or a
        frame without CRS when metres are needed.
    AnalysisError
        If the frame is empty, its index has duplicates, a geometry is missing or empty, a
        geometry is not a polygon with queen or rook, or two units share a centroid with knn or
        distance bands.

    Warns
    -----
    UserWarning
        When some units have no neighbour (islands), naming them: with ``islands="keep"`` they
        stay without neighbours (:attr:`WeightsResult.islands`); with ``islands="nearest"`` each
        is linked to its nearest unit (:attr:`WeightsResult.attached`).

    Notes
    -----
    Metres are measured in the UTM zone that contains the centre of the study area
    (:func:`~umkm_geo._crs.utm_crs`, EPSG:32749 for Blitar). Fuzzy contiguity calls
    ``Graph.build_fuzzy_contiguity(buffer=tolerance_m)``: every polygon is buffered by
    ``tolerance_m``, so two polygons become neighbours when the gap between them is at most
    ``2 * tolerance_m``; polygons touching at a single point are neighbours too (queen-like).
    knn (``Graph.build_knn``) and distance bands (``Graph.build_distance_band``, binary, a
    distance equal to the band counts) use the centroids of the polygons. knn links are
    directed: ``j`` among the ``k`` nearest of ``i`` does not make ``i`` one of ``j``'s.

    With ``islands="nearest"``, distance is between polygon boundaries (0 when they touch
    without sharing a vertex), ties go to the unit that comes first in the frame, and each
    link is added in both directions with weight 1 before the transform.
    """
    if method not in _METHODS:
        msg = f"Unknown weights method {method!r}; use one of {sorted(_METHODS)}."
        raise ConfigError(msg)
    transform_key = str(transform).lower()
    if transform_key not in TRANSFORMS:
        msg = f"Unknown weights transform {transform!r}; use one of {sorted(TRANSFORMS)}."
        raise ConfigError(msg)
    if islands not in ISLAND_POLICIES:
        msg = f"Unknown island policy islands={islands!r}; use one of {sorted(ISLAND_POLICIES)}."
        raise ConfigError(msg)
    spec = _METHODS[method]
    if len(frame) == 0:
        msg = "Cannot build weights for an empty frame."
        raise AnalysisError(msg)
    dupes = repeated(frame.index)
    if dupes:
        msg = f"The frame index must be unique to name the units of the weights; duplicated: {dupes}."
        raise AnalysisError(msg)
    geometry = frame.geometry
    bad = geometry.isna() | geometry.is_empty
    if bad.any():
        msg = f"Units without geometry cannot get neighbours: {list(map(str, frame.index[bad]))}."
        raise AnalysisError(msg)
    values = {"tolerance_m": tolerance_m, "k": k, "threshold_m": threshold_m}
    value = _check_parameter(method, values[spec.parameter], len(frame)) if spec.parameter else None
    threshold_rule = None
    if method == "distance_band":
        threshold_rule = "given" if value is not None else "min_threshold_m"
        value = value if value is not None else min_threshold_m(frame)

    metric_crs = utm_crs(frame) if spec.metric else None
    metric = geometry.to_crs(metric_crs) if spec.metric else None
    ids = pd.Index(frame.index)
    graph = spec.build(metric if spec.metric else geometry, value)
    links = _links(graph, ids)
    n = len(ids)
    counts = np.bincount(links // n, minlength=n)
    islands_before = tuple(ids[counts == 0])

    attached: tuple[tuple[Any, Any, float], ...] = ()
    if islands_before and islands == "nearest" and n > 1:
        metric_crs = metric_crs or utm_crs(frame)
        metric = metric if metric is not None else geometry.to_crs(metric_crs)
        nearest = _nearest(metric, np.flatnonzero(counts == 0))
        added = np.asarray([(i * n + j, j * n + i) for i, j, _ in nearest], dtype=np.int64).reshape(-1)
        links = np.unique(np.concatenate([links, added]))
        graph = binary_graph(links, ids)
        counts = np.bincount(links // n, minlength=n)
        attached = tuple((ids[i], ids[j], d) for i, j, d in nearest)
        named = [f"{i} -> {j} ({d:.1f} m)" for i, j, d in attached]
        msg = (
            f"{len(attached)} unit(s) had no {method} neighbour and were each linked (both ways) to the "
            f"unit with the nearest boundary in {metric_crs} (islands='nearest'):"
            f" {listing(named, limit=_LIST_AT_MOST)}."
        )
        warnings.warn(msg, UserWarning, stacklevel=2)
    island_ids = tuple(ids[counts == 0])
    if island_ids:
        msg = (
            f"{len(island_ids)} unit(s) have no {method} neighbour and are kept as islands without "
            f"neighbours: {listing(island_ids, limit=_LIST_AT_MOST)}; {_island_hint(method, frame)}."
        )
        warnings.warn(msg, UserWarning, stacklevel=2)

    heads, tails = np.divmod(links, n)
    reverse = np.sort(tails * n + heads)
    reciprocated = int(np.isin(links, reverse, assume_unique=True, kind="sort").sum()) if len(links) else 0
    n_components, _ = connected_components(
        sparse.coo_array((np.ones(len(links)), (heads, tails)), shape=(n, n)), directed=True, connection="weak"
    )
    graph = graph.transform(transform_key.upper())
    return WeightsResult(
        graph=graph,
        method=method,
        tolerance_m=value if method == "fuzzy" else None,
        transform=transform_key,
        metric_crs=metric_crs,
        n=n,
        mean_neighbours=float(counts.mean()),
        min_neighbours=int(counts.min()),
        max_neighbours=int(counts.max()),
        islands=island_ids,
        n_components=int(n_components),
        n_joins=len(links) - reciprocated // 2,  # a reciprocated pair is two links but one join
        id_name=frame.index.name,
        k=value if method == "knn" else None,
        threshold_m=value if method == "distance_band" else None,
        threshold_rule=threshold_rule,
        island_policy=islands,
        islands_before=islands_before,
        attached=attached,
        n_links=len(links),
        pct_nonzero=100.0 * len(links) / n**2,
        symmetric=reciprocated == len(links),
    )
