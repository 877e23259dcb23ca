"""Where the header of a count table is: title rows above it, two-row (merged) and bilingual headers.

:func:`_find_header` finds the row naming a kecamatan column (or takes ``[data] header_row``),
joins a second header row, skips a row of column numbers or English names, and gives every column
its name and the texts it may be recognised by; :func:`_find` and :func:`_resolve` look columns up.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

from umkm_geo._errors import TableError
from umkm_geo.tables._read import is_blank
from umkm_geo.tables.columns import CODE_ALIASES, NAME_ALIASES, column_letter, slug
from umkm_geo.tables.counts.cells import _NUMBERISH, _YEAR, _numberish, _text

_COLUMN_NUMBER = re.compile(r"^\(\d{1,3}\)$")


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


def _no_kecamatan_message(file: Path, grid, header: _Header, names: list[str]) -> str:
    msg = (
        f"{file}: no kecamatan column; name one of {list(CODE_ALIASES)} (codes) or {list(NAME_ALIASES)} (names),"
        f" or give it with [data] code_column / name_column. The columns are {_listed(names)}"
        f" (row {header.top + 1})."
    )
    if len(grid.sheets) > 1:
        msg += f" The workbook's sheets are {list(grid.sheets)}; is the table on another one? Set [data] sheet."
    return msg
