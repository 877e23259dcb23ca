"""What the web atlas is made of and what it returns: its layers, its popup rows, the written atlas.

A caller of :func:`umkm_geo.render.atlas.write.write_atlas` (or :func:`umkm_geo.render.atlas.layers.atlas_layers`)
describes each layer as a :class:`ChoroplethLayer` (a classified indicator) or a
:class:`CategoryLayer` (categories with fixed colours), and each popup-only value as a
:class:`DetailRow`; the written page is recorded as an :class:`AtlasResult`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd

from umkm_geo._errors import ConfigError, TableError
from umkm_geo.classify.breaks import ClassBreaks, format_number
from umkm_geo.classify.symbology import SCHEMES, CategoryScheme
from umkm_geo.indicators.core import Indicator
from umkm_geo.render.atlas._simplify import WebGeometry
from umkm_geo.render.atlas.page import library_versions
from umkm_geo.results import TableMixin, payload

__all__ = ["AtlasResult", "CategoryLayer", "ChoroplethLayer", "DetailRow", "aligned"]


@dataclasses.dataclass(frozen=True, eq=False)
class ChoroplethLayer:
    """A classified indicator shown as a choropleth layer.

    Parameters
    ----------
    indicator
        Labels, unit and decimals of the values.
    values
        The values, indexed like the map frame.
    classes
        The class breaks the PNG uses too.
    illustrative
        The values are made from illustrative input: the layer carries the stamp.
    """

    indicator: Indicator
    values: pd.Series
    classes: ClassBreaks
    illustrative: bool = False

    @property
    def key(self) -> str:
        """Identifier of the layer (the indicator's key)."""
        return self.indicator.key

    @property
    def group(self) -> str:
        """Layer-control group (one of :data:`umkm_geo.render.atlas.write.GROUPS`)."""
        return "indicator"

    def label(self, lang: str = "id") -> str:
        """Layer name in ``lang``."""
        return self.indicator.label(lang)


@dataclasses.dataclass(frozen=True, eq=False)
class CategoryLayer:
    """A categorical layer (LISA, Gi*, local Geary, significance, Klassen, LQ basis) with fixed colours.

    Parameters
    ----------
    key
        Identifier of the layer (e.g. ``"lisa_umkm_density"``).
    label_id, label_en
        Layer name in Bahasa Indonesia and in English.
    values
        Category codes of ``scheme`` (e.g. ``"HH"``, ``"ns"``, ``"island"`` for LISA), missing for
        no data, indexed like the map frame.
    scheme
        Name of the colour scheme, a key of :data:`umkm_geo.classify.symbology.SCHEMES`, or a scheme made
        at run time (:func:`umkm_geo.classify.symbology.qualitative_scheme`).
    popup
        List the category in the popup of every area.
    short_id, short_en
        Shorter names for the popup rows (default: the layer names).
    illustrative
        The categories are made from illustrative input: the layer carries the stamp.
    """

    key: str
    label_id: str
    label_en: str
    values: pd.Series
    scheme: str | CategoryScheme = "lisa"
    popup: bool = True
    short_id: str = ""
    short_en: str = ""
    illustrative: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.scheme, CategoryScheme) and self.scheme not in SCHEMES:
            msg = f"Unknown category scheme {self.scheme!r} for layer {self.key!r}; use one of {sorted(SCHEMES)}."
            raise ConfigError(msg)

    @property
    def group(self) -> str:
        """Layer-control group (one of :data:`umkm_geo.render.atlas.write.GROUPS`)."""
        return "basis" if self.scheme == "basis" else "statistic"

    def label(self, lang: str = "id") -> str:
        """Layer name in ``lang``."""
        return self.label_en if lang == "en" else self.label_id

    def short(self, lang: str = "id") -> str:
        """Name of the layer's popup row in ``lang``."""
        return (self.short_en if lang == "en" else self.short_id) or self.label(lang)


