import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from libpysal.graph import Graph

from _independent import BLITAR_ORIGIN, graph_neighbour_sets, lattice, pygeoda_queen_neighbours, voronoi_tessellation
from umkm_geo._crs import utm_crs
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.weights._contiguity import contiguity_graph
from umkm_geo.weights.build import build_weights
from umkm_geo.weights.methods import DEFAULT_K, METHODS, min_threshold_m


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
    with pytest.raises(ConfigError, match=r"'kernel'.*\['distance_band', 'fuzzy', 'knn', 'queen', 'rook'\]"):
        build_weights(lattice(2, 2), method="kernel")


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


# ---------------------------------------------------------------- exact neighbour sets on a 3x3 grid


def _cell(name: str) -> tuple[int, int]:
    return int(name[1]), int(name[3])


def _expected_grid_neighbours(rook: bool) -> dict[str, frozenset[str]]:
    """Hand rule: queen = any cell at Chebyshev distance 1, rook = Manhattan distance 1."""
    names = [f"r{r}c{c}" for r in range(3) for c in range(3)]
    expected = {}
    for a in names:
        (ra, ca) = _cell(a)
        near = set()
        for b in names:
            dr, dc = abs(_cell(b)[0] - ra), abs(_cell(b)[1] - ca)
            if (dr + dc == 1) if rook else (max(dr, dc) == 1):
                near.add(b)
        expected[a] = frozenset(near)
    return expected


@pytest.mark.parametrize(("method", "corner", "edge", "centre"), [("queen", 3, 5, 8), ("rook", 2, 3, 4)])
def test_grid_neighbour_sets_are_exact(method, corner, edge, centre):
    result = build_weights(lattice(3, 3), method=method)
    sets = graph_neighbour_sets(result.graph)
    assert sets == _expected_grid_neighbours(rook=method == "rook")
    assert (len(sets["r0c0"]), len(sets["r0c1"]), len(sets["r1c1"])) == (corner, edge, centre)
    assert sets["r0c0"] == ({"r0c1", "r1c0", "r1c1"} if method == "queen" else {"r0c1", "r1c0"})


# ---------------------------------------------------------------- the fast contiguity builder


def _same_graph(ours: Graph, theirs: Graph) -> None:
    """Same ids, same order, same neighbour sets and weights as libpysal."""
    assert list(ours.unique_ids) == list(theirs.unique_ids)
    assert graph_neighbour_sets(ours) == graph_neighbour_sets(theirs)
    pd.testing.assert_series_equal(ours.adjacency, theirs.adjacency)


@pytest.mark.parametrize("rook", [False, True])
def test_fast_contiguity_equals_libpysal_on_blitar(blitar, rook):
    frame = blitar.frame
    _same_graph(
        contiguity_graph(frame.geometry.array, frame.index, rook=rook), Graph.build_contiguity(frame, rook=rook)
    )


@pytest.mark.parametrize("rook", [False, True])
def test_fast_contiguity_equals_libpysal_on_a_10x10_grid(rook):
    frame = lattice(10, 10, crs="EPSG:32749")
    ours = contiguity_graph(frame.geometry.array, frame.index, rook=rook)
    _same_graph(ours, Graph.build_contiguity(frame, rook=rook))
    # 10x10 grid: queen joins = 2*10*9 (rook) + 2*9*9 (diagonals) = 342; rook joins = 180
    assert ours.cardinalities.sum() // 2 == (180 if rook else 342)


@pytest.mark.parametrize("rook", [False, True])
def test_fast_contiguity_equals_libpysal_on_a_2000_cell_tessellation(rook):
    frame = voronoi_tessellation(2000, seed=11)
    _same_graph(
        contiguity_graph(frame.geometry.array, frame.index, rook=rook), Graph.build_contiguity(frame, rook=rook)
    )


