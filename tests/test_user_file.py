from __future__ import annotations

import warnings

import geopandas as gpd
import pytest
from shapely.geometry import box

from umkm_geo._errors import DataSourceError
from umkm_geo.sources.user_file import read_boundary_file


def _codab(tmp_path, codes, suffix=".gpkg"):
    frame = gpd.GeoDataFrame(
        {"ADM3_PCODE": codes, "ADM3_EN": ["Bakung", "Wonotirto", "Wonodadi"][: len(codes)]},
        geometry=[box(112 + i * 0.1, -8.3, 112.1 + i * 0.1, -8.2) for i in range(len(codes))],
        crs="EPSG:4326",
    )
    path = tmp_path / f"adm3{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_file(path)
    return path


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp", ".parquet"])
def test_bps_codes_are_mapped_through_the_crosswalk(tmp_path, suffix):
    path = _codab(tmp_path, ["ID3505010", "ID3505020", "ID3505210"], suffix)
    result = read_boundary_file(path, code_column="ADM3_PCODE", name_column="ADM3_EN")
    # BPS order differs from Kemendagri order: Bakung is 35.05.05, Wonotirto 35.05.08, Wonodadi 35.05.01
    assert result.frame["nama"].to_dict() == {
        "35.05.01": "Wonodadi",
        "35.05.05": "Bakung",
        "35.05.08": "Wonotirto",
    }
    assert result.topology["weights_hint"] == "fuzzy"


def test_unmapped_codes_are_listed(tmp_path):
    path = _codab(tmp_path, ["ID3505010", "ID9999999"])
    with pytest.raises(DataSourceError, match=r"ID9999999"):
        read_boundary_file(path, code_column="ADM3_PCODE", name_column="ADM3_EN")


def test_missing_column_is_named(tmp_path):
    path = _codab(tmp_path, ["ID3505010"])
    with pytest.raises(DataSourceError, match="no column 'KODE'"):
        read_boundary_file(path, code_column="KODE", name_column="ADM3_EN")


# --- the bad-boundary corpus: officer-style files that must stop (or be repaired) with exact words ---

_NAMES = ["Bakung", "Wonotirto", "Wonodadi"]
_CODES = ["35.05.05", "35.05.08", "35.05.01"]


def _write(tmp_path, geoms, *, crs, suffix=".gpkg", codes=None, names=None):
    codes = codes or _CODES[: len(geoms)]
    names = names or _NAMES[: len(geoms)]
    frame = gpd.GeoDataFrame({"KODE": codes, "NAMA": names}, geometry=geoms, crs=crs)
    path = tmp_path / f"batas{suffix}"
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        if suffix == ".parquet":
            frame.to_parquet(path)
        else:
            frame.to_file(path)
    return path


def _read(path):
    return read_boundary_file(path, code_column="KODE", name_column="NAMA")


def _boxes(x0=112.0, y0=-8.3, size=0.1):
    return [box(x0 + i * size, y0, x0 + (i + 1) * size, y0 + size) for i in range(3)]


def test_no_crs_is_refused_with_what_to_do(tmp_path):
    path = _write(tmp_path, _boxes(), crs=None, suffix=".geojson")
    # GeoJSON has an implicit CRS; a shapefile without .prj is the real officer case
    shp = _write(tmp_path, _boxes(), crs=None, suffix=".shp")
    with pytest.raises(DataSourceError, match=r"batas\.shp: the file has no coordinate reference system \(CRS\)"):
        _read(shp)
    assert _read(path).frame.crs.to_epsg() == 4326


def test_metres_under_a_degree_crs_are_refused(tmp_path):
    utm = gpd.GeoSeries(_boxes(), crs="EPSG:4326").to_crs("EPSG:32749")
    path = _write(tmp_path, list(utm), crs="EPSG:4326")  # numbers in metres, CRS says degrees
    with pytest.raises(DataSourceError, match=r"\(degrees\) but the coordinates .* look like metres"):
        _read(path)


def test_degrees_under_a_metre_crs_are_refused(tmp_path):
    path = _write(tmp_path, _boxes(), crs="EPSG:32749")
    with pytest.raises(DataSourceError, match=r"\(metres\) but the coordinates .* look like\s+degrees"):
        _read(path)


def test_swapped_lat_lon_is_refused(tmp_path):
    swapped = [box(-8.3, 112 + i * 0.1, -8.2, 112.1 + i * 0.1) for i in range(3)]
    path = _write(tmp_path, swapped, crs="EPSG:4326")
    with pytest.raises(DataSourceError, match="longitude and latitude are swapped"):
        _read(path)


def test_features_outside_indonesia_are_named(tmp_path):
    geoms = _boxes()
    geoms[1] = box(2.3, 48.8, 2.4, 48.9)  # Paris
    path = _write(tmp_path, geoms, crs="EPSG:4326")
    with pytest.raises(DataSourceError, match=r"1 of 3 feature\(s\) lie outside Indonesia .*feature 2 \(Wonotirto\)"):
        _read(path)


def test_a_wrong_projected_crs_lands_outside_indonesia(tmp_path):
    utm = gpd.GeoSeries(_boxes(), crs="EPSG:4326").to_crs("EPSG:32749")
    path = _write(tmp_path, list(utm), crs="EPSG:32650")  # zone 50 N instead of 49 S
    with pytest.raises(DataSourceError, match=r"3 of 3 feature\(s\) lie outside Indonesia"):
        _read(path)


