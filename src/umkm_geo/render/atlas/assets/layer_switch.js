(function () {
  "use strict";
  var atlas = window.umkmAtlas;
  atlas.dock("umkm-layers", "topright");
  document.querySelectorAll("#umkm-layers input[name=umkm-layer]").forEach(function (input) {
    input.addEventListener("change", function () { if (input.checked) { atlas.show(Number(input.value)); } });
  });
})();
