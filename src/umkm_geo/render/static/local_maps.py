"""Maps of local statistics: clusters and hot spots (LISA, bivariate LISA, Gi*, local Geary) and p-value bands.

Each is a :func:`umkm_geo.render.static.maps.category_figure` of the result's labels, with the
method (statistic, weights, alpha, permutations, p-value type, correction) in its subtitle.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from umkm_geo import _i18n
from umkm_geo.classify.breaks import format_number
from umkm_geo.classify.symbology import (
    significance_bands,
    significance_scheme,
)
from umkm_geo.render.static._layout import (
    FigureText,
)
from umkm_geo.render.static.maps import _categories
from umkm_geo.stats import registry
from umkm_geo.stats.autocorrelation.local import LocalResult

__all__ = ["lisa_figure", "local_figure", "local_subtitle", "significance_figure"]


def _local(result: LocalResult) -> registry.Statistic:
    """The registered statistic of a local result (its name and the colour scheme of its map)."""
    statistic = registry.by_result(result.statistic)
    if statistic is None or statistic.family != "local":
        msg = f"{result.statistic!r} is not a registered local statistic."
        raise ValueError(msg)
    return statistic


def _p_name(p_value: str, lang: str) -> str:
    """Name of a p-value type (``"two-sided"``, ``"folded"``) in ``lang``, or the type as given."""
    return _i18n.catalogue(lang).get(f"maps.p_value.{p_value}", p_value)


def _correction(correction: str, lang: str) -> str:
    """Name of a multiple-testing correction in ``lang``, or the correction as given."""
    return _i18n.catalogue(lang).get(f"maps.correction.{correction}", correction)


def lisa_figure(
    frame: gpd.GeoDataFrame,
    clusters: pd.Series,
    *,
    title: str,
    subtitle: str | None = None,
    credits: str,
    illustrative: bool,
    lang: str = "id",
    labels: pd.Series | None = None,
    legend_title: str | None = None,
    date: dt.date | str | None = None,
) -> Figure:
    """Draw a LISA cluster map: :func:`category_figure` with the ``"lisa"`` scheme.

    ``clusters`` holds ``"HH"``, ``"LL"``, ``"LH"``, ``"HL"``, ``"ns"``, ``"island"`` (no
    neighbours) or missing (no data); name the p-value type, alpha and permutations in the subtitle.
    """
    texts = FigureText(title, subtitle, credits, illustrative, lang, date)
    return _categories(frame, clusters, "lisa", texts, labels=labels, legend_title=legend_title)


def local_subtitle(result: LocalResult, lang: str = "id") -> str:
    """One line naming a local statistic's p-value type, permutations, seed, alpha and correction."""
    return _i18n.text(
        "maps.local_subtitle",
        lang,
        stat=_local(result).label(lang),
        p=_p_name(result.p_value, lang),
        perm=result.permutations,
        seed=result.seed,
        alpha=format_number(result.alpha, 3, lang=lang).rstrip("0"),
        corr=_correction(result.correction, lang),
    )


def local_method(result: LocalResult, lang: str = "id") -> str:
    """The test of a local statistic's map in one line: p-value type, permutations, seed, alpha, correction."""
    return _i18n.text(
        "maps.local_method",
        lang,
        p=_p_name(result.p_value, lang),
        perm=result.permutations,
        seed=result.seed,
        alpha=format_number(result.alpha, 3, lang=lang).rstrip("0"),
        corr=_correction(result.correction, lang),
    )


def local_figure(
    frame: gpd.GeoDataFrame,
    result: LocalResult,
    *,
    title: str,
    subtitle: str | None = None,
    credits: str,
    illustrative: bool,
    lang: str = "id",
    labels: pd.Series | None = None,
    date: dt.date | str | None = None,
) -> Figure:
    """Draw the categories of a local statistic: LISA clusters, Gi* hot/cold spots or local Geary.

    Parameters
    ----------
    frame
        Areas to draw; those the result does not cover (no value) are drawn as "no data".
    result
        A :class:`~umkm_geo.stats.autocorrelation.local.LocalResult`; its ``cluster`` column is drawn with the
        colour scheme of its statistic in the registry (islands as "no neighbours").
    subtitle
        Default: :func:`local_subtitle` (p-value type, permutations, seed, alpha, correction).
    title, credits, illustrative, lang, labels, date
        As in :func:`choropleth_figure`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    subtitle = local_subtitle(result, lang) if subtitle is None else subtitle
    texts = FigureText(title, subtitle, credits, illustrative, lang, date)
    clusters = result.frame()["cluster"].reindex(frame.index)  # units without a value: no data
    return _categories(frame, clusters, _local(result).scheme, texts, labels=labels)


def significance_figure(
    frame: gpd.GeoDataFrame,
    result: LocalResult,
    *,
    title: str,
    subtitle: str | None = None,
    credits: str,
    illustrative: bool,
    lang: str = "id",
    labels: pd.Series | None = None,
    date: dt.date | str | None = None,
) -> Figure:
    """Draw the p-value bands of a local statistic: p ≤ 0.001, ≤ 0.01, ≤ 0.05, ns, no neighbours.

    The bands are of the p-value the result reports (``result.p_value``, named in the legend
    title), before any multiple-testing correction; with a correction the note under the legend
    gives the cut-off the cluster map used.

    Parameters
    ----------
    frame
        Areas to draw; those the result does not cover (no value) are drawn as "no data".
    result
        A :class:`~umkm_geo.stats.autocorrelation.local.LocalResult`.
    title, subtitle, credits, illustrative, lang, labels, date
        As in :func:`choropleth_figure`; the default subtitle is :func:`local_subtitle`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    subtitle = local_subtitle(result, lang) if subtitle is None else subtitle
    texts = FigureText(title, subtitle, credits, illustrative, lang, date)
    data = result.frame()
    codes = significance_bands(data["p_value"], island=data["cluster"].eq("island")).reindex(frame.index)
    note = None
    if result.correction != "none":
        threshold = format_number(result.threshold, 4, lang=lang).rstrip("0").rstrip(",.")
        note = _i18n.text("legend.threshold", lang, t=threshold, corr=_correction(result.correction, lang))
    legend_title = _i18n.text("legend.significance", lang, p=_p_name(result.p_value, lang))
    bands = significance_scheme(result.permutations, result.p_value, present=set(codes.dropna()))  # reachable only
    return _categories(frame, codes, bands, texts, labels=labels, legend_title=legend_title, note=note)
