"""Reading and validating questionnaire answers (Likert 1-5 by aspect and dimension).

The file has one row per respondent: ``responden`` (id), ``kecamatan`` (Kemendagri code or name),
optional ``kab_kota`` (to tell same-named kecamatan apart) and ``sektor``, then item columns named
``{aspect}_{dimension}_{i}`` (``modal_kebutuhan_1``, ``digital_akses_2``) holding answers 1-5.

Nothing is dropped silently. Every problem (an answer outside 1-5 or not a number, a missing answer,
an unknown or ambiguous kecamatan, a missing or repeated respondent id, an item column of an unknown
aspect or dimension, a configured scale without items) is a row of :attr:`Responses.issues`. By
default any problem raises :class:`~umkm_geo._errors.TableError` (carrying the table as
``exc.issues``); with ``strict=False`` bad answers become missing, respondents that cannot be placed
(no id, repeated id, unknown kecamatan) are left out, and the issues table says so row by row.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import ConfigError, TableError
from umkm_geo._provenance import file_sha256
from umkm_geo.sources.codes import code_level, normalise_code
from umkm_geo.sources.names import normalise_name, suggest
from umkm_geo.tables.columns import KAB_ALIASES, NOTE_ALIASES, SECTOR_ALIASES, slug, table_says_illustrative
from umkm_geo.tables.join import kab_matches
from umkm_geo.tables.raw import read_raw

__all__ = [
    "DEFAULT_ASPECTS",
    "DIMENSIONS",
    "ISSUE_COLUMNS",
    "LIKERT_RANGE",
    "LONG_COLUMNS",
    "OPTIONAL_ASPECTS",
    "Responses",
    "parse_likert",
    "read_responses",
]

#: The two Likert dimensions: need (tingkat kebutuhan) and access (tingkat akses).
DIMENSIONS = ("kebutuhan", "akses")
#: Aspects asked by default: capital, markets, government policy.
DEFAULT_ASPECTS = ("modal", "pasar", "kebijakan")
#: Further aspects used by the studies.
OPTIONAL_ASPECTS = ("lahan", "memulai_usaha", "anti_rente", "digital")
#: Smallest and largest Likert answer.
LIKERT_RANGE = (1, 5)
#: Columns of :attr:`Responses.issues`.
ISSUE_COLUMNS = ("row", "responden", "column", "problem", "value", "suggestion")
#: Columns of :attr:`Responses.long`.
LONG_COLUMNS = ("responden", "kode", "sektor", "aspek", "dimensi", "item", "nilai")

ID_ALIASES = ("responden", "id_responden", "no_responden", "kode_responden", "respondent", "id")
UNIT_ALIASES = ("kecamatan", "kode", "kode_kecamatan", "nama_kecamatan", "kode_kemendagri", "kec")
_ITEM = re.compile(r"^(?P<aspect>.+)_(?P<dimension>[a-z0-9]+)_(?P<i>\d+)$")


@dataclasses.dataclass(frozen=True, eq=False)
class Responses:
    """Validated questionnaire answers.

    Attributes
    ----------
    long
        One row per kept respondent and item: ``responden``, ``kode``, ``sektor``, ``aspek``,
        ``dimensi``, ``item`` (the column name) and ``nilai`` (float 1-5; NaN where the answer is
        missing or was bad and ``strict=False``).
    wide
        One row per kept respondent, indexed by ``responden``: ``row`` (row in the file, header = 1),
        ``kode``, ``sektor`` and the item columns (float, NaN as in ``long``).
    items
        ``aspect -> dimension -> item columns`` found in the file, in the order of ``aspects``.
    issues
        Every problem found, columns ``row``, ``responden``, ``column``, ``problem``, ``value`` and
        ``suggestion`` (which also says what was done with the cell or row when ``strict=False``).
    source
        File read (``"<DataFrame>"`` for a frame).
    sha256
        Hash of the file (of the frame's CSV text for a frame).
    rows
        Respondent rows in the input (fully blank rows are not counted).
    illustrative
        A note column says the answers are illustrative.
    """

    long: pd.DataFrame
    wide: pd.DataFrame
    items: Mapping[str, Mapping[str, tuple[str, ...]]]
    issues: pd.DataFrame
    source: str
    sha256: str
    rows: int
    illustrative: bool = False

    def achieved(self) -> pd.Series:
        """Number of kept respondents per kecamatan (``kode -> n``), to compare with the plan."""
        return self.wide.groupby("kode").size().rename("n_responden")

    def record(self) -> dict[str, Any]:
        """JSON-ready description for the run record (file, sha256, rows, respondents, issues)."""
        counts = self.issues.groupby("problem").size().to_dict() if len(self.issues) else {}
        return {
            "file": self.source,
            "sha256": self.sha256,
            "rows": self.rows,
            "respondents": len(self.wide),
            "issues": len(self.issues),
            "issues_by_problem": {str(k): int(v) for k, v in counts.items()},
            "aspects": {a: list(d) for a, d in self.items.items()},
            "illustrative": self.illustrative,
        }


def parse_likert(value: object, *, low: int = LIKERT_RANGE[0], high: int = LIKERT_RANGE[1]) -> tuple[int | None, str]:
    """Parse one answer cell.

    Returns
    -------
    tuple
        ``(answer, "")`` for a whole number in ``low..high`` (``"4"``, ``4``, ``4.0``, ``"4,0"``), or
        ``(None, problem)`` with ``problem`` one of ``"missing answer"``, ``"not a number"``,
        ``"not a whole number"`` and ``"outside {low}-{high}"``.
    """
    if isinstance(value, bool):
        return None, "not a number"
    if isinstance(value, int | np.integer | float | np.floating):
        if isinstance(value, float | np.floating) and np.isnan(value):
            return None, "missing answer"
        number = float(value)
    else:
        text = str(value).strip()
        if text == "" or text.lower() in ("nan", "none", "na", "n/a"):
            return None, "missing answer"
        if not re.fullmatch(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)", text):
            return None, "not a number"
        number = float(text.replace(",", "."))
    if number != np.floor(number):
        return None, "not a whole number"
    if not low <= number <= high:
        return None, f"outside {low}-{high}"
    return int(number), ""


_ADVICE = {
    "missing answer": "fill in an answer {low}-{high}",
    "not a number": "write a whole number {low}-{high}",
    "not a whole number": "Likert answers are whole numbers {low}-{high}",
}


def _scales(aspects: Mapping[str, Sequence[str]] | Sequence[str] | None) -> dict[str, tuple[str, ...]]:
    """Normalise ``aspects`` to ``aspect -> dimensions``; ``None`` allows every known aspect."""
    if aspects is None:
        return {a: DIMENSIONS for a in DEFAULT_ASPECTS + OPTIONAL_ASPECTS}
    if isinstance(aspects, str):
        msg = f"aspects must be a list or mapping of aspect names, not the string {aspects!r}."
        raise ConfigError(msg)
    pairs = aspects.items() if isinstance(aspects, Mapping) else ((a, DIMENSIONS) for a in aspects)
    out: dict[str, tuple[str, ...]] = {}
    for aspect, dims in pairs:
        name = slug(aspect)
        if not name:
            msg = f"Aspect name {aspect!r} is empty; use names like {list(DEFAULT_ASPECTS)}."
            raise ConfigError(msg)
        dims = (dims,) if isinstance(dims, str) else tuple(dims)
        bad = [d for d in dims if d not in DIMENSIONS]
        if bad or not dims:
            msg = f"Aspect {aspect!r} has the dimensions {list(dims)}; use one or both of {list(DIMENSIONS)}."
            raise ConfigError(msg)
        out[name] = tuple(d for d in DIMENSIONS if d in dims)
    if not out:
        msg = f"No aspects given; use e.g. {list(DEFAULT_ASPECTS)}."
        raise ConfigError(msg)
    return out


def _load(path: str | Path | pd.DataFrame, sheet: str | int | None) -> tuple[pd.DataFrame, str, str]:
    if isinstance(path, pd.DataFrame):
        raw = path.astype(object).where(path.notna(), "")
        digest = hashlib.sha256(path.to_csv(index=False).encode("utf-8")).hexdigest()
        return raw.reset_index(drop=True), "<DataFrame>", digest
    file = Path(path)
    if not file.is_file():
        msg = f"Response file {file} does not exist."
        raise TableError(msg)
    return read_raw(file, sheet), str(file), file_sha256(file)


def _first(columns: dict[str, str], aliases: Sequence[str]) -> str | None:
    return next((columns[a] for a in aliases if a in columns), None)


def _issue(row: object, responden: object, column: str, problem: str, value: object, suggestion: str) -> dict:
    return {
        "row": row,
        "responden": responden,
        "column": column,
        "problem": problem,
        "value": "" if value is None else str(value),
        "suggestion": suggestion,
    }


def _classify_columns(
    raw: pd.DataFrame, scales: dict[str, tuple[str, ...]], explicit: bool, meta: set[str], issues: list[dict]
) -> tuple[dict[str, dict[str, list[tuple[int, str, str]]]], list[str]]:
    """Sort the non-meta columns into items, reported bad item columns and extra columns."""
    found: dict[str, dict[str, list[tuple[int, str, str]]]] = {a: {d: [] for d in ds} for a, ds in scales.items()}
    extra: list[str] = []
    for col in raw.columns:
        if col in meta:
            continue
        name = slug(col)
        match = _ITEM.match(name)
        if match is None:
            extra.append(col)
            continue
        aspect, dim, i = match["aspect"], match["dimension"], int(match["i"])
        if dim in DIMENSIONS:
            if aspect in scales and dim in scales[aspect]:
                found[aspect][dim].append((i, name, col))
            elif aspect in scales:
                hint = f"the aspect {aspect} is configured with {list(scales[aspect])} only; add {dim} to it"
                issues.append(_issue(pd.NA, "", col, "dimension not configured", col, hint))
            else:
                close = difflib.get_close_matches(aspect, list(scales), n=3, cutoff=0.6)
                hint = f"did you mean {', '.join(close)}?" if close else f"configure the aspect or use {list(scales)}"
                issues.append(_issue(pd.NA, "", col, "unknown aspect", aspect, hint))
            continue
        close = difflib.get_close_matches(dim, list(DIMENSIONS), n=2, cutoff=0.6)
        if close or aspect in scales:
            hint = f"did you mean {'_'.join((aspect, close[0], str(i)))}?" if close else f"use {list(DIMENSIONS)}"
            issues.append(_issue(pd.NA, "", col, "unknown dimension", dim, hint))
        else:
            extra.append(col)
    if explicit:
        for aspect, dims in found.items():
            for dim, cols in dims.items():
                if not cols:
                    issues.append(
                        _issue(
                            pd.NA,
                            "",
                            f"{aspect}_{dim}_*",
                            "no items",
                            "",
                            f"the file has no column {aspect}_{dim}_1, ...; add them or leave {aspect} out",
                        )
                    )
    return found, extra


def _match_unit(text: str, kab: str, units: pd.DataFrame, by_name: dict[str, list[str]]) -> tuple[str | None, str, str]:
    """``(kode, problem, suggestion)`` for one typed kecamatan."""
    if text == "":
        return None, "missing kecamatan", "write the kecamatan code or name"
    code = normalise_code(text)
    if code is not None:
        if code in units.index:
            return code, "", ""
        if code_level(code) == 3:
            return None, "unknown kecamatan", f"the code {code} is not in the study area"
    candidates = by_name.get(normalise_name(text), [])
    if kab and "kab_nama" in units.columns:
        candidates = [c for c in candidates if kab_matches(kab, units.at[c, "kab_nama"])]
    if not candidates:
        close = suggest(text, units["nama"].astype(str).tolist())
        hint = f"did you mean {', '.join(close)}?" if close else "no close name in the study area"
        return None, "unknown kecamatan", hint
    if len(candidates) > 1:
        where = units["kab_nama"] if "kab_nama" in units.columns else pd.Series("", index=units.index)
        listed = ", ".join(f"{c} ({where.get(c, '')})" for c in candidates)
        return None, "ambiguous kecamatan", f"the name fits {listed}; add kab_kota or use the code"
    return candidates[0], "", ""


def read_responses(
    path: str | Path | pd.DataFrame,
    *,
    units: pd.DataFrame,
    aspects: Mapping[str, Sequence[str]] | Sequence[str] | None = None,
    sheet: str | int | None = None,
    strict: bool = True,
) -> Responses:
    """Read and validate a questionnaire file.

    Parameters
    ----------
    path
        CSV (delimiter sniffed, UTF-8 or cp1252) or XLSX file, or a DataFrame in the same layout.
    units
        The kecamatan of the study area (``area.frame``): indexed by Kemendagri ``kode``, with
        ``nama`` and (to resolve repeated names with ``kab_kota``) ``kab_nama``.
    aspects
        ``aspect -> dimensions`` asked (e.g. ``{"modal": ["kebutuhan", "akses"]}``) or a list of
        aspects asked on both dimensions. Every configured scale must have item columns, and item
        columns of other aspects are reported. ``None`` accepts any aspect of
        :data:`DEFAULT_ASPECTS` and :data:`OPTIONAL_ASPECTS` present in the file.
    sheet
        XLSX sheet name or index (default: the first sheet).
    strict
        Raise on any problem (default). ``False`` keeps the valid answers and reports the rest.

    Returns
    -------
    Responses
        The answers in long and wide form, the items found, the issues and the file's hash.

    Raises
    ------
    TableError
        The file cannot be read or lacks the respondent or kecamatan column or any item column;
        or (when ``strict``) any problem was found: the message names the first problems and their
        count, and ``exc.issues`` holds the full issues table.
    ConfigError
        ``aspects`` names an unknown dimension.

    Warns
    -----
    UserWarning
        Columns that are neither items nor known id/kecamatan/sector/note columns (they are not used),
        and, when ``strict=False``, the number of problems found.
    """
    scales = _scales(aspects)
    if "nama" not in units.columns:
        msg = f"units must have a 'nama' column (area.frame); it has {list(units.columns)}."
        raise TableError(msg)
    raw, source, digest = _load(path, sheet)
    raw.columns = [str(c).strip() for c in raw.columns]
    columns = {slug(c): c for c in raw.columns}
    id_col = _first(columns, ID_ALIASES)
    unit_col = _first(columns, UNIT_ALIASES)
    if id_col is None or unit_col is None:
        lacking = [n for n, c in (("responden", id_col), ("kecamatan", unit_col)) if c is None]
        msg = f"{source}: no {' and no '.join(lacking)} column; the columns are {list(raw.columns)}."
        raise TableError(msg)
    kab_col = _first(columns, KAB_ALIASES)
    sector_col = _first(columns, SECTOR_ALIASES)
    note_cols = [columns[a] for a in NOTE_ALIASES if a in columns]
    meta = {c for c in (id_col, kab_col, sector_col) if c} | {columns[a] for a in UNIT_ALIASES if a in columns}
    meta |= set(note_cols)

    issues: list[dict] = []
    found, extra = _classify_columns(raw, scales, aspects is not None, meta, issues)
    item_cols = [
        (a, d, i, name, col) for a, dims in found.items() for d, cols in dims.items() for i, name, col in sorted(cols)
    ]
    if not item_cols:
        msg = (
            f"{source}: no item columns; name them {{aspect}}_{{dimension}}_{{i}} with an aspect of"
            f" {list(scales)} and a dimension of {list(DIMENSIONS)}, e.g. modal_kebutuhan_1."
        )
        raise TableError(msg)
    if extra:
        warnings.warn(f"{source}: columns {extra} are not items or known columns and are not used.", stacklevel=2)

    by_name: dict[str, list[str]] = {}
    for code, name in units["nama"].items():
        by_name.setdefault(normalise_name(name), []).append(code)
    low, high = LIKERT_RANGE
    blank = raw.map(lambda v: str(v).strip() == "").all(axis=1).to_numpy()
    first_row: dict[str, int] = {}
    kept: list[dict[str, Any]] = []
    long_rows: list[tuple] = []
    for i in np.flatnonzero(~blank):
        rec = raw.iloc[i]
        row = int(i) + 2
        rid = str(rec[id_col]).strip()
        if rid.endswith(".0") and rid[:-2].isdigit():
            rid = rid[:-2]
        keep = True
        if rid == "":
            issues.append(
                _issue(row, "", id_col, "missing respondent id", "", "give every respondent an id; row left out")
            )
            keep = False
        elif rid in first_row:
            issues.append(
                _issue(
                    row,
                    rid,
                    id_col,
                    "duplicate respondent id",
                    rid,
                    f"the id is also in row {first_row[rid]}; give each respondent a unique id; this row left out",
                )
            )
            keep = False
        else:
            first_row[rid] = row
        typed = str(rec[unit_col]).strip()
        kab = str(rec[kab_col]).strip() if kab_col else ""
        code, problem, hint = _match_unit(typed, kab, units, by_name)
        if problem:
            issues.append(_issue(row, rid, unit_col, problem, typed, f"{hint}; row left out"))
            keep = False
        sektor = slug(rec[sector_col]) if sector_col else ""
        values: dict[str, float] = {}
        for aspect, dim, _, name, col in item_cols:
            answer, problem = parse_likert(rec[col], low=low, high=high)
            if problem:
                advice = _ADVICE.get(problem, "answers are whole numbers {low}-{high}").format(low=low, high=high)
                issues.append(_issue(row, rid, col, problem, rec[col], f"{advice}; set missing"))
            values[name] = np.nan if answer is None else float(answer)
            if keep:
                long_rows.append((rid, code, sektor or pd.NA, aspect, dim, name, values[name]))
        if keep:
            kept.append({"responden": rid, "row": row, "kode": code, "sektor": sektor or pd.NA, **values})

    issue_table = pd.DataFrame(issues, columns=list(ISSUE_COLUMNS))
    issue_table["row"] = pd.array(issue_table["row"], dtype="Int64")
    if len(issue_table) and strict:
        shown = "\n  ".join(_describe(r) for r in issue_table.head(10).itertuples(index=False))
        more = f"\n  ... and {len(issue_table) - 10} more" if len(issue_table) > 10 else ""
        msg = (
            f"{source}: {len(issue_table)} problem(s) in the survey answers:\n  {shown}{more}\n"
            "Fix the file (exc.issues lists every problem), or read it with strict=False to keep the valid"
            " answers and set the bad ones missing."
        )
        raise TableError(msg, issues=issue_table)
    if len(issue_table):
        warnings.warn(
            f"{source}: {len(issue_table)} problem(s) in the survey answers; bad answers set missing and"
            f" {int(np.sum(~blank)) - len(kept)} row(s) left out (see Responses.issues).",
            stacklevel=2,
        )

    names = [name for *_, name, _ in item_cols]
    wide = pd.DataFrame(kept, columns=["responden", "row", "kode", "sektor", *names]).set_index("responden")
    wide[names] = wide[names].astype(float)
    long = pd.DataFrame(long_rows, columns=list(LONG_COLUMNS)).astype({"nilai": float})
    items = {
        a: {d: tuple(name for _, name, _ in sorted(cols)) for d, cols in dims.items() if cols}
        for a, dims in found.items()
    }
    items = {a: dims for a, dims in items.items() if dims}
    illustrative = table_says_illustrative(raw[note_cols])
    return Responses(
        long=long,
        wide=wide,
        items=items,
        issues=issue_table,
        source=source,
        sha256=digest,
        rows=int(np.sum(~blank)),
        illustrative=illustrative,
    )


def _describe(issue: Any) -> str:
    where = f"row {issue.row}" if not pd.isna(issue.row) else "header"
    who = f" (responden {issue.responden})" if issue.responden else ""
    value = f" {issue.value!r}" if issue.value else ""
    return f"{where}{who}, column {issue.column!r}: {issue.problem}{value}; {issue.suggestion}"
