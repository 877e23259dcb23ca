"""The maps section of the report: every PNG embedded as a ``data:`` URI, with its caption.

:func:`maps` reads each image (a missing file or one that is not a PNG is a
:class:`~umkm_geo._errors.ConfigError`), sizes it for the page (:func:`embedded`) and gives it the
caption passed by the caller or an automatic one (:func:`caption`): the title the PNG has, in the
same words (an indicator's title and classification, a statistic's map title from the registry,
the titles of the static maps in the locale files).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from umkm_geo._errors import ConfigError
from umkm_geo._i18n import text
from umkm_geo.render.report.model import Report
from umkm_geo.stats import registry

__all__ = ["OWN_SECTIONS", "caption", "embedded", "figure_list", "maps"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


#: Width in pixels of a figure in the report: the 16 cm the figures are laid out for, at 114 dpi (the
#: PNG files in ``maps/`` keep their 300 dpi for publications).
REPORT_WIDTH_PX = 720

#: Colours of a figure in the report (the maps and charts have a few flat colours and their edges).
REPORT_COLORS = 32


def embedded(key: str, path: Path, cache: Path | None = None) -> tuple[str, int, int]:
    """Data URI of a figure sized for the report's page, and its pixel size.

    The PNG is scaled to :data:`REPORT_WIDTH_PX` wide (never up), reduced to :data:`REPORT_COLORS`
    colours and stored as lossless WebP: a Blitar map takes about 35 kB instead of 200 kB, so the
    report with every figure stays under 2 MB. The WebP is kept in the render cache ``cache`` by the
    PNG's sha256, so an unchanged figure is not encoded again (40 ms a figure).
    """
    from PIL import Image

    from umkm_geo.render import _cache

    file = Path(path)
    if not file.is_file():
        msg = f"The image {key!r} ({file}) does not exist; render the maps first or leave it out of images."
        raise ConfigError(msg)
    data = file.read_bytes()
    if not data.startswith(_PNG_SIGNATURE) or len(data) < 24:
        msg = f"The image {key!r} ({file}) is not a PNG file; the report embeds PNG images only."
        raise ConfigError(msg)
    recipe = repr(("webp", "lossless", "box", REPORT_WIDTH_PX, REPORT_COLORS))
    webp = _cache.derived(cache, data, recipe, lambda: _small_webp(data))
    with Image.open(io.BytesIO(webp)) as small:
        width, height = small.size
    return "data:image/webp;base64," + base64.b64encode(webp).decode("ascii"), width, height


def _small_webp(data: bytes) -> bytes:
    """The PNG ``data`` as the report's lossless WebP (see :func:`embedded`)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
    if rgb.width > REPORT_WIDTH_PX:
        # a box filter: as sharp as Lanczos on flat-coloured figures, at half the time
        rgb = rgb.resize((REPORT_WIDTH_PX, round(rgb.height * REPORT_WIDTH_PX / rgb.width)), Image.Resampling.BOX)
    small = rgb.quantize(REPORT_COLORS, method=Image.Quantize.FASTOCTREE).convert("RGB")
    buffer = io.BytesIO()
    small.save(buffer, format="WEBP", lossless=True, quality=50, method=1)  # 60 ms a figure
    return buffer.getvalue()


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


def _lower(phrase: str) -> str:
    """``phrase`` inside a sentence: "Kepadatan UMKM" -> "kepadatan UMKM"; names and acronyms keep their case."""
    words = phrase.split()
    if not words or not (words[0][:1].isupper() and words[0][1:].islower()):
        return phrase
    rest = [w for w in words[1:] if w[:1].isalpha()]
    if rest and all(w[:1].isupper() and w[1:].islower() for w in rest):  # a name: Indeks Desa Membangun
        return phrase
    return phrase[:1].lower() + phrase[1:]


def _sentence(value: str) -> str:
    value = value.strip()
    return value if value.endswith((".", "?", "!")) else value + "."


def caption(r: Report, key: str) -> str:
    """The caption of the image ``key``, a sentence in the report's language.

    The one given by the caller, else one made from the figure's title: an indicator's map with its
    classification (the note under its legend); the map of a local statistic (``lisa_``,
    ``gi_star_``, ``geary_``, ``moran_bv_``) and of its significance; the Moran scatterplot, the LQ
    maps (``lq_<sector>``), the Klassen typology, the group comparison, the small multiples, the desa
    status, the FFA diagram and the produk map by their titles.
    """
    lang = r.lang

    def says(name: str, **values: Any) -> str:
        return _sentence(text(f"report.caption.{name}", lang, **values))

    if key in r.captions:
        return _sentence(str(r.captions[key]))
    if key in r.indicators:
        words = says("indicator", subject=_lower(r.indicators[key].title(lang)))
        classes = r.results.classes.get(key)
        return f"{words} {_sentence(classes.describe(lang))}" if classes is not None else words
    whole = {
        "klassen": "klassen",
        "small_multiples_years": "years",
        "small_multiples_sectors": "sectors",
        "status_idm": "status",
        "ffa": "ffa",
        "produk_unggulan": "produk",
    }
    if key in whole:
        return says(whole[key])
    if key in ("north_south", "gap"):
        gap = r.results.gap_table
        subject = r.label(gap.variable) if gap is not None and gap.variable in r.indicators else ""
        return says("groups", title=_comparison(r)(lang), subject=_lower(subject))
    if key.startswith("lq_"):
        return says("lq", sector=key.removeprefix("lq_").replace("_", " "))
    prefixes: dict[str, tuple[str, Callable[[str], str]]] = {
        **{prefix: ("local", title) for prefix, title in _local_titles().items()},
        "significance_": ("significance", _words("maps.significance")),
        "moran_scatter_": ("moran", _words("maps.moran")),
    }
    for prefix, (kind, title) in prefixes.items():
        if key.startswith(prefix):
            rest = key[len(prefix) :]
            subject = r.label(rest) if rest in r.indicators else rest.replace("_", " ")
            return says(kind, title=_lower(title(lang)), subject=_lower(subject))
    return says("map", title=_lower(key.replace("_", " ")))


def figure_list(r: Report) -> list[dict[str, Any]]:
    """Every figure of the run but a layer's (``lapisan/...``), embedded, with its caption (computed once)."""
    if "figures" not in r.cache:
        out = []
        for key, path in r.images.items():
            if "/" in key:  # a figure of a [[layers]] layer: in the official-data section
                continue
            uri, width, height = embedded(key, path, r.options.cache)
            out.append(
                {
                    "key": key,
                    "uri": uri,
                    "width": width,
                    "height": height,
                    "caption": caption(r, key),
                    "stamped": r.figure_stamped(key),
                }
            )
        r.cache["figures"] = out
    return list(r.cache["figures"])


#: Figures shown in their own sections (survey, FFA, produk), not in the maps section (by key prefix).
OWN_SECTIONS = ("survei_", "ffa", "produk_")


def maps(r: Report) -> dict[str, Any]:
    """The figures of the maps section: every one but a layer's and those of the survey, FFA and produk sections."""
    return {"figures": [f for f in figure_list(r) if not f["key"].startswith(OWN_SECTIONS)]}
