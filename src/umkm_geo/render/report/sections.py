"""The section builders of the report (:mod:`umkm_geo.render.report.write`) and the HTML pieces they use.

Each builder takes the shared :class:`~umkm_geo.render.report.write._Report` and returns the trusted HTML
of one section body (:data:`_BUILDERS`); every text from data passes through :func:`_esc`. The maps
section, which embeds the PNG files, is built in :mod:`umkm_geo.render.report.write` itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from umkm_geo.classify.symbology import SCHEMES
from umkm_geo.render.report.interpret import GLOBAL_READINGS, format_p, format_setting, global_variable, local_sentences
from umkm_geo.render.report.text import _LOCAL_NAMES, _MEASURE_NAMES, _METHODS, _REFERENCES

if TYPE_CHECKING:
    from umkm_geo.render.report.write import _Report

# --- small HTML helpers --------------------------------------------------------------------------


class _Raw(str):
    """A string of trusted HTML (built here from escaped parts); other strings are escaped."""

    __slots__ = ()


def _esc(value: Any) -> str:
    if isinstance(value, _Raw):
        return value
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return html.escape(str(value), quote=True)


_URL = re.compile(r"https?://[^\s()<>\"']+[^\s()<>\"'.,;:]")


def _linkify(text: Any) -> _Raw:
    """Escape ``text`` and turn every http(s) address in it into a plain link."""
    text = "" if text is None else str(text)
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(_esc(text[last : match.start()]))
        url = _esc(match.group(0))
        out.append(f'<a class="source" href="{url}">{url}</a>')
        last = match.end()
    out.append(_esc(text[last:]))
    return _Raw("".join(out))


def _table(
    headers: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    *,
    num: Sequence[int] = (),
    cls: str = "",
    cell_classes: Sequence[Sequence[str]] | None = None,
) -> _Raw:
    """A table; columns in ``num`` are right-aligned; ``cell_classes`` adds a class per cell."""
    numeric = set(num)
    head = "".join(f"<th{' class=num' if i in numeric else ''}>{_esc(h)}</th>" for i, h in enumerate(headers))
    body = []
    for r, row in enumerate(rows):
        cells = []
        for i, value in enumerate(row):
            classes = ["num"] if i in numeric else []
            if cell_classes is not None and cell_classes[r][i]:
                classes.append(cell_classes[r][i])
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{_esc(value)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    attr = f' class="{cls}"' if cls else ""
    return _Raw(f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _kv(pairs: Sequence[tuple[Any, Any]]) -> _Raw:
    """A two-column table of names and values."""
    rows = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in pairs)
    return _Raw(f'<table class="kv"><tbody>{rows}</tbody></table>')


def _sentences(items: Sequence[str]) -> _Raw:
    if not items:
        return _Raw("")
    return _Raw('<ul class="sentences">' + "".join(f"<li>{_esc(s)}</li>" for s in items) + "</ul>")


def _swatch(color: str) -> str:
    return f'<span class="swatch" style="background:{_esc(color)}"></span>'


def _p(text: str) -> _Raw:
    return _Raw(f"<p>{_esc(text)}</p>")


# --- the sections ---------------------------------------------------------------------------------


def _study_area(r: _Report) -> _Raw:
    t, frame, prov = r.t, r.area.frame, r.area.provenance
    parts = [
        _kv(
            [
                (t["region_codes"], ", ".join(r.area.region)),
                (t["n_kab"], frame["kab_kode"].nunique()),
                (t["n_kec"], len(frame)),
            ]
        )
    ]
    kab_rows = []
    for (kode, nama), group in frame.groupby(["kab_kode", "kab_nama"], sort=True):
        row = [kode, nama, len(group)]
        row.append(r.num(group["area_km2"].sum(), 1) if "area_km2" in group else "–")
        row.append(r.num(group["penduduk"].sum(), 0) if "penduduk" in group else "–")
        kab_rows.append(row)
    headers = [t["kab_kode"], t["kab_nama"], t["n_kec"], t["area_km2"], t["population"]]
    parts += [_Raw(f"<h3>{_esc(t['kab_table'])}</h3>"), _table(headers, kab_rows, num=(2, 3, 4))]

    parts.append(_Raw(f"<h3>{_esc(t['groups'])}</h3>"))
    if "wilayah" in frame:
        rows = []
        groups = frame["wilayah"]
        for g in pd.unique(groups.dropna()):
            members = list(frame.index[groups == g])
            rows.append([r.group_label(g), len(members), r.names_of(members)])
        if groups.isna().any():
            members = list(frame.index[groups.isna()])
            rows.append([t["unassigned"], len(members), r.names_of(members)])
        parts.append(_table([t["group"], t["n_kec"], t["members"]], rows, num=(1,)))
        source = prov.get("grouping", {}).get("source", "")
        parts.append(_kv([(t["grouping_source"], Path(str(source)).name)]))
    else:
        parts.append(_p(t["no_grouping"]))

    topology = prov.get("topology", {})
    weights = r.results.get("weights")
    pairs = [(t["topology"], f"{topology.get('method', '–')}: {topology.get('reason', '')}")]
    if weights is not None:
        settings = weights.to_dict()["settings"]
        pairs.append((t["weights_used"], f"{weights.method} — {settings.get('method_description', '')}"))
        pairs.append((t["transformation"], settings.get("transform_description", settings.get("transform"))))
    parts.append(_kv(pairs))

    parts.append(_Raw(f"<h3>{_esc(t['kecamatan_list'])}</h3>"))
    grouped = "wilayah" in frame
    rows = []
    for code, row in frame.iterrows():
        group = [r.group_label(row["wilayah"]) if pd.notna(row["wilayah"]) else "–"] if grouped else []
        area_km2 = r.num(row["area_km2"], 1) if "area_km2" in frame else "–"
        rows.append([code, row["nama"], row["kab_nama"], *group, area_km2])
    headers = [t["kode"], t["nama"], t["kab_table"], *([t["group"]] if grouped else []), t["area_km2"]]
    parts.append(_table(headers, rows, num=(len(headers) - 1,)))
    return _Raw("".join(parts))


def _totals_table(r: _Report, totals: Sequence[Mapping[str, Any]]) -> _Raw:
    t = r.t
    rows = [
        [
            row.get("kab_nama"),
            row.get("tahun"),
            r.num(row.get("total"), 0),
            t.get(f"basis_{row.get('basis')}", row.get("basis", "")),
            _linkify(row.get("source")),
        ]
        for row in totals
    ]
    return _table([t["kab_nama"], t["year"], t["total"], t["basis"], t["source"]], rows, num=(2,))


def _sources(r: _Report) -> _Raw:
    t, prov = r.t, r.area.provenance
    boundaries = prov.get("boundaries", {})
    parts = [_Raw(f"<h3>{_esc(t['boundaries'])}</h3>")]
    parts.append(_kv([(t["credit"], prov.get("boundary_credit", boundaries.get("credit", "–")))]))
    files = boundaries.get("files", [])
    if files:
        rows = [
            [
                f.get("path"),
                f.get("origin"),
                _Raw(f'<code class="hash">{_esc(f.get("sha256"))}</code>'),
                _linkify(f.get("url")),
            ]
            for f in files
        ]
        parts.append(_Raw(f"<h4>{_esc(t['files'])}</h4>"))
        parts.append(_table([t["file"], t["origin"], "sha256", t["url"]], rows))
    notes = list(boundaries.get("notes", []))
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
    if notes:
        parts.append(_Raw(f"<h4>{_esc(t['notes'])}</h4>"))
        parts.append(_sentences(notes))

    parts.append(_Raw(f"<h3>{_esc(t['umkm_data'])}</h3>"))
    demo = prov.get("demo")
    table = prov.get("umkm_table", {})
    if demo:
        parts.append(_p(t["demo_text"].format(seed=demo.get("seed"))))
        parts.append(_Raw(f"<h4>{_esc(t['totals'])}</h4>"))
        parts.append(_totals_table(r, demo.get("totals", [])))
    if table:
        pairs = [
            (t["table_file"], Path(str(table.get("path", ""))).name),
            ("sha256", table.get("sha256", "–")),
            (t["rows"], table.get("rows", "–")),
            (t["layout"], table.get("layout", "–")),
            (t["sectors"], ", ".join(map(str, table.get("sectors", []))) or "–"),
            (t["years"], ", ".join(map(str, table.get("years", []))) or "–"),
        ]
        parts.append(_kv(pairs))

    parts.append(_Raw(f"<h3>{_esc(t['population_data'])}</h3>"))
    pop_demo = prov.get("population_demo")
    pop_table = prov.get("population_table")
    if pop_demo:
        parts.append(_p(t["pop_demo_text"].format(seed=pop_demo.get("seed"))))
        parts.append(_totals_table(r, pop_demo.get("totals", [])))
    elif pop_table:
        parts.append(
            _kv(
                [
                    (t["table_file"], Path(str(pop_table.get("path", ""))).name),
                    ("sha256", pop_table.get("sha256", "–")),
                    (t["rows"], pop_table.get("rows", "–")),
                ]
            )
        )
    else:
        parts.append(_p(t["no_population"]))
    return _Raw("".join(parts))


_ISSUES = ("unmatched", "ambiguous", "name_mismatch", "duplicate", "missing")


def _row_number(value: Any) -> Any:
    """A table row number as an integer (pandas makes it a float when some rows have none)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _join_qa(r: _Report) -> _Raw:
    t = r.t
    report = r.results.get("join_report")
    if report is None:
        return _p(t["not_computed"])
    issues = report.issues
    counts = issues.groupby("issue").size() if len(issues) else pd.Series(dtype=int)
    pairs: list[tuple[Any, Any]] = [
        (t["table_file"], Path(str(report.source)).name),
        (t["n_rows"], report.n_rows),
        (t["matched"], report.n_matched),
    ]
    pairs += [(t[k], int(counts.get(k, 0))) for k in _ISSUES]
    pairs += [(k, int(v)) for k, v in counts.items() if k not in _ISSUES]
    parts = [_kv(pairs)]
    if issues.empty:
        parts.append(_p(t["no_issues"]))
    else:
        rows = [
            [t.get(i.issue, i.issue), i.severity, _row_number(i.row), i.value, i.kode, i.nama, i.detail]
            for i in issues.itertuples(index=False)
        ]
        headers = [t["issue"], t["severity"], t["row"], t["value"], t["kode"], t["nama"], t["detail"]]
        parts += [_Raw(f"<h3>{_esc(t['issue_table'])}</h3>"), _table(headers, rows)]
    return _Raw("".join(parts))


