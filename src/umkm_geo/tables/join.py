"""Joining a count table to the kecamatan of a study area, with a QA report.

Nothing is dropped silently: every row that matches no kecamatan (with close-name suggestions),
every ambiguous name, every code whose name disagrees, every duplicate and every kecamatan without
data is reported. Unmatched, ambiguous, mismatched and duplicate rows are always errors; kecamatan
without data are an error unless ``allow_missing`` is set, and then show as "no data" on maps.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from umkm_geo._errors import JoinError
from umkm_geo.sources.codes import LEVELS, bps_to_kemendagri, code_level, is_bps_code, normalise_code
from umkm_geo.sources.names import normalise_name, suggest
from umkm_geo.tables.columns import TOTAL_SECTOR
from umkm_geo.tables.counts.read import CountTable
from umkm_geo.tables.crosswalk import load_crosswalk

ISSUE_COLUMNS = ["issue", "severity", "row", "value", "kode", "nama", "detail"]


@dataclasses.dataclass(frozen=True)
class JoinReport:
    """Outcome of a join: counts matched and every problem found.

    Attributes
    ----------
    source
        The table joined.
    n_rows, n_matched
        Data rows in the table and rows matched to a kecamatan.
    issues
        DataFrame with columns ``issue`` (``unmatched``, ``ambiguous``, ``name_mismatch``,
        ``duplicate``, ``missing``), ``severity`` (``error`` or ``allowed``), ``row``, ``value``,
        ``kode``, ``nama`` and ``detail`` (suggestions, candidates, rows).
    """

    source: str
    n_rows: int
    n_matched: int
    issues: pd.DataFrame

    @property
    def errors(self) -> pd.DataFrame:
        """The issues that stop the run."""
        return self.issues[self.issues["severity"] == "error"]

    @property
    def ok(self) -> bool:
        """Whether the join has no blocking issue."""
        return self.errors.empty

    def summary(self) -> str:
        """A readable multi-line summary listing every issue."""
        lines = [f"Join of {self.source}: {self.n_matched} of {self.n_rows} rows matched."]
        for row in self.issues.itertuples(index=False):
            where = "" if row.row is None or pd.isna(row.row) or row.row == "" else f"row {int(row.row)}: "
            value = f"{row.value!r} " if row.value else ""
            kec = f"[{row.kode} {row.nama}] " if row.kode else ""
            lines.append(f"  - {row.issue} ({row.severity}): {where}{value}{kec}{row.detail}")
        return "\n".join(lines)

    def record(self) -> dict[str, object]:
        """JSON-ready summary for the run record."""
        counts = self.issues.groupby("issue").size().to_dict() if len(self.issues) else {}
        return {
            "source": self.source,
            "rows": self.n_rows,
            "matched": self.n_matched,
            "issues": {k: int(v) for k, v in counts.items()},
        }


def kab_matches(kab_in: str, kab_nama: str) -> bool:
    """Whether a typed kab/kota ("Kab. Blitar", "Kota Blitar", "Blitar") fits ``kab_nama``."""
    typed = normalise_name(kab_in)
    full = normalise_name(kab_nama)
    if not typed:
        return True
    base = full.removeprefix("kabupaten").removeprefix("kota")
    kind = "kota" if full.startswith("kota") else "kabupaten"
    for prefix in ("kabupaten", "kab", "kota"):
        if typed.startswith(prefix) and typed[len(prefix) :] == base:
            return (prefix == "kota") == (kind == "kota")
    return typed == base


def join_counts(
    frame: pd.DataFrame,
    table: CountTable,
    *,
    allow_missing: bool = False,
    crosswalk: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, JoinReport]:
    """Match the rows of ``table`` to the kecamatan of ``frame``.

    Parameters
    ----------
    frame
        Study-area frame indexed by ``kode`` with ``nama`` and ``kab_nama``.
    table
        The validated count table.
    allow_missing
        Accept kecamatan without data (they show as "no data"); otherwise they are an error.
    crosswalk
        BPS-to-Kemendagri crosswalk for 7-digit BPS codes (default: the shipped one).

    Returns
    -------
    counts : DataFrame
        Long table ``kode, sektor, tahun, jumlah`` of the matched rows.
    report : JoinReport
        Every issue found.

    Raises
    ------
    JoinError
        The report has blocking issues; the message lists them all and ``exc.report`` holds it.
    """
    data = table.data
    issues: list[dict[str, object]] = []
    matcher = _Matcher(frame, table.key, crosswalk, _items(data["kode_in"]))
    matched_codes: list[str | None] = []
    seen: dict[tuple[object, ...], str | None] = {}
    kec = data["kec_in"] if "kec_in" in data else pd.Series("", index=data.index)
    columns = [*(_items(data[c]) for c in ("row", "kode_in", "nama_in", "kab_in")), _items(kec)]
    for ident in zip(*columns, strict=True):
        if ident in seen:  # a wide row gives several records: match (and report) it once
            matched_codes.append(seen[ident])
            continue
        code, problem = matcher.match(*ident[1:])
        if problem is not None:
            issue, value, kode, nama, detail = problem
            issues.append(_issue(issue, ident[0], value, kode, nama, detail))
        seen[ident] = code
        matched_codes.append(code)

    counts = data.assign(kode=matched_codes).dropna(subset=["kode"])
    dup_keys = ["kode", "sektor", "tahun"]
    dups = counts[counts.duplicated(dup_keys, keep=False)]
    for (code, sektor, tahun), group in dups.groupby(dup_keys, dropna=False):
        rows = ", ".join(str(r) for r in dict.fromkeys(group["row"]))
        year = "" if pd.isna(tahun) else f", tahun {tahun}"
        detail = f"sektor {sektor}{year} appears in rows {rows}"
        issues.append(_issue("duplicate", None, "", code, frame.at[code, "nama"], detail))

    severity = "allowed" if allow_missing else "error"
    incomplete = _completeness(frame, counts, issues, severity)

    issue_table = pd.DataFrame(issues, columns=ISSUE_COLUMNS)
    issue_table["row"] = pd.array([None if pd.isna(r) else int(r) for r in issue_table["row"]], dtype="Int64")
    report = JoinReport(
        source=str(table.source),
        n_rows=int(data["row"].nunique()),
        n_matched=int(counts["row"].nunique()),
        issues=issue_table,
    )
    if not report.ok:
        msg = report.summary() + "\nFix the rows above (or set allow_missing for kecamatan without data)."
        raise JoinError(msg, report=report)
    out = counts.drop_duplicates(dup_keys)
    year_key = _items(out["tahun"].fillna(-1).astype("int64"))
    complete = [key not in incomplete for key in zip(_items(out["kode"]), year_key, strict=True)]
    keep = pd.Series(complete, index=out.index, dtype=bool)
    if (out["sektor"] != TOTAL_SECTOR).any():
        keep &= out["sektor"] != TOTAL_SECTOR  # checked against the sectors by the reader; not summed twice
    out = out[keep & out["jumlah"].notna()]
    out = out[["kode", "sektor", "tahun", "jumlah"]].reset_index(drop=True)
    out["jumlah"] = out["jumlah"].astype("int64")
    return out, report


class _Matcher:
    """Matches a row's identifiers to a kecamatan code; each distinct (kode, nama, kab) is matched once.

    ``match`` returns ``(code, None)`` or ``(None, (issue, value, kode, nama, detail))``; the
    caller adds the row number. BPS codes are looked up in the crosswalk all at once.
    """

    def __init__(self, frame: pd.DataFrame, key: str, crosswalk: pd.DataFrame | None, codes: list[str]) -> None:
        self.frame = frame
        self.key = key
        self.unit = "desa/kelurahan" if "kec_nama" in frame else "kecamatan"  # the study area's units
        self.nama = frame["nama"].to_dict()
        self.names = frame["nama"].tolist()
        self.by_name: dict[str, list[str]] = {}
        for code, name in self.nama.items():
            self.by_name.setdefault(normalise_name(name), []).append(code)
        self.memo: dict[tuple[str, str, str, str], tuple[str | None, tuple[str, ...] | None]] = {}
        self.bps: dict[str, str | None] = {}
        self.bps_source = ""
        if key == "kode":
            typed = [c for c in dict.fromkeys(codes) if c and normalise_code(c) is None and is_bps_code(c)]
            if typed:
                lookup = crosswalk if crosswalk is not None else load_crosswalk()
                self.bps = bps_to_kemendagri(typed, lookup)
                self.bps_source = lookup.attrs.get("source", "the crosswalk")

    def match(
        self, kode_in: str, nama_in: str, kab_in: str, kec_in: str = ""
    ) -> tuple[str | None, tuple[str, ...] | None]:
        """The unit code of one row's identifiers, or the problem."""
        ident = (kode_in, nama_in, kab_in, kec_in)
        if ident not in self.memo:
            self.memo[ident] = self._by_code(*ident[:3]) if self.key == "kode" else self._by_name(*ident)
        return self.memo[ident]

    def _by_code(self, kode_in: str, nama_in: str, kab_in: str) -> tuple[str | None, tuple[str, ...] | None]:
        code = normalise_code(kode_in)
        if code is None and kode_in and is_bps_code(kode_in):
            code = self.bps[kode_in]
            if code is None:
                detail = (
                    f"BPS code not in the crosswalk {self.bps_source}: add a row {kode_in},<Kemendagri code>"
                    " to a crosswalk CSV (columns kode_bps,kode_kemendagri) and give it in [data] crosswalk,"
                    " or write the Kemendagri code (e.g. 35.05.01) in the table"
                )
                return None, ("unmatched", kode_in, "", "", detail)
        if code is None or code not in self.nama:
            hint = suggest(nama_in, self.names) if nama_in else []
            if not kode_in:
                detail = "the code is empty"
            elif code is None:
                example = "35.05.01.2001" if self.unit != "kecamatan" else "35.05.01"
                detail = f"not a Kemendagri ({example}) or BPS (3505010) {self.unit} code"
            elif code != kode_in and is_bps_code(kode_in):
                detail = f"BPS code {kode_in} = Kemendagri {code}, not in the study area"
            elif code_level(code) != 3:
                detail = f"code {code} is a {LEVELS[code_level(code)]} code, not a {self.unit} code"
            else:
                detail = f"code {code} is not in the study area"
            if hint:
                detail += f"; did you mean {', '.join(hint)}?"
            return None, ("unmatched", kode_in, "", "", detail)
        if nama_in and normalise_name(nama_in) != normalise_name(self.nama[code]):
            detail = f"the code {code} is {self.nama[code]}, but the row says {nama_in!r}"
            return None, ("name_mismatch", nama_in, code, self.nama[code], detail)
        return code, None

    def _by_name(
        self, kode_in: str, nama_in: str, kab_in: str, kec_in: str = ""
    ) -> tuple[str | None, tuple[str, ...] | None]:
        candidates = self.by_name.get(normalise_name(nama_in), [])
        if kab_in:
            candidates = [c for c in candidates if kab_matches(kab_in, self.frame.at[c, "kab_nama"])]
        if kec_in and "kec_nama" in self.frame:  # a desa is named within its kecamatan
            wanted = normalise_name(kec_in)
            candidates = [c for c in candidates if normalise_name(self.frame.at[c, "kec_nama"]) == wanted]
        if not candidates:
            hint = suggest(nama_in, self.names)
            detail = f"no {self.unit} of that name in the study area"
            if not nama_in:
                detail = "the kecamatan name is empty"
            if hint:
                detail += f"; did you mean {', '.join(hint)}?"
            return None, ("unmatched", nama_in, "", "", detail)
        if len(candidates) > 1:
            if "kec_nama" in self.frame:
                listed = ", ".join(f"{c} (kecamatan {self.frame.at[c, 'kec_nama']})" for c in candidates)
                detail = f"the name fits {listed}; add a kecamatan column or use codes"
            else:
                listed = ", ".join(f"{c} ({self.frame.at[c, 'kab_nama']})" for c in candidates)
                detail = f"the name fits {listed}; add a kab_kota column or use codes"
            return None, ("ambiguous", nama_in, "", "", detail)
        return candidates[0], None


