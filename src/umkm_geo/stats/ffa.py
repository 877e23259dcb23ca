"""Force Field Analysis (FFA, *analisis medan kekuatan*) of policy factors.

Driving factors (*pendorong*, from strengths and opportunities) push a change, restraining factors
(*penghambat*, from weaknesses and threats) hold it back. Following the usual Indonesian practice
(Sianipar & Entang), each factor gets, on its own side:

* ``NU`` -- urgency (*nilai urgensi*): a direct score 1-5 (column ``urgensi``), or from a pairwise
  comparison within the side the number of times the factor was chosen as the more urgent one;
* ``BF = NU / ΣNU`` -- factor weight (*bobot faktor*), a fraction summing to 1 on each side (the
  studies often print it as a percentage, ``100 × BF``);
* ``ND`` -- support (*nilai dukungan*, 1-5) and ``NBD = ND × BF`` (*nilai bobot dukungan*);
* ``NRK`` -- mean linkage (*nilai rata-rata keterkaitan*): the mean of the factor's linkage scores
  (1-5) with every OTHER factor, on both sides; ``NBK = NRK × BF`` (*nilai bobot keterkaitan*);
* ``TNB = NBD + NBK`` -- total weight (*total nilai bobot*).

Factors are ranked by ``TNB`` within their side; the key success factor (*faktor kunci keberhasilan*,
``FKK``) is the top factor of each side (all of them when tied). The force balance compares ``ΣTNB``
of the two sides.

* :func:`force_field` -- compute the FFA (:class:`FFAResult`) from a factor table and, optionally,
  pairwise and linkage tables (read and checked by :mod:`umkm_geo.tables.ffa_factors`);
* :func:`strategy_table` -- the ranked strategy table of a result.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError, TableError
from umkm_geo._i18n import format_number
from umkm_geo._provenance import ILLUSTRATIVE_NOTE, versions
from umkm_geo.results import TableMixin, payload
from umkm_geo.tables.ffa_factors import SIDES, check_square, factor_matrix, factor_table, raise_problems

__all__ = [
    "BF_DEFINITION",
    "FACTOR_COLUMNS",
    "NRK_DEFINITION",
    "NU_PAIRWISE_DEFINITION",
    "FFAResult",
    "ForceBalance",
    "force_field",
    "strategy_table",
]

#: Columns of :attr:`FFAResult.factors` (indexed by ``kode``).
FACTOR_COLUMNS = ("jenis", "faktor", "sumber", "NU", "BF", "ND", "NBD", "NRK", "NBK", "TNB", "peringkat", "FKK")

NU_PAIRWISE_DEFINITION = (
    "NU_i = number of factors j of the same side for which i was chosen as more urgent (cell i,j = 1); "
    "a missing cell is the complement of its mirror (1 - cell j,i)"
)
NU_DIRECT_DEFINITION = "NU_i = direct urgency score (urgensi, 1-5)"
BF_DEFINITION = "BF_i = NU_i / sum of NU over the factors of the same side (a fraction; x100 for percent)"
NRK_DEFINITION = (
    "NRK_i = mean of the linkage scores (1-5) in row i of the linkage table over every other factor "
    "(both sides, diagonal excluded); a missing cell takes the value of its mirror (j,i)"
)
TNB_DEFINITION = "NBD = ND x BF; NBK = NRK x BF; TNB = NBD + NBK"
RANK_DEFINITION = "peringkat: 1 = largest TNB within the side; ties share the best rank; FKK = every factor of rank 1"

_TIE_DECIMALS = 12


@dataclasses.dataclass(frozen=True)
class ForceBalance:
    """The balance of the two sides: ``ΣTNB`` driving against restraining.

    Attributes
    ----------
    pendorong, penghambat
        Sum of TNB of the driving and of the restraining factors.
    selisih
        ``pendorong - penghambat``.
    rasio
        ``pendorong / penghambat`` (NaN when ``penghambat`` is 0).
    dominan
        ``"pendorong"``, ``"penghambat"`` or ``"seimbang"`` (equal to 12 decimals).
    """

    pendorong: float
    penghambat: float
    selisih: float
    rasio: float
    dominan: str

    def sentence(self, lang: str = "id") -> str:
        """The balance in one sentence (``"id"`` or ``"en"``), numbers with 3 decimals."""
        d, r, diff, ratio = (
            format_number(v, 3, lang=lang) for v in (self.pendorong, self.penghambat, abs(self.selisih), self.rasio)
        )
        if lang == "id":
            verb = {
                "pendorong": "lebih besar daripada",
                "penghambat": "lebih kecil daripada",
                "seimbang": "sama dengan",
            }
            tail = {
                "pendorong": "kekuatan pendorong lebih dominan.",
                "penghambat": "kekuatan penghambat lebih dominan.",
                "seimbang": "kedua kekuatan seimbang.",
            }
            return (
                f"Total bobot faktor pendorong (ΣTNB = {d}) {verb[self.dominan]} faktor penghambat "
                f"(ΣTNB = {r}); selisih {diff}, rasio {ratio}: {tail[self.dominan]}"
            )
        verb = {"pendorong": "outweigh", "penghambat": "are outweighed by", "seimbang": "balance"}
        tail = {
            "pendorong": "the driving forces dominate.",
            "penghambat": "the restraining forces dominate.",
            "seimbang": "the two sides are in balance.",
        }
        return (
            f"Driving factors (ΣTNB = {d}) {verb[self.dominan]} restraining factors (ΣTNB = {r}); "
            f"difference {diff}, ratio {ratio}: {tail[self.dominan]}"
        )


@dataclasses.dataclass(frozen=True, eq=False)
class FFAResult(TableMixin):
    """A Force Field Analysis.

    Attributes
    ----------
    factors
        One row per factor, indexed by ``kode``, driving factors first, each side by rank, with the
        columns of :data:`FACTOR_COLUMNS` (and ``keterangan`` when illustrative).
    balance
        The force balance (:class:`ForceBalance`).
    settings
        Everything used: urgency method, definitions, linkage source, counts, versions.
    illustrative
        Whether the factors are illustrative (tables and figures say so).
    """

    factors: pd.DataFrame
    balance: ForceBalance
    settings: Mapping[str, Any]
    illustrative: bool = False

    @property
    def key_factors(self) -> pd.DataFrame:
        """The key success factors (FKK): the rows of rank 1 on each side (a copy)."""
        return self.factors[self.factors["FKK"]].copy()

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        fkk = self.key_factors
        statistics = {
            "total_tnb_pendorong": self.balance.pendorong,
            "total_tnb_penghambat": self.balance.penghambat,
            "selisih": self.balance.selisih,
            "rasio": self.balance.rasio,
            "dominan": self.balance.dominan,
            "fkk_pendorong": list(fkk.index[fkk["jenis"] == "pendorong"]),
            "fkk_penghambat": list(fkk.index[fkk["jenis"] == "penghambat"]),
            "kalimat_id": self.balance.sentence("id"),
            "kalimat_en": self.balance.sentence("en"),
        }
        for kode, tnb in self.factors["TNB"].items():
            statistics[f"TNB_{kode}"] = float(tnb)
        return payload("force_field", statistics, self.settings)


# --- computing ---------------------------------------------------------------------------------


def _pairwise_urgency(
    pairwise: pd.DataFrame | str | Path | Mapping[str, pd.DataFrame | str | Path], factors: pd.DataFrame
) -> tuple[pd.Series, int]:
    """NU from the pairwise comparison within each side; returns NU and the number of filled cells."""
    tables = list(pairwise.values()) if isinstance(pairwise, Mapping) else [pairwise]
    matrices = [factor_matrix(t, "pairwise") for t in tables]
    codes = list(factors.index)
    labels = [c for m in matrices for c in m.index]
    if len(tables) > 1:
        combined = pd.DataFrame(np.nan, index=labels, columns=labels)
        for m in matrices:
            check_square(m, list(m.index), "pairwise")
            combined.loc[m.index, m.columns] = m.to_numpy()
    else:
        combined = matrices[0]
    check_square(combined, codes, "pairwise")
    nu = pd.Series(0.0, index=factors.index, name="NU")
    problems, filled, ignored = [], 0, 0
    for side in SIDES:
        members = list(factors.index[factors["jenis"] == side])
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                ab, ba = combined.at[a, b], combined.at[b, a]
                for value, (x, y) in ((ab, (a, b)), (ba, (b, a))):
                    if not np.isnan(value) and value not in (0, 1):
                        problems.append(f"cell ({x}, {y}) = {value:g}: use 1 (row more urgent) or 0")
                if np.isnan(ab) and np.isnan(ba):
                    problems.append(f"factors {a} and {b} are not compared (both cells blank)")
                    continue
                if np.isnan(ab) or np.isnan(ba):
                    filled += 1
                    ab = 1 - ba if np.isnan(ab) else ab
                    ba = 1 - ab
                elif ab + ba != 1 and ab in (0, 1) and ba in (0, 1):
                    problems.append(
                        f"factors {a} and {b}: cells ({a}, {b}) = {ab:g} and ({b}, {a}) = {ba:g} must sum to 1"
                    )
                    continue
                nu[a] += ab if ab in (0, 1) else 0
                nu[b] += ba if ba in (0, 1) else 0
        others = [c for c in codes if c not in members]
        ignored += int(combined.loc[members, others].notna().to_numpy().sum())
    raise_problems(problems, "pairwise table")
    if ignored:
        warnings.warn(
            f"The pairwise table has {ignored} filled cell(s) comparing a driving with a restraining factor; "
            "they were ignored (urgency is compared within each side only).",
            stacklevel=3,
        )
    return nu, filled


def _linkage_mean(linkage: pd.DataFrame | str | Path, factors: pd.DataFrame) -> tuple[pd.Series, int]:
    """NRK from the linkage table; returns NRK and the number of cells filled from their mirror."""
    matrix = factor_matrix(linkage, "linkage")
    codes = list(factors.index)
    check_square(matrix, codes, "linkage")
    m = matrix.loc[codes, codes].to_numpy(copy=True)
    np.fill_diagonal(m, np.nan)
    off = ~np.eye(len(codes), dtype=bool)
    fill = np.isnan(m) & ~np.isnan(m.T) & off
    problems = []
    for i, j in zip(*np.nonzero(np.isnan(m) & np.isnan(m.T) & off), strict=True):
        if i < j:
            problems.append(f"factors {codes[i]} and {codes[j]}: no linkage score (both cells blank)")
    for i, j in zip(*np.nonzero(~np.isnan(m) & ((m < 1) | (m > 5))), strict=True):
        problems.append(f"cell ({codes[i]}, {codes[j]}) = {m[i, j]:g} is outside 1-5")
    raise_problems(problems, "linkage table")
    if len(codes) < 2:
        msg = "The linkage table needs at least two factors (NRK is a mean over the other factors)."
        raise AnalysisError(msg)
    n_fill = int(fill.sum())
    if n_fill:
        m[fill] = m.T[fill]
        warnings.warn(
            f"The linkage table has {n_fill} blank cell(s) whose mirror is filled; each took its mirror's "
            "value (linkage assumed symmetric there).",
            stacklevel=3,
        )
    return pd.Series(np.nanmean(m, axis=1), index=factors.index, name="NRK"), n_fill


def _rank(values: pd.Series) -> pd.Series:
    """Competition rank, 1 = largest; values equal to 12 decimals tie."""
    return values.round(_TIE_DECIMALS).rank(method="min", ascending=False).astype(int)


def _urgency(
    table: pd.DataFrame,
    pairwise: pd.DataFrame | str | Path | Mapping[str, pd.DataFrame | str | Path] | None,
    settings: dict[str, Any],
) -> pd.Series:
    """NU of every factor: from the pairwise table if given, else the urgensi column; records how in ``settings``."""
    if pairwise is not None:
        if "urgensi" in table:
            warnings.warn(
                "Both a pairwise table and an urgensi column were given; NU comes from the pairwise "
                "table and the urgensi column was ignored.",
                stacklevel=3,
            )
        nu, filled = _pairwise_urgency(pairwise, table)
        settings.update(urgency="pairwise", nu_definition=NU_PAIRWISE_DEFINITION, pairwise_cells_complemented=filled)
        return nu
    if "urgensi" in table:
        settings.update(urgency="direct", nu_definition=NU_DIRECT_DEFINITION)
        return table["urgensi"].rename("NU")
    msg = "No urgency: give an urgensi column (1-5) in the factor table or a pairwise comparison table."
    raise TableError(msg)


def _linkage(table: pd.DataFrame, linkage: pd.DataFrame | str | Path | None, settings: dict[str, Any]) -> pd.Series:
    """NRK of every factor: from the linkage table if given, else the nrk column; records how in ``settings``."""
    if linkage is not None:
        if "nrk" in table:
            warnings.warn(
                "Both a linkage table and an nrk column were given; NRK comes from the linkage table "
                "and the nrk column was ignored.",
                stacklevel=3,
            )
        nrk, mirrored = _linkage_mean(linkage, table)
        settings.update(linkage="table", nrk_definition=NRK_DEFINITION, linkage_cells_mirrored=mirrored)
        return nrk
    if "nrk" in table:
        settings.update(linkage="column nrk", nrk_definition="NRK_i given in the factor table (1-5)")
        return table["nrk"].rename("NRK")
    msg = "No linkage: give a linkage table (factor x factor, 1-5) or an nrk column in the factor table."
    raise TableError(msg)


def force_field(
    factors: pd.DataFrame | str | Path,
    *,
    pairwise: pd.DataFrame | str | Path | Mapping[str, pd.DataFrame | str | Path] | None = None,
    linkage: pd.DataFrame | str | Path | None = None,
    illustrative: bool = False,
) -> FFAResult:
    """Compute a Force Field Analysis.

    Parameters
    ----------
    factors
        A factor table (DataFrame or CSV/XLSX path) with the columns described in
        :func:`~umkm_geo.tables.ffa_factors.read_factors`; a DataFrame (also its output, indexed by
        ``kode``) is validated the same way, problems named by row position and factor code.
    pairwise
        Pairwise urgency comparison: a square table (codes as index and columns), or one per side
        in a mapping (e.g. ``{"pendorong": ..., "penghambat": ...}``), or a file path. Cell
        ``(i, j) = 1`` when ``i`` is more urgent than ``j``, 0 when not; a blank cell is the
        complement of its mirror, so filling one triangle is enough. Only comparisons within a side
        count. When given, ``NU`` comes from it (see :data:`NU_PAIRWISE_DEFINITION`); otherwise
        from the ``urgensi`` column.
    linkage
        Square table (or path) of linkage scores 1-5 between all factors (both sides); the diagonal
        is ignored and a blank cell takes the value of its mirror. Without it, the ``nrk`` column of
        ``factors`` is used.
    illustrative
        The factors are illustrative: the tables carry :data:`umkm_geo._provenance.ILLUSTRATIVE_NOTE`.

    Returns
    -------
    FFAResult
        The ranked factor table, the force balance and the settings.

    Raises
    ------
    TableError
        For a bad factor table (see :func:`~umkm_geo.tables.ffa_factors.read_factors`), a pairwise
        or linkage table that is not square or does not match the factors, or a cell that is blank
        on both sides or out of range;
        when neither a linkage table nor an ``nrk`` column, or neither a pairwise table nor an
        ``urgensi`` column, is given.
    AnalysisError
        If a side has no factor, or its urgency values sum to 0.

    Warns
    -----
    UserWarning
        When both ``pairwise`` and an ``urgensi`` column (or ``linkage`` and an ``nrk`` column) are
        given (the tables win), when linkage cells are filled from their mirror, and when pairwise
        cells across sides are ignored.
    """
    table = factor_table(factors)
    for side in SIDES:
        if not (table["jenis"] == side).any():
            msg = f"The factor table has no {side} factor; FFA needs factors on both sides."
            raise AnalysisError(msg)
    settings: dict[str, Any] = {}
    nu = _urgency(table, pairwise, settings)
    nrk = _linkage(table, linkage, settings)

    out = table[["jenis", "faktor", "sumber"]].copy()
    out["NU"] = nu.astype(float)
    totals = out.groupby("jenis")["NU"].transform("sum")
    for side in SIDES:
        if out.loc[out["jenis"] == side, "NU"].sum() <= 0:
            msg = (
                f"The urgency of the {side} factors sums to 0, so their weights BF are undefined; "
                "a side with one factor needs a direct urgensi score."
            )
            raise AnalysisError(msg)
    out["BF"] = out["NU"] / totals
    out["ND"] = table["dukungan"].astype(float)
    out["NBD"] = out["ND"] * out["BF"]
    out["NRK"] = nrk.astype(float)
    out["NBK"] = out["NRK"] * out["BF"]
    out["TNB"] = out["NBD"] + out["NBK"]
    out["peringkat"] = out.groupby("jenis")["TNB"].transform(_rank).astype(int)
    out["FKK"] = out["peringkat"] == 1
    order = out.assign(_side=out["jenis"].map({s: i for i, s in enumerate(SIDES)}), _pos=range(len(out)))
    out = out.loc[order.sort_values(["_side", "peringkat", "_pos"]).index]
    if illustrative:
        out["keterangan"] = ILLUSTRATIVE_NOTE
    out.index.name = "kode"

    d = float(out.loc[out["jenis"] == "pendorong", "TNB"].sum())
    r = float(out.loc[out["jenis"] == "penghambat", "TNB"].sum())
    diff = round(d - r, _TIE_DECIMALS)
    dominant = "pendorong" if diff > 0 else "penghambat" if diff < 0 else "seimbang"
    balance = ForceBalance(d, r, d - r, d / r if r else float("nan"), dominant)
    settings.update(
        bf_definition=BF_DEFINITION,
        tnb_definition=TNB_DEFINITION,
        rank_definition=RANK_DEFINITION,
        n_pendorong=int((out["jenis"] == "pendorong").sum()),
        n_penghambat=int((out["jenis"] == "penghambat").sum()),
        illustrative=illustrative,
        **versions("umkm_geo", "numpy", "pandas"),
    )
    return FFAResult(out, balance, MappingProxyType(settings), illustrative)


def strategy_table(result: FFAResult) -> pd.DataFrame:
    """The ranked strategy table: every factor ordered by TNB, with its side.

    Parameters
    ----------
    result
        A :func:`force_field` result.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``kode``, sorted by TNB (largest first; ties keep the factor table's order),
        with ``peringkat`` (overall rank, ties share the best rank), ``jenis``, ``faktor``,
        ``sumber``, ``TNB``, ``peringkat_sisi`` (rank within the side) and ``FKK``; plus
        ``keterangan`` when the data are illustrative.
    """
    f = result.factors
    out = pd.DataFrame(
        {
            "peringkat": _rank(f["TNB"]),
            "jenis": f["jenis"],
            "faktor": f["faktor"],
            "sumber": f["sumber"],
            "TNB": f["TNB"],
            "peringkat_sisi": f["peringkat"],
            "FKK": f["FKK"],
        },
        index=f.index,
    )
    out = out.sort_values("peringkat", kind="stable")
    if "keterangan" in f:
        out["keterangan"] = f["keterangan"].reindex(out.index)
    return out
