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
  // The part of the map that the page's boxes leave free, as fitBounds padding: on a narrow screen
  // the boxes sit above and below it (title, stamp and search; legend and attribution), on a wide
  // one left and right of it (title and search; layers and legend). If they leave too little free
  // (the layer list open on a phone), the whole map is used.
  var MARGIN = 12;
  function freePadding() {
    var frame = map.getContainer().getBoundingClientRect(), narrow = frame.width <= 600;
    var pad = {top: 0, right: 0, bottom: 0, left: 0};
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (box) {
      var r = box.getBoundingClientRect(), corner = box.parentNode.classList;
      if (!r.width || (!narrow && box.classList.contains("leaflet-control-attribution"))) { return; }
      if (narrow && corner.contains("leaflet-top")) { pad.top = Math.max(pad.top, r.bottom - frame.top); }
      else if (narrow) { pad.bottom = Math.max(pad.bottom, frame.bottom - r.top); }
      else if (corner.contains("leaflet-left")) { pad.left = Math.max(pad.left, r.right - frame.left); }
      else { pad.right = Math.max(pad.right, frame.right - r.left); }
    });
    if (frame.width - pad.left - pad.right < 150 || frame.height - pad.top - pad.bottom < 150) {
      pad = {top: 0, right: 0, bottom: 0, left: 0};
    }
    return {paddingTopLeft: [pad.left + MARGIN, pad.top + MARGIN],
      paddingBottomRight: [pad.right + MARGIN, pad.bottom + MARGIN]};
  }
  // On a narrow screen the title, stamp and search box span the top of the map: a popup opening
  // near them is panned below them instead of under them.
  function popupPadding() {
    var frame = map.getContainer().getBoundingClientRect();
    var top = frame.width <= 600 ? document.getElementById("umkm-header").getBoundingClientRect().bottom - frame.top : 0;
    var corner = L.point(5, top + 5);
    atlas.byIndex.forEach(function (lyr) { lyr.getPopup().options.autoPanPaddingTopLeft = corner; });
  }
  popupPadding();
  map.on("resize", popupPadding);
  // Zoom so that the area fills the free part of the map (at most zoom 17, about 1 m a pixel), then
  // open its popup at the point where its name is written (inside the area).
  atlas.zoomTo = function (i) {
    var lyr = atlas.byIndex[i], p = lyr.feature.properties, options = freePadding();
    options.maxZoom = Math.min(17, map.getMaxZoom());
    options.animate = false;
    map.fitBounds(lyr.getBounds(), options);
    lyr.openPopup(p.l ? L.latLng(p.l[0], p.l[1]) : undefined);
  };
  function choose(i) {
    list.textContent = "";
    active = -1;
    input.value = atlas.byIndex[i].feature.properties.nama;
    atlas.zoomTo(i);
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
      // The list is emptied when a result is chosen, so the clicked item leaves the page before the
      // click reaches the map: Leaflet can then no longer see that it came from a control and would
      // take it for a click on the map, which closes the popup just opened. Stop it here.
      li.addEventListener("click", function (ev) { L.DomEvent.stop(ev); choose(e.i); });
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
