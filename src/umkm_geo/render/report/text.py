"""The fixed words of the report, read from the locale files (``report.*`` in ``locale/id.toml`` and ``en.toml``).

:func:`words` gives the headings, labels and notes (``report.text.*``) as one mapping, for the
templates (``t.study_area``) and the section builders; the other parts of the report read their
keys with :func:`umkm_geo._i18n.text`: the inequality measures (``report.measure.*``), the methods
(``report.method.<key>.*``, in the order of :data:`METHODS`), the references
(``report.reference.*``, in the order of the file) and the sentences of
:mod:`umkm_geo.render.report.interpret`. The formulas of the methods are markup, not words: they
are the macros of ``templates/_formulas.j2``, one per method key. Data only: nothing here reads a
study area.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from umkm_geo import _i18n
from umkm_geo.stats import registry

__all__ = ["METHODS", "method_title", "references", "words"]

#: The methods of the report, in order: key (of ``report.method.<key>`` and of the formula macro in
#: ``templates/_formulas.j2``) -> the registered statistic whose name is the method's title, or
#: ``None`` when the method has its own title (``report.method.<key>.title``).
METHODS: Mapping[str, tuple[str, str] | None] = MappingProxyType(
    {
        "global_moran": ("global", "moran"),
        "local_moran": ("local", "moran"),
        "gi_star": ("local", "gi_star"),
        "local_geary": ("local", "geary"),
        "theil": None,
        "williamson": None,
        "gini": None,
        "gap_test": None,
        "lq": None,
        "shift_share": None,
        "klassen": None,
    }
)

_TEXT = "report.text."
_REFERENCE = "report.reference."


def words(lang: str) -> Mapping[str, str]:
    """The headings, labels and notes of the report in ``lang`` (``report.text.<key>`` by ``<key>``)."""
    return MappingProxyType(_i18n.texts(_TEXT, lang))


def method_title(key: str, lang: str) -> str:
    """The title of the method ``key``: the name of its statistic in the registry, or its own."""
    statistic = METHODS[key]
    if statistic is not None:
        return registry.get(*statistic).label(lang)
    return _i18n.text(f"report.method.{key}.title", lang)


def references(lang: str) -> list[str]:
    """The references of the methods section, in the order of the locale file."""
    return [v for k, v in _i18n.catalogue(lang).items() if k.startswith(_REFERENCE)]
