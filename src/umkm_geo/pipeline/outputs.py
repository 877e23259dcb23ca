"""Writers of the run's tables (``<output>/tables/*.csv``) and record (``<output>/run.json``), and the output set.

Every statistic lands in a table next to the settings that produced it (permutations, seed,
alternative, correction, weights); tables made from illustrative data carry the illustrative note on
every row. Every file is written atomically.

:func:`staged_output` gives a run a staging folder inside the output folder and installs what was
written there as one set (``maps/``, ``tables/``, ``report.html``, ``run.json``), replacing the previous
set as a whole; see :func:`umkm_geo.pipeline.run.run` for the sequence and what it guarantees.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from umkm_geo import _atomic
from umkm_geo._errors import OutputError
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

__all__ = [
    "PACKAGES",
    "QA_FILE",
    "SET_ENTRIES",
    "StagedOutput",
    "staged_output",
    "stamped",
    "write_join_qa",
    "write_run_record",
    "write_tables",
]

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

    A table whose note column (``catatan_data``, ``Catatan data`` or ``keterangan``) already holds the
    note on every row is returned as it is; a note column of other text (e.g. a user's own
    ``keterangan``) is kept and the note is added beside it.
    """
    if not illustrative:
        return table
    for column in ("catatan_data", "Catatan data", "keterangan"):
        if column in table and (table[column] == ILLUSTRATIVE_NOTE).all():
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

    def __call__(self, name: str, table: pd.DataFrame, *, index: bool = False) -> None:
        frame = table.reset_index() if index else table
        flag = self.illustrative(name) if callable(self.illustrative) else self.illustrative
        text = stamped(frame, flag).to_csv(index=False)
        self.written.append(_atomic.write_text(self.folder / f"{name}.csv", text))


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
    """Write every result of ``area`` as CSV into ``out_dir/tables`` and return the paths."""
    columns = list(area.frame.columns)
    write = _Writer(
        out_dir / "tables",
        lambda name: is_illustrative(area.provenance, table_components(name, area.results, columns)),
    )
    for section in _SECTIONS:
        section(area, write)
    return write.written


def _asks_demo(config: Config) -> bool:
    """Whether the config asks for any generated (demo) input."""
    return "demo" in (config.data.umkm, config.survey.responses, config.ffa.factors, config.products.table)


def _result_dicts(results: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """``to_dict()`` of each result that was computed (``None`` ones are left out), by name."""
    return {name: result.to_dict() for name, result in results if result is not None}


def write_run_record(
    area: StudyArea, config: Config, out_dir: Path, outputs: list[Path], timings: dict[str, float]
) -> Path:
    """``run.json``: inputs and their hashes, config, seeds, versions, every result's settings, outputs."""
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
            "skipped": dict(results.skipped),
        },
        "versions": {"python": platform.python_version(), **versions(*PACKAGES, suffix="")},
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
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


# --- the output set: staged, then installed as a whole ------------------------------------------

#: What a run owns in the output folder and replaces as a whole (in this order: ``run.json`` leaves
#: first and comes back last). Anything else there (``.gitkeep``, the ``join_qa.csv`` of ``validate``,
#: the user's own files) is never touched.
SET_ENTRIES = ("run.json", "maps", "tables", "report.html")
#: ``validate``, and a run stopped by the join, write the join QA table here, outside the set.
QA_FILE = "join_qa.csv"

_HIDDEN = ".umkm-geo"
_STAGING, _READY, _OLD = f"{_HIDDEN}.staging-", f"{_HIDDEN}.ready-", f"{_HIDDEN}.old-"
_CHOOSE = "choose another folder with --output or [output] dir"


