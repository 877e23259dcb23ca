"""The rows of a count table that are not kecamatan: totals, headings and notes; and the totals checks.

Total and subtotal rows (``Jumlah``, ``Total``, a kab/kota named as BPS ends its tables) are left out
and reported with whether they equal the kecamatan rows; headings inside the table and notes below
it are skipped. A total column must equal the sum of the sector columns.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd

from umkm_geo._errors import TableError
from umkm_geo.sources.codes import code_level
from umkm_geo.tables.columns import TOTAL_NAMES, TOTAL_SECTOR, slug
from umkm_geo.tables.counts.cells import _YEAR, _kode, _text, parse_count

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


@functools.lru_cache(maxsize=1 << 16)
def _is_total_label(text: str) -> bool:
    key = re.sub(r"[^a-z]", "", text.lower())
    return key in _TOTAL_LABELS or (len(key) > 5 and key.startswith(("jumlah", "total", "subtotal")))


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


def _sort_rows(
    body: list[tuple[int, list[object]]],
    cell_texts: list[tuple[str, ...]],
    label_order: list[int],
    code_j: int | None,
) -> tuple[list[tuple[int, list[object]]], list[tuple[int, str, list[object]]], list[tuple[int, str]]]:
    """The rows below the header as data rows, total rows and notes below the table; blank rows are dropped.

    A total row has a total label (``Jumlah``, ``Total``) in one of the ``label_order`` columns, or
    a province or kab/kota code in the code column.
    """
    data_rows: list[tuple[int, list[object]]] = []
    totals: list[tuple[int, str, list[object]]] = []
    footnotes: list[tuple[int, str]] = []
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
    return data_rows, totals, footnotes
