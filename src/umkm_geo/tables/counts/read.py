"""Reading a UMKM count table (:func:`read_count_table`) or a table of reference sector totals.

:class:`CountTable` is the validated table in long form, with what the reader recognised and did;
the rules are in :mod:`umkm_geo.tables.counts`.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from umkm_geo._errors import TableError
from umkm_geo._provenance import file_sha256
from umkm_geo.tables._read import no_gc_pauses, read_grid, sheets_with_data
from umkm_geo.tables.columns import (
    CODE_ALIASES,
    COUNT_ALIASES,
    DESA_CODE_ALIASES,
    DESA_NAME_ALIASES,
    KAB_ALIASES,
    KEC_ALIASES,
    NAME_ALIASES,
    ROW_NUMBER_NAMES,
    SECTOR_ALIASES,
    SECTORS,
    TOTAL_NAMES,
    TOTAL_SECTOR,
    YEAR_ALIASES,
    is_note_column,
    says_illustrative,
    sector_key,
    slug,
)
from umkm_geo.tables.counts._columns import (
    _KNOWN_COUNTS,
    _check_same_counts,
    _name_user_sectors,
    _refuse_desa_or_business,
    _sort_columns,
    _unknown_columns_message,
)
from umkm_geo.tables.counts._header import (
    _check_duplicate_names,
    _col,
    _find,
    _find_header,
    _header_note,
    _listed,
    _no_kecamatan_message,
    _resolve,
)
from umkm_geo.tables.counts._rows import (
    _check_totals,
    _drop_headings,
    _named_totals,
    _sector_name,
    _sort_rows,
    _totals_note,
    _years,
)
from umkm_geo.tables.counts.cells import _cell_texts, _text, parse_count


@dataclasses.dataclass(frozen=True)
class CountTable:
    """A validated table of counts in long form.

    Attributes
    ----------
    data
        Long DataFrame with columns ``row`` (row number in the file as a spreadsheet shows it),
        ``kolom`` (the column the count is in), ``kode_in`` and ``nama_in`` (the identifiers as
        typed; one may be empty), ``kab_in``, ``kec_in`` (the kecamatan of a desa-level table, else
        empty), ``sektor``, ``tahun`` (nullable integer) and
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
    level: str = "kecamatan",
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
        ``"reference"`` (sector totals, the sectors kept in ``nama_in``; see :func:`read_reference_table`).
    level
        ``"kecamatan"`` (a desa-level table stops) or ``"desa"`` (a desa code, or a name and ``kecamatan``).

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
            level=level,
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
    level: str = "kecamatan",
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
    desa = level == "desa" and not reference
    unit = "sector" if reference else ("desa/kelurahan" if desa else "kecamatan")
    overrides = list(SECTOR_ALIASES) if reference else [c for c in (code_column, name_column) if c]
    header = _find_header(rows, header_row, overrides, file)
    names, texts = header.names, header.texts
    notes: list[str] = []
    _check_duplicate_names(names, file)
    start = max(header.used) + 1
    body = [(i + 1, rows[i]) for i in range(start, len(rows))]

    cell_texts = _cell_texts(rows)
    if reference:
        code_j, kab_j, sector_j, kec_j = None, None, None, None
        name_j = _find(texts, names, SECTOR_ALIASES, None, file, "")
        if name_j is None:
            msg = (
                f"{file}: no sector column; a reference table has one row per sector, named in a column called one"
                f" of {list(SECTOR_ALIASES)}. The columns are {_listed(names)} (row {header.top + 1})."
            )
            raise TableError(msg)
    else:  # desa level: one row per desa/kelurahan; the kecamatan column tells desa of one name apart
        code_aliases, name_aliases = (DESA_CODE_ALIASES, DESA_NAME_ALIASES) if desa else (CODE_ALIASES, NAME_ALIASES)
        code_j = _find(texts, names, code_aliases, code_column, file, "code_column")
        name_j = _find(texts, names, name_aliases, name_column, file, "name_column")
        kab_j = _find(texts, names, KAB_ALIASES, kab_column, file, "kab_column")
        kec_j = _find(texts, names, KEC_ALIASES, None, file, "") if desa else None
        _refuse_desa_or_business(file, names, texts, body, cell_texts, code_j, name_j, bool(count_columns), desa)
        if code_j is None and name_j is None:
            raise TableError(_no_kecamatan_message(file, grid, header, names))
        sector_j = _find(texts, names, SECTOR_ALIASES, None, file, "")
    year_j = _find(texts, names, YEAR_ALIASES, None, file, "")
    id_cols = [j for j in (code_j, name_j, kab_j, kec_j) if j is not None]
    note_cols = [j for j, cands in enumerate(texts) if any(is_note_column(t) for t in cands)]
    note_cols = [j for j in note_cols if j not in id_cols]
    header_note = _header_note(file, rows, header)
    if header_note:
        notes.append(header_note)

    # ---- rows: blank, notes below the table, total and subtotal rows, data
    label_cols = set(id_cols) | {0} | {j for j, n in enumerate(names) if not n or slug(n) in ROW_NUMBER_NAMES}
    data_rows, totals, footnotes = _sort_rows(body, cell_texts, sorted(label_cols), code_j)
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
    counts, unknown, skipped = _sort_columns(
        data_rows, names, texts, fixed, ignored, user_counts, total_names, known_sectors, notes, file
    )
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
    columns = ["row", "kolom", "kode_in", "nama_in", "kab_in", "kec_in", "sektor", "tahun", "jumlah"]
    records: dict[str, list[object]] = {c: [] for c in columns}  # one list per column, a record per cell
    year_values = _years(data_rows, cell_texts, year_j, names, problems) if year_j is not None else None
    allowed_sectors = {sector_key(s) for s in sectors}

    for k, (number, cells) in enumerate(data_rows):
        row_texts = cell_texts[number - 1]
        ident = (
            row_texts[code_j] if code_j is not None else "",
            row_texts[name_j] if name_j is not None else "",
            row_texts[kab_j] if kab_j is not None else "",
            row_texts[kec_j] if kec_j is not None else "",
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
    illustrative = any(says_illustrative(_text(cells[j])) for j in note_cols for _, cells in data_rows)
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
