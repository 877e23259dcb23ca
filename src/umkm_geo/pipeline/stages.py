"""The compute stages before the statistics: boundaries, tables, indicators, weights, classification.

Each stage takes a :class:`~umkm_geo.study_area.StudyArea` (and the run's configuration) and returns
a new one; none writes a file. The statistics stages are in :mod:`umkm_geo.pipeline.analysis` and
:mod:`umkm_geo.pipeline.survey_stage`; :mod:`umkm_geo.pipeline.run` runs them all in order.
"""

from __future__ import annotations

import dataclasses
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from umkm_geo import _atomic
from umkm_geo._errors import JoinError
from umkm_geo._provenance import illustrative_components, mark_illustrative
from umkm_geo._validate import listing
from umkm_geo.classify.breaks import classify
from umkm_geo.config import Config
from umkm_geo.indicators.core import AREA, add_indicators, area_km2
from umkm_geo.pipeline.outputs import stamped
from umkm_geo.pipeline.survey_stage import check_demo_scope
from umkm_geo.sources.units import load_units
from umkm_geo.sources.user_file import read_boundary_file
from umkm_geo.study_area import StudyArea
from umkm_geo.tables.aggregate import sum_to_parent
from umkm_geo.tables.counts.read import CountTable, read_count_table
from umkm_geo.tables.crosswalk import load_crosswalk
from umkm_geo.tables.demo.counts import demo_totals, generate_demo_counts, generate_demo_population
from umkm_geo.tables.groups import Grouping, blitar_grouping, read_grouping
from umkm_geo.tables.join import JoinReport, join_counts
from umkm_geo.weights.build import build_weights


def load_study_area(config: Config) -> StudyArea:
    """Stage 1 (sources): kecamatan boundaries of the configured region, with their grouping."""
    cfg = config.boundaries
    if cfg.file:
        boundaries = read_boundary_file(
            config.resolve(cfg.file),
            code_column=cfg.code_column,
            name_column=cfg.name_column,
            kab_name_column=cfg.kab_name_column or None,
            region=config.study.region or None,
            layer=cfg.layer or None,
            crosswalk=load_crosswalk(config.resolve(cfg.crosswalk)) if cfg.crosswalk else None,
        )
    else:
        boundaries = load_units(
            config.study.region,
            config.study.level,
            topology=cfg.topology,
            mirror=config.resolve(cfg.mirror) if cfg.mirror else None,
            cache_dir=config.resolve(cfg.cache) if cfg.cache else None,
        )
    level = "kecamatan" if cfg.file else config.study.level
    area = StudyArea(
        frame=boundaries.frame,
        region=boundaries.region,
        provenance={**boundaries.provenance(), "boundary_credit": boundaries.credit},
        level=level,  # type: ignore[arg-type]  # checked by the config
    )
    grouping = _grouping(config)
    # a grouping names kecamatan: a desa takes its kecamatan's group
    keys = pd.Index(area.parent_codes("kecamatan")) if level == "desa" else area.frame.index
    if grouping is not None and grouping.groups.reindex(keys).isna().all():
        warnings.warn(
            f"The grouping {grouping.source!r} assigns none of the {len(area)} units of this region (the"
            " shipped utara/selatan/kota grouping covers the kecamatan of Blitar only); the gap table groups by"
            " kab/kota instead. Give your own grouping CSV in [groups] source.",
            UserWarning,
            stacklevel=2,
        )
        area = area.with_provenance(grouping={"source": grouping.source, "unassigned": "all"})
        grouping = None
    if grouping is not None:
        groups = pd.Series(grouping.groups.reindex(keys).to_numpy(), index=area.frame.index)
        area = area.with_columns(wilayah=groups.to_numpy())
        area = area.with_results(grouping=grouping)
        area = area.with_provenance(
            grouping={"source": grouping.source, "unassigned": groups[groups.isna()].index.tolist()}
        )
    return area


def _grouping(config: Config) -> Grouping | None:
    source = config.groups.source
    if source == "none":
        return None
    if source == "blitar":
        return blitar_grouping()
    return read_grouping(
        config.resolve(source),
        code_column=config.groups.code_column,
        group_column=config.groups.group_column,
    )


def _read_demo_table(demo: pd.DataFrame) -> CountTable:
    """Read the generated demo table back through the reader of users' tables, from its CSV text."""
    with tempfile.TemporaryDirectory(prefix="umkm-geo-") as scratch:
        path = _atomic.write_text(Path(scratch) / "umkm_counts_demo.csv", demo.to_csv(index=False))
        table = read_count_table(path)
    return dataclasses.replace(table, source=Path("tables") / "umkm_counts_demo.csv")


