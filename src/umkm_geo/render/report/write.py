"""The report: one self-contained HTML file (``outputs/report.html``) to open offline or print.

:func:`report_html` writes every map PNG into the page as a base64 ``data:`` URI, with inline CSS,
no JavaScript and no external resource (a cited source's address is a plain link the reader may
follow). It prints on A4 with a page break before each section. Sections: study area; data sources
and licences; join QA; indicator maps; statistics tables with their settings; the gap between groups
with sentences generated from the numbers (:mod:`umkm_geo.render.report.interpret`); regional economics;
methods with formulas and references.

Every fixed text exists in Bahasa Indonesia (``lang="id"``, the default) and English (``"en"``).
Every text from data (kecamatan names, file names, sources) is HTML-escaped. When any input is
illustrative (see :mod:`umkm_geo._provenance`), the stamp and the list of illustrative inputs stand at
the top, the stamp stands in every section made from an illustrative input (the sources section lists
them all) and in the caption of every figure made from one.

This module assembles the page (CSS, the embedded images, the file written); the fixed texts, the
formulas and the references are in :mod:`umkm_geo.render.report.text`, the other section bodies in
:mod:`umkm_geo.render.report.sections`.
"""

from __future__ import annotations

import base64
import datetime as dt
import struct
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from umkm_geo._atomic import write_text
from umkm_geo._errors import ConfigError
from umkm_geo._provenance import (
    COMPONENT_NAMES,
    COMPONENT_NAMES_ID,
    figure_components,
    gap_components,
    illustrative_components,
    indicator_components,
    klassen_components,
    statistics_components,
)
from umkm_geo.classify.breaks import format_number
from umkm_geo.classify.symbology import ILLUSTRATIVE_STAMP
from umkm_geo.render.report.interpret import display_names, interpret, join_names
from umkm_geo.render.report.sections import _BUILDERS as _SECTION_BUILDERS
from umkm_geo.render.report.sections import _esc, _gap_title, _p, _Raw
from umkm_geo.render.report.text import _CAPTION_PREFIXES, _TEXT

