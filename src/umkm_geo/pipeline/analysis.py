"""The statistics stages of the pipeline: covariates, spatial statistics, inequality, regional economics.

Each stage takes a :class:`~umkm_geo.study_area.StudyArea` and the run's
:class:`~umkm_geo.config.Config` and returns a new study area with its results; which statistics run
and with which settings comes from the config alone. A statistic that cannot run on the data (no
population for a per-resident rate, one year only for shift-share, negative values for Getis-Ord,
fewer than three kecamatan, no neighbours) is skipped with a warning that says why, and the reason
is kept in ``results.skipped`` so the tables (``skipped.csv``) and the run record list it;
nothing is left out silently and the run goes on. A statistic computed but not testable (its null
distribution has no variance, e.g. three mutually adjacent kecamatan) keeps its value with NaN z
and p and is listed as ``"<kind> <name> test"``; an analytical z undefined for so few units as
``"<kind> <name> analytical z"``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pandas as pd

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.config import Config
from umkm_geo.indicators.core import Indicator
from umkm_geo.stats import registry
from umkm_geo.stats.registry import Statistic
from umkm_geo.study_area import StudyArea

__all__ = [
    "compute_covariates",
    "compute_inequality",
    "compute_regional",
    "compute_statistics",
]


def _skip(area: StudyArea, name: str, reason: str) -> StudyArea:
    """Record (and warn) that statistic ``name`` was not computed, and why."""
    warnings.warn(f"{name} skipped: {reason}", UserWarning, stacklevel=3)
    skipped = dict(area.results.skipped)
    skipped[name] = reason
    return area.with_results(skipped=MappingProxyType(skipped))


def compute_covariates(area: StudyArea, config: Config) -> StudyArea:
    """Zonal statistics of each configured GeoTIFF, added as indicator columns.

    Each raster of ``[covariates] rasters`` becomes the column ``names[i]`` (its ``stats[i]``
    per kecamatan), usable as ``[statistics] bivariate`` or in the tables.
    """
    cov = config.covariates
    if not cov.rasters:
        return area
    from umkm_geo.indicators.zonal import zonal_statistics

    indicators = dict(area.results.indicators)
    zonal = {}
    columns = {}
    for path, name, stat in zip(cov.rasters, cov.names, cov.stats, strict=True):
        result = zonal_statistics(
            area.frame, config.resolve(path), stats=(stat, "count"), all_touched=cov.all_touched, prefix=f"{name}_"
        )
        columns[name] = result.frame()[f"{name}_{stat}"].reindex(area.frame.index).to_numpy(dtype=float)
        indicators[name] = Indicator(name, name, name, f"{stat} per kecamatan", f"{stat} per kecamatan", 1)
        zonal[name] = result
    area = area.with_columns(**columns)
    return area.with_results(indicators=MappingProxyType(indicators), zonal=MappingProxyType(zonal))


def _y(area: StudyArea, key: str, section: str) -> pd.Series:
    indicators = area.results.indicators
    if key not in indicators:
        msg = f"[{section}] indicator = {key!r} is not available; available: {sorted(indicators)}."
        raise ConfigError(msg)
    return area.frame[key].rename(key)


def _present(area: StudyArea, y: pd.Series) -> tuple[pd.Series, Any]:
    """The units with a value and the weights restricted to them."""
    present = y.dropna()
    return present, area.graph(present.index)


def _inputs(spec: Statistic, ctx: Mapping[str, Any]) -> dict[str, pd.Series] | str:
    """The inputs of ``spec`` by role (see :data:`umkm_geo.stats.registry.Role`), or why there are none."""
    y = ctx["y"]
    if spec.nonnegative and (y < 0).any():
        return f"{spec.label('en')} needs non-negative values"
    inputs = {"y": y}
    if "x" in spec.inputs:
        if ctx["x2"] is None:
            return str(ctx["x2_reason"])
        inputs["x"] = ctx["x2"]
    if "base" in spec.inputs:
        frame = ctx["frame"]
        if "penduduk" not in frame:
            return "no population per kecamatan ([data] population)"
        inputs["events"] = frame.loc[y.index, "umkm_count"].rename("umkm_count")
        inputs["base"] = frame.loc[y.index, "penduduk"].rename("penduduk")
    return inputs


def _options(spec: Statistic, ctx: Mapping[str, Any]) -> dict[str, Any]:
    """The options of ``spec``'s family: permutations and seed; local ones add the test's settings."""
    options = {"permutations": ctx["permutations"], "seed": ctx["seed"]}
    if spec.family == "local":
        options.update(
            alpha=ctx["alpha"],
            correction=ctx["correction"],
            p_value=ctx["p_value"],
            n_threads=ctx["threads"],
        )
    return options


def _compute(spec: Statistic, ctx: Mapping[str, Any]) -> Any:
    """The result of ``spec`` on the run's data, or the reason it cannot be computed (a string)."""
    inputs = _inputs(spec, ctx)
    if isinstance(inputs, str):
        return inputs
    return spec.compute(inputs, ctx["graph"], **_options(spec, ctx))


