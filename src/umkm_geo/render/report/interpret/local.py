"""Sentences that name the kecamatan of each significant category of a local statistic (LISA, Gi*, local Geary)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pandas as pd

from umkm_geo._i18n import text
from umkm_geo.render.report.interpret.numbers import (
    _capitalized,
    _check_lang,
    _correction,
    _names_of,
    _test_phrase,
    format_setting,
    join_names,
)

__all__ = ["local_sentences"]

#: The categories of each local statistic that have a phrase, in legend order (their words are
#: ``report.local.<statistic>.<category>`` in the locale files).
_CATEGORIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "local_moran": ("HH", "LL", "LH", "HL"),
        "local_moran_bv": ("HH", "LL", "LH", "HL"),
        "local_gi_star": ("hot", "cold"),
        "local_geary": ("HH", "LL", "other_positive", "negative"),
    }
)


def _local_rule(result: Any, lang: str) -> str:
    """``p ≤ 0,05, dua sisi, 999 permutasi`` with the correction when one was applied."""
    test = _test_phrase(result.p_value, result.permutations, lang)
    threshold = format_setting(result.threshold, lang)
    if result.correction == "none":
        return text("report.local.rule", lang, threshold=threshold, test=test)
    name = _correction(result.correction, lang)
    alpha = format_setting(result.alpha, lang)
    if result.threshold <= 0:
        return text("report.local.rule_none_pass", lang, correction=name, alpha=alpha, test=test)
    return text("report.local.rule_corrected", lang, threshold=threshold, correction=name, alpha=alpha, test=test)


def local_sentences(
    result: Any, names: pd.Series | None = None, *, lang: str = "id", codes: Sequence[str] | None = None
) -> list[str]:
    """Name the kecamatan of each significant category of a local statistic.

    Parameters
    ----------
    result
        A :class:`umkm_geo.stats.autocorrelation.local.LocalResult` (local Moran, bivariate Moran, Gi*, local
        Geary). Membership is read from its ``cluster`` column, i.e. after its correction.
    names
        Kecamatan names indexed like the result (codes are shown where a name is missing).
    lang
        ``"id"`` or ``"en"``.
    codes
        Categories to describe (default: every category of the statistic except ``ns`` and
        ``island``, in legend order).

    Returns
    -------
    list of str
        One sentence per category, e.g. ``"Klaster rendah-rendah (LL) yang signifikan (2
        kecamatan): Bakung dan Wonotirto (p ≤ 0,05, dua sisi, 999 permutasi)."`` or ``"Tidak ada
        klaster rendah-rendah (LL) yang signifikan (...)."``; then one listing the units without
        neighbours, if any.
    """
    lang = _check_lang(lang)
    known = _CATEGORIES.get(result.statistic)
    if known is None:
        msg = f"No phrases for the local statistic {result.statistic!r}; known: {sorted(_CATEGORIES)}."
        raise ValueError(msg)
    codes = list(known) if codes is None else list(codes)
    unknown = [c for c in codes if c not in known]
    if unknown:
        msg = f"Unknown categories {unknown} of {result.statistic}; valid: {list(known)}."
        raise ValueError(msg)
    cluster = result.frame()["cluster"]
    rule = _local_rule(result, lang)
    out = []
    for code in codes:
        phrase = text(f"report.local.{result.statistic}.{code}", lang)
        members = _names_of(list(cluster.index[cluster == code]), names)
        if not members:
            out.append(_capitalized(text("report.local.none", lang, phrase=phrase, rule=rule)))
            continue
        listed = join_names(members, lang)
        sentence = text("report.local.some", lang, phrase=phrase, count=len(members), names=listed, rule=rule)
        out.append(_capitalized(sentence))
    islands = _names_of(list(cluster.index[cluster == "island"]), names)
    if islands:
        out.append(text("report.local.islands", lang, names=join_names(islands, lang)))
    return out