def _weights_block(r: _Report) -> _Raw:
    t = r.t
    weights = r.results.get("weights")
    if weights is None:
        return _p(t["not_computed"])
    stats, settings = weights.to_dict()["statistics"], weights.to_dict()["settings"]
    islands = stats.get("islands") or []
    pairs = [
        (t["method"], f"{settings.get('method')} — {settings.get('method_description', '')}"),
        (t["transformation"], settings.get("transform_description", settings.get("transform"))),
        (t["n_units"], stats.get("n")),
        (t["mean_neighbours"], r.num(stats.get("mean_neighbours"), 2)),
        (t["min_max_neighbours"], f"{stats.get('min_neighbours')}–{stats.get('max_neighbours')}"),
        (t["n_joins"], stats.get("n_joins")),
        (t["components"], stats.get("n_components")),
        (t["islands"], r.names_of(islands) if islands else t["none"]),
        (t["island_policy"], settings.get("islands_description", settings.get("islands"))),
        (t["versions"], f"libpysal {settings.get('libpysal_version', '–')}"),
    ]
    return _kv(pairs)


def _global_block(r: _Report) -> _Raw:
    t = r.t
    results = r.results.get("global", {})
    if not results:
        return _p(t["not_computed"])
    rows, settings_rows = [], []
    i = 0 if r.lang == "id" else 1
    for result in results.values():
        payload = result.to_dict()
        name, stats, settings = payload["result"], payload["statistics"], payload["settings"]
        spec = GLOBAL_READINGS.get(name)
        if spec is None:
            continue
        p = stats[spec["p"]]
        folded_key = spec["p"] + "_folded"
        decimals = spec.get("decimals", 3)
        perm = settings["permutations"]
        verdict = t["significant"] if p <= r.alpha else t["not_significant"]
        rows.append(
            [
                spec["name"][i],
                global_variable(stats, r.indicators, lang=r.lang),
                r.num(stats[spec["stat"]], decimals),
                r.num(stats[spec["expected"]], decimals),
                r.num(stats.get(spec["z"]), 2),
                format_p(p, alpha=r.alpha, permutations=perm, lang=r.lang),
                format_p(stats.get(folded_key), permutations=perm, lang=r.lang),
                verdict,
            ]
        )
        versions = "; ".join(f"{k.removesuffix('_version')} {v}" for k, v in settings.items() if k.endswith("_version"))
        settings_rows.append(
            [
                spec["name"][i],
                r.num(perm, 0),
                settings.get("seed"),
                t.get(settings.get("alternative"), settings.get("alternative")),
                settings.get("transformation", "–"),
                versions,
            ]
        )
    headers = [
        t["statistic"], t["variable"], t["value"], t["expected"], "z", t["p_sim"], t["p_folded"],
        t["verdict"].format(alpha=format_setting(r.alpha, r.lang)),
    ]  # fmt: skip
    parts = [_table(headers, rows, num=(2, 3, 4, 5, 6))]
    parts.append(_Raw(f"<h4>{_esc(t['settings'])}</h4>"))
    headers = [t["statistic"], t["permutations"], t["seed"], t["alternative"], t["transformation"], t["versions"]]
    parts.append(_table(headers, settings_rows, num=(1, 2)))
    first = next(iter(results.values())).to_dict()["settings"]
    if "p_sim_definition" in first:
        parts.append(_Raw(f'<p class="small">{_esc(t["p_definition"])}: {_esc(first["p_sim_definition"])}</p>'))
    parts.append(_Raw(f"<h4>{_esc(t['interpretation'])}</h4>"))
    parts.append(_sentences(r.sentences["global"]))
    return _Raw("".join(parts))


