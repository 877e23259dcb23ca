"""Small multiples: one map panel per year or per sector, with ONE classification and ONE legend.

Panels that share a legend must share their classes, or equal colours would mean different values.
:func:`shared_classes` classifies every panel's values together (stacked, see :func:`stack_panels`);
:func:`small_multiples_figure` draws the panels at one scale with the shared legend, the scale bar
(in the first panel), the north arrow, the illustrative stamp, credits and date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from umkm_geo import _i18n
from umkm_geo.classify.breaks import ClassBreaks, classify
from umkm_geo.classify.symbology import choropleth_legend
from umkm_geo.indicators.core import Indicator
from umkm_geo.render.static._layout import (
    FIGURE_WIDTH,
    GID_NOTE,
    LEGEND_WIDTH,
    MARGIN,
    FigureText,
    class_keys,
    figure_stamp,
    legend,
    map_extent,
    new_figure,
    north_arrow,
    notes_below,
    plot_groups,
    projected,
    scale_bar,
)

__all__ = ["PANEL_LEVEL", "shared_classes", "small_multiples_figure", "stack_panels"]

#: Name of the index level of the panels in :func:`stack_panels`.
PANEL_LEVEL = "panel"

#: Width in inches of all panels of a row together (at most), of one panel (at most), and the gap.
ROW_WIDTH = FIGURE_WIDTH - MARGIN - LEGEND_WIDTH
PANEL_MAX_WIDTH = 3.6
GAP = 0.15


def stack_panels(values: pd.DataFrame) -> pd.Series:
    """Stack a wide table (units x panels) into one Series indexed by ``(panel, unit)``.

    Parameters
    ----------
    values
        One column per panel (e.g. a year or a sector), indexed by unit.

    Returns
    -------
    pandas.Series
        Missing values kept (no data), panels in column order; index levels ``panel`` and the
        unit index's name.
    """
    if values.columns.has_duplicates:
        msg = f"Panel names must be unique; repeated: {sorted(set(values.columns[values.columns.duplicated()]))}."
        raise ValueError(msg)
    parts = {str(col): values[col] for col in values.columns}
    stacked = pd.concat(parts, names=[PANEL_LEVEL, values.index.name])
    return stacked.rename(values.columns.name)


def shared_classes(
    values: pd.DataFrame,
    *,
    scheme: str = "fisher_jenks_outliers",
    k: int = 5,
    bins: Sequence[float] | None = None,
    center: float | str | None = "auto",
) -> ClassBreaks:
    """Classify the values of every panel together (one set of breaks for all panels).

    Parameters
    ----------
    values
        One column per panel, indexed by unit.
    scheme, k, bins, center
        As in :func:`umkm_geo.classify.breaks.classify`.

    Returns
    -------
    ClassBreaks
        ``yb`` is indexed by ``(panel, unit)`` (see :func:`stack_panels`); counts are over
        every panel.
    """
    return classify(stack_panels(values), scheme=scheme, k=k, bins=bins, center=center)


def small_multiples_figure(
    frame: gpd.GeoDataFrame,
    values: pd.DataFrame,
    classes: ClassBreaks,
    *,
    indicator: Indicator,
    title: str,
    credits: str,
    illustrative: bool,
    panel_titles: Mapping[str, str] | None = None,
    subtitle: str | None = None,
    legend_title: str | None = None,
    note: str | None = None,
    lang: str = "id",
    ncols: int | None = None,
    date: dt.date | str | None = None,
) -> Figure:
    """Draw one map panel per column of ``values``, with the shared classes and one legend.

    Parameters
    ----------
    frame
        The areas (any CRS).
    values
        One column per panel (e.g. ``umkm_count_2019``, ``umkm_count_2020``, or the sectors of
        :attr:`umkm_geo.stats.regional.lq.LQResult.lq`), indexed like ``frame``.
    classes
        From :func:`shared_classes` of ``values`` (or
        :func:`umkm_geo.classify.breaks.lq_classes` of :func:`stack_panels` of them): ``yb``
        indexed by ``(panel, unit)``.
    indicator
        Legend title, unit and decimals of the classes.
    title, subtitle, credits, illustrative, lang, date
        As in :func:`umkm_geo.render.static.maps.choropleth_figure`.
    panel_titles
        Title of each panel by column name (default: the column name, ``_`` as spaces).
    legend_title
        Default: the indicator with its unit.
    note
        Under the legend (default: the scheme, classes made, and that they are shared).
    ncols
        Panels per row (default: up to 3).

    Returns
    -------
    matplotlib.figure.Figure
        Panel axes have ``gid`` ``"panel-<column>"``; the legend counts units over all panels.

    Raises
    ------
    ValueError
        If ``classes`` lacks a (panel, unit) of the map.
    """
    texts = FigureText(title, subtitle, credits, illustrative, lang, date)
    panels = [str(c) for c in values.columns]
    if not panels:
        msg = "values has no column: give one column per panel."
        raise ValueError(msg)
    ncols = ncols or min(len(panels), 3)
    nrows = math.ceil(len(panels) / ncols)
    proj = projected(frame)
    extent = map_extent(proj, illustrative=False)
    x0, x1, y0, y1 = extent
    aspect = (y1 - y0) / (x1 - x0)
    panel_w = min(PANEL_MAX_WIDTH, (ROW_WIDTH - (ncols - 1) * GAP) / ncols)
    panel_h = panel_w * aspect
    if panel_h > PANEL_MAX_WIDTH * 1.2:
        panel_h = PANEL_MAX_WIDTH * 1.2
        panel_w = panel_h / aspect
    head, stamp_h = 0.3, 0.45 if illustrative else 0.0
    body = stamp_h + nrows * (panel_h + head)
    maps_w = ncols * panel_w + (ncols - 1) * GAP
    width = MARGIN + maps_w + LEGEND_WIDTH
    fig, footer, height = new_figure(width, body, texts)

    entries = choropleth_legend(classes, decimals=indicator.decimals, lang=lang)
    yb = classes.yb
    for n, panel in enumerate(panels):
        row, col = divmod(n, ncols)
        left = MARGIN + col * (panel_w + GAP)
        bottom = footer + (nrows - 1 - row) * (panel_h + head)
        ax = fig.add_axes((left / width, bottom / height, panel_w / width, panel_h / height))
        ax.set_axis_off()
        ax.set_gid(f"panel-{panel}")
        try:
            panel_yb = yb.xs(panel, level=0)
        except KeyError:
            msg = f"classes has no values of panel {panel!r}; classify every panel with shared_classes()."
            raise ValueError(msg) from None
        keys = class_keys(panel_yb, proj.index, f"classes of panel {panel!r}")
        plot_groups(ax, proj, keys, entries, extent=extent)
        name = (panel_titles or {}).get(panel, panel.replace("_", " "))
        ax.set_title(name, fontsize=8, fontweight="bold", loc="left")
        if n == 0:
            scale_bar(ax, lang, size=7)
    if illustrative:
        figure_stamp(fig, (MARGIN + maps_w / 2) / width, (footer + body - 0.06) / height)
    column = fig.add_axes(
        ((MARGIN + maps_w + 0.1) / width, footer / height, (LEGEND_WIDTH - 0.2) / width, body / height)
    )
    column.set_axis_off()
    column.set_gid("legend-column")
    north_arrow(column, lang, x=0.12, y=0.98)
    title_text = f"{legend_title or indicator.title(lang)}\n({_i18n.text('legend.panels_counted', lang)})"
    box = legend(column, entries, title_text, anchor=(0.0, 0.84))
    if note is None:
        note = f"{classes.describe(lang)}. {_i18n.text('legend.panels_shared', lang)}"
    notes_below(column, box, [(GID_NOTE, note)])
    return fig
