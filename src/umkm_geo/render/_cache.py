"""The render cache: figures and report images reused when nothing they are made from has changed.

Drawing and saving the figures is most of a run's time; a second ``make maps`` on the same inputs
would draw the same pixels again. A figure set is therefore stored under a key, the sha256 of
everything its drawing reads:

- the study area (frame and results) and the render options, as pickled (sets in sorted order, so the
  bytes do not depend on the process's hash seed);
- every file of the installed umkm_geo package (code, locale words, templates);
- the versions of Python and of the drawing libraries, matplotlib's rc settings and the font file it
  resolves, and today's date (printed in every footer).

An object that cannot be pickled means no key: the figures are drawn, as without a cache. Entries live
in ``<cache>/render/figures/<key>/``, written into a temporary folder and renamed, so a run stopped
halfway leaves no entry; the :data:`MAX_ENTRIES` most recently used are kept. A hit copies the files
(never links them: an output edited by hand must not change the cache) and the caller replays the
warnings the drawing raised, so a warm run says what a cold one says.

The report's small copy of each figure (:func:`umkm_geo.render.report.figures.embedded`) is kept by the
sha256 of the PNG it is made from (:func:`derived`), in ``<cache>/render/images/``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import os
import pickle
import shutil
import sys
import types
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo.sources.registry import FetchedFile

__all__ = ["MAX_ENTRIES", "MAX_IMAGES", "REUSE_ENV", "derived", "enabled", "fetch", "render_key", "store"]

#: Entries kept in the cache (a Blitar run's figures take about 6 MB).
MAX_ENTRIES = 12

#: Report images kept (about 30 kB each).
MAX_IMAGES = 1000

#: ``UMKM_GEO_REUSE_FIGURES=0`` draws every figure again (the test suite sets it).
REUSE_ENV = "UMKM_GEO_REUSE_FIGURES"

#: Libraries whose version changes what a figure looks like.
_LIBRARIES = ("matplotlib", "numpy", "pandas", "shapely", "geopandas", "pyproj", "pillow", "mapclassify")

#: Package files that make up the drawing (code, words, templates).
_SOURCE_SUFFIXES = {".py", ".toml", ".html", ".css", ".js", ".json", ".c", ".txt"}


class _Hashing(pickle.Pickler):
    """A pickler for hashing: read-only mappings as dicts, sets in sorted order, source files by content.

    A source file read from the offline mirror on one run and from the download cache on the next
    is the same file (the same sha256): its local path and origin are left out of the key.
    """

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, FetchedFile):
            return tuple, ((obj.relpath, obj.sha256, obj.url),)
        if isinstance(obj, pd.DataFrame | pd.Series | pd.Index):
            return tuple, (_content(obj),)
        if isinstance(obj, types.MappingProxyType):
            return dict, (dict(obj),)
        if isinstance(obj, set | frozenset):
            try:
                return tuple, (tuple(sorted(obj)),)
            except TypeError:
                return tuple, (tuple(sorted(obj, key=repr)),)
        return NotImplemented


def _content(obj: pd.DataFrame | pd.Series | pd.Index) -> tuple[Any, ...]:
    """A pandas object by its content, not its memory layout.

    The same strings read from a parsed file and from its pickled copy sit in differently chunked
    Arrow arrays, whose pickles differ; their values hash the same.
    """
    if isinstance(obj, pd.DataFrame):
        columns = tuple(map(str, obj.columns))
        return ("frame", type(obj).__name__, dict(obj.attrs), columns, obj.index, *(obj[c] for c in obj.columns))
    if isinstance(obj, pd.Index):
        hashed = _values_digest(obj)
        if hashed is None:
            return ("index", str(obj.dtype), tuple(obj.names), tuple(obj.tolist()))
        return ("index", str(obj.dtype), tuple(obj.names), hashed)
    values = obj.array
    if str(obj.dtype) == "geometry":
        import shapely

        digest = hashlib.sha256(b"".join(shapely.to_wkb(np.asarray(values), hex=False, include_srid=True).tolist()))
        return ("geometry", obj.name, str(getattr(values, "crs", None)), obj.index, digest.hexdigest())
    hashed = _values_digest(obj)
    if hashed is None:  # Python objects: pickled as they are (exact, and a float never hashes as its text)
        return ("series", obj.name, dict(obj.attrs), str(obj.dtype), obj.index, tuple(obj.tolist()))
    return ("series", obj.name, dict(obj.attrs), str(obj.dtype), obj.index, hashed)


def _values_digest(obj: pd.Series | pd.Index) -> str | None:
    """sha256 of the values (``None`` for Python objects, which the caller pickles as they are).

    Numbers and dates by their bytes, strings and categories by pandas' hash of each value.
    """
    if isinstance(obj.dtype, np.dtype):
        if obj.dtype.kind in "biufcmM":
            return hashlib.sha256(np.ascontiguousarray(obj.to_numpy()).tobytes()).hexdigest()
        return None
    try:
        hashed = pd.util.hash_pandas_object(obj, index=False) if isinstance(obj, pd.Series) else None
        if hashed is None:
            hashed = pd.util.hash_pandas_object(obj)
    except TypeError:
        return None
    return hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()


@functools.cache
def _package_digest() -> str:
    """sha256 of every source file of the installed package, by relative path (read once per process)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _environment() -> str:
    """Versions, rc settings and the default font: what changes pixels outside the package."""
    from importlib import metadata

    import matplotlib
    from matplotlib import font_manager

    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    rc = sorted((key, repr(value)) for key, value in matplotlib.rcParams.items())
    font = font_manager.findfont(font_manager.FontProperties())
    return repr((sys.version, versions, rc, font, dt.date.today().isoformat()))


