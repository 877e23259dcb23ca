"""The layout every static map and chart shares: header, credits, date, stamp, scale bar, legend, labels.

Every figure is laid out at its print size: 16 cm wide (an A4 text column), at most 22 cm tall, no text
under 7 pt (:data:`MIN_FONT`). A map figure has a header (title and a wrapped subtitle), the map axes
across the full width in the UTM zone of the study area (so the scale bar is in true kilometres), a
legend band under the map (legend, a note on the classification, the key of numbered labels, north
arrow; sized to what it holds by :func:`fit_band`) and a footer (source and licence credit, and the
date the map was made). Maps of illustrative data carry
:data:`~umkm_geo.classify.symbology.ILLUSTRATIVE_STAMP`.

Area labels are placed by :mod:`umkm_geo.render.static._labels`. Every figure is drawn on its own Agg
canvas, outside pyplot's global state. The words (footer, north, scale bar) are ``maps.*`` in the
locale files.

Size: the one page layout every figure shares (print size, header, legend band, footer, stamp,
scale bar, north arrow); split across modules, the print sizes and font sizes would drift apart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import textwrap
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox, ScaledTranslation
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from umkm_geo import _i18n
from umkm_geo.classify.symbology import EDGE_COLOR, ILLUSTRATIVE_STAMP, LegendEntry
from umkm_geo.render.static._areas import print_geometry, unit_paths

#: Width in inches of every figure: 16 cm, an A4 text column, so that it is printed at the size it was
#: laid out and no text falls under :data:`MIN_FONT` (7 pt).
FIGURE_WIDTH = 16 / 2.54

#: Layout in inches: map width (and height cap, so a map with its header and footer fits 22 cm), the
#: legend column and the left margin.
MARGIN = 0.15
LEGEND_WIDTH = 2.15
MAP_WIDTH = FIGURE_WIDTH - 2 * MARGIN
MAP_MAX_HEIGHT = 5.1

#: Font sizes (points): title, subtitle, legend rows and title, notes and credits (the smallest text).
TITLE_SIZE = 11.0
SUBTITLE_SIZE = 8.0
LEGEND_SIZE = 7.5
LEGEND_TITLE_SIZE = 8.0
MIN_FONT = 7.0
CREDIT_SIZE = MIN_FONT

#: Characters per line of a legend title.
LEGEND_WRAP = 30

#: Characters per line of the notes under the legend.
NOTE_WRAP = 36

#: The map's legend band: gap above it (inches), characters per legend row, rows before a second column.
BAND_GAP = 0.1
BAND_WRAP = 44
BAND_ROWS = 8
GID_BAND = "legend-band"

#: ``gid`` of the artists tests and callers can look up.
GID_STAMP = "illustrative-stamp"
GID_LEGEND = "map-legend"
GID_NOTE = "legend-note"
GID_KEY = "label-key"
GID_SCALE = "scale-bar"
GID_NORTH = "north-arrow"
GID_CREDITS = "credits"
GID_DATE = "map-date"


def package_version() -> str:
    """Version of umkm_geo (printed with the date under every figure)."""
    try:
        return version("umkm_geo")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


@dataclasses.dataclass(frozen=True)
class FigureText:
    """The fixed texts of a figure.

    Parameters
    ----------
    title, subtitle
        Title and an optional line under it (wrapped to the figure width).
    credits
        Source and licence of the data, printed at the bottom.
    illustrative
        Stamp the figure with :data:`~umkm_geo.classify.symbology.ILLUSTRATIVE_STAMP`.
    lang
        ``"id"`` or ``"en"``.
    date
        Date printed in the footer (default: today); a string is printed as given.
    """

    title: str
    subtitle: str | None
    credits: str
    illustrative: bool
    lang: str = "id"
    date: dt.date | str | None = None

    def __post_init__(self) -> None:
        _i18n.checked_lang(self.lang)

    def footer(self) -> str:
        """Date line, e.g. ``"Dibuat 2025-01-31 · umkm_geo 0.4.0"``."""
        when = self.date if self.date is not None else dt.date.today()
        text = when if isinstance(when, str) else when.isoformat()
        return _i18n.text("maps.footer", self.lang, date=text, version=package_version())


def figure_renderer(ax: Axes) -> RendererBase:
    """The renderer of the (Agg) canvas of ``ax``'s figure, to measure artists in display space."""
    return cast(FigureCanvasAgg, ax.figure.canvas).get_renderer()


