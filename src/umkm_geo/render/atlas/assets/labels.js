(function () {
  "use strict";
  // The areas' names on the map, written at the point inside each area carried in its properties
  // ("l"), where they fit:
  // * only from the zoom at which the median area is MIN_WIDTH pixels wide (atlas.labelZoom): a
  //   kecamatan map is named on opening, a desa map once zoomed in;
  // * only where the name is at most FIT times as wide as its area on screen;
  // * never over another name: larger areas are named first, a name that would touch one already
  //   written is left out.
  // Names go in with textContent (never as HTML), in a pane of their own that takes no clicks, so
  // hovering and clicking still reach the areas. They are measured once, on a canvas, in the font
  // of .umkm-label span (atlas.css).
  var atlas = window.umkmAtlas, map = atlas.map;
  var MIN_WIDTH = 48, FIT = 1.25, GAP = 3, HEIGHT = 14, FONT = "600 11px system-ui, sans-serif";
  var pane = map.createPane("umkm-labels");
  pane.style.zIndex = 450;  // above the areas (400), below tooltips and popups
  pane.style.pointerEvents = "none";
  var context = document.createElement("canvas").getContext("2d");
  context.font = FONT;
  var items = [];
  atlas.byIndex.forEach(function (lyr) {
    var p = lyr.feature.properties;
    if (!p.l || !p.nama) { return; }
    var b = lyr.getBounds(), sw = map.project(b.getSouthWest(), 0), ne = map.project(b.getNorthEast(), 0);
    items.push({i: p.i, name: p.nama, at: L.latLng(p.l[0], p.l[1]), w: ne.x - sw.x, h: sw.y - ne.y,
      text: context.measureText(p.nama).width, marker: null});
  });
  items.sort(function (a, b) { return b.w * b.h - a.w * a.h || a.i - b.i; });
  var widths = items.map(function (item) { return item.w; }).sort(function (a, b) { return a - b; });
  var median = widths.length ? widths[Math.floor(widths.length / 2)] : 0;
  atlas.labelZoom = median > 0 ? Math.ceil(Math.log(MIN_WIDTH / median) / Math.LN2) : Infinity;
  var shown = [], round = 0;

  function marker(item) {
    if (!item.marker) {
      var icon = L.divIcon({className: "umkm-label", html: atlas.el("span", null, item.name), iconSize: null});
      item.marker = L.marker(item.at, {icon: icon, pane: "umkm-labels", interactive: false, keyboard: false});
    }
    return item.marker;
  }
  function update() {
    var zoom = map.getZoom(), scale = Math.pow(2, zoom), view = map.getPixelBounds().pad(0.2);
    var placed = [], next = [];
    if (zoom >= atlas.labelZoom) {
      items.forEach(function (item) {
        if (item.text > FIT * item.w * scale) { return; }
        var at = map.project(item.at, zoom);
        if (!view.contains(at)) { return; }
        var box = {x0: at.x - item.text / 2 - GAP, x1: at.x + item.text / 2 + GAP,
          y0: at.y - HEIGHT / 2 - GAP, y1: at.y + HEIGHT / 2 + GAP};
        for (var k = 0; k < placed.length; k++) {
          var o = placed[k];
          if (box.x0 < o.x1 && o.x0 < box.x1 && box.y0 < o.y1 && o.y0 < box.y1) { return; }
        }
        placed.push(box);
        next.push(item);
      });
    }
    round += 1;
    next.forEach(function (item) { item.round = round; });
    shown.forEach(function (item) { if (item.round !== round) { map.removeLayer(item.marker); } });
    next.forEach(function (item) { if (!map.hasLayer(marker(item))) { item.marker.addTo(map); } });
    shown = next;
  }
  map.on("moveend resize", update);
  map.whenReady(update);
})();
