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