def load_counts(area: StudyArea, config: Config, out_dir: Path | None = None) -> StudyArea:
    """Stage 2 (tables): read (or generate, for the demo) the UMKM table and join it.

    Writes nothing: the join QA table (and the demo's counts and totals) go to ``results.tables``
    for :func:`umkm_geo.pipeline.outputs.write_tables`; on a :class:`JoinError` the QA table is ``exc.qa``.
    The demo table is recorded as ``tables/umkm_counts_demo.csv``, its path in the output set.
    ``out_dir`` is not used (kept for existing callers).

    Illustrative counts (``[data] umkm = "demo"``, or a table that says it is illustrative) are
    recorded as the ``umkm`` component of ``provenance["illustrative_components"]``. A config asking
    for demo inputs that do not exist for the region stops here, before any work.
    """
    check_demo_scope(area, config)
    if config.data.umkm == "none":  # no UMKM layer: the run analyses an official one (IDM)
        return area.with_provenance(umkm_table=None)
    illustrative = False
    tables: dict[str, Any] = {}
    demo_record: dict[str, Any] | None = None
    if config.data.umkm == "demo":
        totals = demo_totals(area.frame, area_km2(area.frame))
        scaled = sorted(totals.loc[totals["basis"] == "scaled", "kab_nama"].unique())
        if scaled:
            warnings.warn(
                f"Illustrative demo data for {listing(scaled)}: no published UMKM totals are shipped for them, so their"
                " totals are Kabupaten Blitar's per km² times their area. Give your own table in [data] umkm"
                " (start with `umkm-geo template`).",
                UserWarning,
                stacklevel=2,
            )
        demo = generate_demo_counts(
            area.frame,
            totals=totals,
            area_km2=area_km2(area.frame),
            seed=config.data.demo_seed,
        )
        tables = {"umkm_counts_demo": demo, "demo_totals": stamped(totals, True)}
        table_path = None
        demo_record = {"seed": config.data.demo_seed, "totals": totals.to_dict(orient="records")}
        illustrative = True
    else:
        table_path = config.resolve(config.data.umkm)
    if table_path is None:
        table = _read_demo_table(tables["umkm_counts_demo"])
    else:
        table = read_count_table(
            table_path,
            sheet=config.data.sheet or None,
            code_column=config.data.code_column or None,
            name_column=config.data.name_column or None,
            kab_column=config.data.kab_column or None,
            count_columns=config.data.count_columns,
            sectors=config.data.sectors,
            ignore_columns=config.data.ignore_columns,
            header_row=config.data.header_row or None,
            level=config.data.table_level or area.level,
        )
    illustrative = illustrative or table.illustrative
    crosswalk = load_crosswalk(config.resolve(config.data.crosswalk)) if config.data.crosswalk else None
    summed = config.data.table_level == "desa" and area.level != "desa"
    units = _desa_units(config) if summed else area.frame
    try:
        counts, report = join_counts(units, table, allow_missing=config.data.allow_missing, crosswalk=crosswalk)
    except JoinError as exc:
        exc.qa = None if exc.report is None else stamped(_with_boundary_qa(exc.report.issues, area), illustrative)
        raise
    if summed:
        counts, report = _summed(counts, units, report, area)
    tables = {"join_qa": stamped(_with_boundary_qa(report.issues, area), illustrative), **tables}
    area = area.with_results(counts=counts, join_report=report, tables=tables)
    record = dict(illustrative_components(area.provenance))
    area = area.with_provenance(
        umkm_table=table.record(),
        join=report.record(),
        demo=demo_record,
        illustrative_components=record,
        illustrative=bool(record),
    )
    if config.data.umkm == "demo":
        return mark_illustrative(
            area,
            "umkm",
            f"UMKM counts per kecamatan, sector and year — generated by umkm_geo (seed {config.data.demo_seed}; "
            'only the kab/kota totals are published figures), [data] umkm = "demo"',
        )
    if table.illustrative:
        return mark_illustrative(
            area, "umkm", f"UMKM counts — the table {config.data.umkm} says it is illustrative ([data] umkm)"
        )
    return area


def _desa_units(config: Config) -> pd.DataFrame:
    """The desa/kelurahan of the study region (codes, names, kecamatan), to join a desa-level table to."""
    cfg = config.boundaries
    return load_units(
        config.study.region,
        "desa",
        mirror=config.resolve(cfg.mirror) if cfg.mirror else None,
        cache_dir=config.resolve(cfg.cache) if cfg.cache else None,
    ).frame.drop(columns="geometry")


def _summed(counts: pd.DataFrame, desa: pd.DataFrame, report: JoinReport, area: StudyArea) -> tuple[pd.DataFrame, Any]:
    """Desa counts summed to the study's units; a unit with a desa without a count gets none (listed in the QA)."""
    parts = 3 if area.level == "kecamatan" else 2
    out, incomplete = sum_to_parent(counts, desa.index, parts)
    names = area.frame["nama"]
    rows = [
        {
            "issue": "partial_sum",
            "severity": "allowed",
            "row": None,
            "value": "",
            "kode": r.kode,
            "nama": names.get(r.kode, ""),
            "detail": (
                f"{r.n_missing} of its {r.n_desa} desa/kelurahan have no count for sektor {r.sektor}"
                f"{'' if pd.isna(r.tahun) else f', tahun {r.tahun}'} ({r.missing}): the total is unknown, not the sum"
                " of the others"
            ),
        }
        for r in incomplete.itertuples()
    ]
    issues = report.issues if not rows else pd.concat([report.issues, pd.DataFrame(rows)], ignore_index=True)
    return out, dataclasses.replace(report, issues=issues)


