"""The report's first page and its survey, FFA and produk sections.

:func:`summary` gathers the headline findings of the run on one page: the findings from official data
first (GRDP per capita quadrants, the IDM 2024 gap, each ``[[layers]]`` layer's spatial pattern), then
the findings from the user's or illustrative inputs, each of those marked when its input is
illustrative. :func:`survey`, :func:`ffa` and :func:`produk` give the sections of the questionnaire,
the force field analysis and the leading products: their figures and sentences generated from the
numbers. Every sentence is made by the code that writes it in its own section (the same words), so
the summary never states a number the sections do not.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from umkm_geo._i18n import text, unit_level
from umkm_geo._provenance import figure_components
from umkm_geo.render.report import figures
from umkm_geo.render.report.model import Report

__all__ = ["ffa", "produk", "summary", "survey"]

_KEY = "report.summary."

#: Figures of the survey, FFA and produk sections (by key prefix); the maps section shows the others.
SECTION_FIGURES = {"survey": ("survei_",), "ffa": ("ffa",), "produk": ("produk_",)}


def _official(r: Report) -> list[str]:
    from umkm_geo.render.report.interpret import interpret
    from umkm_geo.render.report.official import grdp_sentences, idm_sentences

    found = grdp_sentences(r)[1:]  # the kab/kota of the study and the inequality (not the intro)
    found += idm_sentences(r)[1:2]  # the gaps and their p (the means are in the official section)
    for area in r.results.layers.values():
        with unit_level(area.level):
            read = interpret(area, alpha=r.alpha, lang=r.lang)
        found += [*read["global"][:1], *read["gap"][:1]]  # the clusters, which name desa, are in the section
    return found


def _marked(r: Report, sentence: str, components: Any) -> dict[str, Any]:
    return {"text": sentence, "stamped": r.stamped(components)}


def _from_inputs(r: Report) -> list[dict[str, Any]]:
    """The findings from the UMKM table, survey, FFA and produk inputs, each marked when illustrative."""
    from umkm_geo._provenance import gap_components, statistics_components

    columns = r.area.frame.columns
    found = []
    read = r.sentences
    statistics = statistics_components(r.results, columns)
    found += [_marked(r, s, statistics) for s in [*read.get("global", [])[:1], *read.get("local", [])[:1]]]
    found += [_marked(r, s, gap_components(r.results, columns)) for s in read.get("gap", [])[:1]]
    survey_lines = survey(r)["sentences"][:1]
    found += [_marked(r, s, figure_components("survei_kuadran", r.results, columns)) for s in survey_lines]
    if r.results.ffa is not None:
        found.append(_marked(r, r.results.ffa.balance.sentence(r.lang), figure_components("ffa", r.results, columns)))
    produk_lines = produk(r)["sentences"][:1]
    found += [_marked(r, s, figure_components("produk_unggulan", r.results, columns)) for s in produk_lines]
    return found


def summary(r: Report) -> dict[str, Any]:
    """The headline findings: official ones, then those of the inputs (marked when illustrative)."""
    inputs = _from_inputs(r)
    every = bool(inputs) and all(item["stamped"] for item in inputs)  # one stamp over the list, not one a line
    return {
        "official": _official(r),
        "inputs": [{**item, "stamped": item["stamped"] and not every} for item in inputs],
        "inputs_stamped": every,
        "reading": text(f"{_KEY}reading", r.lang),
    }


def section_figures(r: Report, section: str) -> list[dict[str, Any]]:
    """The figures of ``section`` (``survey``, ``ffa``, ``produk``), embedded, with their captions."""
    prefixes = SECTION_FIGURES[section]
    return [figure for figure in figures.figure_list(r) if figure["key"].startswith(prefixes)]


def survey(r: Report) -> dict[str, Any]:
    """The questionnaire: respondents, the aspect and the units with the widest need - access gap."""
    scores, lang = r.results.survey_scores, r.lang
    if scores is None:
        return {"computed": False, "sentences": [], "figures": []}
    sentences = []
    respondents = scores.respondents
    n = int(respondents["responden"].nunique()) if "responden" in respondents else len(respondents)
    units = int(scores.kecamatan["kode"].nunique())
    overall = scores.overall.copy()
    if not overall.empty and "gap" in overall:
        overall = overall.reset_index() if "aspek" not in overall else overall
        top = overall.sort_values("gap", ascending=False).iloc[0]
        sentences.append(
            text(
                f"{_KEY}survey",
                lang,
                n=n,
                units=units,
                aspect=str(top.get("aspek", "–")).replace("_", " "),
                gap=r.num(top["gap"], 2),
                need=r.num(top["kebutuhan"], 2),
                access=r.num(top["akses"], 2),
            )
        )
    by_unit = scores.kecamatan.groupby("kode")["gap"].mean().dropna()
    if not by_unit.empty:
        widest = by_unit.sort_values(ascending=False).head(3)
        names = ", ".join(f"{r.names.get(k, k)} ({r.num(v, 2)})" for k, v in widest.items())
        sentences.append(text(f"{_KEY}survey_units", lang, names=names))
    return {"computed": True, "sentences": sentences, "figures": section_figures(r, "survey")}


def ffa(r: Report) -> dict[str, Any]:
    """The force field analysis: the balance of forces and the key success factors of each side."""
    result = r.results.ffa
    if result is None:
        return {"computed": False, "sentences": [], "figures": []}
    sentences = [result.balance.sentence(r.lang)]
    fkk = result.key_factors
    for side in ("pendorong", "penghambat"):
        rows = fkk[fkk["jenis"] == side]
        if len(rows):
            names = "; ".join(f"{k}: {row['faktor']}" for k, row in rows.iterrows())
            sentences.append(text(f"{_KEY}ffa_{side}", r.lang, factors=names))
    return {"computed": True, "sentences": sentences, "figures": section_figures(r, "ffa")}


def produk(r: Report) -> dict[str, Any]:
    """The leading products: the best candidate and the product leading in most units."""
    result = r.results.mpe
    if result is None:
        return {"computed": False, "sentences": [], "figures": []}
    scores = result.scores
    best = scores.sort_values(["peringkat", "produk"]).iloc[0]
    leaders = scores[scores["peringkat_kecamatan"] == 1]
    counts = leaders["produk"].value_counts()
    sentences = [
        text(
            f"{_KEY}produk",
            r.lang,
            n=len(scores),
            units=int(scores["kode"].nunique()),
            product=best["produk"],
            unit=best["kecamatan"],
            value=r.num(best["nilai_total"], 1),
        )
    ]
    if len(counts) and not pd.isna(counts.iloc[0]):
        sentences.append(text(f"{_KEY}produk_common", r.lang, product=counts.index[0], k=int(counts.iloc[0])))
    return {"computed": True, "sentences": sentences, "figures": section_figures(r, "produk")}