def _local_block(r: _Report) -> _Raw:
    t = r.t
    results = r.results.get("local", {})
    if not results:
        return _p(t["not_computed"])
    parts = []
    i = 0 if r.lang == "id" else 1
    for result in results.values():
        names = _LOCAL_NAMES.get(result.statistic, (result.statistic, result.statistic, "lisa"))
        scheme = SCHEMES[names[2]]
        variable = str(result.variable)
        if result.statistic == "local_moran_bv" and "x" in result.settings:
            variable = f"{r.label(result.settings['x'])} × lag({r.label(result.settings['y'])})"
        else:
            variable = r.label(variable)
        parts.append(_Raw(f"<h4>{_esc(names[i])} — {_esc(variable)}</h4>"))
        cluster = result.frame()["cluster"]
        rows = []
        for code in scheme.codes:
            members = list(cluster.index[cluster == code])
            listed = r.names_of(members) if code not in ("ns",) else ""
            rows.append([_Raw(_swatch(scheme.colors[code]) + _esc(scheme.label(code, r.lang))), len(members), listed])
        parts.append(_table([t["category"], t["count"], t["members"]], rows, num=(1,)))
        s = result.settings
        correction = s.get("correction_definition", result.correction)
        pairs = [
            (t["permutations"], r.num(result.permutations, 0)),
            (t["seed"], result.seed),
            (t["p_value_type"], f"{t.get(result.p_value, result.p_value)} — {s.get('p_value_type', '')}"),
            (t["alpha"], format_setting(result.alpha, r.lang)),
            (t["correction"], correction),
            (t["threshold"], format_setting(result.threshold, r.lang)),
            (t["transformation"], s.get("transformation", "–")),
            (t["engine"], f"{s.get('engine', '–')}; {s.get('permutation', '')}"),
        ]
        parts.append(_kv(pairs))
        parts.append(_sentences(local_sentences(result, r.names, lang=r.lang)))
    return _Raw("".join(parts))


