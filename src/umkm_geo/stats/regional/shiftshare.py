"""Shift-share: the change of each sector in each unit split into three components.

``D_ij = e'_ij - e_ij = N_ij + M_ij + C_ij``: a reference (national/provincial) share, an industry
mix and a competitive effect (Dunn 1960; Stevens & Moore 1980). No maintained Python library
provides it, so it is written here and tested against hand-worked examples. Counts of the two
years are read by :mod:`umkm_geo.tables.regional` (a long table or ``{year: wide}``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError, ConfigError, TableError
from umkm_geo.results import TableMixin, payload
from umkm_geo.tables.regional import (
    count_settings,
    count_tables,
    is_long,
    reference_frame,
    resolve_year,
)

__all__ = ["SHIFT_SHARE_COMPONENTS", "SHIFT_SHARE_DEFINITION", "ShiftShareResult", "shift_share"]

#: Formula and citation of :func:`shift_share`.
SHIFT_SHARE_DEFINITION = (
    "D_ij = e'_ij - e_ij = N_ij + M_ij + C_ij; national/reference share N_ij = e_ij * r_n, "
    "industry mix M_ij = e_ij * (r_nj - r_n), competitive effect C_ij = e_ij * (r_ij - r_nj); "
    "r_n = E'/E - 1, r_nj = E'_j/E_j - 1, r_ij = e'_ij/e_ij - 1; when e_ij = 0, N_ij = M_ij = 0 and "
    "C_ij = e'_ij - e_ij * (1 + r_nj) = e'_ij (Dunn 1960; Stevens & Moore 1980)"
)

#: Columns of the shift-share tables: column -> description.
SHIFT_SHARE_COMPONENTS: Mapping[str, str] = MappingProxyType(
    {
        "base": "count in the base year, e_ij",
        "end": "count in the end year, e'_ij",
        "change": "D = e' - e",
        "national_share": "N = e * r_n (komponen pertumbuhan nasional/referensi)",
        "industry_mix": "M = e * (r_nj - r_n) (komponen pertumbuhan proporsional)",
        "competitive": "C = e * (r_ij - r_nj) (komponen pertumbuhan pangsa wilayah)",
        "net_shift": "M + C (pergeseran bersih)",
    }
)


@dataclasses.dataclass(frozen=True, eq=False)
class ShiftShareResult(TableMixin):
    """Shift-share decomposition of the change of each sector in each unit between two years.

    Attributes
    ----------
    base_year, end_year
        The two years compared.
    components
        Long table indexed by (unit, ``sektor``) with the columns of
        :data:`SHIFT_SHARE_COMPONENTS` and ``growth`` (``r_ij``, NaN when ``e_ij = 0``) and
        ``reference_growth`` (``r_nj``).
    units
        Per-unit totals over the sectors, indexed like the input, with the columns of
        :data:`SHIFT_SHARE_COMPONENTS` and ``growth`` (``e'_i / e_i - 1``; NaN when ``e_i = 0``).
    reference
        Reference sector totals, index sector, columns ``base_year`` and ``end_year``.
    reference_growth
        ``r_n = E' / E - 1``.
    identity_error
        Largest ``|N + M + C - D|`` over all unit x sector cells (rounding only).
    settings
        Years, reference, formula and library versions.
    """

    base_year: int
    end_year: int
    components: pd.DataFrame
    units: pd.DataFrame
    reference: pd.DataFrame
    reference_growth: float
    identity_error: float
    settings: Mapping[str, Any]

    def wide(self, column: str) -> pd.DataFrame:
        """One column of :attr:`components` as a unit x sector table.

        Parameters
        ----------
        column
            A column of :attr:`components`, e.g. ``"competitive"``.

        Returns
        -------
        pandas.DataFrame
            Index the units (input order), one column per sector.
        """
        if column not in self.components.columns:
            msg = f"Unknown shift-share column {column!r}; choose one of {list(self.components.columns)}."
            raise ConfigError(msg)
        unit_level = self.components.index.names[0]
        out = self.components[column].unstack("sektor")
        return out.reindex(index=self.units.index, columns=self.reference.index).rename_axis(
            index=unit_level, columns=None
        )

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        totals = self.units[list(SHIFT_SHARE_COMPONENTS)].sum(axis=0)
        statistics: dict[str, Any] = {
            "n_units": len(self.units),
            "n_sectors": len(self.reference),
            "reference_growth": self.reference_growth,
            **{f"total_{name}": float(value) for name, value in totals.items()},
            "identity_max_abs_error": self.identity_error,
        }
        return payload("shift_share", statistics, dict(self.settings))


def _check_year_option(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        msg = f"{name} must be an integer year, not {value!r}."
        raise ConfigError(msg)
    return int(value)


def shift_share(
    counts: pd.DataFrame | Mapping[int, pd.DataFrame],
    *,
    base_year: int,
    end_year: int,
    reference: pd.DataFrame | pd.Series | None = None,
) -> ShiftShareResult:
    """Classic shift-share decomposition of the change of each sector in each unit.

    ``D_ij = e'_ij - e_ij = N_ij + M_ij + C_ij`` with the reference share ``N_ij = e_ij * r_n``,
    the industry mix ``M_ij = e_ij * (r_nj - r_n)`` and the competitive effect
    ``C_ij = e_ij * (r_ij - r_nj)`` (Dunn 1960; Stevens & Moore 1980), where ``r_n = E'/E - 1``
    is the growth of the whole reference, ``r_nj = E'_j/E_j - 1`` that of sector ``j`` in the
    reference and ``r_ij = e'_ij/e_ij - 1`` that of sector ``j`` in unit ``i``.

    Parameters
    ----------
    counts
        The long table of :func:`umkm_geo.tables.join.join_counts` (columns ``kode``, ``sektor``,
        ``tahun``, ``jumlah``), or a mapping ``year -> wide table`` (index unit, columns sectors).
    base_year, end_year
        The two years; ``base_year < end_year``.
    reference
        Reference totals of both years (e.g. the province): a DataFrame indexed by sector with
        one column per year, a long DataFrame with columns ``sektor``, ``tahun``, ``jumlah``, or
        a Series indexed by (``sektor``, ``tahun``). It must cover every sector of ``counts``.
        Default: the sum over all units, so that ``sum_i C_ij = 0`` for every sector.

    Returns
    -------
    ShiftShareResult
        Components per unit x sector and per unit, the reference used and the settings.

    Raises
    ------
    ConfigError
        If a year is not an integer or ``base_year >= end_year``.
    TableError
        If a year is missing from ``counts`` or the reference, a count is negative or not a
        number, a unit x sector x year has several rows, or the reference lacks a sector.
    AnalysisError
        If the reference total of the base year is 0, or a sector with a zero reference total in
        the base year has UMKM in some unit (its reference growth is undefined).

    Warns
    -----
    UserWarning
        For missing unit x sector counts (taken as 0; a unit absent in one year has 0 there) and
        reference sectors not in the table.

    Notes
    -----
    When ``e_ij = 0`` in the base year ``r_ij`` is undefined; the competitive effect is then
    ``C_ij = e'_ij - e_ij * (1 + r_nj)``, which with ``e_ij = 0`` is ``e'_ij``, and ``N_ij`` and
    ``M_ij`` are 0: all new UMKM of a sector that was absent count as competitive effect. The
    identity ``N + M + C = D`` holds cell by cell; the largest rounding error is reported as
    ``identity_max_abs_error``.
    """
    base_year = _check_year_option(base_year, "base_year")
    end_year = _check_year_option(end_year, "end_year")
    if base_year >= end_year:
        msg = f"base_year ({base_year}) must be before end_year ({end_year})."
        raise ConfigError(msg)
    years = (base_year, end_year)
    if isinstance(counts, pd.DataFrame) and is_long(counts):
        for year in years:
            resolve_year(counts, year)
    elif not isinstance(counts, Mapping):
        msg = (
            "counts must be the long count table (kode, sektor, tahun, jumlah) or a mapping "
            f"year -> wide table, not {type(counts).__name__}."
        )
        raise TableError(msg)
    tables, dropped_total = count_tables(counts, list(years), what="counts")
    base, end = tables[base_year], tables[end_year]
    sectors = base.columns
    if reference is None:
        ref = pd.DataFrame({base_year: base.sum(axis=0), end_year: end.sum(axis=0)})
        ref_text = f"sum of the {len(base)} units of the table"
    else:
        ref = reference_frame(reference, years, sectors)
        ref_text = "given reference totals"
    ref.index.name = "sektor"

    e, e2 = base.to_numpy(dtype=float), end.to_numpy(dtype=float)
    big_e, big_e2 = ref[base_year].to_numpy(dtype=float), ref[end_year].to_numpy(dtype=float)
    if big_e.sum() <= 0:
        msg = f"The reference total of {base_year} is 0, so its growth is undefined."
        raise AnalysisError(msg)
    undefined = (big_e == 0) & (e > 0).any(axis=0)
    if undefined.any():
        bad = list(sectors[undefined])
        msg = (
            f"Sector(s) {bad} have a reference total of 0 in {base_year} but UMKM in some unit, so the "
            "reference growth r_nj is undefined; check the reference."
        )
        raise AnalysisError(msg)
    r_n = float(big_e2.sum() / big_e.sum() - 1.0)
    r_nj = np.divide(big_e2, big_e, out=np.full_like(big_e, np.nan), where=big_e > 0) - 1.0
    present = e > 0
    r_ij = np.divide(e2, e, out=np.full_like(e, np.nan), where=present) - 1.0
    change = e2 - e
    national = e * r_n
    mix = np.where(present, e * (r_nj[None, :] - r_n), 0.0)
    competitive = np.where(present, e * (r_ij - r_nj[None, :]), e2)
    identity_error = float(np.abs(national + mix + competitive - change).max())
    if identity_error > 1e-9 * max(1.0, float(np.abs(e2).max())):  # pragma: no cover - arithmetic guard
        msg = f"The shift-share identity N + M + C = D fails by {identity_error}; please report this."
        raise AnalysisError(msg)

    cells = {
        "base": e,
        "end": e2,
        "change": change,
        "national_share": national,
        "industry_mix": mix,
        "competitive": competitive,
        "net_shift": mix + competitive,
    }
    unit_level = base.index.name or "kode"
    index = pd.MultiIndex.from_product([base.index, sectors], names=[unit_level, "sektor"])
    components = pd.DataFrame({k: v.ravel() for k, v in cells.items()}, index=index)
    components["growth"] = r_ij.ravel()
    components["reference_growth"] = np.tile(r_nj, len(base))
    units = pd.DataFrame({k: v.sum(axis=1) for k, v in cells.items()}, index=base.index)
    base_total, end_total = units["base"].to_numpy(), units["end"].to_numpy()
    units["growth"] = np.divide(end_total, base_total, out=np.full(len(units), np.nan), where=base_total > 0) - 1.0
    ref.columns = ["base_year", "end_year"]
    settings = {
        "base_year": base_year,
        "end_year": end_year,
        "reference": ref_text,
        "reference_totals_base": [f"{s}={v:g}" for s, v in ref["base_year"].items()],
        "reference_totals_end": [f"{s}={v:g}" for s, v in ref["end_year"].items()],
        "sectors": [str(s) for s in sectors],
        "definition": SHIFT_SHARE_DEFINITION,
        "zero_base_rule": "e_ij = 0: N = M = 0, C = e'_ij (r_ij undefined)",
        **count_settings(dropped_total),
    }
    return ShiftShareResult(
        base_year=base_year,
        end_year=end_year,
        components=components,
        units=units,
        reference=ref,
        reference_growth=r_n,
        identity_error=identity_error,
        settings=MappingProxyType(settings),
    )
