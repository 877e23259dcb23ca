"""Class breaks of a choropleth, computed once and shared by the PNG and the HTML maps.

:func:`classify` computes the mapclassify schemes (the same bounds, :mod:`umkm_geo.classify._schemes`)
and returns a :class:`ClassBreaks` that holds the classes actually produced: when values tie,
quantile bins collapse (mapclassify#2) and the empty or zero-width bins are dropped, so ``k`` may be
smaller than ``k_requested``. Missing values are "no data": they take no part in the classification
and get class ``-1``.

Colours: a sequential palette, or a diverging one around a centre (0 for values of both signs such
as growth rates, 1 for location quotients, the median for a box map). No class straddles the
centre: a break within 1% of the data range from it moves onto it; otherwise the class around it is
split there (``k`` may then exceed ``k_requested``). Box-map classes carry their role (outliers,
quartiles) in their labels.

Numbers in legends and tooltips are formatted by :func:`umkm_geo._i18n.format_number` only, so the PNG and the
HTML write a class range the same way. The words (scheme names, box-map roles, the note under a
legend) are in ``locale/id.toml`` and ``locale/en.toml`` (``scheme.name.*``, ``scheme.role.*``,
``legend.classes*``).

Size: one classification shared by the PNG and the HTML maps: the schemes, the centre of diverging
palettes, the outlier classes and the words of the legend belong together; split, a class label could
differ between the two renderers.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo import _i18n
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo._i18n import format_number
from umkm_geo.classify import _schemes
from umkm_geo.classify.symbology import NODATA_COLOR, diverging_colors, sequential_colors

#: Class index of a unit without a value.
NODATA_CLASS = -1

#: Upper bounds of the location-quotient classes: symmetric in ratio around 1 (0.5 and 2, 0.8 and
#: 1.25), the same for every sector so that LQ maps compare; see :func:`lq_classes`.
LQ_BINS: tuple[float, ...] = (0.5, 0.8, 1.0, 1.25, 2.0)

#: Role of each of mapclassify's ``BoxPlot`` bins (the last only when there are high outliers); the
#: name of a role, printed before the class range, is ``scheme.role.<role>`` in the locale files.
BOX_ROLES: tuple[str, ...] = ("low_outlier", "q1", "q2", "q3", "q4", "high_outlier")


@dataclasses.dataclass(frozen=True)
class _Scheme:
    """How to build one scheme's bounds and which of its empty classes to keep."""

    build: Callable[..., Any]
    uses_k: bool
    keep_empty: bool


#: Natural breaks are exact up to this many values; above it they are computed on this many evenly spaced
#: order statistics (the exact algorithm is O(k n^2): 30 ms at 1,000 values, minutes and gigabytes at 74,000).
FISHER_JENKS_EXACT = 1_000


def _order_sample(y: np.ndarray) -> np.ndarray:
    """``y`` itself, or :data:`FISHER_JENKS_EXACT` evenly spaced order statistics of it (min and max kept).

    Deterministic (no random sample, unlike ``mapclassify.FisherJenksSampled``): the same data give the
    same breaks, and the sample has the distribution of ``y``.
    """
    if len(y) <= FISHER_JENKS_EXACT:
        return y
    ordered = np.sort(y)
    return ordered[np.linspace(0, len(y) - 1, FISHER_JENKS_EXACT).round().astype(int)]


#: Box-plot fences (multiples of the interquartile range beyond the quartiles), as in GeoDa's box map.
FENCE_IQR = 1.5


def fences(y: np.ndarray) -> tuple[float, float]:
    """Lower and upper box-plot fences of ``y``: Q1 - 1.5 IQR and Q3 + 1.5 IQR."""
    q1, q3 = np.percentile(y, [25, 75])
    return float(q1 - FENCE_IQR * (q3 - q1)), float(q3 + FENCE_IQR * (q3 - q1))


@dataclasses.dataclass(frozen=True)
class _Bins:
    bins: np.ndarray


def _user_defined(y: np.ndarray, bins: Sequence[float] | None) -> np.ndarray:
    """The user's upper bounds, the maximum added when the last is below it (as ``mapclassify.UserDefined``)."""
    upper = np.asarray(bins if bins is not None else [], dtype=float)
    return np.append(upper, max(y)) if not len(upper) or upper[-1] < max(y) else upper


