"""Which columns of a count table are counts (of which sector and year), and which are not.

A documented count column (a total, a year, a sector, ``<sector>_<year>``) is read; a row-number,
code or text column is left out with a note; a desa-level table or a list of businesses is refused
with what to do.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from umkm_geo._errors import TableError
from umkm_geo.sources.codes import code_level
from umkm_geo.tables._read import is_blank
from umkm_geo.tables.columns import (
    BUSINESS_ALIASES,
    DESA_ALIASES,
    ROW_NUMBER_NAMES,
    SECTORS,
    TOTAL_NAMES,
    TOTAL_SECTOR,
    column_letter,
    sector_key,
    slug,
)
from umkm_geo.tables.counts._header import _col
from umkm_geo.tables.counts.cells import _YEAR, _is_desa_code, _kode, _numberish, _text

#: Words that, before a year, name the year's total (``Tahun 2023``).
_YEAR_STEMS = ("tahun", "thn", "th", "year")

_SLUG_YEAR = re.compile(r"^(.+?)_((?:19|20)\d{2})$")
_YEAR_SLUG = re.compile(r"^((?:19|20)\d{2})_(.+)$")

_KNOWN_COUNTS = (
    "umkm_geo counts jumlah_umkm (or jumlah, total), a year (2023), a sector (perdagangan, jasa, ...;"
    " the list is in the README) and <sector>_<year> (perdagangan_2023)."
)


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


#: What to do with a desa-level table where kecamatan rows were expected.
_DESA_ADVICE = (
    'For a kecamatan or kab/kota study set [data] table_level = "desa" (umkm-geo sums each unit\'s desa'
    " counts), or add the desa rows up into one row per kecamatan yourself (e.g. with a pivot table);"
    ' for a desa-level study set [study] level = "desa" (or umkm-geo maps --level desa).'
)


def _refuse_desa_or_business(
    file: Path,
    names: list[str],
    texts: list[list[str]],
    body: list[tuple[int, list[object]]],
    cell_texts: list[tuple[str, ...]],
    code_j: int | None,
    name_j: int | None,
    declared: bool,
    desa_level: bool = False,
) -> None:
    rows = [cell_texts[number - 1] for number, _ in body]  # the cells' texts; blank is ""
    for j, cands in enumerate(texts):
        if desa_level:  # a desa-level study reads desa-level tables; only a list of businesses is refused
            break
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
                f" {len(set(values))} desa/kelurahan{repeat}. {_DESA_ADVICE}"
            )
            raise TableError(msg)
    if code_j is not None and not desa_level:
        codes = [_kode(c[code_j]) for c in rows if c[code_j]]
        desa = [c for c in codes if c is not None and code_level(c) == 4]
        if codes and len(desa) > len(codes) / 2:
            msg = (
                f"{file}: this is a desa-level table (one row per desa/kelurahan): {len(desa)} of the"
                f" {len(codes)} codes in column {names[code_j]!r} are desa/kelurahan codes (e.g. {desa[0]})."
                f" {_DESA_ADVICE}"
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


def _sort_columns(
    data_rows: list[tuple[int, list[object]]],
    names: list[str],
    texts: list[list[str]],
    fixed: set[int],
    ignored: set[int],
    user_counts: set[int],
    total_names: Sequence[str],
    known_sectors: set[str],
    notes: list[str],
    file: Path,
) -> tuple[dict[int, tuple[str, int | None]], list[int], list[str]]:
    """Sort the columns that are not ``fixed`` (identifiers, notes, sector, year) by what they hold.

    Returns the count columns (``j -> (sector, year)``), the columns that hold numbers but are not
    documented counts, and the names of the columns left out (ignored, codes, row numbers, text);
    a note saying why is added to ``notes`` for each column left out on its own.
    """
    counts: dict[int, tuple[str, int | None]] = {}
    unknown: list[int] = []
    skipped: list[str] = []
    for j in range(len(names)):
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
    return counts, unknown, skipped
