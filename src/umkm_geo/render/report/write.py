"""The report: one self-contained HTML file (``outputs/report.html``) to open offline or print.

:func:`report_html` writes every map PNG into the page as a base64 ``data:`` URI, with inline CSS,
no JavaScript and no external resource (a cited source's address is a plain link the reader may
follow). It prints on A4 with a page break before each section. Sections: study area; data sources
and licences; join QA; indicator maps; statistics tables with their settings; the gap between groups
with sentences generated from the numbers (:mod:`umkm_geo.render.report.interpret`); regional economics;
methods with formulas and references.

Every fixed text exists in Bahasa Indonesia (``lang="id"``, the default) and English (``"en"``), in
the locale files (``report.*``, read through :mod:`umkm_geo.render.report.text` and
:func:`umkm_geo._i18n.text`); statistics are named by :mod:`umkm_geo.stats.registry`.
When any input is illustrative (see :mod:`umkm_geo._provenance`), the stamp and the list of
illustrative inputs stand at the top, the stamp stands in every section made from an illustrative
input (the sources section lists them all) and in the caption of every figure made from one.

The page is rendered from the Jinja2 templates in ``templates/`` (``report.html.j2``, one template
per section, ``_macros.j2``, ``_formulas.j2``, ``report.css``) with autoescape: every text from data
(kecamatan names, file names, sources, config values) and every word from the locale files is
HTML-escaped by Jinja. No HTML comes from Python: the formulas of the methods section are the
macros of ``_formulas.j2``. The values of each section come from
:mod:`umkm_geo.render.report.sections`, :mod:`umkm_geo.render.report.result_sections` and
:mod:`umkm_geo.render.report.figures`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import pandas as pd

from umkm_geo import _i18n
from umkm_geo._atomic import write_text
from umkm_geo._errors import ConfigError
from umkm_geo._i18n import LANGS, text
from umkm_geo._provenance import (
    COMPONENT_NAMES,
    COMPONENT_NAMES_ID,
    figure_components,
    gap_components,
    indicator_components,
    klassen_components,
    statistics_components,
)
from umkm_geo.classify.symbology import ILLUSTRATIVE_STAMP
from umkm_geo.render.report import figures, official, result_sections, sections, summary
from umkm_geo.render.report.model import Cell, Report

if TYPE_CHECKING:
    from umkm_geo.render.options import RenderOptions
    from umkm_geo.study_area import StudyArea

__all__ = ["SECTIONS", "report_html"]

#: The sections in report order: key -> the builder of the values its template ``templates/<key>.j2`` shows.
_BUILDERS: Mapping[str, Callable[[Report], dict[str, Any]]] = {
    "study_area": sections.study_area,
    "sources": sections.sources,
    "join_qa": sections.join_qa,
    "maps": figures.maps,
    "statistics": result_sections.statistics,
    "gap": result_sections.gap,
    "regional": result_sections.regional,
    "survey": summary.survey,
    "ffa": summary.ffa,
    "produk": summary.produk,
    "methods": sections.methods,
}

#: Sections shown only when their result was computed (a run without a survey has no survey section).
_OPTIONAL = ("survey", "ffa", "produk")

#: Section keys in report order; their titles are ``report.text.<key>`` in the locale files.
SECTIONS = tuple(_BUILDERS)

_URL = re.compile(r"https?://[^\s()<>\"']+[^\s()<>\"'.,;:]")


def _split_urls(text: Any) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each with whether it is an http(s) address (the ``split_urls`` filter)."""
    text = "" if text is None else str(text)
    out, last = [], 0
    for match in _URL.finditer(text):
        out += [(text[last : match.start()], False), (match.group(0), True)]
        last = match.end()
    out.append((text[last:], False))
    return out


