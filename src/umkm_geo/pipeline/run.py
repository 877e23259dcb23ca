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
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from umkm_geo._errors import JoinError, UmkmGeoError
from umkm_geo._i18n import text, unit_level
from umkm_geo._progress import tick
from umkm_geo._provenance import is_illustrative
from umkm_geo.config import Config, StudyConfig
from umkm_geo.pipeline.analysis import compute_covariates, compute_inequality, compute_regional, compute_statistics
from umkm_geo.pipeline.layers import LAYER_FOLDER, compute_layers
from umkm_geo.pipeline.official import add_idm_layer, compute_official
from umkm_geo.pipeline.output_set import staged_output, write_join_qa
from umkm_geo.pipeline.outputs import write_run_record, write_tables
from umkm_geo.pipeline.stages import (
    classify_indicators,
    compute_indicators,
    compute_weights,
    load_counts,
    load_study_area,
)
from umkm_geo.pipeline.survey_stage import compute_survey
from umkm_geo.render.options import RenderOptions
from umkm_geo.study_area import StudyArea

if TYPE_CHECKING:
    from umkm_geo.indicators.density import DensityResult


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
        description=text("run.density_description", config.study.lang, title=config.study.title),
    )
    return result


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
    captions = {key: text(f"run.captions.{key}", lang) for key in _CAPTIONED if key in images}
    return report_html(area, images=images, options=options, path=out_dir / "report.html", captions=captions)


#: Figures whose report caption is a ``run.captions.*`` text (the survey, FFA and produk figures).
_CAPTIONED = (
    "survei_akses_rata2",
    "survei_kesenjangan_rata2",
    "survei_kuadran",
    "survei_lisa_kesenjangan",
    "produk_unggulan",
    "ffa",
)


def study_title(config: Config, area: StudyArea) -> str:
    """The study's title: the configured one, or its kab/kota when the region was changed but the title was not.

    The default title is Blitar's; a run on ``--region 35.07`` would otherwise print "UMKM
    Kabupaten dan Kota Blitar" on every map of Kabupaten Malang.
    """
    default = StudyConfig()
    no_umkm = config.data.umkm == "none"  # an official layer only: the default "UMKM ..." title would be wrong
    if config.study.title != default.title or (config.study.region == default.region and not no_umkm):
        return config.study.title
    return text("run.title_official" if no_umkm else "run.title", config.study.lang, names=region_names(area, config))


