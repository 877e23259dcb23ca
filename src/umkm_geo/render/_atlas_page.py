"""Fixed parts of the web atlas page: inlined Leaflet, the page's CSS and script, and its words.

The script (:data:`APP_JS`) reads the page's JSON data block, draws the polygons once and restyles
them when the layer changes; it puts every text from data into the page with ``textContent``.
"""

from __future__ import annotations

import base64
import functools
import html
import re
from collections.abc import Mapping, Sequence
from importlib import resources

#: Package (PyPI ``django-js-lib-leaflet``) and folder holding ``leaflet.js`` and ``leaflet.css``.
LEAFLET_PACKAGE = "js_lib_leaflet"
LEAFLET_DIR = ("static", "js_lib_leaflet")

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
    },
}

#: Style of the page around the map.
PAGE_CSS = """
html, body { height: 100%; margin: 0; }
#umkm-map { position: absolute; inset: 0; }
.leaflet-container { background: #f4f4f1; font-family: system-ui, sans-serif; }
.leaflet-control-attribution { max-width: 60vw; }
.umkm-box { background: rgba(255,255,255,0.95); border: 1px solid #bbb; border-radius: 4px;
  padding: 6px 10px; box-shadow: 0 1px 4px rgba(0,0,0,0.25); font: 13px/1.35 system-ui, sans-serif; }
.umkm-header { max-width: min(380px, 45vw); display: flex; flex-direction: column; gap: 6px; }
.umkm-title { font-size: 16px; font-weight: 600; }
.umkm-stamp { color: #b2182b; border: 2px solid #b2182b; font-weight: 700; }
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

#: The page's script.
APP_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("umkm-data").textContent);
  var T = DATA.text;
  var map = L.map("umkm-map", {zoomControl: false, preferCanvas: DATA.canvas});
  window.umkmAtlas = {map: map, data: DATA};
  L.control.zoom({position: "bottomleft"}).addTo(map);
  L.control.scale({imperial: false, maxWidth: 160, position: "bottomleft"}).addTo(map);
  map.attributionControl.addAttribution(DATA.credits);
  map.attributionControl.addAttribution(DATA.geometry_note);
  if (DATA.tiles) {
    L.tileLayer(DATA.tiles.url, {attribution: DATA.tiles.attribution, maxZoom: 19}).addTo(map);
  }

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
  dock("umkm-layers", "topright");
  dock("umkm-legends", "bottomright");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
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

  var current = 0;
  function styleOf(feature) {
    var layer = DATA.layers[current];
    var c = feature.properties.c[current];
    return {
      fillColor: layer.colors[c], fillOpacity: 0.85, color: DATA.edge, weight: DATA.weight,
      dashArray: layer.dashed[c] ? "4 3" : null
    };
  }
  function tooltipFor(lyr) {
    var p = lyr.feature.properties;
    var layer = DATA.layers[current];
    var box = el("div", "umkm-info umkm-tooltip");
    box.appendChild(head(p));
    var table = el("table");
    row(table, layer.label, shown(layer, p, current));
    if (layer.kind === "choropleth" && p.v[current] !== null) {
      row(table, T["class"], layer.labels[p.c[current]]);
    }
    box.appendChild(table);
    return box;
  }
  function popupFor(lyr) {
    // Statistics and their p-values first (the short answer), then every indicator; the active
    // layer's row is highlighted.
    var p = lyr.feature.properties;
    var box = el("div", "umkm-info umkm-popup");
    box.appendChild(head(p));
    var table = el("table");
    DATA.popup_order.forEach(function (key) {
      if (key === "details") {
        if (DATA.details.length) {
          row(table, T.details, "", "section");
          DATA.details.forEach(function (detail, i) { row(table, detail.label, p.d[i]); });
        }
        return;
      }
      var first = true;
      DATA.layers.forEach(function (layer, i) {
        if (layer.group !== key || !layer.popup) { return; }
        if (first) { row(table, DATA.group_labels[key], "", "section"); first = false; }
        row(table, layer.short || layer.label, shown(layer, p, i), i === current ? "current" : null);
      });
    });
    box.appendChild(table);
    return box;
  }

  var byIndex = [];
  var popupHeight = Math.max(240, Math.min(560, window.innerHeight - 180));
  var geo = L.geoJSON(DATA.geojson, {
    style: styleOf,
    onEachFeature: function (feature, lyr) {
      byIndex[feature.properties.i] = lyr;
      lyr.bindTooltip(tooltipFor, {sticky: true, className: "umkm-tip"});
      lyr.bindPopup(popupFor, {maxHeight: popupHeight, maxWidth: 420, minWidth: 240});
      lyr.on("mouseover", function () {
        lyr.setStyle({weight: 2.5, color: "#000000"});
        lyr.bringToFront();
      });
      lyr.on("mouseout popupclose", function () { if (!lyr.isPopupOpen()) { geo.resetStyle(lyr); } });
      lyr.on("popupopen", function () { lyr.setStyle({weight: 3, color: "#000000"}); lyr.bringToFront(); });
    }
  }).addTo(map);
  map.fitBounds(DATA.bounds);
  // SVG paths carry their kecamatan code (for scripts, tests and assistive tools).
  geo.eachLayer(function (lyr) {
    var path = lyr.getElement && lyr.getElement();
    if (path) { path.setAttribute("data-kode", lyr.feature.properties.kode); }
  });

  function show(index) {
    current = index;
    geo.setStyle(styleOf);
    geo.eachLayer(function (lyr) { lyr.closeTooltip(); });
    document.querySelectorAll("#umkm-legends .umkm-legend").forEach(function (legend) {
      legend.style.display = legend.getAttribute("data-layer") === String(index) ? "block" : "none";
    });
  }
  document.querySelectorAll("#umkm-layers input[name=umkm-layer]").forEach(function (input) {
    input.addEventListener("change", function () { if (input.checked) { show(Number(input.value)); } });
  });

  // Search by name or code: plain substring match, accents and case ignored.
  function norm(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  var entries = DATA.geojson.features.map(function (f) {
    var p = f.properties;
    return {i: p.i, name: norm(p.nama), tight: norm(p.nama).replace(/ /g, ""), code: p.kode, p: p};
  });
  var input = document.getElementById("umkm-search-input");
  var list = document.getElementById("umkm-search-results");
  var active = -1;
  function choose(i) {
    var lyr = byIndex[i];
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


def render_page(
    *,
    title: str,
    lang: str,
    header: str,
    control: str,
    legends: str,
    data_head: str,
    features: Sequence[str],
    data_tail: str,
    tolerance_m: float,
) -> str:
    """Assemble the page from its parts (each already escaped; ``title`` is escaped here)."""
    js, css = leaflet_assets()
    return "".join(
        [
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f'<meta name="umkm-geo:tolerance-m" content="{tolerance_m:g}">\n',
            f"<title>{html.escape(title)}</title>\n",
            f"<style>{css}</style>\n<style>{PAGE_CSS}</style>\n<script>{js}</script>\n</head>\n<body>\n",
            "<div id='umkm-map'></div>\n",
            header,
            control,
            legends,
            "\n<script type='application/json' id='umkm-data'>",
            data_head,
            ",".join(features),
            data_tail,
            "</script>\n<script>",
            APP_JS,
            "</script>\n</body>\n</html>\n",
        ]
    )
