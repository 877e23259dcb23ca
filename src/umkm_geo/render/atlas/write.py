"""The web atlas: one self-contained, offline HTML page with a switchable layer per indicator and statistic.

The page is a folium map (see :mod:`umkm_geo.render.atlas.page`): ``folium.Map`` without tiles,
one ``folium.GeoJson`` and branca ``MacroElement`` elements for the data block, the feature logic
(styles, tooltips, popups), the title and area search, the areas' names, the layer switch and the legends. It
loads nothing from the network: folium's CDN links are dropped and Leaflet's JS and CSS are
inlined from the ``django-js-lib-leaflet`` package (plain Leaflet 1.9.4); no tile layer is added
unless asked for.

The polygons are embedded once, in the one GeoJSON whose features carry every layer's value:
switching layers restyles the same polygons, so the file grows with the number of areas, not with
the number of layers (each area's name is written at one point inside it, carried in its properties:
see :mod:`umkm_geo.render.atlas._labels`). The geometry is simplified as a coverage to fit a size budget (see
:mod:`umkm_geo.render.atlas._simplify`); the tolerance used is written into the page and returned.

A layer made from illustrative input (``illustrative=True`` on the layer or popup row) carries the
illustrative stamp in its legend, its tooltip, its name in the layer switch and, marked with ``†``,
in every popup row, with the stamp as the popup's footnote; the page shows the stamp under its title
when the page, or any layer or row, is illustrative.

Text from data (kecamatan names and codes, sector names) reaches the scripts only as JSON (with
``<``, ``>``, ``&`` and ``'`` escaped, so it cannot close the script element) and is put into the
page with ``textContent``, never as HTML: a kecamatan named ``<script>alert(1)</script>`` shows as
that text, and one named ``{{ 7*7 }}`` is never evaluated as a template. Titles, legends and layer
names written into the HTML are escaped by the templates.

The layers a caller passes (:class:`ChoroplethLayer`, :class:`CategoryLayer`, :class:`DetailRow`) and
the :class:`AtlasResult` returned are defined in :mod:`umkm_geo.render.atlas.model`.
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from umkm_geo._atomic import write_text
from umkm_geo._errors import ConfigError, TableError
from umkm_geo._i18n import LANGS, text
from umkm_geo.classify.breaks import NODATA_CLASS, format_number
from umkm_geo.classify.symbology import (
    EDGE_COLOR,
    ILLUSTRATIVE_STAMP,
    NODATA_COLOR,
    LegendEntry,
    category_legend,
    choropleth_legend,
    lisa_categories,
    nodata_label,
    scheme,
)
from umkm_geo.render.atlas._labels import label_points
from umkm_geo.render.atlas._simplify import TOLERANCES_M, WebGeometry, fit_geometry
from umkm_geo.render.atlas.model import AtlasResult, CategoryLayer, ChoroplethLayer, DetailRow, aligned
from umkm_geo.render.atlas.page import render_page, ui

#: The layer and result types are defined in :mod:`umkm_geo.render.atlas.model`; they are listed
#: here too, with the functions that take and return them.
__all__ = [
    "GROUPS",
    "MAX_PAGE_BYTES",
    "TILES",
    "AtlasResult",
    "CategoryLayer",
    "ChoroplethLayer",
    "DetailRow",
    "atlas_html",
    "default_max_bytes",
    "write_atlas",
]

#: Page-size budget cap in bytes (national kecamatan atlas: under 15 MB).
MAX_PAGE_BYTES = 14_500_000

#: Above this many areas the polygons are drawn on a canvas instead of as SVG paths.
CANVAS_THRESHOLD = 2000

#: Known basemaps for the optional online ``tiles`` extra: URL template and attribution.
TILES: Mapping[str, tuple[str, str]] = {
    "OpenStreetMap": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "© OpenStreetMap contributors (ODbL)",
    ),
}

#: Layer-control groups, in order; the heading of each is ``atlas.group.<group>`` in the locale files.
GROUPS: tuple[str, ...] = ("indicator", "statistic", "basis")

#: Order of the popup's sections: layer groups and ``"details"`` (the popup-only rows).
POPUP_ORDER = ("statistic", "details", "basis", "indicator")


def _text(value: object) -> str:
    """HTML-escape ``value`` (for Leaflet's attribution, which is HTML)."""
    return html.escape(str(value), quote=True)


def _lang(lang: str) -> str:
    if lang not in LANGS:
        msg = f"Unknown language {lang!r}; use 'id' (Bahasa Indonesia) or 'en' (English)."
        raise ConfigError(msg)
    return lang


def default_max_bytes(n_areas: int) -> int:
    """Default page-size budget: 1.5 MB plus 2 kB per area, at most :data:`MAX_PAGE_BYTES`.

    1.55 MB for Blitar (25 kecamatan), 2.8 MB for Jawa Timur (666), 14.5 MB for the 7,285
    kecamatan of Indonesia.
    """
    return min(MAX_PAGE_BYTES, 1_500_000 + 2_000 * n_areas)


@dataclasses.dataclass(frozen=True)
class _Layer:
    """One layer as the page sees it: palette and per-area palette index and value text."""

    meta: dict[str, Any]
    codes: list[int]
    texts: list[str | None] | None
    legend_title: str
    legend: list[LegendEntry]
    note: str
    stamp: str = ""


def _choropleth(layer: ChoroplethLayer, index: pd.Index, lang: str) -> _Layer:
    ind = layer.indicator
    values = aligned(layer.values, index, f"Layer {ind.key!r}")
    yb = aligned(layer.classes.yb, index, f"Classes of {ind.key!r}").astype(int)
    mismatch = index[(yb == NODATA_CLASS).to_numpy() != values.isna().to_numpy()]
    if len(mismatch):
        msg = (
            f"The classes of {ind.key!r} do not belong to its values: {len(mismatch)} areas are missing in one "
            f"and not in the other, e.g. {list(mismatch[:3])}; classify the layer's own values."
        )
        raise TableError(msg)
    nodata = layer.classes.k  # palette position of "no data"
    codes: list[int] = []
    texts: list[str | None] = []
    for value, cls in zip(values, yb, strict=True):
        if cls == NODATA_CLASS or pd.isna(value):
            codes.append(nodata)
            texts.append(None)
        else:
            codes.append(int(cls))
            texts.append(format_number(float(value), ind.decimals, lang=lang))
    classes = layer.classes
    note = classes.describe(lang)  # the note under the PNG's legend, in the same words
    stamp = ILLUSTRATIVE_STAMP if layer.illustrative else ""
    meta = {
        "key": ind.key,
        "label": layer.label(lang),
        "kind": "choropleth",
        "group": layer.group,
        "popup": True,
        "unit": ind.unit(lang),
        "colors": [*classes.colors, NODATA_COLOR],
        "dashed": [False] * classes.k + [True],
        "labels": [*classes.labels(ind.decimals, lang=lang), nodata_label(lang)],
        "stamp": stamp,
    }
    # the areas of this page in each class: all of them, or a province's on a page of a split atlas
    # (whose classes are the whole run's)
    on_page = Counter(codes)
    legend = [
        dataclasses.replace(entry, count=on_page[nodata if entry.key == "nodata" else int(entry.key)])
        for entry in choropleth_legend(classes, decimals=ind.decimals, lang=lang)
    ]
    legend = [entry for entry in legend if entry.key != "nodata" or entry.count]
    return _Layer(meta, codes, texts, ind.title(lang), legend, note, stamp)


def _category(layer: CategoryLayer, index: pd.Index, lang: str) -> _Layer:
    sch = scheme(layer.scheme)
    values = lisa_categories(aligned(layer.values, index, f"Layer {layer.key!r}"), layer.scheme)
    position = {code: i for i, code in enumerate(sch.codes)}
    nodata = len(sch.codes)
    codes = [nodata if code is None else position[code] for code in values]
    stamp = ILLUSTRATIVE_STAMP if layer.illustrative else ""
    meta = {
        "key": layer.key,
        "label": layer.label(lang),
        "short": layer.short(lang),
        "kind": "category",
        "group": layer.group,
        "popup": layer.popup,
        "unit": "",
        "colors": [*(sch.colors[c] for c in sch.codes), NODATA_COLOR],
        "dashed": [bool(sch.hatches.get(c)) for c in sch.codes] + [True],
        "labels": [*(sch.label(c, lang) for c in sch.codes), nodata_label(lang)],
        "stamp": stamp,
    }
    legend = category_legend(values, lang, layer.scheme)
    return _Layer(meta, codes, None, layer.label(lang), legend, "", stamp)


def _legend(layer: _Layer) -> dict[str, Any]:
    return {
        "key": layer.meta["key"],
        "title": layer.legend_title,
        "rows": layer.legend,
        "note": layer.note,
        "stamp": layer.stamp,
    }


def _control_groups(layers: Sequence[_Layer], lang: str) -> list[dict[str, Any]]:
    mark = ui(lang)["illustrative_mark"]
    groups = []
    for group in GROUPS:
        members = [
            (i, f"{layer.meta['label']} {mark}" if layer.stamp else layer.meta["label"])
            for i, layer in enumerate(layers)
            if layer.meta["group"] == group
        ]
        if members:
            groups.append({"key": group, "label": text(f"atlas.group.{group}", lang), "layers": members})
    return groups


def _resolve_tiles(tiles: str | None, attribution: str | None) -> dict[str, str] | None:
    if tiles is None:
        return None
    if tiles in TILES:
        url, default_attribution = TILES[tiles]
    elif re.match(r"^https?://", tiles) and "{z}" in tiles:
        url, default_attribution = tiles, None
    else:
        msg = f"Unknown basemap {tiles!r}; use one of {sorted(TILES)} or a URL template with {{z}}/{{x}}/{{y}}."
        raise ConfigError(msg)
    text = attribution or default_attribution
    if not text:
        msg = f"The basemap {tiles!r} needs its attribution (tiles_attribution=...)."
        raise ConfigError(msg)
    return {"url": url, "attribution": _text(text)}


def _fit_page(
    geoms: np.ndarray,
    render: Callable[[WebGeometry], str],
    budget: int,
    base: int,
    decimals: int,
    tolerances_m: Sequence[float],
) -> tuple[WebGeometry, str, int]:
    """Simplify the geometry with the smallest tolerance whose page fits ``budget`` bytes.

    :func:`~umkm_geo.render.atlas._simplify.fit_geometry` counts compact GeoJSON; the page holds a little
    more per polygon (folium writes the GeoJSON with a space after each separator, about 10 %). If
    the page is over the budget, the geometry budget shrinks by the page's own ratio and only larger
    tolerances are tried, until the page fits or no larger tolerance is left.
    """
    target = budget - base
    ladder = tuple(float(t) for t in tolerances_m)
    while True:
        web = fit_geometry(geoms, max_bytes=max(target, 0), decimals=decimals, tolerances_m=ladder)
        page = render(web)
        size = len(page.encode("utf-8"))
        larger = tuple(t for t in ladder if t > web.tolerance_m)
        if size <= budget or not larger:
            return web, page, size
        target = int(target * web.n_bytes / max(size - base, 1))
        ladder = larger


def write_atlas(
    frame: gpd.GeoDataFrame,
    layers: Sequence[ChoroplethLayer | CategoryLayer],
    *,
    title: str,
    credits: str,
    illustrative: bool,
    path: str | os.PathLike[str],
    lang: str = "id",
    details: Sequence[DetailRow] = (),
    max_bytes: int | None = None,
    decimals: int = 5,
    tolerances_m: Sequence[float] = TOLERANCES_M,
    tiles: str | None = None,
    tiles_attribution: str | None = None,
) -> AtlasResult:
    """Write an offline web atlas: one polygon set, one switchable layer per indicator or statistic.

    Parameters
    ----------
    frame
        Areas (any CRS) indexed by kecamatan code, with a ``nama`` column (and optionally
        ``kab_nama``, shown in tooltips, popups and search results).
    layers
        The layers, in control order; the first is shown on opening.
    title
        Page and map title.
    credits
        Source and licence, shown in the map's attribution.
    illustrative
        Show :data:`~umkm_geo.classify.symbology.ILLUSTRATIVE_STAMP` on the page (it is shown too when
        any layer or popup row is illustrative; those carry the stamp themselves).
    path
        Destination ``.html`` file (written atomically, folders created).
    lang
        ``"id"`` or ``"en"``: labels and number format.
    details
        Extra popup rows (p-values, LQ, ...), after the layers' values.
    max_bytes
        Page-size budget; the geometry is simplified until the page fits. ``None``:
        :func:`default_max_bytes`.
    decimals
        Decimals of the coordinates (5: about 1 m).
    tolerances_m
        Candidate simplification tolerances in metres (see :func:`~umkm_geo.render.atlas._simplify.fit_geometry`).
    tiles
        Optional online basemap: a name in :data:`TILES` or an ``https://.../{z}/{x}/{y}.png``
        template. ``None`` (the default) keeps the page offline.
    tiles_attribution
        Attribution of a basemap given as a URL template.

    Returns
    -------
    AtlasResult
        Path, size and the simplification tolerance used (also written into the page).

    Raises
    ------
    ConfigError
        For an unknown language, scheme or basemap, no layer, or duplicate layer keys.
    TableError
        If the frame lacks a CRS or ``nama``, has duplicate codes, or a layer misses an area.

    Warns
    -----
    UserWarning
        If the page is over the budget even at the largest tolerance.
    """
    start = time.perf_counter()
    lang = _lang(lang)
    if not layers:
        msg = "The web atlas needs at least one layer."
        raise ConfigError(msg)
    keys = [layer.key for layer in layers]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        msg = f"Layer keys must be unique; {duplicated} appear more than once."
        raise ConfigError(msg)
    if frame.crs is None:
        msg = "The map frame has no CRS; set it (EPSG:4326 for longitude/latitude)."
        raise TableError(msg)
    if "nama" not in frame.columns:
        msg = f"The map frame needs a 'nama' column for tooltips and search; it has {list(frame.columns)}."
        raise TableError(msg)
    if not frame.index.is_unique:
        duplicated_codes = sorted(set(frame.index[frame.index.duplicated()]))[:5]
        msg = f"The map frame's codes must be unique; duplicated, e.g.: {duplicated_codes}."
        raise TableError(msg)
    tile_spec = _resolve_tiles(tiles, tiles_attribution)
    geo = frame.to_crs("EPSG:4326")
    index = geo.index

    built = [
        _choropleth(la, index, lang) if isinstance(la, ChoroplethLayer) else _category(la, index, lang) for la in layers
    ]
    detail_values = [row.formatted(index, lang) for row in details]
    kab = geo["kab_nama"] if "kab_nama" in geo.columns else pd.Series(None, index=index, dtype=object)
    anchors = label_points(geo.geometry.to_numpy(), decimals=decimals)
    props = []
    for i, (code, name, kab_name) in enumerate(zip(index, geo["nama"], kab, strict=True)):
        item: dict[str, Any] = {"i": i, "kode": str(code), "nama": "" if pd.isna(name) else str(name)}
        if kab_name is not None and not pd.isna(kab_name):
            item["kab"] = str(kab_name)
        item["l"] = anchors[i]
        item["c"] = [layer.codes[i] for layer in built]
        item["v"] = [None if layer.texts is None else layer.texts[i] for layer in built]
        item["d"] = [values[i] for values in detail_values]
        props.append(item)
    minx, miny, maxx, maxy = (float(v) for v in geo.total_bounds)

    def data(web: WebGeometry | None) -> dict[str, Any]:
        if web is None:
            note = ""
        elif web.tolerance_m > 0:
            note = text("atlas.ui.simplified", lang, m=format_number(web.tolerance_m, 0, lang=lang))
        else:
            note = text("atlas.ui.unsimplified", lang, d=web.decimals)
        return {
            "lang": lang,
            "text": {**ui(lang), "nodata": nodata_label(lang), "stamp": ILLUSTRATIVE_STAMP},
            "credits": _text(credits),
            "geometry_note": _text(note),
            "geometry": None if web is None else web.settings(),
            "tiles": tile_spec,
            "edge": EDGE_COLOR,
            "weight": 0.8 if len(index) <= 1000 else 0.3,
            "canvas": len(index) > CANVAS_THRESHOLD,
            "bounds": [[miny, minx], [maxy, maxx]],
            "group_labels": {k: text(f"atlas.group.{k}", lang) for k in GROUPS},
            "popup_order": list(POPUP_ORDER),
            "layers": [layer.meta for layer in built],
            "details": [{"key": row.key, "label": row.label(lang), "stamp": row.illustrative} for row in details],
        }

    groups = _control_groups(built, lang)
    legends = [_legend(layer) for layer in built]
    page_stamped = bool(illustrative or any(la.stamp for la in built) or any(row.illustrative for row in details))

    def render(web: WebGeometry | None) -> str:
        geometries = [None] * len(index) if web is None else [json.loads(g) for g in web.geojson]
        features = [{"type": "Feature", "properties": p, "geometry": g} for p, g in zip(props, geometries, strict=True)]
        return render_page(
            title=title,
            lang=lang,
            data=data(web),
            features=features,
            stamp=ILLUSTRATIVE_STAMP if page_stamped else None,
            groups=groups,
            legends=legends,
            tolerance_m=0.0 if web is None else web.tolerance_m,
            canvas=len(index) > CANVAS_THRESHOLD,
            tiles=tile_spec,
        )

    budget = default_max_bytes(len(index)) if max_bytes is None else int(max_bytes)
    # Everything but the geometry (each ``null`` stands for one).
    base = len(render(None).encode("utf-8")) - 4 * len(index)
    web, page, size = _fit_page(geo.geometry.to_numpy(), render, budget, base, decimals, tolerances_m)
    if size > budget:
        warnings.warn(
            f"The web atlas {os.fspath(path)!r} is {size / 1e6:.2f} MB, over its budget of {budget / 1e6:.2f} MB "
            f"even with the largest simplification tolerance ({web.tolerance_m:g} m); it was written anyway. "
            "Use fewer layers or popup rows, or allow a larger budget (max_bytes).",
            UserWarning,
            stacklevel=2,
        )
    written = write_text(path, page)
    return AtlasResult(
        path=written,
        n_bytes=size,
        max_bytes=budget,
        n_areas=len(index),
        layers=tuple(keys),
        details=tuple(row.key for row in details),
        geometry=web,
        lang=lang,
        seconds=time.perf_counter() - start,
    )


def atlas_html(
    frame: gpd.GeoDataFrame,
    layers: Sequence[ChoroplethLayer | CategoryLayer],
    *,
    title: str,
    credits: str,
    illustrative: bool,
    lang: str = "id",
    path: str | os.PathLike[str],
    tiles: str | None = None,
    details: Sequence[DetailRow] = (),
    max_bytes: int | None = None,
) -> Path:
    """Write the web atlas and return its path.

    Same as :func:`write_atlas` with the default budget and decimals; that function also returns
    the page size and the simplification tolerance.
    """
    return write_atlas(
        frame,
        layers,
        title=title,
        credits=credits,
        illustrative=illustrative,
        lang=lang,
        path=path,
        tiles=tiles,
        details=details,
        max_bytes=max_bytes,
    ).path
