"""Zonal statistics on a small raster written in tmp_path.

The test raster is a 10 x 10 grid of 100 m cells in EPSG:32749 (UTM 49S, Blitar) whose top-left
corner is (X0, Y0); the cell in row r, column c holds ``10 * r + c``. Cell (1, 1) is the declared
nodata value -1 and cell (6, 7) is NaN (not declared), so both must be left out.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from shapely.geometry import box

from umkm_geo._errors import ConfigError, DataSourceError, TableError
from umkm_geo.indicators.zonal import zonal_statistics
from umkm_geo.results import RESULT_TABLE_COLUMNS

UTM = "EPSG:32749"
X0, Y0, CELL = 630_000.0, 9_110_000.0, 100.0
ALL_STATS = ("sum", "mean", "count", "min", "max", "median", "std", "nodata_count")


def _cells(c0: float, c1: float, r0: float, r1: float, cell: float = CELL):
    """Box from column c0 to c1 and row r0 to r1 of the grid (fractions allowed)."""
    return box(X0 + c0 * cell, Y0 - r1 * cell, X0 + c1 * cell, Y0 - r0 * cell)


def _write(path, values, *, crs=UTM, nodata=None, mask=None):
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=values.shape[1],
        height=values.shape[0],
        count=1,
        dtype=values.dtype,
        crs=crs,
        transform=Affine(CELL, 0.0, X0, 0.0, -CELL, Y0),
        nodata=nodata,
    ) as dst:
        dst.write(values, 1)
        if mask is not None:
            dst.write_mask(mask)
    return path


@pytest.fixture
def grid_tif(tmp_path):
    values = (10 * np.arange(10)[:, None] + np.arange(10)[None, :]).astype("float32")
    values[1, 1] = -1.0
    values[6, 7] = np.nan
    return _write(tmp_path / "grid.tif", values, nodata=-1.0)


@pytest.fixture
def squares():
    """A: centres of rows 0-2, columns 0-2; B: rows 5-8, columns 6-8. Built in UTM, given in EPSG:4326."""
    frame = gpd.GeoDataFrame(
        geometry=[_cells(0.2, 2.8, 0.2, 2.8), _cells(6.2, 8.8, 5.2, 8.8)],
        index=pd.Index(["3505010", "3505020"], name="kode"),
        crs=UTM,
    )
    return frame.to_crs("EPSG:4326")


def test_zonal_statistics_match_hand_calculation(grid_tif, squares):
    result = zonal_statistics(squares, grid_tif, stats=ALL_STATS)
    table = result.frame()
    a, b = table.loc["3505010"], table.loc["3505020"]
    # A: rows 0-2 x columns 0-2 = 0,1,2,10,11,12,20,21,22 (sum 99); 11 is nodata -> sum 88, 8 cells,
    # mean 11; deviations -11,-10,-9,-1,1,9,10,11 -> squares 606, population std sqrt(606 / 8).
    assert a["sum"] == 88.0 and a["count"] == 8 and a["nodata_count"] == 1
    assert a["mean"] == 11.0 and a["min"] == 0.0 and a["max"] == 22.0 and a["median"] == 11.0
    assert a["std"] == pytest.approx(math.sqrt(606 / 8))
    # B: rows 5-8 x columns 6-8: 3 * 10 * (5+6+7+8) + 4 * (6+7+8) = 780 + 84 = 864; 67 is NaN -> 797
    # over 11 cells: 56,57,58,66,68,76,77,78,86,87,88; median the 6th = 76; sum of squares 59227,
    # variance 59227/11 - (797/11)^2 = 16288/121.
    assert b["sum"] == 797.0 and b["count"] == 11 and b["nodata_count"] == 1
    assert b["mean"] == pytest.approx(797 / 11)
    assert (b["min"], b["max"], b["median"]) == (56.0, 88.0, 76.0)
    assert b["std"] == pytest.approx(math.sqrt(16288) / 11)
    assert table["count"].dtype == np.int64 and table["nodata_count"].dtype == np.int64
    assert result.empty_units == () and result.partial_units == ()


def test_zonal_columns_prefix_and_index_follow_the_frame(grid_tif, squares):
    reordered = squares.iloc[::-1]
    table = zonal_statistics(reordered, grid_tif, stats="sum", prefix="pop_").frame()
    assert list(table.columns) == ["pop_sum"]
    assert table.index.equals(reordered.index) and table.index.name == "kode"
    assert table["pop_sum"].tolist() == [797.0, 88.0]


@pytest.mark.parametrize("crs", [UTM, "EPSG:4326", "EPSG:3857"])
def test_zonal_reprojects_polygons_to_the_raster_crs(grid_tif, squares, crs):
    table = zonal_statistics(squares.to_crs(crs), grid_tif, stats=("sum", "count")).frame()
    assert table["sum"].tolist() == [88.0, 797.0]
    assert table["count"].tolist() == [8, 11]


def test_zonal_window_reads_equal_one_read(grid_tif, squares):
    once = zonal_statistics(squares, grid_tif, stats=ALL_STATS)
    windowed = zonal_statistics(squares, grid_tif, stats=ALL_STATS, max_read_mb=0)
    pd.testing.assert_frame_equal(once.frame(), windowed.frame())
    assert once.settings["read_mode"] == "whole band once"
    assert windowed.settings["read_mode"] == "one window per polygon"


def test_zonal_polygon_outside_the_raster_is_nan_with_warning(grid_tif, squares):
    far = gpd.GeoDataFrame(geometry=[box(120.0, -5.0, 120.01, -4.99)], index=["3599999"], crs="EPSG:4326")
    frame = pd.concat([squares, far])
    with pytest.warns(UserWarning, match=r"1 unit\(s\) have no cell.*3599999.*all_touched=True"):
        result = zonal_statistics(frame, grid_tif, stats=ALL_STATS)
    row = result.frame().loc["3599999"]
    assert row["count"] == 0 and row["nodata_count"] == 0
    assert row[["sum", "mean", "min", "max", "median", "std"]].isna().all()
    assert result.empty_units == ("3599999",)
    assert result.to_dict()["statistics"]["empty_units"] == ["3599999"]


def test_zonal_small_polygon_needs_all_touched(grid_tif):
    # Inside cell (4, 4) but away from its centre (4.5, 4.5): no centre inside, one cell touched.
    tiny = gpd.GeoDataFrame(geometry=[_cells(4.1, 4.4, 4.1, 4.4)], index=["tiny"], crs=UTM)
    with pytest.warns(UserWarning, match="tiny"):
        centre = zonal_statistics(tiny, grid_tif).frame()
    assert centre.loc["tiny", "count"] == 0 and np.isnan(centre.loc["tiny", "sum"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        touched = zonal_statistics(tiny, grid_tif, all_touched=True)
    assert touched.frame().loc["tiny", "sum"] == 44.0 and touched.frame().loc["tiny", "count"] == 1
    assert touched.settings["cell_rule"] == "every cell the polygon touches (all_touched=True)"


def test_zonal_polygon_beyond_the_extent_warns_and_uses_the_part_inside(grid_tif):
    # Columns -3 to 1.8 of rows 2.2-3.8: centres of columns 0-1 in rows 2-3 -> 20+21+30+31 = 102.
    edge = gpd.GeoDataFrame(geometry=[_cells(-3.0, 1.8, 2.2, 3.8)], index=["edge"], crs=UTM)
    with pytest.warns(UserWarning, match=r"reach beyond the extent.*edge"):
        result = zonal_statistics(edge, grid_tif)
    assert result.frame().loc["edge", "sum"] == 102.0 and result.frame().loc["edge", "count"] == 4
    assert result.partial_units == ("edge",)


def test_zonal_honours_the_dataset_mask_of_an_integer_raster(tmp_path, squares):
    values = (10 * np.arange(10)[:, None] + np.arange(10)[None, :]).astype("int32")
    mask = np.full((10, 10), 255, dtype="uint8")
    mask[2, 2] = 0  # cell value 22 masked out
    path = _write(tmp_path / "masked.tif", values, mask=mask)
    table = zonal_statistics(squares, path, stats=("sum", "count", "nodata_count")).frame()
    # A: 99 - 22 = 77 over 8 cells; B: 864 over 12 cells (no NaN in an integer raster).
    assert table.loc["3505010"].tolist() == [77.0, 8.0, 1.0]
    assert table.loc["3505020"].tolist() == [864.0, 12.0, 0.0]


def test_zonal_unit_with_only_nodata_cells_warns(tmp_path, squares):
    values = np.ones((10, 10), dtype="float32")
    values[:3, :3] = np.nan  # every cell of A
    path = _write(tmp_path / "holes.tif", values)
    with pytest.warns(UserWarning, match=r"only nodata cells.*3505010"):
        table = zonal_statistics(squares, path, stats=("sum", "count", "nodata_count")).frame()
    assert np.isnan(table.loc["3505010", "sum"]) and table.loc["3505010", "nodata_count"] == 9
    assert table.loc["3505020"].tolist() == [12.0, 12.0, 0.0]


def test_zonal_raster_without_crs_is_a_data_source_error(tmp_path, squares):
    path = _write(tmp_path / "no_crs.tif", np.ones((10, 10), dtype="float32"), crs=None)
    with pytest.raises(DataSourceError, match=r"no_crs\.tif.*no CRS.*set it"):
        zonal_statistics(squares, path)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"stats": ("sum", "mode")}, "Unknown or no statistics.*mode"),
        ({"stats": ("sum", "sum")}, "repeated"),
        ({"band": 2}, "from 1 to 1"),
        ({"all_touched": "yes"}, "all_touched"),
        ({"max_read_mb": "big"}, "max_read_mb"),
    ],
)
def test_zonal_bad_settings_are_config_errors(grid_tif, squares, kwargs, match):
    with pytest.raises(ConfigError, match=match):
        zonal_statistics(squares, grid_tif, **kwargs)


def test_zonal_bad_inputs(grid_tif, squares, tmp_path):
    with pytest.raises(ConfigError, match="no CRS"):
        zonal_statistics(squares.set_crs(None, allow_override=True), grid_tif)
    with pytest.raises(TableError, match="duplicated"):
        zonal_statistics(pd.concat([squares, squares]), grid_tif)
    with pytest.raises(DataSourceError, match="does not exist"):
        zonal_statistics(squares, tmp_path / "missing.tif")
    (tmp_path / "text.tif").write_text("not a raster")
    with pytest.raises(DataSourceError, match=r"text\.tif.*cannot be read"):
        zonal_statistics(squares, tmp_path / "text.tif")


def test_zonal_settings_record_the_raster(grid_tif, squares):
    result = zonal_statistics(squares, grid_tif, all_touched=False)
    settings = result.to_dict()["settings"]
    assert settings["raster"] == "grid.tif"
    assert settings["sha256"] == hashlib.sha256(grid_tif.read_bytes()).hexdigest()
    assert settings["raster_crs"] == UTM and settings["frame_crs"] == "EPSG:4326"
    assert settings["cell_size"] == [100.0, 100.0] and settings["cell_size_units"] == "metre"
    assert settings["nodata"] == -1.0 and settings["band"] == 1
    assert settings["cell_rule"] == "cells whose centre falls inside the polygon"
    assert settings["rasterio_version"] == rasterio.__version__
    table = result.table()
    assert tuple(table.columns) == RESULT_TABLE_COLUMNS
    assert table.set_index("name").loc["n_units", "value"] == 2
    json.dumps(result.to_dict())
