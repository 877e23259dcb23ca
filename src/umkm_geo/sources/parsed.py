"""Parsed boundary files kept in the user cache, by the sha256 of the file and of the parser.

Parsing the SQL files of every desa of Indonesia (514 files, 600 MB of JSON in SQL) takes about 13 s a
run, the same work each time for files whose bytes are pinned. :func:`parsed_layer` keeps each
:class:`~umkm_geo.sources.wilayah_sql.ParsedLayer` as a pickle in ``<cache>/parsed/``, named by the
sha256 of the file (already checked against the registry by
:func:`~umkm_geo.sources.registry.fetch`) and of the parser's own source, so a changed parser parses
again. An entry that cannot be read (a different geopandas or shapely, a damaged file) is parsed again
and replaced; a cache that cannot be written only costs the next run the parse.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
from pathlib import Path

from umkm_geo.sources import wilayah_sql
from umkm_geo.sources.registry import FetchedFile, default_cache_dir
from umkm_geo.sources.wilayah_sql import ParsedLayer, parse_wilayah_sql

__all__ = ["parsed_layer"]


@functools.cache
def _parser_digest() -> str:
    return hashlib.sha256(Path(wilayah_sql.__file__).read_bytes()).hexdigest()[:16]


def parsed_layer(fetched: FetchedFile, cache_dir: str | os.PathLike[str] | None = None) -> ParsedLayer:
    """The parsed layer of a fetched boundary file, from the user cache when it was parsed before."""
    folder = (Path(cache_dir) if cache_dir else default_cache_dir()) / "parsed"
    entry = folder / f"{fetched.sha256}-{_parser_digest()}.pickle"
    try:
        with entry.open("rb") as stream:
            layer = pickle.load(stream)
        if isinstance(layer, ParsedLayer):
            return dataclasses.replace(layer, source=fetched.path)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        pass
    layer = parse_wilayah_sql(fetched.path)
    partial = entry.with_name(f".{entry.name}.{os.getpid()}.partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as stream:
            pickle.dump(layer, stream, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(entry)
    except OSError:
        partial.unlink(missing_ok=True)
    return layer
