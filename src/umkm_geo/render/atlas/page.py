"""The web atlas page as a folium map: inlined Leaflet, the page's elements, its words (:func:`ui`).

:func:`render_page` builds a ``folium.Map`` without tiles, one ``folium.GeoJson`` holding every
polygon with every layer's value, and four branca ``MacroElement`` elements for what folium has no
element for, each made of two package-data files in ``assets/`` (read by :func:`asset`): its
Jinja macros ``<name>.j2`` (``header`` and ``html``: the HTML) and its script ``<name>.js``, which
becomes its ``script`` macro (:func:`element_template`):

* :class:`AtlasData` (``atlas.j2``, ``atlas.js``, ``atlas.css``): the page's JSON data block, its
  style and the feature logic (styles, tooltips, popups, layer switching);
* :class:`AtlasHeader` (``header.j2``, ``header.js``): title, illustrative stamp and the area search;
* :class:`Labels` (``labels.j2``, ``labels.js``): the areas' names, at zooms where they fit;
* :class:`LayerSwitch` (``layer_switch.j2``, ``layer_switch.js``): the grouped layer control, its
  groups opening and closing;
* :class:`Legends` (``legends.j2``, ``legends.js``): one legend per layer, shown with its layer.

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
scripts put it into the page with ``textContent``, never as HTML. The scripts (``*.js``) are macro
bodies rendered once and hold no text from data; the CSS is written as a value.
"""

from __future__ import annotations

import base64
import functools
import html
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from importlib.metadata import version
from types import MappingProxyType
from typing import Any

import branca
import folium
from branca.element import Element, Figure, MacroElement
from folium.map import FitBounds
from folium.template import Template
from folium.utilities import JsCode

from umkm_geo import _i18n

#: Package (PyPI ``django-js-lib-leaflet``) and folder holding ``leaflet.js`` and ``leaflet.css``.
LEAFLET_PACKAGE = "js_lib_leaflet"
LEAFLET_DIR = ("static", "js_lib_leaflet")

#: Identifier given to the page's folium elements, so the same input writes the same bytes.
ELEMENT_ID = "atlas"


def ui(lang: str) -> Mapping[str, str]:
    """The words of the page in ``lang`` (``atlas.ui.<key>`` of the locale files, by ``<key>``)."""
    return MappingProxyType(_i18n.texts("atlas.ui.", lang))


@functools.cache
def asset(name: str) -> str:
    """Return the text of the asset file ``name`` (``umkm_geo/render/atlas/assets/<name>``)."""
    return resources.files("umkm_geo.render.atlas").joinpath("assets", name).read_text(encoding="utf-8")


def element_template(name: str) -> Template:
    """The macros of a page element: those of ``<name>.j2``, and ``<name>.js`` as its ``script`` macro.

    The script is rendered once, like the scripts of folium's own elements, with ``this`` the
    element (``atlas.js`` names the folium map with ``{{ this._parent.get_name() }}``, the other
    scripts hold no template syntax). No text from data reaches a script this way: the scripts
    read it from the page's JSON data block.
    """
    script = "{% macro script(this, kwargs) %}\n" + asset(f"{name}.js") + "{% endmacro %}\n"
    return Template(asset(f"{name}.j2") + "\n" + script)


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

    def render(self, **kwargs: Any) -> str:
        """Add the rendered macros to the figure's header, body and script, then render the children.

        Returns ``""``: like branca's ``MacroElement``, the element itself adds nothing where it stands.
        """
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
        return ""


class AtlasElement(RenderOnce):
    """An element of the atlas page, its macros from the assets (:func:`element_template`)."""

    def __init__(self) -> None:
        super().__init__()
        self._name = type(self).__name__
        self._id = ELEMENT_ID


class AtlasGeoJson(folium.GeoJson, RenderOnce):
    """``folium.GeoJson`` whose script (holding names from data) is written verbatim."""


class AtlasTileLayer(folium.TileLayer, RenderOnce):
    """``folium.TileLayer`` whose script (holding the attribution) is written verbatim."""


class AtlasData(AtlasElement):
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

    _template = element_template("atlas")

    def __init__(self, data: Mapping[str, Any], *, tolerance_m: float) -> None:
        super().__init__()
        self.data = data
        self.tolerance = f"{tolerance_m:g}"
        self.css = asset("atlas.css")


class AtlasHeader(AtlasElement):
    """Title, illustrative stamp and the area search, docked top left.

    The search matches names (accents, case and spaces ignored) and code prefixes; choosing a
    result zooms the map so that the area fills the part of it that the page's boxes leave free
    (``umkmAtlas.zoomTo``) and opens its popup.

    Parameters
    ----------
    title
        Title of the map.
    stamp
        Text of the illustrative-data stamp, or ``None``.
    text
        Words of the page (``search``, ``placeholder``).
    """

    _template = element_template("header")

    def __init__(self, title: str, stamp: str | None, text: Mapping[str, str]) -> None:
        super().__init__()
        self.title = title
        self.stamp = stamp
        self.text = text


class LayerSwitch(AtlasElement):
    """The layer control, docked top right: one radio button per layer, in groups that open and close.

    Every group starts open when the control lists at most :attr:`OPEN_UP_TO` layers; a longer
    list (41 layers for the default kecamatan run, 27 of them indicators) starts with every group
    closed, so that the control opens as a short list of group headings with their number of
    layers (the legend names the layer shown).

    Parameters
    ----------
    heading
        Heading of the control.
    groups
        ``{"key", "label", "layers": [(index, label), ...]}`` per group, in order; the layer with
        index 0 is checked.
    """

    _template = element_template("layer_switch")

    #: Up to this many layers, every group of the control starts open.
    OPEN_UP_TO = 12

    def __init__(self, heading: str, groups: Sequence[Mapping[str, Any]]) -> None:
        super().__init__()
        self.heading = heading
        short = sum(len(group["layers"]) for group in groups) <= self.OPEN_UP_TO
        self.groups = [{**group, "open": short} for group in groups]


class Labels(AtlasElement):
    """The areas' names on the map, at zooms where they fit (``labels.js``).

    Each name is written at the point ``l`` of its area's properties (see
    :func:`umkm_geo.render.atlas._labels.label_points`), from the zoom at which the median area is
    48 pixels wide, where it is not much wider than its area, and never over another name (larger
    areas first). Must be added after the GeoJSON.
    """

    _template = element_template("labels")


class Legends(AtlasElement):
    """One legend per layer, docked bottom right; the legend of the layer shown is visible.

    Parameters
    ----------
    legends
        ``{"key", "title", "rows": [LegendEntry, ...], "note", "stamp"}`` per layer, in layer order
        (``stamp``: the illustrative stamp of a layer made from illustrative input, or empty).
    """

    _template = element_template("legends")

    def __init__(self, legends: Sequence[Mapping[str, Any]]) -> None:
        super().__init__()
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
    if not isinstance(root, Figure):  # folium's maps always hang under a Figure
        msg = "The atlas map has no page to render into."
        raise TypeError(msg)
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
    AtlasHeader(title, stamp, ui(lang)).add_to(fmap)
    Labels().add_to(fmap)
    if len(legends) > 1:
        LayerSwitch(ui(lang)["layers"], groups).add_to(fmap)
    Legends(legends).add_to(fmap)
    # Open on the whole area at once: an animated zoom still running would swallow the first zoom
    # that the search asks for.
    fit = FitBounds(data["bounds"])
    fit.options["animate"] = False
    fit.add_to(fmap)
    return root.render().replace("<html>", f'<html lang="{html.escape(lang)}">', 1)
