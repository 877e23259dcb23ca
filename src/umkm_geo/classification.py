"""Class breaks of a choropleth, computed once and shared by the PNG and the HTML maps.

:func:`classify` wraps the mapclassify schemes and returns a :class:`ClassBreaks` that holds the
classes actually produced: when values tie, quantile bins collapse (mapclassify#2) and the empty
or zero-width bins are dropped, so ``k`` may be smaller than ``k_requested``. Missing values are
"no data": they take no part in the classification and get class ``-1``.

Numbers in legends and tooltips are formatted by :func:`format_number` only, so the PNG and the
HTML write a class range the same way.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import mapclassify
import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.render._style import NODATA_COLOR, sequential_colors

#: Class index of a unit without a value.
NODATA_CLASS = -1

#: Separators (thousands, decimal) by language.
_SEPARATORS: Mapping[str, tuple[str, str]] = MappingProxyType({"id": (".", ","), "en": (",", ".")})


@dataclasses.dataclass(frozen=True)
class _Scheme:
    """How to build one mapclassify scheme and which of its empty classes to keep."""

    build: Callable[..., Any]
    uses_k: bool
    keep_empty: bool


#: Classification schemes by name. ``keep_empty`` keeps empty classes whose bounds mean something
#: on their own (equal widths, user bounds, box-plot fences); quantile and natural-break classes
#: are defined by their members, so an empty one is dropped.
SCHEMES: Mapping[str, _Scheme] = MappingProxyType(
    {
        "quantiles": _Scheme(lambda y, k, bins: mapclassify.Quantiles(y, k=k), True, False),
        "fisher_jenks": _Scheme(lambda y, k, bins: mapclassify.FisherJenks(y, k=k), True, False),
        "equal_interval": _Scheme(lambda y, k, bins: mapclassify.EqualInterval(y, k=k), True, True),
        "box_plot": _Scheme(lambda y, k, bins: mapclassify.BoxPlot(y), False, True),
        "user_defined": _Scheme(lambda y, k, bins: mapclassify.UserDefined(y, bins=bins), False, True),
    }
)


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


@dataclasses.dataclass(frozen=True, eq=False)
class ClassBreaks:
    """The classes of one indicator, shared by every renderer.

    Parameters
    ----------
    scheme
        Name of the scheme (a key of :data:`SCHEMES`).
    k_requested
        Classes asked for (for ``box_plot`` and ``user_defined``: the bins the scheme made).
    k
        Classes actually produced.
    lower
        Minimum of the data (lower bound of the first class).
    upper
        Upper bound of each class (classes are ``lower <= x <= upper[0]``, then
        ``upper[i-1] < x <= upper[i]``).
    counts
        Number of units in each class.
    yb
        Class index of each unit, aligned to the input index; ``-1`` for no data.
    colors
        Hex fill colour of each class (sequential palette, light to dark).
    """

    scheme: str
    k_requested: int
    k: int
    lower: float
    upper: tuple[float, ...]
    counts: tuple[int, ...]
    yb: pd.Series
    colors: tuple[str, ...]

    @property
    def n_nodata(self) -> int:
        """Number of units without a value."""
        return int((self.yb == NODATA_CLASS).sum())

    def bounds(self) -> list[tuple[float, float]]:
        """Return the ``(lower, upper)`` bounds of each class."""
        lowers = (self.lower, *self.upper[:-1])
        return list(zip(lowers, self.upper, strict=True))

    def labels(self, decimals: int, *, lang: str = "id") -> list[str]:
        """Range label of each class, e.g. ``"12,3 – 45,6"`` (a single number if lower = upper).

        Parameters
        ----------
        decimals
            Decimals of the bounds (use the indicator's ``decimals``).
        lang
            ``"id"`` or ``"en"``; see :func:`format_number`.

        Returns
        -------
        list of str
        """
        labels = []
        for low, high in self.bounds():
            lo = format_number(low, decimals, lang=lang)
            hi = format_number(high, decimals, lang=lang)
            labels.append(hi if lo == hi else f"{lo} – {hi}")
        return labels

    def color_for(self, index: int) -> str:
        """Fill colour of class ``index`` (``-1`` gives the no-data colour)."""
        if index == NODATA_CLASS:
            return NODATA_COLOR
        if not 0 <= index < self.k:
            msg = f"Class index {index} out of range: this classification has {self.k} classes."
            raise IndexError(msg)
        return self.colors[index]

    def to_dict(self, *, decimals: int | None = None, lang: str = "id") -> dict[str, Any]:
        """Return the breaks as plain JSON-ready values (one entry per class in ``classes``).

        Parameters
        ----------
        decimals
            If given, each class also gets its range ``label`` (see :meth:`labels`).
        lang
            Language of the labels.

        Returns
        -------
        dict
        """
        labels = self.labels(decimals, lang=lang) if decimals is not None else None
        classes = []
        for i, (low, high) in enumerate(self.bounds()):
            row: dict[str, Any] = {
                "class": i,
                "lower": low,
                "upper": high,
                "count": self.counts[i],
                "color": self.colors[i],
            }
            if labels is not None:
                row["label"] = labels[i]
            classes.append(row)
        return {
            "scheme": self.scheme,
            "k_requested": self.k_requested,
            "k": self.k,
            "n_nodata": self.n_nodata,
            "classes": classes,
        }


def _assign(y: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Class of each value: the first class whose upper bound is >= the value."""
    return np.minimum(np.searchsorted(upper, y, side="left"), len(upper) - 1)


def _raw_bins(values: np.ndarray, scheme: _Scheme, k: int, bins: Sequence[float] | None) -> np.ndarray:
    if scheme.uses_k and np.unique(values).size == 1:
        return np.array([values[0]], dtype=float)
    k_eff = min(k, np.unique(values).size)
    with warnings.catch_warnings():
        # mapclassify warns about collapsed classes (and a missing numba); we report it ourselves.
        warnings.simplefilter("ignore")
        classifier = scheme.build(values, k_eff, None if bins is None else list(bins))
    upper = np.asarray(classifier.bins, dtype=float)
    if upper[-1] < values.max():
        upper = np.append(upper, values.max())
    return upper


def classify(
    values: pd.Series,
    *,
    scheme: str = "fisher_jenks",
    k: int = 5,
    bins: Sequence[float] | None = None,
) -> ClassBreaks:
    """Classify ``values`` into choropleth classes.

    Parameters
    ----------
    values
        One value per unit; NaN means "no data" and gets class ``-1``.
    scheme
        One of :data:`SCHEMES`: ``"quantiles"``, ``"fisher_jenks"`` (natural breaks),
        ``"equal_interval"``, ``"box_plot"`` (ignores ``k``) or ``"user_defined"``.
    k
        Number of classes asked for (``quantiles``, ``fisher_jenks``, ``equal_interval``).
    bins
        Upper bounds of the classes, increasing; required for ``user_defined`` only. A class up
        to the maximum is added if the last bound is below it.

    Returns
    -------
    ClassBreaks
        The classes actually produced (see the module docstring).

    Raises
    ------
    ConfigError
        If the scheme is unknown, ``k`` is below 1, or ``bins`` is missing, not increasing or
        given to another scheme.
    AnalysisError
        If no value is present.

    Warns
    -----
    UserWarning
        If ties made fewer classes than requested.
    """
    try:
        spec = SCHEMES[scheme]
    except KeyError:
        msg = f"Unknown classification scheme {scheme!r}; valid schemes: {sorted(SCHEMES)}."
        raise ConfigError(msg) from None
    if spec.uses_k and k < 1:
        msg = f"The number of classes k must be at least 1, not {k}."
        raise ConfigError(msg)
    if (bins is not None) != (scheme == "user_defined"):
        msg = (
            f"Class bounds 'bins' are required by the 'user_defined' scheme and only by it "
            f"(scheme={scheme!r}, bins={bins!r})."
        )
        raise ConfigError(msg)
    if bins is not None and (len(bins) == 0 or np.any(np.diff(np.asarray(bins, float)) <= 0)):
        msg = f"Class bounds must be a non-empty increasing list, not {list(bins)}."
        raise ConfigError(msg)

    numeric = pd.to_numeric(values, errors="raise").astype(float)
    present = numeric.notna().to_numpy()
    y = numeric.to_numpy()[present]
    if y.size == 0:
        msg = f"{values.name!r} has no value to classify (all {len(values)} are missing)."
        raise AnalysisError(msg)

    raw = _raw_bins(y, spec, k, bins)
    lower = float(y.min())
    raw_counts = np.bincount(_assign(y, raw), minlength=len(raw))
    keep = []
    for i, (high, count) in enumerate(zip(raw, raw_counts, strict=True)):
        zero_width = i > 0 and high <= raw[i - 1]
        below_data = high < lower
        if count == 0 and (zero_width or below_data or not spec.keep_empty):
            continue
        keep.append(i)
    upper = raw[keep]
    classes = _assign(y, upper)
    counts = np.bincount(classes, minlength=len(upper))

    yb = np.full(len(values), NODATA_CLASS, dtype=int)
    yb[present] = classes
    k_requested = k if spec.uses_k else len(raw)
    if spec.uses_k and len(upper) < k:
        warnings.warn(
            f"Classifying {values.name!r} with {scheme!r}: {len(upper)} classes instead of {k} "
            f"because values tie ({np.unique(y).size} distinct values).",
            UserWarning,
            stacklevel=2,
        )
    return ClassBreaks(
        scheme=scheme,
        k_requested=int(k_requested),
        k=len(upper),
        lower=lower,
        upper=tuple(float(b) for b in upper),
        counts=tuple(int(c) for c in counts),
        yb=pd.Series(yb, index=values.index, name=values.name),
        colors=sequential_colors(len(upper)),
    )
