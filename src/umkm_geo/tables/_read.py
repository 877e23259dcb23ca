"""A table file as a grid of cells: CSV/TXT (any common encoding and delimiter), XLSX, XLS, ODS.

Row ``i`` of the grid is row ``i + 1`` of the file as a spreadsheet program shows it, so every
message can name the row the user sees. Nothing is interpreted here: finding the header and reading
counts is :mod:`umkm_geo.tables.counts`' job.

- Text files: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text" export, with or without
  BOM) or Windows-1252; the delimiter (``,`` ``;`` tab ``|``) is the one that splits the most lines
  into the same number of cells (title lines above the header do not fool it).
- Spreadsheets: read through ``python-calamine`` (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``); a sheet
  that does not exist, or an empty first sheet when the data are on another, lists the sheets.
- The content decides, not the name: a workbook saved as ``.csv`` is read as a workbook, a text file
  named ``.xls`` as text, and a web page named ``.xls`` (a common "export to Excel") is refused
  with what to do.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import gc
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from umkm_geo._errors import TableError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
DELIMITERS = (",", ";", "\t", "|")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclasses.dataclass(frozen=True)
class Grid:
    """Every cell of one sheet (or text file).

    Attributes
    ----------
    rows
        One list per row of the file, ``""`` for an empty cell; text cells are ``str``, spreadsheet
        numbers ``int``/``float``. Row ``i`` is row ``i + 1`` of the file.
    sheet
        The sheet read (``None`` for a text file).
    sheets
        Every sheet of the workbook (empty for a text file).
    """

    rows: list[list[object]]
    sheet: str | None = None
    sheets: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether no cell holds anything."""
        return not any(not is_blank(v) for row in self.rows for v in row)


def is_blank(value: object) -> bool:
    """Whether a cell is empty (``""``, whitespace, ``None`` or NaN)."""
    if type(value) is str:  # the common case first: every cell of a text file
        return not value.strip()  # str.strip removes the no-break space too
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, str):
        return value.replace("\u00a0", " ").strip() == ""
    return False


