"""Static maps (PNG or SVG) drawn with matplotlib, outside pyplot (no global backend change).

Maps are drawn in the UTM zone of the study area (estimated from its centroid), so the scale bar
is in true metres. Colours, hatches and legend rows come from :mod:`umkm_geo.render._style`, the
same as the web maps.
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from umkm_geo._atomic import atomic_path
from umkm_geo.classification import ClassBreaks
from umkm_geo.indicators import Indicator
from umkm_geo.render._style import (
    EDGE_COLOR,
    ILLUSTRATIVE_STAMP,
    LegendEntry,
    category_legend,
    choropleth_legend,
    lisa_categories,
)

#: Layout in inches: map width (and height cap), the legend column and the left margin.
MAP_WIDTH = 6.6
MAP_MAX_HEIGHT = 8.0
LEGEND_WIDTH = 3.3
MARGIN = 0.3

#: Characters per subtitle line (a longer subtitle wraps onto a second line).
SUBTITLE_WRAP = 130

#: ``gid`` of the artists tests and callers can look up.
GID_STAMP = "illustrative-stamp"
GID_LEGEND = "map-legend"


def _projected(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.crs is None:
        msg = "The map frame has no CRS; set it (EPSG:4326 for longitude/latitude)."
        raise ValueError(msg)
    return frame.to_crs(frame.estimate_utm_crs())


def _aligned(series: pd.Series, frame: gpd.GeoDataFrame, what: str) -> pd.Series:
    missing = frame.index.difference(series.index)
    if len(missing):
        msg = f"{what} has no entry for {len(missing)} areas of the map, e.g. {list(missing[:3])}."
        raise ValueError(msg)
    return series.reindex(frame.index)


def _nice_length(span_m: float) -> float:
    """Return a round scale-bar length (1, 2 or 5 x 10^n metres) near a fifth of ``span_m``."""
    target = span_m / 5
    power = 10 ** math.floor(math.log10(target))
    return max(m * power for m in (1, 2, 5) if m * power <= target)


def _km_text(length_m: float) -> str:
    km = length_m / 1000
    return f"{km:g} km" if km >= 1 else f"{length_m:g} m"


def _decorate(ax: Axes, lang: str) -> None:
    """Add a north arrow and a scale bar (the axes are in metres)."""
    x0, x1 = ax.get_xlim()
    length = _nice_length(x1 - x0)
    bar = AnchoredSizeBar(
        ax.transData,
        length,
        _km_text(length),
        loc="lower left",
        pad=0.6,
        sep=4,
        borderpad=0.8,
        frameon=False,
        size_vertical=(x1 - x0) / 250,
        fontproperties=FontProperties(size=8),
    )
    bar.set_gid("scale-bar")
    ax.add_artist(bar)
    ax.annotate(
        "N" if lang == "en" else "U",  # Utara
        xy=(1.08, 0.97),
        xytext=(1.08, 0.87),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 3, "headwidth": 9, "headlength": 8},
        gid="north-arrow",
    )


def _stamp(ax: Axes) -> None:
    ax.text(
        0.5,
        0.985,
        ILLUSTRATIVE_STAMP,
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=10,
        fontweight="bold",
        color="#b2182b",
        bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "#b2182b", "lw": 1.5},
        zorder=10,
        gid=GID_STAMP,
    )


def _area_labels(ax: Axes, frame: gpd.GeoDataFrame, labels: pd.Series) -> None:
    names = _aligned(labels, frame, "labels")
    points = frame.geometry.representative_point()
    for name, point in zip(names, points, strict=True):
        if pd.isna(name):
            continue
        ax.annotate(
            str(name),
            xy=(point.x, point.y),
            ha="center",
            va="center",
            fontsize=5.5,
            color="#1a1a1a",
            path_effects=[pe.withStroke(linewidth=1.5, foreground="white")],
            annotation_clip=True,
        )


def _extent(projected: gpd.GeoDataFrame, *, illustrative: bool) -> tuple[float, ...]:
    """Axes limits: the areas plus a margin, more above for the stamp and below for the bar."""
    minx, miny, maxx, maxy = projected.total_bounds
    pad = 0.04 * max(maxx - minx, maxy - miny)
    return (minx - pad, maxx + pad, miny - 2 * pad, maxy + (3 if illustrative else 1) * pad)


def _new_map(
    extent: tuple[float, ...],
    *,
    title: str,
    subtitle: str | None,
    credits: str,
) -> tuple[Figure, Axes]:
    """Make a figure whose map axes fit the extent's aspect, with room for title and legend."""
    x0, x1, y0, y1 = extent
    aspect = (y1 - y0) / (x1 - x0)
    map_w = MAP_WIDTH
    map_h = map_w * aspect
    if map_h > MAP_MAX_HEIGHT:
        map_h = MAP_MAX_HEIGHT
        map_w = map_h / aspect
    top = 1.0 if subtitle else 0.65
    bottom = 0.5
    fig_w = max(MARGIN + map_w + LEGEND_WIDTH, 8.0)
    fig_h = top + map_h + bottom
    fig = Figure(figsize=(fig_w, fig_h))
    fig.suptitle(
        title,
        x=MARGIN / fig_w,
        y=1 - 0.2 / fig_h,
        ha="left",
        va="top",
        fontsize=14,
        fontweight="bold",
    )
    if subtitle:
        fig.text(
            MARGIN / fig_w,
            1 - 0.62 / fig_h,
            textwrap.fill(subtitle, SUBTITLE_WRAP),
            ha="left",
            va="top",
            fontsize=9.5,
            color="#333333",
        )
    fig.text(
        MARGIN / fig_w,
        0.12 / fig_h,
        credits,
        ha="left",
        va="bottom",
        fontsize=7,
        color="#444444",
        wrap=True,
    )
    ax = fig.add_axes((MARGIN / fig_w, bottom / fig_h, map_w / fig_w, map_h / fig_h))
    ax.set_axis_off()
    return fig, ax


