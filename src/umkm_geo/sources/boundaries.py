"""Kecamatan boundaries for a study area from the pinned wilayah_boundaries files.

The upstream kecamatan polygons were simplified one at a time, so neighbours do not share vertices
and plain contiguity finds false islands. Where desa/kelurahan files exist (``db/kel/<prov>/``), the
default ``topology="auto"`` builds each kecamatan by dissolving its desa, whose edges are shared;
elsewhere it keeps the kecamatan polygons and the weights stage must use fuzzy contiguity. The
choice is recorded in :attr:`BoundarySet.topology`.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon

from umkm_geo._crs import EQUAL_AREA_CRS
from umkm_geo._errors import ConfigError, RegionError
from umkm_geo._validate import listing
from umkm_geo.sources.codes import code_level, in_region, parse_region, provinces_of
from umkm_geo.sources.parsed import parsed_layer
from umkm_geo.sources.registry import FetchedFile, Registry, fetch, load_registry
from umkm_geo.sources.wilayah_sql import read_names

TOPOLOGIES = ("auto", "desa", "kecamatan")

#: Holes left between desa polygons below this area (m², equal-area CRS) are digitising slivers.
SLIVER_M2 = 50_000.0


@dataclasses.dataclass(frozen=True)
class BoundarySet:
    """Kecamatan polygons of a study area and how they were made.

    Attributes
    ----------
    frame
        GeoDataFrame (EPSG:4326) indexed by ``kode`` with ``nama``, ``kab_kode``, ``kab_nama``,
        ``prov_kode``, ``n_desa`` (desa dissolved; 0 when the kecamatan polygon was used) and
        ``geometry``, sorted by code.
    region
        The region codes selected.
    topology
        ``{"method": "desa" | "kecamatan", "requested": ..., "reason": ..., ...}``; with ``"desa"``
        the polygons share edges (use Queen contiguity), with ``"kecamatan"`` use fuzzy contiguity.
    files
        The verified upstream files read.
    repaired
        Codes whose geometry was invalid as stored and was repaired, by file.
    notes
        Anything the user should know (kecamatan without desa, desa outside the kecamatan list).
    repairs
        One row per repaired unit of a user's file: ``kode``, ``nama``, ``masalah`` (why it was
        invalid), area before and after the repair (km²) and the change in per cent.
    """

    frame: gpd.GeoDataFrame
    region: tuple[str, ...]
    topology: Mapping[str, Any]
    files: tuple[FetchedFile, ...]
    repaired: Mapping[str, tuple[str, ...]]
    notes: tuple[str, ...]
    credit: str
    repairs: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)

    def provenance(self) -> dict[str, Any]:
        """JSON-ready provenance for the run record."""
        return {
            "boundaries": {
                "source": "cahyadsn/wilayah_boundaries",
                "credit": self.credit,
                "files": [f.record() for f in self.files],
                "repaired_geometries": {k: list(v) for k, v in self.repaired.items() if v},
                "repairs": self.repairs.to_dict(orient="records"),
                "notes": list(self.notes),
            },
            "topology": dict(self.topology),
        }


def _kec_file(prov: str) -> str:
    return f"db/kec/wilayah_boundaries_kec_{prov}.sql"


def _kab_file(prov: str) -> str:
    return f"db/kab/wilayah_boundaries_kab_{prov}.sql"


def _desa_file(kab: str) -> str:
    return f"db/kel/{kab[:2]}/wilayah_boundaries_kel_{kab}.sql"


#: Region names that select every province of the boundary data (the national kecamatan layer).
NATIONAL = ("all", "indonesia", "nasional")


def national_region(registry: Registry) -> str:
    """Every province code that has a kecamatan file in ``registry``, comma-separated."""
    provinces = sorted(
        Path(relpath).stem.rsplit("_", 1)[-1] for relpath in registry.files if relpath.startswith("db/kec/")
    )
    return ",".join(provinces)


def load_kecamatan(
    region: str | Sequence[str],
    *,
    topology: str = "auto",
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    registry: Registry | None = None,
) -> BoundarySet:
    """Load the kecamatan of ``region`` from the pinned upstream files.

    Parameters
    ----------
    region
        Province, kab/kota or kecamatan codes, e.g. ``"35.05,35.72"`` (Blitar) or ``"35"``;
        ``"all"`` (or ``"indonesia"``) selects every province (:data:`NATIONAL`).
    topology
        ``"auto"`` (desa dissolve where the registry has desa files for every kab/kota of the
        area, else kecamatan polygons), ``"desa"`` (require the dissolve) or ``"kecamatan"``.
    mirror, cache_dir
        Offline mirror and download cache (see :func:`umkm_geo.sources.registry.fetch`).
    registry
        Registry to read; defaults to the shipped ``wilayah_boundaries`` manifest.
    """
    if topology not in TOPOLOGIES:
        msg = f"Unknown topology {topology!r}; choose one of {list(TOPOLOGIES)}."
        raise ConfigError(msg)
    reg = registry or load_registry()
    if isinstance(region, str) and region.strip().lower() in NATIONAL:
        region = national_region(reg)
    codes = parse_region(region)
    files: list[FetchedFile] = []
    repaired: dict[str, tuple[str, ...]] = {}
    notes: list[str] = []

    def get(relpath: str) -> FetchedFile:
        fetched = fetch(reg, relpath, mirror=mirror, cache_dir=cache_dir)
        files.append(fetched)
        return fetched

    kec_parts = []
    kab_names: dict[str, str] = {}
    for prov in provinces_of(codes):
        layer = parsed_layer(get(_kec_file(prov)), cache_dir)
        repaired[_kec_file(prov)] = layer.repaired
        _note_without_polygon(layer, codes, notes)
        kec_parts.append(layer.frame)
        kab_names.update(read_names(get(_kab_file(prov)).path))
    kec = pd.concat(kec_parts, ignore_index=True)
    all_kec_codes = set(kec["kode"])
    kec = kec[[in_region(c, codes) for c in kec["kode"]]]
    _check_selection(codes, kec["kode"].tolist())
    kec = gpd.GeoDataFrame(kec, geometry="geometry", crs="EPSG:4326")
    kabs = sorted({c[:5] for c in kec["kode"]})

    desa_paths = [_desa_file(k) for k in kabs]
    have_desa = all(p in reg.files for p in desa_paths)
    missing = [k for k, p in zip(kabs, desa_paths, strict=True) if p not in reg.files]
    method, reason = _choose_topology(topology, have_desa, missing)

    kec = kec.set_index("kode").sort_index()
    kec["n_desa"] = 0
    if method == "desa":
        desa_parts = []
        for relpath in desa_paths:
            layer = parsed_layer(get(relpath), cache_dir)
            repaired[relpath] = layer.repaired
            _note_without_polygon(layer, codes, notes)
            desa_parts.append(layer.frame)
        desa = pd.concat(desa_parts, ignore_index=True)
        kec, desa_notes = _dissolve_desa(kec, desa, all_kec_codes)
        notes.extend(desa_notes)

    frame = gpd.GeoDataFrame(
        {
            "nama": kec["nama"],
            "kab_kode": [c[:5] for c in kec.index],
            "kab_nama": [kab_names.get(c[:5], c[:5]) for c in kec.index],
            "prov_kode": [c[:2] for c in kec.index],
            "n_desa": kec["n_desa"].astype(int),
        },
        geometry=kec.geometry,
        crs="EPSG:4326",
        index=pd.Index(kec.index, name="kode"),
    )
    topo = {
        "method": method,
        "requested": topology,
        "reason": reason,
        "weights_hint": "queen" if method == "desa" else "fuzzy",
    }
    return BoundarySet(
        frame=frame,
        region=codes,
        topology=topo,
        files=tuple(files),
        repaired=repaired,
        notes=tuple(notes),
        credit=reg.credit(),
    )


def _note_without_polygon(layer: Any, region: Sequence[str], notes: list[str]) -> None:
    """Units of ``region`` the upstream file lists without a polygon: a note and a warning, never silent."""
    units = [f"{kode} {nama}" for kode, nama, _ in layer.without_polygon if in_region(kode, region)]
    if units:
        notes.append(f"{layer.source.name}: units without a polygon (not mapped): {listing(units)}")
        warnings.warn(
            f"{layer.source.name}: {len(units)} units have no polygon and cannot be mapped: {listing(units)}",
            UserWarning,
            stacklevel=3,
        )


def _check_selection(region: Sequence[str], found: Sequence[str]) -> None:
    empty = [r for r in region if not any(in_region(c, [r]) for c in found)]
    if empty:
        levels = ", ".join(f"{r} ({'kecamatan' if code_level(r) == 3 else 'region'})" for r in empty)
        msg = (
            f"These region codes select no kecamatan in the boundary data: {levels}. Check the codes"
            " (Kemendagri codes, e.g. 35.05 = Kabupaten Blitar; BPS codes such as 3505 differ)."
        )
        raise RegionError(msg)


def _choose_topology(requested: str, have_desa: bool, missing_kabs: list[str]) -> tuple[str, str]:
    if requested == "kecamatan":
        return "kecamatan", "requested: upstream kecamatan polygons (use fuzzy contiguity)"
    if have_desa:
        return "desa", "kecamatan built by dissolving their desa/kelurahan polygons (shared edges)"
    if requested == "desa":
        msg = (
            f"topology = 'desa' needs desa files, but the registry has none for kab/kota {missing_kabs}"
            " (desa files exist for Jawa Timur, 35). Use topology = 'auto' or 'kecamatan'."
        )
        raise ConfigError(msg)
    return "kecamatan", (
        f"no desa files for kab/kota {listing(missing_kabs)}: upstream kecamatan polygons, which do not share"
        " vertices; weights use fuzzy contiguity"
    )


def _dissolve_desa(
    kec: gpd.GeoDataFrame, desa: gpd.GeoDataFrame, all_kec_codes: set[str]
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Replace each kecamatan polygon by the union of its desa polygons."""
    notes: list[str] = []
    desa = desa.assign(kec_kode=desa["kode"].str.slice(0, 8))
    orphans = desa[~desa["kec_kode"].isin(all_kec_codes)]
    if len(orphans):
        # A code mismatch between the upstream layers: listed, never dropped silently.
        listed = ", ".join(f"{r.kode} {r.nama}" for r in orphans.itertuples())
        notes.append(f"desa whose kecamatan code is not in the kecamatan layer (not used): {listed}")
        warnings.warn(f"Desa without a kecamatan in the kecamatan layer (not used): {listed}", stacklevel=3)
    selected = desa[desa["kec_kode"].isin(kec.index)]
    geoms = selected.groupby("kec_kode")["geometry"].agg(lambda s: shapely.union_all(s.values))
    counts = selected.groupby("kec_kode").size()
    out = kec.copy()
    filled = 0
    for code, geom in geoms.items():
        clean, n_filled = _fill_slivers(shapely.make_valid(geom))
        filled += n_filled
        out.loc[code, "geometry"] = clean
        out.loc[code, "n_desa"] = int(counts[code])
    if filled:
        notes.append(f"{filled} sliver holes smaller than {SLIVER_M2 / 1e4:g} ha between desa polygons were filled")
    no_desa = [c for c in out.index if c not in geoms.index]
    if no_desa:
        names = ", ".join(f"{c} {out.loc[c, 'nama']}" for c in no_desa)
        notes.append(f"kecamatan without desa polygons (kept their kecamatan polygon): {names}")
        warnings.warn(
            f"Kecamatan without desa polygons keep their simplified kecamatan polygon: {names}",
            stacklevel=3,
        )
    return out, notes


def _fill_slivers(geom: shapely.Geometry) -> tuple[shapely.Geometry, int]:
    """Drop interior rings smaller than :data:`SLIVER_M2`; rings are kept in their original CRS.

    Areas are measured in the equal-area CRS, but the polygon is rebuilt from its untouched
    EPSG:4326 rings so shared vertices with neighbours stay identical.
    """
    polys = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    rebuilt: list[Polygon] = []
    filled = 0
    for poly in polys:
        if not isinstance(poly, Polygon):
            continue
        holes = [shapely.Polygon(r) for r in poly.interiors]
        if not holes:
            rebuilt.append(poly)
            continue
        areas = gpd.GeoSeries(holes, crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area.to_numpy()
        keep = [r for r, a in zip(poly.interiors, areas, strict=True) if a >= SLIVER_M2]
        filled += len(holes) - len(keep)
        rebuilt.append(Polygon(poly.exterior, keep))
    if isinstance(geom, MultiPolygon) or len(rebuilt) > 1:
        return MultiPolygon(rebuilt), filled
    return rebuilt[0], filled