def _completeness(
    frame: pd.DataFrame, counts: pd.DataFrame, issues: list[dict[str, object]], severity: str
) -> set[tuple[str, int]]:
    """Report every kecamatan without data, blank cell and missing value; return the incomplete (kode, year).

    A kecamatan-year with any blank or missing sector has an unknown count: its values are left out
    (it shows as "no data"), never summed as if the blank were 0. The rows are grouped by kecamatan
    in one pass (a national table has tens of thousands of rows and thousands of kecamatan).
    """
    kode: list[str] = _items(counts["kode"])
    sektor: list[str] = _items(counts["sektor"])
    real = set(sektor) - {TOTAL_SECTOR}
    tahun: list[int] = _items(counts["tahun"].fillna(-1).astype("int64"))
    blank: list[bool] = _items(counts["jumlah"].isna())
    rows = _items(counts["row"])
    kolom = _items(counts["kolom"])
    nama = frame["nama"].to_dict()
    groups: dict[str, list[int]] = {}  # kecamatan -> positions of its measured rows, in table order
    totals: dict[str, list[int]] = {}  # kecamatan -> positions of its filled total rows
    first_seen: dict[tuple[str, int], None] = {}  # every measured (sector, year), in table order
    for i, (code, sector) in enumerate(zip(kode, sektor, strict=True)):
        if real and sector == TOTAL_SECTOR:
            if not blank[i]:
                totals.setdefault(code, []).append(i)
            continue
        groups.setdefault(code, []).append(i)
        first_seen.setdefault((sector, tahun[i]))
    expected = list(first_seen)
    incomplete: set[tuple[str, int]] = set()
    for code in frame.index:
        members = groups.get(code)
        if not members:
            detail = "no data for this kecamatan"
            issues.append(_issue("missing", None, "", code, nama[code], detail, severity))
            continue
        values: dict[tuple[str, int], bool] = {}  # (sector, year) -> blank (the last row of a duplicate)
        for i in members:
            values[(sektor[i], tahun[i])] = blank[i]
        if len(values) == len(expected) and not any(blank[i] for i in members):
            continue
        parts = [f"blank cell in row {rows[i]}, column {kolom[i]!r}" for i in members if blank[i]]
        if parts:
            parts[-1] += " (a blank is 'no data', not 0)"
        lacking = [(s, t) for s, t in expected if (s, t) not in values]
        for s, t in lacking:
            parts.append(f"no value for {s}{'' if t == -1 else ' ' + str(t)}")
        bad_years = {t for (_, t), is_blank in values.items() if is_blank} | {t for _, t in lacking}
        for t in bad_years:
            incomplete.add((code, t))
        known = any(not is_blank for (_, t), is_blank in values.items() if t in bad_years)
        for i in totals.get(code, ()):
            if tahun[i] in bad_years:
                parts.append(f"the total in row {rows[i]} cannot be checked against the sectors and is not used")
                known = True
        detail = "no data: " + "; ".join(parts)
        if known:
            years = ", ".join("" if t == -1 else str(t) for t in sorted(bad_years)).strip(", ")
            detail += (
                f"; the kecamatan's {years + ' ' if years else ''}count is unknown, so its other values"
                f"{' of ' + years if years else ''} are not summed"
            )
        issues.append(_issue("missing", None, "", code, nama[code], detail, severity))
    return incomplete


def _items(column: pd.Series) -> list[Any]:
    """The values of a column as Python objects (iterating an Arrow-backed column one by one is slow).

    Their type is the column's (pandas is untyped); the caller names it, e.g. ``kode: list[str]``.
    """
    return column.to_numpy(dtype=object).tolist()


def _issue(
    issue: str, row: object, value: str, kode: str, nama: str, detail: str, severity: str = "error"
) -> dict[str, object]:
    return {
        "issue": issue,
        "severity": severity,
        "row": row,
        "value": value,
        "kode": kode,
        "nama": nama,
        "detail": detail,
    }