def _plot_groups(
    ax: Axes,
    frame: gpd.GeoDataFrame,
    keys: pd.Series,
    entries: Sequence[LegendEntry],
) -> None:
    """Draw the areas of each legend row as one collection (``gid`` = ``"fill-<key>"``)."""
    for entry in entries:
        part = frame.loc[(keys == entry.key).to_numpy()]
        if part.empty:
            continue
        before = len(ax.collections)
        part.plot(
            ax=ax,
            facecolor=entry.color,
            edgecolor=EDGE_COLOR if not entry.hatch else "#737373",
            linewidth=0.4,
            hatch=entry.hatch or None,
        )
        for collection in ax.collections[before:]:
            collection.set_gid(f"fill-{entry.key}")
    # A clean outline on top (hatch colour follows the edge colour of hatched parts).
    frame.boundary.plot(ax=ax, color=EDGE_COLOR, linewidth=0.5)
    ax.collections[-1].set_gid("outline")


def _legend(fig: Figure, ax: Axes, entries: Sequence[LegendEntry], title: str) -> None:
    handles = [Patch(facecolor=e.color, edgecolor="#737373", hatch=e.hatch or None, label=e.text) for e in entries]
    legend = ax.legend(
        handles=handles,
        title=textwrap.fill(title, 34),
        loc="center left",
        bbox_to_anchor=(1.02, 0.5),
        frameon=False,
        fontsize=8.5,
        title_fontsize=9.5,
        alignment="left",
    )
    legend.set_gid(GID_LEGEND)


def _finish(
    fig: Figure,
    ax: Axes,
    projected: gpd.GeoDataFrame,
    extent: tuple[float, ...],
    *,
    illustrative: bool,
    labels: pd.Series | None,
    lang: str,
) -> Figure:
    # After plotting: geopandas autoscales the axes.
    ax.set_aspect("equal")
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    if labels is not None:
        _area_labels(ax, projected, labels)
    _decorate(ax, lang)
    if illustrative:
        _stamp(ax)
    return fig


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
) -> Figure:
    """Draw a choropleth map of one classified indicator.

    Parameters
    ----------
    frame
        Areas to draw (any CRS), indexed like ``classes.yb``.
    indicator
        The mapped indicator: legend title, unit and decimals.
    classes
        Class breaks from :func:`umkm_geo.classification.classify`; their colours and labels are
        the ones the web map uses.
    title, subtitle
        Map title and an optional line under it.
    credits
        Source and licence, printed at the bottom.
    illustrative
        Stamp the map with :data:`~umkm_geo.render._style.ILLUSTRATIVE_STAMP`.
    lang
        ``"id"`` or ``"en"``: legend language and number format.
    labels
        Optional area names (indexed like ``frame``) printed at each area.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot; save it with :func:`save_figure`.
    """
    projected = _projected(frame)
    yb = _aligned(classes.yb, frame, "classes.yb").astype(int)
    keys = yb.astype(str).where(yb >= 0, "nodata")
    entries = choropleth_legend(classes, decimals=indicator.decimals, lang=lang)
    extent = _extent(projected, illustrative=illustrative)
    fig, ax = _new_map(extent, title=title, subtitle=subtitle, credits=credits)
    _plot_groups(ax, projected, keys, entries)
    _legend(fig, ax, entries, indicator.title(lang))
    return _finish(fig, ax, projected, extent, illustrative=illustrative, labels=labels, lang=lang)


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
) -> Figure:
    """Draw a LISA cluster map with fixed category colours.

    Parameters
    ----------
    frame
        Areas to draw (any CRS).
    clusters
        Category code of each area (``"HH"``, ``"LL"``, ``"LH"``, ``"HL"``, ``"ns"``,
        ``"island"``; missing for no data), indexed like ``frame``.
    title, subtitle
        Map title and the line under it (name the p-value type, alpha and permutations there).
    credits
        Source and licence, printed at the bottom.
    illustrative
        Stamp the map with :data:`~umkm_geo.render._style.ILLUSTRATIVE_STAMP`.
    lang
        ``"id"`` or ``"en"``.
    labels
        Optional area names (indexed like ``frame``) printed at each area.
    legend_title
        Title of the legend (default "Klaster LISA" / "LISA cluster").

    Returns
    -------
    matplotlib.figure.Figure
        The legend lists every category in fixed order with its count, even when 0.
    """
    projected = _projected(frame)
    codes = lisa_categories(_aligned(clusters, frame, "clusters"))
    keys = codes.where(codes.notna(), "nodata")
    entries = category_legend(codes, lang)
    extent = _extent(projected, illustrative=illustrative)
    fig, ax = _new_map(extent, title=title, subtitle=subtitle, credits=credits)
    _plot_groups(ax, projected, keys, entries)
    default_title = "LISA cluster" if lang == "en" else "Klaster LISA"
    _legend(fig, ax, entries, legend_title or default_title)
    return _finish(fig, ax, projected, extent, illustrative=illustrative, labels=labels, lang=lang)


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 200) -> Path:
    """Save ``fig`` atomically as PNG or SVG (by suffix), creating folders, and close it.

    Parameters
    ----------
    fig
        The figure.
    path
        Destination ending in ``.png`` or ``.svg``.
    dpi
        Resolution of PNG output.

    Returns
    -------
    Path
        ``path``.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        msg = f"Cannot save a map as {target.name!r}: use a .png or .svg file name."
        raise ValueError(msg)
    try:
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight", facecolor="white")
    finally:
        plt.close(fig)
    return target
