"""The gap between two groups of units (e.g. northern and southern kecamatan).

:func:`group_gap` describes every group present (n, mean, median, min, max, sum, missing values),
measures the difference ``mean(a) - mean(b)`` and the ratio ``mean(a) / mean(b)`` and tests the
difference with a two-sided permutation test that shuffles the group labels among the units of
``a`` and ``b`` only, so other groups (e.g. the city kecamatan of Kota Blitar) are described but
take no part in the test.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.results import TableMixin
from umkm_geo.stats._inference import _check_permutations, _check_same_units

__all__ = ["GAP_P_VALUE_DEFINITION", "GapResult", "group_gap"]

#: Definition of the permutation p-value of :func:`group_gap`.
GAP_P_VALUE_DEFINITION = (
    "p = (#{|d_perm| >= |d_obs|} + 1) / (R + 1), two-sided, where d = mean(a) - mean(b), "
    "R = number of permutations, and each permutation shuffles the labels a and b among the "
    "units of a and b (non-missing values only)"
)

_GROUP_COLUMNS = ("n", "n_missing", "mean", "median", "min", "max", "sum")


@dataclasses.dataclass(frozen=True, eq=False)
class GapResult(TableMixin):
    """Difference between the means of two groups, with a permutation test.

    Attributes
    ----------
    variable
        Name of the variable (the Series name).
    a, b
        The compared groups; the difference is ``mean(a) - mean(b)``.
    groups
        Per-group description; read it through :meth:`group_table`.
    mean_a, mean_b
        Means of the non-missing values of ``a`` and ``b``.
    difference
        ``mean_a - mean_b``.
    ratio
        ``mean_a / mean_b`` (NaN when ``mean_b`` is 0).
    p_value
        Two-sided permutation p-value (see :data:`GAP_P_VALUE_DEFINITION`).
    n_a, n_b
        Number of non-missing values in ``a`` and ``b``.
    permutations, seed
        Permutation settings.
    settings
        All settings used, including the p-value definition.
    """

    variable: str | None
    a: str
    b: str
    groups: pd.DataFrame
    mean_a: float
    mean_b: float
    difference: float
    ratio: float
    p_value: float
    n_a: int
    n_b: int
    permutations: int
    seed: int
    settings: Mapping[str, Any]

    def group_table(self) -> pd.DataFrame:
        """Per-group description (a copy).

        Returns
        -------
        pandas.DataFrame
            Indexed by group, with the columns ``n`` (non-missing values), ``n_missing``,
            ``mean``, ``median``, ``min``, ``max`` and ``sum`` of the non-missing values.
        """
        return self.groups.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        return {
            "result": "group_gap",
            "statistics": {
                "variable": self.variable,
                "mean_a": self.mean_a,
                "mean_b": self.mean_b,
                "difference": self.difference,
                "ratio": self.ratio,
                "p_value": self.p_value,
                "n_a": self.n_a,
                "n_b": self.n_b,
            },
            "settings": dict(self.settings),
        }


def _describe(values: pd.Series, groups: pd.Series) -> pd.DataFrame:
    rows = {}
    for name in sorted(groups.unique(), key=str):
        v = values[groups == name]
        present = v.dropna()
        rows[name] = {
            "n": len(present),
            "n_missing": int(v.isna().sum()),
            "mean": present.mean() if len(present) else np.nan,
            "median": present.median() if len(present) else np.nan,
            "min": present.min() if len(present) else np.nan,
            "max": present.max() if len(present) else np.nan,
            "sum": present.sum() if len(present) else np.nan,
        }
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(_GROUP_COLUMNS))
    table.index.name = groups.name if groups.name is not None else "group"
    return table.astype({"n": int, "n_missing": int})


def _permutation_p(x: np.ndarray, is_a: np.ndarray, *, permutations: int, seed: int, observed: float) -> float:
    """Two-sided permutation p-value of the difference of means, labels shuffled."""
    rng = np.random.default_rng(seed)
    labels = rng.permuted(np.broadcast_to(is_a, (permutations, len(is_a))), axis=1)
    n_a = is_a.sum()
    n_b = len(is_a) - n_a
    sum_a = labels @ x
    diffs = sum_a / n_a - (x.sum() - sum_a) / n_b
    # Differences equal to the observed one in exact arithmetic may differ in the last bits.
    tolerance = 1e-12 * max(float(np.abs(x).max()), 1.0)
    extreme = np.abs(diffs) >= abs(observed) - tolerance
    return float((extreme.sum() + 1.0) / (permutations + 1.0))


def group_gap(
    values: pd.Series,
    groups: pd.Series,
    *,
    a: str = "utara",
    b: str = "selatan",
    permutations: int = 9999,
    seed: int,
) -> GapResult:
    """Compare the mean of ``values`` between groups ``a`` and ``b``.

    Parameters
    ----------
    values
        Numeric values indexed by unit id (NaN allowed: excluded and counted as missing).
    groups
        Group label of each unit, with the same ids as ``values``.
    a, b
        The two groups to compare; the difference is ``mean(a) - mean(b)``.
    permutations
        Number of label permutations for the p-value (at least 1).
    seed
        Seed of the permutations; the same seed gives the same p-value.

    Returns
    -------
    GapResult
        The per-group table for every group present, the difference, the ratio, the two-sided
        permutation p-value and the settings used.

    Raises
    ------
    ConfigError
        If ``a`` or ``b`` is not a group of ``groups`` (the message lists the groups that
        exist), ``a == b``, or ``permutations``/``seed`` are not valid integers.
    AnalysisError
        If ``values`` and ``groups`` cover different ids, a value is not numeric, or ``a`` or
        ``b`` has no non-missing value.

    Warns
    -----
    UserWarning
        When some units have no group label; they are left out of the table and the test.

    Notes
    -----
    The p-value follows :data:`GAP_P_VALUE_DEFINITION`: the observed labelling counts as one of
    the ``R + 1`` equally likely labellings, so the p-value is never 0.
    """
    if a == b:
        msg = f"Groups a and b must differ; both are {a!r}."
        raise ConfigError(msg)
    _check_permutations(permutations, seed)
    if not values.index.is_unique or not groups.index.is_unique:
        msg = "values and groups must each have a unique index of unit ids."
        raise AnalysisError(msg)
    _check_same_units(
        groups.index, values.index, what="values and groups", absent="without a group", unexpected="without a value"
    )
    groups = groups.reindex(values.index)
    numeric = pd.to_numeric(values, errors="coerce")
    not_numeric = numeric.isna() & values.notna()
    if not_numeric.any():
        bad = list(map(str, values.index[not_numeric]))
        msg = f"{values.name!r} has non-numeric values for {bad}."
        raise AnalysisError(msg)
    numeric = numeric.astype(float)
    unlabelled = groups.isna()
    if unlabelled.any():
        msg = (
            f"{int(unlabelled.sum())} unit(s) have no group and are left out: "
            f"{list(map(str, values.index[unlabelled]))}."
        )
        warnings.warn(msg, UserWarning, stacklevel=2)
        numeric, groups = numeric[~unlabelled], groups[~unlabelled]
    present = sorted(map(str, groups.unique()))
    unknown = [g for g in (a, b) if g not in set(groups)]
    if unknown:
        msg = f"Unknown group(s) {unknown}; the groups present are {present}."
        raise ConfigError(msg)

    table = _describe(numeric, groups)
    in_test = groups.isin([a, b]) & numeric.notna()
    x = numeric[in_test].to_numpy()
    is_a = (groups[in_test] == a).to_numpy()
    n_a, n_b = int(is_a.sum()), int((~is_a).sum())
    empty = [g for g, n in ((a, n_a), (b, n_b)) if n == 0]
    if empty:
        msg = f"Group(s) {empty} have no non-missing value of {values.name!r}; no gap can be computed."
        raise AnalysisError(msg)
    mean_a, mean_b = float(x[is_a].mean()), float(x[~is_a].mean())
    difference = mean_a - mean_b
    ratio = mean_a / mean_b if mean_b != 0 else float("nan")
    p_value = _permutation_p(x, is_a, permutations=int(permutations), seed=int(seed), observed=difference)
    settings = {
        "a": a,
        "b": b,
        "statistic": "difference in means, mean(a) - mean(b); ratio mean(a) / mean(b)",
        "permutations": int(permutations),
        "seed": int(seed),
        "alternative": "two-sided",
        "p_value_definition": GAP_P_VALUE_DEFINITION,
        "missing_values": "excluded from all statistics; counted in n_missing",
        "groups_present": present,
    }
    return GapResult(
        variable=None if values.name is None else str(values.name),
        a=a,
        b=b,
        groups=table,
        mean_a=mean_a,
        mean_b=mean_b,
        difference=difference,
        ratio=float(ratio),
        p_value=p_value,
        n_a=n_a,
        n_b=n_b,
        permutations=int(permutations),
        seed=int(seed),
        settings=MappingProxyType(settings),
    )
