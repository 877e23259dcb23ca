"""umkm_geo: maps of the spatial inequality of UMKM across Indonesian kecamatan.

The pipeline reads from sources (pinned public boundaries, users' files) through tables, indicators,
weights, statistics and classification to renderers; :func:`run` does it all from a
:class:`Config`. Every stage returns a new immutable :class:`StudyArea`.
"""

from importlib.metadata import PackageNotFoundError, version

from umkm_geo._errors import (
    AnalysisError,
    ConfigError,
    DataSourceError,
    HashMismatchError,
    JoinError,
    ParseError,
    RegionError,
    TableError,
    UmkmGeoError,
)
from umkm_geo.autocorrelation import GlobalMoranResult, LocalMoranResult, global_moran, local_moran
from umkm_geo.classification import ClassBreaks, classify
from umkm_geo.config import Config, load_config
from umkm_geo.demo import ILLUSTRATIVE_NOTE, blitar_demo_totals, generate_demo_counts
from umkm_geo.gap import GapResult, group_gap
from umkm_geo.groups import Grouping, blitar_grouping, read_grouping
from umkm_geo.indicators import Indicator, add_indicators, area_km2
from umkm_geo.join import JoinReport, join_counts
from umkm_geo.pipeline import (
    classify_indicators,
    compute_indicators,
    compute_statistics,
    compute_weights,
    load_counts,
    load_study_area,
    render_maps,
    run,
)
from umkm_geo.sources.boundaries import BoundarySet, load_kecamatan
from umkm_geo.sources.registry import fetch, load_registry
from umkm_geo.sources.user_file import read_boundary_file
from umkm_geo.sources.wilayah_sql import parse_wilayah_sql
from umkm_geo.study_area import StudyArea
from umkm_geo.tables import CountTable, read_count_table
from umkm_geo.template import template_table
from umkm_geo.weights import WeightsResult, build_weights

try:
    __version__ = version("umkm_geo")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "ILLUSTRATIVE_NOTE",
    "AnalysisError",
    "BoundarySet",
    "ClassBreaks",
    "Config",
    "ConfigError",
    "CountTable",
    "DataSourceError",
    "GapResult",
    "GlobalMoranResult",
    "Grouping",
    "HashMismatchError",
    "Indicator",
    "JoinError",
    "JoinReport",
    "LocalMoranResult",
    "ParseError",
    "RegionError",
    "StudyArea",
    "TableError",
    "UmkmGeoError",
    "WeightsResult",
    "__version__",
    "add_indicators",
    "area_km2",
    "blitar_demo_totals",
    "blitar_grouping",
    "build_weights",
    "classify",
    "classify_indicators",
    "compute_indicators",
    "compute_statistics",
    "compute_weights",
    "fetch",
    "generate_demo_counts",
    "global_moran",
    "group_gap",
    "join_counts",
    "load_config",
    "load_counts",
    "load_kecamatan",
    "load_registry",
    "load_study_area",
    "local_moran",
    "parse_wilayah_sql",
    "read_boundary_file",
    "read_count_table",
    "read_grouping",
    "render_maps",
    "run",
    "template_table",
]
