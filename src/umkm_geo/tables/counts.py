"""Reading UMKM count tables (CSV, XLSX or XLS; long or wide; keyed by code or by name).

Long layout: one row per kecamatan (× sector × year) with one count column (``jumlah_umkm``).
Wide layout: one row per kecamatan, one count column per sector, per year (``2019``) or per sector
and year (``perdagangan_2019``). Kecamatan are identified by a code column (Kemendagri ``35.05.01``
or BPS ``3505010``) or a name column, optionally with a kab/kota column to tell same-named kecamatan
apart.

A user's numbers are never changed silently:

- Only count columns are summed: ``jumlah_umkm`` (or ``jumlah``, ``total``, ...), a year, a
  documented sector (:data:`SECTORS`), ``<sector>_<year>``, or a column named in ``count_columns``
  or ``sectors``. A row-number column (``No``, ``Nomor``, ``#`` holding 1, 2, 3, ...) and text columns
  are ignored with a warning; any other column holding numbers stops the run and says how to
  declare it (``count_columns``) or leave it out (``ignore_columns``).
- Total and subtotal rows (``Jumlah``, ``Total``, ``Jumlah/Total``, a kab/kota code) are left out and
  reported (with whether they agree with the kecamatan rows); headings inside the table
  (``KOTA BLITAR``) and notes below it (``Sumber: ...``) are skipped with a note.
- Title rows above the header and two-row (merged) headers are recognised; the warning names the
  row used (or give it with ``header_row``).
- A blank cell is "no data", never 0: it is kept as missing and the join reports it.
- ``1.234`` and ``1,234`` are 1234 (thousands separators, groups of exactly three digits); a decimal
  (``1.5``, ``12,5``), a negative number or text is refused with its file, row and column.
- A desa-level table (one row per desa) and a list of businesses are recognised and refused with
  what to do.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import itertools
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from umkm_geo._errors import TableError
from umkm_geo._provenance import file_sha256
from umkm_geo.sources.codes import code_level, normalise_code
from umkm_geo.tables._read import (
    choose_sheet,
    column_letter,
    decode_text,
    excel_book,
    file_kind,
    is_blank,
    no_gc_pauses,
    read_grid,
    sheets_with_data,
    sniff_delimiter,
)

CODE_ALIASES = (
    "kode",
    "kode_kemendagri",
    "kode_kecamatan",
    "kode_kec",
    "kode_wilayah",
    "kode_bps",
    "adm3_pcode",
)
NAME_ALIASES = ("kecamatan", "nama_kecamatan", "nama_kec", "nama")
KAB_ALIASES = ("kab_kota", "kabupaten_kota", "kabkota", "kabupaten", "kota")
SECTOR_ALIASES = ("sektor", "sector", "sektor_usaha", "jenis_usaha", "bidang_usaha", "lapangan_usaha")
YEAR_ALIASES = ("tahun", "year")
#: Names of the count column of a long table.
COUNT_ALIASES = ("jumlah_umkm", "jumlah", "umkm", "count", "n_umkm", "total")
#: Column names (alone or before a year, ``jumlah_umkm_2023``) that hold the total number of UMKM.
TOTAL_NAMES = (
    *COUNT_ALIASES,
    "jumlah_total",
    "jumlah_usaha",
    "jumlah_unit_usaha",
    "banyaknya_umkm",
    "banyak_umkm",
    "jumlah_pelaku_umkm",
    "jumlah_pelaku_usaha",
)
#: Words that, before a year, name the year's total (``Tahun 2023``).
_YEAR_STEMS = ("tahun", "thn", "th", "year")
#: Sector names recognised as count columns of a wide table (compared after lower-casing, with
#: spaces and punctuation as ``_``, a leading ``sektor_`` and ``_dan_`` dropped). Size classes
#: (mikro, kecil, menengah) count the same way. Other sectors: ``[data] sectors``.
SECTORS = (
    "perdagangan",
    "makanan_minuman",
    "kuliner",
    "kerajinan",
    "kriya",
    "jasa",
    "jasa_lainnya",
    "pertanian",
    "pertanian_olahan",
    "perkebunan",
    "peternakan",
    "perikanan",
    "kehutanan",
    "industri",
    "industri_pengolahan",
    "pengolahan",
    "fashion",
    "fesyen",
    "konveksi",
    "tekstil",
    "otomotif",
    "konstruksi",
    "transportasi",
    "akomodasi",
    "pariwisata",
    "ekonomi_kreatif",
    "pertambangan",
    "aneka_usaha",
    "lainnya",
    "lain_lain",
    "mikro",
    "kecil",
    "menengah",
    "usaha_mikro",
    "usaha_kecil",
    "usaha_menengah",
)
#: Columns that only describe a row (never counts).
NOTE_ALIASES = ("keterangan", "ket", "catatan", "note", "notes", "sumber", "source")
#: Names of a row-number column (also ``#`` and a column without a name holding 0/1, 2, 3, ...).
ROW_NUMBER_NAMES = ("no", "nomor", "no_urut", "nomor_urut", "nr", "urut")
#: Columns that make a table desa-level (one row per desa/kelurahan).
DESA_ALIASES = (
    "desa",
    "kelurahan",
    "desa_kelurahan",
    "kelurahan_desa",
    "desa_kel",
    "kel_desa",
    "nama_desa",
    "nama_kelurahan",
    "nama_desa_kelurahan",
    "kode_desa",
    "kode_kelurahan",
)
#: Columns of a list of businesses (one row per UMKM) rather than counts.
BUSINESS_ALIASES = (
    "nama_usaha",
    "nama_umkm",
    "nama_pemilik",
    "pemilik",
    "nik",
    "nib",
    "alamat",
    "alamat_usaha",
    "no_hp",
    "nomor_hp",
    "no_telp",
    "telepon",
)
TOTAL_SECTOR = "total"
#: Cell texts that mean "no data" like a blank cell (BPS writes ``...`` for "not available").
NO_DATA = ("", "...", "…", "na", "n/a", "n.a", "n.a.", "nan")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_SLUG_YEAR = re.compile(r"^(.+?)_((?:19|20)\d{2})$")
_YEAR_SLUG = re.compile(r"^((?:19|20)\d{2})_(.+)$")
_SLUG = re.compile(r"[^0-9a-z]+")
_DASHES = ("-", "–", "—", "--")
_NUMBERISH = re.compile(r"^[+\-(]?\s*[\d.,\s]*\d[\d.,\s]*\)?\s*%?$")
_COLUMN_NUMBER = re.compile(r"^\(\d{1,3}\)$")
_FOOTNOTE = re.compile(r"^\s*(?:(?:sumber|source|catatan|note|notes|keterangan|ket)\s*[:.]|\*|\d\)|[a-z]\)\s)", re.I)
_TOTAL_LABELS = (
    "jumlah",
    "total",
    "subtotal",
    "grandtotal",
    "jumlahtotal",
    "totaljumlah",
    "jumlahseluruhnya",
    "jumlahkeseluruhan",
    "totalkeseluruhan",
)
_KNOWN_COUNTS = (
    "umkm_geo counts jumlah_umkm (or jumlah, total), a year (2023), a sector (perdagangan, jasa, ...;"
    " the list is in the README) and <sector>_<year> (perdagangan_2023)."
)


@dataclasses.dataclass(frozen=True)
class CountTable:
    """A validated table of counts in long form.

    Attributes
    ----------
    data
        Long DataFrame with columns ``row`` (row number in the file as a spreadsheet shows it),
        ``kolom`` (the column the count is in), ``kode_in`` and ``nama_in`` (the identifiers as
        typed; one may be empty), ``kab_in``, ``sektor``, ``tahun`` (nullable integer) and
        ``jumlah`` (nullable integer: ``<NA>`` is a blank cell, "no data", never 0).
    source
        File read.
    sha256
        Hash of the file read.
    layout
        ``"long"`` or ``"wide"``.
    key
        ``"kode"`` or ``"nama"``: how rows are matched to kecamatan.
    illustrative
        A note column says the numbers are illustrative.
    header_row
        Row of the column names (the first of two for a two-row header).
    notes
        What the reader recognised and did (header found, columns and rows left out); each was
        also issued as a warning.
    ignored_columns
        Columns not read as counts (row numbers, text, ``ignore_columns``).
    """

    data: pd.DataFrame
    source: Path
    sha256: str
    layout: str
    key: str
    illustrative: bool = False
    header_row: int = 1
    notes: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()

    @property
    def sectors(self) -> tuple[str, ...]:
        """Sectors in the table, in first-seen order."""
        return tuple(self.data["sektor"].unique())  # in first-seen order

    @property
    def years(self) -> tuple[int, ...]:
        """Years in the table, sorted (empty when the table has no year)."""
        return tuple(sorted(int(y) for y in self.data["tahun"].dropna().unique()))

    @property
    def blanks(self) -> pd.DataFrame:
        """The blank cells (no data) of the table."""
        return self.data[self.data["jumlah"].isna()]

    def record(self) -> dict[str, object]:
        """JSON-ready description for the run record."""
        return {
            "path": str(self.source),
            "sha256": self.sha256,
            "layout": self.layout,
            "key": self.key,
            "rows": len(self.data),
            "blank_cells": int(self.data["jumlah"].isna().sum()),
            "sectors": list(self.sectors),
            "years": list(self.years),
            "header_row": self.header_row,
            "ignored_columns": list(self.ignored_columns),
            "notes": list(self.notes),
            "illustrative": self.illustrative,
        }


def slug(text: object) -> str:
    """Lower-case identifier for a column or sector name (``"Makanan-Minuman"`` -> ``makanan_minuman``)."""
    return _SLUG.sub("_", str(text).strip().lower()).strip("_")


def sector_key(text: object) -> str:
    """Key a sector name is recognised by (``"Sektor Makanan dan Minuman"`` -> ``makanan_minuman``)."""
    key = slug(text).replace("_dan_", "_")
    return key.removeprefix("sektor_")


def read_raw(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """Read a CSV (delimiter sniffed, cells as text) or a spreadsheet sheet (empty cells as ``""``).

    The first row holds the column names. Errors (empty file, unknown sheet, which lists the
    sheets, unreadable file, unknown encoding, unsupported format) name the file. Spreadsheets
    (``.xlsx``, ``.xls``, ``.ods``) are read with python-calamine; text in UTF-8, UTF-16 or
    Windows-1252.

    Shared by every table reader (questionnaire answers, FFA factors, products).
    """
    if file_kind(path) == "excel":
        book = excel_book(path)
        with book:
            chosen = choose_sheet(path, [str(n) for n in book.sheet_names], sheet)
            try:
                raw = pd.read_excel(book, sheet_name=chosen, dtype=object)
            except Exception as exc:
                msg = f"{path}: cannot read sheet {chosen!r}: {exc}"
                raise TableError(msg) from exc
        return raw.map(lambda v: "" if is_blank(v) else v)
    text = decode_text(path)
    if not text.strip():
        msg = f"{path}: the file is empty (it holds no cells)."
        raise TableError(msg)
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, sep=sniff_delimiter(text), engine="python"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = f"{path}: not a readable CSV table ({exc})."
        raise TableError(msg) from exc


def parse_count(value: object) -> tuple[int | None, str | None]:
    """Parse one count cell.

    Returns
    -------
    (int, None)
        A count. ``1.234``, ``1,234`` and ``1 234`` are 1234 (thousands separators with groups
        of exactly three digits); ``12.0`` and ``12,00`` are 12.
    (None, None)
        No data: a blank cell (or ``...``, ``n/a``, which BPS and spreadsheets use for "not
        available"). Never read as 0.
    (None, reason)
        Not a count: negative, a decimal number (``1.5``, ``12,5``), ``-``, a date or text.
    """
    if type(value) is str:
        return _parse_text(value)
    if value is None:
        return None, None
    if isinstance(value, bool | np.bool_):
        return None, f"{value!r} is not a count"
    if isinstance(value, int | np.integer):
        return (int(value), None) if value >= 0 else (None, f"{value} is negative")
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None, None
        if value < 0:
            return None, f"{value:g} is negative"
        if value != int(value):
            return None, f"{value:g} is a decimal number; a count of UMKM must be a whole number"
        return int(value), None
    if isinstance(value, datetime.date | datetime.time | pd.Timestamp):
        shown = f"{value:%Y-%m-%d}" if isinstance(value, datetime.date) else str(value)
        return None, (
            f"{shown} is a date, not a count (the spreadsheet may have turned a typed number into a date);"
            " format the column as Number and type the count again"
        )
    return _parse_text(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _parse_text(value: str) -> tuple[int | None, str | None]:
    """:func:`parse_count` of a text cell (cached: a long table repeats its numbers)."""
    text = " ".join(value.replace("\u00a0", " ").replace("\u202f", " ").split())
    if text.lower() in NO_DATA:
        return None, None
    if text in _DASHES:
        return None, (
            f"{text!r} is not a count: in BPS tables '-' means none (0), elsewhere it often means unknown;"
            " write 0 if there are none, or leave the cell empty if the number is unknown"
        )
    if re.fullmatch(r"\d+", text):
        return int(text), None
    for sep in (".", ",", " "):
        if re.fullmatch(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+", text):
            return int(text.replace(sep, "")), None
    if re.fullmatch(r"\d+[.,]0{1,2}", text):
        return int(re.split(r"[.,]", text)[0]), None
    if re.fullmatch(r"-\s*\d[\d.,\s]*", text):
        return None, f"{text!r} is negative"
    if re.fullmatch(r"\d+[.,]\d+|\d{1,3}(?:([.,])\d{3})+(?!\1)[.,]\d{1,2}", text):
        return None, f"{text!r} is a decimal number; a count of UMKM must be a whole number"
    if re.fullmatch(r"[\d.,\s]+%", text):
        return None, f"{text!r} is a percentage, not a count"
    if re.fullmatch(r"[\d.,\s]+", text):
        return None, f"{text!r} cannot be read as a whole number; write the count with digits only (e.g. 1234)"
    return None, f"{text!r} is not a number"


# --------------------------------------------------------------------------------------- reading


def _text(value: object) -> str:
    """A cell as text: integral floats without ``.0``, whitespace collapsed."""
    if type(value) is str:  # the common case first: every cell of a text file
        return " ".join(value.replace("\u00a0", " ").split())
    if is_blank(value):
        return ""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, bool | np.bool_):
        return str(value)
    return " ".join(str(value).replace("\u00a0", " ").split())


#: :func:`umkm_geo.sources.codes.normalise_code` of a cell's text (cached: a long table repeats its codes).
_kode = functools.lru_cache(maxsize=1 << 16)(normalise_code)


def _candidates(value: object) -> list[str]:
    """Texts a header cell may be recognised by: itself, its first line, its parts around ``/``."""
    raw = value if isinstance(value, str) else _text(value)
    out = [_text(raw)]
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(lines) > 1:
        out += lines
    for part in re.split(r"[/\n]", raw):
        if part.strip():
            out.append(part.strip())
    return list(dict.fromkeys(t for t in out if t))


def _cell_texts(rows: list[list[object]]) -> list[tuple[str, ...]]:
    """:func:`_text` of every cell, row by row (rows of equal length).

    Worked out column by column, once per distinct value where a column holds only strings (every
    column of a text file; a long table repeats its codes, names, sectors and years). A cell is
    blank (:func:`is_blank`) exactly when its text is ``""``.
    """
    columns: list[list[str]] = []
    for column in zip(*rows, strict=True):
        if all(type(v) is str for v in column):
            memo = {v: _text(v) for v in set(column)}
            columns.append(list(map(memo.__getitem__, column)))
        else:
            columns.append([_text(v) for v in column])
    return list(zip(*columns, strict=True))


@dataclasses.dataclass
class _Header:
    top: int  # 0-based row of the column names
    used: list[int]  # every header row (the names, a second header row, skipped rows)
    names: list[str]
    texts: list[list[str]]
    given: bool  # [data] header_row
    sub: int | None = None  # the second row of a two-row header
    skipped: tuple[tuple[int, str], ...] = ()  # (row, what) rows under the header that were skipped


def _id_header(texts: list[str], overrides: Sequence[str]) -> bool:
    slugs = {slug(t) for t in texts}
    wanted = set(CODE_ALIASES) | set(NAME_ALIASES) | {slug(o) for o in overrides}
    return bool(slugs & wanted)


def _headerish(text: str) -> bool:
    """Whether a cell can be part of a header (text, a year or a column number, not a count)."""
    return bool(_YEAR.match(text) or _COLUMN_NUMBER.match(text) or not _NUMBERISH.match(text))


def _find_header(rows: list[list[object]], header_row: int | None, overrides: Sequence[str], file: Path) -> _Header:
    if header_row:
        if header_row > len(rows):
            msg = f"{file}: [data] header_row = {header_row}, but the table has only {len(rows)} rows."
            raise TableError(msg)
        top = header_row - 1
    else:
        found = next(
            (i for i, row in enumerate(rows[:30]) if any(_id_header(_candidates(v), overrides) for v in row)),
            None,
        )
        top = found if found is not None else next(i for i, row in enumerate(rows) if any(not is_blank(v) for v in row))
    width = max(len(r) for r in rows)
    upper = [_text(v) for v in rows[top]] + [""] * (width - len(rows[top]))
    id_cols = [j for j, v in enumerate(rows[top]) if _id_header(_candidates(v), overrides)]
    used = [top]
    lower: list[str] | None = None
    nxt = top + 1
    if id_cols and nxt < len(rows):
        cells = [(j, _text(v)) for j, v in enumerate(rows[nxt]) if not is_blank(v)]
        numbering = len(cells) >= 2 and all(_COLUMN_NUMBER.match(t) for _, t in cells)
        spans = any(not upper[j] for j, _ in cells) or all(_YEAR.match(t) for _, t in cells)
        if cells and spans and not numbering and all(j not in id_cols and _headerish(t) for j, t in cells):
            lower = [_text(v) for v in rows[nxt]] + [""] * (width - len(rows[nxt]))
            used.append(nxt)
            nxt += 1
    skipped: list[tuple[int, str]] = []
    for _ in range(2):  # an English row of a bilingual BPS header, a row of column numbers
        if nxt < len(rows) and _is_numbering_row(rows[nxt]):
            skipped.append((nxt, "holds column numbers (1), (2), ... and was skipped"))
        elif nxt < len(rows) and _is_english_row(rows[nxt], id_cols):
            skipped.append((nxt, "holds the English column names and was skipped"))
        else:
            break
        used.append(nxt)
        nxt += 1
    names: list[str] = []
    texts: list[list[str]] = []
    filled: list[str] = []
    for j in range(width):
        up = upper[j]
        low = lower[j] if lower is not None else ""
        if not up and low and j > 0 and lower is not None and lower[j - 1] and filled[j - 1]:
            up = filled[j - 1]  # a merged cell spanning several columns holds its text in the first
        filled.append(up)
        name = " ".join(p for p in (up, low) if p)
        if low:
            cands = [name, *([f"{low} {up}"] if up else []), *_candidates(low)]
        else:
            cands = _candidates(rows[top][j]) if up else []
        names.append(name)
        texts.append(list(dict.fromkeys(cands or [name])))
    return _Header(
        top=top,
        used=used,
        names=names,
        texts=texts,
        given=bool(header_row),
        sub=top + 1 if lower is not None else None,
        skipped=tuple(skipped),
    )


def _find(
    texts: list[list[str]], names: list[str], aliases: Sequence[str], override: str | None, file: Path, key: str
) -> int | None:
    if override:
        for j, name in enumerate(names):
            if name == override.strip() or (slug(name) and slug(name) == slug(override)):
                return j
        msg = f"{file}: column {override!r} ([data] {key}) not found; the columns are {_listed(names)}."
        raise TableError(msg)
    for alias in aliases:
        for j, cands in enumerate(texts):
            if alias in {slug(t) for t in cands}:
                return j
    return None


def _listed(names: Sequence[str]) -> list[str]:
    return [n if n else f"{column_letter(j)} (no name)" for j, n in enumerate(names)]


def _col(names: Sequence[str], j: int) -> str:
    return repr(names[j]) if names[j] else f"{column_letter(j)} (no name)"


def _count_spec(
    texts: list[str], total_names: Sequence[str], sectors: set[str], years_total: bool = True
) -> tuple[str, int | None] | None:
    """``(sector, year)`` of a documented count column, or ``None``.

    The header's own text decides; otherwise its parts (``Perdagangan/Trade``), unless they name
    different counts (``Perdagangan/Jasa`` is neither: declare it in ``[data] sectors``).
    """
    specs = [_one_spec(text, total_names, sectors, years_total) for text in texts]
    if specs and specs[0] is not None:
        return specs[0]
    found = {s for s in specs if s is not None}
    return found.pop() if len(found) == 1 else None


def _one_spec(
    text: str, total_names: Sequence[str], sectors: set[str], years_total: bool
) -> tuple[str, int | None] | None:
    key = slug(text)
    if not key:
        return None
    if _YEAR.match(key):
        return (TOTAL_SECTOR, int(key)) if years_total else None
    stem, year = _split_year(text)
    if stem in total_names or (year is not None and stem in _YEAR_STEMS):
        return TOTAL_SECTOR, year
    if sector_key(stem) in sectors:
        return stem, year
    return None


def _split_year(name: str) -> tuple[str, int | None]:
    key = slug(name)
    match = _SLUG_YEAR.match(key) or _YEAR_SLUG.match(key)
    if not match:
        return key, None
    first, second = match.groups()
    return (first, int(second)) if _YEAR.match(second) else (second, int(first))


@functools.lru_cache(maxsize=1 << 16)
def _is_total_label(text: str) -> bool:
    key = re.sub(r"[^a-z]", "", text.lower())
    return key in _TOTAL_LABELS or (len(key) > 5 and key.startswith(("jumlah", "total", "subtotal")))


def _row_numbers(values: list[object], named: bool) -> bool:
    """Whether a column holds row numbers.

    Named (``No``): 1..n in any order (the rows may have been sorted), or whole numbers that
    increase or start again at 1 (a table of a kabupaten and a kota numbered separately); blank
    cells and section letters (``A.``, ``II``) are passed over.
    Without a name (a spreadsheet's index column): 0/1, 2, 3, ... exactly.
    """
    numbers = []
    for v in values:
        if is_blank(v) or (named and isinstance(v, str) and re.fullmatch(r"[A-Za-z]{1,4}[.)]?", v.strip())):
            if named:  # a section letter ("A.", "II") in the number column of a heading row
                continue
            return False
        if isinstance(v, bool | np.bool_):
            return False
        if isinstance(v, int | np.integer) or (isinstance(v, float | np.floating) and float(v).is_integer()):
            numbers.append(int(v))
        elif isinstance(v, str) and re.fullmatch(r"\d+\.?", v.strip()):
            numbers.append(int(v.strip().rstrip(".")))
        else:
            return False
    if not numbers:
        return False
    if named:
        if sorted(numbers) == list(range(1, len(numbers) + 1)):
            return True  # 1..n, also after the rows were sorted
        return numbers[0] in (0, 1) and all(b > a or b == 1 for a, b in itertools.pairwise(numbers))
    return numbers[0] in (0, 1) and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _is_code_name(texts: list[str]) -> bool:
    """Whether a header names a code column (``Kode Kab``, ``kd_prov``, ``ID``): never counts."""
    return any(
        key == "id" or key.startswith(("kode", "code", "kd_", "id_")) or key.endswith(("_code", "_id", "_kode"))
        for key in (slug(t) for t in texts)
    )


def _numberish(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | float | np.integer | np.floating):
        return not is_blank(value)
    text = _text(value)
    return bool(text) and text not in _DASHES and bool(_NUMBERISH.match(text))


def _warn(note: str) -> None:
    warnings.warn(note, UserWarning, stacklevel=3)


def read_count_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    code_column: str | None = None,
    name_column: str | None = None,
    kab_column: str | None = None,
    count_aliases: Sequence[str] = COUNT_ALIASES,
    count_columns: Sequence[str] = (),
    sectors: Sequence[str] = (),
    ignore_columns: Sequence[str] = (),
    header_row: int | None = None,
    role: str = "umkm",
) -> CountTable:
    """Read and validate a UMKM count table (or, with ``role="population"``, a population table).

    Parameters
    ----------
    path
        CSV/TXT (any common delimiter; UTF-8, UTF-16 or Windows-1252), XLSX, XLS or ODS file.
    sheet
        Spreadsheet sheet name or index (default: the first sheet).
    code_column, name_column, kab_column
        Column names to use; by default they are found among common names (``kode``,
        ``kecamatan``, ``kab_kota`` and variants).
    count_aliases
        Column names that hold the counts in the long layout.
    count_columns
        Further columns that hold counts (``[data] count_columns``); a column of the same name
        before a year (``Jumlah Usaha 2023``) is read as that year's count.
    sectors
        Further sector names (``[data] sectors``): wide columns of these names (with or without a
        year) are counts of that sector; in a long table, the sector column must hold only these.
    ignore_columns
        Columns to leave out (``[data] ignore_columns``).
    header_row
        Row of the column names (1 = the first row); by default the first row naming a kecamatan
        column (``kode``, ``kecamatan``, ...) among the first 30.
    role
        ``"umkm"``, ``"population"`` (then only ``count_aliases`` and years are counts, no sectors) or
        ``"reference"`` (a table of sector totals: the rows are sectors, named in the sector column and
        kept in ``nama_in``; see :func:`read_reference_table`).

    Raises
    ------
    TableError
        The file is empty or unreadable; a column is missing; a column holds numbers but is not a
        count column; the table is desa-level or a list of businesses; or count cells are
        negative, decimal or not numbers (all bad cells are listed with their row and column).
    """
    with no_gc_pauses():
        table = _read_count_table(
            Path(path),
            sheet=sheet,
            code_column=code_column,
            name_column=name_column,
            kab_column=kab_column,
            count_aliases=count_aliases,
            count_columns=count_columns,
            sectors=sectors,
            ignore_columns=ignore_columns,
            header_row=header_row,
            role=role,
        )
    for note in table.notes:
        _warn(note)
    return table


def _read_count_table(
    file: Path,
    *,
    sheet: str | int | None,
    code_column: str | None,
    name_column: str | None,
    kab_column: str | None,
    count_aliases: Sequence[str],
    count_columns: Sequence[str],
    sectors: Sequence[str],
    ignore_columns: Sequence[str],
    header_row: int | None,
    role: str,
) -> CountTable:
    """:func:`read_count_table` without its warnings (the notes are in ``CountTable.notes``)."""
    if not file.is_file():
        msg = f"Table {file} does not exist."
        raise TableError(msg)
    grid = read_grid(file, sheet)
    if grid.empty:
        raise TableError(_empty_message(file, grid))
    rows = grid.rows
    width = max(len(r) for r in rows)
    rows = [r if len(r) == width else [*r, *[""] * (width - len(r))] for r in rows]  # rows are not changed
    reference = role == "reference"  # the rows are sectors, named in the sector column
    unit = "sector" if reference else "kecamatan"
    overrides = list(SECTOR_ALIASES) if reference else [c for c in (code_column, name_column) if c]
    header = _find_header(rows, header_row, overrides, file)
    names, texts = header.names, header.texts
    notes: list[str] = []
    _check_duplicate_names(names, file)
    start = max(header.used) + 1
    body = [(i + 1, rows[i]) for i in range(start, len(rows))]

    cell_texts = _cell_texts(rows)
    if reference:
        code_j, kab_j, sector_j = None, None, None
        name_j = _find(texts, names, SECTOR_ALIASES, None, file, "")
        if name_j is None:
            msg = (
                f"{file}: no sector column; a reference table has one row per sector, named in a column called one"
                f" of {list(SECTOR_ALIASES)}. The columns are {_listed(names)} (row {header.top + 1})."
            )
            raise TableError(msg)
    else:
        code_j = _find(texts, names, CODE_ALIASES, code_column, file, "code_column")
        name_j = _find(texts, names, NAME_ALIASES, name_column, file, "name_column")
        kab_j = _find(texts, names, KAB_ALIASES, kab_column, file, "kab_column")
        _refuse_desa_or_business(file, names, texts, body, cell_texts, code_j, name_j, bool(count_columns))
        if code_j is None and name_j is None:
            raise TableError(_no_kecamatan_message(file, grid, header, names))
        sector_j = _find(texts, names, SECTOR_ALIASES, None, file, "")
    year_j = _find(texts, names, YEAR_ALIASES, None, file, "")
    id_cols = [j for j in (code_j, name_j, kab_j) if j is not None]
    note_cols = [j for j, cands in enumerate(texts) if {slug(t) for t in cands} & set(NOTE_ALIASES)]
    note_cols = [j for j in note_cols if j not in id_cols]
    header_note = _header_note(file, rows, header)
    if header_note:
        notes.append(header_note)

    # ---- rows: blank, notes below the table, total and subtotal rows, data
    label_cols = set(id_cols) | {0} | {j for j, n in enumerate(names) if not n or slug(n) in ROW_NUMBER_NAMES}
    data_rows: list[tuple[int, list[object]]] = []
    totals: list[tuple[int, str, list[object]]] = []
    footnotes: list[tuple[int, str]] = []
    label_order = sorted(label_cols)
    for number, cells in body:
        row_texts = cell_texts[number - 1]
        filled = [j for j, text in enumerate(row_texts) if text]
        if not filled:
            continue
        first = cells[filled[0]]
        if len(filled) == 1 and isinstance(first, str) and _FOOTNOTE.match(first):
            footnotes.append((number, row_texts[filled[0]]))
            continue
        label = None
        for j in label_order:
            if _is_total_label(row_texts[j]):
                label = row_texts[j]
                break
        shown = repr(label)
        if label is None and code_j is not None:
            code = _kode(row_texts[code_j])
            if code is not None and code_level(code) <= 2:
                label = code
                shown = f"{row_texts[code_j]!r}, a {'province' if code_level(code) == 1 else 'kab/kota'} code"
        if label is not None:
            totals.append((number, shown, cells))
            continue
        data_rows.append((number, cells))
    if not data_rows:
        msg = f"{file}: the table has no {unit} rows below its header (row {header.top + 1})."
        raise TableError(msg)

    # ---- columns: counts, row numbers, text, ignored, unknown numbers
    total_names = tuple(count_aliases) if role in ("population", "reference") else TOTAL_NAMES
    known_sectors = set() if role in ("population", "reference") else set(SECTORS)
    known_sectors |= {sector_key(s) for s in sectors}
    user_counts = _resolve(count_columns, names, file, "count_columns")
    ignored = _resolve(ignore_columns, names, file, "ignore_columns")
    fixed = set(id_cols) | set(note_cols) | {j for j in (sector_j, year_j) if j is not None}
    counts: dict[int, tuple[str, int | None]] = {}
    unknown: list[int] = []
    skipped: list[str] = []
    for j in range(width):
        if j in fixed:
            continue
        values = [cells[j] for _, cells in data_rows]
        if j in ignored and j not in user_counts:
            skipped.append(names[j])
            continue
        spec = _count_spec(texts[j], total_names, known_sectors)
        if j in user_counts or spec is not None:
            counts[j] = spec if spec is not None else _split_year(names[j])
            continue
        if all(is_blank(v) for v in values):
            continue
        if _is_code_name(texts[j]):
            notes.append(f"{file}: column {_col(names, j)} holds codes, not counts; ignored.")
            skipped.append(names[j])
            continue
        named = bool(names[j])
        if (not named or slug(names[j]) in ROW_NUMBER_NAMES or names[j].strip() == "#") and _row_numbers(values, named):
            numbers = [int(t) for t in (_text(v).rstrip(".") for v in values) if t.isdigit()]
            note = f"{file}: column {_col(names, j)} holds row numbers ({min(numbers)} to {max(numbers)}); ignored."
            notes.append(note)
            skipped.append(names[j] or column_letter(j))
            continue
        if any(_numberish(v) for v in values):
            unknown.append(j)
            continue
        notes.append(f"{file}: column {_col(names, j)} holds text, not counts; ignored.")
        skipped.append(names[j] or column_letter(j))
    if unknown:
        raise TableError(_unknown_columns_message(file, names, unknown, role))
    _name_user_sectors(counts, user_counts, known_sectors)

    # ---- layout
    long = sector_j is not None or year_j is not None
    if long:
        count_cols = [j for j in counts if j in user_counts] if user_counts else []
        if not count_cols:
            count_cols = [j for j in counts if {slug(t) for t in texts[j]} & set(count_aliases)]
        if len(count_cols) != 1 or len(counts) != 1:
            count_names = [names[j] for j in counts]
            declare = "" if reference else ", or name it in [data] count_columns"
            by = next(j for j in (sector_j, year_j) if j is not None)
            msg = (
                f"{file}: a table with a {names[by]!r} column must have"
                f" exactly one count column (one of {list(count_aliases)}{declare}); it has {count_names}."
            )
            raise TableError(msg)
    elif not counts and reference:
        msg = (
            f"{file}: no column of totals; a reference table has a jumlah column (next to a tahun column) or one"
            f" column per year (2022, 2023). The columns are {_listed(names)} (row {header.top + 1})."
        )
        raise TableError(msg)
    elif not counts:
        msg = (
            f"{file}: no count column. {_KNOWN_COUNTS} The columns are {_listed(names)} (header row"
            f" {header.top + 1}); name yours in [data] count_columns."
        )
        raise TableError(msg)
    _check_same_counts(counts, names, file)
    data_rows, headings = _drop_headings(data_rows, cell_texts, list(counts), code_j, name_j)
    if not long:
        data_rows, named_totals = _named_totals(data_rows, list(counts), name_j)
        totals += named_totals
    if not data_rows:
        msg = f"{file}: the table has no {unit} rows below its header (row {header.top + 1})."
        raise TableError(msg)
    if headings:
        listed = ", ".join(f"{n} ({t[:60]!r})" for n, t in headings)
        what = "row" if len(headings) == 1 else "rows"
        notes.append(f"{file}: {what} {listed}: heading inside the table (no {unit}, no counts); skipped.")

    # ---- cells
    problems: list[str] = []
    columns = ["row", "kolom", "kode_in", "nama_in", "kab_in", "sektor", "tahun", "jumlah"]
    records: dict[str, list[object]] = {c: [] for c in columns}  # one list per column, a record per cell
    year_values = _years(data_rows, cell_texts, year_j, names, problems) if year_j is not None else None
    allowed_sectors = {sector_key(s) for s in sectors}

    for k, (number, cells) in enumerate(data_rows):
        row_texts = cell_texts[number - 1]
        ident = (
            row_texts[code_j] if code_j is not None else "",
            row_texts[name_j] if name_j is not None else "",
            row_texts[kab_j] if kab_j is not None else "",
        )
        if long:
            (j,) = counts
            sector = TOTAL_SECTOR
            if sector_j is not None:
                typed = row_texts[sector_j]
                sector = _sector_name(typed)
                if not typed:
                    problems.append(f"row {number}, column {names[sector_j]!r}: the sector is empty")
                    continue
                if allowed_sectors and sector != TOTAL_SECTOR and sector_key(typed) not in allowed_sectors:
                    problems.append(
                        f"row {number}, column {names[sector_j]!r}: {typed!r} is not one of [data] sectors"
                        f" {list(sectors)}"
                    )
                    continue
            year = year_values[k] if year_values is not None else None
            cells_specs = [(j, sector, year)]
        else:
            cells_specs = [(j, s, y) for j, (s, y) in counts.items()]
        for j, sector, year in cells_specs:
            value, reason = parse_count(cells[j])
            if reason:
                problems.append(f"row {number}, column {_col(names, j)}: {reason}")
                continue
            for column, item in zip(
                columns, (number, names[j], *ident, sector, year, pd.NA if value is None else value), strict=True
            ):
                records[column].append(item)
    if problems:
        listed = "\n  ".join(problems)
        msg = f"{file}: {len(problems)} bad count cell(s); fix them in the file and run again:\n  {listed}"
        raise TableError(msg)
    data = pd.DataFrame(records, columns=columns)
    data["tahun"] = pd.array(data["tahun"], dtype="Int64")
    data["jumlah"] = pd.array(data["jumlah"], dtype="Int64")
    _check_totals(data, file)

    if totals:
        notes.append(_totals_note(file, totals, data_rows, counts, names, long, unit))
    if footnotes:
        listed = "; ".join(f"row {n} ({t[:60]!r})" for n, t in footnotes)
        notes.append(f"{file}: notes below the table skipped: {listed}.")
    illustrative = any(
        "ilustrasi" in _text(cells[j]).lower() or "illustrative" in _text(cells[j]).lower()
        for j in note_cols
        for _, cells in data_rows
    )
    return CountTable(
        data=data,
        source=file,
        sha256=file_sha256(file),
        layout="long" if long or (len(counts) == 1 and next(iter(counts.values())) == (TOTAL_SECTOR, None)) else "wide",
        key="kode" if code_j is not None else "nama",
        illustrative=illustrative,
        header_row=header.top + 1,
        notes=tuple(notes),
        ignored_columns=tuple(skipped),
    )


def read_reference_table(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read reference sector totals (e.g. the province's) for the location quotient and shift-share.

    The table has one row per sector, named in a ``sektor`` column, and either a ``tahun`` and a
    ``jumlah`` column (one row per sector and year) or one column per year (``2022``, ``2023``,
    ``Jumlah 2023``). It is read by :func:`read_count_table`, so the same rules hold: ``1.234`` is
    1234; a decimal, negative or text cell stops the run with its row and column; total rows
    (``Jumlah``, ``Total``) are left out and reported; title rows and notes below the table are
    skipped; a further column holding numbers stops the run. A reference total cannot be unknown:
    a blank cell, a row without a year, an empty sector name and a sector given twice for a year
    stop the run with their rows.

    Returns
    -------
    DataFrame
        Columns ``sektor`` (named as in count tables: ``Makanan Minuman`` -> ``makanan_minuman``),
        ``tahun`` and ``jumlah`` (integers), in the order of the table.

    Raises
    ------
    TableError
        Any of the faults above; every bad row is listed.
    """
    with no_gc_pauses():
        table = _read_count_table(
            Path(path),
            sheet=sheet,
            code_column=None,
            name_column=None,
            kab_column=None,
            count_aliases=TOTAL_NAMES,
            count_columns=(),
            sectors=(),
            ignore_columns=(),
            header_row=None,
            role="reference",
        )
    for note in table.notes:
        _warn(note)
    data = table.data
    if data["tahun"].isna().any():  # the reader has refused a table where only some rows have a year
        msg = (
            f"{table.source}: the reference table has no year; give it a tahun column (one row per sector and"
            " year), or one column per year (2022, 2023)."
        )
        raise TableError(msg)
    problems = []
    columns = (data[c].to_numpy(dtype=object) for c in ("row", "kolom", "nama_in", "jumlah"))
    for row, kolom, name, value in zip(*columns, strict=True):
        if not name:
            problems.append(f"row {row}: the sector is empty; name the sector of this row")
        elif value is pd.NA:
            problems.append(
                f"row {row}, column {kolom!r}: the total of sector {name!r} is blank; a reference total cannot be"
                " 'no data': fill it in (0 if the reference region has no UMKM in that sector)"
            )
    out = pd.DataFrame(
        {
            "sektor": [_sector_name(n) for n in data["nama_in"].to_numpy(dtype=object)],
            "tahun": data["tahun"],
            "jumlah": data["jumlah"],
        }
    )
    repeated = out[out.duplicated(["sektor", "tahun"], keep=False) & (out["sektor"] != "").to_numpy()]
    for (sector, year), rows in repeated.groupby(["sektor", "tahun"], sort=False).groups.items():
        listed = ", ".join(str(r) for r in data.loc[rows, "row"])
        problems.append(f"rows {listed}: the total of sector {sector} for {year} is given more than once; keep one")
    if problems:
        listed = "\n  ".join(problems)
        msg = f"{table.source}: {len(problems)} problem(s) in the reference table; fix them and run again:\n  {listed}"
        raise TableError(msg)
    return out.astype({"tahun": "int64", "jumlah": "int64"})


def unit_counts(table: CountTable, *, what: str) -> pd.DataFrame:
    """The counts of a table used without a study area, one row per kecamatan, sector and year.

    For the commands that work on a count table alone (``umkm-geo regional``, ``survey-plan``):
    the kecamatan are the table's own, named by their code as typed (or by their name, in a table
    without a code column). Nothing is filled in or counted twice: a blank cell, a sector or year
    missing for a kecamatan that the table has for others, and a kecamatan, sector and year given
    twice stop the run with their rows and columns; a total next to sector counts (checked against
    them by :func:`read_count_table`) is left out.

    Parameters
    ----------
    table
        The table, from :func:`read_count_table`.
    what
        What needs the counts, for the messages (e.g. ``"the location quotient"``).

    Returns
    -------
    DataFrame
        Columns ``kode``, ``sektor``, ``tahun`` (nullable integer) and ``jumlah`` (integer), in the
        order of the table.

    Raises
    ------
    TableError
        Any of the faults above; every bad cell or kecamatan is listed.
    """
    data = table.data
    file = table.source
    unit = data["kode_in"] if table.key == "kode" else data["nama_in"]
    frame = pd.DataFrame({"kode": unit, "sektor": data["sektor"], "tahun": data["tahun"], "jumlah": data["jumlah"]})
    blank = data[data["jumlah"].isna()]
    if len(blank):
        cells = "; ".join(f"row {r}, column {k!r}" for r, k in zip(blank["row"], blank["kolom"], strict=True))
        msg = (
            f"{file}: {len(blank)} blank cell(s): {cells}. A blank cell is 'no data', not 0, and {what} needs every"
            " count: fill them in (0 where there are none), or leave those kecamatan out of the table."
        )
        raise TableError(msg)
    if set(frame["sektor"]) - {TOTAL_SECTOR}:
        frame = frame[(frame["sektor"] != TOTAL_SECTOR).to_numpy()]  # checked against the sectors by the reader
    keys = ["kode", "sektor", "tahun"]
    repeated = frame[frame.duplicated(keys, keep=False)]
    if len(repeated):
        listed = []
        for (kode, sektor, tahun), rows in repeated.groupby(keys, sort=False, dropna=False).groups.items():
            year = "" if pd.isna(tahun) else f", tahun {tahun}"
            listed.append(f"{kode!r}, sektor {sektor}{year} in rows {', '.join(str(r) for r in data.loc[rows, 'row'])}")
        msg = (
            f"{file}: a kecamatan, sector and year appear more than once: {'; '.join(listed)}. Keep one row for each"
            " (add them up first if they are parts)."
        )
        raise TableError(msg)
    keyed = [
        (k, s, -1 if t is pd.NA else t)
        for k, s, t in zip(*(frame[c].to_numpy(dtype=object) for c in keys), strict=True)
    ]
    expected = list(dict.fromkeys((s, t) for _, s, t in keyed))
    have: dict[object, set[tuple[object, object]]] = {}
    for kode, sektor, tahun in keyed:
        have.setdefault(kode, set()).add((sektor, tahun))
    lacking = []
    for kode, pairs in have.items():
        gaps = [f"{s}{'' if t == -1 else f' {t}'}" for s, t in expected if (s, t) not in pairs]
        if gaps:
            lacking.append(f"{kode!r} has no count for {', '.join(gaps)}")
    if lacking:
        msg = (
            f"{file}: {what} needs a count for every sector and year of every kecamatan: {'; '.join(lacking)}."
            " Add them (0 where there are none), or leave those kecamatan out of the table."
        )
        raise TableError(msg)
    frame = frame.reset_index(drop=True)
    frame["jumlah"] = frame["jumlah"].astype("int64")
    return frame


# ------------------------------------------------------------------------------------- messages


def _empty_message(file: Path, grid) -> str:
    if grid.sheet is None:
        return f"{file}: the file is empty (it holds no cells); save the table again and check that it holds the data."
    others = [s for s in sheets_with_data(file) if s != grid.sheet]
    if others:
        return (
            f"{file}: sheet {grid.sheet!r} is empty; the data are on another sheet. The workbook's sheets are"
            f' {list(grid.sheets)} (with data: {others}); set [data] sheet = "{others[0]}".'
        )
    return f"{file}: the file is empty (every sheet of the workbook is empty: {list(grid.sheets)})."


def _no_kecamatan_message(file: Path, grid, header: _Header, names: list[str]) -> str:
    msg = (
        f"{file}: no kecamatan column; name one of {list(CODE_ALIASES)} (codes) or {list(NAME_ALIASES)} (names),"
        f" or give it with [data] code_column / name_column. The columns are {_listed(names)}"
        f" (row {header.top + 1})."
    )
    if len(grid.sheets) > 1:
        msg += f" The workbook's sheets are {list(grid.sheets)}; is the table on another one? Set [data] sheet."
    return msg


def _unknown_columns_message(file: Path, names: list[str], unknown: list[int], role: str) -> str:
    labels = [_col(names, j) for j in unknown]
    listed = ", ".join(f'"{names[j]}"' for j in unknown if names[j])
    if role == "reference":
        return (
            f"{file}: {'column' if len(unknown) == 1 else 'columns'} {', '.join(labels)}"
            f" {'holds' if len(unknown) == 1 else 'hold'} numbers but the reference table is read from its"
            " jumlah column (next to a tahun column) or its year columns (2022, 2023) only; remove the other"
            " columns from the reference table."
        )
    if role == "population":
        return (
            f"{file}: {'column' if len(unknown) == 1 else 'columns'} {', '.join(labels)}"
            f" {'holds' if len(unknown) == 1 else 'hold'} numbers but the"
            " population table is read from its penduduk column only; remove the other columns from the"
            " population table (or name the population column penduduk)."
        )
    if len(unknown) == 1:
        declare = f"[data] count_columns = [{listed}]" if listed else "[data] count_columns (give the column a name)"
        return (
            f"{file}: column {labels[0]} holds numbers but is not a count column umkm_geo knows. If it holds UMKM"
            f" counts, name it in {declare}; otherwise remove it or list it in [data] ignore_columns. {_KNOWN_COUNTS}"
        )
    declare = f"[data] count_columns = [{listed}]" if listed else "[data] count_columns"
    return (
        f"{file}: columns {', '.join(labels)} hold numbers but are not count columns umkm_geo knows. If they hold"
        f" UMKM counts, name them in {declare}; otherwise remove them or list them in [data] ignore_columns."
        f" {_KNOWN_COUNTS}"
    )


def _header_note(file: Path, rows: list[list[object]], header: _Header) -> str | None:
    top = header.top
    two = header.sub is not None
    if top == 0 and not two and not header.skipped:
        return None
    where = f"rows {top + 1}-{top + 2} (a two-row header)" if two else f"row {top + 1}"
    note = f"{file}: the column names are in {where}"
    if header.given:
        note += " (as set by [data] header_row)"
    if two:
        note += f": {[n for n in header.names if n]}"
    if top > 0:
        title = next((_text(v) for r in rows[:top] for v in r if not is_blank(v)), "")
        if title.lower().startswith("sep=") and len(title) <= 5:
            title = "sep= line of Excel"
        skipped = "row 1" if top == 1 else f"rows 1-{top}"
        note += f"; {skipped} above {'it' if not two else 'them'} (title: {title[:80]!r}) skipped"
    for row, what in header.skipped:
        note += f"; row {row + 1} {what}"
    return note + "."


#: Words of the English row under an Indonesian header (BPS bilingual tables).
_ENGLISH_IDS = ("subdistrict", "sub_district", "district", "code", "regency_municipality", "name")


def _is_english_row(row: list[object], id_cols: list[int]) -> bool:
    """A row under the header translating it (``Subdistrict``, ``Micro``, ``Total``): no numbers."""
    if not id_cols or any(_numberish(v) for v in row):
        return False
    ids = [slug(_text(row[j])) for j in id_cols if j < len(row)]
    return any(ids) and all(i in _ENGLISH_IDS for i in ids if i)


def _is_numbering_row(row: list[object]) -> bool:
    cells = [_text(v) for v in row if not is_blank(v)]
    return len(cells) >= 2 and all(_COLUMN_NUMBER.match(t) for t in cells)


def _totals_note(
    file: Path,
    totals: list[tuple[int, str, list[object]]],
    data_rows: list[tuple[int, list[object]]],
    counts: dict[int, tuple[str, int | None]],
    names: list[str],
    long: bool,
    unit: str = "kecamatan",
) -> str:
    listed = ", ".join(f"{n} ({shown})" for n, shown, _ in totals)
    word = "row" if len(totals) == 1 else "rows"
    what = "is a total row" if len(totals) == 1 else "are total rows"
    note = f"{file}: {word} {listed} {what}, not {'a sector' if unit == 'sector' else unit}: left out"
    if len(totals) != 1 or long:
        return note + "."
    _, _, cells = totals[0]
    agree: list[tuple[str, int, int]] = []
    differ: list[tuple[str, int, int]] = []
    for j in counts:
        total, _ = parse_count(cells[j])
        parts = [parse_count(c[j])[0] for _, c in data_rows]
        known = [v for v in parts if v is not None]
        if total is None or len(known) < len(parts):
            continue
        summed = sum(known)
        (agree if summed == total else differ).append((names[j], total, summed))
    if differ:
        detail = "; ".join(f"{n!r}: {t} in the total row, {s} in the {unit} rows" for n, t, s in differ)
        return note + f"; it does not equal the sum of the {unit} rows ({detail}): check the table."
    if agree:
        return note + f"; it equals the sum of the {len(data_rows)} {unit} rows."
    return note + "."


def _check_duplicate_names(names: list[str], file: Path) -> None:
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        if not name:
            continue
        key = " ".join(name.lower().split())
        if key in seen:
            first = seen[key]
            msg = (
                f"{file}: two columns are named {name!r} (columns {column_letter(first)} and {column_letter(j)});"
                " rename or remove one."
            )
            raise TableError(msg)
        seen[key] = j


def _resolve(wanted: Sequence[str], names: list[str], file: Path, key: str) -> set[int]:
    out = set()
    for item in wanted:
        hits = [j for j, n in enumerate(names) if n == item.strip()] or [
            j for j, n in enumerate(names) if n and slug(n) == slug(item)
        ]
        if not hits:
            msg = (
                f"{file}: column {item!r} named in [data] {key} is not in the table; the columns are {_listed(names)}."
            )
            raise TableError(msg)
        out.update(hits)
    return out


def _name_user_sectors(counts: dict[int, tuple[str, int | None]], user: set[int], known: set[str]) -> None:
    """A column named only in count_columns is the total when it is the only kind of count, else its sector."""
    mine = [j for j in user if counts[j][0] != TOTAL_SECTOR and sector_key(counts[j][0]) not in known]
    others = [j for j in counts if j not in mine and counts[j][0] != TOTAL_SECTOR]
    stems = {counts[j][0] for j in mine}
    if mine and len(stems) == 1 and not others and not any(counts[j][0] == TOTAL_SECTOR for j in counts):
        for j in mine:
            counts[j] = (TOTAL_SECTOR, counts[j][1])


def _check_same_counts(counts: dict[int, tuple[str, int | None]], names: list[str], file: Path) -> None:
    seen: dict[tuple[str, int | None], int] = {}
    for j, spec in counts.items():
        if spec in seen:
            sector, year = spec
            what = "UMKM total" if sector == TOTAL_SECTOR else f"count of sector {sector}"
            what += f" of {year}" if year is not None else ""
            msg = (
                f"{file}: columns {_col(names, seen[spec])} and {_col(names, j)} both hold the {what}; keep one,"
                " or list the other in [data] ignore_columns."
            )
            raise TableError(msg)
        seen[spec] = j


def _refuse_desa_or_business(
    file: Path,
    names: list[str],
    texts: list[list[str]],
    body: list[tuple[int, list[object]]],
    cell_texts: list[tuple[str, ...]],
    code_j: int | None,
    name_j: int | None,
    declared: bool,
) -> None:
    rows = [cell_texts[number - 1] for number, _ in body]  # the cells' texts; blank is ""
    for j, cands in enumerate(texts):
        if j in (code_j, name_j) or not {slug(t) for t in cands} & set(DESA_ALIASES):
            continue
        values = [c[j] for c in rows if c[j]]
        if values and sum(not _numberish(v) or _is_desa_code(v) for v in values) > len(values) / 2:
            repeat = ""
            if name_j is not None:
                kec = [c[name_j] for c in rows if c[name_j]]
                if len(set(kec)) < len(kec):
                    repeat = f", and kecamatan repeat over rows ({len(set(kec))} kecamatan in {len(kec)} rows)"
            msg = (
                f"{file}: this is a desa-level table (one row per desa/kelurahan): column {names[j]!r} names"
                f" {len(set(values))} desa/kelurahan{repeat}. umkm_geo analyses kecamatan for now (desa as a unit of"
                " analysis comes in a later version): add the desa rows up into one row per kecamatan (e.g. with a"
                " pivot table) and give that table."
            )
            raise TableError(msg)
    if code_j is not None:
        codes = [_kode(c[code_j]) for c in rows if c[code_j]]
        desa = [c for c in codes if c is not None and code_level(c) == 4]
        if codes and len(desa) > len(codes) / 2:
            msg = (
                f"{file}: this is a desa-level table (one row per desa/kelurahan): {len(desa)} of the"
                f" {len(codes)} codes in column {names[code_j]!r} are desa/kelurahan codes (e.g. {desa[0]})."
                " umkm_geo analyses kecamatan for now (desa as a unit of analysis comes in a later version): add"
                " the desa rows up into one row per kecamatan (e.g. with a pivot table) and give that table."
            )
            raise TableError(msg)
    business = [j for j, cands in enumerate(texts) if {slug(t) for t in cands} & set(BUSINESS_ALIASES)]
    has_count = any(
        {slug(t) for t in cands} & set(TOTAL_NAMES) or _count_spec(cands, TOTAL_NAMES, set(SECTORS)) for cands in texts
    )
    if business and not has_count and not declared:
        msg = (
            f"{file}: this is a list of businesses (one row per UMKM: column {names[business[0]]!r}), not counts"
            " per kecamatan. Count the rows per kecamatan (e.g. with a pivot table) into a jumlah_umkm column"
            " and give that table."
        )
        raise TableError(msg)


_HEADING = re.compile(r"^\W*(?:[a-z0-9]{1,3}[.)]\s*)?(?:kabupaten|kab\.?|kota|provinsi|prov\.?)\s", re.I)


def _named_totals(
    data_rows: list[tuple[int, list[object]]], count_cols: list[int], name_j: int | None
) -> tuple[list[tuple[int, list[object]]], list[tuple[int, str, list[object]]]]:
    """Total rows named after a kab/kota or province ("Kota Blitar", as BPS ends its tables).

    Only a row that equals the sum of the kecamatan rows above it (since the previous such row) in
    every count column is one; any other stays and the join reports it.
    """
    if name_j is None:
        return data_rows, []
    kept: list[tuple[int, list[object]]] = []
    found: list[tuple[int, str, list[object]]] = []
    section: list[list[object]] = []
    for number, cells in data_rows:
        name = _text(cells[name_j])
        if (
            section
            and _HEADING.match(name + " ")
            and all(_sums_to(cells[j], [c[j] for c in section]) for j in count_cols)
        ):
            found.append((number, f"{name!r}, the sum of the kecamatan rows above it", cells))
            section = []
            continue
        kept.append((number, cells))
        section.append(cells)
    return kept, found


def _sums_to(total: object, parts: list[object]) -> bool:
    value, _ = parse_count(total)
    values = [v for v in (parse_count(p)[0] for p in parts) if v is not None]
    return value is not None and len(values) == len(parts) and sum(values) == value


def _drop_headings(
    data_rows: list[tuple[int, list[object]]],
    cell_texts: list[tuple[str, ...]],
    count_cols: list[int],
    code_j: int | None,
    name_j: int | None,
) -> tuple[list[tuple[int, list[object]]], list[tuple[int, str]]]:
    """Rows that only label a part of the table ("KABUPATEN BLITAR", "A. Kota Blitar"): no counts and no kecamatan.

    A kecamatan row whose counts are all blank stays (the join reports it as "no data"); a heading
    row is one whose kecamatan cells are empty or name a kab/kota or province.
    """
    kept, headings = [], []
    for number, cells in data_rows:
        row_texts = cell_texts[number - 1]
        if any([row_texts[j] for j in count_cols]):
            kept.append((number, cells))
            continue
        ids = [row_texts[j] for j in (code_j, name_j) if j is not None and row_texts[j]]
        label = next((text for text in row_texts if text), "")
        if not ids or all(_HEADING.match(t + " ") for t in ids):
            headings.append((number, label))
        else:
            kept.append((number, cells))
    return kept, headings


def _is_desa_code(text: str) -> bool:
    code = _kode(text)
    return code is not None and code_level(code) == 4


# --------------------------------------------------------------------------------------- checks


def _years(
    data_rows: list[tuple[int, list[object]]],
    cell_texts: list[tuple[str, ...]],
    j: int,
    names: list[str],
    problems: list[str],
) -> list[int | None]:
    out: list[int | None] = []
    read: dict[str, tuple[int | None, str]] = {}  # text -> (year, what is not a year); a long table repeats them
    for number, _ in data_rows:
        text = cell_texts[number - 1][j]
        if text not in read:
            shown = text[:-2] if text.endswith(".0") else text
            is_year = bool(_YEAR.match(shown))
            read[text] = (int(shown) if is_year else None, "" if is_year else shown)
        year, bad = read[text]
        out.append(year)
        if bad:
            problems.append(f"row {number}, column {names[j]!r}: {bad!r} is not a year")
    given = [y for y in out if y is not None]
    if given and len(given) != len(out):
        missing = [n for (n, _), y in zip(data_rows, out, strict=True) if y is None]
        problems.append(f"column {names[j]!r}: the year is empty in rows {missing}")
    return out


@functools.lru_cache(maxsize=1 << 16)
def _sector_name(text: str) -> str:
    name = slug(text)
    return TOTAL_SECTOR if name in TOTAL_NAMES else name


def _check_totals(data: pd.DataFrame, file: Path) -> None:
    """Where a table has both a total and sector counts, they must agree (blank cells are not checked)."""
    sectors = set(data["sektor"].unique())
    if TOTAL_SECTOR not in sectors or len(sectors) == 1:
        return
    keys = ["kode_in", "nama_in", "kab_in", "tahun"]
    filled = data.assign(tahun=data["tahun"].fillna(-1), blank=data["jumlah"].isna())
    is_total = filled["sektor"] == TOTAL_SECTOR
    totals = filled[is_total & ~filled["blank"]].groupby(keys)["jumlah"].sum()
    parts = filled[~is_total].groupby(keys).agg(sum=("jumlah", "sum"), blank=("blank", "any"))
    parts = parts[~parts["blank"]]
    both = pd.concat([totals.rename("total"), parts["sum"]], axis=1).dropna()
    bad = both[both["total"] != both["sum"]]
    if len(bad):
        listed = "; ".join(
            f"{k[0] or k[1]}{'' if k[3] == -1 else ' ' + str(k[3])}: total {int(r.total)} vs sectors {int(r['sum'])}"
            for k, r in bad.iterrows()
        )
        msg = f"{file}: the total column disagrees with the sum of the sector columns: {listed}."
        raise TableError(msg)