def _second_variable(area: StudyArea, config: Config, ids: pd.Index) -> tuple[pd.Series | None, str]:
    key = config.statistics.bivariate
    if not key:
        return None, "no [statistics] bivariate indicator set"
    if key not in area.results.indicators:
        return None, f"[statistics] bivariate = {key!r} is not available (needs population or a covariate)"
    x2 = area.frame.loc[ids, key].rename(key)
    if x2.isna().any():
        missing = list(map(str, x2.index[x2.isna()]))
        return None, f"{key!r} has no value for {missing}"
    return x2, ""


def compute_statistics(area: StudyArea, config: Config) -> StudyArea:
    """Spatial statistics of the analysed indicator: the configured global and local statistics.

    Results land in ``results.global_stats`` and ``results.local`` (name -> result), with
    ``results.moran`` and ``results.lisa`` kept for the maps. Units without a value are
    left out of the statistics (and listed in the provenance).
    """
    stats = config.statistics
    y = _y(area, stats.indicator, "statistics")
    present, graph = _present(area, y)
    if len(present) < len(y):
        missing = ", ".join(area.frame.loc[y.isna(), "nama"])
        area = area.with_provenance(statistics_excluded=f"no data, excluded from the spatial statistics: {missing}")
    x2, x2_reason = _second_variable(area, config, present.index)
    ctx = {
        "y": present,
        "graph": graph,
        "frame": area.frame,
        "x2": x2,
        "x2_reason": x2_reason,
        "permutations": stats.permutations,
        "seed": stats.seed,
        "alpha": stats.alpha,
        "correction": stats.correction,
        "p_value": stats.p_value,
        "threads": stats.threads or None,
    }
    computed: dict[str, dict[str, Any]] = {"global": {}, "local": {}}
    for kind, names in (("global", stats.global_statistics), ("local", stats.local_statistics)):
        for name in names:
            try:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message="Correction skipped for")  # listed as skipped below
                    outcome = _compute(registry.get(kind, name), ctx)
            except AnalysisError as exc:  # the data do not allow it (too few units, no neighbours, ...)
                outcome = str(exc)
            if isinstance(outcome, str):
                area = _skip(area, f"{kind} {name}", outcome)
            elif kind == "local" and outcome.n_tested == 0:
                reason = outcome.settings.get("not_tested", "no unit could be tested")
                area = _skip(area, f"{kind} {name}", reason)
            else:
                if "test_skipped" in outcome.settings:
                    area = _skip(area, f"{kind} {name} test", outcome.settings["test_skipped"])
                if "not_computed" in outcome.settings:
                    area = _skip(area, f"{kind} {name} analytical z", outcome.settings["not_computed"])
                if "correction_skipped" in outcome.settings:
                    requested = outcome.settings["correction_requested"]
                    area = _skip(area, f"{kind} {name} {requested} correction", outcome.settings["correction_skipped"])
                computed[kind][name] = outcome
    return area.with_results(
        global_stats=MappingProxyType(computed["global"]), local=MappingProxyType(computed["local"])
    )


#: Without a configured pair, every pair of groups is tested up to this many groups (10 tests); beyond it none.
MAX_GROUPS_EVERY_PAIR = 5