def _holes_and_parts() -> gpd.GeoDataFrame:
    """A donut with a unit filling its hole, a two-part unit, and units touching at one corner.

    donut: 0..3 km square with the hole 1..2 km; plug: the hole 1..2 km (shares the hole's 4 edges);
    pair: MultiPolygon of 3..4 x 0..1 (shares the donut's edge x=3, y 0..1) and 10..11 x 0..1;
    far: 11..12 x 1..2 touches the second part of pair at the corner (11, 1) only.
    """
    donut = shapely.Polygon(
        [(0, 0), (3000, 0), (3000, 1000), (3000, 3000), (0, 3000)],
        holes=[[(1000, 1000), (2000, 1000), (2000, 2000), (1000, 2000)]],
    )
    plug = shapely.box(1000, 1000, 2000, 2000)
    pair = shapely.MultiPolygon([shapely.box(3000, 0, 4000, 1000), shapely.box(10_000, 0, 11_000, 1000)])
    far = shapely.box(11_000, 1000, 12_000, 2000)
    x0, y0 = BLITAR_ORIGIN
    geometry = [shapely.affinity.translate(g, x0, y0) for g in (donut, plug, pair, far)]
    return gpd.GeoDataFrame(
        geometry=geometry, crs="EPSG:32749", index=pd.Index(["donut", "plug", "pair", "far"], name="kode")
    )


def test_fast_contiguity_with_holes_and_multipolygons():
    frame = _holes_and_parts()
    queen = contiguity_graph(frame.geometry.array, frame.index, rook=False)
    rook = contiguity_graph(frame.geometry.array, frame.index, rook=True)
    assert graph_neighbour_sets(queen) == {
        "donut": {"plug", "pair"},
        "plug": {"donut"},
        "pair": {"donut", "far"},
        "far": {"pair"},
    }
    assert graph_neighbour_sets(rook) == {"donut": {"plug", "pair"}, "plug": {"donut"}, "pair": {"donut"}, "far": set()}
    _same_graph(queen, Graph.build_contiguity(frame, rook=False))
    _same_graph(rook, Graph.build_contiguity(frame, rook=True))


def test_queen_rejects_points():
    points = gpd.GeoDataFrame(geometry=shapely.points([(0, 0), (1, 1)]), index=pd.Index(["a", "b"]))
    with pytest.raises(AnalysisError, match=r"\['a', 'b'\].*knn"):
        build_weights(points)


# ---------------------------------------------------------------- knn and distance band

# Four units on a line (UTM 49S, metres from BLITAR_ORIGIN): A at 0, B at 1000, C at 3000, D at 3500.
_LINE = {"A": 0.0, "B": 1000.0, "C": 3000.0, "D": 3500.0}


def _line(crs: str = "EPSG:32749") -> gpd.GeoDataFrame:
    """100 m squares centred on the four collinear points of ``_LINE`` (centroid = the point)."""
    x0, y0 = BLITAR_ORIGIN
    squares = [shapely.box(x0 + x - 50, y0 - 50, x0 + x + 50, y0 + 50) for x in _LINE.values()]
    frame = gpd.GeoDataFrame(geometry=squares, crs="EPSG:32749", index=pd.Index(list(_LINE), name="kode"))
    return frame.to_crs(crs)


def test_knn_two_nearest_on_collinear_points():
    # Distances: A: B 1000, C 3000, D 3500 -> {B, C};  B: A 1000, C 2000, D 2500 -> {A, C}
    #            C: D 500, B 2000, A 3000 -> {D, B};   D: C 500, B 2500, A 3500 -> {C, B}
    result = build_weights(_line("EPSG:4326"), method="knn", k=2)
    assert graph_neighbour_sets(result.graph) == {"A": {"B", "C"}, "B": {"A", "C"}, "C": {"D", "B"}, "D": {"C", "B"}}
    assert result.symmetric is False  # A -> C but not C -> A
    assert result.n_links == 8
    assert result.n_joins == 5  # AB, AC, BC, BD, CD
    assert result.pct_nonzero == pytest.approx(100 * 8 / 16)
    assert result.k == 2
    assert result.metric_crs == "EPSG:32749"
    assert result.islands == ()
    np.testing.assert_allclose(result.graph.adjacency.to_numpy(), 0.5)  # row-standardised, 2 each
    payload = result.to_dict()
    assert payload["statistics"]["symmetric"] is False
    assert payload["settings"]["k"] == 2
    assert payload["settings"]["points"] == "centroid"
    assert payload["settings"]["tolerance_m"] is None


def test_knn_default_k_and_points_input():
    x0, y0 = BLITAR_ORIGIN
    points = gpd.GeoDataFrame(
        geometry=shapely.points([(x0 + 100 * i, y0 + 7 * i**2) for i in range(6)]),
        crs="EPSG:32749",
        index=pd.Index([f"p{i}" for i in range(6)]),
    )
    result = build_weights(points, method="knn")
    assert DEFAULT_K == 4
    assert result.k == DEFAULT_K
    assert (result.min_neighbours, result.max_neighbours) == (4, 4)


