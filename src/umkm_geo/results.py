"""The results of a run: the typed :class:`Results` of a study area, and the layout of every result.

:class:`Results` is what flows between the stages: one typed, optional field per result, frozen.

Every result (weights, autocorrelation, gap, inequality, regional economics, zonal statistics)
has ``to_dict()`` returning ``{"result", "statistics", "settings"}`` and ``table()`` returning
:func:`result_table` of it, so that one function can tabulate them all and every table carries
the settings (permutations, seed, alternative, correction, ...) that produced it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # the result types of the stages (type-only: this module imports no stage)
    from umkm_geo.classify.breaks import ClassBreaks
    from umkm_geo.indicators.core import Indicator
    from umkm_geo.indicators.density import DensityResult
    from umkm_geo.indicators.zonal import ZonalResult
    from umkm_geo.render.atlas.write import AtlasResult
    from umkm_geo.stats.autocorrelation.global_ import GearyResult, GeneralGResult, GlobalMoranResult
    from umkm_geo.stats.autocorrelation.join_counts import JoinCountsResult
    from umkm_geo.stats.autocorrelation.local import LocalResult
    from umkm_geo.stats.autocorrelation.moran_variants import MoranBVResult, MoranRateResult
    from umkm_geo.stats.ffa import FFAResult
    from umkm_geo.stats.inequality.gap import GapResult
    from umkm_geo.stats.inequality.gap_table import GapTable
    from umkm_geo.stats.inequality.indices import TheilResult, WilliamsonResult
    from umkm_geo.stats.regional.lq import LQResult
    from umkm_geo.stats.regional.shiftshare import ShiftShareResult
    from umkm_geo.stats.regional.typology import KlassenResult
    from umkm_geo.stats.survey.design import SurveyPlan
    from umkm_geo.stats.survey.products import MPEResult
    from umkm_geo.stats.survey.scoring import SurveyScores
    from umkm_geo.study_area import StudyArea
    from umkm_geo.tables.groups import Grouping
    from umkm_geo.tables.join import JoinReport
    from umkm_geo.tables.responses import Responses
    from umkm_geo.weights.build import WeightsResult

    GlobalResult: TypeAlias = (
        GlobalMoranResult | GearyResult | GeneralGResult | JoinCountsResult | MoranRateResult | MoranBVResult
    )

__all__ = ["RESULT_TABLE_COLUMNS", "FieldsResult", "Results", "TableMixin", "payload", "plain", "result_table"]

#: Columns of :func:`result_table` and of every ``table()`` method.
RESULT_TABLE_COLUMNS = ("result", "section", "name", "value")


def plain(value: Any) -> Any:
    """Turn NumPy scalars into Python scalars (for JSON); other values pass unchanged."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def payload(name: str, statistics: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Build the ``to_dict()`` mapping of a result.

    Parameters
    ----------
    name
        Name of the result (e.g. ``"global_moran"``).
    statistics, settings
        Mappings of names to scalars or lists; NumPy scalars are converted to Python ones.

    Returns
    -------
    dict
        ``{"result": name, "statistics": {...}, "settings": {...}}``.
    """
    return {
        "result": name,
        "statistics": {k: plain(v) for k, v in statistics.items()},
        "settings": {k: plain(v) for k, v in settings.items()},
    }


def result_table(result: Mapping[str, Any]) -> pd.DataFrame:
    """Lay out the ``to_dict()`` of any umkm_geo result as one long table.

    Parameters
    ----------
    result
        A mapping with the keys ``result`` (the name of the result), ``statistics`` and
        ``settings`` (each a mapping of names to scalars or lists), as returned by the
        ``to_dict()`` method of every result class (see :func:`payload`).

    Returns
    -------
    pandas.DataFrame
        One row per statistic and setting, with the columns ``result``, ``section``
        (``"statistic"`` or ``"setting"``), ``name`` and ``value`` (lists are joined with
        ``"; "``). Tables of different results can be stacked with :func:`pandas.concat`.
    """
    rows = []
    for section, key in (("statistic", "statistics"), ("setting", "settings")):
        for name, value in result[key].items():
            if isinstance(value, list | tuple):
                value = "; ".join(str(v) for v in value)
            rows.append((result["result"], section, name, value))
    return pd.DataFrame(rows, columns=list(RESULT_TABLE_COLUMNS)).astype({"value": object})


class TableMixin:
    """Gives a result with ``to_dict()`` the shared ``table()`` (see :func:`result_table`)."""

    def table(self) -> pd.DataFrame:
        """Return :meth:`to_dict` as a long table (see :func:`umkm_geo.results.result_table`)."""
        return result_table(self.to_dict())  # type: ignore[attr-defined]


class FieldsResult(TableMixin):
    """``to_dict`` and ``table`` of a result whose statistics are its dataclass fields, in their order.

    For a frozen dataclass with a ``settings`` field: ``_result`` names the result, the fields in
    ``_not_statistics`` are left out (by default the permutation settings, the settings and per-unit
    data) and ``_renamed`` gives a statistic another name than its field.
    """

    _result: ClassVar[str]
    _not_statistics: ClassVar[frozenset[str]] = frozenset({"permutations", "seed", "settings", "data"})
    _renamed: ClassVar[Mapping[str, str]] = MappingProxyType({})
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]  # set by @dataclass on the subclass
    settings: Mapping[str, Any]  # a field of the dataclass (a plain base's annotations make no fields)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        statistics = {
            self._renamed.get(f.name, f.name): getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in self._not_statistics
        }
        return payload(self._result, statistics, dict(self.settings))


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclasses.dataclass(frozen=True, eq=False)
class Results:
    """What the stages of a run have computed: one typed, optional field per result.

    Frozen: a stage adds results with :meth:`StudyArea.with_results`, which returns a new area
    holding a new ``Results`` (``dataclasses.replace``); the mappings are read-only views.
    A field is ``None`` (or an empty mapping) until the stage that computes it has run.
    """

    # tables stage
    grouping: Grouping | None = None
    counts: pd.DataFrame | None = None
    join_report: JoinReport | None = None
    tables: Mapping[str, pd.DataFrame] = dataclasses.field(default_factory=_empty)
    # indicators stage
    indicators: Mapping[str, Indicator] = dataclasses.field(default_factory=_empty)
    indicator_year: int | None = None
    zonal: Mapping[str, ZonalResult] = dataclasses.field(default_factory=_empty)
    # weights stage
    weights: WeightsResult | None = None
    # statistics stages
    global_stats: Mapping[str, GlobalResult] = dataclasses.field(default_factory=_empty)
    local: Mapping[str, LocalResult] = dataclasses.field(default_factory=_empty)
    skipped: Mapping[str, str] = dataclasses.field(default_factory=_empty)
    gap_table: GapTable | None = None
    lq: LQResult | None = None
    shift_share: ShiftShareResult | None = None
    klassen: KlassenResult | None = None
    klassen_indicators: tuple[str, str] | None = None
    # official stage (real official data: GRDP per capita and 2025 population of the province's kab/kota)
    official_grdp: pd.DataFrame | None = None
    official_klassen: KlassenResult | None = None
    official_williamson: WilliamsonResult | None = None
    official_theil: TheilResult | None = None
    official_qa: pd.DataFrame | None = None
    # official stage, IDM 2024 (Kemendesa PDTT): per kecamatan of the study area, gaps by name, QA
    official_idm_kecamatan: pd.DataFrame | None = None
    official_idm_desa: pd.DataFrame | None = None
    official_idm_gap: Mapping[str, GapResult] = dataclasses.field(default_factory=_empty)
    official_idm_qa: pd.DataFrame | None = None
    # survey, FFA and produk unggulan stage
    survey_plan: SurveyPlan | None = None
    responses: Responses | None = None
    survey_scores: SurveyScores | None = None
    gap_lisa: LocalResult | None = None
    gap_density_bv: LocalResult | None = None
    ffa: FFAResult | None = None
    products: pd.DataFrame | None = None
    mpe: MPEResult | None = None
    leading: pd.DataFrame | None = None
    product_lq: LQResult | None = None
    # classify stage
    classes: Mapping[str, ClassBreaks] = dataclasses.field(default_factory=_empty)
    # layers stage ([[layers]]): each layer's own study area, by name
    layers: Mapping[str, StudyArea] = dataclasses.field(default_factory=_empty)
    # output stage
    atlas: AtlasResult | None = None
    density: DensityResult | None = None
    outputs: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, dict):  # a plain dict given by a stage becomes a read-only view
                object.__setattr__(self, field.name, MappingProxyType(dict(value)))

    def replace(self, **changes: Any) -> Results:
        """A new ``Results`` with ``changes`` (field names; dicts are frozen)."""
        return dataclasses.replace(self, **changes)

    @property
    def moran(self) -> GlobalMoranResult | None:
        """Global Moran's I of the analysed indicator, when computed."""
        return self.global_stats.get("moran")  # type: ignore[return-value]

    @property
    def lisa(self) -> LocalResult | None:
        """Local Moran (LISA) of the analysed indicator, when computed."""
        return self.local.get("moran")

    def computed(self) -> dict[str, Any]:
        """The fields that hold a result (not ``None``, not empty), by field name."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is None or (isinstance(value, Mapping | tuple) and not value):
                continue
            out[field.name] = value
        return out
