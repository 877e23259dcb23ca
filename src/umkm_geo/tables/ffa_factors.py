"""The tables of a Force Field Analysis (FFA): the factor table and the factor x factor tables.

A factor table has one row per policy factor: its code (``D1``, ``R2``...), its side (driving,
*pendorong*, or restraining, *penghambat*: from ``jenis``, from its SWOT source ``sumber`` or from
the first letter of the code, which must agree), its text and its scores 1-5 (``urgensi``,
``dukungan``, ``nrk``). A factor x factor table holds the pairwise urgency comparisons or the
linkage scores, with the factor codes in its first column and in its header. Every bad row or cell
is named by its row and factor code. The statistic is :func:`umkm_geo.stats.ffa.force_field`.

* :func:`read_factors` -- read and validate a factor table (CSV/XLSX);
* :func:`read_matrix` -- read a square table (pairwise comparison or linkage scores);
* :func:`factor_table`, :func:`factor_matrix` -- the same checks for a DataFrame or a file;
* :func:`check_square` -- a square table has exactly the factors' codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from umkm_geo._errors import TableError
from umkm_geo.tables.columns import slug
from umkm_geo.tables.raw import read_raw

__all__ = [
    "SIDES",
    "SOURCES",
    "check_square",
    "factor_matrix",
    "factor_table",
    "raise_problems",
    "read_factors",
    "read_matrix",
]

#: The two sides, in the order they are reported.
SIDES = ("pendorong", "penghambat")
#: SWOT source of a factor and the side it belongs to.
SOURCES: Mapping[str, str] = MappingProxyType(
    {"kekuatan": "pendorong", "peluang": "pendorong", "kelemahan": "penghambat", "ancaman": "penghambat"}
)

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


def raise_problems(problems: list[str], what: str) -> None:
    """Raise :class:`TableError` listing ``problems`` (the first 20, then how many more) under ``what``."""
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
    raise_problems(problems, where)
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
    raise_problems(problems, str(path))
    return pd.DataFrame(values, index=labels, columns=[_code(c) for c in body.columns])


def factor_table(factors: pd.DataFrame | str | Path) -> pd.DataFrame:
    """A validated factor table from a DataFrame (also the output of :func:`read_factors`) or a file.

    A DataFrame is validated as a file is (see :func:`read_factors`), its problems named by row
    position (first row = 1) and factor code.
    """
    if isinstance(factors, pd.DataFrame):
        if factors.index.name is not None and slug(factors.index.name) in _COLUMN_ALIASES["kode"]:
            factors = factors.reset_index()  # e.g. the output of read_factors
        return _clean_factors(factors, where="factor table", rows=[f"row {i + 1}" for i in range(len(factors))])
    return read_factors(factors)


def factor_matrix(table: pd.DataFrame | str | Path, what: str) -> pd.DataFrame:
    """A factor x factor table (DataFrame, or a file read by :func:`read_matrix`) as floats, codes in upper case."""
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


def check_square(matrix: pd.DataFrame, codes: Sequence[str], what: str) -> None:
    """Raise :class:`TableError` unless the rows and the columns of ``matrix`` are both exactly ``codes``."""
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
