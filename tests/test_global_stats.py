import gc
import re
import warnings

import esda
import numpy as np
import pandas as pd
import pygeoda
import pytest

from _independent import (
    LINE_IDS,
    assert_records_settings,
    assert_seeded,
    graph_neighbour_sets,
    neighbour_sets,
    pygeoda_weights_from_graph,
)
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.stats._inference import P_VALUE_DEFINITIONS
from umkm_geo.stats.autocorrelation.global_ import geary, general_g, global_moran

# Fixtures checkerboard (6 x 6 rook; make_checkerboard(size) for other sizes), line (a - b - c - d,
# ids LINE_IDS), two_blocks, tessellation (60 Voronoi cells: y, graph, frame) and with_island
# (4 x 4 queen + one far cell) come from conftest.py.


def _geoda(graph, tmp_path):
    weight = pygeoda_weights_from_graph(graph, tmp_path / "w.gal")
    return weight, weight.umkm_ids


# --- Moran's I -------------------------------------------------------------------------------


def test_moran_of_checkerboard_on_rook_lattice_is_minus_one(checkerboard):
    y, graph = checkerboard
    result = global_moran(y, graph, seed=1)
    np.testing.assert_allclose(result.I, -1.0, rtol=0, atol=1e-12)
    assert result.expected_I == pytest.approx(-1 / 35)
    assert result.z_norm < -5
    assert result.p_sim == pytest.approx(2 / 1000)  # nothing as extreme in 999 permutations
    assert result.p_sim_folded == pytest.approx(1 / 1000)
    assert result.n == 36


def test_moran_of_two_blocks_is_strongly_positive(two_blocks):
    y, graph, _ = two_blocks
    result = global_moran(y, graph, seed=1)
    assert result.I > 0.8
    assert result.p_norm < 1e-10
    assert result.p_rand < 1e-10


def test_moran_matches_esda_and_records_settings(tessellation):
    y, graph, _ = tessellation
    result = global_moran(y, graph, permutations=199, seed=11)
    expected = esda.Moran(y.to_numpy(), graph, permutations=0)
    np.testing.assert_allclose(result.I, expected.I, rtol=0, atol=1e-12)
    assert result.z_rand == pytest.approx(expected.z_rand, abs=1e-12)
    assert result.p_norm == pytest.approx(expected.p_norm, abs=1e-12)
    assert 0 < result.p_sim <= 1
    assert result.p_sim >= result.p_sim_folded
    assert result.settings["seed"] == 11
    assert result.settings["permutations"] == 199
    assert result.settings["alternative"] == "two-sided"
    assert result.settings["p_sim_definition"] == P_VALUE_DEFINITIONS["two-sided"][1]
    assert result.settings["transformation"] == "R"


def test_moran_is_reproducible_and_leaves_numpy_state_alone(tessellation):
    y, graph, _ = tessellation
    np.random.seed(2024)
    before = np.random.get_state()[1].copy()
    first = global_moran(y, graph, permutations=99, seed=5)
    after = np.random.get_state()[1]
    np.testing.assert_array_equal(before, after)
    assert first == global_moran(y, graph, permutations=99, seed=5)


def test_moran_input_order_does_not_matter(tessellation):
    y, graph, _ = tessellation
    shuffled = y.sample(frac=1.0, random_state=1)
    np.testing.assert_allclose(global_moran(shuffled, graph, seed=3).I, global_moran(y, graph, seed=3).I, atol=1e-12)


def test_moran_with_island_keeps_n_and_counts_islands(with_island):
    y, graph = with_island
    result = global_moran(y, graph, permutations=99, seed=1)
    assert result.n == 17
    assert result.n_islands == 1


