"""umkm_geo: maps of the spatial inequality of UMKM across Indonesian kecamatan.

The pipeline reads from sources (pinned public boundaries, users' files) through tables, indicators,
weights, statistics and classification to renderers; :func:`run` does it all from a
:class:`Config`. Every stage returns a new immutable :class:`StudyArea`.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

# Public names -> the module that defines them. They are imported on first use (PEP 562), so
# that ``umkm-geo`` commands pay only for the modules they need (matplotlib and folium are not
# loaded by a statistics-only run).
_EXPORTS: dict[str, str] = {
    "AnalysisError": "umkm_geo._errors",
    "ConfigError": "umkm_geo._errors",
    "DataSourceError": "umkm_geo._errors",
    "HashMismatchError": "umkm_geo._errors",
    "JoinError": "umkm_geo._errors",
    "ParseError": "umkm_geo._errors",
    "RegionError": "umkm_geo._errors",
    "TableError": "umkm_geo._errors",
    "UmkmGeoError": "umkm_geo._errors",
    "GlobalMoranResult": "umkm_geo.autocorrelation",
    "LocalMoranResult": "umkm_geo.autocorrelation",
    "global_moran": "umkm_geo.autocorrelation",
    "local_moran": "umkm_geo.autocorrelation",
    "ClassBreaks": "umkm_geo.classification",
    "classify": "umkm_geo.classification",
    "Config": "umkm_geo.config",
    "load_config": "umkm_geo.config",
    "ILLUSTRATIVE_NOTE": "umkm_geo.demo",
    "blitar_demo_totals": "umkm_geo.demo",
    "generate_demo_counts": "umkm_geo.demo",
    "GapResult": "umkm_geo.gap",
    "group_gap": "umkm_geo.gap",
    "Grouping": "umkm_geo.groups",
    "blitar_grouping": "umkm_geo.groups",
    "read_grouping": "umkm_geo.groups",
    "Indicator": "umkm_geo.indicators",
    "add_indicators": "umkm_geo.indicators",
    "area_km2": "umkm_geo.indicators",
    "JoinReport": "umkm_geo.join",
    "join_counts": "umkm_geo.join",
    "classify_indicators": "umkm_geo.pipeline",
    "compute_indicators": "umkm_geo.pipeline",
    "compute_statistics": "umkm_geo.pipeline",
    "compute_weights": "umkm_geo.pipeline",
    "load_counts": "umkm_geo.pipeline",
    "load_study_area": "umkm_geo.pipeline",
    "render_maps": "umkm_geo.pipeline",
    "run": "umkm_geo.pipeline",
    "BoundarySet": "umkm_geo.sources.boundaries",
    "load_kecamatan": "umkm_geo.sources.boundaries",
    "fetch": "umkm_geo.sources.registry",
    "load_registry": "umkm_geo.sources.registry",
    "read_boundary_file": "umkm_geo.sources.user_file",
    "parse_wilayah_sql": "umkm_geo.sources.wilayah_sql",
    "StudyArea": "umkm_geo.study_area",
    "CountTable": "umkm_geo.tables",
    "read_count_table": "umkm_geo.tables",
    "template_table": "umkm_geo.template",
    "WeightsResult": "umkm_geo.weights",
    "build_weights": "umkm_geo.weights",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'umkm_geo' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


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