# --- geometry helpers --------------------------------------------------------------------------


class _Canvas(FigureCanvasAgg):
    """An Agg canvas that draws only when asked to (savefig, the label placer), not on ``draw_idle``.

    geopandas calls ``canvas.draw_idle()`` after every plot call, which on an Agg canvas draws the
    whole figure at once: a map of a few layers was drawn a dozen times before it was saved (17 of
    the 57 s the Blitar map set took). A figure here is drawn once, when it is saved.
    """

    def draw_idle(self, *args: object, **kwargs: object) -> None:
        return None


def projected(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` in the UTM zone of its centroid (axes in metres, for a true scale bar), as printed.

    The geometry is :func:`~umkm_geo.render.static._areas.print_geometry` (simplified to a quarter of a
    printed pixel), projected once for all the maps of the same units.
    """
    if frame.crs is None:
        msg = "The map frame has no CRS; set it (EPSG:4326 for longitude/latitude)."
        raise ValueError(msg)
    geometry = print_geometry(frame)
    return gpd.GeoDataFrame(frame.drop(columns=frame.geometry.name), geometry=geometry.array, crs=geometry.crs)


def aligned(series: pd.Series, index: pd.Index, what: str) -> pd.Series:
    """``series`` reindexed to ``index``; every id of ``index`` must be present."""
    missing = index.difference(series.index)
    if len(missing):
        msg = f"{what} has no entry for {len(missing)} areas of the map, e.g. {list(missing[:3])}."
        raise ValueError(msg)
    return series.reindex(index)


def class_keys(yb: pd.Series, index: pd.Index, what: str) -> pd.Series:
    """Legend keys of class codes ``yb`` (aligned to ``index``): the class as text, ``"nodata"`` for ``-1``."""
    codes = aligned(yb, index, what).astype(int)
    return codes.astype(str).where(codes >= 0, "nodata")


def map_extent(frame: gpd.GeoDataFrame, *, illustrative: bool) -> tuple[float, float, float, float]:
    """Axes limits: the areas plus a margin, more above for the stamp and below for the scale bar."""
    minx, miny, maxx, maxy = frame.total_bounds
    pad = 0.04 * max(maxx - minx, maxy - miny)
    return (minx - pad, maxx + pad, miny - 2 * pad, maxy + (2.5 if illustrative else 1) * pad)


def nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 x 10^n metres) at most a fifth of ``span_m``."""
    target = span_m / 5
    power = 10 ** math.floor(math.log10(target))
    return max(m * power for m in (1, 2, 5) if m * power <= target)


def km_text(length_m: float, lang: str = "id") -> str:
    """Scale-bar text in km (or m below 1 km), with the decimal comma in ``"id"``."""
    value, key = (length_m / 1000, "maps.scale_km") if length_m >= 1000 else (length_m, "maps.scale_m")
    number = f"{value:g}"
    return _i18n.text(key, lang, length=number.replace(".", ",") if lang == "id" else number)


# --- figure frame ------------------------------------------------------------------------------


def _wrap(value: str, width_in: float, size: float, *, bold: bool = False) -> str:
    """Wrap ``value`` to a width in inches (a DejaVu character is about 0.55 em, 0.62 bold)."""
    chars = max(20, int(width_in * 72 / (size * (0.66 if bold else 0.57))))
    return "\n".join(textwrap.fill(line, chars) for line in value.splitlines() or [""])


def new_figure(width: float, body_height: float, texts: FigureText) -> tuple[Figure, float, float]:
    """Make a figure with header and footer around a body of ``width`` x ``body_height`` inches.

    Returns
    -------
    tuple
        The figure (on an Agg canvas, not attached to pyplot), and the heights in inches of the
        footer (below the body) and of the whole figure.
    """
    usable = width - 2 * MARGIN
    title = _wrap(texts.title, usable, TITLE_SIZE, bold=True)
    subtitle = _wrap(texts.subtitle, usable, SUBTITLE_SIZE) if texts.subtitle else ""
    credits = _wrap(texts.credits, usable, CREDIT_SIZE)
    n_title = title.count("\n") + 1
    n_sub = subtitle.count("\n") + 1 if subtitle else 0
    n_foot = credits.count("\n") + 2
    header = 0.2 + n_title * TITLE_SIZE * 1.3 / 72 + (0.1 + n_sub * SUBTITLE_SIZE * 1.35 / 72 if n_sub else 0) + 0.15
    footer = 0.15 + n_foot * CREDIT_SIZE * 1.4 / 72 + 0.15
    height = header + body_height + footer
    fig = Figure(figsize=(width, height))
    _Canvas(fig)

    # the header hangs from the top edge and the footer stands on the bottom one, in inches, so that a
    # map whose legend band grows (fit_band) keeps them in place
    def from_top(inches: float):
        return fig.transFigure + ScaledTranslation(0, -inches, fig.dpi_scale_trans)

    fig.suptitle(
        title,
        x=MARGIN / width,
        y=1.0,
        ha="left",
        va="top",
        fontsize=TITLE_SIZE,
        fontweight="bold",
        transform=from_top(0.2),
    )
    if subtitle:
        fig.text(
            MARGIN / width,
            1.0,
            subtitle,
            ha="left",
            va="top",
            fontsize=SUBTITLE_SIZE,
            color="#333333",
            linespacing=1.35,
            transform=from_top(0.3 + n_title * TITLE_SIZE * 1.3 / 72),
        )
    x = MARGIN
    fig.text(
        x,
        0.15,
        texts.footer(),
        ha="left",
        va="bottom",
        fontsize=CREDIT_SIZE,
        color="#444444",
        gid=GID_DATE,
        transform=fig.dpi_scale_trans,
    )
    fig.text(
        x,
        0.15 + CREDIT_SIZE * 1.4 / 72,
        credits,
        ha="left",
        va="bottom",
        fontsize=CREDIT_SIZE,
        color="#444444",
        linespacing=1.4,
        gid=GID_CREDITS,
        transform=fig.dpi_scale_trans,
    )
    return fig, footer, height


def new_map(extent: Sequence[float], texts: FigureText) -> tuple[Figure, Axes, Axes]:
    """Make a map figure: header, the map axes (the extent's aspect, full width), the legend band under it, footer.

    The band (``gid`` ``"legend-band"``) holds the legend, the notes and the north arrow
    (:func:`band_legend`, :func:`band_notes`, :func:`north_arrow`); :func:`fit_band` then sizes it to
    what it holds.

    Returns
    -------
    tuple
        The figure, the map axes and the band axes.
    """
    x0, x1, y0, y1 = extent
    aspect = (y1 - y0) / (x1 - x0)
    map_w = MAP_WIDTH
    map_h = map_w * aspect
    if map_h > MAP_MAX_HEIGHT:
        map_h = MAP_MAX_HEIGHT
        map_w = map_h / aspect
    width = FIGURE_WIDTH
    band_h = 1.0  # provisional: fit_band sets it
    fig, footer, height = new_figure(width, map_h + BAND_GAP + band_h, texts)
    ax = fig.add_axes(
        ((width - map_w) / 2 / width, (footer + band_h + BAND_GAP) / height, map_w / width, map_h / height)
    )
    ax.set_axis_off()
    band = fig.add_axes((MARGIN / width, footer / height, (width - 2 * MARGIN) / width, band_h / height))
    band.set_axis_off()
    band.set_gid(GID_BAND)
    band.set_navigate(False)
    return fig, ax, band


def _from_band_top(band: Axes, x: float, inches: float):
    """Transform of a point ``inches`` below the band's top, at band fraction ``x`` (stays put as the band grows)."""
    return band.transAxes + ScaledTranslation(0, -inches, band.figure.dpi_scale_trans)  # type: ignore[union-attr]


def band_legend(band: Axes, entries: Sequence[LegendEntry], title: str, *, lines: Sequence[Line2D] = ()) -> Legend:
    """The map's legend at the top left of the band (two columns when it has many rows); ``lines`` follow the fills."""
    two = len(entries) > BAND_ROWS
    wrap = 36 if two else BAND_WRAP  # two columns stay left of the locator inset
    handles: list[Patch | Line2D] = [
        Patch(facecolor=e.color, edgecolor="#737373", hatch=e.hatch or None, label=textwrap.fill(e.text, wrap))
        for e in entries
    ]
    handles += list(lines)
    artist = band.legend(
        handles=handles,
        title="\n".join(textwrap.fill(line, LEGEND_WRAP + 6) for line in title.splitlines()),
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=2 if two else 1,
        frameon=False,
        fontsize=LEGEND_SIZE,
        title_fontsize=LEGEND_TITLE_SIZE,
        alignment="left",
        borderaxespad=0.0,
        borderpad=0.2,
        handlelength=1.6,
        columnspacing=1.0,
    )
    artist.set_gid(GID_LEGEND)
    return artist


def band_notes(band: Axes, legend_artist: Legend, blocks: Sequence[tuple[str, str]], *, right: float = 0.9) -> None:
    """Write text blocks ``(gid, text)`` in the band: right of the legend when there is room, else below it.

    Each block hangs a fixed distance (in inches) below the band's top, so the blocks stay put when
    :func:`fit_band` grows the band.
    """
    fig = band.figure
    renderer = figure_renderer(band)
    legend_box = legend_artist.get_window_extent(renderer)
    band_box = band.get_window_extent(renderer)
    right_of = (legend_box.x1 - band_box.x0) / band_box.width + 0.04
    side = right_of <= 0.5
    under_locator = not side and right < 0.9  # a wide legend beside the locator: the notes go under the inset
    x = max(right_of, 0.42) if side else right + 0.02 if under_locator else 0.0
    end = 0.99 if under_locator else right
    wrap = max(24, int((end - x) * band_box.width / fig.dpi * 72 / (MIN_FONT * 0.57)))  # type: ignore[union-attr]
    if side:
        y = 0.02
    elif under_locator:
        y = LOCATOR_SIZE[1] + 0.25
    else:
        y = (band_box.y1 - legend_box.y0) / fig.dpi + 0.08  # type: ignore[union-attr]
    for gid, value in blocks:
        if not value:
            continue
        text = "\n".join(textwrap.fill(line, wrap) if line.strip() else line for line in value.splitlines())
        block = band.text(
            x,
            1.0,
            text,
            transform=_from_band_top(band, x, y),
            ha="left",
            va="top",
            fontsize=MIN_FONT,
            color="#333333",
            gid=gid,
        )
        y += block.get_window_extent(renderer).height / fig.dpi + 0.06  # type: ignore[union-attr]


#: Size (inches) of the locator inset, at the top right of the legend band (left of the north arrow).
LOCATOR_SIZE = (1.35, 1.0)
GID_LOCATOR = "locator"


def draw_locator(band: Axes, locator: gpd.GeoDataFrame, lang: str) -> Axes:
    """A small map of the province: its kab/kota in grey, the study's own (``studi``) in red.

    Returns the inset axes (``gid`` :data:`GID_LOCATOR`), anchored to the band's top, so that
    :func:`fit_band` keeps it in place.
    """
    from mpl_toolkits.axes_grid1.inset_locator import inset_axes

    inset = inset_axes(
        band,
        width=LOCATOR_SIZE[0],
        height=LOCATOR_SIZE[1],
        loc="upper right",
        bbox_to_anchor=(0.9, 1.0),
        bbox_transform=band.transAxes,
        borderpad=0,
    )
    proj = projected(locator)
    colors = ["#b2182b" if studi else "#d9d9d9" for studi in proj["studi"]]
    proj.plot(ax=inset, color=colors, edgecolor="white", linewidth=0.2)
    inset.set_aspect("equal")
    inset.set_axis_off()
    inset.set_gid(GID_LOCATOR)
    inset.set_title(_i18n.text("maps.locator", lang), fontsize=MIN_FONT, color="#333333", pad=2)
    return inset


def fit_band(fig: Figure, ax: Axes, band: Axes, *, pad: float = 0.05) -> None:
    """Size the legend band to what it holds: the figure grows (or shrinks) below the map, the rest stays."""
    renderer = figure_renderer(band)
    dpi = fig.dpi
    legend_artist = band.get_legend()
    artists: list[Text | Legend] = [*band.texts, *([legend_artist] if legend_artist is not None else [])]
    if not artists:
        return
    insets = [a for a in fig.axes if a.get_gid() == GID_LOCATOR]
    boxes = [a.get_window_extent(renderer) for a in artists] + [a.get_tightbbox(renderer) for a in insets]
    lowest = min(b.y0 for b in boxes if b is not None) / dpi
    width, height = fig.get_size_inches()
    b = band.get_position()
    top = b.y1 * height
    needed = max(top - lowest + pad, 0.3)
    delta = needed - b.height * height
    new_height = height + delta
    m = ax.get_position()
    fig.set_size_inches(width, new_height)
    ax.set_position((m.x0, (m.y0 * height + delta) / new_height, m.width, m.height * height / new_height))
    band.set_position((b.x0, b.y0 * height / new_height, b.width, needed / new_height))


def new_chart(plot_size: tuple[float, float], texts: FigureText, *, side: float = 0.0) -> tuple[Figure, Axes]:
    """Make a chart figure: header, the stamp (when illustrative) above the axes, footer.

    Parameters
    ----------
    plot_size
        Width and height of the axes in inches.
    texts
        Title, subtitle, credits, stamp and date.
    side
        Width in inches of a column right of the axes (for a legend).

    Returns
    -------
    tuple
        The figure (on an Agg canvas) and its axes.
    """
    w, h = plot_size
    left, bottom_gap = 0.9, 0.75  # room for the axis labels and tick labels
    top_gap = 0.45 if texts.illustrative else 0.1
    width = max(left + w + side + MARGIN, FIGURE_WIDTH)
    fig, footer, height = new_figure(width, bottom_gap + h + top_gap, texts)
    ax = fig.add_axes((left / width, (footer + bottom_gap) / height, w / width, h / height))
    if texts.illustrative:
        figure_stamp(fig, (left + w / 2) / width, (footer + bottom_gap + h + top_gap - 0.08) / height)
    return fig, ax


def _stamp_text(where: Figure | Axes, x: float, y: float, *, size: float, pad: float, lw: float, **kwargs) -> Text:
    """The illustrative-data stamp, its top centre at ``(x, y)`` of ``where`` (a figure or axes)."""
    return where.text(
        x,
        y,
        ILLUSTRATIVE_STAMP,
        ha="center",
        va="top",
        fontsize=size,
        fontweight="bold",
        color="#b2182b",
        bbox={"boxstyle": f"round,pad={pad}", "facecolor": "white", "edgecolor": "#b2182b", "lw": lw},
        gid=GID_STAMP,
        **kwargs,
    )


def stamp(ax: Axes, *, y: float = 0.985) -> Text:
    """Put the illustrative-data stamp at the top centre of ``ax`` (a map); returns the text."""
    return _stamp_text(ax, 0.5, y, size=7.5, pad=0.35, lw=1.2, transform=ax.transAxes, zorder=10)


def figure_stamp(fig: Figure, x: float, y: float) -> Text:
    """Put the (smaller) stamp of charts and small multiples at figure fraction ``(x, y)`` (its top centre)."""
    return _stamp_text(fig, x, y, size=7.5, pad=0.35, lw=1.2)


def scale_bar(ax: Axes, lang: str, *, size: float = MIN_FONT) -> AnchoredSizeBar:
    """Add a scale bar in true km at the lower left of ``ax`` (its data units are metres)."""
    x0, x1 = ax.get_xlim()
    length = nice_length(x1 - x0)
    bar = AnchoredSizeBar(
        ax.transData,
        length,
        km_text(length, lang),
        loc="lower left",
        pad=0.6,
        sep=4,
        borderpad=0.8,
        frameon=False,
        size_vertical=(x1 - x0) / 250,
        fontproperties=FontProperties(size=size),
    )
    bar.set_gid(GID_SCALE)
    ax.add_artist(bar)
    return bar


def north_arrow(ax: Axes, lang: str, *, x: float = 1.08, y: float = 0.97, band: bool = False) -> None:
    """Add a north arrow at axes fraction ``(x, y)`` (``U`` for Utara, ``N`` in English).

    With ``band``, ``ax`` is a map's legend band and the arrow hangs from its top right corner.
    """
    anchor = _from_band_top(ax, 0.97, 0.05) if band else None
    ax.annotate(
        _i18n.text("maps.north", lang),
        xy=(0.97, 1.0) if band else (x, y),
        xytext=(0.0, -28.0) if band else (x, y - 0.1),
        xycoords=anchor if anchor is not None else "axes fraction",
        textcoords="offset points" if band else None,  # None: the same as xycoords
        ha="center",
        va="center",
        fontsize=9,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 2, "headwidth": 7, "headlength": 6},
        gid=GID_NORTH,
    )


#: Above this many units the units have no outline: even a hairline covers the small desa of Java.
OUTLINE_UNITS_LIMIT = 20_000


def outline_width(n_units: int) -> float:
    """Line width (points) of the unit outlines: 0.5 up to 500 units, thinner beyond, so fills stay visible.

    At 83,000 desa an outline of 0.5 pt covers the whole map; the width falls with the square root of
    the number of units (the typical unit's width on the page), to 0.05 pt at the least, and is 0 (no
    outline) above :data:`OUTLINE_UNITS_LIMIT` units, where even 0.05 pt turned Java dark grey.
    """
    if n_units > OUTLINE_UNITS_LIMIT:
        return 0.0
    return max(0.05, 0.5 * min(1.0, (500 / max(n_units, 1)) ** 0.5))


#: Parent outlines (kab/kota, and kecamatan on desa maps) are drawn up to this many units (a dissolve each).
PARENT_OUTLINE_LIMIT = 5_000

#: Gaps narrower than twice this (metres) between units are closed before a parent's outline is drawn.
SLIVER_CLOSE_M = 60.0


#: Geometry derived from a map's units (parent outlines, a grouping's border), by the units it is made from:
#: every map of a run draws the same units, and the dissolves and buffers took 1.7 s a map.
_DERIVED: dict[tuple[Any, ...], Any] = {}
_DERIVED_LIMIT = 16


def _units_key(frame: gpd.GeoDataFrame, *extra: Any) -> tuple[Any, ...]:
    """A key that changes with the units, their CRS and their shapes (bounds and total area)."""
    bounds = tuple(round(float(v), 3) for v in frame.total_bounds)
    return (str(frame.crs), tuple(frame.index), bounds, round(float(frame.area.sum()), 1), *extra)


def _derived(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """``make()``, computed once per ``key`` (the oldest entries dropped beyond :data:`_DERIVED_LIMIT`)."""
    if key not in _DERIVED:
        if len(_DERIVED) >= _DERIVED_LIMIT:
            _DERIVED.pop(next(iter(_DERIVED)))
        _DERIVED[key] = make()
    return _DERIVED[key]


def _parents(frame: gpd.GeoDataFrame, column: str) -> gpd.GeoSeries:
    """The outlines of the parents (``kec_kode``, ``kab_kode``) of the units in ``frame`` (projected)."""
    parents = frame[[column, "geometry"]].dissolve(by=column)
    # close the slivers between the units' polygons (the map is in metres), or they show as inner lines
    return parents.buffer(SLIVER_CLOSE_M).buffer(-SLIVER_CLOSE_M).boundary


def _parent_outlines(ax: Axes, frame: gpd.GeoDataFrame, width: float) -> None:
    """Kab/kota boundaries heavier than the units', and on desa maps kecamatan boundaries between the two.

    Each parent is the dissolve of its units (``gid`` ``"outline-kab"``, ``"outline-kec"``); drawn when
    the map has more than one parent and at most :data:`PARENT_OUTLINE_LIMIT` units.
    """
    if len(frame) > PARENT_OUTLINE_LIMIT:
        return
    for column, factor, gid in (("kec_kode", 1.8, "outline-kec"), ("kab_kode", 3.5, "outline-kab")):
        if (
            column not in frame
            or frame[column].nunique() < 2
            or (column == "kab_kode" and frame.index.equals(pd.Index(frame[column])))
        ):
            continue
        key = _units_key(frame, column, tuple(frame[column]))
        outlines = _derived(key, functools.partial(_parents, frame, column))
        outlines.plot(ax=ax, color="#252525", linewidth=min(width * factor, 1.6))
        ax.collections[-1].set_gid(gid)


@dataclasses.dataclass(frozen=True)
class Divide:
    """A grouping of the units whose border is drawn on every map (e.g. Blitar's utara | selatan).

    Attributes
    ----------
    groups
        The group of each unit (indexed like the map's frame).
    pair
        The two groups whose shared border is drawn.
    label
        The legend row of the line, e.g. ``"Batas utara | selatan"``.
    """

    groups: pd.Series
    pair: tuple[str, str]
    label: str


#: Style of a grouping's border (dashed, a colour no sequential or LISA palette uses).
DIVIDE_COLOR = "#3f007d"
DIVIDE_WIDTH = 1.8
DIVIDE_DASHES = (0.0, (5.0, 2.5))
GID_DIVIDE = "group-divide"


def _border(frame: gpd.GeoDataFrame, groups: pd.Series, pair: tuple[str, str]) -> Any:
    """The border between the two groups ``pair`` of the units (``None``: they do not touch)."""
    a, b = (frame.geometry[(groups == name).to_numpy()] for name in pair)
    if a.empty or b.empty:
        return None
    one = a.union_all().buffer(SLIVER_CLOSE_M).buffer(-SLIVER_CLOSE_M)
    other = b.union_all().buffer(SLIVER_CLOSE_M).buffer(-SLIVER_CLOSE_M)
    reach = 2 * SLIVER_CLOSE_M
    outline = one.union(other).buffer(SLIVER_CLOSE_M).buffer(-SLIVER_CLOSE_M).boundary
    # along the other group, but not along the outline of both (the hooks where the border meets it)
    border = one.boundary.intersection(other.buffer(reach)).difference(outline.buffer(reach))
    return None if border.is_empty or border.length == 0 else border


def draw_divide(ax: Axes, frame: gpd.GeoDataFrame, divide: Divide) -> Line2D | None:
    """Draw the border between the two groups of ``divide`` (``gid`` :data:`GID_DIVIDE`); its legend handle.

    The border is the part of one group's outline that lies along the other group and not along the
    outline of both (gaps between the units' polygons, narrower than twice :data:`SLIVER_CLOSE_M`, are
    closed first; the border stops that far short of the outline). Nothing is drawn
    when a group has no unit on the map or the groups do not touch.
    """
    groups = divide.groups.reindex(frame.index)
    key = _units_key(frame, "divide", divide.pair, tuple(groups.astype(str)))
    border = _derived(key, lambda: _border(frame, groups, divide.pair))
    if border is None:
        return None
    gpd.GeoSeries([border], crs=frame.crs).plot(
        ax=ax, zorder=4, color=DIVIDE_COLOR, linewidth=DIVIDE_WIDTH, linestyle=DIVIDE_DASHES
    )
    ax.collections[-1].set_gid(GID_DIVIDE)
    return Line2D([], [], label=divide.label, color=DIVIDE_COLOR, linewidth=DIVIDE_WIDTH, linestyle=DIVIDE_DASHES)


#: Hatched units beyond this many are drawn as one path (one unit per path up to it).
HATCH_MERGE = 500


def plot_groups(
    ax: Axes, frame: gpd.GeoDataFrame, keys: pd.Series, entries: Sequence[LegendEntry], *, extent: Sequence[float]
) -> None:
    """Draw the areas of each legend row as one collection (``gid`` = ``"fill-<key>"``), then outlines.

    The axes are then set to equal aspect and to ``extent`` (x0, x1, y0, y1): geopandas autoscales them.
    """
    width = outline_width(len(frame))
    paths = unit_paths(frame)
    for entry in entries:
        rows = np.flatnonzero((keys == entry.key).to_numpy())
        style: dict[str, Any] = {
            "facecolor": entry.color,
            "edgecolor": EDGE_COLOR if not entry.hatch else "#737373",
            "linewidth": 0.8 * width,
            "hatch": entry.hatch or None,
        }
        if paths is None:  # not polygons: geopandas draws them
            if len(rows):
                frame.iloc[rows].plot(ax=ax, **style)
                ax.collections[-1].set_gid(f"fill-{entry.key}")
            continue
        drawn = [path for path in (paths.paths[i] for i in rows) if path is not None]
        if entry.hatch and len(drawn) > HATCH_MERGE:
            # Agg hatches each path of a collection on its own (5.8 s for 9,000 desa without data):
            # one path of all the units is the same pattern on the same pixels, hatched once
            drawn = [Path.make_compound_path(*drawn)]
        if drawn:
            ax.add_collection(PathCollection(drawn, **style, gid=f"fill-{entry.key}"))
    if width == 0:
        pass  # too many units to outline (outline_width)
    elif paths is None:
        frame.boundary.plot(ax=ax, color=EDGE_COLOR, linewidth=width)
        ax.collections[-1].set_gid("outline")
    else:
        ax.add_collection(LineCollection(paths.rings, color=EDGE_COLOR, linewidth=width, gid="outline"))
    _parent_outlines(ax, frame, width)
    ax.set_aspect("equal")
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])


def legend(
    ax: Axes, entries: Sequence[LegendEntry], title: str, *, anchor: tuple[float, float] = (1.03, 0.84)
) -> Legend:
    """Add the legend (one row per entry, with counts) at the top of the legend column."""
    handles = [Patch(facecolor=e.color, edgecolor="#737373", hatch=e.hatch or None, label=e.text) for e in entries]
    artist = ax.legend(
        handles=handles,
        title="\n".join(textwrap.fill(line, LEGEND_WRAP) for line in title.splitlines()),
        loc="upper left",
        bbox_to_anchor=anchor,
        frameon=False,
        fontsize=LEGEND_SIZE,
        title_fontsize=LEGEND_TITLE_SIZE,
        alignment="left",
    )
    artist.set_gid(GID_LEGEND)
    return artist


def notes_below(ax: Axes, anchor_artist, lines: Sequence[tuple[str, str]], *, fontsize: float = MIN_FONT) -> None:
    """Write text blocks ``(gid, text)`` under ``anchor_artist`` (the legend), one below the other."""
    renderer = figure_renderer(ax)
    to_axes = ax.transAxes.inverted()
    bbox = anchor_artist.get_window_extent(renderer)
    (x, y), _ = to_axes.transform([[bbox.x0, bbox.y0], [bbox.x1, bbox.y1]])
    x += 0.012  # the legend's inner padding
    for gid, value in lines:
        if not value:
            continue
        block = ax.text(
            x,
            y - 0.012,
            "\n".join(textwrap.fill(line, NOTE_WRAP) if line.strip() else line for line in value.splitlines()),
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=fontsize,
            color="#333333",
            gid=gid,
        )
        y = to_axes.transform(block.get_window_extent(renderer))[0][1]


def artist_boxes(ax: Axes, *artists) -> list[Bbox]:
    """Display-space boxes of ``artists`` (with a text's bbox patch, e.g. the stamp)."""
    renderer = figure_renderer(ax)
    boxes = []
    for artist in artists:
        patch = artist.get_bbox_patch() if hasattr(artist, "get_bbox_patch") else None
        bbox = artist.get_window_extent(renderer)
        if patch is not None:
            artist.update_bbox_position_size(renderer)
            bbox = Bbox.union([bbox, patch.get_window_extent(renderer)])
        boxes.append(bbox)
    return boxes
