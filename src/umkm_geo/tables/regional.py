"""Count tables of the regional-economics methods: parsing, validation and shared helpers.

:mod:`umkm_geo.stats.regional.lq`, :mod:`umkm_geo.stats.regional.shiftshare` and
:mod:`umkm_geo.stats.regional.typology` read
their input through the helpers here, so that every method accepts the same layouts and rejects
the same faults with the same messages.

Counts come either as the long table of :func:`umkm_geo.tables.join.join_counts` (columns ``kode``,
``sektor``, ``tahun``, ``jumlah``), as a wide table (index unit, one column per sector) or as a
mapping ``{year: wide table}``. In every layout a ``total`` sector next to real sectors is checked
against their sum and then left out; missing unit x sector counts are taken as 0 with a warning;
negative counts and duplicated unit x sector (x year) rows are errors. Reference totals (e.g. the
province's) are checked against the sectors of the count table.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import ConfigError, TableError
from umkm_geo._provenance import versions
from umkm_geo._validate import listing, repeated
from umkm_geo.tables.columns import TOTAL_SECTOR

__all__ = [
    "check_year",
    "count_settings",
    "count_tables",
    "is_long",
    "reference_frame",
    "reference_totals",
    "resolve_year",
]

_LONG_REQUIRED = ("kode", "sektor", "jumlah")


def count_settings(dropped_total: bool) -> dict[str, str]:
    """Settings describing how a count table was read (missing counts, total sector, versions)."""
    return {
        "missing_counts": "taken as 0, with a warning",
        "total_sector": "checked against the sum of the sectors and left out" if dropped_total else "none",
        **versions("numpy", "pandas"),
    }


# --------------------------------------------------------------------------- count tables


def is_long(counts: pd.DataFrame) -> bool:
    """Whether ``counts`` is a long table (columns ``kode``, ``sektor`` and ``jumlah``)."""
    return set(_LONG_REQUIRED) <= set(counts.columns)


def _check_years(counts: pd.DataFrame) -> pd.Series:
    """The ``tahun`` column as nullable integers (all missing when the table has none)."""
    if "tahun" not in counts.columns:
        return pd.Series(pd.NA, index=counts.index, dtype="Int64")
    years = pd.to_numeric(counts["tahun"], errors="coerce")
    bad = (years.isna() & counts["tahun"].notna()).to_numpy()
    if bad.any():
        rows = [f"{k} {s} tahun={t!r}" for k, s, t in counts.loc[bad, ["kode", "sektor", "tahun"]].itertuples(False)]
        msg = f"The tahun column has values that are not years: {listing(rows)}. Write years as numbers."
        raise TableError(msg)
    if years.notna().any() and (years.dropna() % 1 != 0).any():
        msg = f"The tahun column has fractional years: {listing(sorted(set(years.dropna())))}."
        raise TableError(msg)
    years = years.astype("Int64")
    if years.isna().any() and years.notna().any():
        units = list(pd.unique(counts.loc[years.isna().to_numpy(), "kode"]))
        msg = (
            f"Some rows have no tahun while others have one (rows without a year for {listing(units)}); "
            "give every row a year or none."
        )
        raise TableError(msg)
    return years


def _table_years(counts: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in _check_years(counts).dropna().unique())


def check_year(year: Any) -> None:
    """Raise unless ``year`` is an integer (``bool`` is not)."""
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        msg = f"year must be an integer, not {year!r}."
        raise ConfigError(msg)


def resolve_year(counts: pd.DataFrame, year: int | None) -> int | None:
    """The year to read from a long table: the given one (must exist) or its only year."""
    years = _table_years(counts)
    if year is None:
        if len(years) > 1:
            msg = f"The count table has several years {years}; pass year= to choose one."
            raise ConfigError(msg)
        return years[0] if years else None
    check_year(year)
    if int(year) not in years:
        have = years if years else "no years (no tahun values)"
        msg = f"The count table has no rows for year {year}; it has {have}."
        raise TableError(msg)
    return int(year)


def _long_to_wide(counts: pd.DataFrame, years: Sequence[int | None]) -> dict[int | None, pd.DataFrame]:
    """Wide tables (unit x sector, NaN where no row) of the given years of a long table."""
    counts = counts.reset_index(drop=True)
    table_years = _check_years(counts)
    if list(years) == [None]:
        data = counts
    else:
        data = counts[table_years.isin([y for y in years if y is not None]).fillna(False).to_numpy()]
    data = data.assign(tahun=table_years.loc[data.index], jumlah=pd.to_numeric(data["jumlah"], errors="coerce"))
    not_numeric = data["jumlah"].isna() & counts.loc[data.index, "jumlah"].notna()
    if not_numeric.any():
        rows = [
            f"{k} {s} {'' if pd.isna(t) else t}: {v!r}"
            for (k, s, t), v in zip(
                data.loc[not_numeric, ["kode", "sektor", "tahun"]].itertuples(False),
                counts.loc[data.index[not_numeric], "jumlah"],
                strict=True,
            )
        ]
        msg = f"The jumlah column has values that are not numbers: {listing(rows)}."
        raise TableError(msg)
    _check_negative(data["jumlah"], data[["kode", "sektor", "tahun"]].itertuples(False))
    keys = ["kode", "sektor", "tahun"]
    dups = data[data.duplicated(keys, keep=False)].drop_duplicates(keys)
    if len(dups):
        listed = [f"{k} {s}{'' if pd.isna(t) else f' {t}'}" for k, s, t in dups[keys].itertuples(False)]
        msg = (
            f"The count table has several rows for the same unit x sector x year: {listing(listed)}; "
            "keep one row per unit, sector and year (add them up first if they are parts)."
        )
        raise TableError(msg)
    units = pd.Index(pd.unique(data["kode"]), name="kode")
    sectors = pd.Index(pd.unique(data["sektor"]), name="sektor")
    out = {}
    for year in years:
        rows = data if year is None else data[(data["tahun"] == year).fillna(False).to_numpy()]
        wide = rows.pivot(index="kode", columns="sektor", values="jumlah").reindex(index=units, columns=sectors)
        wide.index.name, wide.columns.name = "kode", None
        out[year] = wide.astype(float)
    return out


def _check_negative(values: pd.Series, labels: Any) -> None:
    negative = (values < 0).to_numpy()
    if negative.any():
        rows = [
            f"{' '.join(str(x) for x in label if not pd.isna(x))}: {v}"
            for label, v, neg in zip(labels, values, negative, strict=True)
            if neg
        ]
        msg = f"Counts cannot be negative: {listing(rows)}."
        raise TableError(msg)


def _check_wide(frame: Any, *, what: str) -> pd.DataFrame:
    """A wide count table (index unit, columns sectors) as floats, NaN where missing."""
    if not isinstance(frame, pd.DataFrame):
        msg = (
            f"{what} must be a pandas DataFrame (long: kode, sektor, tahun, jumlah; or wide: index unit, "
            f"columns sectors), not {type(frame).__name__}."
        )
        raise TableError(msg)
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        msg = f"{what} is empty ({frame.shape[0]} units x {frame.shape[1]} sectors)."
        raise TableError(msg)
    for axis, name in ((frame.index, "units (index)"), (frame.columns, "sectors (columns)")):
        dupes = repeated(axis)
        if dupes:
            msg = f"{what} has duplicated {name}: {listing(dupes)}."
            raise TableError(msg)
    numeric = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    bad = numeric.isna() & frame.notna()
    if bad.to_numpy().any():
        flagged = bad.stack(future_stack=True)
        cells = [f"{u} {s}: {frame.at[u, s]!r}" for u, s in flagged[flagged].index]
        msg = f"{what} has values that are not numbers: {listing(cells)}."
        raise TableError(msg)
    stacked = numeric.stack(future_stack=True)
    _check_negative(stacked, stacked.index)
    return numeric


def _fill_missing(tables: Mapping[int | None, pd.DataFrame]) -> dict[int | None, pd.DataFrame]:
    """Replace missing counts by 0, warning with the unit, sector and year of each."""
    missing = []
    out = {}
    for year, wide in tables.items():
        where = f" {year}" if year is not None else ""
        gaps = wide.isna().stack(future_stack=True)
        missing += [f"{u} {s}{where}" for u, s in gaps[gaps].index]
        out[year] = wide.fillna(0.0)
    if missing:
        msg = f"{len(missing)} unit x sector count(s) are missing and were taken as 0: {listing(missing)}."
        warnings.warn(msg, UserWarning, stacklevel=4)
    return out


def _drop_total(wide: pd.DataFrame, *, year: int | None) -> tuple[pd.DataFrame, bool]:
    """Check a ``total`` column next to sector columns against their sum and drop it.

    Units without a total (NaN) are not checked; missing sector counts add 0 to the sum.
    """
    if TOTAL_SECTOR not in wide.columns or wide.shape[1] == 1:
        return wide, False
    parts = wide.drop(columns=TOTAL_SECTOR)
    total = wide[TOTAL_SECTOR]
    sums = parts.sum(axis=1)
    off = total.notna().to_numpy() & ~np.isclose(total.to_numpy(), sums.to_numpy(), rtol=1e-9, atol=1e-9)
    if off.any():
        where = f" in {year}" if year is not None else ""
        cells = [
            f"{u}: total {t:g} vs sectors {s:g}" for u, t, s in zip(wide.index[off], total[off], sums[off], strict=True)
        ]
        msg = f"The total sector disagrees with the sum of the sectors{where}: {listing(cells)}."
        raise TableError(msg)
    return parts, True


def count_tables(counts: Any, years: Sequence[int | None], *, what: str) -> tuple[dict[int | None, pd.DataFrame], bool]:
    """Validated wide tables of ``years`` from a long table, a wide table or a year -> wide mapping."""
    if isinstance(counts, pd.DataFrame) and is_long(counts):
        tables = _long_to_wide(counts, years)
    elif isinstance(counts, Mapping):
        available = list(counts)
        absent = [y for y in years if y not in counts]
        if absent:
            msg = f"{what} has no table for year(s) {absent}; it has {available}."
            raise TableError(msg)
        raw = {y: _check_wide(counts[y], what=f"{what}[{y}]") for y in years}
        units = pd.Index(pd.unique(np.concatenate([t.index.to_numpy(dtype=object) for t in raw.values()])))
        sectors = pd.Index(pd.unique(np.concatenate([t.columns.to_numpy(dtype=object) for t in raw.values()])))
        units.name = raw[years[0]].index.name
        tables = {y: t.reindex(index=units, columns=sectors) for y, t in raw.items()}
    else:
        tables = {years[0]: _check_wide(counts, what=what)}
    dropped = False
    for year in list(tables):
        tables[year], had_total = _drop_total(tables[year], year=year)
        dropped = dropped or had_total
    return _fill_missing(tables), dropped


# --------------------------------------------------------------------------- reference totals


def reference_totals(reference: Any, sectors: pd.Index, *, what: str, stacklevel: int = 3) -> pd.Series:
    """Reference sector totals (Series indexed by sector) restricted to ``sectors``."""
    if not isinstance(reference, pd.Series):
        msg = f"{what} must be a pandas Series of sector totals indexed by sector, not {type(reference).__name__}."
        raise TableError(msg)
    dupes = repeated(reference.index)
    if dupes:
        msg = f"{what} lists sector(s) {dupes} more than once."
        raise TableError(msg)
    absent = [s for s in sectors if s not in reference.index]
    if absent:
        msg = f"{what} has no total for sector(s) {absent}; it has {list(reference.index)}. Add them."
        raise TableError(msg)
    extra = [s for s in reference.index if s not in sectors and s != TOTAL_SECTOR]
    if extra:
        msg = (
            f"{what} has sector(s) {extra} that the count table lacks; they were left out, so E is the "
            "sum over the sectors of the table."
        )
        warnings.warn(msg, UserWarning, stacklevel=stacklevel)
    values = pd.to_numeric(reference.reindex(sectors), errors="coerce").astype(float)
    bad = [s for s, v in values.items() if not np.isfinite(v) or v < 0]
    if bad:
        msg = f"{what} has missing, non-numeric or negative totals for sector(s) {bad}: {reference[bad].tolist()}."
        raise TableError(msg)
    return values


def reference_frame(reference: Any, years: tuple[int, int], sectors: pd.Index) -> pd.DataFrame:
    """Reference totals of the two years, as a sector x year table restricted to ``sectors``."""
    if isinstance(reference, pd.Series):
        names = list(reference.index.names)
        if reference.index.nlevels != 2 or not {"sektor", "tahun"} <= set(names):
            msg = "A reference Series for shift_share needs a two-level index named 'sektor' and 'tahun'."
            raise TableError(msg)
        reference = reference.rename("jumlah").reset_index()
    if not isinstance(reference, pd.DataFrame):
        msg = (
            "reference must be a DataFrame of sector totals (index sector, columns years; or long with "
            f"columns sektor, tahun, jumlah), not {type(reference).__name__}."
        )
        raise TableError(msg)
    if {"sektor", "tahun", "jumlah"} <= set(reference.columns):
        keys = reference[["sektor", "tahun"]]
        if keys.duplicated().any():
            dupes = [f"{s} {t}" for s, t in keys[keys.duplicated()].itertuples(False)]
            msg = f"The reference has several rows for sector x year {listing(dupes)}."
            raise TableError(msg)
        reference = reference.pivot(index="sektor", columns="tahun", values="jumlah")
    columns = {}
    for column in reference.columns:
        try:
            columns[int(column)] = column
        except (TypeError, ValueError):
            continue
    absent = [y for y in years if y not in columns]
    if absent:
        msg = f"The reference has no totals for year(s) {absent}; its columns are {list(reference.columns)}."
        raise TableError(msg)
    out = {}
    for year in years:
        out[year] = reference_totals(reference[columns[year]], sectors, what=f"The reference for {year}", stacklevel=4)
    return pd.DataFrame(out)
