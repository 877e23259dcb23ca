"""Numbers, lists and the shared words of the sentences (:mod:`umkm_geo.render.report.interpret`).

p-values get as many decimals as they need so that their printed value never contradicts the
verdict (:func:`format_p`); settings such as alpha keep the decimals they have (:func:`format_setting`);
lists of names read ``"A, B dan C"`` (:func:`join_names`). The words shared by the sentences (the
kind of test, "at α", "and", the corrections) are ``report.words.*`` and ``report.correction.*`` of
the locale files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from umkm_geo import _i18n
from umkm_geo._i18n import format_number, text

__all__ = ["format_p", "format_setting", "join_names"]


def _check_lang(lang: str) -> str:
    if lang not in _i18n.LANGS:
        msg = f"Unknown language {lang!r}; use 'id' (Bahasa Indonesia) or 'en' (English)."
        raise ValueError(msg)
    return lang


def format_setting(value: float, lang: str = "id") -> str:
    """Format a setting such as alpha (``0,05``) or a threshold with the decimals it has (4 significant at most).

    Parameters
    ----------
    value
        The number.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
    """
    text = f"{float(value):.4g}"
    if "e" in text:
        text = f"{float(value):.10f}".rstrip("0")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return format_number(float(text), decimals, lang=lang)


def _count(n: int, lang: str) -> str:
    return format_number(n, 0, lang=lang)


def _pct(share: float, lang: str, decimals: int = 1) -> str:
    return format_number(100.0 * share, decimals, lang=lang) + "%"


def format_p(p: float, *, alpha: float | None = None, permutations: int | None = None, lang: str = "id") -> str:
    """Format a p-value so that its printed value agrees with the verdict at ``alpha``.

    Parameters
    ----------
    p
        The p-value (NaN gives ``"–"``).
    alpha
        Significance level; decimals are added until the rounded value lies on the same side of
        ``alpha`` as ``p`` (``p <= alpha`` significant).
    permutations
        Number of permutations ``R``: pseudo p-values are multiples of ``1 / (R + 1)``, so at least
        ``ceil(log10(R + 1))`` decimals are shown (3 at least).
    lang
        ``"id"`` (decimal comma) or ``"en"``.

    Returns
    -------
    str
        E.g. ``"0,035"``; ``"< 0,001"`` for a positive p-value that would round to 0.
    """
    _check_lang(lang)
    if p is None or pd.isna(p):
        return "–"
    decimals = 3
    if permutations:
        decimals = max(decimals, math.ceil(math.log10(permutations + 1)))
    for d in range(decimals, 10):
        rounded = round(float(p), d)
        if p > 0 and rounded == 0:
            return "< " + format_number(10.0**-d, d, lang=lang)
        if alpha is None or (rounded <= alpha) == (p <= alpha):
            return format_number(rounded, d, lang=lang)
    return format_number(float(p), 10, lang=lang)


def join_names(names: Sequence[str], lang: str = "id") -> str:
    """``"A, B dan C"`` (``"A, B and C"`` in English); ``"A"`` for one name."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + text("report.words.and", _check_lang(lang)) + names[-1]


def _names_of(codes: Sequence[Any], names: pd.Series | None) -> list[str]:
    """Kecamatan names of ``codes`` (the code itself where no name is known)."""
    if names is None:
        return [str(c) for c in codes]
    out = []
    for code in codes:
        name = names.get(code)
        out.append(str(code) if name is None or pd.isna(name) else str(name))
    return out


def _test_phrase(alternative: str, permutations: int, lang: str) -> str:
    """``dua sisi, 999 permutasi``: the kind of p-value and the number of permutations."""
    kind = _i18n.catalogue(lang).get(f"report.words.{alternative}", alternative)
    return text("report.words.test", lang, kind=kind, count=_count(permutations, lang))


def _at_alpha(alpha: float, lang: str) -> str:
    """``pada α = 0,05``."""
    return text("report.words.at_alpha", lang, alpha=format_setting(alpha, lang))


def _correction(name: str, lang: str) -> str:
    """The name of a multiple-testing correction (``FDR Benjamini–Hochberg``)."""
    return _i18n.catalogue(lang).get(f"report.correction.{name}", name)


def _capitalized(sentence: str) -> str:
    """The sentence with its first letter in upper case (a phrase may begin it)."""
    return sentence[:1].upper() + sentence[1:]
