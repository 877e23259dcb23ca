"""Reading UMKM count tables (CSV or XLSX, long or wide, keyed by code or by name).

Long layout: one row per kecamatan (× sector × year) with a count column (``jumlah_umkm``).
Wide layout: one row per kecamatan, one column per sector, per year (``2019``) or per sector and
year (``perdagangan_2019``). Kecamatan are identified by a code column (Kemendagri ``35.05.01`` or
BPS ``3505010``) or a name column, optionally with a kab/kota column to tell same-named kecamatan
apart. Counts must be non-negative whole numbers; every bad cell is reported by file, row and column.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from umkm_geo._errors import TableError
from umkm_geo.sources.registry import file_sha256

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
SECTOR_ALIASES = ("sektor", "sector")
YEAR_ALIASES = ("tahun", "year")
COUNT_ALIASES = ("jumlah_umkm", "jumlah", "umkm", "count", "n_umkm", "total")
TOTAL_SECTOR = "total"
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_SECTOR_YEAR = re.compile(r"^(.*?)[\s_:\-]+((?:19|20)\d{2})$")
_SLUG = re.compile(r"[^0-9a-z]+")


@dataclasses.dataclass(frozen=True)
class CountTable:
    """A validated table of counts in long form.

    Attributes
    ----------
    data
        Long DataFrame with columns ``row`` (row number in the file, header = 1), ``kode_in`` and
        ``nama_in`` (the identifiers as typed; one may be empty), ``kab_in``, ``sektor``, ``tahun``
        (nullable integer) and ``jumlah`` (int64).
    source
        File read.
    sha256
        Hash of the file read.
    layout
        ``"long"`` or ``"wide"``.
    key
        ``"kode"`` or ``"nama"``: how rows are matched to kecamatan.
    """

    data: pd.DataFrame
    source: Path
    sha256: str
    layout: str
    key: str
    illustrative: bool = False

    @property
    def sectors(self) -> tuple[str, ...]:
        """Sectors in the table, in first-seen order."""
        return tuple(dict.fromkeys(self.data["sektor"]))

    @property
    def years(self) -> tuple[int, ...]:
        """Years in the table, sorted (empty when the table has no year)."""
        return tuple(sorted(int(y) for y in self.data["tahun"].dropna().unique()))

    def record(self) -> dict[str, object]:
        """JSON-ready description for the run record."""
        return {
            "path": str(self.source),
            "sha256": self.sha256,
            "layout": self.layout,
            "key": self.key,
            "rows": len(self.data),
            "sectors": list(self.sectors),
            "years": list(self.years),
            "illustrative": self.illustrative,
        }


def slug(text: object) -> str:
    """Lower-case identifier for a column or sector name (``"Makanan-Minuman"`` -> ``makanan_minuman``)."""
    return _SLUG.sub("_", str(text).strip().lower()).strip("_")


def read_raw(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """Read a CSV (delimiter sniffed, cells as text) or an Excel sheet (empty cells as ``""``).

    Errors (unreadable sheet or CSV, unknown encoding, unsupported format) name the file.

    Shared by every table reader (UMKM counts, questionnaire answers, FFA factors, products).
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            raw = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=object)
        except ValueError as exc:
            msg = f"{path}: cannot read sheet {sheet!r}: {exc}"
            raise TableError(msg) from exc
        return raw.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else v)
    if suffix in (".csv", ".txt", ".tsv"):
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return pd.read_csv(
                    path,
                    dtype=str,
                    keep_default_na=False,
                    sep=None,
                    engine="python",
                    encoding=encoding,
                )
            except UnicodeDecodeError:
                continue
            except pd.errors.ParserError as exc:
                msg = f"{path}: not a readable CSV table ({exc})."
                raise TableError(msg) from exc
        msg = f"{path}: unknown text encoding; save it as UTF-8 CSV."
        raise TableError(msg)
    msg = f"{path}: unsupported table format {suffix!r}; use .csv or .xlsx."
    raise TableError(msg)


def _find(columns: dict[str, str], aliases: Sequence[str], override: str | None, path: Path) -> str | None:
    if override is not None:
        if override not in columns.values():
            msg = f"{path}: column {override!r} not found; the columns are {list(columns.values())}."
            raise TableError(msg)
        return override
    for alias in aliases:
        if alias in columns:
            return columns[alias]
    return None


