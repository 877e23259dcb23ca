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