def test_projected_file_is_converted_exactly(tmp_path):
    boxes = _boxes()
    utm = gpd.GeoSeries(boxes, crs="EPSG:4326").to_crs("EPSG:32749")
    result = _read(_write(tmp_path, list(utm), crs="EPSG:32749"))
    back = result.frame.loc["35.05.05"].geometry.bounds
    assert back == pytest.approx(boxes[0].bounds, abs=1e-9)


def test_points_are_refused(tmp_path):
    geoms = [g.centroid for g in _boxes()]
    path = _write(tmp_path, geoms, crs="EPSG:4326")
    with pytest.raises(DataSourceError, match=r"3 feature\(s\) are not polygons \(Point\)"):
        _read(path)


def test_empty_geometry_is_named(tmp_path):
    from shapely.geometry import Polygon

    geoms = _boxes()
    geoms[2] = Polygon()
    path = _write(tmp_path, geoms, crs="EPSG:4326")
    with pytest.raises(DataSourceError, match=r"1 feature\(s\) have no geometry: feature 3 \(Wonodadi\)"):
        _read(path)


def test_duplicate_codes_are_named(tmp_path):
    path = _write(tmp_path, _boxes(), crs="EPSG:4326", codes=["35.05.05", "35.05.05", "35.05.01"])
    with pytest.raises(DataSourceError, match=r"appear more than once: \['35.05.05'\]"):
        _read(path)


def test_bow_tie_is_repaired_and_its_area_change_reported(tmp_path):
    from shapely.geometry import Polygon

    geoms = _boxes()
    x0, y0 = 112.0, -8.3
    # a self-intersecting "bow tie": two triangles of equal area whose signed areas cancel
    geoms[0] = Polygon([(x0, y0), (x0 + 0.1, y0 + 0.1), (x0 + 0.1, y0), (x0, y0 + 0.1)])
    # a ring with a tiny spike: valid after repair with (almost) the same area
    geoms[1] = Polygon(
        [
            (x0 + 0.1, y0),
            (x0 + 0.2, y0),
            (x0 + 0.2, y0 + 0.1),
            (x0 + 0.15, y0 + 0.1),
            (x0 + 0.15, y0 + 0.1),
            (x0 + 0.1, y0 + 0.1),
        ]
    )
    path = _write(tmp_path, geoms, crs="EPSG:4326")
    with pytest.warns(UserWarning, match=r"changed the area of 1 unit\(s\) by more than 1 %: 35.05.05 Bakung"):
        result = _read(path)
    repairs = result.repairs.set_index("kode")
    assert list(repairs.index) == ["35.05.05"]
    assert "Self-intersection" in repairs.loc["35.05.05", "masalah"]
    # the two triangles have half the box's area each: 0 km² signed before, the full box after
    full = gpd.GeoSeries([box(x0, y0, x0 + 0.1, y0 + 0.1)], crs="EPSG:4326").to_crs("EPSG:6933").area.iloc[0] / 1e6
    assert repairs.loc["35.05.05", "luas_sesudah_km2"] == pytest.approx(full / 2, rel=1e-3)
    assert result.frame.loc["35.05.05"].geometry.is_valid
    assert result.provenance()["boundaries"]["repairs"][0]["kode"] == "35.05.05"


def _validate(tmp_path, path, capsys):
    from umkm_geo.cli import main

    (tmp_path / "umkm.csv").write_text("kode,jumlah_umkm\n35.05.05,120\n35.05.08,95\n35.05.01,240\n")
    config = tmp_path / "study.toml"
    config.write_text(
        f'[study]\nregion = "35.05"\n[boundaries]\nfile = "{path.name}"\ncode_column = "KODE"\nname_column = "NAMA"\n'
        '[data]\numkm = "umkm.csv"\n[groups]\nsource = "none"\ncompare = []\n'
        f'[output]\ndir = "{tmp_path / "out"}"\n'
    )
    status = main(["validate", "--config", str(config)])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_cli_refuses_a_swapped_file_with_one_message(tmp_path, capsys):
    swapped = [box(-8.3, 112 + i * 0.1, -8.2, 112.1 + i * 0.1) for i in range(3)]
    status, text = _validate(tmp_path, _write(tmp_path, swapped, crs="EPSG:4326"), capsys)
    assert status == 3
    assert "batas.gpkg: longitude and latitude are swapped" in text
    assert "Traceback" not in text


def test_cli_lists_repaired_polygons_in_the_qa_table(tmp_path, capsys):
    import pandas as pd
    from shapely.geometry import Polygon

    geoms = _boxes()
    x0, y0 = 112.0, -8.3
    geoms[0] = Polygon([(x0, y0), (x0 + 0.1, y0 + 0.1), (x0 + 0.1, y0), (x0, y0 + 0.1)])
    status, text = _validate(tmp_path, _write(tmp_path, geoms, crs="EPSG:4326"), capsys)
    assert status == 0
    assert "umkm-geo: warning: " in text and "changed the area of 1 unit(s) by more than 1 %: 35.05.05 Bakung" in text
    qa = pd.read_csv(tmp_path / "out" / "join_qa.csv")
    repaired = qa[qa["issue"] == "geometry_repaired"]
    assert repaired["kode"].tolist() == ["35.05.05"]
    assert repaired["severity"].tolist() == ["note"]
    assert repaired["detail"].iloc[0].startswith("invalid polygon repaired (make_valid): area 0 -> ")
