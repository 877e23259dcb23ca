"""Sentences that name the kecamatan of each significant category of a local statistic (LISA, Gi*, local Geary)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pandas as pd

from umkm_geo.render.report.interpret.numbers import (
    _CORRECTION_NAMES,
    _check_lang,
    _names_of,
    _test_phrase,
    format_setting,
    join_names,
)

__all__ = ["local_sentences"]

#: Phrases of the categories of each local statistic (id, en), in legend order.
_LOCAL_PHRASES: Mapping[str, Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "local_moran": {
            "HH": ("klaster tinggi-tinggi (HH)", "high-high (HH) clusters"),
            "LL": ("klaster rendah-rendah (LL)", "low-low (LL) clusters"),
            "LH": ("pencilan rendah-tinggi (LH)", "low-high (LH) outliers"),
            "HL": ("pencilan tinggi-rendah (HL)", "high-low (HL) outliers"),
        },
        "local_moran_bv": {
            "HH": ("klaster bivariat tinggi-tinggi (HH)", "bivariate high-high (HH) clusters"),
            "LL": ("klaster bivariat rendah-rendah (LL)", "bivariate low-low (LL) clusters"),
            "LH": ("pencilan bivariat rendah-tinggi (LH)", "bivariate low-high (LH) outliers"),
            "HL": ("pencilan bivariat tinggi-rendah (HL)", "bivariate high-low (HL) outliers"),
        },
        "local_gi_star": {
            "hot": ("titik panas (hot spot)", "hot spots"),
            "cold": ("titik dingin (cold spot)", "cold spots"),
        },
        "local_geary": {
            "HH": ("asosiasi positif tinggi-tinggi (HH)", "high-high (HH) positive associations"),
            "LL": ("asosiasi positif rendah-rendah (LL)", "low-low (LL) positive associations"),
            "other_positive": ("asosiasi positif lain", "other positive associations"),
            "negative": ("asosiasi negatif", "negative associations"),
        },
    }
)


def _local_rule(result: Any, lang: str) -> str:
    """``p ≤ 0,05, dua sisi, 999 permutasi`` with the correction when one was applied."""
    test = _test_phrase(result.p_value, result.permutations, lang)
    if result.correction == "none":
        return f"p ≤ {format_setting(result.threshold, lang)}, {test}"
    name = _CORRECTION_NAMES.get(result.correction, result.correction)
    alpha = format_setting(result.alpha, lang)
    if result.threshold <= 0:
        cut = "tidak ada p yang lolos" if lang == "id" else "no p-value passes"
        return f"{name}, α = {alpha}: {cut}; {test}"
    word = "koreksi" if lang == "id" else "correction"
    return f"p ≤ {format_setting(result.threshold, lang)} ({word} {name}, α = {alpha}), {test}"


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
    phrases = _LOCAL_PHRASES.get(result.statistic)
    if phrases is None:
        msg = f"No phrases for the local statistic {result.statistic!r}; known: {sorted(_LOCAL_PHRASES)}."
        raise ValueError(msg)
    codes = list(phrases) if codes is None else list(codes)
    unknown = [c for c in codes if c not in phrases]
    if unknown:
        msg = f"Unknown categories {unknown} of {result.statistic}; valid: {list(phrases)}."
        raise ValueError(msg)
    cluster = result.frame()["cluster"]
    rule = _local_rule(result, lang)
    i = 0 if lang == "id" else 1
    out = []
    for code in codes:
        phrase = phrases[code][i]
        members = _names_of(list(cluster.index[cluster == code]), names)
        if not members:
            start = "Tidak ada " if lang == "id" else "No significant "
            middle = " yang signifikan" if lang == "id" else ""
            out.append(f"{start}{phrase}{middle} ({rule}).")
            continue
        n = f"{len(members)} kecamatan"
        listed = join_names(members, lang)
        if lang == "id":
            out.append(f"{phrase[0].upper()}{phrase[1:]} yang signifikan ({n}): {listed} ({rule}).")
        else:
            out.append(f"Significant {phrase} ({n}): {listed} ({rule}).")
    islands = _names_of(list(cluster.index[cluster == "island"]), names)
    if islands:
        lead = "Tanpa tetangga, tidak diuji" if lang == "id" else "No neighbours, not tested"
        out.append(f"{lead}: {join_names(islands, lang)}.")
    return out
