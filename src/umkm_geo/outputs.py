"""Writers of the run's tables (``<output>/tables/*.csv``) and its record (``<output>/run.json``).

Every statistic lands in a table next to the settings that produced it (permutations, seed,
alternative, correction, weights); tables made from illustrative data carry the illustrative note on
every row. Every file is written atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import platform
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from umkm_geo import _atomic
from umkm_geo.config import Config
from umkm_geo.demo import ILLUSTRATIVE_NOTE
from umkm_geo.study_area import StudyArea

__all__ = ["PACKAGES", "stamped", "write_run_record", "write_tables"]

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
    """Add the illustrative-data note as a first column when the data are illustrative."""
    if not illustrative or "catatan_data" in table or "Catatan data" in table or "keterangan" in table:
        return table  # already stamped by the result that made it
    out = table.copy()
    out.insert(0, "catatan_data", ILLUSTRATIVE_NOTE)
    return out


class _Writer:
    """Writes CSV tables into one folder, stamping them, and remembers what it wrote."""

    def __init__(self, folder: Path, illustrative: bool) -> None:
        self.folder = folder
        self.illustrative = illustrative
        self.written: list[Path] = []

    def __call__(self, name: str, table: pd.DataFrame, *, index: bool = False) -> None:
        frame = table.reset_index() if index else table
        text = stamped(frame, self.illustrative).to_csv(index=False)
        self.written.append(_atomic.write_text(self.folder / f"{name}.csv", text))


def _names(area: StudyArea) -> pd.DataFrame:
    return area.frame[["nama", "kab_nama"]]


def _indicators(area: StudyArea, write: _Writer) -> None:
    frame = area.frame.drop(columns="geometry")
    if "lisa" in area.results:
        frame = frame.join(area.results["lisa"].frame().add_prefix("lisa_"))
    write("indicators", frame, index=True)


def _weights(area: StudyArea, write: _Writer) -> None:
    weights = area.results["weights"]
    write("weights_summary", weights.table())
    write("weights_neighbours", weights.summary_table(), index=True)
    write("weights_histogram", weights.histogram())


def _global(area: StudyArea, write: _Writer) -> None:
    results = area.results.get("global", {})
    if results:
        write("global_statistics", pd.concat([r.table() for r in results.values()], ignore_index=True))
    skipped = area.results.get("skipped", {})
    if skipped:
        write("skipped", pd.DataFrame({"statistic": list(skipped), "reason": list(skipped.values())}))


_LOCAL_FILES = {"moran": "lisa", "moran_bv": "lisa_bivariate", "gi_star": "gi_star", "geary": "local_geary"}


def _local(area: StudyArea, write: _Writer) -> None:
    for name, result in area.results.get("local", {}).items():
        table = _names(area).join(result.frame(), how="left")
        for key in _LOCAL_SETTINGS:
            if key in result.settings:
                table[key] = result.settings[key]
        write(_LOCAL_FILES[name], table, index=True)
        write(f"{_LOCAL_FILES[name]}_summary", result.table())


def _inequality(area: StudyArea, write: _Writer) -> None:
    table = area.results.get("gap_table")
    if table is None:
        return
    write("gap_groups", table.groups_frame(), index=True)
    write("gap_pairs", table.pairs_frame())
    write("inequality", table.measures_frame())
    write("gap_settings", table.table())


def _regional(area: StudyArea, write: _Writer) -> None:
    if "lq" in area.results:
        lq = area.results["lq"]
        write("location_quotient", _names(area).join(lq.lq, how="right"), index=True)
        write("location_quotient_long", lq.basis, index=True)
        write("location_quotient_units", _names(area).join(lq.units, how="right"), index=True)
        write("location_quotient_settings", lq.table())
    if "shift_share" in area.results:
        shift = area.results["shift_share"]
        write("shift_share", shift.components, index=True)
        write("shift_share_units", _names(area).join(shift.units, how="right"), index=True)
        write("shift_share_settings", shift.table())
    if "klassen" in area.results:
        klassen = area.results["klassen"]
        write("klassen", _names(area).join(klassen.frame(), how="right"), index=True)
        write("klassen_settings", klassen.table())


def _covariates(area: StudyArea, write: _Writer) -> None:
    for name, result in area.results.get("zonal", {}).items():
        write(f"zonal_{name}", _names(area).join(result.frame(), how="right"), index=True)
        write(f"zonal_{name}_settings", result.table())


def _classes(area: StudyArea, write: _Writer) -> None:
    rows = []
    for key, classes in area.results.get("classes", {}).items():
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
    write("class_breaks", pd.DataFrame(rows))


def _survey(area: StudyArea, write: _Writer) -> None:
    from umkm_geo.survey.stage import survey_outputs

    for name, table in survey_outputs(area).items():
        write(name, table)


#: Table groups, in the order they are written.
_SECTIONS: tuple[Callable[[StudyArea, _Writer], None], ...] = (
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
    """Write every result of ``area`` as CSV into ``out_dir/tables`` and return the paths."""
    write = _Writer(out_dir / "tables", bool(area.provenance.get("illustrative")))
    for section in _SECTIONS:
        section(area, write)
    return write.written


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


def _result_dicts(results: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {name: result.to_dict() for name, result in results}


def write_run_record(
    area: StudyArea, config: Config, out_dir: Path, outputs: list[Path], timings: dict[str, float]
) -> Path:
    """``run.json``: inputs and their hashes, config, seeds, versions, every result's settings, outputs."""
    results = area.results
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
            "weights": results["weights"].to_dict(),
            "global": _result_dicts(results.get("global", {}).items()),
            "local": _result_dicts(results.get("local", {}).items()),
            "gap_table": results["gap_table"].to_dict() if "gap_table" in results else None,
            "regional": _result_dicts((k, results[k]) for k in ("lq", "shift_share", "klassen") if k in results),
            "covariates": _result_dicts(results.get("zonal", {}).items()),
            "density_surface": results["density"].to_dict() if "density" in results else None,
            "atlas": results["atlas"].to_dict() if "atlas" in results else None,
            "survey": _result_dicts(
                (k, results[k]) for k in ("survey_plan", "survey_scores", "gap_lisa", "ffa", "mpe") if k in results
            ),
            "skipped": dict(results.get("skipped", {})),
        },
        "versions": _versions(),
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "outputs": [
            {"path": str(p.relative_to(out_dir)), "bytes": p.stat().st_size, "sha256": _sha256(p)} for p in outputs
        ],
    }
    return _atomic.write_text(out_dir / "run.json", json.dumps(_jsonable(record), indent=2, ensure_ascii=False))


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