def _fisher_jenks_outliers(y: np.ndarray, k: int) -> _Bins:
    """Natural breaks of the values within the box-plot fences; the outliers on each side get a class of their own.

    With skewed data (a kota's few dense kelurahan among rural desa) plain natural breaks spend most
    classes on the few extreme units and show the rest as one colour. Here the extremes take one class
    per side and the other ``k`` minus one or two classes show the gradient of the rest. Without
    outliers it is plain natural breaks.
    """
    low, high = fences(y)
    inner = y[(y >= low) & (y <= high)]
    n_sides = int((y < low).any()) + int((y > high).any())
    if n_sides == 0 or np.unique(inner).size < 2:
        return _Bins(_schemes.natural_breaks(_order_sample(y), k))
    k_inner = max(1, min(k - n_sides, np.unique(inner).size))
    bins = list(_schemes.natural_breaks(_order_sample(inner), k_inner))
    if (y < low).any():
        bins.insert(0, float(y[y < low].max()))
    if (y > high).any():
        bins.append(float(y.max()))
    return _Bins(np.asarray(bins, dtype=float))


def _outlier_roles(y: np.ndarray, classes: np.ndarray, k: int) -> tuple[str, ...]:
    """Role of each class of :func:`_fisher_jenks_outliers`: ``"low_outlier"``, ``"high_outlier"`` or ``""``.

    A class is an outlier class when all its members lie beyond a fence.
    """
    low, high = fences(y)
    roles = []
    for i in range(k):
        members = y[classes == i]
        roles.append(
            "high_outlier"
            if len(members) and members.min() > high
            else "low_outlier"
            if len(members) and members.max() < low
            else ""
        )
    return tuple(roles)


def _roles(
    scheme: str, roles: tuple[str, ...], keep: list[int], y: np.ndarray, classes: np.ndarray, k: int
) -> tuple[tuple[str, ...], tuple[float, float] | None]:
    """The roles of the classes kept, and the fences of a ``fisher_jenks_outliers`` classification with outliers."""
    if scheme == "fisher_jenks_outliers":
        outliers = _outlier_roles(y, classes, k)
        return (outliers, fences(y)) if any(outliers) else ((), None)
    return (tuple(roles[i] for i in keep) if roles else ()), None