def parse_count(value: object) -> tuple[int | None, str | None]:
    """Parse one count cell: ``(value, None)`` or ``(None, reason)``."""
    if isinstance(value, bool):
        return None, f"{value!r} is not a count"
    if isinstance(value, int | np.integer):
        return (int(value), None) if value >= 0 else (None, f"{value} is negative")
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None, "the cell is empty"
        if value < 0:
            return None, f"{value:g} is negative"
        if value != int(value):
            return None, f"{value:g} is not a whole number"
        return int(value), None
    text = str(value).strip()
    if text == "":
        return None, "the cell is empty (enter 0 if there are none)"
    if re.fullmatch(r"\d+", text):
        return int(text), None
    if re.fullmatch(r"-\s*\d+(?:[.,]\d+)?", text):
        return None, f"{text!r} is negative"
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return None, (
            f"{text!r} has a thousands separator; write the number without separators"
            f" ({text.replace('.', '').replace(',', '')})"
        )
    if re.fullmatch(r"\d+[.,]0+", text):
        return int(re.split(r"[.,]", text)[0]), None
    if re.fullmatch(r"\d*[.,]\d+", text):
        return None, f"{text!r} is not a whole number"
    return None, f"{text!r} is not a number"


def read_count_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    code_column: str | None = None,
    name_column: str | None = None,
    kab_column: str | None = None,
    count_aliases: Sequence[str] = COUNT_ALIASES,
) -> CountTable:
    """Read and validate a UMKM count table.

    Parameters
    ----------
    path
        CSV (any delimiter, UTF-8) or XLSX file.
    sheet
        XLSX sheet name or index (default: the first sheet).
    code_column, name_column, kab_column
        Column names to use; by default they are found among common names (``kode``,
        ``kecamatan``, ``kab_kota`` and variants).
    count_aliases
        Column names that hold the counts in the long layout.

    Raises
    ------
    TableError
        A column is missing, or a count cell is empty, negative or not a whole number (all bad
        cells are listed with their row and column).
    """
    file = Path(path)
    if not file.is_file():
        msg = f"Table {file} does not exist."
        raise TableError(msg)
    raw = read_raw(file, sheet)
    if raw.empty:
        msg = f"{file}: the table has no rows."
        raise TableError(msg)
    raw.columns = [str(c).strip() for c in raw.columns]
    columns = {slug(c): c for c in raw.columns}
    code_col = _find(columns, CODE_ALIASES, code_column, file)
    name_col = _find(columns, NAME_ALIASES, name_column, file)
    if code_col is None and name_col is None:
        msg = (
            f"{file}: no kecamatan column; name one of {list(CODE_ALIASES)} (codes) or"
            f" {list(NAME_ALIASES)} (names). The columns are {list(raw.columns)}."
        )
        raise TableError(msg)
    kab_col = _find(columns, KAB_ALIASES, kab_column, file)
    sector_col = _find(columns, SECTOR_ALIASES, None, file)
    year_col = _find(columns, YEAR_ALIASES, None, file)
    count_col = _find(columns, count_aliases, None, file)
    id_cols = [c for c in (code_col, name_col, kab_col) if c is not None]
    # Columns that only describe the row (never counts).
    meta_cols = set(id_cols) | {
        columns[a] for a in ("keterangan", "catatan", "note", "notes", "sumber", "source") if a in columns
    }

    rows = np.arange(len(raw)) + 2
    key = "kode" if code_col is not None else "nama"
    records: list[dict[str, object]] = []
    problems: list[str] = []

    def ident(i: int) -> dict[str, object]:
        return {
            "row": int(rows[i]),
            "kode_in": str(raw.iloc[i][code_col]).strip() if code_col else "",
            "nama_in": str(raw.iloc[i][name_col]).strip() if name_col else "",
            "kab_in": str(raw.iloc[i][kab_col]).strip() if kab_col else "",
        }

    blank = [i for i in range(len(raw)) if all(str(raw.iloc[i][c]).strip() == "" for c in raw.columns)]
    value_cols = [c for c in raw.columns if c not in meta_cols and c not in (sector_col, year_col)]
    if count_col is not None and value_cols == [count_col]:
        layout = "long"
        year_values = _years(raw, year_col, rows, file, problems) if year_col else [None] * len(raw)
        for i in range(len(raw)):
            if i in blank:
                continue
            value, reason = parse_count(raw.iloc[i][count_col])
            if reason:
                problems.append(f"row {rows[i]}, column {count_col!r}: {reason}")
                continue
            sector = slug(raw.iloc[i][sector_col]) if sector_col else TOTAL_SECTOR
            if sector_col and not sector:
                problems.append(f"row {rows[i]}, column {sector_col!r}: the sector is empty")
                continue
            records.append({**ident(i), "sektor": sector, "tahun": year_values[i], "jumlah": value})
    else:
        layout = "wide"
        if sector_col is not None or year_col is not None:
            msg = (
                f"{file}: a table with a {sector_col or year_col!r} column must have exactly one count"
                f" column (one of {list(count_aliases)}); it has {value_cols}."
            )
            raise TableError(msg)
        if not value_cols:
            msg = f"{file}: no count columns besides {id_cols}."
            raise TableError(msg)
        parsed_cols = {c: _sector_year(c) for c in value_cols}
        for i in range(len(raw)):
            if i in blank:
                continue
            for col, (sector, year) in parsed_cols.items():
                value, reason = parse_count(raw.iloc[i][col])
                if reason:
                    problems.append(f"row {rows[i]}, column {col!r}: {reason}")
                    continue
                records.append({**ident(i), "sektor": sector, "tahun": year, "jumlah": value})
    if problems:
        listed = "\n  ".join(problems)
        msg = f"{file}: {len(problems)} bad count cell(s):\n  {listed}"
        raise TableError(msg)
    data = pd.DataFrame.from_records(records)
    data["tahun"] = pd.array(data["tahun"], dtype="Int64")
    data["jumlah"] = data["jumlah"].astype("int64")
    _check_totals(data, file)
    notes = [c for c in meta_cols if c not in id_cols]
    illustrative = any("ilustrasi" in str(v).lower() or "illustrative" in str(v).lower() for c in notes for v in raw[c])
    return CountTable(
        data=data,
        source=file,
        sha256=file_sha256(file),
        layout=layout,
        key=key,
        illustrative=illustrative,
    )


