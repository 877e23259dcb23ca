"""The web atlas page as a folium map: inlined Leaflet, the page's elements (Jinja macros), its words.

:func:`render_page` builds a ``folium.Map`` without tiles, one ``folium.GeoJson`` holding every
polygon with every layer's value, and four branca ``MacroElement`` elements for what folium has no
element for:

* :class:`AtlasData`: the page's JSON data block and the feature logic (styles, tooltips, popups,
  layer switching);
* :class:`AtlasHeader`: title, illustrative stamp and the kecamatan search;
* :class:`LayerSwitch`: the grouped layer control;
* :class:`Legends`: one legend per layer, shown with its layer.

Two things keep the page offline and its data inert:

* folium's default CDN links (Leaflet, jQuery, Bootstrap, Awesome Markers, ...) are dropped for
  this map only (instance attributes), and Leaflet's JS and CSS are inlined from the installed
  ``django-js-lib-leaflet`` package (plain Leaflet 1.9.4). Nothing else is needed: no element used
  here calls jQuery or Bootstrap.
* branca renders a macro, then parses the result as a Jinja template once more
  (``MacroElement.render`` wraps it in ``Element(template=...)``), so a kecamatan named
  ``{{ 7*7 }}`` would show as ``49`` and one containing ``{%`` would break the page. Every element
  that carries text from data (:class:`RenderOnce` subclasses, the GeoJSON and the tile layer too)
  puts its rendered macros into the page verbatim.

Text from data reaches the HTML through Jinja's ``|e`` (HTML-escaped) and the scripts only as JSON
(``|tojson``: ``<``, ``>``, ``&`` and ``'`` escaped, so it cannot close a script element); the
scripts put it into the page with ``textContent``, never as HTML.
"""

from __future__ import annotations

import base64
import functools
import html
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from importlib.metadata import version
from typing import Any

import branca
import folium
from branca.element import Element, Figure, MacroElement
from folium.map import FitBounds
from folium.template import Template
from folium.utilities import JsCode

#: Package (PyPI ``django-js-lib-leaflet``) and folder holding ``leaflet.js`` and ``leaflet.css``.
LEAFLET_PACKAGE = "js_lib_leaflet"
LEAFLET_DIR = ("static", "js_lib_leaflet")

#: Identifier given to the page's folium elements, so the same input writes the same bytes.
ELEMENT_ID = "atlas"

#: Classification scheme names shown under a choropleth legend.
SCHEME_NAMES: Mapping[str, Mapping[str, str]] = {
    "quantiles": {"id": "kuantil", "en": "quantiles"},
    "fisher_jenks": {"id": "natural breaks (Fisher-Jenks)", "en": "natural breaks (Fisher-Jenks)"},
    "equal_interval": {"id": "interval sama", "en": "equal interval"},
    "box_plot": {"id": "box plot", "en": "box plot"},
    "user_defined": {"id": "batas ditentukan pengguna", "en": "user-defined bounds"},
}

#: Words of the page in each language.
UI: Mapping[str, Mapping[str, str]] = {
    "id": {
        "layers": "Lapisan peta",
        "search": "Cari kecamatan",
        "placeholder": "Ketik nama atau kode…",
        "no_match": "Tidak ditemukan",
        "class": "Kelas",
        "code": "Kode",
        "details": "Rincian",
        "classes": "Klasifikasi: {scheme}, {k} kelas",
        "collapsed": " ({k} diminta; nilai yang sama menyatukan kelas)",
        "simplified": "Batas disederhanakan untuk web (toleransi ≈ {m} m)",
        "unsimplified": "Batas tidak disederhanakan (koordinat {d} desimal)",
        "illustrative_mark": "(data ilustrasi)",
    },
    "en": {
        "layers": "Map layers",
        "search": "Find a kecamatan",
        "placeholder": "Type a name or code…",
        "no_match": "No match",
        "class": "Class",
        "code": "Code",
        "details": "Details",
        "classes": "Classes: {scheme}, {k} classes",
        "collapsed": " ({k} requested; tied values merged classes)",
        "simplified": "Boundaries simplified for the web (tolerance ≈ {m} m)",
        "unsimplified": "Boundaries not simplified (coordinates to {d} decimals)",
        "illustrative_mark": "(illustrative data)",
    },
}

