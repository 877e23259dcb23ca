"""Sentences that read a global statistic: its value, expectation, pseudo p-value and the verdict at alpha."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pandas as pd

from umkm_geo._i18n import format_number, text
from umkm_geo.render.report.interpret.numbers import _at_alpha, _check_lang, _test_phrase, format_p
from umkm_geo.stats import registry

__all__ = ["GLOBAL_READINGS", "global_name", "global_sentence", "global_variable"]

#: How each global result (by ``to_dict()["result"]``) is read: the keys of the statistic, its
#: expectation, z-value and pseudo p-value; its symbol; its readings when it is significantly
#: above / below its expectation, or neither (``report.global.reading.<reading>`` in the locale
#: files); decimals (3 unless given); the part of the statistic read, after its name
#: (``qualifier``). Its name is the statistic's label in the registry (:func:`global_name`).
GLOBAL_READINGS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "global_moran": {
            "z": "z_rand",
            "stat": "I",
            "expected": "expected_I",
            "p": "p_sim",
            "symbol": "I",
            "above": "positive",
            "below": "negative",
            "neither": "no_autocorrelation",
        },
        "moran_rate": {
            "z": "z_rand",
            "stat": "I",
            "expected": "expected_I",
            "p": "p_sim",
            "symbol": "I",
            "above": "positive",
            "below": "negative",
            "neither": "no_autocorrelation",
        },
        "geary": {
            "z": "z_rand",
            "stat": "C",
            "expected": "expected_C",
            "p": "p_sim",
            "symbol": "C",
            "above": "negative",
            "below": "positive",
            "neither": "no_autocorrelation",
        },
        "general_g": {
            "z": "z_norm",
            "stat": "G",
            "expected": "expected_G",
            "p": "p_sim",
            "symbol": "G",
            "above": "high_values",
            "below": "low_values",
            "neither": "no_clustering",
        },
        "moran_bv": {
            "z": "z_sim",
            "stat": "I",
            "expected": "expected_I",
            "p": "p_sim",
            "symbol": "I",
            "above": "positive_association",
            "below": "negative_association",
            "neither": "no_association",
        },
        "join_counts": {
            "z": "z_BB",
            "stat": "BB",
            "qualifier": "BB",
            "decimals": 1,
            "expected": "expected_BB",
            "p": "p_sim_BB",
            "symbol": "BB",
            "above": "joined_more",
            "below": "joined_less",
            "neither": "no_joins",
        },
    }
)


def global_name(result: str, lang: str = "id") -> str:
    """The name of the global statistic whose result is ``result`` (its label in :mod:`umkm_geo.stats.registry`)."""
    spec = registry.by_result(result)
    name = result if spec is None else spec.label(lang)
    qualifier = GLOBAL_READINGS.get(result, {}).get("qualifier")  # the count read of the join counts: BB
    return f"{name} {qualifier}" if qualifier else name


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
        return text("report.variable.bivariate", lang, x=label(statistics["x"]), y=label(statistics["y"]))
    variable = str(statistics.get("variable", ""))
    shown = label(variable.removesuffix("_above_median"))
    if "base" in statistics:
        shown = text("report.variable.rate", lang, events=shown, base=label(statistics["base"]))
    if variable.endswith("_above_median"):
        shown = text("report.variable.above_median", lang, variable=shown)
    return shown


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
    value, expected, p = stats[spec["stat"]], stats[spec["expected"]], stats[spec["p"]]
    if label is None:
        label = global_variable(stats, {}, lang=lang)
    significant = bool(p <= alpha)  # a NaN p (no test possible) is never significant
    if pd.isna(p):
        reading = "not_tested"
    elif significant and value > expected:
        reading = spec["above"]
    elif significant and value < expected:
        reading = spec["below"]
    else:
        reading = spec["neither"]
    decimals = spec.get("decimals", 3)
    return text(
        "report.global.sentence",
        lang,
        subject=f"{global_name(name, lang)} {label}".strip(),
        value=format_number(value, decimals, lang=lang),
        symbol=spec["symbol"],
        expected=format_number(expected, decimals, lang=lang),
        p=format_p(p, alpha=alpha, permutations=settings["permutations"], lang=lang),
        test=_test_phrase(settings.get("alternative", "two-sided"), settings["permutations"], lang),
        reading=text(f"report.global.reading.{reading}", lang),
        at="" if pd.isna(p) else " " + _at_alpha(alpha, lang),
    )
