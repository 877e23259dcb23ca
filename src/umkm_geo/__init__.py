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
    "GlobalMoranResult": "umkm_geo.global_stats",
    "LocalMoranResult": "umkm_geo.local_stats",
    "global_moran": "umkm_geo.global_stats",
    "local_moran": "umkm_geo.local_stats",
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
    "compute_statistics": "umkm_geo.analysis",
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
    "compute_covariates": "umkm_geo.analysis",
    "compute_inequality": "umkm_geo.analysis",
    "compute_regional": "umkm_geo.analysis",
    "write_density_surface": "umkm_geo.pipeline",
    "write_tables": "umkm_geo.outputs",
    "write_run_record": "umkm_geo.outputs",
    "LocalResult": "umkm_geo.local_stats",
    "local_moran_bv": "umkm_geo.local_stats",
    "local_gi_star": "umkm_geo.local_stats",
    "local_geary": "umkm_geo.local_stats",
    "conditional_permutation": "umkm_geo.permutation",
    "geary": "umkm_geo.global_stats",
    "general_g": "umkm_geo.global_stats",
    "above_median": "umkm_geo.join_count_stats",
    "moran_rate": "umkm_geo.moran_variants",
    "moran_bv": "umkm_geo.moran_variants",
    "theil": "umkm_geo.disparity",
    "williamson": "umkm_geo.disparity",
    "gini": "umkm_geo.disparity",
    "spatial_gini": "umkm_geo.disparity",
    "gap_table": "umkm_geo.disparity",
    "GapTable": "umkm_geo.disparity",
    "location_quotient": "umkm_geo.regional",
    "shift_share": "umkm_geo.regional",
    "klassen": "umkm_geo.regional",
    "growth_rate": "umkm_geo.regional",
    "zonal_statistics": "umkm_geo.raster",
    "density_surface": "umkm_geo.raster",
    "min_threshold_m": "umkm_geo.weights",
    "generate_demo_population": "umkm_geo.demo",
    "blitar_population_totals": "umkm_geo.demo",
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
    "GapTable",
    "GlobalMoranResult",
    "Grouping",
    "HashMismatchError",
    "Indicator",
    "JoinError",
    "JoinReport",
    "LocalMoranResult",
    "LocalResult",
    "ParseError",
    "RegionError",
    "StudyArea",
    "TableError",
    "UmkmGeoError",
    "WeightsResult",
    "__version__",
    "above_median",
    "add_indicators",
    "area_km2",
    "blitar_demo_totals",
    "blitar_grouping",
    "blitar_population_totals",
    "build_weights",
    "classify",
    "classify_indicators",
    "compute_covariates",
    "compute_indicators",
    "compute_inequality",
    "compute_regional",
    "compute_statistics",
    "compute_weights",
    "conditional_permutation",
    "density_surface",
    "fetch",
    "gap_table",
    "geary",
    "general_g",
    "generate_demo_counts",
    "generate_demo_population",
    "gini",
    "global_moran",
    "group_gap",
    "growth_rate",
    "join_counts",
    "klassen",
    "load_config",
    "load_counts",
    "load_kecamatan",
    "load_registry",
    "load_study_area",
    "local_geary",
    "local_gi_star",
    "local_moran",
    "local_moran_bv",
    "location_quotient",
    "min_threshold_m",
    "moran_bv",
    "moran_rate",
    "parse_wilayah_sql",
    "read_boundary_file",
    "read_count_table",
    "read_grouping",
    "render_maps",
    "run",
    "shift_share",
    "spatial_gini",
    "template_table",
    "theil",
    "williamson",
    "write_density_surface",
    "write_run_record",
    "write_tables",
    "zonal_statistics",
]
