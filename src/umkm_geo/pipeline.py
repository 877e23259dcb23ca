"""The ``maps`` pipeline, stage by stage, from a config to every output.

:func:`run` executes every stage from a :class:`~umkm_geo.config.Config` and writes
``<output>/maps/*.png``, ``<output>/maps/*.html``, ``<output>/tables/*.csv`` and
``<output>/run.json`` (inputs with hashes, config, seed, package versions, timings). Every file is
written atomically. Stages: sources -> tables -> indicators -> weights -> statistics ->
classification -> renderers; each returns a new :class:`StudyArea`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import platform
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from umkm_geo import _atomic
from umkm_geo._errors import ConfigError, JoinError
from umkm_geo.autocorrelation import global_moran, local_moran
from umkm_geo.classification import classify
from umkm_geo.codes import load_crosswalk
from umkm_geo.config import Config
from umkm_geo.demo import ILLUSTRATIVE_NOTE, blitar_demo_totals, generate_demo_counts
from umkm_geo.gap import group_gap
from umkm_geo.groups import Grouping, blitar_grouping, read_grouping
from umkm_geo.indicators import add_indicators, area_km2
from umkm_geo.join import join_counts
from umkm_geo.render.interactive import CategoryLayer, ChoroplethLayer, atlas_html
from umkm_geo.render.static import choropleth_figure, lisa_figure, save_figure
from umkm_geo.sources.boundaries import load_kecamatan
from umkm_geo.sources.user_file import read_boundary_file
from umkm_geo.study_area import StudyArea
from umkm_geo.tables import read_count_table
from umkm_geo.weights import build_weights

PACKAGES = (
    "umkm_geo",
    "geopandas",
    "shapely",
    "pyproj",
    "pandas",
    "numpy",
    "scipy",
    "libpysal",
    "esda",
    "mapclassify",
    "matplotlib",
    "folium",
    "branca",
    "pooch",
    "rasterio",
)


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
        totals = blitar_demo_totals()
        missing = sorted(set(area.frame["kab_kode"]) - set(totals["kab_kode"]))
        if missing:
            msg = (
                f"The illustrative demo counts exist only for Blitar (35.05, 35.72); the region has"
                f" kab/kota {missing}. Give your own table in [data] umkm (start with `umkm-geo template`)."
            )
            raise ConfigError(msg)
        groups = area.frame.get("wilayah", None)
        demo = generate_demo_counts(
            area.frame,
            totals=totals,
            groups=groups,
            area_km2=area_km2(area.frame),
            seed=config.data.demo_seed,
        )
        table_path = _atomic.write_text(tables_dir / "umkm_counts_demo.csv", demo.to_csv(index=False))
        _atomic.write_text(tables_dir / "demo_totals.csv", _stamped(totals, True).to_csv(index=False))
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
            qa = _stamped(exc.report.issues, illustrative)
            _atomic.write_text(tables_dir / "join_qa.csv", qa.to_csv(index=False))
        raise
    qa = _stamped(report.issues, illustrative)
    written = [_atomic.write_text(tables_dir / "join_qa.csv", qa.to_csv(index=False))]
    if config.data.umkm == "demo":
        written += [tables_dir / "umkm_counts_demo.csv", tables_dir / "demo_totals.csv"]
    area = area.with_result("counts", counts).with_result("join_report", report)
    area = area.with_result("tables_written", tuple(written))
    return area.with_provenance(
        umkm_table=table.record(), join=report.record(), illustrative=illustrative, demo=demo_record
    )


def compute_indicators(area: StudyArea, config: Config) -> StudyArea:
    """Stage 3 (indicators)."""
    population = None
    if config.data.population:
        pop_table = read_count_table(
            config.resolve(config.data.population),
            count_aliases=("penduduk", "population", "jumlah_penduduk"),
        )
        pop_counts, _ = join_counts(area.frame, pop_table, allow_missing=config.data.allow_missing)
        population = pop_counts.groupby("kode")["jumlah"].sum()
        area = area.with_provenance(population_table=pop_table.record())
    return add_indicators(area, area.results["counts"], population=population, year=config.data.year or None)


def compute_weights(area: StudyArea, config: Config) -> StudyArea:
    """Stage 4 (weights): queen on shared edges (desa topology), fuzzy otherwise, unless set."""
    method = config.weights.method
    if method == "auto":
        method = area.provenance["topology"]["weights_hint"]
    result = build_weights(area.frame, method=method, tolerance_m=config.weights.fuzzy_tolerance_m)
    return area.with_weights(result.graph).with_result("weights", result)


def compute_statistics(area: StudyArea, config: Config) -> StudyArea:
    """Stage 5 (statistics): global Moran's I, LISA and the group gap of the analysed indicator."""
    stats = config.statistics
    indicators = area.results["indicators"]
    if stats.indicator not in indicators:
        msg = f"[statistics] indicator = {stats.indicator!r}; available: {sorted(indicators)}."
        raise ConfigError(msg)
    y = area.frame[stats.indicator]
    present = y.dropna()
    if len(present) < len(y):
        missing = ", ".join(area.frame.loc[y.isna(), "nama"])
        area = area.with_provenance(statistics_excluded=f"no data, excluded from Moran's I and LISA: {missing}")
    graph = area.weights if len(present) == len(y) else area.weights.subgraph(present.index)
    moran = global_moran(present, graph, permutations=stats.permutations, seed=stats.seed)
    lisa = local_moran(
        present,
        graph,
        permutations=stats.permutations,
        seed=stats.seed,
        alpha=stats.alpha,
        correction=stats.correction,
        p_value=stats.p_value,
    )
    area = area.with_result("moran", moran).with_result("lisa", lisa)
    if "wilayah" in area.frame and len(config.groups.compare) == 2:
        a, b = config.groups.compare
        gap = group_gap(y, area.frame["wilayah"], a=a, b=b, permutations=stats.gap_permutations, seed=stats.seed)
        area = area.with_result("gap", gap)
    return area


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
    written.append(save_figure(fig, maps / f"lisa_{analysed.key}.png", dpi=config.maps.dpi))
    layers.append(
        CategoryLayer(
            key=f"lisa_{analysed.key}",
            label_id=f"Klaster LISA — {analysed.label('id')} ({p_short['id']}, α {lisa.alpha:g})",
            label_en=f"LISA clusters — {analysed.label('en')} ({p_short['en']}, α {lisa.alpha:g})",
            values=clusters,
        )
    )
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


