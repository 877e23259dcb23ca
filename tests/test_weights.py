import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from _independent import lattice, pygeoda_queen_neighbours, voronoi_tessellation
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo._results import RESULT_TABLE_COLUMNS
from umkm_geo.weights import build_weights, utm_crs


def _build_quietly(frame, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return build_weights(frame, **kwargs)


def _two_squares(gap_m: float) -> gpd.GeoDataFrame:
    """Two 1 km squares near Blitar separated by ``gap_m`` metres, returned in EPSG:4326."""
    x0, y0 = 630_000.0, 9_100_000.0
    west = shapely.box(x0, y0, x0 + 1000, y0 + 1000)
    east = shapely.box(x0 + 1000 + gap_m, y0, x0 + 2000 + gap_m, y0 + 1000)
    frame = gpd.GeoDataFrame(
        geometry=[west, east],
        crs="EPSG:32749",
        index=pd.Index(["35.05.01", "35.05.02"], name="kode"),
    )
    return frame.to_crs("EPSG:4326")


def test_queen_lattice_neighbour_counts():
    frame = lattice(3, 3)
    result = build_weights(frame)
    counts = result.summary_table()["n_neighbours"]
    assert counts["r1c1"] == 8
    assert counts["r0c0"] == 3
    assert counts["r0c1"] == 5
    assert (result.min_neighbours, result.max_neighbours) == (3, 8)
    assert result.mean_neighbours == pytest.approx(40 / 9)
    assert result.n_joins == 20
    assert result.islands == ()
    assert result.n_components == 1


def test_rook_lattice_neighbour_counts():
    result = build_weights(lattice(3, 3), method="rook")
    counts = result.summary_table()["n_neighbours"]
    assert counts["r1c1"] == 4
    assert counts["r0c0"] == 2
    assert result.n_joins == 12
    assert set(result.graph.neighbors["r1c1"]) == {"r0c1", "r2c1", "r1c0", "r1c2"}


def test_graph_ids_are_the_frame_index_in_order():
    frame = lattice(3, 4).iloc[::-1]
    result = build_weights(frame)
    assert list(result.graph.unique_ids) == list(frame.index)
    assert list(result.summary_table().index) == list(frame.index)
    assert result.summary_table().index.name == "kode"


def test_row_standardised_by_default_and_binary_on_request():
    frame = lattice(3, 3)
    row = build_weights(frame).graph
    sums = row.adjacency.groupby(level=0).sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0)
    binary = build_weights(frame, transform="b").graph
    assert set(binary.adjacency.unique()) == {1}


def test_island_is_reported_and_kept_without_neighbours():
    squares = lattice(3, 3, crs="EPSG:32749")
    far = gpd.GeoDataFrame(
        geometry=[shapely.box(650_000, 9_120_000, 651_000, 9_121_000)],
        crs="EPSG:32749",
        index=pd.Index(["isolated"], name="kode"),
    )
    frame = pd.concat([squares, far]).to_crs("EPSG:4326")
    with pytest.warns(UserWarning, match="isolated") as record:
        result = build_weights(frame)
    assert record[0].filename == __file__  # stacklevel=2 points at the caller
    assert result.islands == ("isolated",)
    assert result.n == 10
    assert result.n_components == 2
    assert result.min_neighbours == 0
    table = result.summary_table()
    assert table.loc["isolated", "n_neighbours"] == 0
    assert bool(table.loc["isolated", "island"]) is True
    assert table["island"].sum() == 1
    assert "isolated" in list(result.graph.unique_ids)
    assert result.to_dict()["statistics"]["islands"] == ["isolated"]


def test_no_warning_without_islands():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_weights(lattice(2, 2))


def test_fuzzy_joins_a_20_m_gap_at_50_m_and_not_at_5_m():
    frame = _two_squares(20.0)
    joined = build_weights(frame, method="fuzzy", tolerance_m=50.0)
    assert set(joined.graph.neighbors["35.05.01"]) == {"35.05.02"}
    assert joined.islands == ()
    assert joined.metric_crs == "EPSG:32749"
    assert joined.tolerance_m == 50.0

    with pytest.warns(UserWarning, match="35.05.01"):
        apart = build_weights(frame, method="fuzzy", tolerance_m=5.0)
    assert apart.islands == ("35.05.01", "35.05.02")
    assert apart.n_joins == 0

    with pytest.warns(UserWarning):
        queen = build_weights(frame, method="queen")
    assert queen.n_joins == 0
    assert queen.tolerance_m is None
    assert queen.metric_crs is None


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [(112.2, -8.1, "EPSG:32749"), (106.8, -6.2, "EPSG:32748"), (98.7, 3.6, "EPSG:32647")],
)
def test_utm_zone_from_centre(lon, lat, expected):
    frame = gpd.GeoDataFrame(geometry=[shapely.box(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)], crs="EPSG:4326")
    assert utm_crs(frame) == expected


def test_fuzzy_needs_a_crs():
    frame = _two_squares(20.0).set_crs(None, allow_override=True)
    with pytest.raises(ConfigError, match="no CRS"):
        build_weights(frame, method="fuzzy")


@pytest.mark.parametrize("tolerance", [0.0, -5.0, float("nan")])
def test_fuzzy_rejects_non_positive_tolerance(tolerance):
    with pytest.raises(ConfigError, match="tolerance_m"):
        build_weights(_two_squares(20.0), method="fuzzy", tolerance_m=tolerance)


def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(ConfigError, match=r"'knn'.*\['fuzzy', 'queen', 'rook'\]"):
        build_weights(lattice(2, 2), method="knn")


def test_unknown_transform_lists_the_valid_ones():
    with pytest.raises(ConfigError, match=r"'x'.*\['b', 'd', 'r', 'v'\]"):
        build_weights(lattice(2, 2), transform="x")


def test_duplicate_index_is_an_error():
    frame = lattice(2, 2)
    frame.index = pd.Index(["a", "a", "b", "c"], name="kode")
    with pytest.raises(AnalysisError, match=r"\['a'\]"):
        build_weights(frame)


def test_missing_geometry_is_an_error():
    frame = lattice(2, 2)
    frame.loc["r0c0", "geometry"] = None
    with pytest.raises(AnalysisError, match="r0c0"):
        build_weights(frame)


def test_queen_matches_geoda_on_irregular_tessellation():
    frame = voronoi_tessellation(60, seed=7)
    result = build_weights(frame)
    ours = {str(k): frozenset(map(str, v)) for k, v in result.graph.neighbors.items()}
    assert ours == pygeoda_queen_neighbours(frame)


def test_to_dict_and_table_share_the_result_layout():
    result = build_weights(lattice(3, 3), method="rook")
    payload = result.to_dict()
    assert set(payload) == {"result", "statistics", "settings"}
    assert payload["settings"]["method"] == "rook"
    assert payload["settings"]["transform"] == "r"
    table = result.table()
    assert tuple(table.columns) == RESULT_TABLE_COLUMNS
    value = table.set_index("name").loc["n_joins", "value"]
    assert value == 12