def test_moran_errors_name_units_and_seed(checkerboard):
    y, graph = checkerboard
    holes = y.copy()
    holes["r2c3"] = np.nan
    with pytest.raises(AnalysisError, match="r2c3"):
        global_moran(holes, graph, seed=1)
    with pytest.raises(AnalysisError, match="r0c0"):
        global_moran(y.drop("r0c0"), graph, seed=1)
    with pytest.raises(ConfigError, match="seed"):
        global_moran(y, graph, seed=None)


# --- Geary's C -------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "expected"), [(4, 15 / 8), (6, 35 / 18)])
def test_geary_of_checkerboard_by_hand(size, expected, make_checkerboard):
    # Checkerboard of 0/1 on a size x size rook lattice, row-standardised weights, no islands:
    # every neighbour pair differs, so sum_ij w_ij (y_i - y_j)^2 = sum_ij w_ij = S0 = n, and
    # sum (y - 0.5)^2 = n / 4. C = (n - 1) * S0 / (2 * S0 * n / 4) = 2 (n - 1) / n:
    # n = 16 -> 30 / 16 = 15 / 8; n = 36 -> 70 / 36 = 35 / 18.
    y, graph = make_checkerboard(size)
    result = geary(y, graph, permutations=99, seed=3)
    np.testing.assert_allclose(result.C, expected, rtol=0, atol=1e-12)
    assert result.expected_C == 1.0
    assert result.z_norm > 0 and result.z_rand > 0  # C > 1: negative autocorrelation
    np.testing.assert_allclose(global_moran(y, graph, permutations=9, seed=3).I, -1.0, rtol=0, atol=1e-12)
    # Only the 2 checkerboards of C(n, n/2) arrangements reach C: no permutation is as large.
    assert result.p_sim == pytest.approx(2 / 100)
    assert result.p_sim_folded == pytest.approx(1 / 100)
    assert (result.n, result.n_islands) == (size * size, 0)


def test_geary_analytical_p_is_two_sided(tessellation):
    y, graph, _ = tessellation
    result = geary(y, graph, permutations=9, seed=0)
    reference = esda.Geary(y.reindex(graph.unique_ids).to_numpy(), graph, permutations=0)
    np.testing.assert_allclose(result.C, reference.C, rtol=0, atol=1e-12)
    assert result.z_rand == pytest.approx(reference.z_rand, abs=1e-12)
    # esda's p_norm / p_rand are one-sided in the direction of C - 1
    assert result.p_norm == pytest.approx(2 * reference.p_norm, rel=1e-12)
    assert result.p_rand == pytest.approx(2 * reference.p_rand, rel=1e-12)


def test_geary_agrees_with_pygeoda_local_geary(tessellation, tmp_path):
    # GeoDa's local Geary c_i = sum_j w_ij (z_i - z_j)^2 with z standardised with ddof = 1 and
    # row-standardised w, so sum_i c_i = sum_ij w_ij (y_i - y_j)^2 / s^2 and, with
    # sum (y - mean)^2 = (n - 1) s^2, C = (n - 1) sum_i c_i s^2 / (2 S0 (n - 1) s^2) = sum c_i / (2 S0).
    y, graph, _ = tessellation
    weight, ids = _geoda(graph, tmp_path)
    local = pygeoda.local_geary(weight, [float(v) for v in y.reindex(ids)], permutations=9, cpu_threads=1)
    s0 = graph.summary().s0
    expected = np.sum(local.lisa_values()) / (2 * s0)
    np.testing.assert_allclose(geary(y, graph, permutations=9, seed=0).C, expected, rtol=0, atol=1e-9)


def test_geary_with_an_island_matches_the_formula(with_island):
    # esda 2.9 Geary fails on a Graph with islands; the module passes graph.to_W() instead.
    y, graph = with_island
    result = geary(y, graph, permutations=9, seed=0)
    values = y.reindex(graph.unique_ids).to_numpy()
    w = graph.sparse.toarray()
    squared = (values[:, None] - values[None, :]) ** 2
    expected = (len(values) - 1) * (w * squared).sum() / (2 * w.sum() * ((values - values.mean()) ** 2).sum())
    np.testing.assert_allclose(result.C, expected, rtol=0, atol=1e-12)
    assert result.n_islands == 1
    assert "to_W" in result.settings["weights_passed_to_esda"]


