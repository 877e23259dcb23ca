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

* :func:`read_factors` -- read and validate a factor table (CSV/XLSX);
* :func:`read_matrix` -- read a square table (pairwise comparison or linkage scores);
* :func:`force_field` -- compute the FFA (:class:`FFAResult`);
* :func:`strategy_table` -- the ranked strategy table of a result.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError, TableError
from umkm_geo._i18n import format_number
from umkm_geo._provenance import ILLUSTRATIVE_NOTE, versions
from umkm_geo.results import TableMixin, payload
from umkm_geo.tables.counts import read_raw, slug

__all__ = [
    "BF_DEFINITION",
    "FACTOR_COLUMNS",
    "NRK_DEFINITION",
    "NU_PAIRWISE_DEFINITION",
    "SIDES",
    "SOURCES",
    "FFAResult",
    "ForceBalance",
    "force_field",
    "read_factors",
    "read_matrix",
    "strategy_table",
]

#: The two sides, in the order they are reported.
SIDES = ("pendorong", "penghambat")
#: SWOT source of a factor and the side it belongs to.
SOURCES: Mapping[str, str] = MappingProxyType(
    {"kekuatan": "pendorong", "peluang": "pendorong", "kelemahan": "penghambat", "ancaman": "penghambat"}
)
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

_SIDE_ALIASES = {
    "pendorong": "pendorong",
    "driving": "pendorong",
    "d": "pendorong",
    "penghambat": "penghambat",
    "restraining": "penghambat",
    "r": "penghambat",
}
_SOURCE_ALIASES = {
    "kekuatan": "kekuatan",
    "strength": "kekuatan",
    "s": "kekuatan",
    "peluang": "peluang",
    "opportunity": "peluang",
    "o": "peluang",
    "kelemahan": "kelemahan",
    "weakness": "kelemahan",
    "w": "kelemahan",
    "ancaman": "ancaman",
    "threat": "ancaman",
    "t": "ancaman",
}
_COLUMN_ALIASES = {
    "kode": ("kode", "code", "kode_faktor"),
    "jenis": ("jenis", "sisi", "side", "type"),
    "faktor": ("faktor", "factor", "uraian", "nama_faktor"),
    "sumber": ("sumber", "source", "swot"),
    "urgensi": ("urgensi", "nu", "nilai_urgensi", "urgency"),
    "dukungan": ("dukungan", "nd", "nilai_dukungan", "support"),
    "nrk": ("nrk", "keterkaitan", "nilai_rata_rata_keterkaitan", "linkage"),
}
_CODE_SIDE = re.compile(r"^([DR])\d", re.IGNORECASE)
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


# --- reading -----------------------------------------------------------------------------------


def _code(value: object) -> str:
    return str(value).strip().upper()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def _number(value: object) -> float | None:
    """A number from a cell (decimal comma accepted); NaN for blank, None when not a number."""
    if _blank(value):
        return float("nan")
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return None


def _raise(problems: list[str], what: str) -> None:
    if problems:
        shown = problems[:20]
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        msg = f"{what}: {len(problems)} problem(s):\n" + "\n".join(f"- {p}" for p in shown) + more
        raise TableError(msg)


def _columns(table: pd.DataFrame, where: str) -> dict[str, str]:
    """Map canonical names to the table's columns (by alias); ``kode`` and ``dukungan`` are required."""
    by_slug = {slug(c): c for c in table.columns}
    found = {}
    for name, aliases in _COLUMN_ALIASES.items():
        hits = [by_slug[a] for a in aliases if a in by_slug]
        if len(hits) > 1:
            msg = f"{where}: columns {hits} all mean {name!r}; keep one."
            raise TableError(msg)
        if hits:
            found[name] = hits[0]
    missing = [n for n in ("kode", "dukungan") if n not in found]
    if missing:
        msg = f"{where}: missing column(s) {missing}; the columns are {list(table.columns)}."
        raise TableError(msg)
    return found


