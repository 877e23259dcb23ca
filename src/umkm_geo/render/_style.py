"""The one colour and label convention shared by the static (PNG/SVG) and the web (HTML) maps.

Every colour a map uses is chosen here: the sequential palette of the choropleth classes, the
fixed colours of the LISA cluster categories (GeoDa's convention) and the "no data" colour. Both
renderers build their legends from :func:`choropleth_legend` and :func:`category_legend`, so a
legend says the same thing in the PNG and in the HTML.

LISA colours are keyed by category code, never by position: a category that is absent from a map
keeps its colour and stays in the legend with a count of 0 (the colour shift of splot#72).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex

if TYPE_CHECKING:
    from umkm_geo.classification import ClassBreaks

#: Stamp shown on every map made from illustrative (non-official) data.
ILLUSTRATIVE_STAMP = "Data ilustrasi / illustrative data — not official statistics"

#: Colormap sampled for the choropleth classes (ColorBrewer yellow-orange-red, sequential).
SEQUENTIAL_CMAP = "YlOrRd"

#: Fill colour, hatch and labels of areas without a value.
NODATA_COLOR = "#bdbdbd"
NODATA_HATCH = "///"
NODATA_LABEL: Mapping[str, str] = MappingProxyType({"id": "Tidak ada data", "en": "No data"})

#: LISA category codes in legend order.
LISA_CODES: tuple[str, ...] = ("HH", "LL", "LH", "HL", "ns", "island")

#: Fixed colour of each LISA category (GeoDa convention, ColorBrewer RdBu hues).
LISA_COLORS: Mapping[str, str] = MappingProxyType(
    {
        "HH": "#d7191c",
        "LL": "#2c7bb6",
        "LH": "#abd9e9",
        "HL": "#f4a6a6",
        "ns": "#eeeeee",
        "island": "#ffffff",
    }
)

#: Hatch of each LISA category in static maps (areas without neighbours are hatched).
LISA_HATCHES: Mapping[str, str] = MappingProxyType({"island": "xx"})

#: LISA category labels by language.
LISA_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "id": MappingProxyType(
            {
                "HH": "Tinggi-Tinggi (HH)",
                "LL": "Rendah-Rendah (LL)",
                "LH": "Rendah-Tinggi (LH)",
                "HL": "Tinggi-Rendah (HL)",
                "ns": "Tidak signifikan",
                "island": "Tanpa tetangga",
            }
        ),
        "en": MappingProxyType(
            {
                "HH": "High-High (HH)",
                "LL": "Low-Low (LL)",
                "LH": "Low-High (LH)",
                "HL": "High-Low (HL)",
                "ns": "Not significant",
                "island": "No neighbours",
            }
        ),
    }
)

#: Outline colour of the polygons.
EDGE_COLOR = "#4d4d4d"


@dataclasses.dataclass(frozen=True)
class LegendEntry:
    """One legend row: a colour swatch, its label and the number of areas it covers.

    Parameters
    ----------
    key
        Class index (as a string) or category code; ``"nodata"`` for areas without a value.
    label
        Text of the row without the count (a class range or a category name).
    color
        Fill colour (hex).
    count
        Number of areas in the row.
    hatch
        Matplotlib hatch of the row in static maps (``""`` for none).
    """

    key: str
    label: str
    color: str
    count: int
    hatch: str = ""

    @property
    def text(self) -> str:
        """Label with the count, e.g. ``"12,3 – 45,6 (n=4)"``."""
        return f"{self.label} (n={self.count})"


def _lang(lang: str) -> str:
    if lang not in ("id", "en"):
        msg = f"Unknown language {lang!r}; use 'id' (Bahasa Indonesia) or 'en' (English)."
        raise ValueError(msg)
    return lang


def sequential_colors(k: int) -> tuple[str, ...]:
    """Return ``k`` hex colours of the sequential class palette, light to dark.

    Parameters
    ----------
    k
        Number of classes (at least 1).

    Returns
    -------
    tuple of str
        Hex colours sampled evenly from :data:`SEQUENTIAL_CMAP`; a single class gets the middle.
    """
    if k < 1:
        msg = f"A palette needs at least one class, not k={k}."
        raise ValueError(msg)
    cmap = mpl.colormaps[SEQUENTIAL_CMAP]
    positions = [0.55] if k == 1 else np.linspace(0.12, 0.95, k)
    return tuple(to_hex(cmap(float(p))) for p in positions)


def nodata_label(lang: str = "id") -> str:
    """Label of areas without a value in ``lang``."""
    return NODATA_LABEL[_lang(lang)]


def lisa_label(code: str, lang: str = "id") -> str:
    """Label of LISA category ``code`` in ``lang``."""
    return LISA_LABELS[_lang(lang)][code]


def lisa_categories(values: pd.Series) -> pd.Series:
    """Validate LISA category codes; missing values become ``None`` (no data).

    Parameters
    ----------
    values
        Category codes among :data:`LISA_CODES`, or missing.

    Returns
    -------
    pandas.Series
        The codes as ``object`` dtype, aligned to ``values``.

    Raises
    ------
    ValueError
        If a value is not a LISA code.
    """
    codes = values.astype(object).where(values.notna(), None)
    unknown = sorted({str(c) for c in codes.dropna()} - set(LISA_CODES))
    if unknown:
        msg = f"Unknown LISA categories {unknown} in {values.name!r}; valid codes: {list(LISA_CODES)}."
        raise ValueError(msg)
    return codes


def category_legend(values: pd.Series, lang: str = "id") -> list[LegendEntry]:
    """Legend rows of LISA categories: every category in fixed order, with its count.

    Parameters
    ----------
    values
        Category codes (see :func:`lisa_categories`).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    list of LegendEntry
        One row per code of :data:`LISA_CODES` (count 0 allowed), then a "no data" row if any
        value is missing.
    """
    codes = lisa_categories(values)
    counts = codes.value_counts()
    entries = [
        LegendEntry(
            key=code,
            label=lisa_label(code, lang),
            color=LISA_COLORS[code],
            count=int(counts.get(code, 0)),
            hatch=LISA_HATCHES.get(code, ""),
        )
        for code in LISA_CODES
    ]
    n_missing = int(codes.isna().sum())
    if n_missing:
        entries.append(LegendEntry("nodata", nodata_label(lang), NODATA_COLOR, n_missing, NODATA_HATCH))
    return entries


def choropleth_legend(classes: ClassBreaks, *, decimals: int, lang: str = "id") -> list[LegendEntry]:
    """Legend rows of a classification: one per class, then "no data" if any value is missing.

    Parameters
    ----------
    classes
        The class breaks shared by every renderer.
    decimals
        Decimals of the class bounds (the indicator's).
    lang
        ``"id"`` or ``"en"`` (decimal and thousands separators).

    Returns
    -------
    list of LegendEntry
    """
    labels = classes.labels(decimals, lang=lang)
    entries = [
        LegendEntry(str(i), label, color, count)
        for i, (label, color, count) in enumerate(zip(labels, classes.colors, classes.counts, strict=True))
    ]
    if classes.n_nodata:
        entries.append(LegendEntry("nodata", nodata_label(lang), NODATA_COLOR, classes.n_nodata, NODATA_HATCH))
    return entries