def _dash(value: Any) -> Any:
    """``–`` for a value that is None or NaN (the environment's ``finalize``); other values unchanged."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return value


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The Jinja2 environment of the report's templates (package data, autoescaped, strict)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("umkm_geo.render.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_dash,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["split_urls"] = _split_urls
    env.tests["cell"] = lambda value: isinstance(value, Cell)
    return env


def _section_components(r: Report, key: str) -> frozenset[str]:
    """The inputs a section of the report is made from."""
    columns = r.area.frame.columns
    if key == "study_area":
        return indicator_components("penduduk", r.results) if "penduduk" in columns else frozenset()
    if key == "sources":
        return frozenset(r.invented)  # it describes every input
    if key == "join_qa":
        return frozenset({"umkm"})
    if key == "maps":
        return frozenset().union(*(figure_components(k, r.results, columns) for k in r.images if "/" not in k))
    if key == "statistics":
        return statistics_components(r.results, columns)
    if key == "gap":
        return gap_components(r.results, columns)
    if key == "regional":
        klassen = klassen_components(r.results, columns) if r.results.klassen is not None else frozenset()
        return frozenset({"umkm"}) | klassen
    if key in _OPTIONAL:
        prefixes = summary.SECTION_FIGURES[key]
        keys = [k for k in r.images if "/" not in k and k.startswith(prefixes)]
        return frozenset().union(*(figure_components(k, r.results, columns) for k in keys))
    return frozenset()  # methods: formulas and references, no data


def _guide(key: str, lang: str) -> dict[str, Any] | None:
    """The method, reading and references of section ``key`` (``report.guide.<key>``), if it has them."""
    words = _i18n.texts(f"report.guide.{key}.", lang)
    if not words:
        return None
    refs = [text(f"report.reference.{ref}", lang) for ref in words.get("refs", "").split()]
    return {"method": words["method"], "reading": words["reading"], "refs": refs}


def _number_figures(sections: list[dict[str, Any]]) -> None:
    """Number every figure of the report in page order (official layers, maps, survey, FFA, produk)."""
    number = 0
    for section in sections:
        body = section["body"]
        groups = [layer["figures"] for layer in body.get("layers", [])] + [body.get("figures", [])]
        for group in groups:
            for figure in group:
                number += 1
                figure["number"] = number


def _version() -> str:
    try:
        return metadata.version("umkm_geo")
    except metadata.PackageNotFoundError:
        return "dev"


def report_html(
    area: StudyArea,
    *,
    images: Mapping[str, str | Path],
    options: RenderOptions,
    path: str | Path,
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
    options
        What the renderers read of the run (:func:`umkm_geo.pipeline.run.render_options`): the
        language (``"id"``, Bahasa Indonesia, or ``"en"``), the title, the significance level and
        the groups compared.
    path
        The file to write (atomically); its folder is created.
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
    lang = options.lang
    if lang not in LANGS:
        msg = f"Unknown report language {lang!r}; use 'id' (Bahasa Indonesia) or 'en' (English)."
        raise ConfigError(msg)
    paths = {str(k): Path(v) for k, v in images.items()}
    r = Report.build(area, options, paths, dict(captions or {}))
    t = r.t
    sections = []
    for key in SECTIONS:
        body = _BUILDERS[key](r)
        if key in _OPTIONAL and not body["computed"]:
            continue
        sections.append(
            {
                "key": key,
                "title": result_sections.gap_title(r) if key == "gap" else t[key],
                "stamped": r.stamped(_section_components(r, key)),
                "guide": _guide(key, lang),
                "body": body,
            }
        )
    if official.has_official(r):  # real official findings first, before the illustrative ones (never stamped)
        body = official.official(r)
        sections.insert(
            0,
            {
                "key": "official",
                "title": official.official_title(lang),
                "stamped": False,
                "guide": _guide("official", lang),
                "body": body,
            },
        )
    # the first page: the headline findings (its sentences stamped one by one)
    sections.insert(
        0, {"key": "summary", "title": t["summary"], "stamped": False, "guide": None, "body": summary.summary(r)}
    )
    _number_figures(sections)
    names = COMPONENT_NAMES_ID if lang == "id" else COMPONENT_NAMES
    subtitle = text(
        "report.subtitle",
        lang,
        regions=", ".join(area.region),
        units=len(area),
        date=dt.date.today().isoformat(),
        version=_version(),
    )
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            lang=lang,
            t=t,
            title=options.title,
            subtitle=subtitle,
            stamp=ILLUSTRATIVE_STAMP,
            invented=[(names.get(c, c), description) for c, description in r.invented.items()],
            sections=sections,
        )
    )
    return write_text(path, page)