def _years(raw: pd.DataFrame, col: str, rows: np.ndarray, file: Path, problems: list[str]) -> list[int | None]:
    out: list[int | None] = []
    for i, value in enumerate(raw[col]):
        text = str(value).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if _YEAR.match(text):
            out.append(int(text))
        elif text == "":
            out.append(None)
        else:
            problems.append(f"row {rows[i]}, column {col!r}: {value!r} is not a year")
            out.append(None)
    given = [y for y in out if y is not None]
    if given and len(given) != len(out):
        missing = [int(rows[i]) for i, y in enumerate(out) if y is None]
        problems.append(f"column {col!r}: the year is empty in rows {missing}")
    return out


def _sector_year(column: str) -> tuple[str, int | None]:
    text = column.strip()
    if _YEAR.match(text):
        return TOTAL_SECTOR, int(text)
    match = _SECTOR_YEAR.match(text)
    if match:
        return _sector_name(match.group(1)), int(match.group(2))
    return _sector_name(text), None


def _sector_name(text: str) -> str:
    name = slug(text)
    return TOTAL_SECTOR if name in ("total", "jumlah", "jumlah_umkm", "umkm") else name


def _check_totals(data: pd.DataFrame, file: Path) -> None:
    """Where a table has both a total and sector counts, they must agree."""
    sectors = set(data["sektor"])
    if TOTAL_SECTOR not in sectors or len(sectors) == 1:
        return
    keys = ["kode_in", "nama_in", "kab_in", "tahun"]
    filled = data.assign(tahun=data["tahun"].fillna(-1))
    totals = filled[filled["sektor"] == TOTAL_SECTOR].groupby(keys)["jumlah"].sum()
    parts = filled[filled["sektor"] != TOTAL_SECTOR].groupby(keys)["jumlah"].sum()
    both = pd.concat([totals.rename("total"), parts.rename("sum")], axis=1).dropna()
    bad = both[both["total"] != both["sum"]]
    if len(bad):
        listed = "; ".join(
            f"{k[0] or k[1]} {'' if k[3] == -1 else k[3]}: total {int(r.total)} vs sectors {int(r['sum'])}"
            for k, r in bad.iterrows()
        )
        msg = f"{file}: the total column disagrees with the sum of the sector columns: {listed}."
        raise TableError(msg)
