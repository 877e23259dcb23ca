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
from umkm_geo.codes import bps_to_kemendagri, load_crosswalk, normalise_code
from umkm_geo.names import normalise_name, suggest
from umkm_geo.tables import CountTable

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
            where = f"row {row.row}: " if row.row not in (None, "") and not pd.isna(row.row) else ""
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
    for rec in data.itertuples(index=False):
        code: str | None = None
        if table.key == "kode":
            code = normalise_code(rec.kode_in)
            if code is None and rec.kode_in:
                if bps_lookup is None:
                    bps_lookup = crosswalk if crosswalk is not None else load_crosswalk()
                code = bps_to_kemendagri([rec.kode_in], bps_lookup)[rec.kode_in]
            if code is None or code not in frame.index:
                hint = suggest(rec.nama_in, names) if rec.nama_in else []
                detail = "code not in the study area"
                if code and code != rec.kode_in:
                    detail = f"code {rec.kode_in} = Kemendagri {code}, not in the study area"
                if hint:
                    detail += f"; did you mean {', '.join(hint)}?"
                issues.append(_issue("unmatched", rec.row, rec.kode_in, "", "", detail))
                matched_codes.append(None)
                continue
            if rec.nama_in and normalise_name(rec.nama_in) != normalise_name(frame.at[code, "nama"]):
                detail = f"the code {code} is {frame.at[code, 'nama']}, but the row says {rec.nama_in!r}"
                issues.append(_issue("name_mismatch", rec.row, rec.nama_in, code, frame.at[code, "nama"], detail))
                matched_codes.append(None)
                continue
        else:
            candidates = by_name.get(normalise_name(rec.nama_in), [])
            if rec.kab_in:
                candidates = [c for c in candidates if kab_matches(rec.kab_in, frame.at[c, "kab_nama"])]
            if not candidates:
                hint = suggest(rec.nama_in, names)
                detail = "no kecamatan of that name in the study area"
                if hint:
                    detail += f"; did you mean {', '.join(hint)}?"
                issues.append(_issue("unmatched", rec.row, rec.nama_in, "", "", detail))
                matched_codes.append(None)
                continue
            if len(candidates) > 1:
                listed = ", ".join(f"{c} ({frame.at[c, 'kab_nama']})" for c in candidates)
                detail = f"the name fits {listed}; add a kab_kota column or use codes"
                issues.append(_issue("ambiguous", rec.row, rec.nama_in, "", "", detail))
                matched_codes.append(None)
                continue
            code = candidates[0]
        matched_codes.append(code)

    counts = data.assign(kode=matched_codes).dropna(subset=["kode"])
    dup_keys = ["kode", "sektor", "tahun"]
    dups = counts[counts.duplicated(dup_keys, keep=False)]
    for (code, sektor, tahun), group in dups.groupby(dup_keys, dropna=False):
        rows = ", ".join(str(r) for r in group["row"])
        year = "" if pd.isna(tahun) else f", tahun {tahun}"
        detail = f"sektor {sektor}{year} appears in rows {rows}"
        issues.append(_issue("duplicate", None, "", code, frame.at[code, "nama"], detail))

    severity = "allowed" if allow_missing else "error"
    present = set(counts["kode"])
    for code in frame.index:
        if code not in present:
            issues.append(
                _issue(
                    "missing",
                    None,
                    "",
                    code,
                    frame.at[code, "nama"],
                    "no data for this kecamatan",
                    severity,
                )
            )
    expected = counts[["sektor", "tahun"]].drop_duplicates()
    for code, group in counts.groupby("kode"):
        have = set(zip(group["sektor"], group["tahun"].fillna(-1), strict=True))
        lacking = [
            f"{s}{'' if pd.isna(t) else ' ' + str(t)}"
            for s, t in zip(expected["sektor"], expected["tahun"], strict=True)
            if (s, -1 if pd.isna(t) else t) not in have
        ]
        if lacking:
            detail = f"no value for {', '.join(lacking)}"
            issues.append(_issue("missing", None, "", code, frame.at[code, "nama"], detail, severity))

    report = JoinReport(
        source=str(table.source),
        n_rows=len(data),
        n_matched=len(counts),
        issues=pd.DataFrame(issues, columns=ISSUE_COLUMNS),
    )
    if not report.ok:
        msg = report.summary() + "\nFix the rows above (or set allow_missing for kecamatan without data)."
        raise JoinError(msg, report=report)
    out = counts.drop_duplicates(dup_keys)[["kode", "sektor", "tahun", "jumlah"]].reset_index(drop=True)
    return out, report


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
