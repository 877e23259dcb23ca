"""Survey design: sample size (Slovin, Cochran) and its allocation over kecamatan.

:func:`slovin` and :func:`cochran` give the number of UMKM to interview from the population size
``N``; :func:`survey_plan` splits that number over the kecamatan in proportion to their UMKM counts
(largest-remainder rounding, so the quotas add up exactly) and then raises every kecamatan to at least
``minimum`` respondents. The minimum is met by *adding* respondents, never by taking them from other
kecamatan: the formula's ``n`` is the smallest sample that gives the margin of error, so the plan may
only grow. The final ``n`` and how many were added are reported in :attr:`SurveyPlan.settings`.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._allocation import largest_remainder
from umkm_geo._errors import AnalysisError, ConfigError, TableError
from umkm_geo._provenance import ILLUSTRATIVE_NOTE
from umkm_geo.results import TableMixin, payload

__all__ = ["MINIMUM_RULE", "PLAN_COLUMNS", "SurveyPlan", "cochran", "slovin", "survey_plan"]

#: Columns of :attr:`SurveyPlan.allocation` (indexed by ``kode``).
PLAN_COLUMNS = ("kecamatan", "N", "share", "quota_proportional", "quota", "n_min_applied")

#: How :func:`survey_plan` meets the minimum per kecamatan.
MINIMUM_RULE = (
    "after proportional largest-remainder allocation, every kecamatan with quota < min(minimum, N_k) is "
    "raised to min(minimum, N_k) by adding respondents; no other quota is reduced, so the final n may "
    "exceed the formula's n"
)

_FORMULAS = {
    "slovin": "n = ceil(N / (1 + N e^2))",
    "cochran": "n0 = z^2 p (1 - p) / e^2; n = ceil(n0 / (1 + (n0 - 1) / N)); z = two-sided normal quantile",
}

_FIELDWORK_COLUMNS = {
    "id": {
        "no": "No",
        "kode": "Kode Kemendagri",
        "kecamatan": "Kecamatan",
        "N": "Jumlah UMKM (populasi)",
        "quota": "Target responden",
        "done": "Responden tercapai",
        "note": "Keterangan",
        "min_note": "target dinaikkan ke minimum {minimum}",
        "none_note": "tidak ada UMKM",
        "total": "Jumlah",
        "data_note": "Catatan data",
    },
    "en": {
        "no": "No",
        "kode": "Kemendagri code",
        "kecamatan": "Kecamatan",
        "N": "UMKM (population)",
        "quota": "Target respondents",
        "done": "Respondents reached",
        "note": "Note",
        "min_note": "target raised to the minimum of {minimum}",
        "none_note": "no UMKM",
        "total": "Total",
        "data_note": "Data note",
    },
}


def _check_population(population: object) -> int:
    if isinstance(population, bool) or not isinstance(population, int | np.integer) or population < 1:
        msg = f"The population size N = {population!r} must be a whole number of at least 1 (the number of UMKM)."
        raise ConfigError(msg)
    return int(population)


def _check_margin(e: object) -> float:
    if isinstance(e, bool) or not isinstance(e, int | float | np.number) or not 0 < float(e) < 1:
        msg = f"The margin of error e = {e!r} must be between 0 and 1 (e.g. 0.1 for 10%)."
        raise ConfigError(msg)
    return float(e)


def _ceil(value: float) -> int:
    # Guard against results like 90.00000000000001 from floating point (an exact 90 must stay 90).
    return math.ceil(round(value, 9))


def slovin(N: int, e: float = 0.1) -> int:  # noqa: N803 - N is the formula's name
    """Sample size by Slovin's formula, ``n = N / (1 + N e^2)`` rounded up.

    Parameters
    ----------
    N
        Population size (number of UMKM), at least 1.
    e
        Margin of error, between 0 and 1.

    Returns
    -------
    int
        The sample size, at most ``N``.

    Raises
    ------
    ConfigError
        If ``N`` or ``e`` is out of range.

    Examples
    --------
    >>> slovin(1000, 0.1)  # 1000 / 11 = 90.9
    91
    """
    size = _check_population(N)
    e = _check_margin(e)
    return min(size, _ceil(size / (1.0 + size * e * e)))


def cochran(N: int, e: float = 0.1, p: float = 0.5, confidence: float = 0.95) -> int:  # noqa: N803
    """Sample size by Cochran's formula with the finite-population correction, rounded up.

    ``n0 = z^2 p (1 - p) / e^2`` and ``n = n0 / (1 + (n0 - 1) / N)``, where ``z`` is the two-sided
    standard normal quantile of ``confidence`` (1.96 for 95%).

    Parameters
    ----------
    N
        Population size (number of UMKM), at least 1.
    e
        Margin of error, between 0 and 1.
    p
        Expected proportion, between 0 and 1 (0.5 gives the largest, safest sample).
    confidence
        Confidence level, between 0 and 1.

    Returns
    -------
    int
        The sample size, at most ``N``.

    Raises
    ------
    ConfigError
        If an argument is out of range.
    """
    size = _check_population(N)
    e = _check_margin(e)
    if not 0 < p < 1:
        msg = f"The expected proportion p = {p!r} must be between 0 and 1 (use 0.5 when unknown)."
        raise ConfigError(msg)
    if not 0 < confidence < 1:
        msg = f"The confidence level {confidence!r} must be between 0 and 1 (e.g. 0.95)."
        raise ConfigError(msg)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    n0 = z * z * p * (1.0 - p) / (e * e)
    return min(size, _ceil(n0 / (1.0 + (n0 - 1.0) / size)))


_METHODS = {"slovin": slovin, "cochran": cochran}


@dataclasses.dataclass(frozen=True, eq=False)
class SurveyPlan(TableMixin):
    """Sample size and quota of respondents per kecamatan.

    Attributes
    ----------
    allocation
        Per-kecamatan quotas (named ``allocation`` because ``table()`` is the long result table
        every umkm_geo result has). Indexed by ``kode`` like the input counts, with the columns
        ``kecamatan`` (name, ``""`` when not given), ``N`` (UMKM), ``share`` (``N / sum N``),
        ``quota_proportional`` (largest-remainder allocation of the formula's n), ``quota`` (final
        target) and ``n_min_applied`` (whether the minimum raised the quota).
    n
        Final sample size, ``allocation["quota"].sum()`` (the formula's n plus respondents added to meet
        the minimum).
    method
        ``"slovin"`` or ``"cochran"``.
    settings
        Everything needed to reproduce the plan (formula, e, p, confidence, z, minimum, seed, N,
        formula n, respondents added, illustrative flag).
    """

    allocation: pd.DataFrame
    n: int
    method: str
    settings: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        t = self.allocation
        statistics = {
            "n": self.n,
            "n_formula": self.settings["n_formula"],
            "n_added_for_minimum": self.settings["n_added_for_minimum"],
            "N": int(t["N"].sum()),
            "kecamatan": len(t),
            "kecamatan_min_applied": int(t["n_min_applied"].sum()),
        }
        return payload("survey_plan", statistics, self.settings)

    def fieldwork_table(self, lang: str = "id", *, total: bool = True) -> pd.DataFrame:
        """The plan as a sheet for the field team.

        Parameters
        ----------
        lang
            ``"id"`` (Indonesian column names, the default) or ``"en"``.
        total
            Append a total row (``Jumlah``).

        Returns
        -------
        pandas.DataFrame
            Columns No, Kode Kemendagri, Kecamatan, Jumlah UMKM (populasi), Target responden,
            Responden tercapai (empty, to fill in) and Keterangan (why a target differs from the
            proportional one); plus Catatan data when the counts are illustrative.

        Raises
        ------
        ConfigError
            If ``lang`` is not ``"id"`` or ``"en"``.
        """
        if lang not in _FIELDWORK_COLUMNS:
            msg = f"Unknown language {lang!r} for the fieldwork table; use one of {sorted(_FIELDWORK_COLUMNS)}."
            raise ConfigError(msg)
        words = _FIELDWORK_COLUMNS[lang]
        t = self.allocation
        notes = np.where(
            t["n_min_applied"],
            words["min_note"].format(minimum=self.settings["minimum"]),
            np.where(t["N"] == 0, words["none_note"], ""),
        )
        out = pd.DataFrame(
            {
                words["no"]: np.arange(1, len(t) + 1).astype(object),
                words["kode"]: t.index.astype(str),
                words["kecamatan"]: t["kecamatan"].to_numpy(),
                words["N"]: t["N"].to_numpy(),
                words["quota"]: t["quota"].to_numpy(),
                words["done"]: "",
                words["note"]: notes,
            }
        )
        if total:
            row: dict[str, object] = {c: "" for c in out.columns}
            row.update({words["kecamatan"]: words["total"], words["N"]: int(t["N"].sum()), words["quota"]: self.n})
            out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
        if self.settings.get("illustrative"):
            out[words["data_note"]] = ILLUSTRATIVE_NOTE
        return out


def _check_counts(counts: pd.Series) -> pd.Series:
    if not isinstance(counts, pd.Series):
        msg = f"counts must be a pandas Series (kode -> number of UMKM), not {type(counts).__name__}."
        raise TableError(msg)
    if not counts.index.is_unique:
        dupes = sorted({str(k) for k in counts.index[counts.index.duplicated()]})
        msg = f"counts has the kecamatan {dupes} more than once; give one count per kecamatan."
        raise TableError(msg)
    values = pd.to_numeric(counts, errors="coerce")
    bad = [
        f"{k}: {v!r}"
        for k, v, num in zip(counts.index, counts, values, strict=True)
        if pd.isna(num) or num < 0 or num != np.floor(num)
    ]
    if bad:
        msg = f"UMKM counts must be whole numbers >= 0; these kecamatan have bad counts: {', '.join(bad)}."
        raise TableError(msg)
    return values.astype("int64")


def survey_plan(
    counts: pd.Series,
    *,
    method: str = "slovin",
    e: float = 0.1,
    minimum: int = 2,
    names: pd.Series | None = None,
    seed: int | None = None,
    p: float = 0.5,
    confidence: float = 0.95,
    illustrative: bool = False,
) -> SurveyPlan:
    """Plan the survey: sample size from the total UMKM and quotas per kecamatan.

    Parameters
    ----------
    counts
        Number of UMKM per kecamatan, indexed by ``kode``.
    method
        ``"slovin"`` (:func:`slovin`) or ``"cochran"`` (:func:`cochran`, with ``p`` and ``confidence``).
    e
        Margin of error, between 0 and 1.
    minimum
        Least number of respondents per kecamatan (never more than its ``N``); 0 disables it.
    names
        Kecamatan names indexed by ``kode`` (e.g. ``area.frame["nama"]``), shown in the tables.
    seed
        ``None`` breaks ties between equal rounding remainders in favour of the earlier kecamatan
        (in the order of ``counts``); an integer breaks them in a random order drawn with
        ``np.random.default_rng(seed)``.
    p, confidence
        Expected proportion and confidence level of :func:`cochran` (ignored by Slovin).
    illustrative
        The counts are illustrative; recorded in the settings and printed on the fieldwork table.

    Returns
    -------
    SurveyPlan
        The final sample size, the allocation per kecamatan and the settings.

    Raises
    ------
    ConfigError
        Unknown ``method``, or ``e``, ``minimum``, ``seed``, ``p`` or ``confidence`` out of range.
    TableError
        A count is missing, negative or not whole; a kecamatan repeats; ``names`` lacks a kecamatan.
    AnalysisError
        All counts are 0.

    Warns
    -----
    UserWarning
        When kecamatan have no UMKM (quota 0), or the minimum adds respondents (naming how many).

    Notes
    -----
    Allocation: ``quota_k = n N_k / N`` rounded by the largest remainder so the quotas add up to
    ``n`` exactly; since ``n <= N`` no quota exceeds its ``N_k``. Then the rule of
    :data:`MINIMUM_RULE` applies: quotas below ``min(minimum, pop_k)`` are raised to it, which adds
    respondents rather than taking them from larger kecamatan (the formula's ``n`` is a lower bound
    for the margin of error, and taking respondents away would break proportionality elsewhere).
    """
    if method not in _METHODS:
        msg = f"Unknown sample-size method {method!r}; use one of {sorted(_METHODS)}."
        raise ConfigError(msg)
    if isinstance(minimum, bool) or not isinstance(minimum, int | np.integer) or minimum < 0:
        msg = f"The minimum per kecamatan {minimum!r} must be a whole number >= 0 (e.g. 2)."
        raise ConfigError(msg)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        msg = f"The seed {seed!r} must be an integer or None."
        raise ConfigError(msg)
    pop_k = _check_counts(counts)
    total = int(pop_k.sum())
    if total == 0:
        msg = "All UMKM counts are 0; there is no population to sample."
        raise AnalysisError(msg)
    if method == "cochran":
        n_formula = cochran(total, e, p=p, confidence=confidence)
        z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    else:
        n_formula = slovin(total, e)
        z = None

    weights = pop_k.to_numpy(dtype=float)
    if seed is None:
        proportional = largest_remainder(n_formula, weights)
    else:
        order = np.random.default_rng(int(seed)).permutation(len(weights))
        proportional = np.empty(len(weights), dtype=np.int64)
        proportional[order] = largest_remainder(n_formula, weights[order])
    floor = np.minimum(int(minimum), pop_k.to_numpy())
    quota = np.maximum(proportional, floor)
    raised = quota > proportional
    added = int((quota - proportional).sum())

    if names is not None:
        lacking = [str(k) for k in pop_k.index if k not in names.index]
        if lacking:
            msg = f"names has no name for the kecamatan {lacking}; pass e.g. area.frame['nama']."
            raise TableError(msg)
        labels = names.reindex(pop_k.index).astype(str).to_numpy()
    else:
        labels = np.full(len(pop_k), "", dtype=object)
    empty = [str(k) for k in pop_k.index[pop_k.to_numpy() == 0]]
    if empty:
        warnings.warn(f"Kecamatan {empty} have no UMKM and get no respondents (quota 0).", stacklevel=2)
    if added:
        warnings.warn(
            f"The minimum of {minimum} respondents per kecamatan added {added} respondents in"
            f" {int(raised.sum())} kecamatan: n = {n_formula} + {added} = {n_formula + added}.",
            stacklevel=2,
        )

    allocation = pd.DataFrame(
        {
            "kecamatan": labels,
            "N": pop_k.to_numpy(),
            "share": weights / total,
            "quota_proportional": proportional.astype("int64"),
            "quota": quota.astype("int64"),
            "n_min_applied": raised,
        },
        index=pop_k.index.copy(),
    )
    allocation.index.name = "kode"
    settings: dict[str, Any] = {
        "method": method,
        "formula": _FORMULAS[method],
        "e": float(e),
        "p": float(p) if method == "cochran" else None,
        "confidence": float(confidence) if method == "cochran" else None,
        "z": z,
        "N": total,
        "n_formula": n_formula,
        "minimum": int(minimum),
        "minimum_rule": MINIMUM_RULE,
        "n_added_for_minimum": added,
        "n": int(quota.sum()),
        "allocation": "proportional to pop_k, largest-remainder (Hamilton) rounding",
        "tie_break": "earlier kecamatan first" if seed is None else "random order from the seed",
        "seed": None if seed is None else int(seed),
        "illustrative": bool(illustrative),
    }
    return SurveyPlan(allocation=allocation, n=int(quota.sum()), method=method, settings=settings)
