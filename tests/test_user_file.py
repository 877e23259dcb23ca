from __future__ import annotations

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