@contextlib.contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Keep Python's cyclic garbage collector from running inside the block (it runs again after it).

    Reading a table of tens of thousands of rows makes hundreds of thousands of short lists and
    tuples, none of them in a reference cycle; each time enough of them pile up, the collector
    would walk every object of the process (in a national run also the boundaries'). With the
    collector paused a national demo table is read in about half the time; nothing else changes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def file_kind(path: Path) -> str:
    """``"excel"`` or ``"text"`` from the file's first bytes (and its name where they do not tell).

    Raises
    ------
    TableError
        The file is empty, is a web page saved as a spreadsheet, or has an unsupported format.
    """
    size = path.stat().st_size
    if size == 0:
        msg = f"{path}: the file is empty (0 bytes); save the table again and check that it holds the data."
        raise TableError(msg)
    with path.open("rb") as fh:
        head = fh.read(2048)
    if head.startswith(_ZIP) or head.startswith(_OLE):
        return "excel"
    suffix = path.suffix.lower()
    probe = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").lower().replace(b"\x00", b"")
    if probe.startswith(b"<") and any(tag in probe for tag in (b"<html", b"<table", b"<!doctype", b"<?xml")):
        msg = (
            f"{path}: this file is a web page (HTML) saved with a {suffix or 'missing'} name, not a spreadsheet;"
            " open it in Excel or LibreOffice and save it as .xlsx or .csv, then give that file."
        )
        raise TableError(msg)
    if suffix in TEXT_SUFFIXES or suffix in EXCEL_SUFFIXES:
        # A text file named .xls is a common "export to Excel"; its content decides.
        return "text"
    msg = f"{path}: unsupported table format {suffix!r}; use .csv, .xlsx or .xls."
    raise TableError(msg)


def decode_text(path: Path) -> str:
    """The text of a file in UTF-8 (BOM or not), UTF-16 (BOM or not) or Windows-1252."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif data[:4000].count(b"\x00") > len(data[:4000]) // 4:
        sample = data[:4000]
        odd = sample[1::2].count(b"\x00")
        even = sample[0::2].count(b"\x00")
        encodings = ["utf-16-le" if odd >= even else "utf-16-be"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    msg = f"{path}: unknown text encoding; save the table as 'CSV UTF-8' (or as .xlsx) and give that file."
    raise TableError(msg)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the same number (>= 2) of cells."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    first = lines[0].strip().lower() if lines else ""
    if first.startswith("sep=") and len(first) == 5:  # Excel's hint line
        return lines[0].strip()[4]
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        widths = [len(r) for r in csv.reader(lines, delimiter=delim)]
        common = Counter(w for w in widths if w >= 2).most_common(1)
        if not common:
            continue
        width, freq = common[0]
        score = (freq, width)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_text_grid(path: Path) -> Grid:
    """Every row of a delimited text file (cells as text)."""
    text = decode_text(path)
    if not text.strip():
        msg = f"{path}: the file is empty (it holds no cells); save the table again and check that it holds the data."
        raise TableError(msg)
    delim = sniff_delimiter(text)
    try:
        # each row a list of str; the grid's rows are read, never written, so they serve as rows of cells
        rows = cast(list[list[object]], list(csv.reader(io.StringIO(text, newline=""), delimiter=delim)))
    except csv.Error as exc:
        msg = f"{path}: not a readable CSV table ({exc}); save it again as 'CSV UTF-8' or as .xlsx."
        raise TableError(msg) from exc
    return Grid(rows=rows)


def excel_book(path: Path) -> pd.ExcelFile:
    """Open a workbook with python-calamine (xlsx, xlsm, xls, ods)."""
    try:
        return pd.ExcelFile(path, engine="calamine")
    except ImportError as exc:  # pragma: no cover - python-calamine is a dependency
        msg = f"{path}: reading spreadsheets needs python-calamine (pip install python-calamine)."
        raise TableError(msg) from exc
    except Exception as exc:
        msg = f"{path}: cannot be read as a spreadsheet ({exc}); open it in Excel or LibreOffice and save it again."
        raise TableError(msg) from exc


def choose_sheet(path: Path, names: list[str], sheet: str | int | None) -> str:
    """The sheet to read; an unknown name or index lists the sheets."""
    if not names:
        msg = f"{path}: the workbook has no sheets."
        raise TableError(msg)
    if sheet is None:
        return names[0]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return names[sheet]
        msg = f"{path}: there is no sheet number {sheet}; the workbook's sheets are {names}."
        raise TableError(msg)
    if str(sheet) in names:
        return str(sheet)
    folded = {n.strip().lower(): n for n in names}
    if str(sheet).strip().lower() in folded:
        return folded[str(sheet).strip().lower()]
    msg = f"{path}: there is no sheet {sheet!r}; the workbook's sheets are {names}. Set [data] sheet to one of them."
    raise TableError(msg)


def read_excel_grid(path: Path, sheet: str | int | None) -> Grid:
    """Every row of one sheet (cells as the workbook stores them, ``""`` when empty)."""
    book = excel_book(path)
    with book:
        names = [str(n) for n in book.sheet_names]
        chosen = choose_sheet(path, names, sheet)
        try:
            frame = pd.read_excel(book, sheet_name=chosen, header=None, dtype=object)
        except Exception as exc:
            msg = f"{path}: cannot read sheet {chosen!r} ({exc}); open it in Excel or LibreOffice and save it again."
            raise TableError(msg) from exc
    rows = [["" if is_blank(v) else v for v in row] for row in frame.itertuples(index=False, name=None)]
    return Grid(rows=rows, sheet=chosen, sheets=tuple(names))


def sheets_with_data(path: Path) -> list[str]:
    """The sheets of a workbook that hold at least one cell (read only when a message needs them)."""
    out = []
    with excel_book(path) as book:
        for name in book.sheet_names:
            try:
                frame = pd.read_excel(book, sheet_name=name, header=None, dtype=object)
            except Exception:
                continue
            if frame.size and not frame.map(is_blank).all().all():
                out.append(str(name))
    return out


def read_grid(path: Path, sheet: str | int | None = None) -> Grid:
    """Read a CSV/TXT or spreadsheet file into a :class:`Grid` (see the module notes)."""
    if file_kind(path) == "excel":
        return read_excel_grid(path, sheet)
    return read_text_grid(path)