class StagedOutput:
    """The staging folder of one run inside the output folder; :meth:`commit` installs it as the set.

    Attributes
    ----------
    target
        The output folder.
    path
        The staging folder: write every output of the run here, at the path it will have under
        ``target`` (``maps/...``, ``tables/...``, ``report.html``, ``run.json``).
    committed
        Whether :meth:`commit` installed the set.
    """

    def __init__(self, target: Path, path: Path, tag: str) -> None:
        self.target = target
        self.path = path
        self.committed = False
        self._tag = tag

    def commit(self) -> None:
        """Replace the output set in :attr:`target` with the staged one, as a whole.

        Raises
        ------
        OutputError
            Files umkm_geo did not write appeared where the set goes during the run (the staged set
            is then discarded and the previous set stays), or a rename failed.
        """
        missing = [entry for entry in SET_ENTRIES if not (self.path / entry).exists()]
        if missing:
            msg = f"internal error: the staged output set lacks {missing}"
            raise RuntimeError(msg)
        ready, old = self.target / f"{_READY}{self._tag}", self.target / f"{_OLD}{self._tag}"
        installed = False
        try:
            with _signals_deferred():  # a Ctrl-C or SIGTERM now is delivered right after the renames
                _refuse_unknown(self.target)
                try:
                    os.rename(self.path, ready)  # the commit point: from here on the new set gets installed
                except OSError as exc:
                    raise _output_error(self.target, exc) from exc
                self.path, self.committed = ready, True
                try:
                    _install(self.target, ready, old)
                except OSError as exc:
                    msg = (
                        f"The new outputs could not be moved into {self.target} ({exc.strerror}: {exc.filename})."
                        " Run umkm-geo again once the folder is writable: it first finishes installing them."
                    )
                    raise OutputError(msg) from exc
                installed = True
        finally:
            if installed:
                _discard(old)
                _discard(ready)


@contextlib.contextmanager
def staged_output(target: str | os.PathLike[str]) -> Iterator[StagedOutput]:
    """Lock the output folder, tidy it, check it and give the run a staging folder inside it.

    On entry: the output folder is created if needed; a set a killed run left half-installed is
    completed and stale staging folders of killed runs are removed; files umkm_geo did not write where
    the set goes stop the run before any work. On exit without :meth:`StagedOutput.commit` (an
    error, Ctrl-C, SIGTERM), the staging folder is removed and the previous set is untouched.

    Raises
    ------
    OutputError
        The folder cannot be created or written, another run holds it, or it holds unknown files
        where the set goes.
    """
    target = Path(target)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _output_error(target, exc) from exc
    with _locked(target):
        _recover(target)
        _refuse_unknown(target)
        tag = f"{os.getpid()}-{time.time_ns()}"
        path = target / f"{_STAGING}{tag}"
        try:
            os.mkdir(path)
        except OSError as exc:
            raise _output_error(target, exc) from exc
        stage = StagedOutput(target, path, tag)
        try:
            yield stage
        finally:
            if not stage.committed:
                with _signals_deferred():
                    _discard(path)


def write_join_qa(table: pd.DataFrame, out_dir: str | os.PathLike[str]) -> Path:
    """Write the join QA table to ``<out_dir>/join_qa.csv`` atomically (outside the output set)."""
    path = Path(out_dir) / QA_FILE
    try:
        return _atomic.write_text(path, table.to_csv(index=False))
    except OSError as exc:
        raise _output_error(Path(out_dir), exc) from exc


