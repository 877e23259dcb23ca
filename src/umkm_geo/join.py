"""Joining a count table to the kecamatan of a study area, with a QA report.

Nothing is dropped silently: every row that matches no kecamatan (with close-name suggestions),
every ambiguous name, every code whose name disagrees, every duplicate and every kecamatan without
data is reported. Unmatched, ambiguous, mismatched and duplicate rows are always errors; kecamatan
without data are an error unless ``allow_missing`` is set, and then show as "no data" on maps.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from umkm_geo._errors import JoinError
from umkm_geo.codes import LEVELS, bps_to_kemendagri, code_level, is_bps_code, load_crosswalk, normalise_code
from umkm_geo.names import normalise_name, suggest
from umkm_geo.tables import TOTAL_SECTOR, CountTable

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
    by_name: dict[str, list[str]] = {}
    for code, name in frame["nama"].items():
        by_name.setdefault(normalise_name(name), []).append(code)
    names = frame["nama"].tolist()
    bps_lookup = None

    matched_codes: list[str | None] = []
    seen: dict[tuple[object, ...], str | None] = {}
    for rec in data.itertuples(index=False):
        ident = (rec.row, rec.kode_in, rec.nama_in, rec.kab_in)
        if ident in seen:  # a wide row gives several records: match (and report) it once
            matched_codes.append(seen[ident])
            continue
        code: str | None = None
        if table.key == "kode":
            code = normalise_code(rec.kode_in)
            if code is None and rec.kode_in and is_bps_code(rec.kode_in):
                if bps_lookup is None:
                    bps_lookup = crosswalk if crosswalk is not None else load_crosswalk()
                code = bps_to_kemendagri([rec.kode_in], bps_lookup)[rec.kode_in]
                if code is None:
                    source = bps_lookup.attrs.get("source", "the crosswalk")
                    detail = (
                        f"BPS code not in the crosswalk {source}: add a row {rec.kode_in},<Kemendagri code>"
                        " to a crosswalk CSV (columns kode_bps,kode_kemendagri) and give it in [data] crosswalk,"
                        " or write the Kemendagri code (e.g. 35.05.01) in the table"
                    )
                    issues.append(_issue("unmatched", rec.row, rec.kode_in, "", "", detail))
                    seen[ident] = None
                    matched_codes.append(None)
                    continue
            if code is None or code not in frame.index:
                hint = suggest(rec.nama_in, names) if rec.nama_in else []
                if not rec.kode_in:
                    detail = "the code is empty"
                elif code is None:
                    detail = "not a Kemendagri (35.05.01) or BPS (3505010) kecamatan code"
                elif code != rec.kode_in and is_bps_code(rec.kode_in):
                    detail = f"BPS code {rec.kode_in} = Kemendagri {code}, not in the study area"
                elif code_level(code) != 3:
                    detail = f"code {code} is a {LEVELS[code_level(code)]} code, not a kecamatan code"
                else:
                    detail = f"code {code} is not in the study area"
                if hint:
                    detail += f"; did you mean {', '.join(hint)}?"
                issues.append(_issue("unmatched", rec.row, rec.kode_in, "", "", detail))
                seen[ident] = None
                matched_codes.append(None)
                continue
            if rec.nama_in and normalise_name(rec.nama_in) != normalise_name(frame.at[code, "nama"]):
                detail = f"the code {code} is {frame.at[code, 'nama']}, but the row says {rec.nama_in!r}"
                issues.append(_issue("name_mismatch", rec.row, rec.nama_in, code, frame.at[code, "nama"], detail))
                seen[ident] = None
                matched_codes.append(None)
                continue
        else:
            candidates = by_name.get(normalise_name(rec.nama_in), [])
            if rec.kab_in:
                candidates = [c for c in candidates if kab_matches(rec.kab_in, frame.at[c, "kab_nama"])]
            if not candidates:
                hint = suggest(rec.nama_in, names)
                detail = "no kecamatan of that name in the study area"
                if not rec.nama_in:
                    detail = "the kecamatan name is empty"
                if hint:
                    detail += f"; did you mean {', '.join(hint)}?"
                issues.append(_issue("unmatched", rec.row, rec.nama_in, "", "", detail))
                seen[ident] = None
                matched_codes.append(None)
                continue
            if len(candidates) > 1:
                listed = ", ".join(f"{c} ({frame.at[c, 'kab_nama']})" for c in candidates)
                detail = f"the name fits {listed}; add a kab_kota column or use codes"
                issues.append(_issue("ambiguous", rec.row, rec.nama_in, "", "", detail))
                seen[ident] = None
                matched_codes.append(None)
                continue
            code = candidates[0]
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
    year_key = out["tahun"].fillna(-1).astype("int64")
    keep = ~pd.Series(list(zip(out["kode"], year_key, strict=True)), index=out.index).isin(incomplete)
    if set(out["sektor"]) - {TOTAL_SECTOR}:
        keep &= out["sektor"] != TOTAL_SECTOR  # checked against the sectors by the reader; not summed twice
    out = out[keep & out["jumlah"].notna()]
    out = out[["kode", "sektor", "tahun", "jumlah"]].reset_index(drop=True)
    out["jumlah"] = out["jumlah"].astype("int64")
    return out, report


def _completeness(
    frame: pd.DataFrame, counts: pd.DataFrame, issues: list[dict[str, object]], severity: str
) -> set[tuple[str, int]]:
    """Report every kecamatan without data, blank cell and missing value; return the incomplete (kode, year).

    A kecamatan-year with any blank or missing sector has an unknown count: its values are left out
    (it shows as "no data"), never summed as if the blank were 0.
    """
    real = set(counts["sektor"]) - {TOTAL_SECTOR}
    measured = counts[counts["sektor"].isin(real)] if real else counts
    expected = list(dict.fromkeys(zip(measured["sektor"], measured["tahun"].fillna(-1), strict=True)))
    incomplete: set[tuple[str, int]] = set()
    for code in frame.index:
        group = measured[measured["kode"] == code]
        if group.empty:
            detail = "no data for this kecamatan"
            issues.append(_issue("missing", None, "", code, frame.at[code, "nama"], detail, severity))
            continue
        values = {
            (s, int(t)): v for s, t, v in zip(group["sektor"], group["tahun"].fillna(-1), group["jumlah"], strict=True)
        }
        blank_cells = group[group["jumlah"].isna()]
        parts = [
            f"blank cell in row {row}, column {kolom!r}"
            for row, kolom in zip(blank_cells["row"], blank_cells["kolom"], strict=True)
        ]
        if parts:
            parts[-1] += " (a blank is 'no data', not 0)"
        lacking = [(s, int(t)) for s, t in expected if (s, int(t)) not in values]
        for s, t in lacking:
            parts.append(f"no value for {s}{'' if t == -1 else ' ' + str(t)}")
        if not parts:
            continue
        bad_years = {t for (s, t), v in values.items() if pd.isna(v)} | {t for _, t in lacking}
        for t in bad_years:
            incomplete.add((code, t))
        known = any(not pd.isna(v) for (s, t), v in values.items() if t in bad_years)
        if real:
            totals = counts[(counts["kode"] == code) & (counts["sektor"] == TOTAL_SECTOR) & counts["jumlah"].notna()]
            for row, t in zip(totals["row"], totals["tahun"].fillna(-1), strict=True):
                if int(t) in bad_years:
                    parts.append(f"the total in row {row} cannot be checked against the sectors and is not used")
                    known = True
        detail = "no data: " + "; ".join(parts)
        if known:
            years = ", ".join("" if t == -1 else str(t) for t in sorted(bad_years)).strip(", ")
            detail += (
                f"; the kecamatan's {years + ' ' if years else ''}count is unknown, so its other values"
                f"{' of ' + years if years else ''} are not summed"
            )
        issues.append(_issue("missing", None, "", code, frame.at[code, "nama"], detail, severity))
    return incomplete


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