def test_distance_band_on_known_spacing():
    frame = _line()
    # band 1200 m: A-B (1000) and C-D (500); B-C is 2000 m apart
    result = build_weights(frame, method="distance_band", threshold_m=1200.0, transform="b")
    assert graph_neighbour_sets(result.graph) == {"A": {"B"}, "B": {"A"}, "C": {"D"}, "D": {"C"}}
    assert result.symmetric is True
    assert result.n_components == 2
    assert result.threshold_m == 1200.0
    assert result.threshold_rule == "given"
    assert set(result.graph.adjacency.unique()) == {1}  # binary within the band

    # band 2500 m: adds B-C (2000) and B-D (2500, the band itself counts)
    wide = build_weights(frame, method="distance_band", threshold_m=2500.0)
    assert graph_neighbour_sets(wide.graph)["B"] == {"A", "C", "D"}
    assert wide.n_joins == 4  # AB 1000, BC 2000, BD 2500, CD 500 (AC 3000 and AD 3500 are outside)


def test_distance_band_default_is_the_smallest_band_without_islands():
    frame = _line()
    # nearest-neighbour distances: A 1000, B 1000, C 500, D 500 -> the largest is 1000 m
    assert min_threshold_m(frame) == pytest.approx(1000.0)
    result = build_weights(frame, method="distance_band")
    assert result.threshold_rule == "min_threshold_m"
    assert result.threshold_m == pytest.approx(1000.0)
    assert result.islands == ()
    assert graph_neighbour_sets(result.graph) == {"A": {"B"}, "B": {"A"}, "C": {"D"}, "D": {"C"}}


def test_distance_band_leaving_islands_warns_and_names_them():
    with pytest.warns(UserWarning, match=r"A, B.*min_threshold_m\(frame\) = 1000.0 m") as record:
        result = build_weights(_line(), method="distance_band", threshold_m=600.0)
    assert record[0].filename == __file__
    assert result.islands == ("A", "B")
    assert graph_neighbour_sets(result.graph)["C"] == {"D"}