def _statistics(r: _Report) -> _Raw:
    t = r.t
    parts = [
        _Raw(f"<h3>{_esc(t['weights_summary'])}</h3>"),
        _weights_block(r),
        _Raw(f"<h3>{_esc(t['global_stats'])}</h3>"),
        _global_block(r),
        _Raw(f"<h3>{_esc(t['local_stats'])}</h3>"),
        _local_block(r),
    ]
    skipped = r.results.get("skipped", {})
    if skipped:
        parts.append(_Raw(f"<h3>{_esc(t['skipped'])}</h3>"))
        parts.append(_table([t["statistic"], t["reason"]], [[k, v] for k, v in skipped.items()]))
    excluded = [r.area.provenance.get(k) for k in ("statistics_excluded", "inequality_excluded")]
    excluded = [e for e in excluded if e]
    if excluded:
        parts.append(_Raw(f"<h4>{_esc(t['excluded'])}</h4>"))
        parts.append(_sentences(excluded))
    return _Raw("".join(parts))


def _gap_title(r: _Report) -> str:
    table = r.results.get("gap_table")
    compare = set(r.config.groups.compare)
    if table is not None and table.grouping == "wilayah" and {"utara", "selatan"} <= compare:
        return r.t["gap"]
    return r.t["gap_other"]


