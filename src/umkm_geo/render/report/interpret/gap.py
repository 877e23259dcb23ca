"""Sentences on the gap between groups: means, difference, ratio, permutation test, and Theil's between share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from umkm_geo._i18n import format_number, text
from umkm_geo.render.report.interpret.numbers import _at_alpha, _check_lang, _count, _pct, format_p, join_names

__all__ = ["gap_sentences", "theil_sentence"]


def _group_label(group: Any, labels: Mapping[str, str] | None) -> str:
    if labels and group in labels:
        return str(labels[group])
    return str(group)


def gap_sentences(
    table: Any,
    *,
    alpha: float = 0.05,
    lang: str = "id",
    labels: Mapping[str, str] | None = None,
    indicator: Any = None,
) -> list[str]:
    """Describe the gap of every compared pair of groups: means, difference, ratio, permutation test.

    Parameters
    ----------
    table
        A :class:`umkm_geo.stats.inequality.gap_table.GapTable` (its ``pairs_frame()``, ``permutations`` and
        ``settings`` are read; a pair with a one-unit group has ``p_value`` NaN: not tested).
    alpha
        Significance level; ``p <= alpha`` is significant.
    lang
        ``"id"`` or ``"en"``.
    labels
        Display label of each group (e.g. ``{"utara": "Blitar Utara"}``).
    indicator
        The :class:`umkm_geo.indicators.core.Indicator` measured (label, unit and decimals); default: the
        variable name and 2 decimals.

    Returns
    -------
    list of str
        One sentence per pair.
    """
    lang = _check_lang(lang)
    decimals = 2 if indicator is None else indicator.decimals
    what = str(table.variable) if indicator is None else indicator.label(lang)
    unit = "" if indicator is None else indicator.unit(lang)
    unit = f" {unit}" if unit else ""
    at = _at_alpha(alpha, lang)
    out = []
    for row in table.pairs_frame().itertuples(index=False):
        a, b = _group_label(row.a, labels), _group_label(row.b, labels)
        head = text(
            "report.gap.head",
            lang,
            what=what,
            a=a,
            mean_a=format_number(row.mean_a, decimals, lang=lang),
            b=b,
            mean_b=format_number(row.mean_b, decimals, lang=lang),
            unit=unit,
            difference=format_number(row.difference, decimals, lang=lang),
        )
        if not pd.isna(row.ratio):
            head += text("report.gap.ratio", lang, ratio=format_number(row.ratio, 2, lang=lang))
        p = row.p_value
        if pd.isna(p):
            tail = text("report.gap.untested", lang)
        else:
            tail = text(
                "report.gap.tested",
                lang,
                p=format_p(p, alpha=alpha, permutations=table.permutations, lang=lang),
                permutations=_count(table.permutations, lang),
                verdict=text("report.text.significant" if p <= alpha else "report.text.not_significant", lang),
                at=at,
            )
        out.append(text("report.gap.sentence", lang, head=head, tail=tail))
    return out


def theil_sentence(
    theil: Any, *, lang: str = "id", labels: Mapping[str, str] | None = None, indicator: Any = None
) -> str:
    """Say which share of the inequality (Theil's T) lies between the groups.

    Parameters
    ----------
    theil
        A decomposed :class:`umkm_geo.stats.inequality.indices.TheilResult`.
    lang
        ``"id"`` or ``"en"``.
    labels
        Display label of each group.
    indicator
        The indicator measured (its label is named).

    Returns
    -------
    str
        E.g. ``"80,6% dari ketimpangan UMKM per 1.000 penduduk (Theil T = 0,390, berbobot penduduk)
        terletak antara Blitar Utara, Blitar Selatan dan Kota Blitar; 19,4% di dalam kelompok."``

    Raises
    ------
    ValueError
        If the Theil result was computed without groups.
    """
    lang = _check_lang(lang)
    if theil.between_share is None:
        msg = "This Theil result has no between/within decomposition (it was computed without groups)."
        raise ValueError(msg)
    groups = join_names([_group_label(g, labels) for g in theil.groups_frame().index], lang)
    what = str(theil.variable) if indicator is None else indicator.label(lang)
    total = format_number(theil.total, 3, lang=lang)
    if pd.isna(theil.between_share):
        return text("report.theil.nothing", lang, what=what, total=total)
    return text(
        "report.theil.between",
        lang,
        between=_pct(theil.between_share, lang),
        what=what,
        total=total,
        weight=text("report.theil.weighted" if theil.weighted else "report.theil.unweighted", lang),
        groups=groups,
        within=_pct(1.0 - theil.between_share, lang),
    )
