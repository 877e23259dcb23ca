"""The maps section of the report: every PNG embedded as a ``data:`` URI, with its caption.

:func:`maps` reads each image (a missing file or one that is not a PNG is a
:class:`~umkm_geo._errors.ConfigError`), takes its pixel size from the PNG header and gives it the
caption passed by the caller or an automatic one: an indicator's title and class scheme, or a name
by the key's prefix (``lisa_``, ``gi_star_``, ``lq_``, ... in
:data:`~umkm_geo.render.report.text._CAPTION_PREFIXES`).
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path
from typing import Any

from umkm_geo._errors import ConfigError
from umkm_geo.render.report.model import Report
from umkm_geo.render.report.text import _CAPTION_PREFIXES

__all__ = ["caption", "maps"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_data_uri(key: str, path: Path) -> tuple[str, int, int]:
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


def caption(r: Report, key: str) -> str:
    """The caption of the image ``key``: the one given, else an indicator's title or a name by prefix."""
    if key in r.captions:
        return str(r.captions[key])
    i = 0 if r.lang == "id" else 1
    if key in r.indicators:
        text = r.indicators[key].title(r.lang)
        classes = r.results.classes.get(key)
        if classes is not None:
            text += "; " + r.t["map_caption_class"].format(scheme=classes.scheme, k=classes.k)
        return str(text)
    for prefix, names in _CAPTION_PREFIXES.items():
        if key.startswith(prefix):
            rest = key[len(prefix) :].lstrip("_")
            if not rest:
                return names[i]
            subject = r.label(rest) if rest in r.indicators else rest.replace("_", " ")
            return f"{names[i]} — {subject}"
    return key.replace("_", " ")


def maps(r: Report) -> dict[str, Any]:
    """The figures of the maps section, in the order of ``r.images``."""
    figures = []
    for key, path in r.images.items():
        uri, width, height = _png_data_uri(key, path)
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
