"""The ``maps`` pipeline, stage by stage, from a config to every output.

:func:`run` executes every stage from a :class:`~umkm_geo.config.Config` and writes
``<output>/maps/*.png``, ``<output>/maps/*.html``, ``<output>/tables/*.csv``, ``<output>/report.html``
and ``<output>/run.json`` (inputs with hashes, config, seed, package versions, timings, outputs) into
a staging folder, then replaces the previous output set with them as a whole. Stages: sources ->
tables -> indicators -> weights -> statistics -> classification -> renderers; each returns a new
:class:`StudyArea`, and the stages before the renderers write no file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from umkm_geo import _atomic
from umkm_geo._errors import JoinError
from umkm_geo._provenance import illustrative_components, is_illustrative, mark_illustrative
from umkm_geo._validate import listing
from umkm_geo.classify.breaks import classify
from umkm_geo.config import Config, StudyConfig
from umkm_geo.indicators.core import add_indicators, area_km2
from umkm_geo.pipeline.analysis import compute_covariates, compute_inequality, compute_regional, compute_statistics
from umkm_geo.pipeline.outputs import staged_output, stamped, write_join_qa, write_run_record, write_tables
from umkm_geo.pipeline.survey_stage import check_demo_scope, compute_survey
from umkm_geo.render.options import RenderOptions
from umkm_geo.sources.boundaries import load_kecamatan
from umkm_geo.sources.user_file import read_boundary_file
from umkm_geo.study_area import StudyArea
from umkm_geo.tables.counts import CountTable, read_count_table
from umkm_geo.tables.crosswalk import load_crosswalk
from umkm_geo.tables.demo.counts import demo_totals, generate_demo_counts, generate_demo_population
from umkm_geo.tables.groups import Grouping, blitar_grouping, read_grouping
from umkm_geo.tables.join import join_counts
from umkm_geo.weights.build import build_weights

if TYPE_CHECKING:
    from umkm_geo.indicators.density import DensityResult


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
        boundaries = load_kecamatan(
            config.study.region,
            topology=cfg.topology,
            mirror=config.resolve(cfg.mirror) if cfg.mirror else None,
            cache_dir=config.resolve(cfg.cache) if cfg.cache else None,
        )
    area = StudyArea(
        frame=boundaries.frame,
        region=boundaries.region,
        provenance={**boundaries.provenance(), "boundary_credit": boundaries.credit},
    )
    grouping = _grouping(config)
    if grouping is not None and grouping.groups.reindex(area.frame.index).isna().all():
        warnings.warn(
            f"The grouping {grouping.source!r} assigns none of the {len(area)} kecamatan of this region (the"
            " shipped utara/selatan/kota grouping covers Blitar only); the gap table groups by kab/kota instead."
            " Give your own grouping CSV in [groups] source.",
            UserWarning,
            stacklevel=2,
        )
        area = area.with_provenance(grouping={"source": grouping.source, "unassigned": "all"})
        grouping = None
    if grouping is not None:
        groups = grouping.groups.reindex(area.frame.index)
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
        )
    illustrative = illustrative or table.illustrative
    crosswalk = load_crosswalk(config.resolve(config.data.crosswalk)) if config.data.crosswalk else None
    try:
        counts, report = join_counts(area.frame, table, allow_missing=config.data.allow_missing, crosswalk=crosswalk)
    except JoinError as exc:
        exc.qa = None if exc.report is None else stamped(_with_boundary_qa(exc.report.issues, area), illustrative)
        raise
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
            f"population per kecamatan — generated by umkm_geo (seed {config.data.demo_seed}; only the census "
            'kab/kota totals are real), with [data] umkm = "demo" and no [data] population',
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


def write_density_surface(area: StudyArea, config: Config, out_dir: Path) -> list[Path]:
    """Stage 7b: the UMKM density surface (UMKM per km², areal method) as a GeoTIFF, when configured."""
    result = _density_surface(area, config, out_dir)
    return [] if result is None else [result.path]


def _density_surface(area: StudyArea, config: Config, out_dir: Path) -> DensityResult | None:
    cov = config.covariates
    if not cov.density_surface or "umkm_count" not in area.frame:
        return None
    from umkm_geo.indicators.density import density_surface

    counts = area.frame[["umkm_count", "geometry"]].dropna(subset=["umkm_count"])
    result = density_surface(
        counts,
        "umkm_count",
        out_dir / "maps" / "umkm_density_surface.tif",
        cell_size_m=cov.cell_size_m,
        bandwidth_m=cov.bandwidth_m or None,
        illustrative=is_illustrative(area.provenance, ["umkm"]),
        description=f"{config.study.title}: UMKM per km²",
    )
    return result


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
                scheme = "fisher_jenks"
        breaks[key] = classify(values, scheme=scheme, k=maps.k, bins=bins)
    return area.with_results(classes=breaks)


def render_maps(area: StudyArea, config: Config, out_dir: Path) -> list[Path]:
    """Stage 7 (renderers): every map and chart the results allow (PNG, SVG) and the HTML atlas."""
    from umkm_geo.render.mapset import render_all

    result = render_all(area, render_options(config, area), out_dir)
    return list(result.paths)


def write_report(
    area: StudyArea, config: Config, out_dir: Path, images: dict[str, Path], options: RenderOptions | None = None
) -> Path:
    """Stage 7d: ``report.html``, self-contained, with the maps embedded."""
    from umkm_geo.render.report.write import report_html

    options = options or render_options(config, area)
    lang = options.lang
    captions = {key: text[0 if lang == "id" else 1] for key, text in _CAPTIONS.items() if key in images}
    return report_html(area, images=images, options=options, path=out_dir / "report.html", captions=captions)


#: Report captions of the survey, FFA and produk unggulan figures (id, en).
_CAPTIONS = {
    "survei_akses_rata2": ("Skor akses rata-rata hasil survei (skala 1–5)", "Mean access score from the survey (1–5)"),
    "survei_kesenjangan_rata2": (
        "Kesenjangan kebutuhan − akses hasil survei (poin skala)",
        "Survey need − access gap (scale points)",
    ),
    "survei_kuadran": ("Kuadran kebutuhan–akses per kecamatan", "Need–access quadrant per kecamatan"),
    "survei_lisa_kesenjangan": ("Klaster LISA kesenjangan kebutuhan–akses", "LISA clusters of the need–access gap"),
    "produk_unggulan": ("Produk unggulan per kecamatan (metode MPE)", "Leading product per kecamatan (MPE)"),
    "ffa": ("Diagram analisis medan kekuatan (FFA)", "Force field analysis diagram"),
}


def study_title(config: Config, area: StudyArea) -> str:
    """The study's title: the configured one, or its kab/kota when the region was changed but the title was not.

    The default title is Blitar's; a run on ``--region 35.07`` would otherwise print "UMKM
    Kabupaten dan Kota Blitar" on every map of Kabupaten Malang.
    """
    default = StudyConfig()
    if config.study.title != default.title or config.study.region == default.region:
        return config.study.title
    names = list(dict.fromkeys(area.frame["kab_nama"]))
    joined = (
        names[0]
        if len(names) == 1
        else ", ".join(names[:-1]) + (" dan " if config.study.lang == "id" else " and ") + names[-1]
    )
    if len(names) > 4:
        joined = f"{len(names)} kabupaten/kota"
    return f"UMKM {joined}"


def render_options(config: Config, area: StudyArea) -> RenderOptions:
    """What the renderers read of the run, decided once before drawing (the title rule applied here)."""
    return RenderOptions(
        lang=config.study.lang,
        title=study_title(config, area),
        indicator=config.statistics.indicator,
        seed=config.statistics.seed,
        alpha=config.statistics.alpha,
        compare=tuple(config.groups.compare),
        scheme=config.maps.scheme,
        k=config.maps.k,
        dpi=config.maps.dpi,
        formats=tuple(config.maps.formats),
    )


def run(config: Config) -> StudyArea:
    """Run the whole ``maps`` pipeline and replace the output set with the new one, as a whole.

    The output set is what a run owns in the output folder (``config.output_dir()``): ``maps/``,
    ``tables/``, ``report.html`` and ``run.json``, whose ``outputs`` list names every file of the set
    (paths relative to the output folder). Anything else in the folder (``.gitkeep``, the
    ``join_qa.csv`` of ``validate``, the user's own files) is never touched.

    How the set is replaced (:func:`umkm_geo.pipeline.outputs.staged_output`):

    1. The output folder is locked (``flock``: a second run into the same folder stops with a
       message), a swap a killed run left half done is completed, and staging folders of killed
       runs (``.umkm-geo.staging-*``) are removed. If ``maps/``, ``tables/``, ``report.html`` or
       ``run.json`` hold a file the set's ``run.json`` does not list (a file the user put there, or
       left by an older umkm-geo), the run stops before any work: it would have to delete it.
    2. Every stage runs and every output is written into ``<output>/.umkm-geo.staging-<pid>-<ns>/``
       (same file system, so the swap is made of renames). ``run.json`` is written last; paths in it
       are relative to the set's folder, so nothing in the set points into the staging folder.
    3. With SIGINT and SIGTERM held back for the few renames: the staging folder is renamed
       ``.umkm-geo.ready-*`` (the commit point), the old entries are renamed into
       ``.umkm-geo.old-*`` (``run.json`` first), the new ones into place (``run.json`` last), and the
       old set is deleted. Renames inside one folder cannot fail half-way, Ctrl-C and SIGTERM wait
       for them, and a run killed outright (SIGKILL, power cut) between the commit point and the
       end leaves a ``ready`` folder that the next run installs before anything else. So the folder
       holds either the old complete set or the new one.

    An error, Ctrl-C or SIGTERM before the commit point removes the staging folder and leaves the
    previous set byte for byte as it was. A run stopped by the join of the UMKM table writes the
    join QA table to ``<output>/join_qa.csv`` (outside the set), like ``umkm-geo validate``.

    Returns
    -------
    StudyArea
        The final study area (results, provenance and the files of the installed set in
        ``results.outputs``).

    Raises
    ------
    OutputError
        The output folder cannot be written, is in use by another run or holds unknown files where
        the set goes.
    """
    out_dir = config.output_dir()
    with staged_output(out_dir) as stage:
        staging = stage.path
        area, written = _run_into(config, staging, out_dir)
        stage.commit()
    return _moved(area, staging, out_dir).with_results(outputs=tuple(out_dir / p.relative_to(staging) for p in written))


#: The compute stages after the boundaries, in order; each takes and returns a StudyArea and writes nothing.
COMPUTE_STAGES: tuple[tuple[str, Callable[[StudyArea, Config], StudyArea]], ...] = (
    ("tables", load_counts),
    ("indicators", compute_indicators),
    ("covariates", compute_covariates),
    ("weights", compute_weights),
    ("statistics", compute_statistics),
    ("inequality", compute_inequality),
    ("regional", compute_regional),
    ("survey", compute_survey),
    ("classification", classify_indicators),
)


def compute(config: Config, *, timings: dict[str, float] | None = None) -> StudyArea:
    """Every compute stage, from the boundaries to the class breaks, writing no file.

    ``timings``, when given, receives the seconds each stage took.
    """
    timings = {} if timings is None else timings
    start = time.perf_counter()
    area = load_study_area(config)
    timings["boundaries"] = time.perf_counter() - start
    for name, stage in COMPUTE_STAGES:
        start = time.perf_counter()
        area = stage(area, config)
        timings[name] = time.perf_counter() - start
    return area


@contextlib.contextmanager
def join_qa_on_error(out_dir: Path, note: str = "") -> Iterator[None]:
    """When the UMKM table does not join, write its QA table to ``out_dir/join_qa.csv`` and say where."""
    try:
        yield
    except JoinError as exc:
        if exc.qa is None:
            raise
        path = write_join_qa(exc.qa, out_dir)
        msg = f"{exc}\nEvery issue is listed in {path}.{note}"
        raise JoinError(msg, report=exc.report) from exc


def _run_into(config: Config, staging: Path, out_dir: Path) -> tuple[StudyArea, list[Path]]:
    """Every stage, writing every output into ``staging``; returns the study area and the files written."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def timed(name: str, func, *args):
        start = time.perf_counter()
        result = func(*args)
        timings[name] = time.perf_counter() - start
        return result

    with join_qa_on_error(out_dir, f" The previous outputs in {out_dir} are untouched."):
        area = compute(config, timings=timings)
    options = render_options(config, area)
    from umkm_geo.render.mapset import render_all

    maps = timed("maps", render_all, area, options, staging)
    outputs = list(maps.paths)
    area = area.with_results(atlas=maps.atlas)
    density = timed("density_surface", _density_surface, area, config, staging)
    if density is not None:
        area = area.with_results(density=density)
        outputs.append(density.path)
    outputs += timed("csv", write_tables, area, staging)
    outputs.append(timed("report", write_report, area, config, staging, maps.images, options))
    timings["total"] = time.perf_counter() - t0
    outputs.append(write_run_record(area, config, staging, outputs, timings))
    return area, outputs


def _moved(area: StudyArea, staging: Path, out_dir: Path) -> StudyArea:
    """Results that name a file of the set (the atlas, the density surface) name it in ``out_dir``."""
    for key, value in area.results.computed().items():
        path = getattr(value, "path", None)
        is_record = dataclasses.is_dataclass(value) and not isinstance(value, type)
        if is_record and isinstance(path, Path) and path.is_relative_to(staging):
            area = area.with_results(**{key: dataclasses.replace(value, path=out_dir / path.relative_to(staging))})
    return area
