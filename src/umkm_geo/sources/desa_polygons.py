"""Which desa/kelurahan have a polygon: codes and names of the ``db/kel`` files, without geometry.

The registry ``wilayah_boundaries_desa`` pins the 514 desa/kelurahan files of cahyadsn/wilayah_boundaries
(one per kab/kota, 83,403 polygons). Matching a desa-level dataset to the polygons needs only their
codes, so this reads the code and name at the head of each row and skips the polygon text (about
1.5 s for the whole country). The polygons themselves are read by
:func:`umkm_geo.sources.wilayah_sql.parse_wilayah_sql`.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable
from pathlib import Path

from umkm_geo._errors import ParseError
from umkm_geo.sources.registry import FetchedFile, Registry, fetch, load_registry

REGISTRY = "wilayah_boundaries_desa"

# The head of a row: ('35.05.01.2001','Jaten', ... The path column holds only numbers and brackets, so
# a quote followed by a desa code can only start a row.
_HEAD = re.compile(rb"\(\s*'(\d{2}\.\d{2}\.\d{2}\.\d{4})'\s*,\s*'((?:[^'\\]|''|\\.)*)'\s*,")
_UNESCAPE = re.compile(r"''|\\(.)", re.S)


def desa_file(kab: str) -> str:
    """The registry path of kab/kota ``kab``'s desa/kelurahan polygons (``35.05`` -> ``db/kel/35/...``)."""
    return f"db/kel/{kab[:2]}/wilayah_boundaries_kel_{kab}.sql"


@dataclasses.dataclass(frozen=True)
class PolygonCodes:
    """Codes and names of the desa/kelurahan polygons of some kab/kota.

    Attributes
    ----------
    names
        ``kode -> nama`` of every polygon read.
    files
        The verified files read.
    without_file
        Kab/kota codes asked for that have no desa file in the registry.
    """

    names: dict[str, str]
    files: tuple[FetchedFile, ...]
    without_file: tuple[str, ...]


def scan_codes(path: str | Path) -> dict[str, str]:
    """``kode -> nama`` of the rows of one ``db/kel`` file (no geometry is read).

    Raises
    ------
    ParseError
        The file has no desa row, or a code appears twice.
    """
    data = Path(path).read_bytes()
    out: dict[str, str] = {}
    for m in _HEAD.finditer(data):
        kode = m.group(1).decode("ascii")
        if kode in out:
            msg = f"{path}: kode {kode} appears twice."
            raise ParseError(msg)
        name = m.group(2).decode("utf-8")
        out[kode] = _UNESCAPE.sub(lambda u: "'" if u.group(0) == "''" else u.group(1), name).strip()
    if not out:
        msg = f"{path}: no desa/kelurahan rows found; is this a wilayah_boundaries db/kel file?"
        raise ParseError(msg)
    return out


def polygon_codes(
    kabs: Iterable[str],
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    registry: Registry | None = None,
) -> PolygonCodes:
    """Codes and names of the desa/kelurahan polygons of the kab/kota ``kabs`` (``"35.05"``, ...)."""
    reg = registry or load_registry(REGISTRY)
    names: dict[str, str] = {}
    files: list[FetchedFile] = []
    without: list[str] = []
    for kab in sorted(set(kabs)):
        relpath = desa_file(kab)
        if relpath not in reg.files:
            without.append(kab)
            continue
        fetched = fetch(reg, relpath, mirror=mirror, cache_dir=cache_dir)
        files.append(fetched)
        names.update(scan_codes(fetched.path))
    return PolygonCodes(names=names, files=tuple(files), without_file=tuple(without))


def kab_codes(registry: Registry | None = None) -> tuple[str, ...]:
    """Every kab/kota code with a desa file in the registry."""
    reg = registry or load_registry(REGISTRY)
    stems = (Path(p).stem for p in reg.files if p.startswith("db/kel/"))
    return tuple(sorted(s.rsplit("_", 1)[-1] for s in stems))
