"""Area-wide inequality indices of an indicator across units: Theil, Williamson, Gini.

How unequal is an indicator ``x`` (e.g. UMKM per 1,000 residents, or UMKM per km²) across the units
of a study area, and how much of that inequality is the gap between groups of units?

* :func:`theil` -- Theil's T, population-weighted or not, decomposed exactly into a between-group
  and a within-group part;
* :func:`williamson` -- Williamson's (1965) population-weighted coefficient of variation;
* :func:`gini` -- the Gini coefficient, population-weighted or not.

Inputs are pandas Series indexed by unit id (the Kemendagri code), checked by
:func:`umkm_geo.stats._disparity_input._prepare`: units with missing data raise :class:`AnalysisError`
naming them, or, with ``drop_missing=True``, are left out with a warning and listed in ``dropped``.
Every result is a frozen dataclass with ``to_dict()`` and ``table()`` in the layout of
:func:`umkm_geo.results.result_table`. The spatial Gini is in :mod:`umkm_geo.stats.inequality.spatial_gini`, the
printable gap table that combines them in :mod:`umkm_geo.stats.inequality.gap_table`.

Size: three indices that share one definitions table (:data:`INDEX_DEFINITIONS`, printed whole by
the gap table) and one input preparation; each is its result class, its computation and its
documented function.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import ConfigError
from umkm_geo._provenance import versions
from umkm_geo.results import FieldsResult, TableMixin, payload
from umkm_geo.stats._disparity_input import (
    _WEIGHTING,
    _grouping_name,
    _order_of_appearance,
    _prepare,
    _Prepared,
    _weighted_mean,
    _weights,
)
from umkm_geo.stats._inference import _name

__all__ = [
    "INDEX_DEFINITIONS",
    "GiniResult",
    "TheilResult",
    "WilliamsonResult",
    "gini",
    "theil",
    "williamson",
]

#: Definition of every index of this module (printed with the measures table of the gap table).
INDEX_DEFINITIONS: Mapping[str, str] = MappingProxyType(
    {
        "theil_total": (
            "Theil T = sum_i s_i ln(s_i / q_i), s_i = p_i x_i / sum(p x) the unit's share of the total, "
            "q_i = p_i / sum(p) its population share (unweighted: p_i = 1, T = (1/n) sum (x_i/mu) ln(x_i/mu)); "
            "x_i = 0 contributes 0; 0 = perfect equality (Theil 1967)"
        ),
        "theil_between": "between-group Theil T_B = sum_g s_g ln(s_g / q_g), s_g and q_g the group's shares",
        "theil_within": "within-group Theil T_W = sum_g s_g T_g, T_g the Theil T inside group g; T = T_B + T_W",
        "theil_between_share": "T_B / T, the share of inequality due to the gap between groups (NaN when T = 0)",
        "williamson": (
            "Williamson index Vw = sqrt(sum_i (x_i - xbar)^2 p_i / P) / xbar, xbar = sum(p x) / P the "
            "population-weighted mean (Williamson 1965)"
        ),
        "cv": "coefficient of variation sd(x) / mean(x), unweighted, sd with divisor n (ddof = 0)",
        "gini": "Gini G = sum_i sum_j |x_i - x_j| / (2 n^2 mean(x)), unweighted",
        "gini_weighted": (
            "population-weighted Gini G = sum_i sum_j p_i p_j |x_i - x_j| / (2 P^2 xbar), "
            "xbar = sum(p x) / P the population-weighted mean"
        ),
    }
)


# ---------------------------------------------------------------------------------------------
# Theil


def _theil_terms(x: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares s_i, q_i and the terms s_i ln(x_i / xbar) whose sum is Theil's T."""
    s = p * x / (p * x).sum()
    q = p / p.sum()
    terms = np.zeros(len(x))
    positive = x > 0  # x_i = 0 contributes 0, the limit of s ln s
    terms[positive] = s[positive] * np.log(x[positive] / _weighted_mean(x, p))
    return s, q, terms


