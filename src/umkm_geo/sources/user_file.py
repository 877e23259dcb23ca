"""A user's own kecamatan boundary file (GeoJSON, Shapefile, GeoPackage, GeoParquet).

Codes may be Kemendagri codes (``35.05.01`` or ``350501``) or BPS codes (``3505010``, COD-AB
``ID3505010``); BPS codes are mapped to Kemendagri codes through a crosswalk table, never by
position. Every feature whose code cannot be mapped is reported by row and value.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from umkm_geo._errors import DataSourceError
from umkm_geo.codes import (
    bps_to_kemendagri,
    in_region,
    load_crosswalk,
    normalise_code,
    parse_region,
)
from umkm_geo.sources.boundaries import BoundarySet
from umkm_geo.sources.registry import FetchedFile, file_sha256

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
    if frame.crs is None:
        msg = f"{file}: the file has no CRS; add one (EPSG:4326 for longitude/latitude)."
        raise DataSourceError(msg)
    raw_codes = frame[code_column].astype(str).str.strip()
    codes = [normalise_code(c) for c in raw_codes]
    need_bps = [r for r, c in zip(raw_codes, codes, strict=True) if c is None]
    mapped: dict[str, str | None] = {}
    if need_bps:
        mapped = bps_to_kemendagri(need_bps, crosswalk if crosswalk is not None else load_crosswalk())
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
    frame = frame.assign(kode=final).to_crs("EPSG:4326")
    if region:
        frame = frame[[in_region(c, parse_region(region)) for c in frame["kode"]]]
    dupes = frame["kode"][frame["kode"].duplicated()].unique().tolist()
    if dupes:
        msg = f"{file}: these kecamatan codes appear more than once: {dupes}."
        raise DataSourceError(msg)
    invalid = ~frame.geometry.is_valid
    repaired = tuple(frame.loc[invalid, "kode"])
    if invalid.any():
        frame.loc[invalid, "geometry"] = shapely.make_valid(frame.geometry[invalid].to_numpy())
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
        notes=(),
        credit=f"Batas wilayah: {file.name}",
    )
