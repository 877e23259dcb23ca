"""Strict reader of the MySQL dumps of cahyadsn/wilayah (codes, population, areas).

The files hold comments, ``DROP TABLE``, ``CREATE TABLE``/``CREATE INDEX`` statements and
``INSERT INTO <table>(<columns>) VALUES (...),...;`` statements whose values are quoted strings
(``''`` or a backslash escapes a quote), numbers or ``NULL``. Anything else, a row with the wrong
number of values, or an insert into another table is a :class:`~umkm_geo._errors.ParseError` naming
the file and line.

Also here: the Kepmendagri code list of ``db/wilayah.sql`` (parsed once per file and hash) and the
comparison of a Kemendagri-coded table with it, shared by the population and area readers.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pandas as pd

from umkm_geo._errors import ParseError
from umkm_geo.sources.wilayah_sql import LineIndex

_SKIP = re.compile(r"(?:\s+|/\*.*?\*/|--[^\n]*(?:\n|\Z)|#[^\n]*(?:\n|\Z))+", re.S)
_DROP = re.compile(r"DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?`?(\w+)`?\s*;", re.I)
_CREATE_TABLE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?\s*\([^;]*;", re.I)
_CREATE_INDEX = re.compile(r"CREATE\s+(?:UNIQUE\s+)?INDEX\s+`?\w+`?\s+ON\s+`?(\w+)`?\s*\([^;)]*\)\s*;", re.I)
_INSERT = re.compile(r"INSERT\s+INTO\s+`?(\w+)`?\s*\(([^)]*)\)\s*VALUES\s*", re.I)
_VALUE = r"'(?:[^'\\]|''|\\.)*'|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|NULL"
_ROW = re.compile(r"\s*\(\s*((?:" + _VALUE + r")(?:\s*,\s*(?:" + _VALUE + r"))*)\s*\)", re.S | re.I)
_ITEM = re.compile(_VALUE, re.S | re.I)
_UNESCAPE = re.compile(r"''|\\(.)", re.S)

#: A Kemendagri code: province, kab/kota, kecamatan or desa/kelurahan.
KODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")

#: Level of a code -> its name.
LEVELS = {1: "provinsi", 2: "kabupaten/kota", 3: "kecamatan", 4: "desa/kelurahan"}


@dataclasses.dataclass(frozen=True)
class SqlRow:
    """One row of an ``INSERT``: its line in the file and its values (text, or ``None`` for NULL)."""

    line: int
    values: tuple[str | None, ...]


def _value(token: str) -> str | None:
    if token[0] == "'":
        inner = token[1:-1]
        if "'" in inner or "\\" in inner:
            return _UNESCAPE.sub(lambda m: "'" if m.group(0) == "''" else m.group(1), inner)
        return inner
    return None if token.upper() == "NULL" else token


def _statement(text: str, pos: int, table: str, source: Path, lines: LineIndex) -> tuple[int, bool]:
    """Skip a DROP/CREATE statement of ``table`` at ``pos``; return the new position and whether one was."""
    for pattern in (_DROP, _CREATE_TABLE, _CREATE_INDEX):
        m = pattern.match(text, pos)
        if m:
            if m.group(1).lower() != table.lower():
                msg = f"{source}, line {lines.at(pos)}: a statement on table {m.group(1)!r}; expected only {table!r}."
                raise ParseError(msg)
            return m.end(), True
    return pos, False


def read_sql_rows(path: str | Path, table: str, columns: Sequence[str]) -> list[SqlRow]:
    """Read every row inserted into ``table`` by the SQL dump at ``path``.

    Parameters
    ----------
    path
        A cahyadsn/wilayah SQL file, e.g. ``db/wilayah_penduduk.sql``.
    table, columns
        The only table the file may insert into and its column list, in order.

    Raises
    ------
    ParseError
        Anything but comments, DROP/CREATE statements of ``table`` and its INSERT rows, another column
        list, a row of the wrong length, or no row at all.
    """
    source = Path(path)
    text = source.read_text(encoding="utf-8-sig")
    lines = LineIndex(text)
    want = [c.lower() for c in columns]
    rows: list[SqlRow] = []
    pos, n = 0, len(text)
    while True:
        m = _SKIP.match(text, pos)
        if m:
            pos = m.end()
        if pos >= n:
            break
        pos, skipped = _statement(text, pos, table, source, lines)
        if skipped:
            continue
        m = _INSERT.match(text, pos)
        if not m:
            snippet = text[pos : pos + 60].replace("\n", " ")
            msg = f"{source}, line {lines.at(pos)}: expected an INSERT INTO {table} statement, found {snippet!r}."
            raise ParseError(msg)
        got = [c.strip(" `").lower() for c in m.group(2).split(",")]
        if m.group(1).lower() != table.lower() or got != want:
            msg = (
                f"{source}, line {lines.at(pos)}: INSERT INTO {m.group(1)}({', '.join(got)});"
                f" expected {table}({', '.join(want)})."
            )
            raise ParseError(msg)
        pos = _read_values(text, m.end(), len(want), source, lines, rows)
    if not rows:
        msg = f"{source}: no rows found; expected INSERT INTO {table}({', '.join(want)}) VALUES rows."
        raise ParseError(msg)
    return rows


@functools.lru_cache(maxsize=8)
def _row_pattern(width: int) -> re.Pattern[str]:
    """One row of ``width`` values and the ``,`` or ``;`` after it, each value a group."""
    values = r"\s*,\s*".join([f"({_VALUE})"] * width)
    return re.compile(r"\s*\(\s*" + values + r"\s*\)\s*([,;])", re.S | re.I)


def _read_values(text: str, pos: int, width: int, source: Path, lines: LineIndex, rows: list[SqlRow]) -> int:
    """Read the rows of one INSERT from ``pos`` to its ``;``; return the position after it."""
    pattern = _row_pattern(width)
    starts: list[int] = []
    found: list[tuple[str | None, ...]] = []
    while True:
        row = pattern.match(text, pos)
        if not row:
            _row_error(text, pos, width, source, lines)
        groups = row.groups()
        found.append(tuple(_value(t) for t in groups[:-1]))
        starts.append(row.start(1))
        pos = row.end()
        if groups[-1] == ";":
            break
    rows.extend(SqlRow(lines.of(start), values) for start, values in zip(starts, found, strict=True))
    return pos


def _row_error(text: str, pos: int, width: int, source: Path, lines: LineIndex) -> NoReturn:
    """Raise the ParseError that says what is wrong with the row at ``pos``."""
    row = _ROW.match(text, pos)
    if not row:
        snippet = text[pos : pos + 60].strip().replace("\n", " ")
        msg = f"{source}, line {lines.at(pos)}: malformed row {snippet!r}."
        raise ParseError(msg)
    n = len(_ITEM.findall(row.group(1)))
    if n != width:
        msg = f"{source}, line {lines.at(row.start())}: a row of {n} values; expected {width}."
        raise ParseError(msg)
    snippet = text[row.end() : row.end() + 40].replace("\n", " ")
    msg = f"{source}, line {lines.at(row.end())}: expected ',' or ';' after a row, found {snippet!r}."
    raise ParseError(msg)


def code_level(code: str) -> int:
    """Level of a Kemendagri code (1 province ... 4 desa/kelurahan)."""
    return code.count(".") + 1


_KAB = re.compile(r"^\s*kab\b\.?\s*")
_KEP = re.compile(r"\bkep\.\s*")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def region_key(name: object) -> str:
    """A region name reduced for comparison: ASCII, lower case, letters and digits only.

    "Kab Timor Tengah Selatan", "Kab. Timor Tengah Selatan" and "KABUPATEN TIMOR TENGAH SELATAN" give
    the same key; so do "Kep. Siau" and "Kepulauan Siau". "Kota" stays: Kota Blitar is not Blitar.
    """
    text = "" if name is None or (isinstance(name, float) and name != name) else str(name)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _KEP.sub("kepulauan ", _KAB.sub("kabupaten ", text.lower()))
    return _NOT_ALNUM.sub("", text)


def region_keys(names: pd.Series) -> pd.Series:
    """:func:`region_key` of every name (vectorised: decomposed accents fall with the other symbols)."""
    text = names.fillna("").astype(str).str.normalize("NFKD").str.lower()
    text = text.str.replace(_KAB.pattern, "kabupaten ", regex=True).str.replace(_KEP.pattern, "kepulauan ", regex=True)
    return text.str.replace(_NOT_ALNUM.pattern, "", regex=True)


@functools.lru_cache(maxsize=4)
def _codes(path: str, sha256: str) -> pd.DataFrame:
    """The parsed code list of ``path`` (cached by path and verified hash)."""
    del sha256  # part of the cache key only
    rows = read_sql_rows(path, "wilayah", ("kode", "nama"))
    frame = pd.DataFrame([r.values for r in rows], columns=["kode", "nama"]).fillna("")
    frame["kode"] = frame["kode"].str.strip()
    frame["nama"] = frame["nama"].str.strip()
    lines = [r.line for r in rows]
    bad = ~frame["kode"].str.fullmatch(KODE.pattern)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        msg = (
            f"{path}, line {lines[i]}: {frame['kode'].iloc[i]!r} is not a Kemendagri code"
            " (35, 35.05, 35.05.01, 35.05.01.2001)."
        )
        raise ParseError(msg)
    dup = frame["kode"].duplicated(keep=False)
    if dup.any():
        first = frame["kode"][dup].iloc[0]
        at = [str(lines[i]) for i in range(len(frame)) if frame["kode"].iloc[i] == first]
        msg = f"{path}: kode {first} appears twice (lines {' and '.join(at)})."
        raise ParseError(msg)
    frame["level"] = frame["kode"].str.count(r"\.") + 1
    return frame


def code_list(path: str | Path, sha256: str) -> pd.DataFrame:
    """Codes and names of ``db/wilayah.sql`` (``kode``, ``nama``, ``level``), a fresh copy."""
    return _codes(str(path), sha256).copy()


def select(frame: pd.DataFrame, region: Sequence[str] | None) -> pd.DataFrame:
    """Rows of ``frame`` whose ``kode`` lies in ``region`` (all rows for ``None``)."""
    if region is None:
        return frame
    codes = frame["kode"].astype(str)
    mask = codes.isin(list(region)) | codes.str.startswith(tuple(f"{r}." for r in region))
    return frame[mask.to_numpy()]


def touches(kode: str, region: Sequence[str]) -> bool:
    """Whether ``kode`` lies in ``region`` or contains part of it (a province of a kab/kota region)."""
    return any(kode == r or kode.startswith(r + ".") or r.startswith(kode + ".") for r in region)


def compare_with_codes(
    frame: pd.DataFrame, codes: pd.DataFrame, *, source: str, levels: Sequence[int], region: Sequence[str] | None
) -> list[dict[str, object]]:
    """QA rows of a Kemendagri-coded table against the code list.

    A code not in the list (``code_not_in_kepmendagri``), a name that differs (``name_differs``; the
    row is kept under its code) and a listed region of ``levels`` in ``region`` without a row
    (``missing_row``).
    """
    names = dict(zip(codes["kode"].tolist(), codes["nama"].tolist(), strict=True))
    out: list[dict[str, object]] = []
    for kode, nama in zip(frame["kode"], frame["nama"], strict=True):
        if kode not in names:
            out.append(
                {
                    "source": source,
                    "issue": "code_not_in_kepmendagri",
                    "kode": kode,
                    "nama": nama,
                    "detail": "the code is not in the Kepmendagri 2025 list (db/wilayah.sql); the row is kept",
                }
            )
        elif region_key(nama) != region_key(names[kode]):
            out.append(
                {
                    "source": source,
                    "issue": "name_differs",
                    "kode": kode,
                    "nama": nama,
                    "matched_kode": kode,
                    "matched_nama": names[kode],
                    "detail": "same code, another spelling; the row is kept under its code",
                }
            )
    have = set(frame["kode"])
    listed = select(codes[codes["level"].isin(list(levels))], region)
    for kode, nama in zip(listed["kode"], listed["nama"], strict=True):
        if kode not in have:
            out.append(
                {
                    "source": source,
                    "issue": "missing_row",
                    "kode": kode,
                    "nama": nama,
                    "detail": "a region of the Kepmendagri 2025 list has no row in this table",
                }
            )
    return out


def repair_code(kode: str, nama: str, names: dict[str, str]) -> tuple[str | None, str]:
    """A row's Kemendagri code, repaired where the file lost a trailing zero, and what was done.

    Returns ``(kode, "")`` for a well-formed code; ``(repaired, "code_repaired")`` when ``kode`` is
    ``"11.1"`` or ``"31.0"`` (a number-like code that lost its zero) and the list names the region
    ``"11.10"`` (or the province ``"31"``) exactly as the row does; else ``(None, "malformed_code")``.
    """
    if KODE.match(kode):
        return kode, ""
    candidates = []
    if re.fullmatch(r"\d{2}\.\d", kode):
        candidates = [kode + "0", kode[:2]] if kode.endswith(".0") else [kode + "0"]
    for candidate in candidates:
        if candidate in names and region_key(names[candidate]) == region_key(nama):
            return candidate, "code_repaired"
    return None, "malformed_code"


def check_sums(
    values: dict[str, float], names: dict[str, str], *, source: str, column: str, tolerance: float = 0.0
) -> list[dict[str, object]]:
    """QA rows for each province whose value differs from the sum of its kab/kota (``sum_differs``)."""
    sums: dict[str, float] = {}
    for kode, value in values.items():
        if code_level(kode) == 2:
            sums[kode[:2]] = sums.get(kode[:2], 0.0) + value
    out: list[dict[str, object]] = []
    for prov, total in sorted(sums.items()):
        if prov in values and abs(values[prov] - total) > tolerance:
            out.append(
                {
                    "source": source,
                    "issue": "sum_differs",
                    "kode": prov,
                    "nama": names.get(prov, ""),
                    "detail": f"{column} of the province is {values[prov]:g}, the sum of its kab/kota {total:g};"
                    " both are kept as published",
                }
            )
    return out


def coded_rows(
    path: str | Path,
    table: str,
    columns: Sequence[str],
    names: dict[str, str],
    *,
    source: str,
    number: str,
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """The rows of a Kemendagri-coded table (``kode``, ``nama``, ``columns``...) with their QA.

    The values of ``columns`` must be numbers: integers (``number="int"``, quoted or not) or decimals
    (``number="float"``); anything else is a :class:`ParseError` naming the line. A code the file
    mangled is repaired or reported (:func:`repair_code`); a national row (code ``"0"``) is left out of
    the frame and returned under the code ``"0"`` in ``frame.attrs["national"]``.
    """
    rows = read_sql_rows(path, table, ("kode", "nama", *columns))
    pattern = re.compile(r"\d+" if number == "int" else r"-?\d+(?:\.\d+)?")
    records: list[dict[str, object]] = []
    qa: list[dict[str, object]] = []
    national: dict[str, object] = {}
    seen: dict[str, int] = {}
    for row in rows:
        kode, nama = ((v or "").strip() for v in row.values[:2])
        values: list[float | int] = []
        for column, raw in zip(columns, row.values[2:], strict=True):
            text = (raw or "").strip()
            if not pattern.fullmatch(text):
                msg = f"{path}, line {row.line}, kode {kode}: {column} is {raw!r}; expected a number."
                raise ParseError(msg)
            values.append(int(text) if number == "int" else float(text))
        if kode == "0":
            national = dict(zip(columns, values, strict=True))
            continue
        fixed, issue = repair_code(kode, nama, names)
        if issue:
            qa.append(
                {
                    "source": source,
                    "issue": issue,
                    "kode": kode,
                    "nama": nama,
                    "matched_kode": fixed or "",
                    "matched_nama": names.get(fixed or "", ""),
                    "detail": f"line {row.line}: "
                    + (
                        "the code lost a trailing zero; read under the listed code of the same name"
                        if fixed
                        else "not a Kemendagri code and no listed region of that name; the row is not used"
                    ),
                }
            )
        if fixed is None:
            continue
        if fixed in seen:
            msg = f"{path}: kode {fixed} appears twice (lines {seen[fixed]} and {row.line})."
            raise ParseError(msg)
        seen[fixed] = row.line
        records.append({"kode": fixed, "nama": nama, **dict(zip(columns, values, strict=True))})
    frame = pd.DataFrame(records, columns=["kode", "nama", *columns])
    frame["level"] = [code_level(k) for k in frame["kode"]]
    frame.attrs["national"] = national
    return frame, qa