def _gap(r: _Report) -> _Raw:
    t = r.t
    table = r.results.get("gap_table")
    if table is None:
        return _p(t["not_computed"])
    indicator = r.indicators.get(table.variable)
    d = 2 if indicator is None else indicator.decimals
    title = r.label(table.variable) + (f" ({indicator.unit(r.lang)})" if indicator and indicator.unit(r.lang) else "")
    parts = [_kv([(t["indicator"], title), (t["grouping"], t.get(f"grouping_{table.grouping}", table.grouping))])]
    parts.append(_Raw(f"<h4>{_esc(t['interpretation'])}</h4>"))
    parts.append(_sentences(r.sentences["gap"]))

    groups = table.groups_frame()
    label = r.group_label if table.grouping == "wilayah" else str
    rows = []
    for g, row in groups.iterrows():
        rows.append(
            [
                label(g),
                int(row["n"]),
                r.num(row["mean"], d),
                r.num(row["median"], d),
                r.num(row["min"], d),
                r.num(row["max"], d),
                r.num(row["weighted_mean"], d) if "weighted_mean" in row else "–",
                r.num(100 * row["population_share"], 1) + "%" if "population_share" in row else "–",
                r.num(100 * row["share_of_total"], 1) + "%",
            ]
        )
    headers = [
        t["group"], t["n"], t["mean"], t["median"], t["min"], t["max"], t["weighted_mean"], t["population_share"],
        t["share_of_total"],
    ]  # fmt: skip
    parts += [_Raw(f"<h3>{_esc(t['groups_table'])}</h3>"), _table(headers, rows, num=range(1, 9))]

    rows = []
    for row in table.pairs_frame().itertuples(index=False):
        verdict = (
            "–" if pd.isna(row.p_value) else (t["significant"] if row.p_value <= r.alpha else t["not_significant"])
        )
        rows.append(
            [
                f"{label(row.a)} − {label(row.b)}",
                f"{row.n_a} / {row.n_b}",
                r.num(row.mean_a, d),
                r.num(row.mean_b, d),
                r.num(row.difference, d),
                r.num(row.ratio, 2),
                format_p(row.p_value, alpha=r.alpha, permutations=table.permutations, lang=r.lang),
                verdict,
            ]
        )
    headers = [
        t["pair"], "n", f"{t['mean']} a", f"{t['mean']} b", t["difference"], t["ratio"], t["p_value"],
        t["verdict"].format(alpha=format_setting(r.alpha, r.lang)),
    ]  # fmt: skip
    parts += [_Raw(f"<h3>{_esc(t['pairs_table'])}</h3>"), _table(headers, rows, num=range(1, 7))]

    i = 0 if r.lang == "id" else 1
    rows = []
    for row in table.measures_frame().itertuples(index=False):
        name = _MEASURE_NAMES.get(row.measure, (row.measure, row.measure))[i]
        value = (
            format_p(row.value, permutations=table.permutations, lang=r.lang)
            if row.measure.endswith("p_value")
            else r.num(row.value, 3)
        )
        grouping = t.get(f"grouping_{row.grouping}", row.grouping) if row.grouping else "–"
        rows.append([name, grouping, value, t["yes"] if row.weighted else t["no"], row.definition])
    headers = [t["measure"], t["grouping"], t["value"], t["weighted"], t["description"]]
    parts += [_Raw(f"<h3>{_esc(t['measures_table'])}</h3>"), _table(headers, rows, num=(2,))]

    s = table.settings
    pairs = [
        (t["permutations"], r.num(table.permutations, 0)),
        (t["seed"], table.seed),
        (t["weighting"], s.get("weighting", "–")),
        (t["p_definition"], s.get("p_value_definition", "–")),
        (t["versions"], "; ".join(f"{k.removesuffix('_version')} {v}" for k, v in s.items() if k.endswith("_version"))),
    ]
    parts += [_Raw(f"<h4>{_esc(t['settings'])}</h4>"), _kv(pairs)]
    return _Raw("".join(parts))


