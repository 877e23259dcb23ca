"""Input checks shared by the inequality measures and the gap table.

Used by :mod:`umkm_geo.stats.inequality.indices`, :mod:`umkm_geo.stats.inequality.spatial_gini` and
:mod:`umkm_geo.stats.inequality.gap_table`. Every measure takes pandas Series indexed by unit id (the Kemendagri
code); :func:`_prepare` checks and aligns them once. Units with a missing value, population, area
or group label are never dropped silently: they raise :class:`AnalysisError` naming them, or, with
``drop_missing=True``, are left out with a warning naming them and listed in ``dropped``. Values
must be non-negative, populations and areas positive. The checks of a Series, of its ids and of
the permutation settings are those of :mod:`umkm_geo.stats._inference`, shared with the spatial statistics.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError
from umkm_geo.stats import _inference

#: What the per-unit weights are, by whether a population was given.
_WEIGHTING = {
    True: "population-weighted (p_i = population of unit i)",
    False: "unweighted (every unit counts once, p_i = 1)",
}


@dataclasses.dataclass(frozen=True)
class _Prepared:
    """Inputs aligned to the units kept, plus the ids left out."""

    index: pd.Index  # the input index, to align per-unit outputs
    x: pd.Series  # float, kept units only
    population: pd.Series | None  # float, kept units only
    area: pd.Series | None  # float, kept units only
    groupings: Mapping[str, pd.Series]  # labels, kept units only
    dropped: tuple[str, ...]


def _ids(index: pd.Index) -> list[str]:
    return [str(i) for i in index]


def _check_series(s: Any, role: str) -> pd.Series:
    return _inference._check_series(s, role, hint="; give one row per unit")


def _align(s: pd.Series, index: pd.Index, role: str) -> pd.Series:
    _inference._check_same_units(
        s.index,
        index,
        what=f"x and {role}",
        absent=f"not in {role}",
        unexpected="not in x",
        hint=f" Give {role} for exactly the units of x.",
    )
    return s.reindex(index)


def _check_positive(s: pd.Series | None, role: str, advice: str) -> None:
    if s is None:
        return
    non_positive = s <= 0
    if non_positive.any():
        msg = f"{role} is zero or negative for {_ids(s.index[non_positive])}; {advice}"
        raise AnalysisError(msg)


def _numeric(s: pd.Series, role: str) -> pd.Series:
    numeric = pd.to_numeric(s, errors="coerce")
    bad = numeric.isna() & s.notna()
    if bad.any():
        msg = f"{role} has non-numeric values for {_ids(s.index[bad])}: {list(s[bad])[:10]}."
        raise AnalysisError(msg)
    numeric = numeric.astype(float)
    infinite = np.isinf(numeric.to_numpy())
    if infinite.any():
        msg = f"{role} is infinite for {_ids(s.index[infinite])}; check how it was computed (division by 0?)."
        raise AnalysisError(msg)
    return numeric


def _prepare(
    x: pd.Series,
    *,
    population: pd.Series | None = None,
    groupings: Mapping[str, pd.Series] | None = None,
    area: pd.Series | None = None,
    drop_missing: bool = False,
) -> _Prepared:
    """Validate and align the inputs; report or drop units with missing data."""
    x = _check_series(x, "x")
    name = "x" if x.name is None else f"x ({x.name!r})"
    values = _numeric(x, name)
    pop = None
    if population is not None:
        pop = _numeric(_align(_check_series(population, "population"), x.index, "population"), "population")
    size = None
    if area is not None:
        size = _numeric(_align(_check_series(area, "area"), x.index, "area"), "area")
    labels = {
        key: _align(_check_series(series, f"groups {key!r}"), x.index, f"groups {key!r}")
        for key, series in (groupings or {}).items()
    }

    missing_parts = {"value of x": values.isna()}
    if pop is not None:
        missing_parts["population"] = pop.isna()
    if size is not None:
        missing_parts["area"] = size.isna()
    for key, series in labels.items():
        missing_parts[f"group label ({key})"] = series.isna()
    missing = np.logical_or.reduce([m.to_numpy() for m in missing_parts.values()])
    dropped: tuple[str, ...] = ()
    if missing.any():
        detail = "; ".join(f"no {part} for {_ids(x.index[m])}" for part, m in missing_parts.items() if m.any())
        if not drop_missing:
            msg = f"{detail}. Fill these in, or pass drop_missing=True to leave those units out."
            raise AnalysisError(msg)
        dropped = tuple(_ids(x.index[missing]))
        msg = f"{len(dropped)} unit(s) left out because of missing data: {detail}."
        warnings.warn(msg, UserWarning, stacklevel=3)
        keep = ~missing
        values = values[keep]
        pop = None if pop is None else pop[keep]
        size = None if size is None else size[keep]
        labels = {key: series[keep] for key, series in labels.items()}

    negative = values < 0
    if negative.any():
        msg = (
            f"{name} is negative for {_ids(values.index[negative])}; inequality measures need non-negative "
            "levels or rates (UMKM counts per resident or per km²)."
        )
        raise AnalysisError(msg)
    _check_positive(
        pop, "population", "every unit needs a positive population (or leave population out for unweighted measures)."
    )
    _check_positive(size, "area", "every unit needs a positive area.")
    if len(values) < 2:
        msg = f"{name} has {len(values)} usable unit(s); inequality needs at least 2."
        raise AnalysisError(msg)
    if not (values > 0).any():
        msg = f"{name} is 0 for every unit, so shares of the total are undefined; there is nothing to compare."
        raise AnalysisError(msg)
    return _Prepared(index=x.index, x=values, population=pop, area=size, groupings=labels, dropped=dropped)


def _weights(prepared: _Prepared) -> np.ndarray:
    if prepared.population is None:
        return np.ones(len(prepared.x))
    return prepared.population.to_numpy()


def _weighted_mean(x: np.ndarray, p: np.ndarray) -> float:
    # A constant x gives its value exactly, so that equality gives exactly 0 for every measure.
    if np.ptp(x) == 0:
        return float(x[0])
    return float((p * x).sum() / p.sum())


def _order_of_appearance(labels: pd.Series) -> list[Any]:
    return list(pd.unique(labels))


def _grouping_name(groups: pd.Series) -> str:
    return "group" if groups.name is None else str(groups.name)
