"""Sentences that read the results aloud, in Bahasa Indonesia (``lang="id"``) or English (``"en"``).

Every sentence is generated from the numbers of one result and states what it rests on (the
p-value, its kind, the number of permutations, the significance level), so that a report writer can
paste it as it is. Significance follows each result's own rule: local statistics use the
``significant`` flag the statistic computed (after its multiple-testing correction), global
statistics and the gap test compare the p-value with ``alpha`` (``p <= alpha`` is significant).
Numbers are formatted by :func:`umkm_geo.classify.breaks.format_number` (``1.234,5`` in Indonesian);
a p-value gets as many decimals as it needs so that its printed value never contradicts the verdict
(``p = 0,0504`` is not shown as ``0,05``).

Sentences are plain text; the renderers escape them (kecamatan names come from data).

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

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pandas as pd

from umkm_geo.classify.breaks import format_number
from umkm_geo.stats.regional.typology import KLASSEN_LABELS

__all__ = [
    "GLOBAL_READINGS",
    "basis_sentences",
    "display_names",
    "format_p",
    "format_setting",
    "gap_sentences",
    "global_sentence",
    "global_variable",
    "interpret",
    "join_names",
    "klassen_sentences",
    "local_sentences",
    "shift_share_sentences",
    "theil_sentence",
]

_LANGS = ("id", "en")


def _check_lang(lang: str) -> str:
    if lang not in _LANGS:
        msg = f"Unknown language {lang!r}; use 'id' (Bahasa Indonesia) or 'en' (English)."
        raise ValueError(msg)
    return lang


# --- numbers and lists -------------------------------------------------------------------------


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
    word = " dan " if _check_lang(lang) == "id" else " and "
    return ", ".join(names[:-1]) + word + names[-1]


def _names_of(codes: Sequence[Any], names: pd.Series | None) -> list[str]:
    """Kecamatan names of ``codes`` (the code itself where no name is known)."""
    if names is None:
        return [str(c) for c in codes]
    out = []
    for code in codes:
        name = names.get(code)
        out.append(str(code) if name is None or pd.isna(name) else str(name))
    return out


_WORDS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "id": MappingProxyType(
            {
                "two-sided": "dua sisi",
                "folded": "folded (satu sisi, esda < 2.10)",
                "permutations": "permutasi",
                "at_alpha": "pada α = {alpha}",
            }
        ),
        "en": MappingProxyType(
            {
                "two-sided": "two-sided",
                "folded": "folded (one-sided, esda < 2.10)",
                "permutations": "permutations",
                "at_alpha": "at α = {alpha}",
            }
        ),
    }
)

_CORRECTION_NAMES: Mapping[str, str] = MappingProxyType({"fdr": "FDR Benjamini–Hochberg", "bonferroni": "Bonferroni"})


def _test_phrase(alternative: str, permutations: int, lang: str) -> str:
    words = _WORDS[lang]
    kind = words.get(alternative, alternative)
    return f"{kind}, {_count(permutations, lang)} {words['permutations']}"


# --- global statistics ---------------------------------------------------------------------------

_NOT_TESTED = (
    "tidak diuji (tanpa variasi di bawah hipotesis nol, mis. terlalu sedikit kecamatan)",
    "not tested (no variation under the null hypothesis, e.g. too few kecamatan)",
)
_POSITIVE = ("autokorelasi spasial positif yang signifikan", "significant positive spatial autocorrelation")
_NEGATIVE = ("autokorelasi spasial negatif yang signifikan", "significant negative spatial autocorrelation")
_NO_AUTOCORRELATION = ("tidak ada autokorelasi spasial yang signifikan", "no significant spatial autocorrelation")

#: How each global result (by ``to_dict()["result"]``) is read: the keys of the statistic, its
#: expectation, z-value and pseudo p-value; its name and symbol; the readings (id, en) when it is
#: significantly above / below its expectation, or neither; decimals (3 unless given).
GLOBAL_READINGS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "global_moran": {
            "z": "z_rand",
            "stat": "I",
            "expected": "expected_I",
            "p": "p_sim",
            "name": ("Moran's I global", "Global Moran's I"),
            "symbol": "I",
            "above": _POSITIVE,
            "below": _NEGATIVE,
            "neither": _NO_AUTOCORRELATION,
        },
        "moran_rate": {
            "z": "z_rand",
            "stat": "I",
            "expected": "expected_I",
            "p": "p_sim",
            "name": ("Moran's I laju (Empirical Bayes)", "Empirical-Bayes rate Moran's I"),
            "symbol": "I",
            "above": _POSITIVE,
            "below": _NEGATIVE,
            "neither": _NO_AUTOCORRELATION,
        },
        "geary": {
            "z": "z_rand",
            "stat": "C",
            "expected": "expected_C",
            "p": "p_sim",
            "name": ("Geary's C", "Geary's C"),
            "symbol": "C",
            "above": _NEGATIVE,
            "below": _POSITIVE,
            "neither": _NO_AUTOCORRELATION,
        },
        "general_g": {
            "z": "z_norm",
            "stat": "G",
            "expected": "expected_G",
            "p": "p_sim",
            "name": ("General G Getis-Ord", "Getis-Ord General G"),
            "symbol": "G",
            "above": ("pengelompokan nilai tinggi yang signifikan", "significant clustering of high values"),
            "below": ("pengelompokan nilai rendah yang signifikan", "significant clustering of low values"),
            "neither": (
                "tidak ada pengelompokan nilai tinggi atau rendah yang signifikan",
                "no significant clustering of high or low values",
            ),
        },
        "moran_bv": {
            "z": "z_sim",
            "stat": "I",
            "expected": "expected_I",
            "p": "p_sim",
            "name": ("Moran's I bivariat", "Bivariate Moran's I"),
            "symbol": "I",
            "above": (
                "asosiasi spasial positif yang signifikan"
                " (nilai tinggi bertetangga dengan nilai tinggi variabel kedua)",
                "significant positive spatial association (high values next to high values of the second variable)",
            ),
            "below": (
                "asosiasi spasial negatif yang signifikan",
                "significant negative spatial association",
            ),
            "neither": ("tidak ada asosiasi spasial yang signifikan", "no significant spatial association"),
        },
        "join_counts": {
            "z": "z_BB",
            "stat": "BB",
            "decimals": 1,
            "expected": "expected_BB",
            "p": "p_sim_BB",
            "name": ("Join count BB", "Join count BB"),
            "symbol": "BB",
            "above": (
                "kecamatan di atas median lebih sering bertetangga daripada yang diharapkan secara acak (signifikan)",
                "kecamatan above the median neighbour each other more often than chance (significant)",
            ),
            "below": (
                "kecamatan di atas median lebih jarang bertetangga daripada yang diharapkan secara acak (signifikan)",
                "kecamatan above the median neighbour each other less often than chance (significant)",
            ),
            "neither": (
                "tidak ada pengelompokan kecamatan di atas median yang signifikan",
                "no significant clustering of kecamatan above the median",
            ),
        },
    }
)


def global_variable(statistics: Mapping[str, Any], indicators: Mapping[str, Any], *, lang: str = "id") -> str:
    """Label of the variable of a global statistic, from its ``to_dict()["statistics"]``.

    Parameters
    ----------
    statistics
        The statistics of the result (``variable``; ``x`` and ``y`` of a bivariate statistic;
        ``base`` of a rate).
    indicators
        Indicator metadata by column name (their labels are used; other names are shown as they are).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"Kepadatan UMKM"``, ``"Kepadatan UMKM × lag(Kepadatan penduduk)"``, ``"Jumlah UMKM /
        Jumlah penduduk"`` or ``"Kepadatan UMKM > median"`` (join counts).
    """
    lang = _check_lang(lang)

    def label(key: Any) -> str:
        return indicators[key].label(lang) if key in indicators else str(key)

    if "x" in statistics and "y" in statistics:
        return f"{label(statistics['x'])} × lag({label(statistics['y'])})"
    variable = str(statistics.get("variable", ""))
    text = label(variable.removesuffix("_above_median"))
    if "base" in statistics:
        text += f" / {label(statistics['base'])}"
    if variable.endswith("_above_median"):
        text += " > median"
    return text


def global_sentence(result: Any, *, alpha: float = 0.05, lang: str = "id", label: str | None = None) -> str:
    """Read a global statistic: its value, expectation, pseudo p-value and the verdict at ``alpha``.

    Parameters
    ----------
    result
        A global result of umkm_geo (``GlobalMoranResult``, ``GearyResult``, ``GeneralGResult``,
        ``JoinCountsResult``, ``MoranRateResult`` or ``MoranBVResult``).
    alpha
        Significance level; ``p <= alpha`` is significant.
    lang
        ``"id"`` or ``"en"``.
    label
        Name of the variable to show (default: the variable name of the result).

    Returns
    -------
    str
        E.g. ``"Moran's I global Kepadatan UMKM = 0,341 (E[I] = -0,042; p = 0,002, dua sisi, 999
        permutasi): autokorelasi spasial positif yang signifikan pada α = 0,05."``

    Raises
    ------
    ValueError
        If the result is not one of the global statistics above.
    """
    lang = _check_lang(lang)
    payload = result.to_dict()
    name = payload["result"]
    if name not in GLOBAL_READINGS:
        msg = f"No reading for the result {name!r}; readable global results: {sorted(GLOBAL_READINGS)}."
        raise ValueError(msg)
    spec = GLOBAL_READINGS[name]
    stats, settings = payload["statistics"], payload["settings"]
    i = 0 if lang == "id" else 1
    value, expected, p = stats[spec["stat"]], stats[spec["expected"]], stats[spec["p"]]
    if label is None:
        label = global_variable(stats, {}, lang=lang)
    significant = bool(p <= alpha)  # a NaN p (no test possible) is never significant
    if pd.isna(p):
        reading = _NOT_TESTED[i]
    elif significant and value > expected:
        reading = spec["above"][i]
    elif significant and value < expected:
        reading = spec["below"][i]
    else:
        reading = spec["neither"][i]
    test = _test_phrase(settings.get("alternative", "two-sided"), settings["permutations"], lang)
    p_text = format_p(p, alpha=alpha, permutations=settings["permutations"], lang=lang)
    symbol = spec["symbol"]
    subject = f"{spec['name'][i]} {label}".strip()
    at = "" if pd.isna(p) else " " + _WORDS[lang]["at_alpha"].format(alpha=format_setting(alpha, lang))
    decimals = spec.get("decimals", 3)
    return (
        f"{subject} = {format_number(value, decimals, lang=lang)} "
        f"(E[{symbol}] = {format_number(expected, decimals, lang=lang)}; "
        f"p = {p_text}, {test}): {reading}{at}."
    )


# --- local statistics ----------------------------------------------------------------------------

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


# --- gap and inequality --------------------------------------------------------------------------


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


# --- regional economics --------------------------------------------------------------------------


def klassen_sentences(
    result: Any,
    names: pd.Series | None = None,
    *,
    lang: str = "id",
    level: Any = None,
    growth: Any = None,
) -> list[str]:
    """Count the kecamatan of each Klassen quadrant and name the relatively underdeveloped ones (IV).

    Parameters
    ----------
    result
        A :class:`umkm_geo.stats.regional.typology.KlassenResult`.
    names
        Kecamatan names indexed like the result.
    lang
        ``"id"`` or ``"en"``.
    level, growth
        Indicators of the level and the growth (labels, units and decimals of the references).

    Returns
    -------
    list of str
        The counts per quadrant, the references, and the quadrant IV kecamatan.
    """
    lang = _check_lang(lang)
    i = 0 if lang == "id" else 1
    counts = result.counts()
    parts = [f"{q} ({KLASSEN_LABELS[q][i]}) {_count(int(counts.get(q, 0)), lang)}" for q in KLASSEN_LABELS]
    level_text = format_number(result.level_reference, 1 if level is None else level.decimals, lang=lang)
    growth_text = format_number(result.growth_reference, 1 if growth is None else growth.decimals, lang=lang)
    if level is not None and level.unit(lang):
        level_text += f" {level.unit(lang)}"
    if growth is not None and growth.unit(lang):
        growth_text += f" {growth.unit(lang)}"
    level_name = result.settings.get("level_variable", "level") if level is None else level.label(lang)
    growth_name = result.settings.get("growth_variable", "growth") if growth is None else growth.label(lang)

    def against(key: str) -> str:
        """``rata-rata`` / ``the mean`` for the default reference, else ``acuan`` / ``the reference``."""
        mean = str(result.settings.get(key, "unweighted mean")).startswith("unweighted mean")
        return ("rata-rata" if mean else "acuan") if lang == "id" else ("the mean" if mean else "the reference")

    frame = result.frame()
    lagging = _names_of(list(frame.index[frame["quadrant"] == "IV"]), names)
    unclassified = _names_of(list(frame.index[frame["quadrant"].isna()]), names)
    if lang == "id":
        out = [
            f"Tipologi Klassen ({level_name} terhadap {against('level_reference')} {level_text}; {growth_name} "
            f"terhadap {against('growth_reference')} "
            f"{growth_text}), jumlah kecamatan per kuadran: {'; '.join(parts)}."
        ]
        out.append(
            f"Kecamatan relatif tertinggal (kuadran IV, {len(lagging)}): {join_names(lagging, lang)}."
            if lagging
            else "Tidak ada kecamatan relatif tertinggal (kuadran IV)."
        )
        if unclassified:
            out.append(f"Tanpa kuadran (nilai tidak lengkap): {join_names(unclassified, lang)}.")
        return out
    out = [
        f"Klassen typology ({level_name} against {against('level_reference')} {level_text}; {growth_name} "
        f"against {against('growth_reference')} "
        f"{growth_text}), kecamatan per quadrant: {'; '.join(parts)}."
    ]
    out.append(
        f"Relatively underdeveloped kecamatan (quadrant IV, {len(lagging)}): {join_names(lagging, lang)}."
        if lagging
        else "No kecamatan is relatively underdeveloped (quadrant IV)."
    )
    if unclassified:
        out.append(f"No quadrant (incomplete values): {join_names(unclassified, lang)}.")
    return out


def _sector(name: Any) -> str:
    return str(name).replace("_", " ")


def basis_sentences(result: Any, names: pd.Series | None = None, *, lang: str = "id") -> list[str]:
    """Name, for every sector, the kecamatan where it is a basis sector (LQ > 1).

    Parameters
    ----------
    result
        A :class:`umkm_geo.stats.regional.lq.LQResult` (its ``basis`` flag is read).
    names
        Kecamatan names indexed like the result.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    list of str
        One sentence per sector in the order of the LQ table, then one naming the kecamatan
        without any basis sector, if any.
    """
    lang = _check_lang(lang)
    basis = result.basis["basis"].fillna(False).astype(bool)
    year = "" if result.year is None else (f" tahun {result.year}" if lang == "id" else f" in {result.year}")
    out = []
    for sector in result.lq.columns:
        flags = basis.xs(sector, level="sektor")
        members = _names_of([u for u in result.lq.index if bool(flags.get(u, False))], names)
        s, listed = _sector(sector), join_names(members, lang)
        if lang == "id":
            out.append(
                f"Sektor {s} adalah sektor basis (LQ > 1){year} di {len(members)} kecamatan: {listed}."
                if members
                else f"Sektor {s} bukan sektor basis (LQ > 1){year} di kecamatan mana pun."
            )
        else:
            out.append(
                f"Sector {s} is a basis sector (LQ > 1){year} in {len(members)} kecamatan: {listed}."
                if members
                else f"Sector {s} is a basis sector (LQ > 1){year} in no kecamatan."
            )
    n_basis = result.units["n_basis"]
    without = _names_of([u for u in result.units.index if not pd.isna(n_basis[u]) and n_basis[u] == 0], names)
    if without:
        lead = "Tanpa sektor basis" if lang == "id" else "No basis sector"
        out.append(f"{lead}: {join_names(without, lang)}.")
    return out


def shift_share_sentences(result: Any, names: pd.Series | None = None, *, lang: str = "id", top: int = 3) -> list[str]:
    """Summarise a shift-share decomposition: the total change and the largest net shifts.

    Parameters
    ----------
    result
        A :class:`umkm_geo.stats.regional.shiftshare.ShiftShareResult`.
    names
        Kecamatan names indexed like the result.
    lang
        ``"id"`` or ``"en"``.
    top
        How many kecamatan with the largest positive and negative net shift to name.

    Returns
    -------
    list of str
        The change of the whole area with the reference growth, then the kecamatan that grew most
        above (net shift > 0) and below (net shift < 0) the reference growth.
    """
    lang = _check_lang(lang)
    units = result.units
    totals = units[["base", "end", "change"]].sum()
    base, end, change = (format_number(totals[c], 0, lang=lang) for c in ("base", "end", "change"))
    change = ("+" if totals["change"] > 0 else "") + change
    growth = _pct(result.reference_growth, lang)
    shift = units["net_shift"].dropna()
    up = shift[shift > 0].sort_values(ascending=False).head(top)
    down = shift[shift < 0].sort_values().head(top)

    def listed(values: pd.Series) -> str:
        labelled = [
            f"{n} ({'+' if v > 0 else ''}{format_number(v, 0, lang=lang)})"
            for n, v in zip(_names_of(list(values.index), names), values, strict=True)
        ]
        return join_names(labelled, lang)

    if lang == "id":
        out = [
            f"Antara {result.base_year} dan {result.end_year} jumlah UMKM berubah dari {base} menjadi {end} "
            f"({change}); pertumbuhan acuan {growth}."
        ]
        if len(up):
            out.append(f"Pergeseran bersih positif terbesar (tumbuh di atas acuan): {listed(up)}.")
        if len(down):
            out.append(f"Pergeseran bersih negatif terbesar (tumbuh di bawah acuan): {listed(down)}.")
        return out
    out = [
        f"Between {result.base_year} and {result.end_year} the number of UMKM changed from {base} to {end} "
        f"({change}); reference growth {growth}."
    ]
    if len(up):
        out.append(f"Largest positive net shifts (growth above the reference): {listed(up)}.")
    if len(down):
        out.append(f"Largest negative net shifts (growth below the reference): {listed(down)}.")
    return out


# --- everything for a study area -----------------------------------------------------------------


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


def _group_labels(area: Any, lang: str) -> dict[str, str]:
    grouping = area.results.get("grouping")
    if grouping is None:
        return {}
    return {g: grouping.label(g, lang) for g in pd.unique(grouping.groups.dropna())}


def interpret(area: Any, *, alpha: float = 0.05, lang: str = "id") -> dict[str, list[str]]:
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
        sentences of each statistic follow one another in the order of ``results["local"]``.
    """
    lang = _check_lang(lang)
    results = area.results
    indicators = results.get("indicators", {})
    names = display_names(area.frame)

    out: dict[str, list[str]] = {"global": [], "local": [], "gap": [], "regional": []}
    for result in results.get("global", {}).values():
        label = global_variable(result.to_dict()["statistics"], indicators, lang=lang)
        out["global"].append(global_sentence(result, alpha=alpha, lang=lang, label=label))
    for result in results.get("local", {}).values():
        out["local"].extend(local_sentences(result, names, lang=lang))
    table = results.get("gap_table")
    if table is not None:
        labels = _group_labels(area, lang)
        indicator = indicators.get(table.variable)
        out["gap"].extend(gap_sentences(table, alpha=alpha, lang=lang, labels=labels, indicator=indicator))
        for theil in table.theil.values():
            if theil.between_share is not None:
                out["gap"].append(theil_sentence(theil, lang=lang, labels=labels, indicator=indicator))
    if "klassen" in results:
        settings = results["klassen"].settings
        out["regional"].extend(
            klassen_sentences(
                results["klassen"],
                names,
                lang=lang,
                level=indicators.get(settings.get("level_variable")),
                growth=indicators.get(settings.get("growth_variable")),
            )
        )
    if "lq" in results:
        out["regional"].extend(basis_sentences(results["lq"], names, lang=lang))
    if "shift_share" in results:
        out["regional"].extend(shift_share_sentences(results["shift_share"], names, lang=lang))
    return out
