"""Writers of the run's tables (``<output>/tables/*.csv``) and record (``<output>/run.json``).

Every statistic lands in a table next to the settings that produced it (permutations, seed,
alternative, correction, weights); tables made from illustrative data carry the illustrative note on
every row. Every file is written atomically.

They write into the staging folder of :mod:`umkm_geo.pipeline.output_set`, which installs the set
as a whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from umkm_geo import _atomic
from umkm_geo._provenance import (
    ILLUSTRATIVE_NOTE,
    file_sha256,
    illustrative_components,
    is_illustrative,
    table_components,
    versions,
)
from umkm_geo.config import Config
from umkm_geo.stats import registry
from umkm_geo.study_area import StudyArea

__all__ = ["PACKAGES", "official_tables", "stamped", "write_run_record", "write_tables"]

#: Packages whose versions the run record lists.
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
    "inequality",
    "mapclassify",
    "matplotlib",
    "folium",
    "branca",
    "pooch",
    "rasterio",
)

#: The settings copied onto every row of a per-unit table of a local statistic.
_LOCAL_SETTINGS = ("statistic", "p_value_type", "permutations", "seed", "alpha", "correction", "engine")


def stamped(table: pd.DataFrame, illustrative: bool) -> pd.DataFrame:
    """Add the illustrative-data note as a first column ``catatan_data`` when the data are illustrative.

    A table with a column that already holds the note on every row (``catatan_data`` of the survey
    scores, ``Catatan data`` / ``Data note`` of the fieldwork table, ``keterangan`` of the FFA tables)
    is returned as it is; a note column of other text (e.g. a user's own ``keterangan``) is kept and
    the note is added beside it. An empty table keeps or gets a ``catatan_data`` column (its header says it).
    """
    if not illustrative:
        return table
    if len(table):
        done = any((table.iloc[:, j] == ILLUSTRATIVE_NOTE).all() for j in range(table.shape[1]))
    else:
        done = "catatan_data" in table.columns
    if done:
        return table  # already stamped by the result that made it
    out = table.copy()
    out.insert(0, "catatan_data" if "catatan_data" not in out else "catatan_ilustrasi", ILLUSTRATIVE_NOTE)
    return out


class _Writer:
    """Writes CSV tables into one folder, stamping them, and remembers what it wrote."""

    def __init__(self, folder: Path, illustrative: bool | Callable[[str], bool]) -> None:
        self.folder = folder
        self.illustrative = illustrative  # a flag, or table name -> whether it is made from illustrative input
        self.written: list[Path] = []
        self.frames: dict[str, pd.DataFrame] = {}  # every table written, for the workbook

    def __call__(self, name: str, table: pd.DataFrame, *, index: bool = False) -> None:
        frame = table.reset_index() if index else table
        flag = self.illustrative(name) if callable(self.illustrative) else self.illustrative
        table_out = stamped(frame, flag)
        self.frames[name] = table_out
        self.written.append(_atomic.write_text(self.folder / f"{name}.csv", table_out.to_csv(index=False)))


def _names(area: StudyArea) -> pd.DataFrame:
    return area.frame[["nama", "kab_nama"]]


def _stage_tables(area: StudyArea, write: _Writer) -> None:
    """Tables the stages made (join QA, the demo's counts, totals and population), as they made them."""
    for name, table in area.results.tables.items():
        write(name, table)


def _indicators(area: StudyArea, write: _Writer) -> None:
    frame = area.frame.drop(columns="geometry")
    if area.results.lisa is not None:
        frame = frame.join(area.results.lisa.frame().add_prefix("lisa_"))
    write("indicators", frame, index=True)


def _weights(area: StudyArea, write: _Writer) -> None:
    weights = area.results.weights
    if weights is None:  # before the weights stage (validate): nothing to write
        return
    write("weights_summary", weights.table())
    write("weights_neighbours", weights.summary_table(), index=True)
    write("weights_histogram", weights.histogram())


def _global(area: StudyArea, write: _Writer) -> None:
    results = area.results.global_stats
    if results:
        write("global_statistics", pd.concat([r.table() for r in results.values()], ignore_index=True))
    skipped = area.results.skipped
    if skipped:
        write("skipped", pd.DataFrame({"statistic": list(skipped), "reason": list(skipped.values())}))


def _local(area: StudyArea, write: _Writer) -> None:
    for name, result in area.results.local.items():
        table = _names(area).join(result.frame(), how="left")
        for key in _LOCAL_SETTINGS:
            if key in result.settings:
                table[key] = result.settings[key]
        stem = registry.get("local", name).table
        write(stem, table, index=True)
        write(f"{stem}_summary", result.table())


def _inequality(area: StudyArea, write: _Writer) -> None:
    table = area.results.gap_table
    if table is None:
        return
    write("gap_groups", table.groups_frame(), index=True)
    write("gap_pairs", table.pairs_frame())
    write("inequality", table.measures_frame())
    write("gap_settings", table.table())


def _regional(area: StudyArea, write: _Writer) -> None:
    if area.results.lq is not None:
        lq = area.results.lq
        write("location_quotient", _names(area).join(lq.lq, how="right"), index=True)
        write("location_quotient_long", lq.basis, index=True)
        write("location_quotient_units", _names(area).join(lq.units, how="right"), index=True)
        write("location_quotient_settings", lq.table())
    if area.results.shift_share is not None:
        shift = area.results.shift_share
        write("shift_share", shift.components, index=True)
        write("shift_share_units", _names(area).join(shift.units, how="right"), index=True)
        write("shift_share_settings", shift.table())
    if area.results.klassen is not None:
        klassen = area.results.klassen
        write("klassen", _names(area).join(klassen.frame(), how="right"), index=True)
        write("klassen_settings", klassen.table())


def _official_credit(area: StudyArea) -> tuple[str, str]:
    """The credit lines and the GRDP source's commit of the official tables."""
    record = area.provenance.get("official_grdp", {})
    grdp = record.get("grdp", {}).get("provenance", [{}])[0]
    return " | ".join(record.get("credits", [])), str(grdp.get("commit", ""))


def official_tables(area: StudyArea) -> dict[str, pd.DataFrame]:
    """The tables of the official-data stage (real data, never stamped illustrative), by name.

    ``resmi_klassen_kabkota`` (one row per kab/kota: GRDP per capita, population, growth, quadrant),
    ``resmi_klassen_pengaturan`` (the typology's references and settings), ``resmi_ketimpangan_kabkota``
    (Williamson and Theil T with their settings) and ``resmi_qa_grdp`` (what the sources did not match);
    each row carries the credit line (``sumber``) and the GRDP source's commit (``commit_sumber``).
    With IDM: ``resmi_idm_kecamatan``, ``resmi_idm_kesenjangan`` and ``resmi_idm_qa``, with the IDM
    credit and commit.
    """
    out = _official_grdp_tables(area)
    out.update(_official_idm_tables(area))
    return out


def _official_idm_tables(area: StudyArea) -> dict[str, pd.DataFrame]:
    """The IDM 2024 tables: ``resmi_idm_kecamatan``, ``resmi_idm_kesenjangan`` (with the level), ``resmi_idm_qa``."""
    results = area.results
    if results.official_idm_kecamatan is None:
        return {}
    record = area.provenance.get("official_idm", {})
    credit = " | ".join(record.get("credits", []))
    commit = str(record.get("idm", {}).get("provenance", [{}])[0].get("commit", ""))
    gaps = []
    for name, gap in results.official_idm_gap.items():
        variable, level = name.rsplit("_", 1)
        table = gap.table()
        table.insert(0, "tingkat", level)
        table.insert(1, "variabel", variable)
        gaps.append(table)
    tables = {
        "resmi_idm_kecamatan": results.official_idm_kecamatan.reset_index(),
        "resmi_idm_kesenjangan": pd.concat(gaps, ignore_index=True) if gaps else pd.DataFrame(),
        "resmi_idm_qa": results.official_idm_qa if results.official_idm_qa is not None else pd.DataFrame(),
    }
    out = {}
    for name, table in tables.items():
        table = table.copy()
        table["sumber"] = credit
        table["commit_sumber"] = commit
        out[name] = table
    return out


def _official_grdp_tables(area: StudyArea) -> dict[str, pd.DataFrame]:
    results = area.results
    if results.official_klassen is None or results.official_grdp is None:
        return {}
    credit, commit = _official_credit(area)
    typology = results.official_klassen.frame().drop(columns=["level", "growth"])  # the GRDP columns hold them
    klassen = results.official_grdp.join(typology, how="left")
    klassen.index.name = "kode"
    tables = {
        "resmi_klassen_kabkota": klassen.reset_index(),
        "resmi_klassen_pengaturan": results.official_klassen.table(),
        "resmi_ketimpangan_kabkota": pd.concat(
            [r.table() for r in (results.official_williamson, results.official_theil) if r is not None],
            ignore_index=True,
        ),
        "resmi_qa_grdp": results.official_qa if results.official_qa is not None else pd.DataFrame(),
    }
    out = {}
    for name, table in tables.items():
        table = table.copy()
        table["sumber"] = credit
        table["commit_sumber"] = commit
        out[name] = table
    return out


def _covariates(area: StudyArea, write: _Writer) -> None:
    for name, result in area.results.zonal.items():
        write(f"zonal_{name}", _names(area).join(result.frame(), how="right"), index=True)
        write(f"zonal_{name}_settings", result.table())


def _classes(area: StudyArea, write: _Writer) -> None:
    rows = []
    for key, classes in area.results.classes.items():
        ind = area.results.indicators[key]
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
    write("class_breaks", pd.DataFrame(rows))


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a named index as a column (an unnamed row number is dropped)."""
    return table.reset_index(drop=all(name is None for name in table.index.names))


def _survey_tables(area: StudyArea) -> dict[str, pd.DataFrame]:
    """The survey, FFA and produk unggulan tables a run writes (name -> table)."""
    from umkm_geo.stats.ffa import strategy_table

    results = area.results
    names = area.frame[["nama", "kab_nama"]]
    out: dict[str, pd.DataFrame] = {}
    if results.survey_plan is not None and results.responses is not None and results.survey_scores is not None:
        out["survei_rencana_sampel"] = results.survey_plan.fieldwork_table()
        out["survei_rencana_pengaturan"] = results.survey_plan.table()
        out["survei_masalah_jawaban"] = results.responses.issues
        scores = results.survey_scores
        out["survei_skor_kecamatan"] = names.join(scores.kecamatan.set_index("kode"), how="right").reset_index()
        out["survei_skor_kelompok"] = _flat(scores.groups)
        out["survei_skor_wilayah"] = _flat(scores.overall)
        out["survei_reliabilitas"] = _flat(scores.reliability)
        out["survei_pengaturan"] = scores.table()
    for lisa, name in (
        (results.gap_lisa, "survei_lisa_kesenjangan"),
        (results.gap_density_bv, "survei_lisa_kesenjangan_kepadatan"),
    ):
        if lisa is not None:
            out[name] = names.join(lisa.frame(), how="right").reset_index()
    if results.ffa is not None:
        out["ffa_faktor"] = _flat(results.ffa.factors)
        out["ffa_strategi"] = strategy_table(results.ffa)
        out["ffa_pengaturan"] = results.ffa.table()
    if results.leading is not None:
        out["produk_unggulan"] = _flat(results.leading)
    if results.mpe is not None:
        out["produk_mpe"] = results.mpe.scores.reset_index(drop=True)
        out["produk_mpe_pengaturan"] = results.mpe.table()
    if results.product_lq is not None:
        out["produk_lq"] = _flat(results.product_lq.basis)
    return out


def _survey(area: StudyArea, write: _Writer) -> None:
    for name, table in _survey_tables(area).items():
        write(name, table)


#: Table groups, in the order they are written.
_SECTIONS: tuple[Callable[[StudyArea, _Writer], None], ...] = (
    _stage_tables,
    _indicators,
    _weights,
    _global,
    _local,
    _inequality,
    _regional,
    _covariates,
    _survey,
    _classes,
)


def write_tables(area: StudyArea, out_dir: Path) -> list[Path]:
    """Write every result of ``area`` as CSV into ``out_dir/tables``, and as one workbook and GeoPackage.

    ``tables/umkm_geo.xlsx`` holds every table as a sheet, ``tables/umkm_geo.gpkg`` the study area with
    its indicators and local statistics (:mod:`umkm_geo.pipeline.workbook`). Returns the paths.
    """
    columns = list(area.frame.columns)
    write = _Writer(
        out_dir / "tables",
        lambda name: is_illustrative(area.provenance, table_components(name, area.results, columns)),
    )
    for section in _SECTIONS:
        section(area, write)
    official = _Writer(out_dir / "tables", illustrative=False)  # real official data only
    for name, table in official_tables(area).items():
        official(name, table)
    from umkm_geo.pipeline.workbook import write_geopackage, write_workbook

    workbook = write_workbook({**write.frames, **official.frames}, out_dir / "tables")
    geopackage = write_geopackage(area, out_dir / "tables") if area.weights is not None else None
    return [*write.written, *official.written, workbook, *([geopackage] if geopackage else [])]


def _asks_demo(config: Config) -> bool:
    """Whether the config asks for any generated (demo) input."""
    return "demo" in (config.data.umkm, config.survey.responses, config.ffa.factors, config.products.table)


def _result_dicts(results: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """``to_dict()`` of each result that was computed (``None`` ones are left out), by name."""
    return {name: result.to_dict() for name, result in results if result is not None}


def write_run_record(
    area: StudyArea,
    config: Config,
    out_dir: Path,
    outputs: list[Path],
    timings: dict[str, float],
    figures: dict[str, dict[str, float]] | None = None,
) -> Path:
    """``run.json``: inputs and their hashes, config, seeds, versions, every result's settings, outputs.

    ``figures`` gives each figure's print size (cm) and smallest font, as saved.
    """
    results = area.results
    if results.weights is None:
        msg = "write_run_record needs a study area after the weights stage."
        raise ValueError(msg)
    record = {
        "tool": "umkm_geo",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "region": list(area.region),
        "n_kecamatan": len(area),
        "illustrative_data": bool(illustrative_components(area.provenance)),
        "illustrative_components": illustrative_components(area.provenance),
        "notice": ILLUSTRATIVE_NOTE if illustrative_components(area.provenance) else "",
        "config": config.to_dict(),
        "seed": {
            "statistics": config.statistics.seed,
            "demo": config.data.demo_seed if _asks_demo(config) else None,
        },
        "provenance": _jsonable(dict(area.provenance)),
        "results": {
            "weights": results.weights.to_dict(),
            "global": _result_dicts(results.global_stats.items()),
            "local": _result_dicts(results.local.items()),
            "gap_table": results.gap_table.to_dict() if results.gap_table is not None else None,
            "regional": _result_dicts(
                [("lq", results.lq), ("shift_share", results.shift_share), ("klassen", results.klassen)]
            ),
            "covariates": _result_dicts(results.zonal.items()),
            "density_surface": results.density.to_dict() if results.density is not None else None,
            "atlas": results.atlas.to_dict() if results.atlas is not None else None,
            "survey": _result_dicts(
                [
                    ("survey_plan", results.survey_plan),
                    ("survey_scores", results.survey_scores),
                    ("gap_lisa", results.gap_lisa),
                    ("ffa", results.ffa),
                    ("mpe", results.mpe),
                ]
            ),
            "official": _result_dicts(
                [
                    ("klassen", results.official_klassen),
                    ("williamson", results.official_williamson),
                    ("theil", results.official_theil),
                    *[(f"idm_gap_{k}", v) for k, v in results.official_idm_gap.items()],
                ]
            ),
            "skipped": dict(results.skipped),
        },
        "versions": {"python": platform.python_version(), **versions(*PACKAGES, suffix="")},
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "figures": figures or {},
        "outputs": [
            {"path": str(p.relative_to(out_dir)), "bytes": p.stat().st_size, "sha256": file_sha256(p)} for p in outputs
        ],
    }
    # Paths inside the folder being written (the staging folder of a run) are recorded relative to it:
    # after the swap they are relative to the output folder, and no path points into the staging folder.
    record = _relative(_jsonable(record), str(out_dir) + os.sep)
    return _atomic.write_text(out_dir / "run.json", json.dumps(record, indent=2, ensure_ascii=False))


def _relative(value: Any, prefix: str) -> Any:
    if isinstance(value, dict):
        return {k: _relative(v, prefix) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative(v, prefix) for v in value]
    if isinstance(value, str) and value.startswith(prefix):
        return value[len(prefix) :].replace(os.sep, "/")
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
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