def _output_error(target: Path, exc: OSError) -> OutputError:
    # name the file at fault, unless it is the folder itself or the run's own staging folder
    file = Path(exc.filename) if exc.filename else target
    where = "" if file == target or file.name.startswith(_HIDDEN) else f" ({file})"
    if isinstance(exc, FileExistsError | NotADirectoryError) or (target.exists() and not target.is_dir()):
        msg = f"The output folder {target} cannot be made: {exc.strerror}{where}. Give a folder path, or {_CHOOSE}."
    else:
        msg = (
            f"Cannot write to the output folder {target}: {exc.strerror}{where}. Make it writable, or {_CHOOSE}."
            " The previous outputs there are untouched."
        )
    return OutputError(msg)


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder (released by the kernel even if the run is killed)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: one run at a time per output folder is then up to the user
        yield
        return
    try:
        fd = os.open(target, os.O_RDONLY)
    except OSError as exc:
        raise _output_error(target, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            msg = f"Another umkm-geo run is writing to {target}. Wait until it has finished, or {_CHOOSE}."
            raise OutputError(msg) from None
        except OSError:
            pass  # a file system without locks (some network shares): go on unlocked
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM during the block (a few renames) and deliver them right after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(sig)
        if handler is not None:  # None: a handler set outside Python, which cannot be restored
            previous[sig] = handler
            signal.signal(sig, lambda signum, _frame: received.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for number in dict.fromkeys(received):
            signal.raise_signal(signal.Signals(number))


def _install(target: Path, ready: Path, old: Path) -> None:
    """Move the set in ``target`` aside into ``old``, then the set in ``ready`` into ``target``.

    Safe to repeat after an interruption at any point: an entry still in ``ready`` has not been
    installed, so the entry of that name in ``target`` (if any) is an old one.
    """
    old.mkdir(exist_ok=True)
    for entry in SET_ENTRIES:
        if _lexists(ready / entry) and _lexists(target / entry):
            os.rename(target / entry, _free(old / entry))
    for entry in SET_ENTRIES:
        if _lexists(ready / entry):
            os.rename(ready / entry, target / entry)


def _recover(target: Path) -> None:
    """Finish a swap a killed run left half done, and remove the folders killed runs left behind."""
    try:
        for ready in sorted(target.glob(f"{_READY}*")):
            if any(_lexists(ready / entry) for entry in SET_ENTRIES):
                _install(target, ready, target / f"{_OLD}{ready.name[len(_READY) :]}")
                warnings.warn(
                    f"A run killed while installing its outputs left them half in place in {target};"
                    " its complete set was installed before this run started.",
                    UserWarning,
                    stacklevel=4,
                )
        for leftover in (*target.glob(f"{_STAGING}*"), *target.glob(f"{_OLD}*"), *target.glob(f"{_READY}*")):
            _discard(leftover)
    except OSError as exc:
        raise _output_error(target, exc) from exc


def _refuse_unknown(target: Path) -> None:
    unknown = _unknown_files(target)
    if not unknown:
        return
    shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
    msg = (
        f"The output folder {target} holds files umkm-geo did not write (no run.json there lists them): {shown}."
        " A run replaces maps/, tables/, report.html and run.json as a whole and would delete them."
        f" Move them out of {target} (or delete them), or {_CHOOSE}. Nothing was written."
    )
    raise OutputError(msg)


def _unknown_files(target: Path) -> list[str]:
    """Files (and links) where the set goes that the set's ``run.json`` does not list."""
    present: list[str] = []
    for entry in SET_ENTRIES:
        path = target / entry
        if path.is_dir() and not path.is_symlink():
            for root, dirs, files in os.walk(path):
                here = Path(root)
                rel = here.relative_to(target)
                present += [(rel / name).as_posix() for name in sorted(files)]
                present += [(rel / name).as_posix() for name in sorted(dirs) if (here / name).is_symlink()]
        elif _lexists(path):
            present.append(entry)
    if not present:
        return []
    listed = _manifest(target)
    return [name for name in present if name not in listed]


def _manifest(target: Path) -> set[str]:
    """The files of the set in ``target``: those its ``run.json`` lists, and ``run.json``."""
    try:
        record = json.loads((target / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(record, dict) or record.get("tool") != "umkm_geo" or not isinstance(record.get("outputs"), list):
        return set()
    return {str(item["path"]) for item in record["outputs"] if isinstance(item, dict) and "path" in item} | {"run.json"}


def _lexists(path: Path) -> bool:
    return os.path.lexists(path)


def _free(path: Path) -> Path:
    candidate, n = path, 0
    while _lexists(candidate):
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate


def _discard(path: Path) -> None:
    """Remove a folder (or file) of the toolkit's own; what cannot be removed now goes at the next run."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif _lexists(path):
        with contextlib.suppress(OSError):
            path.unlink()