__all__ = ["SECTIONS", "report_html"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: Section keys in report order; their titles are in :data:`_TEXT`.
SECTIONS = ("study_area", "sources", "join_qa", "maps", "statistics", "gap", "regional", "methods")

_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 "DejaVu Sans", "Segoe UI", system-ui, sans-serif; color: #222; margin: 0 auto;
  max-width: 200mm; padding: 8mm 6mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
h2 { font-size: 15pt; border-bottom: 2px solid #444; padding-bottom: 1mm; margin: 0 0 3mm; }
h3 { font-size: 12pt; margin: 5mm 0 2mm; }
h4 { font-size: 10.5pt; margin: 4mm 0 1mm; }
.subtitle { color: #555; margin: 0 0 4mm; }
.stamp { border: 2px solid #b2182b; color: #b2182b; font-weight: 700; padding: 1.5mm 3mm; margin: 2mm 0 3mm;
  border-radius: 2px; }
.stamp-inline { color: #b2182b; font-weight: 700; }
section { margin: 0 0 10mm; }
table { border-collapse: collapse; margin: 1mm 0 3mm; font-size: 9pt; width: auto; max-width: 100%; }
th, td { border: 1px solid #bbb; padding: 1mm 2mm; vertical-align: top; text-align: left; }
th { white-space: normal; }
th { background: #eee; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
th.num { text-align: right; }
td.basis { font-weight: 700; }
.swatch { display: inline-block; width: 9pt; height: 9pt; border: 1px solid #555; vertical-align: -1pt;
  margin-right: 4pt; }
code.hash { word-break: break-all; font-size: 8pt; }
.sentences li { margin-bottom: 1.2mm; }
figure { margin: 3mm 0 6mm; break-inside: avoid; page-break-inside: avoid; }
figure img { display: block; max-width: 100%; height: auto; max-height: 235mm; margin: 0 auto;
  border: 1px solid #ddd; }
figcaption { font-size: 9pt; color: #333; margin-top: 1.5mm; }
.math { font-family: "DejaVu Serif", "Times New Roman", serif; font-size: 11pt; margin: 1.5mm 0 1.5mm 6mm; }
.math var { font-style: italic; }
.refs li { margin-bottom: 1mm; }
.small { font-size: 8.5pt; color: #444; }
nav ol { columns: 2; }
a.source { color: #1f4e79; word-break: break-all; }
@media print {
  body { max-width: none; padding: 0; }
  section { break-before: page; page-break-before: always; margin: 0; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; page-break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  nav { break-after: avoid; }
  a.source { color: inherit; text-decoration: none; }
}
"""


# --- the report ----------------------------------------------------------------------------------


class _Report:
    """Everything the section builders share."""

    def __init__(self, area: Any, config: Any, lang: str, images: Mapping[str, Path], captions: Mapping[str, str]):
        self.area = area
        self.config = config
        self.lang = lang
        self.t = _TEXT[lang]
        self.results = area.results
        self.indicators = area.results.get("indicators", {})
        self.names = display_names(area.frame)
        self.invented = illustrative_components(area.provenance)
        self.illustrative = bool(self.invented)
        self.alpha = float(config.statistics.alpha)
        self.images = images
        self.captions = captions
        self.sentences = interpret(area, alpha=self.alpha, lang=lang)

    def stamped(self, components: Any) -> bool:
        """Whether something made from ``components`` is made from an illustrative input."""
        return any(c in self.invented for c in components)

    def figure_stamped(self, key: str) -> bool:
        return self.stamped(figure_components(key, self.results, self.area.frame.columns))

    def num(self, value: Any, decimals: int) -> str:
        return format_number(value, decimals, lang=self.lang)

    def label(self, key: Any) -> str:
        return self.indicators[key].label(self.lang) if key in self.indicators else str(key)

    def group_label(self, group: Any) -> str:
        grouping = self.results.get("grouping")
        return str(group) if grouping is None else grouping.label(str(group), self.lang)

    def names_of(self, codes: Sequence[Any]) -> str:
        return join_names([self.names.get(c, str(c)) for c in codes], self.lang)


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


def _caption(r: _Report, key: str) -> str:
    if key in r.captions:
        return str(r.captions[key])
    i = 0 if r.lang == "id" else 1
    if key in r.indicators:
        text = r.indicators[key].title(r.lang)
        classes = r.results.get("classes", {}).get(key)
        if classes is not None:
            text += "; " + r.t["map_caption_class"].format(scheme=classes.scheme, k=classes.k)
        return text
    for prefix, names in _CAPTION_PREFIXES.items():
        if key.startswith(prefix):
            rest = key[len(prefix) :].lstrip("_")
            if not rest:
                return names[i]
            subject = r.label(rest) if rest in r.indicators else rest.replace("_", " ")
            return f"{names[i]} — {subject}"
    return key.replace("_", " ")


def _maps(r: _Report) -> _Raw:
    if not r.images:
        return _p(r.t["no_maps"])
    parts = []
    for n, (key, path) in enumerate(r.images.items(), start=1):
        uri, width, height = _png_data_uri(key, path)
        caption = _caption(r, key)
        stamp = f' <span class="stamp-inline">{_esc(ILLUSTRATIVE_STAMP)}</span>' if r.figure_stamped(key) else ""
        parts.append(
            f'<figure id="map-{_esc(key)}"><img src="{uri}" width="{width}" height="{height}" alt="{_esc(caption)}">'
            f"<figcaption><b>{_esc(r.t['figure'])} {n}.</b> {_esc(caption)}{stamp}</figcaption></figure>"
        )
    return _Raw("".join(parts))


_BUILDERS: Mapping[str, Callable[[_Report], _Raw]] = {**_SECTION_BUILDERS, "maps": _maps}


def _section_components(r: _Report, key: str) -> frozenset[str]:
    """The inputs a section of the report is made from."""
    columns = r.area.frame.columns
    if key == "study_area":
        return indicator_components("penduduk", r.results) if "penduduk" in columns else frozenset()
    if key == "sources":
        return frozenset(r.invented)  # it describes every input
    if key == "join_qa":
        return frozenset({"umkm"})
    if key == "maps":
        return frozenset().union(*(figure_components(k, r.results, columns) for k in r.images))
    if key == "statistics":
        return statistics_components(r.results, columns)
    if key == "gap":
        return gap_components(r.results, columns)
    if key == "regional":
        return frozenset({"umkm"}) | (klassen_components(r.results, columns) if "klassen" in r.results else frozenset())
    return frozenset()  # methods: formulas and references, no data


def _invented_list(r: _Report) -> str:
    """The illustrative inputs of the run, one item each (name and how it was made)."""
    names = COMPONENT_NAMES_ID if r.lang == "id" else COMPONENT_NAMES
    items = "".join(
        f"<li><b>{_esc(names.get(c, c))}</b>: {_esc(description)}</li>" for c, description in r.invented.items()
    )
    return f'<ul class="illustrative">{items}</ul>'


def _version() -> str:
    try:
        return metadata.version("umkm_geo")
    except metadata.PackageNotFoundError:
        return "dev"


def report_html(
    area: Any,
    *,
    images: Mapping[str, str | Path],
    config: Any,
    path: str | Path,
    lang: str = "id",
    captions: Mapping[str, str] | None = None,
) -> Path:
    """Write the report of a study area as one self-contained HTML file.

    Parameters
    ----------
    area
        The :class:`umkm_geo.study_area.StudyArea` after every analysis stage (results that are
        absent show as "not computed").
    images
        PNG files to embed in the maps section, by key, in the order given (e.g.
        ``{"umkm_density": maps / "umkm_density.png", "lisa_umkm_density": ...}``). A key that is an
        indicator gets the indicator's title and class scheme as caption; ``lisa_<indicator>``,
        ``gi_star_<indicator>``, ``lq_<sector>``, ``klassen``, ... get a caption by their prefix.
    config
        The run's :class:`umkm_geo.config.Config` (title, significance level, groups compared).
    path
        The file to write (atomically); its folder is created.
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    captions
        Captions that replace the automatic ones, by image key.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ConfigError
        If ``lang`` is unknown, or an image is missing or not a PNG file.
    """
    if lang not in _TEXT:
        msg = f"Unknown report language {lang!r}; use 'id' (Bahasa Indonesia) or 'en' (English)."
        raise ConfigError(msg)
    paths = {str(k): Path(v) for k, v in images.items()}
    r = _Report(area, config, lang, paths, dict(captions or {}))
    t = r.t
    stamp = _Raw(f'<div class="stamp" role="note">{_esc(ILLUSTRATIVE_STAMP)}</div>')
    titles = {key: (_gap_title(r) if key == "gap" else t[key]) for key in SECTIONS}
    sections = []
    for n, key in enumerate(SECTIONS, start=1):
        body = _BUILDERS[key](r)
        mark = stamp if r.stamped(_section_components(r, key)) else ""
        if key == "sources" and r.illustrative:
            body = _Raw(f"<h3>{_esc(t['illustrative_inputs'])}</h3>{_invented_list(r)}{body}")
        sections.append(f'<section id="{key}"><h2>{n}. {_esc(titles[key])}</h2>{mark}{body}</section>')
    toc = "".join(f'<li><a href="#{key}">{_esc(titles[key])}</a></li>' for key in SECTIONS)
    created = dt.date.today().isoformat()
    subtitle = (
        f"{t['report']} · {', '.join(r.area.region)} · {len(r.area)} kecamatan · "
        f"{t['created']} {created} · umkm_geo {_version()}"
    )
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(config.study.title)}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{_esc(config.study.title)}</h1><p class="subtitle">{_esc(subtitle)}</p>'
        + (f"{stamp}<p><b>{_esc(t['stamp_note'])}</b></p>{_invented_list(r)}" if r.illustrative else "")
        + f"<nav><h3>{_esc(t['contents'])}</h3><ol>{toc}</ol></nav></header>"
        + "".join(sections)
        + "</body></html>\n"
    )
    return write_text(path, page)
