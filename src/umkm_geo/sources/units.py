"""Boundaries at every unit of analysis: desa/kelurahan, kecamatan or kab/kota, for any region of Indonesia.

:func:`load_units` is what the pipeline calls with ``[study] level``:

- ``"kecamatan"`` (the default): :func:`umkm_geo.sources.boundaries.load_kecamatan`.
- ``"desa"``: the desa/kelurahan polygons of the pinned ``wilayah_boundaries_desa`` files (one per
  kab/kota, 83,403 polygons for Indonesia), named from the Kepmendagri 2025 code list (``wilayah``;
  the polygon's own name where the list has no row, noted). Each unit keeps its kecamatan
  (``kec_kode``, ``kec_nama``) and whether it is a ``desa`` or a ``kelurahan`` (``jenis``, from the
  first digit of the last part of its code: 1 kelurahan, 2 desa). Desa polygons share edges, so the
  weights hint is Queen contiguity.
- ``"kabupaten"``: the kab/kota polygons of the ``db/kab`` files (one per province); they were
  simplified one at a time, so the weights hint is fuzzy contiguity.

Every unit of the region is kept: a kelurahan is a unit like a desa, and a layer that does not
cover it (IDM covers desa only) leaves it without a value, shown as "no data".
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from umkm_geo._errors import DataSourceError, RegionError
from umkm_geo._progress import tick
from umkm_geo._validate import listing
from umkm_geo.sources.boundaries import NATIONAL, BoundarySet, load_kecamatan, national_region
from umkm_geo.sources.codes import in_region, parse_region, provinces_of
from umkm_geo.sources.desa_polygons import REGISTRY as DESA_REGISTRY
from umkm_geo.sources.desa_polygons import desa_file, kab_codes
from umkm_geo.sources.parsed import parsed_layer
from umkm_geo.sources.region_codes import fetch_codes
from umkm_geo.sources.registry import FetchedFile, Registry, fetch, load_registry

__all__ = ["LEVELS", "jenis_of", "load_units"]

#: The units of analysis of ``[study] level``.
LEVELS = ("desa", "kecamatan", "kabupaten")


def jenis_of(code: str) -> str:
    """``"kelurahan"`` or ``"desa"`` from a desa code's last part (``1xxx`` kelurahan, ``2xxx`` desa)."""
    return "kelurahan" if str(code).rsplit(".", 1)[-1].startswith("1") else "desa"


