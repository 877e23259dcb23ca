"""What every part of the report shares: the :class:`Report` (study area, words, names, sentences) and its cells.

:class:`Report` is built once per report by :func:`umkm_geo.render.report.write.report_html` and
handed to the section builders (:mod:`umkm_geo.render.report.sections`,
:mod:`umkm_geo.render.report.figures`) and to the templates. :class:`Cell` is a table cell that is
more than text (a link, a hash, a colour swatch, bold text); the templates draw it, and every text
in it is escaped there like any other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from umkm_geo._provenance import figure_components, illustrative_components
from umkm_geo.classify.breaks import format_number
from umkm_geo.render.report.interpret import display_names, interpret, join_names
from umkm_geo.render.report.interpret.settings import setting
from umkm_geo.render.report.text import words

if TYPE_CHECKING:
    from umkm_geo.indicators.core import Indicator
    from umkm_geo.render.options import RenderOptions
    from umkm_geo.results import Results
    from umkm_geo.study_area import StudyArea

__all__ = ["Cell", "Report"]


@dataclasses.dataclass(frozen=True)
class Cell:
    """A table cell drawn by the ``cell`` macro of the templates; its ``text`` is escaped there.

    ``kind``: ``"link"`` (the http(s) addresses in ``text`` become plain links), ``"code"`` (a
    hash), ``"swatch"`` (a colour square of ``color`` before ``text``) or ``"bold"``; ``cls`` is a
    class added to the table cell.
    """

    kind: str
    text: Any
    color: str = ""
    cls: str = ""


@dataclasses.dataclass(frozen=True, eq=False)
class Report:
    """Everything the section builders and the templates share.

    Attributes
    ----------
    area, options
        The study area and what the renderers read of the run (title, significance level, groups
        compared, language).
    lang, t
        The language and its fixed words (:func:`umkm_geo.render.report.text.words`).
    names
        Display names of the kecamatan (:func:`~umkm_geo.render.report.interpret.display_names`).
    invented
        The illustrative inputs of the run (component -> how it was made, in the report's language).
    images, captions
        The PNG files of the maps section and the captions given for them, by key.
    sentences
        The sentences of :func:`~umkm_geo.render.report.interpret.interpret`, by section.
    cache
        What the section builders compute once and share (the embedded figures), by name.
    """

    area: StudyArea
    options: RenderOptions
    lang: str
    t: Mapping[str, str]
    names: pd.Series
    invented: Mapping[str, str]
    alpha: float
    images: Mapping[str, Path]
    captions: Mapping[str, str]
    sentences: Mapping[str, list[str]]
    cache: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    @classmethod
    def build(
        cls, area: StudyArea, options: RenderOptions, images: Mapping[str, Path], captions: Mapping[str, str]
    ) -> Report:
        """The report of ``area`` in the language of ``options``."""
        lang = options.lang
        alpha = float(options.alpha)
        return cls(
            area=area,
            options=options,
            lang=lang,
            t=words(lang),
            names=display_names(area.frame),
            invented={c: setting(d, lang) for c, d in illustrative_components(area.provenance).items()},
            alpha=alpha,
            images=images,
            captions=captions,
            sentences=interpret(area, alpha=alpha, lang=lang),
        )

    @property
    def results(self) -> Results:
        """The study area's results."""
        return self.area.results

    @property
    def indicators(self) -> Mapping[str, Indicator]:
        """The indicators computed, by column name."""
        return self.area.results.indicators

    @property
    def illustrative(self) -> bool:
        """Whether any input of the run is illustrative."""
        return bool(self.invented)

    def stamped(self, components: Any) -> bool:
        """Whether something made from ``components`` is made from an illustrative input."""
        return any(c in self.invented for c in components)

    def figure_stamped(self, key: str) -> bool:
        """Whether the figure ``key`` is made from an illustrative input."""
        return self.stamped(figure_components(key, self.results, self.area.frame.columns))

    def num(self, value: Any, decimals: int) -> str:
        """``value`` with ``decimals`` decimals and the separators of the report's language."""
        return format_number(value, decimals, lang=self.lang)

    def label(self, key: Any) -> str:
        """The label of an indicator (other names as they are)."""
        return self.indicators[key].label(self.lang) if key in self.indicators else str(key)

    def group_label(self, group: Any) -> str:
        """The display label of a group of the grouping."""
        grouping = self.results.grouping
        return str(group) if grouping is None else grouping.label(str(group), self.lang)

    def names_of(self, codes: Sequence[Any]) -> str:
        """The display names of ``codes`` as one list (``"A, B dan C"``)."""
        return join_names([self.names.get(c, str(c)) for c in codes], self.lang)
