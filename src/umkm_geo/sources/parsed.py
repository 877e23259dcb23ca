"""Parsed source files kept in the user cache, by the sha256 of the file and of its parser.

Parsing the SQL files of every desa of Indonesia (514 files, 600 MB of JSON in SQL) takes about 13 s,
and the Kepmendagri code list (91,000 rows) 0.7 s, the same work on every run for files whose bytes are
pinned. :func:`kept` stores a parsed result as a pickle in ``<cache>/parsed/``, named by the sha256
of the file (already checked against the registry by :func:`~umkm_geo.sources.registry.fetch`) and of
the parser's own source, so a changed parser parses again. An entry that cannot be read (another
pandas or shapely, a damaged file) is parsed again and replaced; a cache that cannot be written only
costs the next run the parse.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from umkm_geo.sources import wilayah_db, wilayah_sql
from umkm_geo.sources.registry import FetchedFile, default_cache_dir
from umkm_geo.sources.wilayah_sql import ParsedLayer

__all__ = ["kept", "parsed_codes", "parsed_layer"]

T = TypeVar("T")


@functools.cache
def _digest(parser_file: str) -> str:
    return hashlib.sha256(Path(parser_file).read_bytes()).hexdigest()[:16]


def kept(
    fetched: FetchedFile,
    cache_dir: str | os.PathLike[str] | None,
    parser_file: str,
    kind: type[T],
    make: Callable[[], T],
) -> T:
    """``make()`` (the parse of ``fetched`` by the module ``parser_file``), from the user cache if kept before."""
    folder = (Path(cache_dir) if cache_dir else default_cache_dir()) / "parsed"
    entry = folder / f"{fetched.sha256}-{_digest(parser_file)}.pickle"
    try:
        with entry.open("rb") as stream:
            found: Any = pickle.load(stream)
        if isinstance(found, kind):
            return found
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        pass
    result = make()
    partial = entry.with_name(f".{entry.name}.{os.getpid()}.partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as stream:
            pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(entry)
    except OSError:
        partial.unlink(missing_ok=True)
    return result


def parsed_layer(fetched: FetchedFile, cache_dir: str | os.PathLike[str] | None = None) -> ParsedLayer:
    """The parsed layer of a fetched boundary file (:func:`~umkm_geo.sources.wilayah_sql.parse_wilayah_sql`)."""
    layer = kept(fetched, cache_dir, wilayah_sql.__file__, ParsedLayer, lambda: parse_wilayah_sql(fetched.path))
    return dataclasses.replace(layer, source=fetched.path)


@functools.lru_cache(maxsize=4)
def _codes(path: Path, sha256: str, cache_dir: str | None) -> pd.DataFrame:
    fetched = FetchedFile(relpath="", path=path, sha256=sha256, origin="", url="")
    return kept(fetched, cache_dir, wilayah_db.__file__, pd.DataFrame, lambda: wilayah_db.code_list(path, sha256))


def parsed_codes(fetched: FetchedFile, cache_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The Kepmendagri code list of a fetched ``db/wilayah.sql`` (:func:`~umkm_geo.sources.wilayah_db.code_list`)."""
    return _codes(fetched.path, fetched.sha256, None if cache_dir is None else os.fspath(cache_dir)).copy()


def parse_wilayah_sql(path: Path) -> ParsedLayer:
    """:func:`umkm_geo.sources.wilayah_sql.parse_wilayah_sql` (looked up when called, so a test can replace it)."""
    return wilayah_sql.parse_wilayah_sql(path)