def _sector(name: Any) -> str:
    return str(name).replace("_", " ")


def _lq_text(r: _Report, value: float) -> str:
    """An LQ with 2 decimals, or more when 2 would print 1,00 for a value that is not 1."""
    decimals = 2
    while decimals < 6 and not pd.isna(value) and value != 1 and round(value, decimals) == 1:
        decimals += 1
    return r.num(value, decimals)


def _lq_block(r: _Report) -> _Raw:
    t = r.t
    lq = r.results["lq"]
    sectors = list(lq.lq.columns)
    basis = lq.basis["basis"].fillna(False).astype(bool)
    mark = _swatch(SCHEMES["basis"].colors["basis"])
    rows, classes = [], []
    for code in lq.lq.index:
        flags = [bool(basis.get((code, s), False)) for s in sectors]
        values = [
            _Raw(mark + _esc(_lq_text(r, lq.lq.at[code, s]))) if f else _lq_text(r, lq.lq.at[code, s])
            for s, f in zip(sectors, flags, strict=True)
        ]
        listed = ", ".join(_sector(s) for s, f in zip(sectors, flags, strict=True) if f)
        rows.append([code, r.names.get(code, code), *values, listed or "–"])
        classes.append(["", "", *("basis" if f else "" for f in flags), ""])
    headers = [t["kode"], t["nama"], *(_sector(s) for s in sectors), t["basis_sectors"]]
    table = _table(headers, rows, num=range(2, 2 + len(sectors)), cls="lq", cell_classes=classes)
    note = _Raw(f"<p>{mark}{_esc(t['lq_note'].format(year=lq.year if lq.year is not None else '–'))}</p>")
    return _Raw(note + table + _kv([(t["settings"], lq.settings.get("definition", ""))]))


