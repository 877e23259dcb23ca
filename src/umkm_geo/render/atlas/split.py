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
from typing import Any

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


#: What a forked page writer reads (set just before forking: nothing is pickled but the results).
_JOB: dict[str, Any] = {}


def _page(code: str) -> AtlasResult:
    """Write the page of province ``code`` (in a worker or in this process); its encoded geometry is dropped."""
    job = _JOB
    part = job["frame"].loc[[p == code for p in job["provinces"]]]
    with _i18n.unit_level(job["unit"]):
        page = write_atlas(
            part,
            job["layers"],
            details=job["details"],
            title=_i18n.text("atlas.index.title", job["lang"], title=job["title"], name=job["names"].get(code, code)),
            credits=job["credits"],
            illustrative=False,  # a page is stamped when any of its layers is
            lang=job["lang"],
            path=job["folder"] / f"{code}.html",
        )
    # the page holds its geometry; the record keeps the numbers (38 pages of GeoJSON would stay in memory)
    return dataclasses.replace(page, geometry=dataclasses.replace(page.geometry, geojson=()))


def _map_pages(codes: list[str]) -> list[AtlasResult]:
    """The pages, written by two forked processes where there are two CPUs (``UMKM_GEO_WORKERS``)."""
    import concurrent.futures
    import multiprocessing
    import os

    value = os.environ.get("UMKM_GEO_WORKERS", "")
    workers = max(1, int(value)) if value.isdigit() else min(4, os.cpu_count() or 1)
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods() or len(codes) < 2:
        return [_page(code) for code in codes]
    # the largest provinces first, so that no worker is left with a large one at the end
    order = sorted(codes, key=lambda code: -sum(p == code for p in _JOB["provinces"]))
    fork = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=fork) as pool:
        done = dict(zip(order, pool.map(_page, order), strict=True))
    return [done[code] for code in codes]


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
    codes = sorted(set(provinces))
    _JOB.update(
        frame=frame,
        provinces=provinces,
        layers=layers,
        details=details,
        title=title,
        credits=credits,
        lang=lang,
        folder=folder,
        names=province_names,
        unit=_i18n.current_unit_level(),
    )
    try:
        pages = _map_pages(codes)
    finally:
        _JOB.clear()
    rows = []
    for code, page in zip(codes, pages, strict=True):
        size = _i18n.format_number(page.n_bytes / 1e6, 1, lang=lang)
        rows.append(
            {
                "href": f"{PAGES_FOLDER}/{code}.html",
                "name": province_names.get(code, code),
                "n": _i18n.format_number(page.n_areas, 0, lang=lang),
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