def test_min_threshold_leaves_no_island_on_real_and_irregular_maps(blitar):
    for frame in (blitar.frame, voronoi_tessellation(300, seed=5)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = build_weights(frame, method="distance_band")
        assert result.islands == ()
        assert result.threshold_m == pytest.approx(min_threshold_m(frame))


def test_shared_centroid_is_an_error_for_distance_weights():
    frame = pd.concat([_line(), _line().iloc[[0]].rename(index={"A": "A2"})])
    with pytest.raises(AnalysisError, match=r"\['A', 'A2'\].*same centroid"):
        build_weights(frame, method="knn", k=2)


def test_distance_weights_need_a_crs():
    frame = _line().set_crs(None, allow_override=True)
    for method in ("knn", "distance_band"):
        with pytest.raises(ConfigError, match="no CRS"):
            build_weights(frame, method=method, k=2)


# ---------------------------------------------------------------- island policy


def _grid_and_detached(y_low: float = 1200.0, y_high: float = 1800.0, crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    """3x3 grid of 1 km cells plus a square 500 m east of it (x 3500..4100, y y_low..y_high), in ``crs``.

    With y 1200..1800 the nearest boundary is r1c2's (x = 3000, y 1000..2000): 500 m; r0c2's
    and r2c2's nearest corners are sqrt(500**2 + 200**2) = 538.5 m away.
    """
    x0, y0 = BLITAR_ORIGIN
    grid = lattice(3, 3, crs="EPSG:32749")
    far = gpd.GeoDataFrame(
        geometry=[shapely.box(x0 + 3500, y0 + y_low, x0 + 4100, y0 + y_high)],
        crs="EPSG:32749",
        index=pd.Index(["isolated"], name="kode"),
    )
    return pd.concat([grid, far]).to_crs(crs)


def test_island_policy_keep_is_the_default():
    with pytest.warns(UserWarning, match="isolated.*islands='nearest'"):
        result = build_weights(_grid_and_detached())
    assert result.island_policy == "keep"
    assert result.islands == result.islands_before == ("isolated",)
    assert result.attached == ()
    assert result.graph.cardinalities["isolated"] == 0
    assert result.n_components == 2


def test_island_policy_nearest_links_both_ways():
    with pytest.warns(UserWarning, match=r"isolated -> r1c2 \(500.0 m\)") as record:
        result = build_weights(_grid_and_detached(), islands="nearest")
    assert len(record) == 1  # no island left, so no second warning
    assert record[0].filename == __file__
    assert result.islands == ()
    assert result.islands_before == ("isolated",)
    ((island, neighbour, distance),) = result.attached
    assert (island, neighbour) == ("isolated", "r1c2")
    assert distance == pytest.approx(500.0, abs=0.01)
    assert result.metric_crs == "EPSG:32749"
    sets = graph_neighbour_sets(result.graph)
    assert sets["isolated"] == {"r1c2"}
    assert sets["r1c2"] == {"r0c1", "r1c1", "r2c1", "r0c2", "r2c2", "isolated"}
    # row-standardised after attaching: isolated -> r1c2 = 1; r1c2 has 5 + 1 neighbours -> 1/6 each
    weights = result.graph.adjacency
    assert weights[("isolated", "r1c2")] == pytest.approx(1.0)
    assert weights[("r1c2", "isolated")] == pytest.approx(1 / 6)
    assert result.n_joins == 21  # 20 queen joins of the grid + 1
    assert result.n_components == 1
    assert result.symmetric is True
    payload = result.to_dict()
    assert payload["statistics"]["n_islands_before_policy"] == 1
    assert payload["statistics"]["n_islands"] == 0
    assert payload["statistics"]["attached"] == ["isolated -> r1c2 (500.0 m)"]
    assert payload["settings"]["islands"] == "nearest"


def test_island_policy_nearest_breaks_ties_by_frame_order():
    # y 1000..2000: r0c2 (corner), r1c2 (edge) and r2c2 (corner) are all exactly 500 m away (kept in
    # UTM so that no reprojection rounding separates them) -> r0c2 comes first in the frame
    with pytest.warns(UserWarning, match="isolated -> r0c2"):
        result = build_weights(_grid_and_detached(1000.0, 2000.0, crs="EPSG:32749"), islands="nearest")
    assert result.attached[0][:2] == ("isolated", "r0c2")


def test_two_islands_nearest_to_each_other_get_one_link():
    x0, y0 = BLITAR_ORIGIN
    frame = gpd.GeoDataFrame(
        geometry=[
            shapely.box(x0, y0, x0 + 1000, y0 + 1000),
            shapely.box(x0 + 1000, y0, x0 + 2000, y0 + 1000),
            shapely.box(x0 + 9000, y0, x0 + 10_000, y0 + 1000),
            shapely.box(x0 + 10_300, y0, x0 + 11_300, y0 + 1000),
        ],
        crs="EPSG:32749",
        index=pd.Index(["a", "b", "p", "q"], name="kode"),
    )
    with pytest.warns(UserWarning, match=r"p -> q \(300.0 m\), q -> p \(300.0 m\)"):
        result = build_weights(frame, islands="nearest", transform="b")
    assert [a[:2] for a in result.attached] == [("p", "q"), ("q", "p")]
    assert result.n_joins == 2  # a-b and p-q
    assert result.n_links == 4
    assert result.n_components == 2
    assert graph_neighbour_sets(result.graph)["p"] == {"q"}


def test_a_single_unit_stays_an_island():
    frame = lattice(1, 1)
    with pytest.warns(UserWarning, match="kept as islands"):
        result = build_weights(frame, islands="nearest")
    assert result.islands == ("r0c0",)
    assert result.attached == ()


# ---------------------------------------------------------------- summary


def test_summary_histogram_and_statistics_on_a_3x3_grid():
    result = build_weights(lattice(3, 3))
    histogram = result.histogram()
    # 4 corners with 3, 4 edge cells with 5, the centre with 8 queen neighbours
    assert histogram["n_neighbours"].tolist() == [3, 4, 5, 6, 7, 8]
    assert histogram["n_units"].tolist() == [4, 0, 4, 0, 0, 1]
    assert histogram["n_units"].sum() == result.n
    assert result.n_links == 40
    assert result.pct_nonzero == pytest.approx(100 * 40 / 81)
    assert result.symmetric is True
    statistics = result.to_dict()["statistics"]
    assert statistics["pct_nonzero"] == pytest.approx(49.382716, abs=1e-6)
    assert statistics["islands_before_policy"] == []
    assert statistics["attached"] == []
    table = result.summary_table()
    assert table.loc["r1c1", "neighbours"] == "r0c0; r0c1; r0c2; r1c0; r1c2; r2c0; r2c1; r2c2"
    assert set(table["component"]) == {0}


def test_histogram_counts_islands_at_zero():
    with pytest.warns(UserWarning):
        result = build_weights(_grid_and_detached())
    histogram = result.histogram().set_index("n_neighbours")["n_units"]
    assert histogram[0] == 1
    assert histogram.sum() == 10


def test_settings_record_the_method_and_versions():
    import libpysal

    settings = build_weights(lattice(3, 3)).to_dict()["settings"]
    assert settings["method"] == "queen"
    assert settings["method_description"] == METHODS["queen"]
    assert settings["islands"] == "keep"
    assert settings["builder"].startswith("umkm_geo.weights._contiguity")
    assert settings["libpysal_version"] == libpysal.__version__
    assert settings["threshold_m"] is None and settings["k"] is None


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("k", [0, 9, -1, 2.5, True, "3"])
def test_knn_rejects_k_out_of_range(k):
    with pytest.raises(ConfigError, match=r"k must be an integer from 1 to 8"):
        build_weights(lattice(3, 3), method="knn", k=k)


@pytest.mark.parametrize("threshold", [0.0, -10.0, float("nan"), float("inf"), "500", True])
def test_distance_band_rejects_bad_threshold(threshold):
    with pytest.raises(ConfigError, match="threshold_m must be a positive number"):
        build_weights(_line(), method="distance_band", threshold_m=threshold)


def test_unknown_island_policy_lists_the_valid_ones():
    with pytest.raises(ConfigError, match=r"'drop'.*\['keep', 'nearest'\]"):
        build_weights(lattice(2, 2), islands="drop")


def test_parameters_of_other_methods_are_ignored_and_recorded_as_none():
    result = build_weights(lattice(3, 3), k=0, threshold_m=-1.0, tolerance_m=-5.0)
    assert (result.k, result.threshold_m, result.tolerance_m) == (None, None, None)


def test_min_threshold_needs_two_units():
    with pytest.raises(AnalysisError, match="at least two units"):
        min_threshold_m(lattice(1, 1))


# ---------------------------------------------------------------- transforms


def test_transforms_on_a_3x3_grid():
    frame = lattice(3, 3)
    doubly = build_weights(frame, transform="d").graph.adjacency
    # 40 links of weight 1 / 40 each
    np.testing.assert_allclose(doubly.to_numpy(), 1 / 40)
    # variance-stabilising: w_ij = s / sqrt(k_i) with s = n / sum_i sqrt(k_i)
    # sum_i sqrt(k_i) = 4 sqrt(3) + 4 sqrt(5) + sqrt(8) = 18.70090; s = 9 / 18.70090 = 0.481260
    stabilised = build_weights(frame, transform="v").graph.adjacency
    s = 9 / (4 * np.sqrt(3) + 4 * np.sqrt(5) + np.sqrt(8))
    assert stabilised[("r1c1", "r0c0")] == pytest.approx(s / np.sqrt(8))
    assert stabilised[("r0c0", "r0c1")] == pytest.approx(s / np.sqrt(3))
    assert stabilised.sum() == pytest.approx(9.0)
    upper = build_weights(frame, transform="R")
    assert upper.transform == "r"
    np.testing.assert_allclose(upper.graph.adjacency.groupby(level=0).sum().to_numpy(), 1.0)


def test_knn_row_standardised_after_attaching_nothing_and_binary_on_request():
    binary = build_weights(_line(), method="knn", k=3, transform="b")
    assert set(binary.graph.adjacency.unique()) == {1}
    assert binary.n_links == 12
    assert binary.symmetric is True  # k = n - 1 links everything


def test_the_method_description_carries_the_runs_numbers():
    """'buffered by tolerance_m metres' was printed as is in the report; the run's numbers go in its place."""
    import geopandas as gpd
    from shapely.geometry import box

    from umkm_geo.weights.build import build_weights

    frame = gpd.GeoDataFrame(
        {"nama": list("abcd")},
        geometry=[box(i * 0.01, 0, i * 0.01 + 0.0099, 0.01) for i in range(4)],
        crs="EPSG:4326",
        index=pd.Index(list("abcd"), name="kode"),
    )
    fuzzy = build_weights(frame, method="fuzzy", tolerance_m=60.0).to_dict()["settings"]["method_description"]
    assert "buffered by 60 metres" in fuzzy and "tolerance_m" not in fuzzy
    knn = build_weights(frame, method="knn", k=2).to_dict()["settings"]["method_description"]
    assert knn.startswith("2 nearest neighbours")
