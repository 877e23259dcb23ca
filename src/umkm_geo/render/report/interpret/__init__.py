"""Sentences that read the results aloud, in Bahasa Indonesia (``lang="id"``) or English (``"en"``).

Every sentence is generated from the numbers of one result and states what it rests on (the
p-value, its kind, the number of permutations, the significance level), so that a report writer can
paste it as it is. Significance follows each result's own rule: local statistics use the
``significant`` flag the statistic computed (after its multiple-testing correction), global
statistics and the gap test compare the p-value with ``alpha`` (``p <= alpha`` is significant).
Numbers are formatted by :func:`umkm_geo._i18n.format_number` (``1.234,5`` in Indonesian);
a p-value gets as many decimals as it needs so that its printed value never contradicts the verdict
(``p = 0,0504`` is not shown as ``0,05``).

Sentences are plain text; the renderers escape them (kecamatan names come from data). Their words
and patterns are the ``report.*`` keys of the locale files (read with :func:`umkm_geo._i18n.text`);
the statistics are named by :mod:`umkm_geo.stats.registry`.

The sentences of each family of results live in their own module: :mod:`.global_`, :mod:`.local`,
:mod:`.gap`, :mod:`.regional`; the number formats and shared words in :mod:`.numbers`. This package
gathers them and reads a whole study area (:func:`interpret`).

Functions
---------
:func:`global_sentence`
    Reading of a global statistic (Moran's I, Geary's C, General G, join counts, ...).
:func:`local_sentences`
    Significant clusters, outliers or hot/cold spots of a local statistic, naming the kecamatan.
:func:`gap_sentences`, :func:`theil_sentence`
    The gap between groups (means, difference, ratio, permutation test) and Theil's between share.
:func:`klassen_sentences`, :func:`basis_sentences`, :func:`shift_share_sentences`
    Regional economics: Klassen quadrants, LQ basis sectors, shift-share.
:func:`interpret`
    All of the above for a study area, by report section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from umkm_geo.render.report.interpret.gap import gap_sentences, theil_sentence
from umkm_geo.render.report.interpret.global_ import GLOBAL_READINGS, global_name, global_sentence, global_variable
from umkm_geo.render.report.interpret.local import local_sentences
from umkm_geo.render.report.interpret.numbers import _check_lang, format_p, format_setting, join_names
from umkm_geo.render.report.interpret.regional import basis_sentences, klassen_sentences, shift_share_sentences

if TYPE_CHECKING:
    from umkm_geo.study_area import StudyArea

__all__ = [
    "GLOBAL_READINGS",
    "basis_sentences",
    "display_names",
    "format_p",
    "format_setting",
    "gap_sentences",
    "global_name",
    "global_sentence",
    "global_variable",
    "interpret",
    "join_names",
    "klassen_sentences",
    "local_sentences",
    "shift_share_sentences",
    "theil_sentence",
]


def display_names(frame: pd.DataFrame) -> pd.Series:
    """Kecamatan names to show: ``nama``, with the code added to a name that occurs more than once.

    Parameters
    ----------
    frame
        Study-area frame indexed by ``kode`` with ``nama``.

    Returns
    -------
    pandas.Series
        Indexed like ``frame``, e.g. ``"Sukorejo (35.72.02)"`` when two kecamatan are named Sukorejo.
    """
    names = frame["nama"].astype(object).where(frame["nama"].notna(), pd.Series(frame.index, index=frame.index))
    names = names.astype(str)
    repeated = names.duplicated(keep=False)
    return names.where(~repeated, names + " (" + pd.Series(frame.index, index=frame.index).astype(str) + ")")


def _group_labels(area: StudyArea, lang: str) -> dict[str, str]:
    grouping = area.results.grouping
    if grouping is None:
        return {}
    return {g: grouping.label(g, lang) for g in pd.unique(grouping.groups.dropna())}


def interpret(area: StudyArea, *, alpha: float = 0.05, lang: str = "id") -> dict[str, list[str]]:
    """Every sentence the results of a study area support, by report section.

    Parameters
    ----------
    area
        A :class:`umkm_geo.study_area.StudyArea` after the statistics stages (results that are
        absent are skipped).
    alpha
        Significance level of the global statistics and the gap test (the local statistics use
        their own settings).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    dict
        ``{"global": [...], "local": [...], "gap": [...], "regional": [...]}``; the local
        sentences of each statistic follow one another in the order of ``results.local``.
    """
    lang = _check_lang(lang)
    results = area.results
    indicators = results.indicators
    names = display_names(area.frame)

    out: dict[str, list[str]] = {"global": [], "local": [], "gap": [], "regional": []}
    for result in results.global_stats.values():
        label = global_variable(result.to_dict()["statistics"], indicators, lang=lang)
        out["global"].append(global_sentence(result, alpha=alpha, lang=lang, label=label))
    for local in results.local.values():
        out["local"].extend(local_sentences(local, names, lang=lang))
    table = results.gap_table
    if table is not None:
        labels = _group_labels(area, lang)
        indicator = indicators.get(table.variable or "")
        out["gap"].extend(gap_sentences(table, alpha=alpha, lang=lang, labels=labels, indicator=indicator))
        for theil in table.theil.values():
            if theil.between_share is not None and len(theil.groups_frame()) >= 2:  # one group: nothing between
                out["gap"].append(theil_sentence(theil, lang=lang, labels=labels, indicator=indicator))
    klassen = results.klassen
    if klassen is not None:
        settings = klassen.settings
        out["regional"].extend(
            klassen_sentences(
                klassen,
                names,
                lang=lang,
                level=indicators.get(settings.get("level_variable") or ""),
                growth=indicators.get(settings.get("growth_variable") or ""),
            )
        )
    if results.lq is not None:
        out["regional"].extend(basis_sentences(results.lq, names, lang=lang))
    if results.shift_share is not None:
        out["regional"].extend(shift_share_sentences(results.shift_share, names, lang=lang))
    return out