def region_names(area: StudyArea, config: Config) -> str:
    """The study area's kab/kota, joined (``Kabupaten Blitar dan Kota Blitar``), or their number beyond 4."""
    lang = config.study.lang
    names = list(dict.fromkeys(area.frame["kab_nama"]))
    if len(names) > 4:
        return text("run.many_regions", lang, n=len(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + text("report.words.and", lang) + names[-1]


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
        region_title=text("run.title_official", config.study.lang, names=region_names(area, config)),
        locator=_locator(config, area),
        cache=_render_cache(config),
        province_names=_province_names(config, area),
    )


def _province_names(config: Config, area: StudyArea) -> dict[str, str]:
    """Province code -> name (Kepmendagri 2025) for an atlas split by province; empty for a smaller study."""
    from umkm_geo.render.atlas.split import SPLIT_AREAS, province_of

    if len(area.frame) <= SPLIT_AREAS:
        return {}
    from umkm_geo.sources.region_codes import fetch_codes

    cfg = config.boundaries
    wanted = set(province_of(area.frame))
    try:
        codes, _ = fetch_codes(
            mirror=config.resolve(cfg.mirror) if cfg.mirror else None,
            cache_dir=config.resolve(cfg.cache) if cfg.cache else None,
        )
    except UmkmGeoError as exc:  # the index lists the provinces by code instead
        warnings.warn(
            f"The atlas index names the provinces by code: the code list could not be read ({exc}).",
            UserWarning,
            stacklevel=2,
        )
        return {}
    provinces = codes[codes["level"] == 1]
    return {str(k): str(n) for k, n in zip(provinces["kode"], provinces["nama"], strict=True) if str(k) in wanted}


def _render_cache(config: Config) -> Path | None:
    """Where figures are kept for the next run (``<cache>/render``); ``None`` with ``[maps] reuse = false``."""
    if not config.maps.reuse:
        return None
    from umkm_geo.sources.registry import default_cache_dir

    cfg = config.boundaries
    return (config.resolve(cfg.cache) if cfg.cache else default_cache_dir()) / "render"


def _locator(config: Config, area: StudyArea) -> Any:
    """The kab/kota of the study's one province, the study's own marked ``studi`` (None: no inset)."""
    if not config.maps.locator or "kab_kode" not in area.frame:
        return None
    provinces = {str(code).split(".")[0] for code in area.frame["kab_kode"]}
    if len(provinces) != 1:
        return None
    from umkm_geo.sources.units import load_units

    cfg = config.boundaries
    code = provinces.pop()
    try:
        province = load_units(
            code,
            "kabupaten",
            mirror=config.resolve(cfg.mirror) if cfg.mirror else None,
            cache_dir=config.resolve(cfg.cache) if cfg.cache else None,
        ).frame
    except UmkmGeoError as exc:  # the inset is a guide, not a finding: the maps are drawn without it
        warnings.warn(
            f"The maps have no locator inset: the kab/kota of province {code} could not be read ({exc}).",
            UserWarning,
            stacklevel=2,
        )
        return None
    frame = province[["geometry"]].copy()
    # a 3 cm inset shows no detail finer than a few hundred metres: simplified once, not on every map
    frame["geometry"] = frame.geometry.simplify(0.003)
    frame["studi"] = frame.index.isin(set(area.frame["kab_kode"]))
    return frame


def run(config: Config, *, progress: Progress | None = None) -> StudyArea:
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
        area, written = _run_into(config, staging, out_dir, progress)
        stage.commit()
    return _moved(area, staging, out_dir).with_results(outputs=tuple(out_dir / p.relative_to(staging) for p in written))


#: The compute stages after the boundaries, in order; each takes and returns a StudyArea and writes nothing.
COMPUTE_STAGES: tuple[tuple[str, Callable[[StudyArea, Config], StudyArea]], ...] = (
    ("tables", load_counts),
    ("indicators", compute_indicators),
    ("idm", add_idm_layer),
    ("covariates", compute_covariates),
    ("weights", compute_weights),
    ("statistics", compute_statistics),
    ("inequality", compute_inequality),
    ("regional", compute_regional),
    ("official", compute_official),
    ("survey", compute_survey),
    ("classification", classify_indicators),
    ("layers", compute_layers),
)


#: Called after each stage with its name and the seconds it took (the CLI prints a line).
Progress = Callable[[str, float], None]


def compute(config: Config, *, timings: dict[str, float] | None = None, progress: Progress | None = None) -> StudyArea:
    """Every compute stage, from the boundaries to the class breaks, writing no file.

    ``timings``, when given, receives the seconds each stage took; ``progress`` is called after each.
    """
    timings = {} if timings is None else timings
    start = time.perf_counter()
    area = load_study_area(config)
    timings["boundaries"] = time.perf_counter() - start
    if progress is not None:
        progress("boundaries", timings["boundaries"])
    for name, stage in COMPUTE_STAGES:
        start = time.perf_counter()
        area = stage(area, config)
        timings[name] = time.perf_counter() - start
        if progress is not None:
            progress(name, timings[name])
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


def _run_into(
    config: Config, staging: Path, out_dir: Path, progress: Progress | None = None
) -> tuple[StudyArea, list[Path]]:
    """Every stage, writing every output into ``staging``; returns the study area and the files written."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with join_qa_on_error(out_dir, f" The previous outputs in {out_dir} are untouched."):
        area = compute(config, timings=timings, progress=progress)
    with unit_level(area.level):  # "{area_unit}" in every text names the unit of analysis
        return _render_into(area, config, staging, timings, t0, progress)


def _render_into(
    area: StudyArea,
    config: Config,
    staging: Path,
    timings: dict[str, float],
    t0: float,
    progress: Progress | None = None,
) -> tuple[StudyArea, list[Path]]:
    """The renderers and writers of :func:`_run_into`: maps, atlas, density surface, tables, report, run.json."""

    def timed(name: str, func, *args):
        start = time.perf_counter()
        result = func(*args)
        timings[name] = time.perf_counter() - start
        if progress is not None:
            progress(name, timings[name])
        return result

    options = render_options(config, area)
    from umkm_geo.render.mapset import render_all

    maps = timed("maps", render_all, area, options, staging)
    outputs = list(maps.paths)
    area = area.with_results(atlas=maps.atlas)
    images = dict(maps.images)
    figures = {key: size.to_dict() for key, size in maps.print_sizes.items()}
    layer_outputs = timed("layer_maps", _render_layers, area, config, staging)
    for name, (paths, layer_images, layer_sizes) in layer_outputs.items():
        outputs += paths
        images.update({f"{LAYER_FOLDER}/{name}/{key}": path for key, path in layer_images.items()})
        figures.update({f"{LAYER_FOLDER}/{name}/{key}": size.to_dict() for key, size in layer_sizes.items()})
    density = timed("density_surface", _density_surface, area, config, staging)
    if density is not None:
        area = area.with_results(density=density)
        outputs.append(density.path)
    outputs += timed("csv", write_tables, area, staging)
    outputs.append(timed("report", write_report, area, config, staging, images, options))
    timings["total"] = time.perf_counter() - t0
    outputs.append(write_run_record(area, config, staging, outputs, timings, figures))
    return area, outputs


def _render_layers(
    area: StudyArea, config: Config, staging: Path
) -> dict[str, tuple[list[Path], dict[str, Path], dict[str, Any]]]:
    """Each layer's maps, atlas and tables in ``lapisan/<name>/``: files written, each figure's PNG and print size."""
    from umkm_geo.pipeline.layers import layer_config
    from umkm_geo.render.mapset import render_all

    out: dict[str, tuple[list[Path], dict[str, Path], dict[str, Any]]] = {}
    by_name = {layer.name: layer for layer in config.layers}
    for done, (name, layer_area) in enumerate(area.results.layers.items(), start=1):
        tick("layer_maps", done, len(area.results.layers))
        layer = by_name[name]
        sub = layer_config(config, layer)
        folder = staging / LAYER_FOLDER / name
        options = dataclasses.replace(render_options(sub, layer_area), mapped=layer.maps or (layer.indicator,))
        with unit_level(layer_area.level):
            maps = render_all(layer_area, options, folder)
            paths = [*maps.paths, *write_tables(layer_area, folder)]
        out[name] = (paths, dict(maps.images), dict(maps.print_sizes))
    return out


def _moved(area: StudyArea, staging: Path, out_dir: Path) -> StudyArea:
    """Results that name a file of the set (the atlas, the density surface) name it in ``out_dir``."""
    for key, value in area.results.computed().items():
        path = getattr(value, "path", None)
        is_record = dataclasses.is_dataclass(value) and not isinstance(value, type)
        if is_record and isinstance(path, Path) and path.is_relative_to(staging):
            moved = dataclasses.replace(value, path=out_dir / path.relative_to(staging))
            if getattr(value, "pages", ()):  # the province pages of a split atlas
                pages = tuple(dataclasses.replace(p, path=out_dir / p.path.relative_to(staging)) for p in value.pages)
                moved = dataclasses.replace(moved, pages=pages)
            area = area.with_results(**{key: moved})
    return area
