"""The foundation helpers: listing and repeated ids, versions and hashes, the UTM zone, the result layout."""

import dataclasses
import hashlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from umkm_geo._crs import utm_crs, utm_epsg
from umkm_geo._errors import ConfigError
from umkm_geo._provenance import file_sha256, versions
from umkm_geo._validate import listing, repeated
from umkm_geo.results import FieldsResult
from umkm_geo.sources.codes import shipped_crosswalk
from umkm_geo.tables.crosswalk import load_crosswalk


def test_listing_shows_at_most_limit_items_then_counts_the_rest():
    assert listing(["a", "b"]) == "a, b"
    assert listing(range(12)) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more"
    assert listing(["x, y", "z"], sep="; ", limit=1) == "x, y and 1 more"
    assert listing([]) == ""


def test_repeated_lists_each_repeated_id_once_sorted_as_text():
    assert repeated(pd.Index(["35.05.01", "35.05.02"])) == []
    assert repeated(pd.Index(["b", "a", "b", "a", "c", "b"])) == ["a", "b"]
    assert repeated(pd.Series([1, 2], index=[10, 10]).index) == ["10"]


def test_versions_in_the_order_given_with_the_suffix():
    found = versions("numpy", "pandas")
    assert list(found) == ["numpy_version", "pandas_version"]
    assert found["numpy_version"] == np.__version__
    assert versions("numpy", suffix="") == {"numpy": np.__version__}
    assert versions("surely-not-a-package-name") == {"surely-not-a-package-name_version": "not installed"}


def test_file_sha256_hashes_the_bytes(tmp_path):
    path = tmp_path / "data.bin"
    data = bytes(range(256)) * 5000  # more than one block of 1 MiB
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [(112.2, -8.1, "EPSG:32749"), (106.8, -6.2, "EPSG:32748"), (98.7, 3.6, "EPSG:32647"), (180.0, 1.0, "EPSG:32660")],
)
def test_utm_zone_of_a_point(lon, lat, expected):
    assert utm_epsg(lon, lat) == expected


def test_utm_crs_needs_a_crs():
    frame = gpd.GeoSeries([shapely.box(0, 0, 1, 1)])
    with pytest.raises(ConfigError, match="no CRS"):
        utm_crs(frame)


@dataclasses.dataclass(frozen=True)
class _Example(FieldsResult):
    variable: str | None
    value: float
    n: int
    dropped: tuple[str, ...]
    settings: Mapping[str, Any]

    _result = "example"
    _not_statistics = frozenset({"dropped", "settings"})
    _renamed = MappingProxyType({"value": "example"})


def test_fields_result_lays_out_its_fields_in_order():
    result = _Example("x", np.float64(0.5), 3, ("a",), MappingProxyType({"seed": 1}))
    record = result.to_dict()
    assert record == {
        "result": "example",
        "statistics": {"variable": "x", "example": 0.5, "n": 3},
        "settings": {"seed": 1},
    }
    assert type(record["statistics"]["example"]) is float
    assert list(result.table()["name"]) == ["variable", "example", "n", "seed"]


def test_the_default_crosswalk_is_the_shipped_one():
    pd.testing.assert_frame_equal(load_crosswalk(), shipped_crosswalk())
    assert load_crosswalk().attrs["source"].endswith("kode_crosswalk.csv")