def render_key(*inputs: object) -> str | None:
    """The cache key of a figure set drawn from ``inputs``; ``None`` when they cannot be pickled."""
    buffer = io.BytesIO()
    try:
        _Hashing(buffer, protocol=5).dump(inputs)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None
    digest = hashlib.sha256(buffer.getvalue())
    digest.update(_package_digest().encode())
    digest.update(_environment().encode())
    return digest.hexdigest()


def enabled(root: Path | None) -> bool:
    """Whether figures are reused: a cache folder is set and ``UMKM_GEO_REUSE_FIGURES`` is not ``0``."""
    return root is not None and os.environ.get(REUSE_ENV, "1") != "0"


def fetch(root: Path | None, key: str | None, folder: Path) -> dict[str, Any] | None:
    """Copy the files of entry ``key`` into ``folder`` and return its manifest; ``None`` on a miss.

    The manifest is what :func:`store` was given (``manifest["files"]``: the file names, in order).
    A damaged entry (a file missing or the manifest unreadable) is a miss, and is removed.
    """
    if not enabled(root) or key is None:
        return None
    assert root is not None
    entry = root / "figures" / key
    try:
        manifest = json.loads((entry / "manifest.json").read_text(encoding="utf-8"))
        folder.mkdir(parents=True, exist_ok=True)
        for name in manifest["files"]:
            shutil.copyfile(entry / name, folder / name)
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(entry, ignore_errors=True)
        return None
    os.utime(entry)  # most recently used
    return dict(manifest)


def store(root: Path | None, key: str | None, files: list[Path], manifest: dict[str, Any]) -> None:
    """Keep ``files`` (by name) and ``manifest`` as entry ``key``; a cache that cannot be written is skipped.

    ``manifest`` must be JSON; ``manifest["files"]`` is set to the names of ``files``.
    """
    if not enabled(root) or key is None:
        return
    assert root is not None
    entry = root / "figures" / key
    partial = root / "figures" / f".{key}.{os.getpid()}.partial"
    try:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for path in files:
            shutil.copyfile(path, partial / path.name)
        record = {**manifest, "files": [path.name for path in files]}
        (partial / "manifest.json").write_text(json.dumps(record), encoding="utf-8")
        shutil.rmtree(entry, ignore_errors=True)
        partial.rename(entry)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        warnings.warn(
            f"The figures could not be kept in the cache {root} ({exc}); the next run draws them again.",
            UserWarning,
            stacklevel=2,
        )
        return
    _prune(entry.parent, MAX_ENTRIES)


def derived(root: Path | None, source: bytes, recipe: str, make: Callable[[], bytes]) -> bytes:
    """``make()``, kept under the sha256 of ``source`` and ``recipe`` (what ``make`` does to it) for the next run."""
    if not enabled(root):
        return make()
    assert root is not None
    folder = root / "images"
    path = folder / f"{hashlib.sha256(source + recipe.encode()).hexdigest()}.bin"
    try:
        data = path.read_bytes()
        os.utime(path)
        return data
    except OSError:
        pass
    data = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{path.name}.{os.getpid()}.partial"
        partial.write_bytes(data)
        partial.replace(path)
        if len(os.listdir(folder)) > MAX_IMAGES * 1.1:
            _prune(folder, MAX_IMAGES)
    except OSError:
        pass  # a cache that cannot be written only costs the next run the same work
    return data


def _prune(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` most recently used entries of ``folder`` (names starting with a dot are partial)."""
    entries = sorted(
        (path for path in folder.iterdir() if not path.name.startswith(".")),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for old in entries[keep:]:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