def _clean_factors(table: pd.DataFrame, *, where: str, rows: Sequence[str]) -> pd.DataFrame:
    """Validate a factor table; ``rows`` names each row in messages (e.g. ``"row 3"``)."""
    cols = _columns(table, where)
    problems: list[str] = []
    out = []
    seen: dict[str, str] = {}
    for (_, rec), row in zip(table.iterrows(), rows, strict=True):
        raw_code = rec[cols["kode"]]
        if _blank(raw_code):
            problems.append(f"{row}: no factor code (kode)")
            continue
        kode = _code(raw_code)
        here = f"{row} (factor {kode})"
        if kode in seen:
            problems.append(f"{here}: duplicate code, also in {seen[kode]}")
            continue
        seen[kode] = row
        sides = {}
        if "jenis" in cols and not _blank(rec[cols["jenis"]]):
            value = str(rec[cols["jenis"]]).strip().lower()
            if value not in _SIDE_ALIASES:
                problems.append(f"{here}: jenis {value!r} is not 'pendorong' or 'penghambat'")
                continue
            sides["jenis"] = _SIDE_ALIASES[value]
        sumber = ""
        if "sumber" in cols and not _blank(rec[cols["sumber"]]):
            value = str(rec[cols["sumber"]]).strip().lower()
            if value not in _SOURCE_ALIASES:
                problems.append(f"{here}: sumber {value!r} is not one of {list(SOURCES)}")
                continue
            sumber = _SOURCE_ALIASES[value]
            sides["sumber"] = SOURCES[sumber]
        match = _CODE_SIDE.match(kode)
        if match:
            sides["kode"] = _SIDE_ALIASES[match.group(1).lower()]
        if not sides:
            problems.append(
                f"{here}: no side; give jenis (pendorong/penghambat), sumber (kekuatan/peluang/kelemahan/"
                "ancaman) or a code starting with D (driving) or R (restraining)"
            )
            continue
        if len(set(sides.values())) > 1:
            told = ", ".join(f"{k} says {v}" for k, v in sides.items())
            problems.append(f"{here}: conflicting sides ({told}); correct one of them")
            continue
        scores: dict[str, float | None] = {}
        for name in ("urgensi", "dukungan", "nrk"):
            if name not in cols:
                continue
            score = _number(rec[cols[name]])
            if score is None:
                problems.append(f"{here}: {name} {rec[cols[name]]!r} is not a number")
            elif np.isnan(score):
                if name == "dukungan":
                    problems.append(f"{here}: dukungan (support, 1-5) is missing")
            elif not 1 <= score <= 5:
                problems.append(f"{here}: {name} = {score:g} is outside 1-5")
            scores[name] = score
        faktor = "" if "faktor" not in cols or _blank(rec[cols["faktor"]]) else str(rec[cols["faktor"]]).strip()
        out.append({"kode": kode, "jenis": next(iter(sides.values())), "faktor": faktor, "sumber": sumber, **scores})
    _raise(problems, where)
    if not out:
        msg = f"{where}: the table has no factors."
        raise TableError(msg)
    frame = pd.DataFrame(out).set_index("kode")
    for name in ("urgensi", "nrk"):
        if name in frame and frame[name].isna().any():
            blank = list(frame.index[frame[name].isna()])
            msg = f"{where}: {name} is missing for factor(s) {blank}; fill it for every factor or leave the column out."
            raise TableError(msg)
    return frame