#: Classification schemes by name. ``keep_empty`` keeps empty classes whose bounds mean something
#: on their own (equal widths, user bounds, box-plot fences); quantile and natural-break classes
#: are defined by their members, so an empty one is dropped.
SCHEMES: Mapping[str, _Scheme] = MappingProxyType(
    {
        "fisher_jenks_outliers": _Scheme(lambda y, k, bins: _fisher_jenks_outliers(y, k), True, False),
        "quantiles": _Scheme(lambda y, k, bins: _Bins(_schemes.quantiles(y, k)), True, False),
        "fisher_jenks": _Scheme(lambda y, k, bins: _Bins(_schemes.natural_breaks(_order_sample(y), k)), True, False),
        "equal_interval": _Scheme(lambda y, k, bins: _Bins(_schemes.equal_interval(y, k)), True, True),
        "box_plot": _Scheme(lambda y, k, bins: _Bins(_schemes.box_plot(y)), False, True),
        "user_defined": _Scheme(lambda y, k, bins: _Bins(_user_defined(y, bins)), False, True),
    }
)


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
        Hex fill colour of each class: sequential (light to dark), or diverging around ``center``.
    center
        The centre of a diverging palette (no class straddles it), or ``None`` (sequential).
    roles
        Role of each class of a box map (see :data:`BOX_ROLES`); of ``fisher_jenks_outliers``,
        ``"low_outlier"``/``"high_outlier"`` for the outlier classes and ``""`` for the others; empty
        for other schemes.
    fence
        The box-plot fences (low, high) of ``fisher_jenks_outliers`` when it made outlier classes: their
        labels read "> high fence" ("< low fence").
    """

    scheme: str
    k_requested: int
    k: int
    lower: float
    upper: tuple[float, ...]
    counts: tuple[int, ...]
    yb: pd.Series
    colors: tuple[str, ...]
    center: float | None = None
    roles: tuple[str, ...] = ()
    fence: tuple[float, float] | None = None

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

        Box-map classes start with their role, e.g. ``"Pencilan atas: 13,5 – 30,0"``.

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
        for i, (low, high) in enumerate(self.bounds()):
            lo = format_number(low, decimals, lang=lang)
            hi = format_number(high, decimals, lang=lang)
            role = self.roles[i] if self.roles else ""
            if self.fence is not None and role == "high_outlier":
                labels.append(f"> {format_number(self.fence[1], decimals, lang=lang)}")
            elif self.fence is not None and role == "low_outlier":
                labels.append(f"< {format_number(self.fence[0], decimals, lang=lang)}")
            else:
                labels.append(hi if lo == hi else f"{lo} – {hi}")
        if self.roles:
            labels = [
                f"{_i18n.text(f'scheme.role.{role}', lang)}: {label}" if role else label
                for role, label in zip(self.roles, labels, strict=True)
            ]
        return labels

    def describe(self, lang: str = "id") -> str:
        """One line naming the scheme and the classes made, for the note under a legend.

        Parameters
        ----------
        lang
            ``"id"`` or ``"en"``.

        Returns
        -------
        str
            E.g. ``"Klasifikasi: kuantil, 3 kelas (5 diminta; nilai kembar)"``.
        """
        if lang not in _i18n.LANGS:
            msg = f"Unknown language {lang!r}; use 'id' or 'en'."
            raise ValueError(msg)
        # without outliers the scheme is plain natural breaks, and says so
        plain = self.scheme == "fisher_jenks_outliers" and self.fence is None
        name = _i18n.text(f"scheme.name.{'fisher_jenks' if plain else self.scheme}", lang)
        text = _i18n.text("legend.classes_one" if self.k == 1 else "legend.classes", lang, scheme=name, k=self.k)
        if SCHEMES[self.scheme].uses_k and self.k < self.k_requested:
            text += _i18n.text("legend.classes_tied", lang, requested=self.k_requested)
        total = int((self.yb >= 0).sum())
        n_outliers = sum(c for c, r in zip(self.counts, self.roles, strict=False) if r.endswith("outlier"))
        if self.scheme == "fisher_jenks_outliers" and n_outliers:
            text += _i18n.text("legend.classes_outliers", lang, n=n_outliers)
        if self.scheme.startswith("fisher_jenks") and total > FISHER_JENKS_EXACT:
            n, size = (format_number(v, 0, lang=lang) for v in (FISHER_JENKS_EXACT, total))
            text += _i18n.text("legend.classes_sampled", lang, n=n, total=size)
        if self.center is not None and self.scheme != "box_plot":
            centre = format_number(self.center, 2, lang=lang).rstrip("0").rstrip(",.")
            text += _i18n.text("legend.classes_centre", lang, centre=centre)
        return text

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
            if self.roles:
                row["role"] = self.roles[i]
            classes.append(row)
        return {
            "scheme": self.scheme,
            "k_requested": self.k_requested,
            "k": self.k,
            "n_nodata": self.n_nodata,
            "center": self.center,
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
        # numpy's warnings on degenerate data; collapsed classes are reported by the caller
        warnings.simplefilter("ignore")
        classifier = scheme.build(values, k_eff, None if bins is None else list(bins))
    upper = np.asarray(classifier.bins, dtype=float)
    if upper[-1] < values.max():
        upper = np.append(upper, values.max())
    return upper


def _center(center: float | str | None, y: np.ndarray, scheme: str, raw: np.ndarray) -> float | None:
    """The centre of the palette asked for (``"auto"``: 0 for data of both signs, a box map's median)."""
    if isinstance(center, str) and center != "auto":
        msg = f"center must be a number, 'auto' or None, not {center!r}."
        raise ConfigError(msg)
    if scheme == "box_plot":
        if center not in ("auto", None):
            msg = f"A box map diverges at its median; center={center!r} cannot be set (use 'auto' or None)."
            raise ConfigError(msg)
        return None if center is None else float(raw[2]) if len(raw) > 2 else None
    if center == "auto":
        return 0.0 if y.min() < 0 < y.max() else None
    if center is not None and not np.isfinite(float(center)):
        msg = f"center must be a finite number, not {center!r}."
        raise ConfigError(msg)
    return None if center is None else float(center)


def _class_colors(lower: float, upper: np.ndarray, center: float | None) -> tuple[str, ...]:
    """Sequential colours, or diverging ones by the side of ``center`` each class lies on."""
    if center is None:
        return sequential_colors(len(upper))
    lowers = np.r_[lower, upper[:-1]]
    neutral = (lowers == center) & (upper == center)
    below = (upper <= center) & ~neutral
    return diverging_colors(int(below.sum()), int((~below & ~neutral).sum()), neutral=bool(neutral.any()))


def classify(
    values: pd.Series,
    *,
    scheme: str = "fisher_jenks_outliers",
    k: int = 5,
    bins: Sequence[float] | None = None,
    center: float | str | None = "auto",
) -> ClassBreaks:
    """Classify ``values`` into choropleth classes.

    Parameters
    ----------
    values
        One value per unit; NaN means "no data" and gets class ``-1``.
    scheme
        One of :data:`SCHEMES`: ``"fisher_jenks_outliers"`` (natural breaks of the units within the
        box-plot fences, outliers in classes of their own), ``"quantiles"``, ``"fisher_jenks"`` (natural breaks),
        ``"equal_interval"``, ``"box_plot"`` (ignores ``k``) or ``"user_defined"``.
    k
        Number of classes asked for (``quantiles``, ``fisher_jenks``, ``equal_interval``).
    bins
        Upper bounds of the classes, increasing; required for ``user_defined`` only. A class up
        to the maximum is added if the last bound is below it.
    center
        Centre of a diverging palette: a number (e.g. ``1`` for location quotients), ``"auto"``
        (``0`` when the values have both signs, else a sequential palette; a box map diverges at
        its median) or ``None`` (always sequential). A class that straddles the centre is split
        there, so ``k`` may exceed ``k_requested``.

    Returns
    -------
    ClassBreaks
        The classes actually produced (see the module docstring).

    Raises
    ------
    ConfigError
        If the scheme is unknown, ``k`` is below 1, ``bins`` is missing, not increasing or
        given to another scheme, or ``center`` is not a finite number, ``"auto"`` or ``None``
        (a box map takes only ``"auto"`` or ``None``).
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
    k_requested = k if spec.uses_k else len(raw)
    lower = float(y.min())
    centre = _center(center, y, scheme, raw)
    if centre is not None and lower < centre < raw[-1]:
        # A break within 1% of the range from the centre moves onto it (no sliver class); user
        # bounds move only when they differ from it by rounding.
        near = np.abs(raw - centre) <= (0.01 if spec.uses_k else 1e-9) * (y.max() - lower)
        raw = np.where(near, centre, raw) if near.any() else np.sort(np.append(raw, centre))
    roles: tuple[str, ...] = BOX_ROLES[: len(raw)] if scheme == "box_plot" else ()
    if scheme == "box_plot" and len(raw) == 5:
        raw = np.append(raw[:-1], max(raw[-2], y.max()))  # no high outliers: Q4 ends at the maximum
    raw_counts = np.bincount(_assign(y, raw), minlength=len(raw))
    keep = []
    for i, (high, count) in enumerate(zip(raw, raw_counts, strict=True)):
        zero_width = i > 0 and high <= raw[i - 1]
        below_data = high < lower
        if count == 0 and (zero_width or below_data or not spec.keep_empty):
            continue
        keep.append(i)
    upper = raw[keep]
    if centre is not None and centre in raw and centre not in upper:
        # The empty class just below the centre was dropped: the class under it, which has no
        # value between its bound and the centre, now ends at the centre (same members).
        upper = np.where(upper == upper[upper < centre].max(initial=-np.inf), centre, upper)
    classes = _assign(y, upper)
    counts = np.bincount(classes, minlength=len(upper))
    kept_roles, fence = _roles(scheme, roles, keep, y, classes, len(upper))

    yb = np.full(len(values), NODATA_CLASS, dtype=int)
    yb[present] = classes
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
        colors=_class_colors(lower, upper, centre),
        center=centre,
        roles=kept_roles,
        fence=fence,
    )


def lq_classes(values: pd.Series, *, bins: Sequence[float] = LQ_BINS) -> ClassBreaks:
    """Classes of location quotients: fixed bounds :data:`LQ_BINS`, colours diverging at 1.

    Parameters
    ----------
    values
        Location quotients (NaN for no data); a long Series (e.g. every sector stacked) gives
        one classification shared by several maps.
    bins
        Upper bounds of the classes; 1 is added when missing, so that no class straddles it.

    Returns
    -------
    ClassBreaks
        Blue classes for ``LQ <= 1`` (non-basis), red for ``LQ > 1`` (basis sector); empty
        classes inside the data range are kept so that maps of different sectors compare.
    """
    return classify(values, scheme="user_defined", bins=bins, center=1.0)