#: Style of the page around the map (folium sizes the map to the window).
PAGE_CSS = """
.leaflet-container { background: #f4f4f1; font-family: system-ui, sans-serif; }
.leaflet-control-attribution { max-width: 60vw; }
.umkm-box { background: rgba(255,255,255,0.95); border: 1px solid #bbb; border-radius: 4px;
  padding: 6px 10px; box-shadow: 0 1px 4px rgba(0,0,0,0.25); font: 13px/1.35 system-ui, sans-serif; }
.umkm-header { max-width: min(380px, 45vw); display: flex; flex-direction: column; gap: 6px; }
.umkm-title { font-size: 16px; font-weight: 600; }
.umkm-stamp { color: #b2182b; border: 2px solid #b2182b; font-weight: 700; }
.umkm-stamp-line { color: #b2182b; font-weight: 700; font-size: 11px; margin: 3px 0; }
.umkm-search label { display: block; font-weight: 600; margin-bottom: 3px; }
.umkm-search input { width: 100%; box-sizing: border-box; font: inherit; padding: 3px 6px; }
.umkm-search ul { list-style: none; margin: 4px 0 0; padding: 0; max-height: 40vh; overflow-y: auto; }
.umkm-search ul:empty { display: none; }
.umkm-search li { padding: 3px 5px; cursor: pointer; border-radius: 3px; }
.umkm-search li.active, .umkm-search li:hover { background: #dfe9fb; }
.umkm-search li.none { cursor: default; color: #777; background: none; }
.umkm-search .sub { color: #666; font-size: 12px; }
.umkm-layers { max-height: 50vh; overflow-y: auto; max-width: 280px; }
.umkm-layers summary { font-weight: 600; cursor: pointer; margin-bottom: 2px; }
.umkm-layers fieldset { border: 0; margin: 0 0 4px; padding: 0; }
.umkm-layers legend { padding: 0; font-size: 11px; font-weight: 600; color: #555; text-transform: uppercase; }
.umkm-layers label { display: flex; gap: 5px; align-items: flex-start; cursor: pointer; margin: 1px 0; }
.umkm-layers input { margin: 2px 0 0; flex: none; }
.umkm-legend { max-width: 320px; }
.umkm-legend h4 { margin: 0 0 4px 0; font-size: 13px; }
.umkm-legend .row { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.umkm-legend .swatch { width: 18px; height: 12px; border: 1px solid #777; flex: none; }
.umkm-legend .swatch.dashed { border-style: dashed; }
.umkm-legend .count { color: #555; }
.umkm-legend .note { margin-top: 4px; color: #555; font-size: 11px; }
.umkm-info table { border-collapse: collapse; margin-top: 3px; }
.umkm-info th { text-align: left; font-weight: normal; color: #444; padding: 1px 10px 1px 0; vertical-align: top; }
.umkm-info td { padding: 1px 0; }
.umkm-info .section th { font-weight: 600; color: #222; padding-top: 5px; }
.umkm-info .sub { color: #666; }
.umkm-info tr.current th, .umkm-info tr.current td { background: #fff1b8; font-weight: 600; }
"""


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
    # The source-map comment would make developer tools request leaflet.js.map.
    js = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)
    return js, css


def library_versions() -> dict[str, str]:
    """Versions of folium, branca and the inlined Leaflet (for the run record)."""
    js, _ = leaflet_assets()
    match = re.search(r"Leaflet (\d+(?:\.\d+)+)", js[:400])
    leaflet = match.group(1) if match else "unknown"
    return {
        "folium": folium.__version__,
        "branca": branca.__version__,
        "leaflet": f"Leaflet {leaflet} inlined from django-js-lib-leaflet {version('django-js-lib-leaflet')}",
    }


