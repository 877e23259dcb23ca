"""The settings, notes and descriptions of the run record, in the report's language.

The statistics, the weights, the boundaries and the illustrative inputs describe themselves in
English in their records (``settings`` of a result, ``run.json``, the CSV files, the CLI's NOTE
lines): those records stay as they are. The report shows them in its own language through the
locale files: each such text is an entry of ``[report.setting]`` in ``locale/en.toml`` (its variable
parts written as ``{fields}``), with the same key in ``id.toml``. :func:`setting` matches the English
text against the English entries and writes the entry of the report's language with the same fields.
A text no entry matches is shown as it is (the language test of the report finds it).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from umkm_geo import _i18n

__all__ = ["setting"]

_PREFIX = "report.setting."
#: A field of a locale text: ``{name}`` (a formula's ``#{sim >= obs}`` is not one).
_FIELD = re.compile(r"\{([a-z_]+)\}")


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching the whole of a text made from ``template``, a group per field."""
    parts = _FIELD.split(template)
    pattern, seen = "", set()
    for i, part in enumerate(parts):
        if i % 2 == 0:
            pattern += re.escape(part)
        elif part in seen:
            pattern += f"(?P={part})"
        else:
            seen.add(part)
            pattern += f"(?P<{part}>.+?)"
    return re.compile(pattern + r"\Z", re.DOTALL)


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, key) of every English setting text, texts without fields first."""
    english = _i18n.catalogue("en")
    keys = sorted((k for k in english if k.startswith(_PREFIX)), key=lambda k: ("{" in english[k], k))
    return tuple((_pattern(english[k]), k) for k in keys)


def setting(value: Any, lang: str) -> Any:
    """``value`` (an English setting or note of the run record) in ``lang``; other values unchanged.

    Examples
    --------
    >>> setting("row-standardised (the weights of each unit sum to 1)", "id")
    'distandarkan per baris (jumlah bobot setiap unit = 1)'
    >>> setting("sum of the 25 units of the table", "id")
    'jumlah 25 unit dalam tabel'
    """
    if not isinstance(value, str) or lang == "en":
        return value
    for pattern, key in _patterns():
        match = pattern.match(value)
        if match is not None:
            return _filled(_i18n.catalogue(lang)[key], match.groupdict())
    return value


def _filled(template: str, fields: dict[str, str]) -> str:
    """``template`` with its ``{fields}`` replaced (other braces, as in ``#{sim >= obs}``, kept)."""
    return _FIELD.sub(lambda m: fields.get(m.group(1), m.group(0)), template)