def _with_boundary_qa(issues: pd.DataFrame, area: StudyArea) -> pd.DataFrame:
    """The join's issues and, below them, every polygon of a user's boundary file that was repaired.

    Each repaired unit is one row (``issue`` = ``geometry_repaired``, ``severity`` = ``note``) with
    why it was invalid and its area before and after the repair, so the QA table shows what was
    changed in the user's file.
    """
    repairs = area.provenance.get("boundaries", {}).get("repairs", [])
    if not repairs:
        return issues
    rows = pd.DataFrame(
        [
            {
                "issue": "geometry_repaired",
                "severity": "note",
                "row": None,
                "value": r["masalah"],
                "kode": r["kode"],
                "nama": r["nama"],
                "detail": (
                    f"invalid polygon repaired (make_valid): area {r['luas_sebelum_km2']:g} -> "
                    f"{r['luas_sesudah_km2']:g} km² ({r['perubahan_persen']:+g} %)"
                ),
            }
            for r in repairs
        ],
        columns=issues.columns,
    )
    return rows if issues.empty else pd.concat([issues, rows], ignore_index=True)


def compute_indicators(area: StudyArea, config: Config, out_dir: Path | None = None) -> StudyArea:
    """Stage 3 (indicators), with the population table (or, for the demo, an illustrative one).

    Writes nothing: the illustrative demo population goes to ``results.tables["population_demo"]``
    (written as ``tables/population_demo.csv``). ``out_dir`` is not used (kept for existing callers).
    """
    if area.results.counts is None:  # no UMKM table: the unit areas only (the IDM layer comes next)
        return area.with_columns(area_km2=area_km2(area.frame)).with_results(indicators={AREA.key: AREA})
    population = None
    if config.data.population:
        pop_table = read_count_table(
            config.resolve(config.data.population),
            count_aliases=("penduduk", "population", "jumlah_penduduk"),
            role="population",
        )
        crosswalk = load_crosswalk(config.resolve(config.data.crosswalk)) if config.data.crosswalk else None
        pop_counts, _ = join_counts(area.frame, pop_table, allow_missing=config.data.allow_missing, crosswalk=crosswalk)
        if pop_counts["tahun"].nunique() > 1:  # one year's population, never the sum of several
            years = sorted(int(y) for y in pop_counts["tahun"].dropna().unique())
            year = config.data.year if config.data.year in years else years[-1]
            warnings.warn(
                f"{pop_table.source}: the population table has the years {years}; {year} is used.",
                UserWarning,
                stacklevel=2,
            )
            pop_counts = pop_counts[pop_counts["tahun"] == year]
        population = pop_counts.groupby("kode")["jumlah"].sum()
        area = area.with_provenance(population_table=pop_table.record())
    elif config.data.umkm == "demo":
        totals = demo_totals(area.frame, area_km2(area.frame), population=True)
        demo = generate_demo_population(
            area.frame, totals=totals, area_km2=area_km2(area.frame), seed=config.data.demo_seed
        )
        population = demo.set_index("kode")["penduduk"]
        area = area.with_results(tables={**area.results.tables, "population_demo": demo})
        area = area.with_provenance(
            population_demo={"seed": config.data.demo_seed, "totals": totals.to_dict(orient="records")}
        )
        area = mark_illustrative(
            area,
            "population",
            f"population per kecamatan — generated by umkm_geo (seed {config.data.demo_seed}; only the 2025 "
            'kab/kota totals of Dukcapil are real), with [data] umkm = "demo" and no [data] population',
        )
    return add_indicators(area, area.results.counts, population=population, year=config.data.year or None)


def compute_weights(area: StudyArea, config: Config) -> StudyArea:
    """Stage 4 (weights): queen on shared edges (desa topology), fuzzy otherwise, unless set."""
    cfg = config.weights
    method = cfg.method
    if method == "auto":
        method = area.provenance["topology"]["weights_hint"]
    result = build_weights(
        area.frame,
        method=method,
        tolerance_m=cfg.fuzzy_tolerance_m,
        k=cfg.k,
        threshold_m=cfg.threshold_m or None,
        islands=cfg.islands,
        transform=cfg.transform,
    )
    return area.with_weights(result.graph).with_results(weights=result)


def classify_indicators(area: StudyArea, config: Config) -> StudyArea:
    """Stage 6 (classification): class breaks computed once per indicator, shared by PNG and HTML.

    ``[maps] scheme = "user_defined"`` applies ``bins`` to the analysed indicator; the others then
    use natural breaks.
    """
    maps = config.maps
    breaks = {}
    for key in area.results.indicators:
        values = area.frame[key]
        if values.notna().sum() < 2 or values.nunique() < 2:
            continue
        scheme, bins = maps.scheme, None
        if scheme == "user_defined":
            if key == config.statistics.indicator:
                bins = list(maps.bins)
            else:
                scheme = "fisher_jenks_outliers"
        breaks[key] = classify(values, scheme=scheme, k=maps.k, bins=bins)
    return area.with_results(classes=breaks)
