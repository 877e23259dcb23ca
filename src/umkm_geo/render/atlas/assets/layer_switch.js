(function () {
  "use strict";
  var atlas = window.umkmAtlas;
  atlas.dock("umkm-layers", "topright");
  // On a phone the open panel would cover the title, the search box and most of the map: it starts
  // closed, as a button ("Lapisan peta") that opens it.
  if (window.matchMedia("(max-width: 600px)").matches) {
    var panel = document.querySelector("#umkm-layers details");
    if (panel) { panel.removeAttribute("open"); }
  }
  document.querySelectorAll("#umkm-layers input[name=umkm-layer]").forEach(function (input) {
    input.addEventListener("change", function () { if (input.checked) { atlas.show(Number(input.value)); } });
  });
})();
