"""The atlas of a large study area: one page per province, and an index page linking them.

One page of Indonesia's 83,000 desa was 80 MB with every boundary simplified by 5 km (a desa is about
2 km across): no browser opens it comfortably, and cleaning its coverage took 76 s and gigabytes.
Above :data:`SPLIT_AREAS` areas, each province gets a page of its own in ``maps/atlas/<code>.html``
(the largest, Jawa Tengah and Jawa Timur, hold about 8,500 desa each), with its own size budget, and
``maps/atlas.html`` becomes the index: every province with its number of areas and its page's size.
The layers are the run's, so the classes and their colours are the national ones on every page: a
colour means the same value in Aceh and in Papua.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import jinja2

from umkm_geo import _i18n
from umkm_geo._atomic import write_text
from umkm_geo.render.atlas.model import AtlasResult, CategoryLayer, ChoroplethLayer, DetailRow
from umkm_geo.render.atlas.page import asset
from umkm_geo.render.atlas.write import write_atlas

__all__ = ["PAGES_FOLDER", "SPLIT_AREAS", "province_of", "write_split_atlas"]

#: Above this many areas the atlas is one page per province (the national kecamatan atlas, 7,285, stays one page).
SPLIT_AREAS = 20_000

#: Folder of the province pages, beside the index page.
PAGES_FOLDER = "atlas"


def province_of(frame: gpd.GeoDataFrame) -> list[str]:
    """The province code of each area: ``prov_kode``, else the first part of its code."""
    if "prov_kode" in frame:
        return [str(code) for code in frame["prov_kode"]]
    return [str(code).split(".")[0] for code in frame.index]


def write_split_atlas(
    frame: gpd.GeoDataFrame,
    layers: Sequence[ChoroplethLayer | CategoryLayer],
    *,
    details: Sequence[DetailRow],
    title: str,
    credits: str,
    lang: str,
    path: Path,
    province_names: Mapping[str, str],
) -> AtlasResult:
    """Write a page per province (:func:`~umkm_geo.render.atlas.write.write_atlas`) and the index ``path``.

    The index says the data are illustrative when any layer is. Returns the index's result: its path,
    the sizes and areas summed over the pages, the coarsest simplification of any page, and every page
    in ``pages``.
    """
    provinces = province_of(frame)
    folder = path.parent / PAGES_FOLDER
    pages: list[AtlasResult] = []
    rows = []
    for code in sorted(set(provinces)):
        part = frame.loc[[p == code for p in provinces]]
        name = province_names.get(code, code)
        page = write_atlas(
            part,
            layers,
            details=details,
            title=_i18n.text("atlas.index.title", lang, title=title, name=name),
            credits=credits,
            illustrative=False,  # a page is stamped when any of its layers is
            lang=lang,
            path=folder / f"{code}.html",
        )
        pages.append(page)
        size = _i18n.format_number(page.n_bytes / 1e6, 1, lang=lang)
        rows.append(
            {
                "href": f"{PAGES_FOLDER}/{code}.html",
                "name": name,
                "n": _i18n.format_number(len(part), 0, lang=lang),
                "size": _i18n.text("atlas.index.megabytes", lang, mb=size),
            }
        )
    stamp = _i18n.text("maps.illustrative", lang) if any(layer.illustrative for layer in layers) else ""
    words = {key: _i18n.text(f"atlas.index.{key}", lang) for key in ("province", "areas", "size")}
    template = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(asset("index.j2"))
    html = template.render(
        lang=lang,
        title=title,
        stamp=stamp,
        intro=_i18n.text("atlas.index.intro", lang, n=_i18n.format_number(len(frame), 0, lang=lang)),
        words=words,
        pages=rows,
        credits=credits,
    )
    written = write_text(path, html)
    coarsest = max(pages, key=lambda page: page.tolerance_m)
    return AtlasResult(
        path=written,
        n_bytes=len(html.encode("utf-8")) + sum(page.n_bytes for page in pages),
        max_bytes=max(page.max_bytes for page in pages),
        n_areas=sum(page.n_areas for page in pages),
        layers=coarsest.layers,
        details=coarsest.details,
        geometry=dataclasses.replace(
            coarsest.geometry,
            n_vertices=sum(page.geometry.n_vertices for page in pages),
            n_vertices_input=sum(page.geometry.n_vertices_input for page in pages),
        ),
        lang=lang,
        seconds=sum(page.seconds for page in pages),
        pages=tuple(pages),
    )
