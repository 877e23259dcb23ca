"""Location quotient: which sectors are *basis* (over-represented) in each unit.

``LQ_ij = (e_ij / e_i) / (E_j / E)`` compares the share of sector ``j`` among the UMKM of unit
``i`` with its share in a reference region (Isard 1960; Tarigan 2005). No maintained Python
library provides it, so it is written here and tested against a hand-worked example. Counts are
read by :mod:`umkm_geo.tables.regional` (long, wide or ``{year: wide}`` tables).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError
from umkm_geo._validate import listing
from umkm_geo.results import TableMixin, payload
from umkm_geo.stats._inference import TIE_TOLERANCE
from umkm_geo.tables.regional import (
    check_year,
    count_settings,
    count_tables,
    is_long,
    reference_totals,
    resolve_year,
)

__all__ = ["LQ_DEFINITION", "LQResult", "location_quotient"]

#: Formula, basis rule and citation of :func:`location_quotient`.
LQ_DEFINITION = (
    "LQ_ij = (e_ij / e_i) / (E_j / E); e_ij = count of sector j in unit i, e_i = sum_j e_ij, "
    "E_j = reference count of sector j, E = sum_j E_j over the sectors of the table; "
    "sector j is basis in unit i when LQ_ij > 1 (Isard 1960; Tarigan 2005)"
)


@dataclasses.dataclass(frozen=True, eq=False)
class LQResult(TableMixin):
    """Location quotients of every sector in every unit, with the basis sectors.

    Attributes
    ----------
    year
        The year of the counts (``None`` for a table without years).
    lq
        Wide table of ``LQ_ij``: index the units (in input order), one column per sector. NaN
        for units without counts (``e_i = 0``) and for sectors with a zero reference total.
    basis
        Long table indexed by (unit, ``sektor``) with the columns ``jumlah`` (``e_ij``), ``lq``
        and ``basis`` (nullable boolean, ``LQ > 1``; missing where the LQ is NaN).
    units
        Per-unit table indexed like the input: ``total`` (``e_i``), ``n_basis`` (number of basis
        sectors, nullable integer; missing for units without counts) and ``basis_sectors`` (the
        basis sectors joined with ``"; "``).
    reference
        The reference sector totals ``E_j`` used.
    settings
        Year, reference, formula, basis rule and library versions.
    """

    year: int | None
    lq: pd.DataFrame
    basis: pd.DataFrame
    units: pd.DataFrame
    reference: pd.Series
    settings: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        statistics: dict[str, Any] = {
            "n_units": len(self.lq),
            "n_sectors": self.lq.shape[1],
            "n_units_without_counts": int(self.units["n_basis"].isna().sum()),
        }
        flags = self.basis["basis"].fillna(False).astype(bool)
        per_sector = flags.groupby(level="sektor", sort=False).sum()
        statistics.update({f"n_basis_units_{sector}": int(n) for sector, n in per_sector.items()})
        return payload("location_quotient", statistics, dict(self.settings))


def location_quotient(
    counts: pd.DataFrame | Mapping[int, pd.DataFrame],
    *,
    year: int | None = None,
    reference: pd.Series | None = None,
) -> LQResult:
    """Location quotient of every sector in every unit.

    ``LQ_ij = (e_ij / e_i) / (E_j / E)``: the share of sector ``j`` among the UMKM of unit ``i``
    over its share in the reference region. A sector with ``LQ > 1`` is a *basis* sector of the
    unit (more concentrated there than in the reference).

    Parameters
    ----------
    counts
        The long table of :func:`umkm_geo.tables.join.join_counts` (columns ``kode``, ``sektor``,
        ``jumlah`` and ``tahun``), a wide table (index unit, one column per sector), or a mapping
        ``{year: wide table}`` as taken by :func:`umkm_geo.stats.regional.shiftshare.shift_share`.
    year
        The year to read: from a long table it is needed when the table has several years; from
        a ``{year: wide table}`` mapping it is always needed (the key to read). With a wide
        table it is only recorded in the settings.
    reference
        Sector totals ``E_j`` of the reference region (e.g. the province), indexed by sector. It
        must cover every sector of ``counts``; extra sectors are left out with a warning, so ``E``
        is always the sum over the sectors of the table. Default: the sum over all units.

    Returns
    -------
    LQResult
        The wide LQ table, the long table with the basis flag, the number of basis sectors per
        unit, the reference used and the settings.

    Raises
    ------
    TableError
        If the table has a negative or non-numeric count, several rows for one unit x sector x
        year, no rows (or, in a mapping, no table) for ``year``, a ``total`` that disagrees with
        its sectors, or the reference lacks a sector or has a negative total.
    ConfigError
        If the long table has several years and ``year`` is not given.
    AnalysisError
        If there are fewer than two sectors or every count of the reference is 0.

    Warns
    -----
    UserWarning
        For missing unit x sector counts (taken as 0), units whose counts are all 0 and sectors
        with a zero reference total (their LQ is NaN), and reference sectors not in the table.

    Notes
    -----
    With the default reference ``sum_i e_ij = E_j``, so ``sum_i (e_i / E) * LQ_ij = 1`` for every
    sector: the LQs average to 1 weighted by the units' shares of all UMKM. A unit whose sector
    composition equals the reference has ``LQ = 1`` everywhere (not basis). LQs within ``1e-12``
    of 1 count as 1 for the basis flag, so rounding cannot make a sector basis.
    """
    if isinstance(counts, pd.DataFrame) and is_long(counts):
        year = resolve_year(counts, year)
    elif year is not None:
        check_year(year)
    tables, dropped_total = count_tables(counts, [year], what="counts")
    wide = tables[year]
    if wide.shape[1] < 2:
        msg = f"The location quotient needs at least two sectors; the table has {list(wide.columns)}."
        raise AnalysisError(msg)
    if reference is None:
        ref = wide.sum(axis=0)
        ref_text = f"sum of the {len(wide)} units of the table"
    else:
        ref = reference_totals(reference, wide.columns, what="reference")
        ref_text = f"given: {reference.name}" if reference.name is not None else "given sector totals"
    ref.name = "reference_total"
    grand = float(ref.sum())
    if grand <= 0:
        msg = "Every reference count is 0, so no location quotient can be computed."
        raise AnalysisError(msg)

    e = wide.to_numpy(dtype=float)
    e_i = e.sum(axis=1)
    e_j = ref.to_numpy(dtype=float)
    empty_units = list(wide.index[e_i == 0])
    if empty_units:
        msg = f"{len(empty_units)} unit(s) have no UMKM in any sector; their LQ is NaN: {listing(empty_units)}."
        warnings.warn(msg, UserWarning, stacklevel=2)
    empty_sectors = list(wide.columns[e_j == 0])
    if empty_sectors:
        msg = f"Sector(s) {empty_sectors} have a reference total of 0; their LQ is NaN."
        warnings.warn(msg, UserWarning, stacklevel=2)
    share = np.divide(e, e_i[:, None], out=np.full_like(e, np.nan), where=e_i[:, None] > 0)
    ref_share = e_j / grand
    values = np.divide(share, ref_share[None, :], out=np.full_like(e, np.nan), where=ref_share[None, :] > 0)
    lq = pd.DataFrame(values, index=wide.index, columns=wide.columns)

    is_basis = lq > 1.0 + TIE_TOLERANCE
    flags = is_basis.astype("boolean").mask(lq.isna())
    sector_name = "sektor"
    long = pd.DataFrame(
        {
            "jumlah": wide.stack(future_stack=True),
            "lq": lq.stack(future_stack=True),
            "basis": flags.stack(future_stack=True),
        }
    )
    long.index.names = [wide.index.name or "kode", sector_name]
    n_basis = pd.array(is_basis.sum(axis=1).to_numpy(), dtype="Int64")
    n_basis[e_i == 0] = pd.NA
    basis_sectors = [
        "; ".join(str(s) for s in wide.columns[row]) if total > 0 else None
        for row, total in zip(is_basis.to_numpy(), e_i, strict=True)
    ]
    units = pd.DataFrame({"total": e_i, "n_basis": n_basis, "basis_sectors": basis_sectors}, index=wide.index)
    settings = {
        "year": year,
        "reference": ref_text,
        "reference_totals": [f"{s}={v:g}" for s, v in ref.items()],
        "sectors": [str(s) for s in wide.columns],
        "definition": LQ_DEFINITION,
        "basis_rule": "LQ > 1 (LQ within 1e-12 of 1 counts as 1, not basis)",
        **count_settings(dropped_total),
    }
    return LQResult(
        year=year,
        lq=lq,
        basis=long,
        units=units,
        reference=ref,
        settings=MappingProxyType(settings),
    )
