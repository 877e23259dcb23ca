"""The one colour and label convention shared by the static (PNG/SVG) and the web (HTML) maps.

Every colour a map uses is chosen here: the sequential palette of the choropleth classes, the
fixed colours of the LISA cluster categories (GeoDa's convention) and the "no data" colour. Both
renderers build their legends from :func:`choropleth_legend` and :func:`category_legend`, so a
legend says the same thing in the PNG and in the HTML.

Categorical maps (LISA clusters, Gi* hot/cold spots, local Geary, significance bands, Klassen
quadrants, LQ basis) take their colours from a named :class:`CategoryScheme` in :data:`SCHEMES`,
keyed by category code, never by position: a category that is absent from a map keeps its colour
and stays in the legend with a count of 0 (the colour shift of splot#72).

The words (category labels, legend titles, "no data", the stamp) live in ``locale/id.toml`` and
``locale/en.toml`` (keys ``scheme.*`` and ``legend.*``) and are read once, when this module is imported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex

from umkm_geo import _i18n

if TYPE_CHECKING:
    from umkm_geo.classify.breaks import ClassBreaks

#: Stamp shown on every map made from illustrative (non-official) data (in both languages at once,
#: the same text in both locale files).
ILLUSTRATIVE_STAMP = _i18n.text("legend.stamp", "id")

#: Colormap sampled for the choropleth classes (ColorBrewer yellow-orange-red, sequential).
SEQUENTIAL_CMAP = "YlOrRd"

#: Colormap of classes on both sides of a centre (ColorBrewer red-blue, reversed: below the centre
#: blue, above red, as LL and HH in the LISA scheme); used for growth (centre 0) and LQ (centre 1).
DIVERGING_CMAP = "RdBu_r"

#: Offsets from the middle of :data:`DIVERGING_CMAP` of the class nearest to the centre and of the
#: class farthest from it (the middle itself is near white).
DIVERGING_OFFSETS = (0.12, 0.45)

#: Fill colour, hatch and labels of areas without a value.
NODATA_COLOR = "#bdbdbd"
NODATA_HATCH = "///"
NODATA_LABEL: Mapping[str, str] = MappingProxyType({lang: _i18n.text("legend.nodata", lang) for lang in _i18n.LANGS})


@dataclasses.dataclass(frozen=True)
class CategoryScheme:
    """Fixed codes, colours, hatches and labels of one categorical map (LISA, Gi*, Klassen, ...).

    Colours are keyed by code, never by position: a category absent from a map keeps its colour and
    stays in the legend with a count of 0.
    """

    name: str
    codes: tuple[str, ...]
    colors: Mapping[str, str]
    labels: Mapping[str, Mapping[str, str]]
    hatches: Mapping[str, str] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    title: Mapping[str, str] = dataclasses.field(default_factory=lambda: MappingProxyType({"id": "", "en": ""}))

    def label(self, code: str, lang: str = "id") -> str:
        """Label of category ``code`` in ``lang``."""
        return self.labels[_i18n.checked_lang(lang)][code]


def _category_scheme(
    name: str,
    colors: Mapping[str, str],
    labels: Mapping[str, Mapping[str, str]],
    title: Mapping[str, str],
    hatches: Mapping[str, str] | None = None,
) -> CategoryScheme:
    """A scheme whose codes are the keys of ``colors``, in order."""
    return CategoryScheme(
        name=name,
        codes=tuple(colors),
        colors=MappingProxyType(dict(colors)),
        labels=MappingProxyType({lang: MappingProxyType(dict(labels[lang])) for lang in _i18n.LANGS}),
        hatches=MappingProxyType(dict(hatches or {})),
        title=MappingProxyType(dict(title)),
    )


#: Codes shared by the schemes of local statistics (their words are ``scheme.ns``, ``scheme.island``).
_SHARED_CODES = ("ns", "island")


def _scheme(name: str, colors: Mapping[str, str], title_key: str, hatches=None) -> CategoryScheme:
    """A scheme with the words of the locale files: labels ``scheme.<name>.label.<code>``, title ``title_key``."""

    def words(lang: str) -> dict[str, str]:
        return {
            code: _i18n.text(f"scheme.{code}" if code in _SHARED_CODES else f"scheme.{name}.label.{code}", lang)
            for code in colors
        }

    return _category_scheme(
        name,
        colors,
        {lang: words(lang) for lang in _i18n.LANGS},
        {lang: _i18n.text(title_key, lang) for lang in _i18n.LANGS},
        hatches,
    )


_NS = {"ns": "#eeeeee"}
_ISLAND = {"island": "#ffffff"}
_ISLAND_HATCH = {"island": "xx"}

#: Every categorical scheme by name; renderers look schemes up here. The legend titles of the maps
#: of local statistics are the statistics' own words (``stats.local.*``).
SCHEMES: Mapping[str, CategoryScheme] = MappingProxyType(
    {
        "lisa": _scheme(
            "lisa",
            {"HH": "#d7191c", "LL": "#2c7bb6", "LH": "#abd9e9", "HL": "#f4a6a6", **_NS, **_ISLAND},
            "stats.local.moran.map_title",
            _ISLAND_HATCH,
        ),
        "gi_star": _scheme(
            "gi_star",
            {"hot": "#d7191c", "cold": "#2c7bb6", **_NS, **_ISLAND},
            "stats.local.gi_star.label",
            _ISLAND_HATCH,
        ),
        "local_geary": _scheme(
            "local_geary",
            {"HH": "#d7191c", "LL": "#2c7bb6", "other_positive": "#fdae61", "negative": "#1a9641", **_NS, **_ISLAND},
            "stats.local.geary.label",
            _ISLAND_HATCH,
        ),
        "significance": _scheme(
            "significance",
            {"p0001": "#006d2c", "p001": "#31a354", "p005": "#a1d99b", **_NS, **_ISLAND},
            "scheme.significance.title",
            _ISLAND_HATCH,
        ),
        "klassen": _scheme(
            "klassen", {"I": "#1a9641", "II": "#a6d96a", "III": "#fdae61", "IV": "#d7191c"}, "scheme.klassen.title"
        ),
        "quadrant": _scheme(
            "quadrant",
            {"prioritas": "#d7191c", "terpenuhi": "#1a9641", "laten": "#fdae61", "mapan": "#a6d96a"},
            "scheme.quadrant.title",
        ),
        "basis": _scheme("basis", {"basis": "#e6550d", "non_basis": "#fdd0a2"}, "scheme.basis.title"),
        # Kemendesa's five status classes of the IDM, best first: a diverging green-to-red ramp
        "idm_status": _scheme(
            "idm_status",
            {
                "mandiri": "#1a9641",
                "maju": "#a6d96a",
                "berkembang": "#ffffbf",
                "tertinggal": "#fdae61",
                "sangat_tertinggal": "#d7191c",
            },
            "scheme.idm_status.title",
        ),
    }
)

#: The LISA scheme's codes, colours, hatches and labels (kept as module names for callers).
LISA_CODES: tuple[str, ...] = SCHEMES["lisa"].codes
LISA_COLORS: Mapping[str, str] = SCHEMES["lisa"].colors
LISA_HATCHES: Mapping[str, str] = SCHEMES["lisa"].hatches
LISA_LABELS: Mapping[str, Mapping[str, str]] = SCHEMES["lisa"].labels


def scheme(name: str | CategoryScheme) -> CategoryScheme:
    """The categorical scheme ``name`` (a key of :data:`SCHEMES`, or a scheme, returned as is)."""
    if isinstance(name, CategoryScheme):
        return name
    if name not in SCHEMES:
        msg = f"Unknown category scheme {name!r}; use one of {sorted(SCHEMES)}."
        raise ValueError(msg)
    return SCHEMES[name]


#: Qualitative colours for maps of arbitrary categories (e.g. each kecamatan's leading product): twelve
#: distinct hues first (matplotlib's tab10 without its grey, which reads as "no data", and three darker
#: hues of tab20b), so that unrelated categories never come as a dark/light pair of one hue; beyond
#: twelve, the light tints of the first nine.
QUALITATIVE_COLORS: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#e7ba52",
    "#637939",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#dbdb8d",
    "#9edae5",
)


def qualitative_scheme(name: str, codes: list[str], *, title: Sequence[str] = ("", "")) -> CategoryScheme:
    """A scheme for categories known only at run time (e.g. product names), in the order given.

    Colours come from :data:`QUALITATIVE_COLORS` by position in ``codes`` (sort ``codes`` for stable
    colours); labels are the codes themselves in both languages.
    """
    palette = QUALITATIVE_COLORS
    colors = {code: palette[i % len(palette)] for i, code in enumerate(codes)}
    labels: dict[str, Mapping[str, str]] = {
        lang: {code: code for code in codes} for lang in _i18n.LANGS
    }  # codes as labels
    return _category_scheme(name, colors, labels, dict(zip(_i18n.LANGS, title, strict=True)))


#: Upper bound of each p-value band of the ``significance`` scheme.
SIGNIFICANCE_BANDS: Mapping[str, float] = MappingProxyType({"p0001": 0.001, "p001": 0.01, "p005": 0.05})


def significance_scheme(
    permutations: int | None, p_value: str = "two-sided", present: Collection[str] = ()
) -> CategoryScheme:
    """The ``significance`` scheme with only the p-value bands ``permutations`` can reach.

    ``R`` permutations give no pseudo p-value below ``2 / (R + 1)`` two-sided (``1 / (R + 1)``
    folded; ties count), e.g. 0.002 with 999: the band "p ≤ 0.001" would promise what the test
    cannot show. A band of a code in ``present`` is kept whatever ``R`` is; with ``permutations``
    None (not known) every band is.
    """
    from umkm_geo.stats import smallest_p

    base = SCHEMES["significance"]
    if permutations is None:
        return base
    floor = smallest_p(int(permutations), p_value)
    keep = [c for c in base.codes if c not in SIGNIFICANCE_BANDS or floor <= SIGNIFICANCE_BANDS[c] or c in present]
    return dataclasses.replace(base, codes=tuple(keep))


def significance_bands(p: pd.Series, *, island: pd.Series | None = None) -> pd.Series:
    """Codes of the ``significance`` scheme from p-values (NaN p of an island -> ``"island"``)."""
    codes = pd.Series(
        np.select([p <= 0.001, p <= 0.01, p <= 0.05], ["p0001", "p001", "p005"], default="ns"),
        index=p.index,
        dtype=object,
    )
    if island is not None:
        codes[island.reindex(p.index).fillna(False).astype(bool)] = "island"
    return codes.where(p.notna() | codes.eq("island"), None)


#: Outline colour of the polygons.
EDGE_COLOR = "#4d4d4d"

#: Colours of the non-map charts (Moran scatter plot, group comparison).
CHART_COLORS: Mapping[str, str] = MappingProxyType(
    {
        "point": "#525252",  # a unit without a category
        "ns_point": "#bdbdbd",  # a unit not significant in the scatter plot
        "box": "#deebf7",  # box of a box plot
        "box_edge": "#4d4d4d",
        "mean": "#b2182b",  # mean marker and the Moran regression line
        "axis": "#969696",  # the zero lines
    }
)


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
        return _i18n.text("legend.count", "id", label=self.label, count=self.count)  # the same in both languages


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


def diverging_positions(n_below: int, n_above: int, *, neutral: bool = False) -> tuple[float, ...]:
    """Positions in :data:`DIVERGING_CMAP` of the classes of a diverging palette, low to high.

    The ``j``-th class from the centre gets the offset ``d_j`` from the middle (0.5) on either side,
    so the palette is symmetric: the same distance in classes from the centre gives the same
    intensity below and above it, however many classes each side has.

    Parameters
    ----------
    n_below, n_above
        Number of classes below and above the centre.
    neutral
        Add one class at the centre itself (position 0.5) between them.

    Returns
    -------
    tuple of float
        ``n_below + neutral + n_above`` positions, increasing.
    """
    if n_below < 0 or n_above < 0 or n_below + n_above + neutral < 1:
        msg = f"A diverging palette needs at least one class, not {n_below} below and {n_above} above."
        raise ValueError(msg)
    m = max(n_below, n_above, 1)
    near, far = DIVERGING_OFFSETS
    offsets = [near + (far - near) * j / (m - 1) for j in range(m)] if m > 1 else [(near + far) / 2]
    below = [0.5 - offsets[j] for j in reversed(range(n_below))]
    above = [0.5 + offsets[j] for j in range(n_above)]
    return tuple([*below, *([0.5] if neutral else []), *above])


def diverging_colors(n_below: int, n_above: int, *, neutral: bool = False) -> tuple[str, ...]:
    """Hex colours of a diverging palette: blues below the centre, reds above, low to high.

    Parameters
    ----------
    n_below, n_above, neutral
        See :func:`diverging_positions`.

    Returns
    -------
    tuple of str
        One colour per class, sampled from :data:`DIVERGING_CMAP` at :func:`diverging_positions`.
    """
    cmap = mpl.colormaps[DIVERGING_CMAP]
    return tuple(to_hex(cmap(p)) for p in diverging_positions(n_below, n_above, neutral=neutral))


def nodata_label(lang: str = "id") -> str:
    """Label of areas without a value in ``lang``."""
    return NODATA_LABEL[_i18n.checked_lang(lang)]


def lisa_label(code: str, lang: str = "id") -> str:
    """Label of LISA category ``code`` in ``lang``."""
    return SCHEMES["lisa"].label(code, lang)


def lisa_categories(values: pd.Series, scheme_name: str | CategoryScheme = "lisa") -> pd.Series:
    """Validate category codes of a scheme; missing values become ``None`` (no data).

    Parameters
    ----------
    values
        Category codes of the scheme (LISA codes by default), or missing.
    scheme_name
        A key of :data:`SCHEMES`.

    Returns
    -------
    pandas.Series
        The codes as ``object`` dtype, aligned to ``values``.

    Raises
    ------
    ValueError
        If a value is not a LISA code.
    """
    sch = scheme(scheme_name)
    valid = sch.codes
    codes = values.astype(object).where(values.notna(), None)
    unknown = sorted({str(c) for c in codes.dropna()} - set(valid))
    if unknown:
        msg = f"Unknown {sch.name} categories {unknown} in {values.name!r}; valid codes: {list(valid)}."
        raise ValueError(msg)
    return codes


def category_legend(
    values: pd.Series, lang: str = "id", scheme_name: str | CategoryScheme = "lisa"
) -> list[LegendEntry]:
    """Legend rows of a categorical map: every category of the scheme in fixed order, with its count.

    Parameters
    ----------
    values
        Category codes (see :func:`lisa_categories`).
    lang
        ``"id"`` or ``"en"``.
    scheme_name
        A key of :data:`SCHEMES` (``"lisa"`` by default).

    Returns
    -------
    list of LegendEntry
        One row per code of the scheme (count 0 allowed), then a "no data" row if any value is
        missing.
    """
    sch = scheme(scheme_name)
    codes = lisa_categories(values, scheme_name)
    counts = codes.value_counts()
    entries = [
        LegendEntry(
            key=code,
            label=sch.label(code, lang),
            color=sch.colors[code],
            count=int(counts.get(code, 0)),
            hatch=sch.hatches.get(code, ""),
        )
        for code in sch.codes
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
