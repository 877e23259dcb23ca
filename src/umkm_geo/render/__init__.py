"""Renderers: what a run draws and writes for readers.

* :mod:`.maps` decides the map set of a run from its results and writes it;
* :mod:`.static` (maps), :mod:`.charts` (Moran scatterplot, group comparison) and :mod:`.multiples`
  (small multiples) draw matplotlib figures, laid out by :mod:`._mapbase` with labels placed by
  :mod:`._labels`;
* :mod:`.interactive` writes the offline web atlas (layers from :mod:`.atlas_layers`, geometry
  simplified by :mod:`._simplify`);
* :mod:`.report` writes the self-contained ``report.html``.

Every colour comes from :mod:`._style`, so PNG, SVG, HTML and the report agree.
"""
