"""The output set: a staging folder for a run, installed as one set or not at all.

:func:`staged_output` gives a run a staging folder inside the output folder and installs what was
written there as one set (``maps/``, ``tables/``, ``report.html``, ``run.json``), replacing the previous
set as a whole; see :func:`umkm_geo.pipeline.run.run` for the sequence and what it guarantees.
:func:`write_join_qa` writes the join QA table beside the set (``validate`` and a stopped run).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from umkm_geo import _atomic
from umkm_geo._errors import OutputError

__all__ = ["QA_FILE", "SET_ENTRIES", "StagedOutput", "staged_output", "write_join_qa"]

#: What a run owns in the output folder and replaces as a whole (in this order: ``run.json`` leaves
#: first and comes back last). Anything else there (``.gitkeep``, the ``join_qa.csv`` of ``validate``,
#: the user's own files) is never touched.
SET_ENTRIES = ("run.json", "maps", "tables", "lapisan", "report.html")

#: The folder of the ``[[layers]]`` (one folder per layer), part of every set.
LAYER_ENTRY = "lapisan"


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
        # a run without [[layers]] installs an empty lapisan/, so that an older run's layers never linger
        (self.path / LAYER_ENTRY).mkdir(exist_ok=True)
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
        " A run replaces maps/, tables/, lapisan/, report.html and run.json as a whole and would delete them."
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
