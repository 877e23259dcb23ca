"""umkm_geo: maps of the spatial inequality of UMKM across Indonesian desa, kecamatan and kab/kota.

The pipeline reads from sources (pinned public boundaries, users' files) through tables, indicators,
weights, statistics and classification to renderers; :func:`run` does it all from a
:class:`Config`. Every stage returns a new immutable :class:`StudyArea`.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

# THE table of the public API: name -> the module that defines it. ``__all__`` is made from it, and
# the names are imported on first use (PEP 562), so that ``umkm-geo`` commands pay only for the
# modules they need (matplotlib and folium are not loaded by a statistics-only run). Everything
# else is reached through its stage subpackage (``umkm_geo.stats.inequality.indices.gini``).
_EXPORTS: dict[str, str] = {
    # errors
    "UmkmGeoError": "umkm_geo._errors",
    "ConfigError": "umkm_geo._errors",
    "DataSourceError": "umkm_geo._errors",
    "TableError": "umkm_geo._errors",
    "AnalysisError": "umkm_geo._errors",
    # a run
    "Config": "umkm_geo.config",
    "load_config": "umkm_geo.config",
    "run": "umkm_geo.pipeline.run",
    "compute": "umkm_geo.pipeline.run",
    "StudyArea": "umkm_geo.study_area",
    "Results": "umkm_geo.results",
    # sources and tables
    "load_kecamatan": "umkm_geo.sources.boundaries",
    "read_boundary_file": "umkm_geo.sources.user_file",
    "read_count_table": "umkm_geo.tables.counts.read",
    "join_counts": "umkm_geo.tables.join",
    "template_table": "umkm_geo.tables.template",
    # indicators and weights
    "add_indicators": "umkm_geo.indicators.core",
    "build_weights": "umkm_geo.weights.build",
    # statistics
    "STATISTICS": "umkm_geo.stats.registry",
    "global_moran": "umkm_geo.stats.autocorrelation.global_",
    "local_moran": "umkm_geo.stats.autocorrelation.local",
    "local_gi_star": "umkm_geo.stats.autocorrelation.local",
    "gap_table": "umkm_geo.stats.inequality.gap_table",
    "theil": "umkm_geo.stats.inequality.indices",
    "williamson": "umkm_geo.stats.inequality.indices",
    "spatial_gini": "umkm_geo.stats.inequality.spatial_gini",
    "location_quotient": "umkm_geo.stats.regional.lq",
    "shift_share": "umkm_geo.stats.regional.shiftshare",
    "klassen": "umkm_geo.stats.regional.typology",
    "force_field": "umkm_geo.stats.ffa",
    "score_survey": "umkm_geo.stats.survey.scoring",
    # classification (classify.breaks.classify: the name ``classify`` is the subpackage)
    "ClassBreaks": "umkm_geo.classify.breaks",
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

__all__ = [*_EXPORTS, "__version__"]
