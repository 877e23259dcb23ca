"""The ``maps`` pipeline, stage by stage, from a config to every output.

:func:`run` executes every stage from a :class:`~umkm_geo.config.Config` and writes
``<output>/maps/*.png``, ``<output>/maps/*.html``, ``<output>/tables/*.csv`` and
``<output>/run.json`` (inputs with hashes, config, seed, package versions, timings). Every file is
written atomically. Stages: sources -> tables -> indicators -> weights -> statistics ->
classification -> renderers; each returns a new :class:`StudyArea`.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

from umkm_geo import _atomic
from umkm_geo._errors import JoinError
from umkm_geo.analysis import compute_covariates, compute_inequality, compute_regional, compute_statistics
from umkm_geo.classification import classify
from umkm_geo.codes import load_crosswalk
from umkm_geo.config import Config
from umkm_geo.demo import demo_totals, generate_demo_counts, generate_demo_population
from umkm_geo.groups import Grouping, blitar_grouping, read_grouping
from umkm_geo.indicators import add_indicators, area_km2
from umkm_geo.join import join_counts
from umkm_geo.outputs import stamped, write_run_record, write_tables
from umkm_geo.render.interactive import CategoryLayer, ChoroplethLayer, atlas_html
from umkm_geo.render.static import choropleth_figure, lisa_figure, save_figure
from umkm_geo.sources.boundaries import load_kecamatan
from umkm_geo.sources.user_file import read_boundary_file
from umkm_geo.study_area import StudyArea
from umkm_geo.tables import read_count_table
from umkm_geo.weights import build_weights


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
        area = area.with_result("grouping", grouping)
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


def load_counts(area: StudyArea, config: Config, out_dir: Path) -> StudyArea:
    """Stage 2 (tables): read (or generate, for the demo) the UMKM table and join it."""
    tables_dir = out_dir / "tables"
    illustrative = False
    demo_record: dict[str, Any] | None = None
    if config.data.umkm == "demo":
        totals = demo_totals(area.frame, area_km2(area.frame))
        scaled = sorted(totals.loc[totals["basis"] == "scaled", "kab_nama"].unique())
        if scaled:
            warnings.warn(
                f"Illustrative demo data for {scaled}: no published UMKM totals are shipped for them, so their"
                " totals are Kabupaten Blitar's per km² times their area. Give your own table in [data] umkm"
                " (start with `umkm-geo template`).",
                UserWarning,
                stacklevel=2,
            )
        groups = area.frame.get("wilayah", None)
        demo = generate_demo_counts(
            area.frame,
            totals=totals,
            groups=groups,
            area_km2=area_km2(area.frame),
            seed=config.data.demo_seed,
        )
        table_path = _atomic.write_text(tables_dir / "umkm_counts_demo.csv", demo.to_csv(index=False))
        _atomic.write_text(tables_dir / "demo_totals.csv", stamped(totals, True).to_csv(index=False))
        demo_record = {"seed": config.data.demo_seed, "totals": totals.to_dict(orient="records")}
        illustrative = True
    else:
        table_path = config.resolve(config.data.umkm)
    table = read_count_table(
        table_path,
        sheet=config.data.sheet or None,
        code_column=config.data.code_column or None,
        name_column=config.data.name_column or None,
        kab_column=config.data.kab_column or None,
    )
    illustrative = illustrative or table.illustrative
    try:
        counts, report = join_counts(area.frame, table, allow_missing=config.data.allow_missing)
    except JoinError as exc:
        if exc.report is not None:
            qa = stamped(exc.report.issues, illustrative)
            _atomic.write_text(tables_dir / "join_qa.csv", qa.to_csv(index=False))
        raise
    qa = stamped(report.issues, illustrative)
    written = [_atomic.write_text(tables_dir / "join_qa.csv", qa.to_csv(index=False))]
    if config.data.umkm == "demo":
        written += [tables_dir / "umkm_counts_demo.csv", tables_dir / "demo_totals.csv"]
    area = area.with_result("counts", counts).with_result("join_report", report)
    area = area.with_result("tables_written", tuple(written))
    return area.with_provenance(
        umkm_table=table.record(), join=report.record(), illustrative=illustrative, demo=demo_record
    )


def compute_indicators(area: StudyArea, config: Config, out_dir: Path | None = None) -> StudyArea:
    """Stage 3 (indicators), with the population table (or, for the demo, an illustrative one).

    The illustrative demo population is written to ``out_dir/tables/population_demo.csv`` when
    ``out_dir`` is given.
    """
    population = None
    if config.data.population:
        pop_table = read_count_table(
            config.resolve(config.data.population),
            count_aliases=("penduduk", "population", "jumlah_penduduk"),
        )
        pop_counts, _ = join_counts(area.frame, pop_table, allow_missing=config.data.allow_missing)
        population = pop_counts.groupby("kode")["jumlah"].sum()
        area = area.with_provenance(population_table=pop_table.record())
    elif config.data.umkm == "demo":
        totals = demo_totals(area.frame, area_km2(area.frame), population=True)
        demo = generate_demo_population(
            area.frame, totals=totals, area_km2=area_km2(area.frame), seed=config.data.demo_seed
        )
        population = demo.set_index("kode")["penduduk"]
        if out_dir is not None:
            path = _atomic.write_text(out_dir / "tables" / "population_demo.csv", demo.to_csv(index=False))
            area = area.with_result("tables_written", (*area.results.get("tables_written", ()), path))
        area = area.with_provenance(
            population_demo={"seed": config.data.demo_seed, "totals": totals.to_dict(orient="records")}
        )
    return add_indicators(area, area.results["counts"], population=population, year=config.data.year or None)


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
    return area.with_weights(result.graph).with_result("weights", result)


def write_density_surface(area: StudyArea, config: Config, out_dir: Path) -> list[Path]:
    """Stage 7b: the UMKM density surface (UMKM per km², areal method) as a GeoTIFF, when configured."""
    cov = config.covariates
    if not cov.density_surface or "umkm_count" not in area.frame:
        return []
    from umkm_geo.density import density_surface

    counts = area.frame[["umkm_count", "geometry"]].dropna(subset=["umkm_count"])
    result = density_surface(
        counts,
        "umkm_count",
        out_dir / "maps" / "umkm_density_surface.tif",
        cell_size_m=cov.cell_size_m,
        bandwidth_m=cov.bandwidth_m or None,
        illustrative=bool(area.provenance.get("illustrative")),
        description=f"{config.study.title}: UMKM per km²",
    )
    return [result.path]


def classify_indicators(area: StudyArea, config: Config) -> StudyArea:
    """Stage 6 (classification): class breaks computed once per mapped indicator."""
    breaks = {
        key: classify(area.frame[key], scheme=config.maps.scheme, k=config.maps.k)
        for key in area.results["indicators"]
        if area.frame[key].notna().sum() >= 2 and area.frame[key].nunique() >= 2
    }
    return area.with_result("classes", breaks)


MAPPED = ("umkm_density", "umkm_count", "umkm_per_1000", "umkm_change_pct")
_TEXT = {
    "id": {
        "lisa_title": "Klaster LISA",
        "lisa_sub": "Moran lokal, {p}; α = {alpha}, koreksi: {corr}; {perm} permutasi, seed {seed}",
        "illustrative_sub": "Data ilustrasi (bukan statistik resmi)",
        "year": "tahun",
        "weights": "bobot {method}",
    },
    "en": {
        "lisa_title": "LISA clusters",
        "lisa_sub": "Local Moran, {p}; α = {alpha}, correction: {corr}; {perm} permutations, seed {seed}",
        "illustrative_sub": "Illustrative data (not official statistics)",
        "year": "year",
        "weights": "{method} weights",
    },
}


_CORRECTION = {
    "id": {"none": "tanpa", "fdr": "FDR (Benjamini–Hochberg)", "bonferroni": "Bonferroni"},
    "en": {"none": "none", "fdr": "FDR (Benjamini–Hochberg)", "bonferroni": "Bonferroni"},
}


def _credits(area: StudyArea, lang: str) -> str:
    table = area.provenance.get("umkm_table", {})
    source = "Data UMKM: " if lang == "id" else "UMKM data: "
    if area.provenance.get("illustrative"):
        source += (
            "data ilustrasi umkm_geo (seed "
            + str(area.provenance.get("demo", {}) and area.provenance["demo"]["seed"])
            + ")"
        )
    else:
        source += Path(str(table.get("path", ""))).name
    return f"{area.provenance['boundary_credit']}. {source}."


def _lisa_map(
    area: StudyArea, config: Config, maps: Path, *, credits: str, illustrative: bool
) -> tuple[Path, CategoryLayer]:
    """The LISA cluster PNG and its atlas layer."""
    lang = config.study.lang
    text = _TEXT[lang]
    frame = area.frame
    indicators = area.results["indicators"]
    lisa = area.results["lisa"]
    settings = lisa.settings
    clusters = lisa.frame()["cluster"].reindex(frame.index)
    analysed = indicators[config.statistics.indicator]
    lisa_sub = text["lisa_sub"].format(
        p=settings.get("p_value_type", lisa.p_value),
        alpha=lisa.alpha,
        corr=_CORRECTION[lang][lisa.correction],
        perm=lisa.permutations,
        seed=lisa.seed,
    )
    weights = area.results["weights"]
    lisa_sub += " · " + text["weights"].format(method=weights.method)
    title = f"{config.study.title}: {text['lisa_title']} — {analysed.label(lang)}"
    two = lisa.p_value == "two-sided"
    p_short = {
        "id": "p dua sisi" if two else "p satu sisi (folded)",
        "en": "two-sided p" if two else "folded p",
    }
    fig = lisa_figure(
        frame,
        clusters,
        title=title,
        subtitle=lisa_sub,
        credits=credits,
        illustrative=illustrative,
        lang=lang,
        labels=frame["nama"],
    )
    path = save_figure(fig, maps / f"lisa_{analysed.key}.png", dpi=config.maps.dpi)
    layer = CategoryLayer(
        key=f"lisa_{analysed.key}",
        label_id=f"Klaster LISA — {analysed.label('id')} ({p_short['id']}, α {lisa.alpha:g})",
        label_en=f"LISA clusters — {analysed.label('en')} ({p_short['en']}, α {lisa.alpha:g})",
        values=clusters,
    )
    return path, layer


def render_maps(area: StudyArea, config: Config, out_dir: Path) -> list[Path]:
    """Stage 7 (renderers): choropleth PNGs, the LISA PNG and the interactive HTML atlas."""
    lang = config.study.lang
    text = _TEXT[lang]
    maps = out_dir / "maps"
    illustrative = bool(area.provenance.get("illustrative"))
    credits = _credits(area, lang)
    frame = area.frame
    indicators = area.results["indicators"]
    classes = area.results["classes"]
    year = area.results.get("indicator_year")
    written: list[Path] = []
    sub_parts = [f"{area.frame['kab_nama'].nunique()} kab/kota, {len(area)} kecamatan"]
    if year and year > 0:
        sub_parts.append(f"{text['year']} {year}")
    if illustrative:
        sub_parts.append(text["illustrative_sub"])
    subtitle = " · ".join(sub_parts)
    layers: list[ChoroplethLayer | CategoryLayer] = []
    for key in MAPPED:
        if key not in classes:
            continue
        ind = indicators[key]
        fig = choropleth_figure(
            frame,
            ind,
            classes[key],
            title=f"{config.study.title}: {ind.label(lang)}",
            subtitle=subtitle,
            credits=credits,
            illustrative=illustrative,
            lang=lang,
            labels=frame["nama"],
        )
        written.append(save_figure(fig, maps / f"{key}.png", dpi=config.maps.dpi))
        layers.append(ChoroplethLayer(indicator=ind, values=frame[key], classes=classes[key]))
    if "lisa" in area.results:
        path, layer = _lisa_map(area, config, maps, credits=credits, illustrative=illustrative)
        written.append(path)
        layers.append(layer)
    written.append(
        atlas_html(
            frame,
            layers,
            title=config.study.title,
            credits=credits,
            illustrative=illustrative,
            lang=lang,
            path=maps / "atlas.html",
        )
    )
    return written


def run(config: Config) -> StudyArea:
    """Run the whole ``maps`` pipeline and write every output.

    Returns
    -------
    StudyArea
        The final study area (results, provenance and the list of outputs in
        ``results["outputs"]``).
    """
    out_dir = config.output_dir()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def timed(name: str, func, *args):
        start = time.perf_counter()
        result = func(*args)
        timings[name] = time.perf_counter() - start
        return result

    area = timed("boundaries", load_study_area, config)
    area = timed("tables", load_counts, area, config, out_dir)
    area = timed("indicators", compute_indicators, area, config, out_dir)
    area = timed("covariates", compute_covariates, area, config)
    area = timed("weights", compute_weights, area, config)
    area = timed("statistics", compute_statistics, area, config)
    area = timed("inequality", compute_inequality, area, config)
    area = timed("regional", compute_regional, area, config)
    area = timed("classification", classify_indicators, area, config)
    outputs = list(area.results.get("tables_written", ()))
    outputs += timed("maps", render_maps, area, config, out_dir)
    outputs += timed("density_surface", write_density_surface, area, config, out_dir)
    outputs += timed("csv", write_tables, area, out_dir)
    timings["total"] = time.perf_counter() - t0
    outputs.append(write_run_record(area, config, out_dir, outputs, timings))
    return area.with_result("outputs", outputs)
