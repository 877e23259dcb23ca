"""Sentences on the gap between groups: means, difference, ratio, permutation test, and Theil's between share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from umkm_geo.classify.breaks import format_number
from umkm_geo.render.report.interpret.numbers import (
    _WORDS,
    _check_lang,
    _count,
    _pct,
    format_p,
    format_setting,
    join_names,
)

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
    at = _WORDS[lang]["at_alpha"].format(alpha=format_setting(alpha, lang))
    out = []
    for row in table.pairs_frame().itertuples(index=False):
        a, b = _group_label(row.a, labels), _group_label(row.b, labels)
        mean_a = format_number(row.mean_a, decimals, lang=lang)
        mean_b = format_number(row.mean_b, decimals, lang=lang)
        diff = format_number(row.difference, decimals, lang=lang)
        ratio = "" if pd.isna(row.ratio) else format_number(row.ratio, 2, lang=lang)
        p = row.p_value
        perm = _count(table.permutations, lang)
        if lang == "id":
            head = f"Rata-rata {what} per kecamatan (tanpa pembobot): {a} {mean_a}, {b} {mean_b}{unit}; selisih {diff}"
            head += f" (rasio {ratio})" if ratio else ""
            if pd.isna(p):
                tail = "tidak diuji, karena satu kelompok hanya berisi satu kecamatan"
            else:
                verdict = "signifikan" if p <= alpha else "tidak signifikan"
                p_text = format_p(p, alpha=alpha, permutations=table.permutations, lang=lang)
                tail = f"uji permutasi dua sisi p = {p_text} ({perm} permutasi): selisih ini {verdict} {at}"
        else:
            head = f"Mean {what} over kecamatan (unweighted): {a} {mean_a}, {b} {mean_b}{unit}; difference {diff}"
            head += f" (ratio {ratio})" if ratio else ""
            if pd.isna(p):
                tail = "not tested, because one group has a single kecamatan"
            else:
                verdict = "significant" if p <= alpha else "not significant"
                p_text = format_p(p, alpha=alpha, permutations=table.permutations, lang=lang)
                tail = (
                    f"two-sided permutation test p = {p_text} ({perm} permutations): the difference is {verdict} {at}"
                )
        out.append(f"{head}; {tail}.")
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
    if lang == "id":
        weight = ", berbobot penduduk" if theil.weighted else ", tanpa pembobot"
        if pd.isna(theil.between_share):
            return f"Theil T {what} = {total}: tidak ada ketimpangan antar kecamatan yang dapat diuraikan."
        between, within = _pct(theil.between_share, lang), _pct(1.0 - theil.between_share, lang)
        return (
            f"{between} dari ketimpangan {what} (Theil T = {total}{weight}) terletak antara {groups}; "
            f"{within} di dalam kelompok."
        )
    weight = ", population-weighted" if theil.weighted else ", unweighted"
    if pd.isna(theil.between_share):
        return f"Theil T of {what} = {total}: there is no inequality among kecamatan to decompose."
    between, within = _pct(theil.between_share, lang), _pct(1.0 - theil.between_share, lang)
    return (
        f"{between} of the inequality of {what} (Theil T = {total}{weight}) lies between {groups}; "
        f"{within} lies within the groups."
    )
