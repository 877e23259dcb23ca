"""A user's own kecamatan boundary file (GeoJSON, Shapefile, GeoPackage, GeoParquet).

Codes may be Kemendagri codes (``35.05.01`` or ``350501``) or BPS codes (``3505010``, COD-AB
``ID3505010``); BPS codes are mapped to Kemendagri codes through a crosswalk table, never by
position. Every feature whose code cannot be mapped is reported by row and value.

The file is checked before use, because a wrong coordinate system passes every later step and only
fails (or, worse, draws a wrong map) deep in the pipeline: a file with no CRS, coordinates in metres
under a degree CRS (or degrees under a metre CRS), latitude and longitude swapped, or features
outside Indonesia stop with a message that names the file and the problem. Empty, null and
non-polygon features are named. Invalid polygons are repaired with ``make_valid``; the area change
of each repaired unit is kept in :attr:`BoundarySet.repairs` and a warning names every unit whose
area changed by more than 1 %.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from umkm_geo._crs import EQUAL_AREA_CRS, GEOGRAPHIC_CRS
from umkm_geo._errors import DataSourceError
from umkm_geo._provenance import file_sha256
from umkm_geo._validate import listing
from umkm_geo.sources.boundaries import BoundarySet
from umkm_geo.sources.codes import (
    bps_to_kemendagri,
    in_region,
    normalise_code,
    parse_region,
    shipped_crosswalk,
)
from umkm_geo.sources.registry import FetchedFile

_READERS = {".parquet": gpd.read_parquet, ".geoparquet": gpd.read_parquet}


def read_boundary_file(
    path: str | Path,
    *,
    code_column: str,
    name_column: str,
    kab_name_column: str | None = None,
    region: str | None = None,
    layer: str | None = None,
    crosswalk: pd.DataFrame | None = None,
) -> BoundarySet:
    """Read kecamatan polygons from a user's file into a :class:`BoundarySet`.

    Parameters
    ----------
    path
        GeoJSON, Shapefile (``.shp``), GeoPackage or GeoParquet file.
    code_column, name_column
        Columns with the kecamatan code (Kemendagri or BPS) and name.
    kab_name_column
        Optional column with the kab/kota name.
    region
        Keep only the kecamatan inside these Kemendagri codes (default: every feature).
    layer
        Layer of a multi-layer file (GeoPackage).
    crosswalk
        BPS-to-Kemendagri crosswalk (default: the shipped Blitar crosswalk).

    Raises
    ------
    DataSourceError
        Missing file or column, no CRS, codes that cannot be mapped, or duplicate codes (all
        listed).
    """
    file = Path(path)
    if not file.exists():
        msg = f"Boundary file {file} does not exist."
        raise DataSourceError(msg)
    reader = _READERS.get(file.suffix.lower())
    try:
        frame = reader(file) if reader else gpd.read_file(file, layer=layer)
    except Exception as exc:  # pyogrio/arrow raise many types
        msg = f"{file}: cannot read it as a vector file ({type(exc).__name__}: {exc})."
        raise DataSourceError(msg) from exc
    for col in (code_column, name_column, kab_name_column):
        if col is not None and col not in frame.columns:
            msg = f"{file}: no column {col!r}; the columns are {[c for c in frame.columns if c != 'geometry']}."
            raise DataSourceError(msg)
    _check_features(frame, file, name_column)
    frame = _check_coordinates(frame, file, name_column)
    raw_codes = frame[code_column].astype(str).str.strip()
    codes = [normalise_code(c) for c in raw_codes]
    need_bps = [r for r, c in zip(raw_codes, codes, strict=True) if c is None]
    mapped: dict[str, str | None] = {}
    if need_bps:
        mapped = bps_to_kemendagri(need_bps, crosswalk if crosswalk is not None else shipped_crosswalk())
    final = [c if c is not None else mapped.get(r) for r, c in zip(raw_codes, codes, strict=True)]
    bad = [
        f"feature {i} ({frame.iloc[i][name_column]}): code {raw_codes.iloc[i]!r}"
        for i, c in enumerate(final)
        if c is None
    ]
    if bad:
        msg = (
            f"{file}: {len(bad)} feature(s) whose code is neither a Kemendagri code nor in the BPS"
            f" crosswalk: {'; '.join(bad)}. Add them to a crosswalk CSV (kode_bps, kode_kemendagri)."
        )
        raise DataSourceError(msg)
    frame = frame.assign(kode=final)
    if region:
        frame = frame[[in_region(c, parse_region(region)) for c in frame["kode"]]]
    dupes = frame["kode"][frame["kode"].duplicated()].unique().tolist()
    if dupes:
        msg = f"{file}: these kecamatan codes appear more than once: {dupes}."
        raise DataSourceError(msg)
    frame, repairs = _repair(frame, file, name_column)
    repaired = tuple(repairs["kode"])
    out = gpd.GeoDataFrame(
        {
            "nama": frame[name_column].astype(str).str.strip().str.title().to_numpy(),
            "kab_kode": [c[:5] for c in frame["kode"]],
            "kab_nama": frame[kab_name_column].astype(str).to_numpy()
            if kab_name_column
            else [c[:5] for c in frame["kode"]],
            "prov_kode": [c[:2] for c in frame["kode"]],
            "n_desa": 0,
        },
        geometry=frame.geometry.to_numpy(),
        crs="EPSG:4326",
        index=pd.Index(frame["kode"], name="kode"),
    ).sort_index()
    fetched = FetchedFile(str(file), file, file_sha256(file) if file.is_file() else "", "user", "")
    return BoundarySet(
        frame=out,
        region=tuple(sorted({c[:5] for c in out.index})) if not region else parse_region(region),
        topology={
            "method": "user_file",
            "requested": "user_file",
            "reason": f"user boundary file {file.name}; weights use fuzzy contiguity unless set",
            "weights_hint": "fuzzy",
        },
        files=(fetched,),
        repaired={str(file): repaired},
        repairs=repairs,
        notes=(),
        credit=f"Batas wilayah: {file.name}",
    )


#: Longitude/latitude box of Indonesia (Sabang to Merauke, Miangas to Rote) with a margin of about 1°.
INDONESIA_BOUNDS = (94.0, -12.0, 142.0, 7.0)

#: Repairs that change a unit's area by more than this share (per cent) are warned about.
REPAIR_WARN_PCT = 1.0


def _inside(bounds: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return bool(minx >= box[0] and miny >= box[1] and maxx <= box[2] and maxy <= box[3])


def _feature_names(frame: gpd.GeoDataFrame, mask: np.ndarray, name_column: str) -> str:
    names = frame[name_column].to_numpy()
    return listing((f"feature {i + 1} ({names[i]})" for i in np.flatnonzero(mask)), sep="; ")


def _check_features(frame: gpd.GeoDataFrame, file: Path, name_column: str) -> None:
    """Null, empty and non-polygon features stop the run, each named."""
    if len(frame) == 0:
        msg = f"{file}: the file has no features."
        raise DataSourceError(msg)
    geoms = frame.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        msg = (
            f"{file}: {int(missing.sum())} feature(s) have no geometry: {_feature_names(frame, missing, name_column)}."
            " Draw their polygons or remove them from the file."
        )
        raise DataSourceError(msg)
    kinds = shapely.get_type_id(geoms)
    not_polygon = ~np.isin(kinds, (3, 6))  # Polygon, MultiPolygon
    if not_polygon.any():
        found = sorted({shapely.get_type_id(g) for g in geoms[not_polygon]})
        type_names = {
            0: "Point",
            1: "LineString",
            2: "LinearRing",
            4: "MultiPoint",
            5: "MultiLineString",
            7: "Collection",
        }
        msg = (
            f"{file}: {int(not_polygon.sum())} feature(s) are not polygons"
            f" ({', '.join(type_names.get(k, str(k)) for k in found)}):"
            f" {_feature_names(frame, not_polygon, name_column)}. Kecamatan boundaries must be (multi)polygons."
        )
        raise DataSourceError(msg)


def _check_coordinates(frame: gpd.GeoDataFrame, file: Path, name_column: str) -> gpd.GeoDataFrame:
    """The CRS is present and matches the numbers, and every feature lies in Indonesia; EPSG:4326 out."""
    crs = frame.crs
    if crs is None:
        msg = (
            f"{file}: the file has no coordinate reference system (CRS). Add one before using it, e.g. EPSG:4326"
            " for longitude/latitude in degrees or the UTM zone for metres (Blitar: EPSG:32749), with QGIS"
            " (Layer > Set CRS) or `ogr2ogr -a_srs EPSG:4326 out.gpkg in.gpkg`."
        )
        raise DataSourceError(msg)
    bounds = np.asarray(frame.total_bounds, dtype=float)
    extent = f"x from {bounds[0]:,.6g} to {bounds[2]:,.6g}, y from {bounds[1]:,.6g} to {bounds[3]:,.6g}"
    if crs.is_geographic:
        swapped = bounds[[1, 0, 3, 2]]
        if _inside(swapped, INDONESIA_BOUNDS) and not _inside(bounds, INDONESIA_BOUNDS):
            msg = (
                f"{file}: longitude and latitude are swapped ({extent}: the x values are latitudes of Indonesia"
                " and the y values longitudes). Write the coordinates as x = longitude, y = latitude"
                " (GeoJSON order [lng, lat]) and read the file again."
            )
            raise DataSourceError(msg)
        if np.abs(bounds[[0, 2]]).max() > 180 or np.abs(bounds[[1, 3]]).max() > 90:
            msg = (
                f"{file}: the CRS is {crs.name} (degrees) but the coordinates ({extent}) are far outside the range"
                " of degrees: they look like metres of a projected CRS. Set the CRS the numbers are really in"
                " (for Indonesia usually a UTM zone, e.g. EPSG:32749 for UTM 49S) instead of a degree CRS."
            )
            raise DataSourceError(msg)
    elif np.abs(bounds).max() <= 360:
        msg = (
            f"{file}: the CRS is {crs.name} (metres) but the coordinates ({extent}) are small numbers that look like"
            " degrees. Set the CRS to EPSG:4326 (longitude/latitude) if that is what they are."
        )
        raise DataSourceError(msg)
    try:
        geographic = frame.to_crs(GEOGRAPHIC_CRS)
    except Exception as exc:  # pyproj raises several types for unusable CRS definitions
        msg = f"{file}: its CRS ({crs.name}) cannot be converted to longitude/latitude ({type(exc).__name__}: {exc})."
        raise DataSourceError(msg) from exc
    geoms = geographic.geometry.to_numpy()
    feature_bounds = shapely.bounds(geoms)
    box = INDONESIA_BOUNDS
    outside = ~(
        (feature_bounds[:, 0] >= box[0])
        & (feature_bounds[:, 1] >= box[1])
        & (feature_bounds[:, 2] <= box[2])
        & (feature_bounds[:, 3] <= box[3])
    )
    if outside.any():
        lonlat = geographic.total_bounds
        msg = (
            f"{file}: {int(outside.sum())} of {len(frame)} feature(s) lie outside Indonesia after conversion from"
            f" {crs.name} to longitude/latitude ({_feature_names(frame, outside, name_column)}; the file spans"
            f" longitude {lonlat[0]:.3f} to {lonlat[2]:.3f}, latitude {lonlat[1]:.3f} to {lonlat[3]:.3f}). Check"
            " that the file's CRS is the one its coordinates were written in."
        )
        raise DataSourceError(msg)
    return geographic


def _repair(frame: gpd.GeoDataFrame, file: Path, name_column: str) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Repair invalid polygons (polygonal parts kept) and report the area change of each unit."""
    columns = ["kode", "nama", "masalah", "luas_sebelum_km2", "luas_sesudah_km2", "perubahan_persen"]
    invalid = ~frame.geometry.is_valid.to_numpy()
    if not invalid.any():
        return frame, pd.DataFrame(columns=columns)
    before = frame.geometry[invalid]
    reasons = [shapely.is_valid_reason(g) for g in before.to_numpy()]
    fixed = shapely.make_valid(before.to_numpy())
    fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
    area_before = gpd.GeoSeries(before.to_numpy(), crs=frame.crs).to_crs(EQUAL_AREA_CRS).area.to_numpy() / 1e6
    area_after = gpd.GeoSeries(fixed, crs=frame.crs).to_crs(EQUAL_AREA_CRS).area.to_numpy() / 1e6
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(area_before > 0, (area_after - area_before) / area_before * 100.0, np.nan)
    frame = frame.copy()
    frame.loc[invalid, "geometry"] = fixed
    repairs = pd.DataFrame(
        {
            "kode": frame.loc[invalid, "kode"].to_numpy(),
            "nama": frame.loc[invalid, name_column].astype(str).to_numpy(),
            "masalah": reasons,
            "luas_sebelum_km2": area_before.round(4),
            "luas_sesudah_km2": area_after.round(4),
            "perubahan_persen": np.round(change, 3),
        },
        columns=columns,
    )
    big = repairs[~(np.abs(repairs["perubahan_persen"]) <= REPAIR_WARN_PCT)]
    if len(big):
        listed = "; ".join(
            f"{r.kode} {r.nama}: {r.luas_sebelum_km2:g} -> {r.luas_sesudah_km2:g} km2 ({r.perubahan_persen:+g} %)"
            for r in big.itertuples()
        )
        warnings.warn(
            f"{file}: repairing invalid polygons changed the area of {len(big)} unit(s) by more than"
            f" {REPAIR_WARN_PCT:g} %: {listed}. Check these polygons in a GIS; the repaired ones are used.",
            UserWarning,
            stacklevel=3,
        )
    return frame, repairs


def _polygonal(geom):
    """The polygonal part of a repaired geometry (a bow-tie becomes two triangles, stray lines go)."""
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = [g for g in shapely.get_parts(geom) if shapely.get_type_id(g) in (3, 6)]
    return shapely.union_all(parts) if parts else shapely.Polygon()
