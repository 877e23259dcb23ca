"""Klassen typology: the quadrant of each unit by level and growth against the area average.

Units are sorted into four quadrants -- developed and fast-growing, developed but depressed,
fast-developing, relatively underdeveloped -- by whether their level and growth reach the
reference (Klassen 1965; Sjafrizal 2008); :func:`growth_rate` computes the growth. No maintained
Python library provides it, so it is written here and tested against a hand-worked example.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError, ConfigError, TableError
from umkm_geo._provenance import versions
from umkm_geo._validate import listing
from umkm_geo.results import TableMixin, payload
from umkm_geo.stats._inference import TIE_TOLERANCE, _check_same_units, _check_series, _name

__all__ = ["KLASSEN_DEFINITION", "KLASSEN_LABELS", "KlassenResult", "growth_rate", "klassen"]

#: Quadrant rule and citation of :func:`klassen`.
KLASSEN_DEFINITION = (
    "high level: level >= level reference; high growth: growth >= growth reference (ties count as "
    "high); I = high level and high growth, II = high level and low growth, III = low level and "
    "high growth, IV = low level and low growth (Klassen 1965; Sjafrizal 2008)"
)

#: Klassen quadrant -> (Indonesian label, English label).
KLASSEN_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "I": ("maju dan tumbuh pesat", "developed and fast-growing"),
        "II": ("maju tapi tertekan", "developed but depressed"),
        "III": ("berkembang cepat", "fast-developing"),
        "IV": ("relatif tertinggal", "relatively underdeveloped"),
    }
)


def _check_unit_series(values: Any, *, what: str) -> pd.Series:
    """``values`` as floats, after checking it is a Series with unique, numeric-valued units."""
    _check_series(values, what, label="{role}")
    numeric = pd.to_numeric(values, errors="coerce")
    bad = numeric.isna() & values.notna()
    if bad.any():
        msg = f"{what} has non-numeric values for {list(map(str, values.index[bad]))}."
        raise AnalysisError(msg)
    return numeric.astype(float)


def _same_units(a: pd.Series, b: pd.Series, names: tuple[str, str]) -> None:
    """Raise :class:`AnalysisError` unless ``a`` and ``b`` have the same units (up to 10 of each side listed)."""
    first, second = names
    what, absent, unexpected = f"{first} and {second}", f"only in {first}", f"only in {second}"
    _check_same_units(b.index, a.index, what=what, absent=absent, unexpected=unexpected)


def growth_rate(counts_start: pd.Series, counts_end: pd.Series) -> pd.Series:
    """Growth rate ``end / start - 1`` of each unit.

    Parameters
    ----------
    counts_start, counts_end
        Non-negative counts indexed by unit, covering the same units.

    Returns
    -------
    pandas.Series
        Named ``growth_rate``, indexed like ``counts_start``; NaN where the start is 0 or a
        value is missing.

    Raises
    ------
    AnalysisError
        If the Series cover different units, have duplicated units or non-numeric values.
    TableError
        If a count is negative.

    Warns
    -----
    UserWarning
        Naming the units with a start of 0 or a missing value (their growth is NaN).
    """
    start = _check_unit_series(counts_start, what="counts_start")
    end = _check_unit_series(counts_end, what="counts_end")
    _same_units(start, end, ("counts_start", "counts_end"))
    end = end.reindex(start.index)
    for name, values in (("counts_start", start), ("counts_end", end)):
        negative = values < 0
        if negative.any():
            msg = f"{name} has negative counts: {listing([f'{u}: {v:g}' for u, v in values[negative].items()])}."
            raise TableError(msg)
    zero = list(start.index[start == 0])
    if zero:
        msg = f"The start count is 0 for {listing(zero)}; their growth rate is NaN."
        warnings.warn(msg, UserWarning, stacklevel=2)
    missing = list(start.index[start.isna() | end.isna()])
    if missing:
        msg = f"A count is missing for {listing(missing)}; their growth rate is NaN."
        warnings.warn(msg, UserWarning, stacklevel=2)
    rate = end / start.where(start != 0) - 1.0
    return rate.rename("growth_rate")


@dataclasses.dataclass(frozen=True, eq=False)
class KlassenResult(TableMixin):
    """Klassen typology: the quadrant of each unit by level and growth.

    Attributes
    ----------
    data
        Per-unit table indexed like ``level``; read it through :meth:`frame`.
    level_reference, growth_reference
        The averages the units are compared with.
    settings
        Variables, references, tie rule, labels, citation and library versions.
    """

    data: pd.DataFrame
    level_reference: float
    growth_reference: float
    settings: Mapping[str, Any]

    def frame(self) -> pd.DataFrame:
        """Per-unit results (a copy).

        Returns
        -------
        pandas.DataFrame
            Indexed like ``level`` with the columns ``level``, ``growth``, ``high_level``,
            ``high_growth`` (nullable booleans), ``quadrant`` (``"I"`` to ``"IV"``; missing
            when the level or growth is missing), ``label_id`` and ``label_en``
            (see :data:`KLASSEN_LABELS`).
        """
        return self.data.copy()

    def counts(self) -> pd.Series:
        """Number of units per quadrant, ``I`` to ``IV`` (zeros kept)."""
        counts = self.data["quadrant"].value_counts().reindex(list(KLASSEN_LABELS), fill_value=0)
        counts.name = "n_units"
        return counts.astype(int)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        statistics: dict[str, Any] = {
            "n_units": len(self.data),
            "level_reference": self.level_reference,
            "growth_reference": self.growth_reference,
        }
        statistics.update({f"n_{quadrant}": int(n) for quadrant, n in self.counts().items()})
        statistics["n_unclassified"] = int(self.data["quadrant"].isna().sum())
        return payload("klassen", statistics, dict(self.settings))


def _reference_value(value: Any, values: pd.Series, name: str) -> tuple[float, str]:
    if value is None:
        known = values.dropna()
        if known.empty:
            msg = f"{name} has no non-missing value, so its average is undefined."
            raise AnalysisError(msg)
        return float(known.mean()), f"unweighted mean of the {len(known)} units with a value"
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        msg = f"{name}_reference must be a number, not {value!r}."
        raise ConfigError(msg)
    if not np.isfinite(value):
        msg = f"{name}_reference must be finite, not {value!r}."
        raise ConfigError(msg)
    return float(value), "given"


def _at_least(values: pd.Series, reference: float) -> pd.Series:
    """``values >= reference``, ties within a relative 1e-12 included; missing stays missing."""
    high = values >= reference - TIE_TOLERANCE * max(1.0, abs(reference))
    return high.astype("boolean").mask(values.isna())


def klassen(
    level: pd.Series,
    growth: pd.Series,
    *,
    level_reference: float | None = None,
    growth_reference: float | None = None,
) -> KlassenResult:
    """Klassen typology of each unit by its level and growth against the area average.

    Parameters
    ----------
    level
        Level indicator per unit (e.g. UMKM per 1,000 residents, or the count), indexed by unit.
    growth
        Growth per unit (e.g. from :func:`growth_rate`), with the same units as ``level``.
    level_reference, growth_reference
        The averages to compare with (e.g. the province's). Default: the unweighted mean of the
        units with a value.

    Returns
    -------
    KlassenResult
        Quadrant and labels per unit, the references used and the settings.

    Raises
    ------
    AnalysisError
        If ``level`` and ``growth`` cover different units, have duplicated units or non-numeric
        values, or one of them has no value at all (with a default reference).
    ConfigError
        If a given reference is not a finite number.

    Warns
    -----
    UserWarning
        Naming the units with a missing level or growth: they get no quadrant and are left out
        of the default averages.

    Notes
    -----
    Quadrants (see :data:`KLASSEN_LABELS`): I "maju dan tumbuh pesat" (high level, high growth),
    II "maju tapi tertekan" (high level, low growth), III "berkembang cepat" (low level, high
    growth), IV "relatif tertinggal" (low level, low growth). A value equal to its reference
    (within a relative ``1e-12``, so that a computed mean does not split ties by rounding)
    counts as **high**.
    """
    level_values = _check_unit_series(level, what="level")
    growth_values = _check_unit_series(growth, what="growth")
    _same_units(level_values, growth_values, ("level", "growth"))
    growth_values = growth_values.reindex(level_values.index)
    for name, values in (("level", level_values), ("growth", growth_values)):
        infinite = np.isinf(values)
        if infinite.any():
            msg = f"{name} is infinite for {list(map(str, values.index[infinite]))}; give finite values."
            raise AnalysisError(msg)
    missing = list(level_values.index[level_values.isna() | growth_values.isna()])
    if missing:
        msg = f"{len(missing)} unit(s) have no level or growth and get no quadrant: {listing(missing)}."
        warnings.warn(msg, UserWarning, stacklevel=2)
    level_ref, level_text = _reference_value(level_reference, level_values, "level")
    growth_ref, growth_text = _reference_value(growth_reference, growth_values, "growth")

    high_level = _at_least(level_values, level_ref)
    high_growth = _at_least(growth_values, growth_ref)
    quadrant_of = {(True, True): "I", (True, False): "II", (False, True): "III", (False, False): "IV"}
    quadrants = [
        None if pd.isna(lv) or pd.isna(gr) else quadrant_of[(bool(lv), bool(gr))]
        for lv, gr in zip(high_level, high_growth, strict=True)
    ]
    data = pd.DataFrame(
        {
            "level": level_values,
            "growth": growth_values,
            "high_level": high_level,
            "high_growth": high_growth,
            "quadrant": pd.array(quadrants, dtype="string"),
            "label_id": [None if q is None else KLASSEN_LABELS[q][0] for q in quadrants],
            "label_en": [None if q is None else KLASSEN_LABELS[q][1] for q in quadrants],
        },
        index=level_values.index,
    )
    settings = {
        "level_variable": _name(level),
        "growth_variable": _name(growth),
        "level_reference": level_text,
        "growth_reference": growth_text,
        "definition": KLASSEN_DEFINITION,
        "tie_rule": "a value equal to its reference (relative tolerance 1e-12) counts as high",
        "labels": [f"{q}: {ind} / {en}" for q, (ind, en) in KLASSEN_LABELS.items()],
        "missing_values": "no quadrant; left out of the default averages",
        **versions("numpy", "pandas"),
    }
    return KlassenResult(
        data=data,
        level_reference=level_ref,
        growth_reference=growth_ref,
        settings=MappingProxyType(settings),
    )