def read_factors(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read and validate a table of FFA factors (CSV or XLSX).

    Parameters
    ----------
    path
        The file. Columns (case and spacing ignored): ``kode`` (required; ``D1``, ``R2``...),
        ``jenis`` (``pendorong``/``penghambat``), ``faktor`` (text), ``sumber`` (``kekuatan``,
        ``peluang``, ``kelemahan``, ``ancaman``), ``urgensi`` (1-5, optional when a pairwise table is
        used), ``dukungan`` (1-5, required), ``nrk`` (mean linkage 1-5, optional when a linkage table
        is used). English names (``code``, ``side``, ``factor``, ``source``, ``urgency``,
        ``support``, ``linkage``) are accepted.
    sheet
        Sheet of an XLSX file (default: the first).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``kode`` (upper case), with ``jenis``, ``faktor``, ``sumber`` and the scores given.

    Raises
    ------
    TableError
        Listing every bad row by row number (header = row 1) and factor code: a missing or
        duplicate code, a factor with no side or conflicting sides, an unknown ``sumber``, a score
        that is not a number or is outside 1-5, a missing ``dukungan``.
    """
    path = Path(path)
    raw = read_raw(path, sheet)
    return _clean_factors(raw, where=str(path), rows=[f"row {i + 2}" for i in range(len(raw))])


def read_matrix(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a square factor x factor table (pairwise comparison or linkage scores).

    Parameters
    ----------
    path
        CSV or XLSX: the first column holds the row factor codes, the header the column codes.
        Blank cells are missing (NaN); decimal commas are accepted.
    sheet
        Sheet of an XLSX file (default: the first).

    Returns
    -------
    pandas.DataFrame
        Floats, index and columns the factor codes (upper case). Squareness is checked by
        :func:`force_field`, which knows the factors.

    Raises
    ------
    TableError
        If a cell is not a number (named by row and column).
    """
    path = Path(path)
    raw = read_raw(path, sheet)
    if raw.shape[1] < 2:
        msg = f"{path}: a factor x factor table needs the codes in the first column and one column per factor."
        raise TableError(msg)
    labels = [_code(v) for v in raw.iloc[:, 0]]
    body = raw.iloc[:, 1:]
    problems = []
    values = np.full(body.shape, np.nan)
    for i in range(body.shape[0]):
        for j, column in enumerate(body.columns):
            value = _number(body.iat[i, j])
            if value is None:
                problems.append(f"row {i + 2} ({labels[i]}), column {column}: {body.iat[i, j]!r} is not a number")
            else:
                values[i, j] = value
    _raise(problems, str(path))
    return pd.DataFrame(values, index=labels, columns=[_code(c) for c in body.columns])


# --- computing ---------------------------------------------------------------------------------


def _as_matrix(table: pd.DataFrame | str | Path, what: str) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        return read_matrix(table)
    out = table.copy()
    out.index = [_code(v) for v in out.index]
    out.columns = [_code(v) for v in out.columns]
    bad = [(i, c) for i in out.index for c in out.columns if _number(out.at[i, c]) is None] if not out.empty else []
    if bad:
        msg = f"{what} table: cell(s) {bad[:5]} are not numbers."
        raise TableError(msg)
    return out.map(_number).astype(float)


def _check_square(matrix: pd.DataFrame, codes: Sequence[str], what: str) -> None:
    """The table's rows and columns must both be exactly ``codes``."""
    for axis, labels in (("rows", matrix.index), ("columns", matrix.columns)):
        dupes = sorted(set(labels[labels.duplicated()]))
        if dupes:
            msg = f"{what} table: factor(s) {dupes} appear twice in the {axis}."
            raise TableError(msg)
    if set(matrix.index) != set(matrix.columns):
        msg = (
            f"{what} table is not square: rows {sorted(set(matrix.index) - set(matrix.columns))} have no "
            f"column and columns {sorted(set(matrix.columns) - set(matrix.index))} have no row; give one row "
            "and one column per factor, in any order."
        )
        raise TableError(msg)
    missing = [c for c in codes if c not in matrix.index]
    extra = sorted(set(matrix.index) - set(codes))
    if missing or extra:
        msg = (
            f"{what} table does not match the factors: missing {missing}, unknown {extra}; "
            "use the codes of the factor table."
        )
        raise TableError(msg)


def _pairwise_urgency(
    pairwise: pd.DataFrame | str | Path | Mapping[str, pd.DataFrame | str | Path], factors: pd.DataFrame
) -> tuple[pd.Series, int]:
    """NU from the pairwise comparison within each side; returns NU and the number of filled cells."""
    tables = list(pairwise.values()) if isinstance(pairwise, Mapping) else [pairwise]
    matrices = [_as_matrix(t, "pairwise") for t in tables]
    codes = list(factors.index)
    labels = [c for m in matrices for c in m.index]
    if len(tables) > 1:
        combined = pd.DataFrame(np.nan, index=labels, columns=labels)
        for m in matrices:
            _check_square(m, list(m.index), "pairwise")
            combined.loc[m.index, m.columns] = m.to_numpy()
    else:
        combined = matrices[0]
    _check_square(combined, codes, "pairwise")
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
    _raise(problems, "pairwise table")
    if ignored:
        warnings.warn(
            f"The pairwise table has {ignored} filled cell(s) comparing a driving with a restraining factor; "
            "they were ignored (urgency is compared within each side only).",
            stacklevel=3,
        )
    return nu, filled


def _linkage_mean(linkage: pd.DataFrame | str | Path, factors: pd.DataFrame) -> tuple[pd.Series, int]:
    """NRK from the linkage table; returns NRK and the number of cells filled from their mirror."""
    matrix = _as_matrix(linkage, "linkage")
    codes = list(factors.index)
    _check_square(matrix, codes, "linkage")
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
    _raise(problems, "linkage table")
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
        :func:`read_factors`; a DataFrame (also the output of :func:`read_factors`, indexed by
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
        For a bad factor table (see :func:`read_factors`), a pairwise or linkage table that is not
        square or does not match the factors, or a cell that is blank on both sides or out of range;
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
    if isinstance(factors, pd.DataFrame):
        if factors.index.name is not None and slug(factors.index.name) in _COLUMN_ALIASES["kode"]:
            factors = factors.reset_index()  # e.g. the output of read_factors
        table = _clean_factors(factors, where="factor table", rows=[f"row {i + 1}" for i in range(len(factors))])
    else:
        table = read_factors(factors)
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
