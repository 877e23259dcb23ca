"""The numbers of the result sections of the report (statistics, gap, regional economics), for their templates.

Like :mod:`umkm_geo.render.report.sections`: each builder takes the shared
:class:`~umkm_geo.render.report.model.Report` and returns what its template shows (table rows,
name/value pairs, the sentences of :mod:`umkm_geo.render.report.interpret`), every number already
formatted for the report's language; the templates write the HTML and escape every text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from umkm_geo import _i18n
from umkm_geo._i18n import text
from umkm_geo.classify.symbology import SCHEMES
from umkm_geo.render.report.interpret import (
    GLOBAL_READINGS,
    format_p,
    format_setting,
    global_name,
    global_variable,
    local_sentences,
)
from umkm_geo.render.report.interpret.settings import setting
from umkm_geo.render.report.model import Cell, Report
from umkm_geo.stats import registry

if TYPE_CHECKING:
    from umkm_geo.stats.regional.lq import LQResult
    from umkm_geo.stats.regional.shiftshare import ShiftShareResult
    from umkm_geo.stats.regional.typology import KlassenResult

__all__ = ["gap", "gap_title", "regional", "statistics"]


def _versions(settings: Mapping[str, Any]) -> str:
    """``"esda 2.6; libpysal 4.12"`` from the ``*_version`` settings of a result."""
    return "; ".join(f"{k.removesuffix('_version')} {v}" for k, v in settings.items() if k.endswith("_version"))


def _swatch(scheme: Any, code: str, lang: str) -> Cell:
    """A category of a colour scheme: its colour square and its label."""
    return Cell("swatch", scheme.label(code, lang), scheme.colors[code])


# --- statistics ----------------------------------------------------------------------------------


def _weights(r: Report) -> list[tuple[str, Any]] | None:
    t = r.t
    weights = r.results.weights
    if weights is None:
        return None
    stats, settings = weights.to_dict()["statistics"], weights.to_dict()["settings"]
    islands = stats.get("islands") or []
    return [
        (t["method"], f"{settings.get('method')} — {setting(settings.get('method_description', ''), r.lang)}"),
        (t["transformation"], setting(settings.get("transform_description", settings.get("transform")), r.lang)),
        (t["n_units"], stats.get("n")),
        (t["mean_neighbours"], r.num(stats.get("mean_neighbours"), 2)),
        (t["min_max_neighbours"], f"{stats.get('min_neighbours')}–{stats.get('max_neighbours')}"),
        (t["n_joins"], stats.get("n_joins")),
        (t["components"], stats.get("n_components")),
        (t["islands"], r.names_of(islands) if islands else t["none"]),
        (t["island_policy"], setting(settings.get("islands_description", settings.get("islands")), r.lang)),
        (t["versions"], _versions({"libpysal_version": settings.get("libpysal_version", "–")})),
    ]


def _global(r: Report) -> dict[str, Any] | None:
    t = r.t
    results = r.results.global_stats
    if not results:
        return None
    rows, settings_rows = [], []
    for result in results.values():
        payload = result.to_dict()
        name, stats, settings = payload["result"], payload["statistics"], payload["settings"]
        spec = GLOBAL_READINGS.get(name)
        if spec is None:
            continue
        p = stats[spec["p"]]
        decimals = spec.get("decimals", 3)
        perm = settings["permutations"]
        rows.append(
            [
                global_name(name, r.lang),
                global_variable(stats, r.indicators, lang=r.lang),
                r.num(stats[spec["stat"]], decimals),
                r.num(stats[spec["expected"]], decimals),
                r.num(stats.get(spec["z"]), 2),
                format_p(p, alpha=r.alpha, permutations=perm, lang=r.lang),
                format_p(stats.get(spec["p"] + "_folded"), permutations=perm, lang=r.lang),
                t["significant"] if p <= r.alpha else t["not_significant"],
            ]
        )
        settings_rows.append(
            [
                global_name(name, r.lang),
                r.num(perm, 0),
                settings.get("seed"),
                t.get(settings.get("alternative"), settings.get("alternative")),
                settings.get("transformation", "–"),
                _versions(settings),
            ]
        )
    first = next(iter(results.values())).to_dict()["settings"]
    return {
        "rows": rows,
        "settings": settings_rows,
        "p_definition": setting(first.get("p_sim_definition"), r.lang),
        "has_p_definition": "p_sim_definition" in first,
        "sentences": r.sentences["global"],
    }


def _local(r: Report) -> list[dict[str, Any]] | None:
    t = r.t
    results = r.results.local
    if not results:
        return None
    out = []
    for result in results.values():
        spec = registry.by_result(result.statistic)
        name = result.statistic if spec is None else spec.label(r.lang)
        scheme = SCHEMES[spec.scheme if spec is not None else "lisa"]
        if result.statistic == "local_moran_bv" and "x" in result.settings:
            x, y = r.label(result.settings["x"]), r.label(result.settings["y"])
            variable = text("report.variable.bivariate", r.lang, x=x, y=y)
        else:
            variable = r.label(str(result.variable))
        cluster = result.frame()["cluster"]
        rows = []
        for code in scheme.codes:
            members = list(cluster.index[cluster == code])
            listed = r.names_of(members) if code not in ("ns",) else ""
            rows.append([_swatch(scheme, code, r.lang), len(members), listed])
        s = result.settings
        p_type = setting(s.get("p_value_type", ""), r.lang)
        pairs = [
            (t["permutations"], r.num(result.permutations, 0)),
            (t["seed"], result.seed),
            (t["p_value_type"], f"{t.get(result.p_value, result.p_value)} — {p_type}"),
            (t["alpha"], format_setting(result.alpha, r.lang)),
            (t["correction"], setting(s.get("correction_definition", result.correction), r.lang)),
            (t["threshold"], format_setting(result.threshold, r.lang)),
            (t["transformation"], setting(s.get("transformation", "–"), r.lang)),
            (t["engine"], f"{s.get('engine', '–')}; {setting(s.get('permutation', ''), r.lang)}"),
        ]
        out.append(
            {
                "title": f"{name} — {variable}",
                "rows": rows,
                "settings": pairs,
                "sentences": local_sentences(result, r.names, lang=r.lang),
            }
        )
    return out


def statistics(r: Report) -> dict[str, Any]:
    """The weights, the global and local statistics with their settings, what was skipped or left out."""
    excluded = [r.area.provenance.get(k) for k in ("statistics_excluded", "inequality_excluded")]
    return {
        "weights": _weights(r),
        "global_stats": _global(r),
        "local_stats": _local(r),
        "verdict": text("report.text.verdict", r.lang, alpha=format_setting(r.alpha, r.lang)),
        "skipped": [[k, setting(v, r.lang)] for k, v in r.results.skipped.items()],
        "excluded": [setting(e, r.lang) for e in excluded if e],
    }


# --- gap -----------------------------------------------------------------------------------------


def gap_title(r: Report) -> str:
    """The title of the gap section: the north-south gap only when the groups compared are those."""
    table = r.results.gap_table
    compare = set(r.options.compare)
    if table is not None and table.grouping == "wilayah" and {"utara", "selatan"} <= compare:
        return r.t["gap"]
    return r.t["gap_other"]


def _group_rows(r: Report, table: Any, label: Callable[[Any], str], d: int) -> list[list[Any]]:
    rows = []
    for g, row in table.groups_frame().iterrows():
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
    return rows


def _pair_rows(r: Report, table: Any, label: Callable[[Any], str], d: int) -> list[list[Any]]:
    t = r.t
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
    return rows


def _measure_rows(r: Report, table: Any) -> list[list[Any]]:
    t = r.t
    measures = _i18n.catalogue(r.lang)
    rows = []
    for row in table.measures_frame().itertuples(index=False):
        name = measures.get(f"report.measure.{row.measure}", row.measure)
        value = (
            format_p(row.value, permutations=table.permutations, lang=r.lang)
            if row.measure.endswith("p_value")
            else r.num(row.value, 3)
        )
        grouping = t.get(f"grouping_{row.grouping}", row.grouping) if row.grouping else "–"
        rows.append([name, grouping, value, t["yes"] if row.weighted else t["no"], setting(row.definition, r.lang)])
    return rows


def gap(r: Report) -> dict[str, Any]:
    """The indicator compared, its sentences, the groups, the pairs tested and the inequality measures."""
    t = r.t
    table = r.results.gap_table
    if table is None:
        return {"computed": False}
    indicator = r.indicators.get(table.variable or "")
    d = 2 if indicator is None else indicator.decimals
    title = r.label(table.variable) + (f" ({indicator.unit(r.lang)})" if indicator and indicator.unit(r.lang) else "")
    label = r.group_label if table.grouping == "wilayah" else str
    s = table.settings
    return {
        "computed": True,
        "indicator": title,
        "grouping": t.get(f"grouping_{table.grouping}", table.grouping),
        "sentences": r.sentences["gap"],
        "groups": _group_rows(r, table, label, d),
        "pairs": _pair_rows(r, table, label, d),
        "verdict": text("report.text.verdict", r.lang, alpha=format_setting(r.alpha, r.lang)),
        "measures": _measure_rows(r, table),
        "settings": [
            (t["permutations"], r.num(table.permutations, 0)),
            (t["seed"], table.seed),
            (t["weighting"], setting(s.get("weighting", "–"), r.lang)),
            (t["p_definition"], setting(s.get("p_value_definition", "–"), r.lang)),
            (t["versions"], _versions(s)),
        ],
    }


# --- regional economics --------------------------------------------------------------------------


def _sector(name: Any) -> str:
    return str(name).replace("_", " ")


def _lq_text(r: Report, value: float) -> str:
    """An LQ with 2 decimals, or more when 2 would print 1,00 for a value that is not 1."""
    decimals = 2
    while decimals < 6 and not pd.isna(value) and value != 1 and round(value, decimals) == 1:
        decimals += 1
    return r.num(value, decimals)


def _lq(r: Report, lq: LQResult) -> dict[str, Any]:
    sectors = list(lq.lq.columns)
    basis = lq.basis["basis"].fillna(False).astype(bool)
    color = SCHEMES["basis"].colors["basis"]
    rows = []
    for code in lq.lq.index:
        flags = [bool(basis.get((code, s), False)) for s in sectors]
        values = [
            Cell("swatch", _lq_text(r, lq.lq.at[code, s]), color, cls="basis") if f else _lq_text(r, lq.lq.at[code, s])
            for s, f in zip(sectors, flags, strict=True)
        ]
        listed = ", ".join(_sector(s) for s, f in zip(sectors, flags, strict=True) if f)
        rows.append([code, r.names.get(code, code), *values, listed or "–"])
    return {
        "color": color,
        "note": text("report.text.lq_note", r.lang, year=lq.year if lq.year is not None else "–"),
        "sectors": [_sector(s) for s in sectors],
        "rows": rows,
        "definition": setting(lq.settings.get("definition", ""), r.lang),
    }


def _shift_share(r: Report, result: ShiftShareResult) -> dict[str, Any]:
    t = r.t
    columns = ["base", "end", "change", "national_share", "industry_mix", "competitive"]
    by_sector = result.components[columns].groupby(level="sektor", sort=False).sum()
    rows: list[list[Any]] = [[_sector(s), *(r.num(v, 0) for v in row)] for s, row in by_sector.iterrows()]
    rows.append([Cell("bold", t["all_sectors"]), *(r.num(v, 0) for v in by_sector.sum())])
    headers = [t["sector"], *(t[c] for c in columns)]
    headers[1] += f" {result.base_year}"
    headers[2] += f" {result.end_year}"
    return {
        "headers": headers,
        "rows": rows,
        "settings": [
            (t["years"], f"{result.base_year}–{result.end_year}"),
            (t["reference"], setting(result.settings.get("reference", "–"), r.lang)),
            (t["settings"], setting(result.settings.get("definition", ""), r.lang)),
        ],
    }


def _klassen(r: Report, result: KlassenResult) -> dict[str, Any]:
    t = r.t
    frame = result.frame()
    scheme = SCHEMES["klassen"]
    rows = []
    for code in scheme.codes:
        members = list(frame.index[frame["quadrant"] == code])
        rows.append([_swatch(scheme, code, r.lang), len(members), r.names_of(members)])
    s = result.settings
    level, growth = r.num(result.level_reference, 2), r.num(result.growth_reference, 2)
    level_text, growth_text = (setting(s.get(k, ""), r.lang) for k in ("level_reference", "growth_reference"))
    return {
        "rows": rows,
        "settings": [
            (t["level"], f"{r.label(s.get('level_variable'))}: {level_text} = {level}"),
            (t["growth"], f"{r.label(s.get('growth_variable'))}: {growth_text} = {growth}"),
            (t["settings"], setting(s.get("definition", ""), r.lang)),
        ],
    }


def regional(r: Report) -> dict[str, Any]:
    """The sentences, then LQ and basis sectors, shift-share and the Klassen typology (each when computed)."""
    return {
        "sentences": r.sentences["regional"],
        "lq": None if r.results.lq is None else _lq(r, r.results.lq),
        "shift_share": None if r.results.shift_share is None else _shift_share(r, r.results.shift_share),
        "klassen": None if r.results.klassen is None else _klassen(r, r.results.klassen),
    }