@dataclasses.dataclass(frozen=True, eq=False)
class DetailRow:
    """A value listed in every area's popup without a map layer of its own (p-values, LQ, ...).

    Parameters
    ----------
    key
        Identifier of the row.
    label_id, label_en
        Row name in Bahasa Indonesia and in English.
    values
        Numbers (formatted with ``decimals`` and the separators of the page's language) or, with
        ``decimals=None``, text shown as it is; missing values show as ``"–"``.
    decimals
        Decimals of numeric values; ``None`` for text.
    unit_id, unit_en
        Unit written after a number.
    values_en
        Text for English pages, if it differs from ``values``.
    illustrative
        The values are made from illustrative input: the row is marked ``†`` with the stamp as footnote.
    """

    key: str
    label_id: str
    label_en: str
    values: pd.Series
    decimals: int | None = None
    unit_id: str = ""
    unit_en: str = ""
    values_en: pd.Series | None = None
    illustrative: bool = False

    def label(self, lang: str = "id") -> str:
        """Row name in ``lang``."""
        return self.label_en if lang == "en" else self.label_id

    def formatted(self, index: pd.Index, lang: str = "id") -> list[str | None]:
        """The values aligned to ``index``, formatted for ``lang`` (``None`` when missing)."""
        source = self.values_en if lang == "en" and self.values_en is not None else self.values
        values = aligned(source, index, f"Popup row {self.key!r}")
        unit = self.unit_en if lang == "en" else self.unit_id
        out: list[str | None] = []
        for value in values:
            if value is None or pd.isna(value):
                out.append(None)
            elif self.decimals is None:
                out.append(str(value))
            else:
                text = format_number(float(value), self.decimals, lang=lang)
                out.append(f"{text} {unit}" if unit else text)
        return out


@dataclasses.dataclass(frozen=True, eq=False)
class AtlasResult(TableMixin):
    """The written web atlas: where it is, how big, and how its geometry was simplified.

    Attributes
    ----------
    path
        The HTML file.
    n_bytes
        Size of the file in bytes.
    max_bytes
        The size budget.
    n_areas, layers, details
        Number of polygons, layer keys (in control order) and popup-row keys.
    geometry
        The simplification record (tolerance, vertices, ...).
    lang
        Language of the page.
    seconds
        Time taken to build and write the page.
    pages
        The province pages of a split atlas (:mod:`umkm_geo.render.atlas.split`); ``path`` is then
        their index page. Empty for an atlas of one page.
    """

    path: Path
    n_bytes: int
    max_bytes: int
    n_areas: int
    layers: tuple[str, ...]
    details: tuple[str, ...]
    geometry: WebGeometry
    lang: str
    seconds: float
    pages: tuple[AtlasResult, ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file of the atlas: the page (or the index), then the province pages."""
        return (self.path, *(page.path for page in self.pages))

    @property
    def tolerance_m(self) -> float:
        """Simplification tolerance used, in metres (0: not simplified)."""
        return self.geometry.tolerance_m

    def to_dict(self) -> dict[str, Any]:
        """Statistics (size, counts, time) and settings (language, layers, simplification)."""
        statistics = {
            "n_bytes": self.n_bytes,
            "n_areas": self.n_areas,
            "n_layers": len(self.layers),
            "n_vertices": self.geometry.n_vertices,
            "seconds": round(self.seconds, 3),
        }
        settings = {
            "path": str(self.path),
            "lang": self.lang,
            "max_bytes": self.max_bytes,
            "layers": list(self.layers),
            "details": list(self.details),
            **library_versions(),
            **self.geometry.settings(),
        }
        if self.pages:
            settings["pages"] = [
                {"path": str(p.path), "n_areas": p.n_areas, "n_bytes": p.n_bytes, "tolerance_m": p.tolerance_m}
                for p in self.pages
            ]
        return payload("web_atlas", statistics, settings)


def aligned(series: pd.Series, index: pd.Index, what: str) -> pd.Series:
    """``series`` reindexed to the map's ``index``; an area without an entry is a ``TableError`` naming ``what``."""
    missing = index.difference(series.index)
    if len(missing):
        msg = (
            f"{what} has no entry for {len(missing)} areas of the map, e.g. {list(missing[:3])}; "
            "give a value (or NaN for no data) for every kecamatan of the map frame."
        )
        raise TableError(msg)
    return series.reindex(index)