class Verbatim(Element):
    """A piece of the page written as it is (never parsed as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text


class RenderOnce(MacroElement):
    """A ``MacroElement`` whose rendered ``header``, ``html`` and ``script`` macros go into the page verbatim.

    Same placement as ``branca.element.MacroElement.render``, without its second Jinja pass over
    the rendered text (see the module docstring).
    """

    def render(self, **kwargs: Any) -> None:
        """Add the rendered macros to the figure's header, body and script, then render the children."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            msg = f"{type(self).__name__} must be added to a folium map before it is rendered."
            raise TypeError(msg)
        module = self._template.module
        for part in ("header", "html", "script"):
            macro = getattr(module, part, None)
            if macro is not None:
                getattr(figure, part).add_child(Verbatim(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class AtlasGeoJson(folium.GeoJson, RenderOnce):
    """``folium.GeoJson`` whose script (holding names from data) is written verbatim."""


class AtlasTileLayer(folium.TileLayer, RenderOnce):
    """``folium.TileLayer`` whose script (holding the attribution) is written verbatim."""


class AtlasData(RenderOnce):
    """The page's data block and the logic of its features: style, tooltip, popup and layer change.

    The script defines ``window.umkmAtlas`` (map, data, ``style``, ``onEachFeature``, ``show``,
    ``dock``, ``el``, ``byIndex``) and must be added to the map before the GeoJSON, which calls
    ``umkmAtlas.style`` and ``umkmAtlas.onEachFeature``. ``show(i)`` restyles every polygon for
    layer ``i`` and fires ``umkmlayerchange`` on the map.

    Parameters
    ----------
    data
        The JSON data (words, layers with palettes and labels, popup rows, credits, bounds, ...).
    tolerance_m
        Simplification tolerance, written into a ``<meta>`` element.
    """

    _template = Template(
        r"""
{% macro header(this, kwargs) %}
<meta name="umkm-geo:tolerance-m" content="{{ this.tolerance }}">
<style>{{ this.css }}</style>
{% endmacro %}

{% macro html(this, kwargs) %}
<script type='application/json' id='umkm-data'>{{ this.data|tojson }}</script>
{% endmacro %}

{% macro script(this, kwargs) %}
(function () {
  "use strict";
  var map = {{ this._parent.get_name() }};
  var DATA = JSON.parse(document.getElementById("umkm-data").textContent);
  var T = DATA.text;
  var atlas = {map: map, data: DATA, current: 0, byIndex: []};
  window.umkmAtlas = atlas;
  map.attributionControl.addAttribution(DATA.credits);
  map.attributionControl.addAttribution(DATA.geometry_note);
  L.control.scale({imperial: false, maxWidth: 160, position: "bottomleft"}).addTo(map);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  atlas.el = el;
  atlas.dock = function (id, position) {
    // Move a box of the page into a corner of the map, stacked with Leaflet's own controls.
    var box = document.getElementById(id);
    if (!box) { return; }
    var control = L.control({position: position});
    control.onAdd = function () {
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
  };
  function row(table, label, value, cls) {
    var tr = el("tr", cls);
    tr.appendChild(el("th", null, label));
    tr.appendChild(el("td", null, value === null || value === undefined ? "–" : value));
    table.appendChild(tr);
  }
  function head(p) {
    var box = el("div");
    box.appendChild(el("b", null, p.nama));
    box.appendChild(document.createTextNode(" "));
    box.appendChild(el("span", "sub", "(" + p.kode + ")"));
    if (p.kab) { box.appendChild(el("div", "sub", p.kab)); }
    return box;
  }
  function shown(layer, p, i) {
    var c = p.c[i];
    if (layer.kind !== "choropleth") { return layer.labels[c]; }
    if (p.v[i] === null) { return T.nodata; }
    return layer.unit ? p.v[i] + " " + layer.unit : p.v[i];
  }

  atlas.style = function (feature) {
    var layer = DATA.layers[atlas.current];
    var c = feature.properties.c[atlas.current];
    return {
      fillColor: layer.colors[c], fillOpacity: 0.85, color: DATA.edge, weight: DATA.weight,
      dashArray: layer.dashed[c] ? "4 3" : null
    };
  };
  function restyle(lyr) { lyr.setStyle(atlas.style(lyr.feature)); }
  function tooltipFor(lyr) {
    var p = lyr.feature.properties;
    var i = atlas.current;
    var layer = DATA.layers[i];
    var box = el("div", "umkm-info umkm-tooltip");
    box.appendChild(head(p));
    var table = el("table");
    row(table, layer.label, shown(layer, p, i));
    if (layer.kind === "choropleth" && p.v[i] !== null) { row(table, T["class"], layer.labels[p.c[i]]); }
    box.appendChild(table);
    if (layer.stamp) { box.appendChild(el("div", "umkm-stamp-line", layer.stamp)); }
    return box;
  }
  function popupFor(lyr) {
    // Statistics and their p-values first (the short answer), then every indicator; the active
    // layer's row is highlighted.
    var p = lyr.feature.properties;
    var box = el("div", "umkm-info umkm-popup");
    box.appendChild(head(p));
    var table = el("table");
    // Rows made from illustrative input are marked with a dagger; the stamp is the footnote.
    var marked = false;
    function mark(label, stamped) {
      if (stamped) { marked = true; return label + " \u2020"; }
      return label;
    }
    DATA.popup_order.forEach(function (key) {
      if (key === "details") {
        if (DATA.details.length) {
          row(table, T.details, "", "section");
          DATA.details.forEach(function (detail, i) { row(table, mark(detail.label, detail.stamp), p.d[i]); });
        }
        return;
      }
      var first = true;
      DATA.layers.forEach(function (layer, i) {
        if (layer.group !== key || !layer.popup) { return; }
        if (first) { row(table, DATA.group_labels[key], "", "section"); first = false; }
        row(table, mark(layer.short || layer.label, layer.stamp), shown(layer, p, i),
          i === atlas.current ? "current" : null);
      });
    });
    box.appendChild(table);
    if (marked) { box.appendChild(el("div", "umkm-stamp-line", "\u2020 " + T.stamp)); }
    return box;
  }

  var popupHeight = Math.max(240, Math.min(560, window.innerHeight - 180));
  atlas.onEachFeature = function (feature, lyr) {
    atlas.byIndex[feature.properties.i] = lyr;
    lyr.bindTooltip(tooltipFor, {sticky: true, className: "umkm-tip"});
    lyr.bindPopup(popupFor, {maxHeight: popupHeight, maxWidth: 420, minWidth: 240});
    lyr.on("add", function () {
      // SVG paths carry their kecamatan code (for scripts, tests and assistive tools).
      var path = lyr.getElement && lyr.getElement();
      if (path) { path.setAttribute("data-kode", feature.properties.kode); }
    });
    lyr.on("mouseover", function () { lyr.setStyle({weight: 2.5, color: "#000000"}); lyr.bringToFront(); });
    lyr.on("mouseout popupclose", function () { if (!lyr.isPopupOpen()) { restyle(lyr); } });
    lyr.on("popupopen", function () { lyr.setStyle({weight: 3, color: "#000000"}); lyr.bringToFront(); });
  };
  atlas.show = function (index) {
    atlas.current = index;
    atlas.byIndex.forEach(function (lyr) { restyle(lyr); lyr.closeTooltip(); });
    map.fire("umkmlayerchange", {index: index});
  };
})();
{% endmacro %}
"""
    )

    def __init__(self, data: Mapping[str, Any], *, tolerance_m: float) -> None:
        super().__init__()
        self._name = "AtlasData"
        self._id = ELEMENT_ID
        self.data = data
        self.tolerance = f"{tolerance_m:g}"
        self.css = PAGE_CSS


class AtlasHeader(RenderOnce):
    """Title, illustrative stamp and the kecamatan search, docked top left.

    The search matches names (accents, case and spaces ignored) and code prefixes; choosing a
    result zooms to the kecamatan and opens its popup.

    Parameters
    ----------
    title
        Title of the map.
    stamp
        Text of the illustrative-data stamp, or ``None``.
    text
        Words of the page (``search``, ``placeholder``).
    """

    _template = Template(
        r"""
{% macro html(this, kwargs) -%}
<div id='umkm-header' class='umkm-header'><div class='umkm-box umkm-title'>{{ this.title|e }}</div>
{%- if this.stamp %}<div class='umkm-box umkm-stamp'>{{ this.stamp|e }}</div>{% endif -%}
<div class='umkm-box umkm-search' role='search'><label for='umkm-search-input'>{{ this.text.search|e }}</label>
{{- "" -}} <input id='umkm-search-input' type='search' autocomplete='off' spellcheck='false'
{{- " " -}} placeholder='{{ this.text.placeholder|e }}' aria-controls='umkm-search-results'>
{{- "" -}} <ul id='umkm-search-results' role='listbox'></ul></div></div>
{%- endmacro %}

{% macro script(this, kwargs) %}
(function () {
  "use strict";
  var atlas = window.umkmAtlas, map = atlas.map, el = atlas.el, T = atlas.data.text;
  atlas.dock("umkm-header", "topleft");
  // Search by name or code: plain substring match, accents and case ignored.
  function norm(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  var entries = atlas.byIndex.map(function (lyr) {
    var p = lyr.feature.properties;
    return {i: p.i, name: norm(p.nama), tight: norm(p.nama).replace(/ /g, ""), code: p.kode, p: p};
  });
  var input = document.getElementById("umkm-search-input");
  var list = document.getElementById("umkm-search-results");
  var active = -1;
  function choose(i) {
    var lyr = atlas.byIndex[i];
    list.textContent = "";
    active = -1;
    input.value = lyr.feature.properties.nama;
    map.fitBounds(lyr.getBounds(), {maxZoom: 13, animate: false});
    lyr.openPopup();
  }
  function highlight(n) {
    var items = list.querySelectorAll("li[data-i]");
    if (!items.length) { return; }
    active = (n + items.length) % items.length;
    items.forEach(function (li, k) { li.classList.toggle("active", k === active); });
    items[active].scrollIntoView({block: "nearest"});
  }
  function search() {
    var q = norm(input.value);
    list.textContent = "";
    active = -1;
    if (!q) { return; }
    var tight = q.replace(/ /g, "");
    var hits = entries.filter(function (e) {
      return e.name.indexOf(q) >= 0 || e.tight.indexOf(tight) >= 0 || e.code.indexOf(q) === 0;
    });
    hits.sort(function (a, b) {
      var pa = a.name.indexOf(q) === 0 ? 0 : 1, pb = b.name.indexOf(q) === 0 ? 0 : 1;
      return pa - pb || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    if (!hits.length) { list.appendChild(el("li", "none", T.no_match)); return; }
    hits.slice(0, 12).forEach(function (e) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-i", e.i);
      li.appendChild(el("span", null, e.p.nama));
      li.appendChild(el("span", "sub", " " + e.p.kode + (e.p.kab ? " · " + e.p.kab : "")));
      li.addEventListener("click", function () { choose(e.i); });
      list.appendChild(li);
    });
  }
  input.addEventListener("input", search);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { highlight(active + 1); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { highlight(active - 1); ev.preventDefault(); }
    else if (ev.key === "Enter") {
      var items = list.querySelectorAll("li[data-i]");
      if (items.length) { choose(Number(items[Math.max(active, 0)].getAttribute("data-i"))); }
      ev.preventDefault();
    } else if (ev.key === "Escape") { list.textContent = ""; active = -1; }
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, title: str, stamp: str | None, text: Mapping[str, str]) -> None:
        super().__init__()
        self._name = "AtlasHeader"
        self._id = ELEMENT_ID
        self.title = title
        self.stamp = stamp
        self.text = text


class LayerSwitch(RenderOnce):
    """The layer control, docked top right: one radio button per layer, grouped.

    Parameters
    ----------
    heading
        Heading of the control.
    groups
        ``{"key", "label", "layers": [(index, label), ...]}`` per group, in order; the layer with
        index 0 is checked.
    """

    _template = Template(
        r"""
{% macro html(this, kwargs) -%}
<div id='umkm-layers' class='umkm-box umkm-layers'><details open><summary>{{ this.heading|e }}</summary>
{%- for group in this.groups -%}
<fieldset data-group='{{ group.key|e }}'><legend>{{ group.label|e }}</legend>
{%- for index, label in group.layers -%}
<label><input type='radio' name='umkm-layer' value='{{ index }}'{{ " checked" if index == 0 else "" }}><span>
{{- label|e }}</span></label>
{%- endfor -%}
</fieldset>
{%- endfor -%}
</details></div>
{%- endmacro %}

{% macro script(this, kwargs) %}
(function () {
  "use strict";
  var atlas = window.umkmAtlas;
  atlas.dock("umkm-layers", "topright");
  document.querySelectorAll("#umkm-layers input[name=umkm-layer]").forEach(function (input) {
    input.addEventListener("change", function () { if (input.checked) { atlas.show(Number(input.value)); } });
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, heading: str, groups: Sequence[Mapping[str, Any]]) -> None:
        super().__init__()
        self._name = "LayerSwitch"
        self._id = ELEMENT_ID
        self.heading = heading
        self.groups = list(groups)


class Legends(RenderOnce):
    """One legend per layer, docked bottom right; the legend of the layer shown is visible.

    Parameters
    ----------
    legends
        ``{"key", "title", "rows": [LegendEntry, ...], "note", "stamp"}`` per layer, in layer order
        (``stamp``: the illustrative stamp of a layer made from illustrative input, or empty).
    """

    _template = Template(
        r"""
{% macro html(this, kwargs) -%}
<div id='umkm-legends'>
{%- for legend in this.legends -%}
<div class='umkm-box umkm-legend' id='legend-{{ loop.index0 }}' data-layer='{{ loop.index0 }}'
{{- " " -}} data-key='{{ legend.key|e }}' style='display:{{ "block" if loop.first else "none" }}'>
{{- "" -}} <h4>{{ legend.title|e }}</h4>
{%- if legend.stamp %}<div class='umkm-stamp-line' role='note'>{{ legend.stamp|e }}</div>{% endif -%}
{%- for row in legend.rows -%}
<div class='row' data-key='{{ row.key|e }}'><span class='swatch{{ " dashed" if row.hatch else "" }}'
{{- " " -}} style='background:{{ row.color|e }}'></span><span class='label'>{{ row.label|e }}</span>
{{- "" -}} <span class='count'>(n={{ row.count|int }})</span></div>
{%- endfor -%}
{%- if legend.note %}<div class='note'>{{ legend.note|e }}</div>{% endif -%}
</div>
{%- endfor -%}
</div>
{%- endmacro %}

{% macro script(this, kwargs) %}
(function () {
  "use strict";
  var atlas = window.umkmAtlas;
  atlas.dock("umkm-legends", "bottomright");
  atlas.map.on("umkmlayerchange", function (e) {
    document.querySelectorAll("#umkm-legends .umkm-legend").forEach(function (legend) {
      legend.style.display = legend.getAttribute("data-layer") === String(e.index) ? "block" : "none";
    });
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, legends: Sequence[Mapping[str, Any]]) -> None:
        super().__init__()
        self._name = "Legends"
        self._id = ELEMENT_ID
        self.legends = list(legends)


def render_page(
    *,
    title: str,
    lang: str,
    data: Mapping[str, Any],
    features: Sequence[Mapping[str, Any]],
    stamp: str | None,
    groups: Sequence[Mapping[str, Any]],
    legends: Sequence[Mapping[str, Any]],
    tolerance_m: float,
    canvas: bool,
    tiles: Mapping[str, str] | None,
) -> str:
    """Build the folium map of the atlas and return the page.

    Parameters
    ----------
    title
        Page and map title (escaped here).
    lang
        Language of the page (``"id"`` or ``"en"``), for ``<html lang>`` and the words.
    data
        The page's JSON data (see :class:`AtlasData`); ``data["bounds"]`` is fitted on opening.
    features
        GeoJSON features (geometry and every layer's value), in the order of ``properties.i``.
    stamp
        Illustrative-data stamp, or ``None``.
    groups, legends
        Layer-control groups (see :class:`LayerSwitch`; no control for a single layer) and one
        legend per layer (see :class:`Legends`).
    tolerance_m
        Simplification tolerance used, in metres.
    canvas
        Draw the polygons on a canvas instead of as SVG paths.
    tiles
        ``{"url", "attribution"}`` of an online basemap, or ``None`` (offline).

    Returns
    -------
    str
        The HTML page.
    """
    (south, west), (north, east) = data["bounds"]
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        tiles=None,
        zoom_start=10,
        zoom_control="bottomleft",
        prefer_canvas=canvas,
        font_size="0.75rem",  # Leaflet's own default, which popups and tooltips are sized against
    )
    fmap._id = ELEMENT_ID
    # Instance attributes: folium's class-level CDN lists stay as they are for other maps.
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    root.title = html.escape(title)
    js, css = leaflet_assets()
    root.header.add_child(Verbatim(f"<style>{css}</style>"), name="leaflet_css")
    root.header.add_child(Verbatim(f"<script>{js}</script>"), name="leaflet")
    if tiles is not None:
        tile_layer = AtlasTileLayer(tiles["url"], attr=tiles["attribution"], max_zoom=19, control=False)
        tile_layer._id = ELEMENT_ID
        tile_layer.add_to(fmap)
    AtlasData(data, tolerance_m=tolerance_m).add_to(fmap)
    geojson = AtlasGeoJson(
        {"type": "FeatureCollection", "features": list(features)},
        control=False,
        on_each_feature=JsCode("umkmAtlas.onEachFeature"),
        style=JsCode("umkmAtlas.style"),
    )
    geojson._id = ELEMENT_ID
    geojson.add_to(fmap)
    AtlasHeader(title, stamp, UI[lang]).add_to(fmap)
    if len(legends) > 1:
        LayerSwitch(UI[lang]["layers"], groups).add_to(fmap)
    Legends(legends).add_to(fmap)
    # Open on the whole area at once: an animated zoom still running would swallow the first zoom
    # that the search asks for.
    fit = FitBounds(data["bounds"])
    fit.options["animate"] = False
    fit.add_to(fmap)
    return root.render().replace("<html>", f'<html lang="{html.escape(lang)}">', 1)
