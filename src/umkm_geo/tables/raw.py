"""A small user table as a DataFrame of cells, its column names in the first row: :func:`read_raw`.

For the tables whose header is always their first row: questionnaire answers, FFA factors,
products. A count table, whose header may stand below title rows or span two rows, is read cell by
cell by :mod:`umkm_geo.tables.counts`. :func:`file_says_illustrative` reads a file's note columns.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from umkm_geo._errors import TableError
from umkm_geo.tables._read import (
    choose_sheet,
    decode_text,
    excel_book,
    file_kind,
    is_blank,
    sniff_delimiter,
)
from umkm_geo.tables.columns import table_says_illustrative


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


def file_says_illustrative(path: Path, sheet: str | int | None = None) -> bool:
    """Whether the table in ``path`` marks itself illustrative (a note column says so: ``table_says_illustrative``)."""
    return table_says_illustrative(read_raw(path, sheet))
