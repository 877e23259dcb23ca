"""The gap between groups of kecamatan, with the area-wide inequality measures, in one table.

:func:`gap_table` builds the table a report prints for one grouping of the units (Blitar utara,
Blitar selatan, Kota Blitar): per-group summaries, the difference of means of every pair of groups
with its permutation test (:func:`umkm_geo.stats.inequality.gap.group_gap`), and the area-wide measures --
Theil's T decomposed by group, Williamson's index, the Gini (:mod:`umkm_geo.stats.inequality.indices`)
and, given a graph, Rey & Smith's spatial Gini (:mod:`umkm_geo.stats.inequality.spatial_gini`).

The measures themselves are re-exported here, so ``from umkm_geo.stats.inequality.gap_table import theil`` works.
Inputs are pandas Series indexed by unit id (the Kemendagri code); units with missing data raise
:class:`AnalysisError` naming them, or, with ``drop_missing=True``, are left out with a warning and
listed in ``dropped``.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pandas as pd
from libpysal.graph import Graph

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo._provenance import versions
from umkm_geo.results import TableMixin, payload
from umkm_geo.stats._disparity_input import (
    _WEIGHTING,
    _check_series,
    _grouping_name,
    _order_of_appearance,
    _prepare,
    _Prepared,
    _weighted_mean,
    _weights,
)
from umkm_geo.stats._inference import _check_permutations, _name
from umkm_geo.stats.inequality.gap import GAP_P_VALUE_DEFINITION, group_gap
from umkm_geo.stats.inequality.indices import (
    INDEX_DEFINITIONS,
    GiniResult,
    TheilResult,
    WilliamsonResult,
    _cv,
    _gini_from,
    _theil_from,
    _williamson_from,
    gini,
    theil,
    williamson,
)
from umkm_geo.stats.inequality.spatial_gini import (
    SPATIAL_GINI_DEFINITIONS,
    SpatialGiniResult,
    _check_graph,
    _spatial_gini_from,
    spatial_gini,
)

__all__ = [
    "DEFINITIONS",
    "SINGLETON_P_VALUE",
    "GapTable",
    "GiniResult",
    "SpatialGiniResult",
    "TheilResult",
    "WilliamsonResult",
    "gap_table",
    "gini",
    "spatial_gini",
    "theil",
    "williamson",
]


#: Definition of every measure of the measures table: the indices, then the spatial Gini.
DEFINITIONS: Mapping[str, str] = MappingProxyType({**INDEX_DEFINITIONS, **SPATIAL_GINI_DEFINITIONS})

#: How :func:`gap_table` treats a pair with a group of one unit.
SINGLETON_P_VALUE = (
    "A pair with a group of one unit gets p_value = NaN with a warning: the permutation test would only rank "
    "that one unit among the units of the pair, not compare two groups. difference and ratio are still reported."
)


_MEASURE_COLUMNS = ("measure", "grouping", "value", "weighted", "definition")
_PAIR_COLUMNS = ("a", "b", "n_a", "n_b", "mean_a", "mean_b", "difference", "ratio", "p_value")


@dataclasses.dataclass(frozen=True, eq=False)
class GapTable(TableMixin):
    """Per-group summaries, pairwise gaps and area-wide inequality for one grouping.

    Attributes
    ----------
    variable
        Name of the variable (the Series name).
    grouping
        Name of the grouping of the per-group and pair tables.
    groups
        Per-group summary; read it through :meth:`groups_frame`.
    pairs
        One row per compared pair; read it through :meth:`pairs_frame`.
    measures
        Area-wide measures; read it through :meth:`measures_frame`.
    theil
        Theil decomposition per grouping name (the main grouping first, then ``theil_by``).
    gini, gini_weighted, williamson, spatial
        The other results (``gini_weighted`` and ``williamson`` need population; ``spatial``
        a graph); None when not computed.
    gaps
        The :class:`umkm_geo.stats.inequality.gap.GapResult` of every pair, in the order of :meth:`pairs_frame`.
    dropped
        Ids of the units left out for missing data.
    permutations, seed
        Permutation settings (for the pair tests and the spatial Gini).
    settings
        Definitions, weighting, pair order, missing-data handling and versions.
    """

    variable: str | None
    grouping: str
    groups: pd.DataFrame
    pairs: pd.DataFrame
    measures: pd.DataFrame
    theil: Mapping[str, TheilResult]
    gini: GiniResult
    gini_weighted: GiniResult | None
    williamson: WilliamsonResult | None
    spatial: SpatialGiniResult | None
    gaps: tuple[Any, ...]
    dropped: tuple[str, ...]
    permutations: int
    seed: int
    settings: Mapping[str, Any]

    def groups_frame(self) -> pd.DataFrame:
        """Per-group summary (a copy).

        Returns
        -------
        pandas.DataFrame
            Indexed by group in order of first appearance, with ``n``, ``mean``, ``median``,
            ``min``, ``max`` (unweighted, of ``x``) and ``share_of_total`` (the group's share of
            ``sum(p x)``, e.g. of all UMKM when ``x`` is per resident; of ``sum(x)`` without
            population); with population also ``population``, ``population_share`` and
            ``weighted_mean`` (``sum(p x) / sum(p)``, the group's own rate); with area also
            ``area``, ``area_share`` and ``area_weighted_mean`` (``sum(a x) / sum(a)``, the
            group's own density when ``x`` is per km²).
        """
        return self.groups.copy()

    def pairs_frame(self) -> pd.DataFrame:
        """Pairwise gaps (a copy).

        Returns
        -------
        pandas.DataFrame
            One row per pair with ``a``, ``b``, ``n_a``, ``n_b``, ``mean_a``, ``mean_b``,
            ``difference`` (``mean_a - mean_b``), ``ratio`` (``mean_a / mean_b``) and the two-sided
            permutation ``p_value`` (NaN for a group of one unit, see :data:`SINGLETON_P_VALUE`).
        """
        return self.pairs.copy()

    def measures_frame(self) -> pd.DataFrame:
        """Area-wide measures (a copy).

        Returns
        -------
        pandas.DataFrame
            One row per measure with ``measure``, ``grouping`` (the grouping of a Theil
            decomposition, else None), ``value``, ``weighted`` (True when weighted by population)
            and ``definition`` (see :data:`DEFINITIONS`).
        """
        return self.measures.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        statistics: dict[str, Any] = {"variable": self.variable, "n": int(self.groups["n"].sum())}
        for row in self.measures.itertuples(index=False):
            key = row.measure if row.grouping is None else f"{row.measure}:{row.grouping}"
            statistics[key] = row.value
        for g, row in self.groups.iterrows():
            for column, value in row.items():
                statistics[f"{column}:{g}"] = int(value) if column == "n" else value
        for row in self.pairs.itertuples(index=False):
            for column in ("difference", "ratio", "p_value"):
                statistics[f"{column}:{row.a}-{row.b}"] = getattr(row, column)
        return payload("gap_table", statistics, dict(self.settings))


def _group_summary(prepared: _Prepared, grouping: str) -> pd.DataFrame:
    x, area = prepared.x, prepared.area
    labels = prepared.groupings[grouping]
    p = pd.Series(_weights(prepared), index=x.index)
    px = p * x
    rows = {}
    for g in _order_of_appearance(labels):
        v = x[labels == g]
        row: dict[str, Any] = {
            "n": len(v),
            "mean": float(v.mean()),
            "median": float(v.median()),
            "min": float(v.min()),
            "max": float(v.max()),
            "share_of_total": float(px[v.index].sum() / px.sum()),
        }
        if prepared.population is not None:
            pop = prepared.population[v.index]
            row["population"] = float(pop.sum())
            row["population_share"] = float(pop.sum() / prepared.population.sum())
            row["weighted_mean"] = _weighted_mean(v.to_numpy(), pop.to_numpy())
        if area is not None:
            a = area[v.index]
            row["area"] = float(a.sum())
            row["area_share"] = float(a.sum() / area.sum())
            row["area_weighted_mean"] = _weighted_mean(v.to_numpy(), a.to_numpy())
        rows[g] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = grouping
    return table.astype({"n": int})


def _pairs(labels: pd.Series, pairs: Sequence[Sequence[Any]] | None) -> list[tuple[Any, Any]]:
    present = _order_of_appearance(labels)
    if pairs is None:
        return list(itertools.combinations(present, 2))
    checked = []
    for pair in pairs:
        if isinstance(pair, str) or len(pair) != 2:
            msg = f"Each pair must be two group labels such as ('utara', 'selatan'), not {pair!r}."
            raise ConfigError(msg)
        a, b = pair
        unknown = [g for g in (a, b) if g not in set(present)]
        if unknown:
            msg = f"Unknown group(s) {unknown} in pair {tuple(pair)!r}; the groups present are {present}."
            raise ConfigError(msg)
        if a == b:
            msg = f"A pair must compare two different groups, not {a!r} with itself."
            raise ConfigError(msg)
        checked.append((a, b))
    return checked


def _pair_rows(
    prepared: _Prepared, grouping: str, pairs: list[tuple[Any, Any]], *, permutations: int, seed: int
) -> tuple[pd.DataFrame, tuple[Any, ...]]:
    x, labels = prepared.x, prepared.groupings[grouping]
    rows, gaps = [], []
    for a, b in pairs:
        gap = group_gap(x, labels, a=a, b=b, permutations=permutations, seed=seed)
        p_value = gap.p_value
        singles = [g for g, n in ((a, gap.n_a), (b, gap.n_b)) if n == 1]
        if singles:
            p_value = float("nan")
            msg = (
                f"Group(s) {singles} of pair {a}-{b} have one unit; the permutation p-value is set to NaN "
                "(one unit cannot stand for a group). The difference and ratio are still reported."
            )
            warnings.warn(msg, UserWarning, stacklevel=3)
        rows.append((a, b, gap.n_a, gap.n_b, gap.mean_a, gap.mean_b, gap.difference, gap.ratio, p_value))
        gaps.append(gap)
    frame = pd.DataFrame(rows, columns=list(_PAIR_COLUMNS))
    return frame.astype({"n_a": int, "n_b": int}), tuple(gaps)


def _measure_rows(
    theils: Mapping[str, TheilResult],
    gini_result: GiniResult,
    gini_weighted: GiniResult | None,
    williamson_result: WilliamsonResult | None,
    spatial: SpatialGiniResult | None,
    *,
    cv: float,
) -> pd.DataFrame:
    rows: list[tuple[str, str | None, float, bool, str]] = []
    for name, t in theils.items():
        for measure, value in (
            ("theil_total", t.total),
            ("theil_between", t.between),
            ("theil_within", t.within),
            ("theil_between_share", t.between_share),
        ):
            if value is not None:  # always: these Theils are grouped, so every part is computed
                rows.append((measure, name, float(value), t.weighted, DEFINITIONS[measure]))
    if williamson_result is not None:
        rows.append(("williamson", None, williamson_result.value, True, DEFINITIONS["williamson"]))
    if gini_weighted is not None:
        rows.append(("gini_weighted", None, gini_weighted.gini, True, DEFINITIONS["gini_weighted"]))
    rows.append(("gini", None, gini_result.gini, False, DEFINITIONS["gini"]))
    rows.append(("cv", None, cv, False, DEFINITIONS["cv"]))
    if spatial is not None:
        for measure, value in (
            ("spatial_gini_neighbour_share", spatial.neighbour_share),
            ("spatial_gini_non_neighbour_share", spatial.non_neighbour_share),
            ("spatial_gini_polarization", spatial.polarization),
            ("spatial_gini_p_value", spatial.p_sim),
        ):
            rows.append((measure, None, float(value), False, DEFINITIONS[measure]))
    columns = dict(zip(_MEASURE_COLUMNS, map(list, zip(*rows, strict=True)), strict=True))
    # object dtype keeps None (no grouping) as None rather than NaN
    columns["grouping"] = pd.Series(columns["grouping"], dtype=object)
    return pd.DataFrame(columns)


def gap_table(
    x: pd.Series,
    groups: pd.Series,
    *,
    population: pd.Series | None = None,
    pairs: Sequence[Sequence[Any]] | None = None,
    permutations: int = 9999,
    seed: int,
    graph: Graph | None = None,
    area: pd.Series | None = None,
    theil_by: Mapping[str, pd.Series] | None = None,
    drop_missing: bool = False,
) -> GapTable:
    """One printable table of the gap between groups and of area-wide inequality.

    Parameters
    ----------
    x
        Non-negative level or rate per unit (e.g. UMKM per 1,000 residents), indexed by unit id.
    groups
        Group label per unit (e.g. ``"utara"``, ``"selatan"``, ``"kota_blitar"``), same ids.
    population
        Positive population per unit (optional). With it the per-group table gains the
        population, its share and the weighted mean, the Theil T is population-weighted, and
        the Williamson index and weighted Gini are reported.
    pairs
        Pairs of group labels to compare, e.g. ``[("utara", "selatan")]``; default: every pair in
        order of first appearance of the labels in ``x``'s index.
    permutations
        Number of label permutations of each pair test (:func:`umkm_geo.stats.inequality.gap.group_gap`) and of
        the spatial Gini.
    seed
        Seed of the permutations; every pair test and the spatial Gini use this same seed.
    graph
        libpysal ``Graph`` on the ids of ``x``; when given the spatial Gini is reported.
    area
        Positive area per unit (e.g. km², optional): adds each group's area, area share and
        area-weighted mean (the group's own density when ``x`` is per km²). It does not weight
        the inequality measures.
    theil_by
        More groupings for the Theil decomposition, by name (e.g. ``{"kab_kota": series}``); the
        measures table gets one decomposition per grouping, ``groups`` first under its own name.
    drop_missing
        If True, units with a missing value, population, area or label (in any grouping) are
        left out of everything with a warning naming them; otherwise :class:`AnalysisError`.

    Returns
    -------
    GapTable
        :meth:`GapTable.groups_frame`, :meth:`GapTable.pairs_frame`,
        :meth:`GapTable.measures_frame`, and the results behind them.

    Raises
    ------
    ConfigError
        For an unknown group in ``pairs``, a pair of a group with itself, a ``theil_by`` name that
        repeats the name of ``groups``, or bad ``permutations``/``seed``.
    AnalysisError
        As :func:`theil`, and for non-positive ``area``.

    Warns
    -----
    UserWarning
        For a pair with a group of one unit (see :data:`SINGLETON_P_VALUE`) and for units left out.

    Notes
    -----
    Means, medians, minima, maxima and the pair tests are unweighted (each kecamatan counts once),
    as in :func:`umkm_geo.stats.inequality.gap.group_gap`; the population-weighted mean is reported beside them.
    """
    _check_permutations(permutations, seed)
    _check_series(groups, "groups")
    grouping = _grouping_name(groups)
    groupings = {grouping: groups}
    for name, series in (theil_by or {}).items():
        if name in groupings:
            msg = f"theil_by has the grouping name {name!r}, which is already the name of groups; rename it."
            raise ConfigError(msg)
        groupings[str(name)] = series
    if graph is not None:
        _check_graph(_check_series(x, "x"), graph)
    prepared = _prepare(x, population=population, groupings=groupings, area=area, drop_missing=drop_missing)

    weighted = prepared.population is not None
    theils = {name: _theil_from(prepared, name) for name in groupings}
    unweighted = dataclasses.replace(prepared, population=None)
    gini_result = _gini_from(unweighted)
    gini_w = _gini_from(prepared) if weighted else None
    williamson_result = _williamson_from(prepared) if weighted else None
    spatial, spatial_skipped = None, None
    if graph is not None:
        try:
            spatial = _spatial_gini_from(unweighted, graph, permutations=int(permutations), seed=int(seed))
        except AnalysisError as exc:  # no links, or every pair linked: nothing to split or test
            spatial_skipped = str(exc)
            warnings.warn(f"The spatial Gini is not computed: {exc}", UserWarning, stacklevel=2)

    group_table = _group_summary(prepared, grouping)
    pair_list = _pairs(prepared.groupings[grouping], pairs)
    pair_table, gaps = _pair_rows(prepared, grouping, pair_list, permutations=int(permutations), seed=int(seed))
    measures = _measure_rows(theils, gini_result, gini_w, williamson_result, spatial, cv=_cv(prepared.x.to_numpy()))

    settings = {
        "grouping": grouping,
        "theil_groupings": list(groupings),
        "group_order": "order of first appearance in x",
        "pairs": [f"{a}-{b}" for a, b in pair_list],
        "pairs_default": "every pair in order of first appearance" if pairs is None else "given",
        "permutations": int(permutations),
        "seed": int(seed),
        "seed_use": "the same seed for every pair test and for the spatial Gini",
        "p_value_definition": GAP_P_VALUE_DEFINITION,
        "singleton_groups": SINGLETON_P_VALUE,
        "weighting": _WEIGHTING[weighted],
        "group_statistics": "n, mean, median, min, max unweighted; weighted_mean = sum(p x) / sum(p)",
        "share_of_total": "sum over the group of p x / sum of p x (of x without population)",
        "area": "descriptive only (area, area_share, area_weighted_mean)" if area is not None else None,
        "spatial_gini": (
            "computed (binary weights of the graph)"
            if spatial is not None
            else "not computed (no graph)"
            if graph is None
            else f"not computed: {spatial_skipped}"
        ),
        "dropped_units": list(prepared.dropped),
        **versions("inequality", "numpy"),
    }
    if spatial is not None:
        settings["spatial_gini_engine"] = spatial.settings["engine"]
        settings["libpysal_version"] = spatial.settings["libpysal_version"]
    return GapTable(
        variable=_name(prepared.x),
        grouping=grouping,
        groups=group_table,
        pairs=pair_table,
        measures=measures,
        theil=MappingProxyType(theils),
        gini=gini_result,
        gini_weighted=gini_w,
        williamson=williamson_result,
        spatial=spatial,
        gaps=gaps,
        dropped=prepared.dropped,
        permutations=int(permutations),
        seed=int(seed),
        settings=MappingProxyType(settings),
    )