# --- General G -------------------------------------------------------------------------------


def test_general_g_on_a_line_by_hand(line):
    # a - b - c - d with y = 1, 2, 3, 4 and binary weights (each join counted both ways):
    # numerator 2 * (1*2 + 2*3 + 3*4) = 40; denominator (sum y)^2 - sum y^2 = 100 - 30 = 70.
    # G = 40 / 70 = 4 / 7; E[G] = S0 / (n (n - 1)) = 6 / 12 = 1 / 2.
    y = pd.Series([4.0, 2.0, 1.0, 3.0], index=["r0c3", "r0c1", "r0c0", "r0c2"], name="umkm")
    result = general_g(y, line, permutations=23, seed=0)
    np.testing.assert_allclose(result.G, 4 / 7, rtol=0, atol=1e-12)
    assert result.expected_G == pytest.approx(0.5, abs=1e-12)
    assert result.settings["transformation"] == "B"
    assert result.settings["transformation_of_input_graph"] == "R"
    binary = general_g(y, line.transform("B"), permutations=23, seed=0)
    assert binary.G == result.G and binary.p_sim == result.p_sim


def test_general_g_z_uses_the_randomisation_moments(line):
    # The randomisation moments of G are the mean and variance of G over all n! relabellings of
    # y: enumerate the 24 relabellings of a - b - c - d and compare with z_norm (esda's name).
    import itertools

    y = pd.Series([4.0, 2.0, 1.0, 3.0], index=["r0c3", "r0c1", "r0c0", "r0c2"], name="umkm")
    result = general_g(y, line, permutations=9, seed=0)
    links = [(0, 1), (1, 2), (2, 3)]  # the line in LINE_IDS order, each join counted both ways

    def g(v):
        return 2 * sum(v[i] * v[j] for i, j in links) / (sum(v) ** 2 - sum(x * x for x in v))

    every = np.array([g(p) for p in itertools.permutations([1.0, 2.0, 3.0, 4.0])])
    assert result.expected_G == pytest.approx(every.mean(), abs=1e-12)
    assert result.z_norm == pytest.approx((result.G - every.mean()) / every.std(), abs=1e-9)
    assert "randomisation" in result.settings["moments"] and "normality" not in result.settings["p_analytical"]


def test_general_g_agrees_with_pygeoda_local_g(tessellation, tmp_path):
    # GeoDa's G_i = sum_j w_ij y_j / sum_{j != i} y_j with row-standardised w = 1 / k_i, so
    # sum_j b_ij y_j = k_i G_i (S - y_i) and G = sum_i y_i k_i G_i (S - y_i) / sum_i y_i (S - y_i).
    y, graph, _ = tessellation
    weight, ids = _geoda(graph, tmp_path)
    values = y.reindex(ids).to_numpy()
    local = np.asarray(pygeoda.local_g(weight, [float(v) for v in values], permutations=9, cpu_threads=1).lisa_values())
    k = np.array([len(weight.get_neighbors(i)) for i in range(len(ids))])
    rest = values.sum() - values
    expected = (values * k * local * rest).sum() / (values * rest).sum()
    np.testing.assert_allclose(general_g(y, graph, permutations=9, seed=0).G, expected, rtol=0, atol=1e-9)


def test_general_g_names_negative_units_and_needs_two_positive(line):
    y = pd.Series([1.0, -2.0, 3.0, 4.0], index=LINE_IDS, name="growth")
    with pytest.raises(AnalysisError, match=r"non-negative.*'growth'.*'r0c1': -2.0"):
        general_g(y, line, seed=0)
    single = pd.Series([0.0, 0.0, 5.0, 0.0], index=y.index, name="umkm")
    with pytest.raises(AnalysisError, match=r"fewer than two units.*\['r0c2'\]"):
        general_g(single, line, seed=0)


