"""The numbers and names of the data sections of the report (study area, sources, join QA, methods).

Each builder takes the shared :class:`~umkm_geo.render.report.model.Report` and returns what the
section's template (``templates/<section>.j2``) shows: table rows, name/value pairs, sentences, with
every number already formatted for the report's language. The builders write no HTML: the templates
do, and Jinja escapes every text of these values (kecamatan names, file names, sources, config
values). A cell that is more than text is a :class:`~umkm_geo.render.report.model.Cell`. The result
sections are built in :mod:`umkm_geo.render.report.result_sections`, the maps section, which embeds
the PNG files, in :mod:`umkm_geo.render.report.figures`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from umkm_geo._i18n import text
from umkm_geo.render.report.interpret.settings import setting
from umkm_geo.render.report.model import Cell, Report
from umkm_geo.render.report.text import METHODS, method_title, references

__all__ = ["join_qa", "methods", "sources", "study_area"]


# --- study area ----------------------------------------------------------------------------------


def study_area(r: Report) -> dict[str, Any]:
    """The region, its kabupaten/kota, the groups, the topology and weights, every kecamatan."""
    t, frame, prov = r.t, r.area.frame, r.area.provenance
    kab_rows = []
    for (kode, nama), group in frame.groupby(["kab_kode", "kab_nama"], sort=True):
        row = [kode, nama, len(group)]
        row.append(r.num(group["area_km2"].sum(), 1) if "area_km2" in group else "–")
        row.append(r.num(group["penduduk"].sum(), 0) if "penduduk" in group else "–")
        kab_rows.append(row)

    groups = None
    source = ""
    if "wilayah" in frame:
        groups = []
        column = frame["wilayah"]
        for g in pd.unique(column.dropna()):
            members = list(frame.index[column == g])
            groups.append([r.group_label(g), len(members), r.names_of(members)])
        if column.isna().any():
            members = list(frame.index[column.isna()])
            groups.append([t["unassigned"], len(members), r.names_of(members)])
        source = Path(str(prov.get("grouping", {}).get("source", ""))).name

    topology = prov.get("topology", {})
    weights = r.results.weights
    reason = setting(topology.get("reason", ""), r.lang)
    pairs = [(t["topology"], f"{topology.get('method', '–')}: {reason}")]
    if weights is not None:
        settings = weights.to_dict()["settings"]
        method = setting(settings.get("method_description", ""), r.lang)
        pairs.append((t["weights_used"], f"{weights.method} — {method}"))
        pairs.append(
            (t["transformation"], setting(settings.get("transform_description", settings.get("transform")), r.lang))
        )

    grouped = "wilayah" in frame
    kecamatan = []
    for code, row in frame.iterrows():
        group = [r.group_label(row["wilayah"]) if pd.notna(row["wilayah"]) else "–"] if grouped else []
        area_km2 = r.num(row["area_km2"], 1) if "area_km2" in frame else "–"
        kecamatan.append([code, row["nama"], row["kab_nama"], *group, area_km2])
    return {
        "region_codes": ", ".join(r.area.region),
        "n_kab": frame["kab_kode"].nunique(),
        "n_kec": len(frame),
        "kab_rows": kab_rows,
        "groups": groups,
        "grouping_source": source,
        "topology": pairs,
        "grouped": grouped,
        "kecamatan": kecamatan,
    }


# --- sources -------------------------------------------------------------------------------------


def _totals(r: Report, totals: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """Rows of a table of published totals (kab/kota, year, total, basis, source)."""
    return [
        [
            row.get("kab_nama"),
            row.get("tahun"),
            r.num(row.get("total"), 0),
            r.t.get(f"basis_{row.get('basis')}", row.get("basis", "")),
            Cell("link", setting(row.get("source"), r.lang)),
        ]
        for row in totals
    ]


def sources(r: Report) -> dict[str, Any]:
    """Boundaries (credit, files, notes), the UMKM table or demo, the population table or demo."""
    t, prov = r.t, r.area.provenance
    boundaries = prov.get("boundaries", {})
    files = [
        [f.get("path"), f.get("origin"), Cell("code", f.get("sha256")), Cell("link", f.get("url"))]
        for f in boundaries.get("files", [])
    ]
    notes = [setting(note, r.lang) for note in boundaries.get("notes", [])]
    prefixes = tuple(f"{code}." for code in r.area.region) + tuple(r.area.region)
    repaired = sorted(
        {
            c
            for codes in boundaries.get("repaired_geometries", {}).values()
            for c in codes
            if str(c).startswith(prefixes)
        }
    )
    if repaired:
        notes.append(f"{t['repaired']}: {', '.join(repaired)}")

    demo = prov.get("demo")
    table = prov.get("umkm_table", {})
    umkm_table = None
    if table:
        umkm_table = [
            (t["table_file"], Path(str(table.get("path", ""))).name),
            ("sha256", table.get("sha256", "–")),
            (t["rows"], table.get("rows", "–")),
            (t["layout"], table.get("layout", "–")),
            (t["sectors"], ", ".join(map(str, table.get("sectors", []))) or "–"),
            (t["years"], ", ".join(map(str, table.get("years", []))) or "–"),
        ]
    pop_demo = prov.get("population_demo")
    pop_table = prov.get("population_table")
    population = None
    if not pop_demo and pop_table:
        population = [
            (t["table_file"], Path(str(pop_table.get("path", ""))).name),
            ("sha256", pop_table.get("sha256", "–")),
            (t["rows"], pop_table.get("rows", "–")),
        ]
    return {
        "credit": prov.get("boundary_credit", boundaries.get("credit", "–")),
        "files": files,
        "notes": notes,
        "demo_text": text("report.text.demo_text", r.lang, seed=demo.get("seed")) if demo else None,
        "demo_totals": _totals(r, demo.get("totals", [])) if demo else [],
        "umkm_table": umkm_table,
        "pop_demo_text": text("report.text.pop_demo_text", r.lang, seed=pop_demo.get("seed")) if pop_demo else None,
        "pop_demo_totals": _totals(r, pop_demo.get("totals", [])) if pop_demo else [],
        "population_table": population,
    }


# --- join QA -------------------------------------------------------------------------------------

_ISSUES = ("unmatched", "ambiguous", "name_mismatch", "duplicate", "missing")


def _row_number(value: Any) -> Any:
    """A table row number as an integer (pandas makes it a float when some rows have none)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def join_qa(r: Report) -> dict[str, Any]:
    """The counts of the join of the UMKM table to the kecamatan, and every issue found."""
    t = r.t
    report = r.results.join_report
    if report is None:
        return {"computed": False}
    issues = report.issues
    counts = issues.groupby("issue").size() if len(issues) else pd.Series(dtype=int)
    pairs: list[tuple[Any, Any]] = [
        (t["table_file"], Path(str(report.source)).name),
        (t["n_rows"], report.n_rows),
        (t["matched"], report.n_matched),
    ]
    pairs += [(t[k], int(counts.get(k, 0))) for k in _ISSUES]
    pairs += [(k, int(v)) for k, v in counts.items() if k not in _ISSUES]
    rows = [
        [t.get(i.issue, i.issue), i.severity, _row_number(i.row), i.value, i.kode, i.nama, i.detail]
        for i in issues.itertuples(index=False)
    ]
    return {"computed": True, "counts": pairs, "issues": rows}


# --- methods -------------------------------------------------------------------------------------


def methods(r: Report) -> dict[str, Any]:
    """The methods (title, key of the formula macro, explanation) and the references."""
    return {
        "formulas": [
            (method_title(key, r.lang), key, text(f"report.method.{key}.explanation", r.lang)) for key in METHODS
        ],
        "references": references(r.lang),
    }
