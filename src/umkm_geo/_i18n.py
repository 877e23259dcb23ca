"""Words in one place: every fixed text of the outputs, by key, in Bahasa Indonesia and English.

The words live in ``locale/id.toml`` and ``locale/en.toml`` (the same keys in both; a test checks
it). :func:`text` looks a key up and fills its ``{fields}``; nested TOML tables give dotted keys
(``[stats.local.moran] label = ...`` is ``stats.local.moran.label``). ``{area_unit}`` is the word of
the unit of analysis (``area_unit.<level>``), set for a block of rendering by :func:`unit_level`.

Numbers are written by :func:`format_number` only (``1.234,5`` in Indonesian, ``1,234.5`` in English),
so that a statistic, a legend, the atlas and the report write the same number the same way.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import tomllib
from collections.abc import Iterator, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal, get_args

__all__ = [
    "LANGS",
    "Lang",
    "catalogue",
    "checked_lang",
    "current_unit_level",
    "format_number",
    "text",
    "texts",
    "unit_level",
]

Lang = Literal["id", "en"]
#: The languages of the outputs, Bahasa Indonesia first (the default).
LANGS: tuple[Lang, ...] = get_args(Lang)

#: Separators (thousands, decimal) by language.
_SEPARATORS: Mapping[str, tuple[str, str]] = MappingProxyType({"id": (".", ","), "en": (",", ".")})


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@functools.cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Every key of ``locale/<lang>.toml`` with its text (dotted keys)."""
    if lang not in LANGS:
        msg = f"Language {lang!r} is not available; choose one of {list(LANGS)}."
        raise ValueError(msg)
    raw = resources.files("umkm_geo").joinpath("locale", f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(raw))


def checked_lang(lang: str) -> str:
    """``lang`` when it is a language of the outputs; otherwise a ``ValueError`` that names the choices."""
    if lang not in LANGS:
        msg = f"Unknown language {lang!r}; use 'id' (Bahasa Indonesia) or 'en' (English)."
        raise ValueError(msg)
    return lang


def text(key: str, lang: str, /, **fields: object) -> str:
    """The text of ``key`` in ``lang``, with its ``{fields}`` filled in.

    Raises
    ------
    KeyError
        ``key`` is not in the locale file (a bug: every key is in both files).
    """
    template = catalogue(lang)[key]
    template = _with_unit(template, lang, fields)
    return template.format(**fields) if fields else template


def _with_unit(template: str, lang: str, fields: Mapping[str, object] | None = None) -> str:
    """``template`` with ``{area_unit}`` and ``{Area_unit}`` replaced by the word of the current unit level."""
    for name in ("area_unit", "Area_unit"):  # the unit of analysis, lower case and capitalised
        if f"{{{name}}}" in template and (fields is None or name not in fields):
            template = template.replace(f"{{{name}}}", catalogue(lang)[f"{name}.{_LEVEL.get()}"])
    return template


def texts(prefix: str, lang: str) -> dict[str, str]:
    """Every text whose key starts with ``prefix``, by the rest of its key; fields other than the unit left as is."""
    return {k.removeprefix(prefix): _with_unit(v, lang) for k, v in catalogue(lang).items() if k.startswith(prefix)}


#: The unit of analysis of the outputs being written (``{area_unit}`` in a text names it).
_LEVEL: contextvars.ContextVar[str] = contextvars.ContextVar("umkm_geo_level", default="kecamatan")


@contextlib.contextmanager
def unit_level(level: str) -> Iterator[None]:
    """Within the block, ``{area_unit}`` in any text is the word of ``level`` (``desa``, ``kecamatan``, ...)."""
    token = _LEVEL.set(level)
    try:
        yield
    finally:
        _LEVEL.reset(token)


def current_unit_level() -> str:
    """The unit of analysis ``{area_unit}`` names now (set by :func:`unit_level`)."""
    return _LEVEL.get()


def format_number(value: float, decimals: int, *, lang: str = "id") -> str:
    """Format ``value`` with ``decimals`` decimals and the separators of ``lang``.

    Parameters
    ----------
    value
        The number; ``None`` or NaN gives ``"–"``.
    decimals
        Number of decimals.
    lang
        ``"id"`` (``1.234,5``) or ``"en"`` (``1,234.5``).

    Returns
    -------
    str
    """
    import pandas as pd  # here, not at the top: reading the words imports no numerical library

    if value is None or pd.isna(value):
        return "–"
    try:
        thousands, decimal = _SEPARATORS[lang]
    except KeyError:
        msg = f"Unknown language {lang!r}; use 'id' or 'en'."
        raise ValueError(msg) from None
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