# --- shared behaviour ------------------------------------------------------------------------


def _run_all(tessellation, seed, permutations=49):
    y, graph, _ = tessellation
    return {
        "global_moran": global_moran(y, graph, permutations=permutations, seed=seed),
        "geary": geary(y, graph, permutations=permutations, seed=seed),
        "general_g": general_g(y, graph, permutations=permutations, seed=seed),
    }


def test_same_seed_same_results_and_global_state_restored(tessellation):
    # at least one pseudo p-value moves with the seed (49 permutations)
    assert_seeded(lambda seed: _run_all(tessellation, seed=seed))


def test_results_record_their_settings(tessellation):
    results = _run_all(tessellation, seed=1, permutations=19)
    assert_records_settings(results, permutations=19, seed=1)
    assert results["global_moran"].settings["transformation"] == "R"
    assert results["geary"].settings["transformation"] == "R"
    assert results["general_g"].settings["transformation"] == "B"


@pytest.mark.parametrize(
    ("function", "statistic"), [(global_moran, "Moran's I"), (geary, "Geary's C"), (general_g, "General G")]
)
def test_bad_inputs_are_named(function, statistic, line):
    y = pd.Series([1.0, 2.0, 3.0, 4.0], index=LINE_IDS, name="umkm")
    with pytest.raises(AnalysisError, match=r"not in y \['r0c3'\]"):
        function(y.iloc[:3], line, seed=0)
    # the messages name the statistic that needs the values
    with pytest.raises(AnalysisError, match=r"non-finite values for \['r0c2'\]; " + re.escape(f"{statistic} needs")):
        function(y.where(y != 3.0), line, seed=0)
    with pytest.raises(AnalysisError, match=r"constant.*" + re.escape(f"{statistic} is undefined")):
        function(pd.Series(2.0, index=y.index, name="umkm"), line, seed=0)
    with pytest.raises(ConfigError, match="seed must be an integer"):
        function(y, line, seed=1.5)
    with pytest.raises(ConfigError, match="permutations must be at least 1"):
        function(y, line, seed=0, permutations=0)


def test_pygeoda_weights_leave_no_file_open(tessellation, tmp_path):
    # pygeoda.read_gal leaves the GAL file open; the helper loads the file without it.
    _, graph, _ = tessellation
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        weight = pygeoda_weights_from_graph(graph, tmp_path / "w.gal")
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert neighbour_sets(weight, weight.umkm_ids) == graph_neighbour_sets(graph)


def test_sparse_general_g_equals_esda():
    """Above DENSE_G_LIMIT units General G avoids esda's n x n matrix; on a small layout both agree exactly."""
    import esda
    import geopandas as gpd
    from libpysal.graph import Graph
    from shapely.geometry import box

    from umkm_geo.stats._inference import _legacy_numpy_seed
    from umkm_geo.stats.autocorrelation.global_ import _SparseG

    frame = gpd.GeoDataFrame(geometry=[box(i % 6, i // 6, i % 6 + 1, i // 6 + 1) for i in range(30)])
    graph = Graph.build_contiguity(frame, rook=False).transform("B")
    y = np.random.default_rng(1).gamma(2.0, 2.0, 30)
    with _legacy_numpy_seed(5):
        expected = esda.G(y, graph, permutations=99)
    with _legacy_numpy_seed(5):
        sparse = _SparseG(y, graph, permutations=99)
    assert pytest.approx(expected.G, rel=1e-12) == sparse.G
    assert pytest.approx(expected.EG, rel=1e-12) == sparse.EG
    assert pytest.approx(expected.VG, rel=1e-9) == sparse.VG
    assert np.allclose(sparse.sim, expected.sim, rtol=1e-12)
