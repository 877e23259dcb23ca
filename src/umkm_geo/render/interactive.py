"""The web atlas: one self-contained, offline HTML page with one switchable map layer per indicator.

The page loads nothing from the network. folium's default CDN links (Leaflet, jQuery, Bootstrap,
Awesome Markers, Font Awesome) are dropped, and Leaflet's JS and CSS are inlined from the
``django-js-lib-leaflet`` package (plain Leaflet 1.9.4); no tile layer is added unless asked for.

Every text that comes from data (kecamatan names and codes, values) is HTML-escaped before it
reaches the page; braces are escaped too, because branca re-reads rendered snippets as Jinja
templates (a name such as ``{{ 7*7 }}`` would otherwise be evaluated).
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import html
import os
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from umkm_geo._atomic import write_text
from umkm_geo.classification import NODATA_CLASS, ClassBreaks, format_number
from umkm_geo.indicators import Indicator
from umkm_geo.render._style import (
    EDGE_COLOR,
    ILLUSTRATIVE_STAMP,
    LISA_COLORS,
    NODATA_COLOR,
    LegendEntry,
    category_legend,
    choropleth_legend,
    lisa_categories,
    lisa_label,
    nodata_label,
)

#: Package (PyPI ``django-js-lib-leaflet``) and folder holding ``leaflet.js`` and ``leaflet.css``.
LEAFLET_PACKAGE = "js_lib_leaflet"
LEAFLET_DIR = ("static", "js_lib_leaflet")

_PAGE_CSS = """
.leaflet-container { background: #f4f4f1; font-family: system-ui, sans-serif; }
.leaflet-control-attribution { max-width: 60vw; }
.leaflet-control-layers { font-size: 13px; }
.umkm-box { background: rgba(255,255,255,0.94); border: 1px solid #bbb; border-radius: 4px;
  padding: 6px 10px; box-shadow: 0 1px 4px rgba(0,0,0,0.25);
  font: 13px/1.35 system-ui, sans-serif; }
.umkm-header { max-width: 45vw; }
.umkm-title { font-size: 16px; font-weight: 600; }
.umkm-stamp { margin-top: 6px; color: #b2182b; border: 2px solid #b2182b; font-weight: 700; }
.umkm-legend { max-width: 320px; }
.umkm-legend h4 { margin: 0 0 4px 0; font-size: 13px; }
.umkm-legend .row { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.umkm-legend .swatch { width: 18px; height: 12px; border: 1px solid #777; flex: none; }
.umkm-legend .swatch.dashed { border-style: dashed; }
.umkm-legend .count { color: #555; }
.foliumtooltip th, .foliumtooltip td { text-align: left; }
"""


def _text(value: object) -> str:
    """HTML-escape ``value`` for the page, braces included (see the module docstring)."""
    return html.escape(str(value), quote=True).replace("{", "&#123;").replace("}", "&#125;")


class _Raw(Element):
    """An element rendered verbatim (no Jinja pass over its text)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


@dataclasses.dataclass(frozen=True, eq=False)
class ChoroplethLayer:
    """A classified indicator shown as a choropleth layer.

    Parameters
    ----------
    indicator
        Labels, unit and decimals of the values.
    values
        The values, indexed like the map frame.
    classes
        The class breaks the PNG uses too.
    """

    indicator: Indicator
    values: pd.Series
    classes: ClassBreaks

    def label(self, lang: str = "id") -> str:
        """Layer name in ``lang``."""
        return self.indicator.label(lang)


@dataclasses.dataclass(frozen=True, eq=False)
class CategoryLayer:
    """A LISA cluster layer with the fixed category colours.

    Parameters
    ----------
    key
        Identifier of the layer (e.g. ``"lisa_umkm_density"``).
    label_id, label_en
        Layer name in Bahasa Indonesia and in English.
    values
        LISA category codes (``"HH"``, ``"LL"``, ``"LH"``, ``"HL"``, ``"ns"``, ``"island"``,
        missing for no data), indexed like the map frame.
    """

    key: str
    label_id: str
    label_en: str
    values: pd.Series

    def label(self, lang: str = "id") -> str:
        """Layer name in ``lang``."""
        return self.label_en if lang == "en" else self.label_id


@functools.lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Return Leaflet's JS and CSS from the installed ``django-js-lib-leaflet`` package.

    The CSS's images (layer-control icon, markers) are inlined as data URIs.

    Returns
    -------
    tuple of str
        ``(javascript, css)``.
    """
    try:
        folder = resources.files(LEAFLET_PACKAGE).joinpath(*LEAFLET_DIR)
    except ModuleNotFoundError:
        msg = (
            "The offline web map needs Leaflet from the package 'django-js-lib-leaflet'; "
            "install it with: pip install django-js-lib-leaflet"
        )
        raise ModuleNotFoundError(msg) from None
    js = folder.joinpath("leaflet.js").read_text(encoding="utf-8")
    css = folder.joinpath("leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = folder.joinpath("images", match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)
    return js, css


def _aligned(series: pd.Series, index: pd.Index, what: str) -> pd.Series:
    missing = index.difference(series.index)
    if len(missing):
        msg = f"{what} has no entry for {len(missing)} areas of the map, e.g. {list(missing[:3])}."
        raise ValueError(msg)
    return series.reindex(index)


def _tooltip(name: object, code: object, rows: Sequence[tuple[str, str]]) -> str:
    head = f"<b>{_text(name)}</b> <span style='color:#666'>({_text(code)})</span>"
    body = "".join(f"<tr><th>{_text(k)}</th><td>{_text(v)}</td></tr>" for k, v in rows)
    return f"{head}<table>{body}</table>"


def _choropleth_features(
    frame: gpd.GeoDataFrame, layer: ChoroplethLayer, lang: str
) -> tuple[pd.Series, pd.Series, list[LegendEntry]]:
    ind = layer.indicator
    values = _aligned(layer.values, frame.index, f"Layer {ind.key!r}")
    yb = _aligned(layer.classes.yb, frame.index, f"Classes of {ind.key!r}").astype(int)
    labels = layer.classes.labels(ind.decimals, lang=lang)
    class_word = "Class" if lang == "en" else "Kelas"
    tips, fills = [], []
    for code, name, value, cls in zip(frame.index, frame["nama"], values, yb, strict=True):
        if cls == NODATA_CLASS or pd.isna(value):
            shown, cls_text = nodata_label(lang), nodata_label(lang)
        else:
            unit = ind.unit(lang)
            shown = format_number(value, ind.decimals, lang=lang) + (f" {unit}" if unit else "")
            cls_text = labels[cls]
        tips.append(_tooltip(name, code, [(ind.label(lang), shown), (class_word, cls_text)]))
        fills.append(layer.classes.color_for(int(cls)))
    entries = choropleth_legend(layer.classes, decimals=ind.decimals, lang=lang)
    return pd.Series(tips, index=frame.index), pd.Series(fills, index=frame.index), entries


def _category_features(
    frame: gpd.GeoDataFrame, layer: CategoryLayer, lang: str
) -> tuple[pd.Series, pd.Series, list[LegendEntry]]:
    codes = lisa_categories(_aligned(layer.values, frame.index, f"Layer {layer.key!r}"))
    tips, fills = [], []
    for code, name, cat in zip(frame.index, frame["nama"], codes, strict=True):
        shown = nodata_label(lang) if cat is None else lisa_label(cat, lang)
        tips.append(_tooltip(name, code, [(layer.label(lang), shown)]))
        fills.append(NODATA_COLOR if cat is None else LISA_COLORS[cat])
    entries = category_legend(codes, lang)
    return pd.Series(tips, index=frame.index), pd.Series(fills, index=frame.index), entries


def _legend_html(element_id: str, title: str, entries: Sequence[LegendEntry], shown: bool) -> str:
    rows = "".join(
        f"<div class='row' data-key='{_text(e.key)}'>"
        f"<span class='swatch{' dashed' if e.hatch else ''}' style='background:{e.color}'></span>"
        f"<span class='label'>{_text(e.label)}</span>"
        f"<span class='count'>(n={e.count})</span></div>"
        for e in entries
    )
    display = "block" if shown else "none"
    return (
        f"<div class='umkm-box umkm-legend' id='{element_id}' style='display:{display}'>"
        f"<h4>{_text(title)}</h4>{rows}</div>"
    )


class _Overlay(MacroElement):
    """Dock the title box and the legends in Leaflet's corners; switch legends with the layer.

    Leaflet stacks the controls of one corner, so the legends sit above the attribution and the
    title above nothing else, whatever the window size.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            function dock(id, position) {
                var el = document.getElementById(id);
                if (!el) { return; }
                var control = L.control({position: position});
                control.onAdd = function () {
                    L.DomEvent.disableClickPropagation(el);
                    L.DomEvent.disableScrollPropagation(el);
                    return el;
                };
                control.addTo(map);
            }
            dock("umkm-header", "topleft");
            dock("umkm-legends", "bottomright");
            var pairs = [
            {%- for name in this.group_names %}
                [{{ name }}, "legend-{{ name }}"],
            {%- endfor %}
            ];
            map.on("baselayerchange", function (e) {
                pairs.forEach(function (pair) {
                    var el = document.getElementById(pair[1]);
                    if (el) { el.style.display = pair[0] === e.layer ? "block" : "none"; }
                });
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, group_names: Sequence[str]) -> None:
        super().__init__()
        self._name = "Overlay"
        self.group_names = list(group_names)


class _MapExtras(MacroElement):
    """Add the (already escaped) credits to the attribution and a metric scale bar."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, credits_html: str) -> None:
        super().__init__()
        self._name = "MapExtras"
        self.text = credits_html


def _style(feature: dict[str, Any]) -> dict[str, Any]:
    props = feature["properties"]
    return {
        "fillColor": props["fill"],
        "fillOpacity": 0.85,
        "color": EDGE_COLOR,
        "weight": 0.8,
        "dashArray": "4 3" if props["dashed"] else None,
    }


def _highlight(feature: dict[str, Any]) -> dict[str, Any]:
    return {"weight": 2.5, "color": "#000000"}


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
) -> Path:
    """Write an offline web atlas with one switchable layer per indicator or LISA map.

    Parameters
    ----------
    frame
        Areas (any CRS) indexed by kecamatan code, with a ``nama`` column.
    layers
        The layers, in control order; the first is shown on opening.
    title
        Page and map title.
    credits
        Source and licence, shown in the map's attribution.
    illustrative
        Show :data:`~umkm_geo.render._style.ILLUSTRATIVE_STAMP` on the page.
    lang
        ``"id"`` or ``"en"``: labels and number format.
    path
        Destination ``.html`` file (written atomically, folders created).
    tiles
        A folium tile layer name or URL for a background map. ``None`` (the default) keeps the
        page offline; a tile layer needs internet access when the page is opened.

    Returns
    -------
    Path
        ``path``.
    """
    if lang not in ("id", "en"):
        msg = f"Unknown language {lang!r}; use 'id' (Bahasa Indonesia) or 'en' (English)."
        raise ValueError(msg)
    if not layers:
        msg = "The web atlas needs at least one layer."
        raise ValueError(msg)
    if frame.crs is None:
        msg = "The map frame has no CRS; set it (EPSG:4326 for longitude/latitude)."
        raise ValueError(msg)
    if "nama" not in frame.columns:
        msg = f"The map frame needs a 'nama' column for the tooltips; it has {list(frame.columns)}."
        raise ValueError(msg)
    geo = frame.to_crs("EPSG:4326")
    minx, miny, maxx, maxy = geo.total_bounds

    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        tiles=None,
        zoom_start=10,
        zoom_control="bottomleft",
    )
    # Instance attributes: folium's class-level CDN lists stay untouched for other maps.
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    root.title = _text(title)
    js, css = leaflet_assets()
    root.header.add_child(_Raw(f"<style>{css}</style>"), name="leaflet_css")
    root.header.add_child(_Raw(f"<script>{js}</script>"), name="leaflet_js")
    root.header.add_child(_Raw(f"<style>{_PAGE_CSS}</style>"), name="umkm_css")
    if tiles is not None:
        folium.TileLayer(tiles, control=False).add_to(fmap)

    legends, group_names = [], []
    for i, layer in enumerate(layers):
        if isinstance(layer, ChoroplethLayer):
            tips, fills, entries = _choropleth_features(geo, layer, lang)
            legend_title = layer.indicator.title(lang)
        else:
            tips, fills, entries = _category_features(geo, layer, lang)
            legend_title = layer.label(lang)
        data = gpd.GeoDataFrame(
            {
                "tooltip": tips.to_numpy(),
                "fill": fills.to_numpy(),
                # Areas hatched in the PNG (no data, no neighbours) get a dashed outline.
                "dashed": fills.isin([e.color for e in entries if e.hatch]).to_numpy(),
            },
            geometry=geo.geometry.to_numpy(),
            crs=geo.crs,
        )
        group = folium.FeatureGroup(
            name=_text(layer.label(lang)),
            overlay=False,
            show=i == 0,
        )
        folium.GeoJson(
            data,
            style_function=_style,
            highlight_function=_highlight,
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        ).add_to(group)
        group.add_to(fmap)
        group_names.append(group.get_name())
        legends.append(_legend_html(f"legend-{group.get_name()}", legend_title, entries, shown=i == 0))

    if len(layers) > 1:
        folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    _Overlay(group_names).add_to(fmap)
    _MapExtras(_text(credits)).add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])

    header = [f"<div class='umkm-box umkm-title'>{_text(title)}</div>"]
    if illustrative:
        header.append(f"<div class='umkm-box umkm-stamp'>{_text(ILLUSTRATIVE_STAMP)}</div>")
    overlay = (
        f"<div id='umkm-header' class='umkm-header'>{''.join(header)}</div>\n"
        f"<div id='umkm-legends'>{''.join(legends)}</div>"
    )
    root.html.add_child(_Raw(overlay), name="umkm_overlay")

    page = root.render().replace("<html>", f'<html lang="{_text(lang)}">', 1)
    return write_text(path, page)