def load_units(
    region: str | Sequence[str],
    level: str = "kecamatan",
    *,
    topology: str = "auto",
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> BoundarySet:
    """The polygons of ``region`` at ``level`` (``"desa"``, ``"kecamatan"`` or ``"kabupaten"``).

    Raises
    ------
    RegionError
        The region selects no unit at this level.
    ConfigError
        ``level`` is not one of :data:`LEVELS` (checked by the config).
    """
    if level == "kecamatan":
        return load_kecamatan(region, topology=topology, mirror=mirror, cache_dir=cache_dir)
    if level == "desa":
        return load_desa(region, mirror=mirror, cache_dir=cache_dir)
    if level == "kabupaten":
        return load_kabupaten(region, mirror=mirror, cache_dir=cache_dir)
    msg = f"Unknown level {level!r}; choose one of {list(LEVELS)}."
    raise ValueError(msg)


def _names(codes: Sequence[str], mirror, cache_dir) -> tuple[dict[str, str], str]:
    """Names of the 2025 code list for ``codes`` and their parents, or ``{}`` and why not."""
    try:
        table, _ = fetch_codes(mirror=mirror, cache_dir=cache_dir)
    except DataSourceError as exc:
        return {}, f"the Kepmendagri 2025 code list could not be read ({exc}); names are the polygons' own"
    wanted = set(codes)
    wanted |= {c[:8] for c in codes} | {c[:5] for c in codes}
    rows = table[table["kode"].isin(wanted)]
    return dict(zip(rows["kode"], rows["nama"], strict=True)), ""


#: How each level's polygons were made, and the weights they call for.
_TOPOLOGY = {
    "desa": ("desa/kelurahan polygons as units (shared edges)", "queen"),
    "kabupaten": ("kab/kota polygons simplified one at a time (use fuzzy contiguity)", "fuzzy"),
}


def _boundary_set(
    frame: gpd.GeoDataFrame,
    codes: Sequence[str],
    read: _Read,
    reg: Registry,
    notes: tuple[str, ...],
    level: str,
) -> BoundarySet:
    """The boundary set of units at ``level`` read by :func:`_read_files`."""
    reason, hint = _TOPOLOGY[level]
    return BoundarySet(
        frame=frame,
        region=tuple(codes),
        topology={"method": level, "requested": level, "reason": reason, "weights_hint": hint},
        files=read.files,
        repaired=read.repaired,
        notes=notes,
        credit=reg.credit(),
    )


@dataclasses.dataclass(frozen=True)
class _Read:
    frame: pd.DataFrame  # kode (index, sorted), nama, geometry of the units in the region
    files: tuple[FetchedFile, ...]
    repaired: dict[str, tuple[str, ...]]
    without: list[str]  # "kode nama" of the region's units listed without a polygon


def _read_files(reg: Registry, relpaths: Sequence[str], codes: Sequence[str], mirror, cache_dir) -> _Read:
    """Fetch (checked) and parse the boundary files ``relpaths``; keep the units in ``codes``."""
    files: list[FetchedFile] = []
    parts = []
    repaired: dict[str, tuple[str, ...]] = {}
    without: list[str] = []
    for done, relpath in enumerate(relpaths, start=1):
        tick("boundaries", done, len(relpaths))
        fetched = fetch(reg, relpath, mirror=mirror, cache_dir=cache_dir)
        files.append(fetched)
        layer = parsed_layer(fetched, cache_dir)
        repaired[relpath] = layer.repaired
        parts.append(layer.frame[["kode", "nama", "geometry"]])
        without += [f"{kode} {nama}" for kode, nama, _ in layer.without_polygon if in_region(kode, codes)]
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[[in_region(str(c), codes) for c in frame["kode"]]].set_index("kode").sort_index()
    return _Read(frame, tuple(files), repaired, without)


def load_desa(
    region: str | Sequence[str],
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    registry: Registry | None = None,
) -> BoundarySet:
    """Desa/kelurahan polygons of ``region`` (province, kab/kota or kecamatan codes, or ``"all"``).

    The frame (indexed by the 10-digit ``kode``) has ``nama``, ``jenis``, ``kec_kode``, ``kec_nama``,
    ``kab_kode``, ``kab_nama``, ``prov_kode`` and ``geometry`` (EPSG:4326), sorted by code.
    """
    reg = registry or load_registry(DESA_REGISTRY)
    available = kab_codes(reg)
    national = isinstance(region, str) and region.strip().lower() in NATIONAL
    codes = tuple(sorted({k[:2] for k in available})) if national else parse_region(region)
    kabs = [k for k in available if any(in_region(k, [c]) or c.startswith(k + ".") for c in codes)]
    unknown = [c for c in codes if not any(in_region(k, [c]) or c.startswith(k + ".") for k in available)]
    if unknown:
        msg = (
            f"These region codes select no desa/kelurahan polygons: {listing(unknown)}. Check the codes"
            " (Kemendagri codes, e.g. 35.05 = Kabupaten Blitar; BPS codes such as 3505 differ)."
        )
        raise RegionError(msg)
    read = _read_files(reg, [desa_file(k) for k in kabs], codes, mirror, cache_dir)
    desa, without = read.frame, read.without
    if desa.empty:
        msg = f"The region {listing(codes)} selects no desa/kelurahan polygon."
        raise RegionError(msg)
    names, why = _names(list(desa.index), mirror, cache_dir)
    notes = [why] if why else []
    if without:
        notes.append(f"desa/kelurahan without a polygon in the boundary files (not mapped): {listing(without)}")
        warnings.warn(
            f"{len(without)} desa/kelurahan have no polygon in the boundary files and cannot be mapped:"
            f" {listing(without)}",
            UserWarning,
            stacklevel=2,
        )
    unnamed = [c for c in desa.index if c not in names]
    if names and unnamed:
        notes.append(f"not in the 2025 code list (the polygon's own name is used): {listing(unnamed)}")
        warnings.warn(
            f"{len(unnamed)} desa polygons are not in the Kepmendagri 2025 code list; their polygon names are"
            f" used: {listing(unnamed[:10])}",
            UserWarning,
            stacklevel=2,
        )
    index = pd.Index(desa.index, name="kode")
    kec = [c[:8] for c in index]
    kab_of = [c[:5] for c in index]
    frame = gpd.GeoDataFrame(
        {
            "nama": [names.get(c, str(n).strip()) for c, n in zip(index, desa["nama"], strict=True)],
            "jenis": [jenis_of(c) for c in index],
            "kec_kode": kec,
            "kec_nama": [names.get(k, k) for k in kec],
            "kab_kode": kab_of,
            "kab_nama": [names.get(k, k) for k in kab_of],
            "prov_kode": [c[:2] for c in index],
        },
        geometry=desa.geometry.to_numpy(),
        crs="EPSG:4326",
        index=index,
    )
    return _boundary_set(frame, codes, read, reg, tuple(notes), "desa")


def _kab_file(prov: str) -> str:
    return f"db/kab/wilayah_boundaries_kab_{prov}.sql"


def load_kabupaten(
    region: str | Sequence[str],
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    registry: Registry | None = None,
) -> BoundarySet:
    """Kab/kota polygons of ``region`` (province or kab/kota codes, or ``"all"``).

    The frame (indexed by ``kode`` such as ``35.05``) has ``nama``, ``kab_kode`` (the same code),
    ``kab_nama`` (the same name), ``prov_kode`` and ``geometry``.
    """
    reg = registry or load_registry()
    national = isinstance(region, str) and region.strip().lower() in NATIONAL
    codes = parse_region(national_region(reg) if national else region)
    too_fine = [c for c in codes if len(c.split(".")) > 2]
    if too_fine:
        msg = f"A kab/kota study needs province or kab/kota codes, not kecamatan codes: {listing(too_fine)}."
        raise RegionError(msg)
    read = _read_files(reg, [_kab_file(p) for p in provinces_of(codes)], codes, mirror, cache_dir)
    kab = read.frame
    notes = (f"units without a polygon (not mapped): {listing(read.without)}",) if read.without else ()
    empty = [c for c in codes if not any(in_region(k, [c]) for k in kab.index)]
    if empty:
        msg = f"These region codes select no kab/kota polygon: {listing(empty)}."
        raise RegionError(msg)
    index = pd.Index(kab.index, name="kode")
    frame = gpd.GeoDataFrame(
        {
            "nama": kab["nama"].astype(str).str.strip(),
            "kab_kode": list(index),
            "kab_nama": kab["nama"].astype(str).str.strip(),
            "prov_kode": [c[:2] for c in index],
        },
        geometry=kab.geometry.to_numpy(),
        crs="EPSG:4326",
        index=index,
    )
    return _boundary_set(frame, codes, read, reg, notes, "kabupaten")