def compute_inequality(area: StudyArea, config: Config) -> StudyArea:
    """The gap table: group statistics, pairwise gaps, Theil (decomposed), Williamson, Gini, spatial Gini."""
    from umkm_geo.stats.inequality.gap_table import gap_table

    group_column = "wilayah" if "wilayah" in area.frame else "kab_nama"
    key = config.inequality.indicator
    if key not in area.results.indicators:
        fallback = config.statistics.indicator
        area = _skip(area, f"inequality of {key}", f"not available; measured on {fallback!r} instead, unweighted")
        key = fallback
    x = area.frame[key].rename(key)
    population = area.frame.get("penduduk")
    theil_by = {}
    for column in config.inequality.groupings:
        if column == "wilayah" and column not in area.frame:
            continue  # no grouping for this region: the gap table groups by kab/kota
        if column not in area.frame:
            msg = f"[inequality] groupings has {column!r}, which is not a column; use e.g. 'wilayah' or 'kab_nama'."
            raise ConfigError(msg)
        theil_by[column] = area.frame[column]
    present = x.notna() & area.frame[group_column].notna()
    if population is not None:
        present &= population.notna()
    ids = x.index[present]
    compare = config.groups.compare
    pairs = [tuple(compare)] if len(compare) == 2 and group_column == "wilayah" else None
    groups_present = set(area.frame.loc[ids, group_column])
    absent = [g for g in compare if g not in groups_present] if pairs is not None else []
    if absent:
        area = _skip(
            area,
            f"gap test {compare[0]}-{compare[1]}",
            f"no kecamatan with data in group(s) {absent} in this region (groups present: "
            f"{sorted(map(str, groups_present))}); the gap table compares the groups present",
        )
        pairs = None
    if pairs is None and len(groups_present) > MAX_GROUPS_EVERY_PAIR:
        n = len(groups_present)
        area = _skip(
            area,
            "pairwise gap tests",
            f"{n} groups ({group_column}) would make {n * (n - 1) // 2:,} pairwise tests; only configured pairs"
            f" are tested beyond {MAX_GROUPS_EVERY_PAIR} groups. Name two groups in [groups] compare (with a"
            " grouping in [groups] source); the gap table still describes every group and decomposes Theil T",
        )
        pairs = []
    if len(ids) < len(x):
        area = area.with_provenance(
            inequality_excluded=", ".join(area.frame.loc[~present, "nama"].astype(str)),
        )
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The spatial Gini is not computed")  # listed as skipped below
            table = gap_table(
                x[ids],
                area.frame.loc[ids, group_column],
                population=None if population is None else population[ids],
                pairs=pairs,
                permutations=config.statistics.gap_permutations,
                seed=config.statistics.seed,
                graph=area.graph(ids),
                area=area.frame.loc[ids, "area_km2"],
                theil_by={name: s[ids] for name, s in theil_by.items() if name != group_column},
            )
    except AnalysisError as exc:  # e.g. a single kecamatan: no inequality to measure
        return _skip(area, "gap table and inequality", str(exc))
    if table.spatial is None:
        area = _skip(area, "spatial Gini", table.settings["spatial_gini"].removeprefix("not computed: "))
    return area.with_results(gap_table=table)


def compute_regional(area: StudyArea, config: Config) -> StudyArea:
    """Location quotients, shift-share between the first and last year, and the Klassen typology."""
    from umkm_geo.stats.regional import klassen, location_quotient, shift_share

    cfg = config.regional
    counts = area.results.counts
    if counts is None:
        if config.data.umkm == "none":  # no UMKM table asked for: nothing of it to analyse
            return area
        msg = "compute_regional needs the counts of the tables stage."
        raise ValueError(msg)
    years = sorted(int(y) for y in counts["tahun"].dropna().unique())
    sectors = [s for s in counts["sektor"].unique() if s != "total"]
    reference = None
    if cfg.reference != "area":
        reference = _reference_table(config.resolve(cfg.reference))
    if len(sectors) < 2:
        area = _skip(area, "location quotient and shift-share", "the UMKM table has no sectors (column sektor)")
    else:
        year = cfg.year or (years[-1] if years else None)
        totals = None if reference is None else _year_totals(reference, year)
        lq = location_quotient(counts, year=year, reference=totals)
        area = area.with_results(lq=lq)
        if len(years) >= 2:
            base, end = cfg.base_year or years[0], cfg.end_year or years[-1]
            area = area.with_results(shift_share=shift_share(counts, base_year=base, end_year=end, reference=reference))
        else:
            area = _skip(area, "shift-share", f"the UMKM table has one year only ({years})")
    indicators = area.results.indicators
    level_key = cfg.klassen_level if cfg.klassen_level in indicators else config.statistics.indicator
    if level_key != cfg.klassen_level:
        area = _skip(area, f"Klassen level {cfg.klassen_level}", f"not available; {level_key!r} used instead")
    if cfg.klassen_growth not in indicators:
        return _skip(area, "Klassen typology", f"growth indicator {cfg.klassen_growth!r} not available (one year?)")
    level = area.frame[level_key].rename(level_key)
    growth = area.frame[cfg.klassen_growth].rename(cfg.klassen_growth)
    return area.with_results(klassen_indicators=(level_key, cfg.klassen_growth), klassen=klassen(level, growth))


def _reference_table(path: Any) -> pd.DataFrame:
    """Reference sector totals (e.g. the province): ``sektor, tahun, jumlah``, read like a count table.

    See :func:`umkm_geo.tables.counts.read.read_reference_table`: long or one column per year, ``1.234`` is 1234,
    total rows left out, a blank, bad or repeated total stops the run with its row and column.
    """
    from umkm_geo.tables.counts.read import read_reference_table

    return read_reference_table(path)


def _year_totals(reference: pd.DataFrame, year: int | None) -> pd.Series:
    rows = reference[reference["tahun"] == year]
    return rows.groupby("sektor")["jumlah"].sum()
