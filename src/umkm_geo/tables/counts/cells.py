"""What one cell of a count table holds: a count, "no data", or a reason it is neither.

:func:`parse_count` holds the number rules (``1.234`` and ``1,234`` are 1234; a blank cell, ``...``
or ``n/a`` is no data, never 0; a decimal, negative, date or text cell is refused with why), and the
helpers give a cell's text (:func:`_text`, :func:`_cell_texts`) and whether it looks like a number.
"""

from __future__ import annotations

import datetime
import functools
import re

import numpy as np
import pandas as pd

from umkm_geo.sources.codes import code_level, normalise_code
from umkm_geo.tables._read import (
    is_blank,
)

#: Cell texts that mean "no data" like a blank cell (BPS writes ``...`` for "not available").
NO_DATA = ("", "...", "…", "na", "n/a", "n.a", "n.a.", "nan")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")

_DASHES = ("-", "–", "—", "--")
_NUMBERISH = re.compile(r"^[+\-(]?\s*[\d.,\s]*\d[\d.,\s]*\)?\s*%?$")


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


def _numberish(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | float | np.integer | np.floating):
        return not is_blank(value)
    text = _text(value)
    return bool(text) and text not in _DASHES and bool(_NUMBERISH.match(text))


def _is_desa_code(text: str) -> bool:
    code = _kode(text)
    return code is not None and code_level(code) == 4
