"""The UMKM density surface, written in tmp_path on small synthetic grids.

Inputs are built in EPSG:32749 (UTM 49S, Blitar) on grids whose top-left corner is (X0, Y0).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from shapely.geometry import Point, box

import umkm_geo.indicators.density
from umkm_geo._errors import ConfigError, TableError
from umkm_geo.indicators.density import DENSITY_NODATA, DENSITY_UNITS, density_surface
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.tables.demo.counts import ILLUSTRATIVE_NOTE

UTM = "EPSG:32749"
X0, Y0 = 630_000.0, 9_110_000.0


def _cells(c0: float, c1: float, r0: float, r1: float, cell: float = 100.0):
    """Box from column c0 to c1 and row r0 to r1 of a grid of ``cell`` m from (X0, Y0) (fractions allowed)."""
    return box(X0 + c0 * cell, Y0 - r1 * cell, X0 + c1 * cell, Y0 - r0 * cell)


@pytest.fixture
def kecamatan():
    """Two kecamatan on the 500 m grid: a 2 km square with 100 UMKM, a 1 km square east of it with 50."""
    frame = gpd.GeoDataFrame(
        {"umkm": [100, 50]},
        geometry=[_cells(0, 4, 0, 4, cell=500.0), _cells(4, 6, 0, 2, cell=500.0)],
        index=pd.Index(["a", "b"], name="kode"),
        crs=UTM,
    )
    return frame.to_crs("EPSG:4326")


def test_areal_density_is_piecewise_constant_and_integrates_to_the_total(kecamatan, tmp_path):
    out = tmp_path / "density.tif"
    result = density_surface(kecamatan, "umkm", out, illustrative=True)
    with rasterio.open(out) as src:
        band = src.read(1)
        assert src.crs.to_string() == UTM and src.dtypes == ("float32",)
        assert tuple(src.transform)[:6] == (500.0, 0.0, X0, 0.0, -500.0, Y0)
        assert src.nodata == DENSITY_NODATA and src.compression.name == "deflate"
        assert src.tags()["units"] == DENSITY_UNITS and src.tags()["illustrative"] == ILLUSTRATIVE_NOTE
        assert src.units == (DENSITY_UNITS,)
        assert "areal" in src.tags()["description"] and src.descriptions[0].endswith(ILLUSTRATIVE_NOTE)
    # a: 100 UMKM over 16 cells of 0.25 km2 = 25 per km2; b: 50 over 4 cells = 50 per km2;
    # the south-east 2 x 2 block is outside both polygons (nodata).
    expected = np.full((4, 6), DENSITY_NODATA, dtype="float32")
    expected[:, :4] = 25.0
    expected[:2, 4:] = 50.0
    np.testing.assert_array_equal(band, expected)
    valid = band != DENSITY_NODATA
    assert band[valid].astype(float).sum() * 0.25 == pytest.approx(150.0, rel=0.01)
    assert result.total_surface == pytest.approx(150.0, rel=1e-9) and result.total_input == 150.0
    assert result.n_valid_cells == 20 and result.max_density == 50.0 and result.crs == UTM


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
def test_smoothed_density_keeps_the_total_inside_the_mask(kecamatan, tmp_path, kernel):
    plain = density_surface(kecamatan, "umkm", tmp_path / "plain.tif")
    smooth = density_surface(kecamatan, "umkm", tmp_path / "smooth.tif", bandwidth_m=1500, kernel=kernel)
    with rasterio.open(plain.path) as a, rasterio.open(smooth.path) as b:
        before, after = a.read(1), b.read(1)
        assert b.tags()["kernel"] == kernel and "illustrative" not in b.tags()
    np.testing.assert_array_equal(before == DENSITY_NODATA, after == DENSITY_NODATA)
    valid = after != DENSITY_NODATA
    assert after[valid].astype(float).sum() * 0.25 == pytest.approx(150.0, rel=1e-5)
    assert (after[valid] >= 0).all() and 25.0 < after[valid].max() < 50.0
    assert smooth.settings["edge_correction"].startswith("mass-preserving")


def test_point_kernel_matches_hand_calculation(tmp_path):
    # One UMKM at a cell centre; 100 m cells, quartic bandwidth 150 m: K = (1 - (d/150)^2)^2 is
    # 1 at the centre, (1 - 4/9)^2 = 25/81 at d = 100 (4 cells), (1 - 8/9)^2 = 1/81 at d = 141.4
    # (4 cells); the sum is 185/81, so the shares are 81/185, 25/185 and 1/185 of one UMKM, and
    # the density (per 0.01 km2 cell) is 100 times that. Padding by 150 m gives a 3 x 3 grid.
    point = gpd.GeoDataFrame({"w": [1.0]}, geometry=[Point(X0 + 50, Y0 - 50)], crs=UTM)
    result = density_surface(point, "w", tmp_path / "p.tif", cell_size_m=100, bandwidth_m=150)
    with rasterio.open(result.path) as src:
        band = src.read(1)
        assert tuple(src.transform)[:6] == (100.0, 0.0, X0 - 100, 0.0, -100.0, Y0 + 100)
    expected = np.array([[1, 25, 1], [25, 81, 25], [1, 25, 1]]) * 100 / 185
    np.testing.assert_allclose(band, expected, rtol=1e-6)
    assert result.method == "points" and result.total_surface == pytest.approx(1.0, rel=1e-6)


def test_edge_correction_matches_hand_calculation(tmp_path):
    # Mask: one row of three 100 m cells; one UMKM in the left cell; quartic, bandwidth 150 m.
    # Kernel weights from the left cell to the mask cells: 81 (itself), 25 (d = 100), 0 (d = 200);
    # the cells above and below are outside the mask, so the shares are 81/106 and 25/106.
    strip = gpd.GeoDataFrame(geometry=[_cells(0, 3, 0, 1)], crs=UTM)
    point = gpd.GeoDataFrame({"w": [1.0]}, geometry=[Point(X0 + 50, Y0 - 50)], crs=UTM)
    result = density_surface(point, "w", tmp_path / "e.tif", cell_size_m=100, bandwidth_m=150, mask=strip)
    with rasterio.open(result.path) as src:
        band = src.read(1)
    np.testing.assert_allclose(band, [[8100 / 106, 2500 / 106, 0.0]], rtol=1e-6, atol=1e-9)


def test_points_outside_the_mask_are_named_and_left_out(kecamatan, tmp_path):
    points = gpd.GeoDataFrame(
        {"w": [3.0, 2.0, 7.0]},
        geometry=[Point(X0 + 250, Y0 - 250), Point(X0 + 2250, Y0 - 250), Point(X0 + 2750, Y0 - 1750)],
        index=["p1", "p2", "p3"],
        crs=UTM,
    )
    with pytest.warns(UserWarning, match=r"7 of 12 .* from 1 unit\(s\): \['p3'\]"):
        result = density_surface(points, "w", tmp_path / "p.tif", mask=kecamatan)
    with rasterio.open(result.path) as src:
        band = src.read(1)
    # p1 in cell (0, 0) and p2 in cell (0, 4): 3 and 2 UMKM on 0.25 km2 cells.
    assert band[0, 0] == 12.0 and band[0, 4] == 8.0
    assert result.total_surface == pytest.approx(5.0) and result.total_input == 12.0


def test_polygon_smaller_than_a_cell_goes_to_its_representative_point(kecamatan, tmp_path):
    speck = gpd.GeoDataFrame({"umkm": [10]}, geometry=[_cells(0.1, 0.3, 0.1, 0.3, cell=500.0)], index=["c"], crs=UTM)
    frame = pd.concat([kecamatan.to_crs(UTM).iloc[[1]], speck])  # b, and a speck in an empty area
    with pytest.warns(UserWarning, match=r"hold no cell centre.*\['c'\]"):
        result = density_surface(frame, "umkm", tmp_path / "s.tif")
    assert result.total_surface == pytest.approx(60.0)
    with rasterio.open(result.path) as src:
        assert src.read(1)[0, 0] == 40.0  # 10 UMKM on one 0.25 km2 cell


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"method": "points"}, ConfigError, "does not apply to polygon"),
        ({"method": "representative_point"}, ConfigError, "needs bandwidth_m"),
        ({"kernel": "box", "bandwidth_m": 1000}, ConfigError, "Unknown kernel"),
        ({"bandwidth_m": 100}, ConfigError, "below cell_size_m"),
        ({"cell_size_m": -5}, ConfigError, "cell_size_m must be a positive"),
        ({"crs": "EPSG:4326"}, ConfigError, "not a projected CRS in metres"),
        ({"illustrative": "yes"}, ConfigError, "illustrative"),
    ],
)
def test_density_bad_settings(kecamatan, tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        density_surface(kecamatan, "umkm", tmp_path / "d.tif", **kwargs)
    assert os.listdir(tmp_path) == []


def test_density_bad_tables(kecamatan, tmp_path):
    with pytest.raises(TableError, match=r"'jumlah' is not in the input"):
        density_surface(kecamatan, "jumlah", tmp_path / "d.tif")
    bad = kecamatan.assign(umkm=[100.0, np.nan])
    with pytest.raises(TableError, match=r"bad rows: \['b=nan'\]"):
        density_surface(bad, "umkm", tmp_path / "d.tif")
    with pytest.raises(TableError, match=r"a=-1"):
        density_surface(kecamatan.assign(umkm=[-1, 5]), "umkm", tmp_path / "d.tif")
    with pytest.raises(ConfigError, match=r"\.tif or \.tiff"):
        density_surface(kecamatan, "umkm", tmp_path / "d.png")


def test_density_warns_when_the_crs_distorts_areas(kecamatan, tmp_path):
    # Web Mercator scales areas by 1 / cos^2(lat) = 1.02 at 8 degrees south.
    with pytest.warns(UserWarning, match="scales areas by 1.02"):
        density_surface(kecamatan, "umkm", tmp_path / "d.tif", crs="EPSG:3857")


def test_density_is_written_atomically(kecamatan, tmp_path, monkeypatch):
    out = tmp_path / "density.tif"
    density_surface(kecamatan, "umkm", out)
    assert os.listdir(tmp_path) == ["density.tif"]
    before = out.read_bytes()

    def crash(path, *args):
        path.write_bytes(b"half a GeoTIFF")
        raise RuntimeError("disk full")

    monkeypatch.setattr(umkm_geo.indicators.density, "_write", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        density_surface(kecamatan, "umkm", out, bandwidth_m=1000)
    assert os.listdir(tmp_path) == ["density.tif"] and out.read_bytes() == before


def test_density_result_records_its_settings(kecamatan, tmp_path):
    result = density_surface(kecamatan, "umkm", tmp_path / "d.tif", bandwidth_m=1000, illustrative=True)
    payload = result.to_dict()
    assert payload["result"] == "density_surface"
    assert payload["settings"]["method"] == "areal" and payload["settings"]["kernel"] == "quartic"
    assert payload["settings"]["crs"] == UTM and payload["settings"]["input_crs"] == "EPSG:4326"
    assert payload["settings"]["illustrative"] is True and payload["settings"]["units"] == DENSITY_UNITS
    assert payload["statistics"]["transform"] == [500.0, 0.0, X0, 0.0, -500.0, Y0]
    assert tuple(result.table().columns) == RESULT_TABLE_COLUMNS
    json.dumps(payload)


def test_density_settings_end_with_the_library_versions(kecamatan, tmp_path):
    settings = density_surface(kecamatan, "umkm", tmp_path / "d.tif").settings
    assert list(settings)[-4:] == ["rasterio_version", "gdal_version", "numpy_version", "scipy_version"]
    assert (
        settings["rasterio_version"] == rasterio.__version__ and settings["gdal_version"] == rasterio.__gdal_version__
    )


def test_raster_modules_import_first_without_cycles():
    # An import cycle shows when a module of the cycle is imported first: a name taken from a
    # half-initialised module raises ImportError. A new interpreter imports each module first in
    # turn (forgetting every umkm_geo module in between), then checks that umkm_geo.tables.demo.counts, where
    # density_surface takes ILLUSTRATIVE_NOTE from, loads none of the raster modules.
    code = """
import importlib, sys

def fresh(name):
    for loaded in [m for m in sys.modules if m.split(".")[0] == "umkm_geo"]:
        del sys.modules[loaded]
    importlib.import_module(name)
    return {m for m in sys.modules if m.split(".")[0] == "umkm_geo"}

for first in ("umkm_geo.indicators.density", "umkm_geo.indicators.zonal", "umkm_geo.indicators._raster_io"):
    fresh(first)
print(sorted(m for m in fresh("umkm_geo.tables.demo.counts") if "raster" in m or "zonal" in m or "density" in m))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
