"""Static maps (PNG or SVG) drawn with matplotlib, outside pyplot (no global backend change).

Maps are drawn in the UTM zone of the study area (estimated from its centroid), so the scale bar
is in true metres; the layout (title, subtitle, credits, date, stamp, legend column, labels without
overlaps) comes from :mod:`umkm_geo.render.static._layout`. Colours, hatches and legend rows come from
:mod:`umkm_geo.classify.symbology`, the same as the web maps.

* :func:`choropleth_figure` -- one classified indicator (sequential or diverging classes).
* :func:`category_figure` -- any categorical map with fixed colours per code (a scheme of
  :data:`~umkm_geo.classify.symbology.SCHEMES`); :func:`klassen_figure` and the maps of local
  statistics (:mod:`umkm_geo.render.static.local_maps`) build on it.
* :func:`lq_figure` -- location quotients of one sector, classes diverging at 1.

Figures are saved with :func:`umkm_geo.render.static.save.save_figure`.

The words of the legends, notes and subtitles are ``legend.*`` and ``maps.*`` in the locale files;
the names of the local statistics and the colour scheme of their maps come from the statistics
registry (:mod:`umkm_geo.stats.registry`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator, Sequence

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from umkm_geo import _i18n
from umkm_geo.classify.breaks import ClassBreaks, format_number, lq_classes
from umkm_geo.classify.symbology import (
    CategoryScheme,
    LegendEntry,
    category_legend,
    choropleth_legend,
    lisa_categories,
    scheme,
)
from umkm_geo.indicators.core import Indicator
from umkm_geo.render.static._areas import unit_paths
from umkm_geo.render.static._labels import label_key, place_labels
from umkm_geo.render.static._layout import (
    GID_KEY,
    GID_LEGEND,
    GID_NOTE,
    GID_STAMP,
    Divide,
    FigureText,
    aligned,
    artist_boxes,
    band_legend,
    band_notes,
    class_keys,
    draw_divide,
    draw_locator,
    fit_band,
    map_extent,
    new_map,
    north_arrow,
    plot_groups,
    projected,
    scale_bar,
    stamp,
)
from umkm_geo.stats.regional.typology import KlassenResult

__all__ = [
    "GID_KEY",
    "GID_LEGEND",
    "GID_NOTE",
    "GID_STAMP",
    "Divide",
    "category_figure",
    "choropleth_figure",
    "group_divide",
    "klassen_figure",
    "locator_inset",
    "lq_figure",
    "prepare_units",
]


#: The province's kab/kota of the locator inset of the maps drawn inside :func:`locator_inset`.
_LOCATOR: contextvars.ContextVar[gpd.GeoDataFrame | None] = contextvars.ContextVar("umkm_geo_locator", default=None)


def prepare_units(frame: gpd.GeoDataFrame | None) -> None:
    """Project, simplify and turn into paths the units every map of a run draws, once, before drawing.

    Called before the figures are drawn in forked processes, so they share this work instead of
    each doing it (5 to 10 s for the 83,000 desa of Indonesia).
    """
    if frame is not None and frame.crs is not None and len(frame):
        unit_paths(projected(frame))


@contextlib.contextmanager
def locator_inset(locator: gpd.GeoDataFrame | None) -> Iterator[None]:
    """Draw the locator inset (``locator``: kab/kota with a boolean ``studi``) on every map made inside the block."""
    token = _LOCATOR.set(locator)
    try:
        yield
    finally:
        _LOCATOR.reset(token)


#: The grouping whose border the maps drawn inside :func:`group_divide` show (none outside it).
_DIVIDE: contextvars.ContextVar[Divide | None] = contextvars.ContextVar("umkm_geo_divide", default=None)


@contextlib.contextmanager
def group_divide(divide: Divide | None) -> Iterator[None]:
    """Draw the border between the two groups of ``divide`` on every map made inside the block.

    Every map of :func:`choropleth_figure`, :func:`category_figure` and the maps built on them draws
    the border and names it in its legend.
    """
    token = _DIVIDE.set(divide)
    try:
        yield
    finally:
        _DIVIDE.reset(token)


def _draw(
    frame: gpd.GeoDataFrame,
    keys: pd.Series,
    entries: Sequence[LegendEntry],
    texts: FigureText,
    *,
    legend_title: str,
    labels: pd.Series | None,
    note: str | None,
) -> Figure:
    """Draw areas by legend key with the shared layout; ``keys`` is indexed like ``frame``."""
    proj = projected(frame)
    extent = map_extent(proj, illustrative=texts.illustrative)
    fig, ax, band = new_map(extent, texts)
    plot_groups(ax, proj, keys.reindex(proj.index), entries, extent=extent)
    divide = _DIVIDE.get()
    line = draw_divide(ax, proj, divide) if divide is not None else None
    obstacles = [scale_bar(ax, texts.lang)]
    if texts.illustrative:
        obstacles.append(stamp(ax))
    box = band_legend(band, entries, legend_title, lines=[line] if line is not None else [])
    north_arrow(band, texts.lang, band=True)
    locator = _LOCATOR.get()
    if locator is not None:
        draw_locator(band, locator, texts.lang)
    placed = []
    if labels is not None:
        placed = place_labels(ax, proj, labels, obstacles=artist_boxes(ax, *obstacles))
    blocks = [(GID_NOTE, note or ""), (GID_KEY, label_key(placed, texts.lang))]
    band_notes(band, box, blocks, right=0.66 if locator is not None else 0.9)
    fit_band(fig, ax, band)
    return fig


def _choropleth(
    frame: gpd.GeoDataFrame,
    indicator: Indicator,
    classes: ClassBreaks,
    texts: FigureText,
    *,
    labels: pd.Series | None,
    legend_title: str | None = None,
    note: str | None = None,
) -> Figure:
    """:func:`choropleth_figure` with the texts already made (the body every classified map shares)."""
    keys = class_keys(classes.yb, frame.index, "classes.yb")
    entries = choropleth_legend(classes, decimals=indicator.decimals, lang=texts.lang)
    legend_title = legend_title or indicator.title(texts.lang)
    note = classes.describe(texts.lang) if note is None else note
    return _draw(frame, keys, entries, texts, legend_title=legend_title, labels=labels, note=note)


def _categories(
    frame: gpd.GeoDataFrame,
    codes: pd.Series,
    scheme_name: str | CategoryScheme,
    texts: FigureText,
    *,
    labels: pd.Series | None,
    legend_title: str | None = None,
    note: str | None = None,
) -> Figure:
    """:func:`category_figure` with the texts already made (the body every categorical map shares)."""
    legend_title = legend_title or scheme(scheme_name).title[texts.lang]  # raises for an unknown scheme
    values = lisa_categories(aligned(codes, frame.index, "codes"), scheme_name)
    keys = values.where(values.notna(), "nodata")
    entries = category_legend(values, texts.lang, scheme_name)
    return _draw(frame, keys, entries, texts, legend_title=legend_title, labels=labels, note=note)


def choropleth_figure(
    frame: gpd.GeoDataFrame,
    indicator: Indicator,
    classes: ClassBreaks,
    *,
    title: str,
    subtitle: str | None = None,
    credits: str,
    illustrative: bool,
    lang: str = "id",
    labels: pd.Series | None = None,
    legend_title: str | None = None,
    note: str | None = None,
    date: dt.date | str | None = None,
) -> Figure:
    """Draw a choropleth map of one classified indicator.

    Parameters
    ----------
    frame
        Areas to draw (any CRS), indexed like ``classes.yb``.
    indicator
        The mapped indicator: legend title, unit and decimals.
    classes
        Class breaks from :func:`umkm_geo.classify.breaks.classify`; their colours (sequential,
        or diverging around ``classes.center``) and labels are the ones the web map uses.
    title, subtitle
        Map title and an optional line under it.
    credits
        Source and licence, printed at the bottom.
    illustrative
        Stamp the map with :data:`~umkm_geo.classify.symbology.ILLUSTRATIVE_STAMP`.
    lang
        ``"id"`` or ``"en"``: legend language and number format.
    labels
        Optional area names (indexed like ``frame``), placed without overlaps.
    legend_title
        Legend title (default: the indicator with its unit).
    note
        Line under the legend (default: the scheme and the number of classes made,
        :meth:`~umkm_geo.classify.breaks.ClassBreaks.describe`).
    date
        Date in the footer (default: today).

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot; save it with :func:`save_figure`.
    """
    texts = FigureText(title, subtitle, credits, illustrative, lang, date)
    return _choropleth(frame, indicator, classes, texts, labels=labels, legend_title=legend_title, note=note)


def category_figure(
    frame: gpd.GeoDataFrame,
    codes: pd.Series,
    scheme_name: str | CategoryScheme,
    *,
    title: str,
    subtitle: str | None = None,
    credits: str,
    illustrative: bool,
    lang: str = "id",
    labels: pd.Series | None = None,
    legend_title: str | None = None,
    note: str | None = None,
    date: dt.date | str | None = None,
) -> Figure:
    """Draw a categorical map with the fixed colours of a scheme (LISA, Gi*, Klassen, ...).

    Parameters
    ----------
    frame
        Areas to draw (any CRS).
    codes
        Category code of each area (codes of the scheme; missing for no data), indexed like
        ``frame``.
    scheme_name
        A key of :data:`~umkm_geo.classify.symbology.SCHEMES`: ``"lisa"``, ``"gi_star"``,
        ``"local_geary"``, ``"significance"``, ``"klassen"`` or ``"basis"``.
    title, subtitle, credits, illustrative, lang, labels, date
        As in :func:`choropleth_figure`.
    legend_title
        Title of the legend (default: the scheme's title).
    note
        Optional line under the legend.

    Returns
    -------
    matplotlib.figure.Figure
        The legend lists every category of the scheme in fixed order with its count, even when 0,
        so a category's colour never depends on which categories are present.

    Raises
    ------
    ValueError
        If a code is not one of the scheme's or the scheme is unknown.
    """
    texts = FigureText(title, subtitle, credits, illustrative, lang, date)
    return _categories(frame, codes, scheme_name, texts, labels=labels, legend_title=legend_title, note=note)


def lq_figure(
    frame: gpd.GeoDataFrame,
    lq: pd.Series,
    *,
    sector_label: str,
    title: str,
    subtitle: str | None = None,
    credits: str,
    illustrative: bool,
    lang: str = "id",
    labels: pd.Series | None = None,
    classes: ClassBreaks | None = None,
    date: dt.date | str | None = None,
) -> Figure:
    """Draw the location quotients of one sector: classes diverging at 1 (red = basis sector).

    Parameters
    ----------
    frame
        Areas to draw.
    lq
        LQ of the sector per area (a column of :attr:`umkm_geo.stats.regional.lq.LQResult.lq`).
    sector_label
        Name of the sector in the legend title.
    classes
        Default :func:`umkm_geo.classify.breaks.lq_classes` of ``lq`` (fixed bounds 0.5, 0.8, 1,
        1.25, 2, the same for every sector); pass one shared classification to compare sectors.
    title, subtitle, credits, illustrative, lang, labels, date
        As in :func:`choropleth_figure`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    texts = FigureText(title, subtitle, credits, illustrative, lang, date)
    values = aligned(lq, frame.index, "lq")
    classes = lq_classes(values) if classes is None else classes
    indicator = Indicator(str(lq.name or "lq"), "LQ", "LQ", "", "", 2)
    legend_title = _i18n.text("legend.lq", lang, sector=sector_label)
    note = f"{_i18n.text('legend.lq_note', lang)}\n{classes.describe(lang)}"
    return _choropleth(frame, indicator, classes, texts, labels=labels, legend_title=legend_title, note=note)


def klassen_figure(
    frame: gpd.GeoDataFrame,
    result: KlassenResult,
    *,
    level: Indicator,
    growth: Indicator,
    title: str,
    subtitle: str | None = None,
    credits: str,
    illustrative: bool,
    lang: str = "id",
    labels: pd.Series | None = None,
    date: dt.date | str | None = None,
) -> Figure:
    """Draw the Klassen typology (quadrants I to IV) with the reference values under the legend.

    Parameters
    ----------
    frame
        Areas to draw.
    result
        A :class:`~umkm_geo.stats.regional.typology.KlassenResult`.
    level, growth
        The indicators of the level and growth axes (names, units and decimals in the note).
    title, subtitle, credits, illustrative, lang, labels, date
        As in :func:`choropleth_figure`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    texts = FigureText(title, subtitle, credits, illustrative, lang, date)
    note = _i18n.text(
        "legend.klassen_note",
        lang,
        level=level.label(lang),
        lv=f"{format_number(result.level_reference, level.decimals, lang=lang)} {level.unit(lang)}".strip(),
        growth=growth.label(lang),
        gv=f"{format_number(result.growth_reference, growth.decimals, lang=lang)} {growth.unit(lang)}".strip(),
    )
    return _categories(frame, result.frame()["quadrant"], "klassen", texts, labels=labels, note=note)