def _shift_share_block(r: _Report) -> _Raw:
    t = r.t
    result = r.results["shift_share"]
    columns = ["base", "end", "change", "national_share", "industry_mix", "competitive"]
    by_sector = result.components[columns].groupby(level="sektor", sort=False).sum()
    rows = [[_sector(s), *(r.num(v, 0) for v in row)] for s, row in by_sector.iterrows()]
    totals = by_sector.sum()
    rows.append([_Raw(f"<b>{_esc(t['all_sectors'])}</b>"), *(r.num(v, 0) for v in totals)])
    headers = [t["sector"], *(f"{t[c]}" for c in columns)]
    headers[1] += f" {result.base_year}"
    headers[2] += f" {result.end_year}"
    pairs = [
        (t["years"], f"{result.base_year}–{result.end_year}"),
        (t["reference"], result.settings.get("reference", "–")),
        (t["settings"], result.settings.get("definition", "")),
    ]
    return _Raw(_table(headers, rows, num=range(1, 7)) + _kv(pairs))


def _klassen_block(r: _Report) -> _Raw:
    t = r.t
    result = r.results["klassen"]
    frame = result.frame()
    scheme = SCHEMES["klassen"]
    rows = []
    for code in scheme.codes:
        members = list(frame.index[frame["quadrant"] == code])
        rows.append(
            [_Raw(_swatch(scheme.colors[code]) + _esc(scheme.label(code, r.lang))), len(members), r.names_of(members)]
        )
    s = result.settings
    level, growth = r.num(result.level_reference, 2), r.num(result.growth_reference, 2)
    pairs = [
        (t["level"], f"{r.label(s.get('level_variable'))}: {s.get('level_reference', '')} = {level}"),
        (t["growth"], f"{r.label(s.get('growth_variable'))}: {s.get('growth_reference', '')} = {growth}"),
        (t["settings"], s.get("definition", "")),
    ]
    return _Raw(_table([t["quadrant"], t["count"], t["members"]], rows, num=(1,)) + _kv(pairs))


def _regional(r: _Report) -> _Raw:
    t = r.t
    parts = [_Raw(f"<h4>{_esc(t['interpretation'])}</h4>"), _sentences(r.sentences["regional"])]
    blocks = (
        ("lq", t["lq"], _lq_block),
        ("shift_share", t["shift_share"], _shift_share_block),
        ("klassen", t["klassen"], _klassen_block),
    )
    for key, title, block in blocks:
        parts.append(_Raw(f"<h3>{_esc(title)}</h3>"))
        parts.append(block(r) if key in r.results else _p(t["not_computed"]))
    return _Raw("".join(parts))


def _methods(r: _Report) -> _Raw:
    i = 0 if r.lang == "id" else 1
    parts = [_Raw(f"<h3>{_esc(r.t['formulas'])}</h3>")]
    for method in _METHODS:
        parts.append(_Raw(f"<h4>{_esc(method[i])}</h4>"))
        parts.append(_Raw(f'<div class="math">{method[2]}</div>'))
        parts.append(_p(method[3 + i]))
    parts.append(_Raw(f"<h3>{_esc(r.t['references'])}</h3>"))
    parts.append(_Raw('<ol class="refs">' + "".join(f"<li>{_esc(ref)}</li>" for ref in _REFERENCES) + "</ol>"))
    return _Raw("".join(parts))


#: Section key -> builder, for every section of :data:`~umkm_geo.render.report.write.SECTIONS` but ``maps``.
_BUILDERS: Mapping[str, Callable[[_Report], _Raw]] = {
    "study_area": _study_area,
    "sources": _sources,
    "join_qa": _join_qa,
    "statistics": _statistics,
    "gap": _gap,
    "regional": _regional,
    "methods": _methods,
}