def _stamped(table: pd.DataFrame, illustrative: bool) -> pd.DataFrame:
    """Add the illustrative-data note as a column to every row when the data are illustrative."""
    if not illustrative:
        return table
    out = table.copy()
    out.insert(0, "catatan_data", ILLUSTRATIVE_NOTE)
    return out


def write_tables(area: StudyArea, out_dir: Path) -> list[Path]:
    """Stage 7a (tables): indicator, statistics, weights and class-break tables as CSV."""
    illustrative = bool(area.provenance.get("illustrative"))
    tables = out_dir / "tables"
    written: list[Path] = []
    frame = area.frame.drop(columns="geometry")
    lisa = area.results["lisa"].frame().add_prefix("lisa_")
    indicators = frame.join(lisa)
    written.append(
        _atomic.write_text(
            tables / "indicators.csv",
            _stamped(indicators.reset_index(), illustrative).to_csv(index=False),
        )
    )
    moran = area.results["moran"].table()
    written.append(_atomic.write_text(tables / "moran_global.csv", _stamped(moran, illustrative).to_csv(index=False)))
    lisa_out = area.frame[["nama", "kab_nama"]].join(area.results["lisa"].frame(), how="left")
    settings = area.results["lisa"].settings
    for key in ("p_value_type", "permutations", "seed", "alpha", "correction"):
        if key in settings:
            lisa_out[key] = settings[key]
    written.append(
        _atomic.write_text(tables / "lisa.csv", _stamped(lisa_out.reset_index(), illustrative).to_csv(index=False))
    )
    if "gap" in area.results:
        gap = area.results["gap"]
        written.append(_atomic.write_text(tables / "gap.csv", _stamped(gap.table(), illustrative).to_csv(index=False)))
    weights = area.results["weights"]
    summary = _stamped(weights.table(), illustrative)
    neighbours = _stamped(weights.summary_table().reset_index(), illustrative)
    written.append(_atomic.write_text(tables / "weights_summary.csv", summary.to_csv(index=False)))
    written.append(_atomic.write_text(tables / "weights_neighbours.csv", neighbours.to_csv(index=False)))
    rows = []
    for key, classes in area.results["classes"].items():
        ind = area.results["indicators"][key]
        for i, (label, count) in enumerate(zip(classes.labels(ind.decimals), classes.counts, strict=True)):
            rows.append(
                {
                    "indikator": key,
                    "skema": classes.scheme,
                    "kelas": i + 1,
                    "rentang": label,
                    "batas_bawah": classes.bounds()[i][0],
                    "batas_atas": classes.upper[i],
                    "jumlah_kecamatan": count,
                    "warna": classes.colors[i],
                }
            )
    written.append(
        _atomic.write_text(
            tables / "class_breaks.csv",
            _stamped(pd.DataFrame(rows), illustrative).to_csv(index=False),
        )
    )
    return written


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_run_record(
    area: StudyArea, config: Config, out_dir: Path, outputs: list[Path], timings: dict[str, float]
) -> Path:
    """Stage 7c: ``run.json`` with inputs and their hashes, config, seed, versions and outputs."""
    record = {
        "tool": "umkm_geo",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "region": list(area.region),
        "n_kecamatan": len(area),
        "illustrative_data": bool(area.provenance.get("illustrative")),
        "notice": ILLUSTRATIVE_NOTE if area.provenance.get("illustrative") else "",
        "config": config.to_dict(),
        "seed": {
            "statistics": config.statistics.seed,
            "demo": config.data.demo_seed if config.data.umkm == "demo" else None,
        },
        "provenance": _jsonable(dict(area.provenance)),
        "results": {
            "weights": area.results["weights"].to_dict(),
            "moran": area.results["moran"].to_dict(),
            "lisa": _jsonable(area.results["lisa"].settings),
            "gap": area.results["gap"].to_dict() if "gap" in area.results else None,
        },
        "versions": _versions(),
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "outputs": [
            {"path": str(p.relative_to(out_dir)), "bytes": p.stat().st_size, "sha256": _sha256(p)} for p in outputs
        ],
    }
    return _atomic.write_text(out_dir / "run.json", json.dumps(_jsonable(record), indent=2, ensure_ascii=False))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if hasattr(value, "item") and callable(value.item):
        try:
            return value.item()
        except (ValueError, TypeError):
            return str(value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


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
    area = timed("indicators", compute_indicators, area, config)
    area = timed("weights", compute_weights, area, config)
    area = timed("statistics", compute_statistics, area, config)
    area = timed("classification", classify_indicators, area, config)
    outputs = list(area.results.get("tables_written", ()))
    outputs += timed("maps", render_maps, area, config, out_dir)
    outputs += timed("csv", write_tables, area, out_dir)
    timings["total"] = time.perf_counter() - t0
    outputs.append(write_run_record(area, config, out_dir, outputs, timings))
    return area.with_result("outputs", outputs)