def _theil_groups(x: np.ndarray, p: np.ndarray, labels: pd.Series, grouping: str) -> tuple[pd.DataFrame, float, float]:
    """Per-group table, between and within parts of Theil's T."""
    s, q, _ = _theil_terms(x, p)
    codes = labels.to_numpy()
    rows = {}
    for g in _order_of_appearance(labels):
        in_g = codes == g
        s_g, q_g = float(s[in_g].sum()), float(q[in_g].sum())
        if s_g > 0:
            t_g = float(_theil_terms(x[in_g], p[in_g])[2].sum())
            between_term = s_g * np.log(s_g / q_g)
        else:  # x = 0 for every unit of g: T_g undefined; s_g T_g and s_g ln(s_g/q_g) -> 0
            t_g, between_term = float("nan"), 0.0
        rows[g] = {
            "n": int(in_g.sum()),
            "x_share": s_g,
            "population_share": q_g,
            "theil": t_g,
            "between_term": float(between_term),
            "contribution": s_g * t_g if s_g > 0 else 0.0,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = grouping
    between = float(table["between_term"].sum())
    within = float(table["contribution"].sum())
    return table.astype({"n": int}), between, within


@dataclasses.dataclass(frozen=True, eq=False)
class TheilResult(TableMixin):
    """Theil's T, with its between/within decomposition when groups were given.

    Attributes
    ----------
    variable
        Name of the variable (the Series name).
    total
        Theil's T (0 = perfect equality; at most ln(n) unweighted).
    between, within
        ``T_B`` and ``T_W`` (``total = T_B + T_W``); None without groups.
    between_share
        ``T_B / T`` (NaN when ``T`` is 0); None without groups.
    weighted
        True when weighted by population.
    n
        Number of units used.
    grouping
        Name of the grouping (the groups Series name, or ``"group"``); None without groups.
    units
        Per-unit shares and terms; read it through :meth:`frame`.
    groups
        Per-group decomposition; read it through :meth:`groups_frame`.
    dropped
        Ids of the units left out for missing data (``drop_missing=True``).
    settings
        Definitions, weighting, missing-data handling and versions.
    """

    variable: str | None
    total: float
    between: float | None
    within: float | None
    between_share: float | None
    weighted: bool
    n: int
    grouping: str | None
    units: pd.DataFrame
    groups: pd.DataFrame | None
    dropped: tuple[str, ...]
    settings: Mapping[str, Any]

    def frame(self) -> pd.DataFrame:
        """Per-unit shares and terms (a copy), indexed like the input ``x``.

        Returns
        -------
        pandas.DataFrame
            Columns ``x_share`` (``s_i``), ``population_share`` (``q_i``; ``1/n`` unweighted) and
            ``term`` (``s_i ln(s_i / q_i)``; the terms sum to ``total``; negative for units below the
            mean). Rows of units left out are NaN.
        """
        return self.units.copy()

    def groups_frame(self) -> pd.DataFrame:
        """Per-group decomposition (a copy); empty without groups.

        Returns
        -------
        pandas.DataFrame
            Indexed by group in order of first appearance, with the columns ``n``, ``x_share``
            (``s_g``), ``population_share`` (``q_g``; ``n_g / n`` unweighted), ``theil`` (``T_g``,
            the Theil T inside the group; NaN when x is 0 for all its units), ``between_term``
            (``s_g ln(s_g / q_g)``, summing to ``T_B``) and ``contribution`` (``s_g T_g``, summing
            to ``T_W``).
        """
        if self.groups is None:
            columns = ["n", "x_share", "population_share", "theil", "between_term", "contribution"]
            return pd.DataFrame(columns=columns)
        return self.groups.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        statistics: dict[str, Any] = {
            "variable": self.variable,
            "total": self.total,
            "between": self.between,
            "within": self.within,
            "between_share": self.between_share,
            "n": self.n,
            "weighted": self.weighted,
        }
        if self.groups is not None:
            for g, row in self.groups.iterrows():
                statistics[f"theil:{g}"] = row["theil"]
                statistics[f"contribution:{g}"] = row["contribution"]
                statistics[f"x_share:{g}"] = row["x_share"]
                statistics[f"population_share:{g}"] = row["population_share"]
        return payload("theil", statistics, dict(self.settings))


def _theil_from(prepared: _Prepared, grouping: str | None) -> TheilResult:
    x, p = prepared.x.to_numpy(), _weights(prepared)
    s, q, terms = _theil_terms(x, p)
    total = float(terms.sum())
    groups = between = within = share = None
    if grouping is not None:
        groups, between, within = _theil_groups(x, p, prepared.groupings[grouping], grouping)
        share = between / total if total > 0 else float("nan")
    units = pd.DataFrame({"x_share": s, "population_share": q, "term": terms}, index=prepared.x.index).reindex(
        prepared.index
    )
    weighted = prepared.population is not None
    settings = {
        "definition": INDEX_DEFINITIONS["theil_total"],
        "between_definition": INDEX_DEFINITIONS["theil_between"],
        "within_definition": INDEX_DEFINITIONS["theil_within"],
        "weighting": _WEIGHTING[weighted],
        "grouping": grouping,
        "group_order": "order of first appearance in x" if grouping is not None else None,
        "dropped_units": list(prepared.dropped),
        "missing_values": "dropped with a warning (drop_missing=True)" if prepared.dropped else "none",
        **versions("inequality", "numpy"),
    }
    return TheilResult(
        variable=_name(prepared.x),
        total=total,
        between=between,
        within=within,
        between_share=share,
        weighted=weighted,
        n=len(x),
        grouping=grouping,
        units=units,
        groups=groups,
        dropped=prepared.dropped,
        settings=MappingProxyType(settings),
    )


def theil(
    x: pd.Series,
    *,
    population: pd.Series | None = None,
    groups: pd.Series | None = None,
    drop_missing: bool = False,
) -> TheilResult:
    """Theil's T of ``x``, optionally population-weighted and decomposed by groups.

    Parameters
    ----------
    x
        Non-negative level or rate per unit (e.g. UMKM per 1,000 residents), indexed by unit id.
    population
        Population per unit (positive), same ids as ``x``. With it, ``s_i = p_i x_i / sum(p x)``
        is the unit's share of the total (of UMKM) and ``q_i = p_i / sum(p)`` its population
        share, and ``T = sum_i s_i ln(s_i / q_i)``. Without it every unit counts once:
        ``T = (1/n) sum_i (x_i / mu) ln(x_i / mu)``.
    groups
        Group label per unit, same ids as ``x``. With it, ``T = T_B + T_W`` exactly, where
        ``T_B = sum_g s_g ln(s_g / q_g)`` and ``T_W = sum_g s_g T_g``.
    drop_missing
        If False (default), a unit with a missing value, population or group label raises
        :class:`AnalysisError`; if True it is left out with a warning and listed in ``dropped``.

    Returns
    -------
    TheilResult
        ``total`` (T), ``between``, ``within``, ``between_share``, the per-unit terms (:meth:`TheilResult.frame`)
        and the per-group table (:meth:`TheilResult.groups_frame`).

    Raises
    ------
    AnalysisError
        For missing data (unless ``drop_missing``), negative ``x``, non-positive population,
        ids that differ between the inputs, fewer than 2 units, or ``x`` equal to 0 everywhere.

    Notes
    -----
    A unit with ``x_i = 0`` contributes 0 (the limit of ``s ln s``). The unweighted T and its
    decomposition agree with :class:`inequality.theil.Theil` and :class:`inequality.theil.TheilD`
    (which add a tiny number to zeros instead). Theil, H. (1967) *Economics and Information Theory*.
    """
    groupings = {} if groups is None else {_grouping_name(groups): groups}
    prepared = _prepare(x, population=population, groupings=groupings, drop_missing=drop_missing)
    return _theil_from(prepared, None if groups is None else _grouping_name(groups))


# ---------------------------------------------------------------------------------------------
# Williamson


@dataclasses.dataclass(frozen=True)
class WilliamsonResult(FieldsResult):
    """Williamson's population-weighted coefficient of variation.

    Attributes
    ----------
    variable
        Name of the variable (the Series name).
    value
        ``Vw = sqrt(sum_i (x_i - xbar)^2 p_i / P) / xbar``.
    weighted_mean
        ``xbar = sum(p x) / P``, the population-weighted mean used in ``Vw``.
    mean
        Unweighted mean of ``x``.
    cv
        Unweighted coefficient of variation ``sd(x) / mean(x)`` with divisor ``n``.
    n
        Number of units used.
    dropped
        Ids of the units left out for missing data.
    settings
        Definitions and missing-data handling.
    """

    variable: str | None
    value: float
    weighted_mean: float
    mean: float
    cv: float
    n: int
    dropped: tuple[str, ...]
    settings: Mapping[str, Any]

    _result = "williamson"
    _not_statistics = frozenset({"dropped", "settings"})
    _renamed = MappingProxyType({"value": "williamson"})


def _cv(x: np.ndarray) -> float:
    """Unweighted coefficient of variation, standard deviation with divisor n."""
    mean = _weighted_mean(x, np.ones(len(x)))
    return float(np.sqrt(((x - mean) ** 2).mean()) / mean)


def _williamson_from(prepared: _Prepared) -> WilliamsonResult:
    if prepared.population is None:
        msg = "Williamson's index is population-weighted: give the population of every unit."
        raise ConfigError(msg)
    x, p = prepared.x.to_numpy(), prepared.population.to_numpy()
    xbar = _weighted_mean(x, p)
    value = float(np.sqrt(((x - xbar) ** 2 * p).sum() / p.sum()) / xbar)
    settings = {
        "definition": INDEX_DEFINITIONS["williamson"],
        "cv_definition": INDEX_DEFINITIONS["cv"],
        "mean_used": "population-weighted mean sum(p x) / sum(p) (the area-wide rate), not the mean of the units",
        "reference": "Williamson, J. G. (1965). Regional inequality and the process of national development. "
        "Economic Development and Cultural Change 13(4, Part 2), 1-84.",
        "dropped_units": list(prepared.dropped),
        **versions("inequality", "numpy"),
    }
    return WilliamsonResult(
        variable=_name(prepared.x),
        value=value,
        weighted_mean=xbar,
        mean=_weighted_mean(x, np.ones(len(x))),
        cv=_cv(x),
        n=len(x),
        dropped=prepared.dropped,
        settings=MappingProxyType(settings),
    )


def williamson(x: pd.Series, *, population: pd.Series, drop_missing: bool = False) -> WilliamsonResult:
    """Williamson index of regional inequality (Williamson 1965).

    ``Vw = sqrt(sum_i (x_i - xbar)^2 p_i / P) / xbar``, where ``p_i`` is the population of unit
    ``i``, ``P = sum_i p_i`` and ``xbar = sum_i p_i x_i / P`` is the **population-weighted mean**
    (for a per-resident rate, the area-wide rate), as in Williamson, J. G. (1965), "Regional
    inequality and the process of national development", *Economic Development and Cultural
    Change* 13(4, Part 2): 1-84. 0 means every unit has the same value.

    Parameters
    ----------
    x
        Non-negative level or rate per unit, indexed by unit id.
    population
        Positive population per unit, same ids as ``x``.
    drop_missing
        If True, units with a missing value or population are left out with a warning
        (otherwise :class:`AnalysisError`).

    Returns
    -------
    WilliamsonResult
        ``value`` (Vw), the weighted mean used, and the unweighted coefficient of variation
        ``cv = sd(x) / mean(x)`` (divisor ``n``) for comparison; with equal populations ``cv == value``.

    Raises
    ------
    AnalysisError
        As :func:`theil`.
    """
    if population is None:
        msg = "williamson needs the population of every unit (it is a population-weighted measure)."
        raise ConfigError(msg)
    return _williamson_from(_prepare(x, population=population, drop_missing=drop_missing))


# ---------------------------------------------------------------------------------------------
# Gini


def _gini_value(x: np.ndarray, p: np.ndarray) -> float:
    """``sum_i sum_j p_i p_j |x_i - x_j| / (2 P^2 xbar)`` in O(n log n).

    With ``x`` sorted, ``sum_{i<j} p_i p_j (x_j - x_i) = sum_j p_j (x_j P_<j - S_<j)`` where
    ``P_<j`` and ``S_<j`` are the sums of ``p`` and ``p x`` before ``j``; ties add 0 either way.
    The double sum over ordered pairs is twice that, and ``2 P^2 xbar = 2 P sum(p x)``.
    """
    order = np.argsort(x, kind="stable")
    xs, ps = x[order], p[order]
    before_p = np.concatenate(([0.0], np.cumsum(ps)[:-1]))
    before_px = np.concatenate(([0.0], np.cumsum(ps * xs)[:-1]))
    half = float((ps * (xs * before_p - before_px)).sum())
    return half / (ps.sum() * (ps * xs).sum())


@dataclasses.dataclass(frozen=True)
class GiniResult(FieldsResult):
    """Gini coefficient, population-weighted or not.

    Attributes
    ----------
    variable
        Name of the variable (the Series name).
    gini
        The Gini coefficient (0 = equality; below 1).
    weighted
        True when weighted by population.
    mean
        The mean in the denominator (population-weighted when ``weighted``).
    n
        Number of units used.
    dropped
        Ids of the units left out for missing data.
    settings
        Definition and missing-data handling.
    """

    variable: str | None
    gini: float
    weighted: bool
    mean: float
    n: int
    dropped: tuple[str, ...]
    settings: Mapping[str, Any]

    _result = "gini"
    _not_statistics = frozenset({"dropped", "settings"})


def _gini_from(prepared: _Prepared) -> GiniResult:
    x, p = prepared.x.to_numpy(), _weights(prepared)
    weighted = prepared.population is not None
    value = 0.0 if np.ptp(x) == 0 else _gini_value(x, p)
    settings = {
        "definition": INDEX_DEFINITIONS["gini_weighted" if weighted else "gini"],
        "weighting": _WEIGHTING[weighted],
        "dropped_units": list(prepared.dropped),
        **versions("inequality", "numpy"),
    }
    return GiniResult(
        variable=_name(prepared.x),
        gini=value,
        weighted=weighted,
        mean=_weighted_mean(x, p),
        n=len(x),
        dropped=prepared.dropped,
        settings=MappingProxyType(settings),
    )


def gini(x: pd.Series, *, population: pd.Series | None = None, drop_missing: bool = False) -> GiniResult:
    """Gini coefficient of ``x``, population-weighted when ``population`` is given.

    ``G = sum_i sum_j p_i p_j |x_i - x_j| / (2 P^2 xbar)`` with ``P = sum p`` and ``xbar`` the
    population-weighted mean; without population ``p_i = 1``, which is the unweighted Gini of
    :class:`inequality.gini.Gini` (equal to it to rounding).

    Parameters
    ----------
    x
        Non-negative level or rate per unit, indexed by unit id.
    population
        Positive population per unit, same ids as ``x`` (optional).
    drop_missing
        If True, units with a missing value or population are left out with a warning
        (otherwise :class:`AnalysisError`).

    Returns
    -------
    GiniResult

    Raises
    ------
    AnalysisError
        As :func:`theil`.
    """
    return _gini_from(_prepare(x, population=population, drop_missing=drop_missing))
