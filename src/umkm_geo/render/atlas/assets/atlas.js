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
  // On a phone the popup (content plus about 50 px of margins) stays narrower than the screen.
  var popupWidth = Math.max(200, Math.min(420, window.innerWidth - 60));
  atlas.onEachFeature = function (feature, lyr) {
    atlas.byIndex[feature.properties.i] = lyr;
    lyr.bindTooltip(tooltipFor, {sticky: true, className: "umkm-tip"});
    lyr.bindPopup(popupFor, {maxHeight: popupHeight, maxWidth: popupWidth, minWidth: Math.min(240, popupWidth)});
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
