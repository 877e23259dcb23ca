"""The maps section of the report: every PNG embedded as a ``data:`` URI, with its caption.

:func:`maps` reads each image (a missing file or one that is not a PNG is a
:class:`~umkm_geo._errors.ConfigError`), takes its pixel size from the PNG header and gives it the
caption passed by the caller or an automatic one (:func:`caption`): the title the PNG has, in the
same words (an indicator's title and classification, a statistic's map title from the registry,
the titles of the static maps in the locale files).
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from umkm_geo._errors import ConfigError
from umkm_geo._i18n import text
from umkm_geo.render.report.model import Report
from umkm_geo.stats import registry

__all__ = ["caption", "embedded", "maps"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def embedded(key: str, path: Path) -> tuple[str, int, int]:
    """Base64 data URI of a PNG and its pixel size (read from the IHDR chunk)."""
    file = Path(path)
    if not file.is_file():
        msg = f"The image {key!r} ({file}) does not exist; render the maps first or leave it out of images."
        raise ConfigError(msg)
    data = file.read_bytes()
    if not data.startswith(_PNG_SIGNATURE) or len(data) < 24:
        msg = f"The image {key!r} ({file}) is not a PNG file; the report embeds PNG images only."
        raise ConfigError(msg)
    width, height = struct.unpack(">II", data[16:24])
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii"), width, height


def _local_titles() -> dict[str, Callable[[str], str]]:
    """The map titles of the local statistics by the key prefix of their maps (their words in the registry).

    The map of a local statistic is ``lisa_<indicator>`` for local Moran and ``<name>_<indicator>``
    for the others (:mod:`umkm_geo.render.mapset`).
    """
    return {
        ("lisa" if s.name == "moran" else s.name) + "_": s.map_title
        for s in registry.STATISTICS.values()
        if s.family == "local"
    }


def _words(key: str) -> Callable[[str], str]:
    return lambda lang: text(key, lang)


def _comparison(r: Report) -> Callable[[str], str]:
    """The title of the group comparison chart: north-south for the wilayah grouping, else kab/kota."""
    table = r.results.gap_table
    by_kab = table is not None and table.grouping != "wilayah"
    return _words("maps.groups_kab" if by_kab else "maps.groups")


def caption(r: Report, key: str) -> str:
    """The caption of the image ``key``: the one given, else the title its PNG has.

    An indicator's title and its classification (the note under its legend); the map title of a
    local statistic (``lisa_``, ``gi_star_``, ``geary_``, ``moran_bv_``); the significance map, the
    Moran scatterplot, the LQ maps (``lq_<sector>``), the Klassen typology, the group comparison
    and the small multiples by their titles; then the rest of the key (an indicator's label or the
    key's words) after a dash.
    """
    if key in r.captions:
        return str(r.captions[key])
    if key in r.indicators:
        words = r.indicators[key].title(r.lang)
        classes = r.results.classes.get(key)
        if classes is not None:
            words += "; " + classes.describe(r.lang)
        return words
    whole = {
        "klassen": _words("scheme.klassen.title"),
        "north_south": _comparison(r),
        "gap": _comparison(r),
        "small_multiples_years": _words("maps.years"),
        "small_multiples_sectors": _words("maps.sectors"),
        "status_idm": _words("scheme.idm_status.title"),
    }
    if key in whole:
        return whole[key](r.lang)
    if key.startswith("lq_"):
        return text("maps.lq", r.lang, sector=key.removeprefix("lq_").replace("_", " "))
    prefixes = {
        **_local_titles(),
        "significance_": _words("maps.significance"),
        "moran_scatter_": _words("maps.moran"),
    }
    for prefix, title in prefixes.items():
        if key.startswith(prefix):
            rest = key[len(prefix) :]
            if not rest:
                return title(r.lang)
            subject = r.label(rest) if rest in r.indicators else rest.replace("_", " ")
            return f"{title(r.lang)} — {subject}"
    return key.replace("_", " ")


def maps(r: Report) -> dict[str, Any]:
    """The figures of the maps section, in the order of ``r.images`` (a layer's, ``lapisan/...``, are not here)."""
    figures = []
    for key, path in r.images.items():
        if "/" in key:  # a figure of a [[layers]] layer: in the official-data section
            continue
        uri, width, height = embedded(key, path)
        figures.append(
            {
                "key": key,
                "uri": uri,
                "width": width,
                "height": height,
                "caption": caption(r, key),
                "stamped": r.figure_stamped(key),
            }
        )
    return {"figures": figures}
