import warnings

import esda
import numpy as np
import pandas as pd
import pytest
import scipy.stats
from esda.significance import calculate_significance

from _independent import (
    brute_force_local_p,
    graph_neighbour_sets,
    lattice,
    neighbour_sets,
    pygeoda_global_moran,
    pygeoda_local_moran,
    pygeoda_queen_neighbours,
    pygeoda_weights_from_graph,
    voronoi_tessellation,
)
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo._results import RESULT_TABLE_COLUMNS
from umkm_geo.autocorrelation import (
    CLUSTER_LABELS,
    P_VALUE_DEFINITIONS,
    global_moran,
    local_moran,
)
from umkm_geo.weights import build_weights


@pytest.fixture(scope="module")
def checkerboard():
    frame = lattice(6, 6)
    graph = build_weights(frame, method="rook").graph
    y = pd.Series(((frame["row"] + frame["col"]) % 2).astype(float), index=frame.index, name="y")
    return y, graph


@pytest.fixture(scope="module")
def two_blocks():
    """10 x 10 queen lattice: low west half (cols 0-4), high east half (cols 5-9)."""
    frame = lattice(10, 10)
    graph = build_weights(frame).graph
    noise = np.random.default_rng(0).normal(0.0, 0.1, len(frame))
    y = pd.Series(10.0 * (frame["col"] >= 5) + noise, index=frame.index, name="umkm")
    return y, graph, frame


@pytest.fixture(scope="module")
def tessellation():
    frame = voronoi_tessellation(60, seed=42)
    weights = build_weights(frame)
    y = pd.Series(
        np.random.default_rng(3).lognormal(3.0, 1.0, len(frame)) + frame.geometry.centroid.y / 1e3,
        index=frame.index,
        name="umkm",
    )
    return y, weights.graph, frame


@pytest.fixture(scope="module")
def with_island():
    far = lattice(1, 1)
    far.index = pd.Index(["far"], name="kode")
    far.geometry = far.geometry.translate(0.5, 0.5)
    frame = pd.concat([lattice(4, 4), far])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        graph = build_weights(frame).graph
    y = pd.Series(np.random.default_rng(5).normal(size=len(frame)), index=frame.index, name="y")
    return y, graph


# --- global Moran ---------------------------------------------------------------------------


def test_checkerboard_on_rook_lattice_gives_minus_one(checkerboard):
    y, graph = checkerboard
    result = global_moran(y, graph, seed=1)
    np.testing.assert_allclose(result.I, -1.0, rtol=0, atol=1e-12)
    assert result.expected_I == pytest.approx(-1 / 35)
    assert result.z_norm < -5
    assert result.p_sim == pytest.approx(2 / 1000)  # nothing as extreme in 999 permutations
    assert result.p_sim_folded == pytest.approx(1 / 1000)
    assert result.n == 36


def test_two_blocks_are_strongly_positive(two_blocks):
    y, graph, _ = two_blocks
    result = global_moran(y, graph, seed=1)
    assert result.I > 0.8
    assert result.p_norm < 1e-10
    assert result.p_rand < 1e-10


def test_global_matches_esda_and_records_settings(tessellation):
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


def test_global_is_reproducible_and_leaves_numpy_state_alone(tessellation):
    y, graph, _ = tessellation
    np.random.seed(2024)
    before = np.random.get_state()[1].copy()
    first = global_moran(y, graph, permutations=99, seed=5)
    after = np.random.get_state()[1]
    np.testing.assert_array_equal(before, after)
    assert first == global_moran(y, graph, permutations=99, seed=5)


def test_global_input_order_does_not_matter(tessellation):
    y, graph, _ = tessellation
    shuffled = y.sample(frac=1.0, random_state=1)
    np.testing.assert_allclose(global_moran(shuffled, graph, seed=3).I, global_moran(y, graph, seed=3).I, atol=1e-12)


def test_global_with_island_keeps_n_and_counts_islands(with_island):
    y, graph = with_island
    result = global_moran(y, graph, permutations=99, seed=1)
    assert result.n == 17
    assert result.n_islands == 1


def test_constant_values_are_an_analysis_error(checkerboard):
    y, graph = checkerboard
    constant = pd.Series(3.0, index=y.index, name="flat")
    with pytest.raises(AnalysisError, match="constant"):
        global_moran(constant, graph, seed=1)
    with pytest.raises(AnalysisError, match="constant"):
        local_moran(constant, graph, seed=1)


def test_missing_values_name_the_units(checkerboard):
    y, graph = checkerboard
    holes = y.copy()
    holes["r2c3"] = np.nan
    with pytest.raises(AnalysisError, match="r2c3"):
        global_moran(holes, graph, seed=1)


def test_values_must_cover_the_graph(checkerboard):
    y, graph = checkerboard
    with pytest.raises(AnalysisError, match="r0c0"):
        global_moran(y.drop("r0c0"), graph, seed=1)


def test_seed_must_be_an_integer(checkerboard):
    y, graph = checkerboard
    with pytest.raises(ConfigError, match="seed"):
        global_moran(y, graph, seed=None)


# --- local Moran ----------------------------------------------------------------------------


def test_local_ii_equals_esda_exactly(tessellation):
    y, graph, _ = tessellation
    result = local_moran(y, graph, permutations=99, seed=1)
    expected = esda.Moran_Local(y.to_numpy(), graph, permutations=0).Is
    np.testing.assert_allclose(result.frame()["Ii"].to_numpy(), expected, rtol=0, atol=1e-12)


def test_two_blocks_give_hh_east_and_ll_west(two_blocks):
    y, graph, frame = two_blocks
    clusters = local_moran(y, graph, seed=1).frame()["cluster"]
    east, west = frame["col"] >= 5, frame["col"] < 5
    assert set(clusters[east]) <= {"HH", "ns"}
    assert set(clusters[west]) <= {"LL", "ns"}
    inner_rows = frame["row"].between(1, 8)
    assert (clusters[inner_rows & frame["col"].between(6, 8)] == "HH").all()
    assert (clusters[inner_rows & frame["col"].between(1, 3)] == "LL").all()


def test_local_frame_layout_and_index(tessellation):
    y, graph, _ = tessellation
    shuffled = y.sample(frac=1.0, random_state=2)
    frame = local_moran(shuffled, graph, permutations=99, seed=1).frame()
    assert list(frame.columns) == ["Ii", "quadrant", "p_value", "significant", "cluster"]
    assert list(frame.index) == list(shuffled.index)
    assert set(frame["cluster"]) <= set(CLUSTER_LABELS)
    assert set(frame["quadrant"]) <= {"HH", "LL", "LH", "HL"}
    significant = frame["significant"]
    assert (frame.loc[significant, "cluster"] == frame.loc[significant, "quadrant"]).all()
    assert (frame.loc[~significant, "cluster"] == "ns").all()


def test_quadrant_follows_value_and_lag(tessellation):
    y, graph, _ = tessellation
    frame = local_moran(y, graph, permutations=9, seed=1).frame()
    z = y - y.mean()
    lag = pd.Series(graph.lag(z.reindex(graph.unique_ids).to_numpy()), index=graph.unique_ids)
    expected = np.select([(z > 0) & (lag > 0), (z <= 0) & (lag <= 0), (z <= 0) & (lag > 0)], ["HH", "LL", "LH"], "HL")
    assert list(frame["quadrant"]) == list(expected)


def test_same_seed_same_result_other_seed_other_p_values(tessellation):
    y, graph, _ = tessellation
    first = local_moran(y, graph, permutations=199, seed=8)
    again = local_moran(y, graph, permutations=199, seed=8)
    pd.testing.assert_frame_equal(first.frame(), again.frame())
    other = local_moran(y, graph, permutations=199, seed=9)
    assert not np.array_equal(first.frame()["p_value"], other.frame()["p_value"])


def test_two_sided_is_twice_folded_below_one_half(tessellation):
    y, graph, _ = tessellation
    result = local_moran(y, graph, permutations=999, seed=4)
    two, folded = result.p_two_sided, result.p_folded
    assert (folded <= 0.5 + 1e-12).all()
    assert ((two > 0) & (two <= 1)).all()
    assert (two >= folded).all()
    # continuous data: no simulated Ii ties the observed one, so doubling is exact
    below = folded < 0.5
    assert below.sum() > 40
    np.testing.assert_allclose(two[below], 2 * folded[below], rtol=0, atol=1e-12)


def test_p_values_agree_with_esda_significance(tessellation):
    y, graph, _ = tessellation
    permutations = 999
    ours = local_moran(y, graph, permutations=permutations, seed=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # esda < 2.10 p_sim notice
        lisa = esda.Moran_Local(y.to_numpy(), graph, permutations=permutations, seed=6, keep_simulations=True)
    directed = calculate_significance(lisa.Is, lisa.rlisas, alternative="directed")
    np.testing.assert_allclose(ours.p_folded.to_numpy(), directed, rtol=0, atol=1e-12)
    two_sided = calculate_significance(lisa.Is, lisa.rlisas, alternative="two-sided")
    # esda < 2.10 counts the tails through percentiles; it differs from the counting
    # definition by at most a couple of replicates
    assert np.abs(ours.p_two_sided.to_numpy() - two_sided).max() <= 2 / (permutations + 1) + 1e-12


def test_p_values_agree_with_brute_force_conditional_permutation(tessellation):
    y, graph, _ = tessellation
    result = local_moran(y, graph, permutations=9999, seed=12)
    order = result.p_two_sided.sort_values()
    for unit in [order.index[0], order.index[5], order.index[30], order.index[-1]]:
        two_sided, folded = brute_force_local_p(y, graph, unit, permutations=20_000, seed=1)
        assert result.p_two_sided[unit] == pytest.approx(two_sided, abs=0.03)
        assert result.p_folded[unit] == pytest.approx(folded, abs=0.015)


def test_folded_p_value_on_request(tessellation):
    y, graph, _ = tessellation
    result = local_moran(y, graph, permutations=199, seed=4, p_value="folded")
    np.testing.assert_array_equal(result.frame()["p_value"], result.p_folded)
    assert result.settings["p_value_type"].startswith("pseudo p-value, folded")
    default = local_moran(y, graph, permutations=199, seed=4)
    assert default.settings["p_value_type"] == "pseudo p-value, two-sided, conditional permutation"


def test_fdr_labels_are_a_subset_of_uncorrected_labels(two_blocks):
    y, graph, _ = two_blocks
    plain = local_moran(y, graph, seed=2).frame()
    fdr = local_moran(y, graph, seed=2, correction="fdr").frame()
    assert fdr["significant"].sum() > 0
    assert fdr["significant"].sum() <= plain["significant"].sum()
    assert not (fdr["significant"] & ~plain["significant"]).any()
    kept = fdr["significant"]
    assert (fdr.loc[kept, "cluster"] == plain.loc[kept, "cluster"]).all()


def test_fdr_matches_scipy_benjamini_hochberg(two_blocks):
    y, graph, _ = two_blocks
    result = local_moran(y, graph, seed=2, correction="fdr", alpha=0.1)
    p = result.frame()["p_value"]
    adjusted = scipy.stats.false_discovery_control(p.to_numpy(), method="bh")
    np.testing.assert_array_equal(result.frame()["significant"].to_numpy(), adjusted <= 0.1)


def test_bonferroni_uses_alpha_over_tested_units(two_blocks):
    y, graph, _ = two_blocks
    result = local_moran(y, graph, permutations=9999, seed=2, correction="bonferroni")
    assert result.threshold == pytest.approx(0.05 / 100)
    frame = result.frame()
    np.testing.assert_array_equal(frame["significant"], frame["p_value"] <= 0.05 / 100)
    assert frame["significant"].sum() > 0


def test_island_is_labelled_and_left_out_of_inference(with_island):
    y, graph = with_island
    result = local_moran(y, graph, permutations=99, seed=1, correction="bonferroni")
    frame = result.frame()
    assert frame.loc["far", "cluster"] == "island"
    assert np.isnan(frame.loc["far", "p_value"])
    assert not frame.loc["far", "significant"]
    assert frame.loc["far", "Ii"] == 0.0
    assert result.n_islands == 1
    assert result.n_tested == 16
    assert result.threshold == pytest.approx(0.05 / 16)
    assert (frame.drop("far")["cluster"] != "island").all()


def test_invalid_options_are_config_errors(checkerboard):
    y, graph = checkerboard
    with pytest.raises(ConfigError, match=r"\['bonferroni', 'fdr', 'none'\]"):
        local_moran(y, graph, seed=1, correction="holm")
    with pytest.raises(ConfigError, match=r"\['folded', 'two-sided'\]"):
        local_moran(y, graph, seed=1, p_value="greater")
    with pytest.raises(ConfigError, match="alpha"):
        local_moran(y, graph, seed=1, alpha=5)


# --- independent check with GeoDa (pygeoda) ------------------------------------------------


def test_geoda_reads_the_same_neighbours_from_gal(tessellation, tmp_path):
    _, graph, frame = tessellation
    weight = pygeoda_weights_from_graph(graph, tmp_path / "w.gal")
    ours = graph_neighbour_sets(graph)
    assert neighbour_sets(weight, list(graph.unique_ids)) == ours
    assert pygeoda_queen_neighbours(frame) == ours


def test_local_and_global_agree_with_geoda(tessellation, tmp_path):
    y, graph, _ = tessellation
    weight = pygeoda_weights_from_graph(graph, tmp_path / "w.gal")
    geoda = pygeoda_local_moran(y, weight, permutations=999, seed=1)
    ours = local_moran(y, graph, permutations=999, seed=1).frame()
    np.testing.assert_allclose(ours["Ii"], geoda["Ii"], rtol=0, atol=1e-9)
    assert list(ours["quadrant"]) == list(geoda["quadrant"])
    geoda_i = pygeoda_global_moran(y, weight)
    np.testing.assert_allclose(global_moran(y, graph, seed=1).I, geoda_i, rtol=0, atol=1e-9)


def test_geoda_helpers_align_values_to_the_weight(tessellation, tmp_path):
    y, graph, _ = tessellation
    weight = pygeoda_weights_from_graph(graph, tmp_path / "w.gal")
    shuffled = y.sample(frac=1.0, random_state=4)
    geoda = pygeoda_local_moran(shuffled, weight, permutations=99)
    assert list(geoda.index) == list(shuffled.index)
    ours = local_moran(shuffled, graph, permutations=99, seed=1).frame()
    np.testing.assert_allclose(ours["Ii"], geoda["Ii"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(pygeoda_global_moran(shuffled, weight), pygeoda_global_moran(y, weight), atol=1e-12)


def test_geoda_labels_the_same_island(with_island, tmp_path):
    y, graph = with_island
    weight = pygeoda_weights_from_graph(graph, tmp_path / "w.gal")
    geoda = pygeoda_local_moran(y, weight, permutations=99, seed=1)
    ours = local_moran(y, graph, permutations=99, seed=1).frame()
    assert list(geoda.index[geoda["cluster"] == "island"]) == ["far"]
    assert list(ours.index[ours["cluster"] == "island"]) == ["far"]
    np.testing.assert_allclose(ours["Ii"], geoda["Ii"], rtol=0, atol=1e-9)


# --- output layout ----------------------------------------------------------------------------


def test_results_share_one_table_layout(two_blocks):
    y, graph, _ = two_blocks
    results = [global_moran(y, graph, seed=1), local_moran(y, graph, seed=1, correction="fdr")]
    table = pd.concat([r.table() for r in results], ignore_index=True)
    assert tuple(table.columns) == RESULT_TABLE_COLUMNS
    assert set(table["result"]) == {"global_moran", "local_moran"}
    local = results[1].to_dict()
    assert local["settings"]["correction"] == "fdr"
    assert local["settings"]["seed"] == 1
    assert local["settings"]["p_value_type"] == "pseudo p-value, two-sided, conditional permutation"
    counts = results[1].counts()
    assert list(counts.index) == list(CLUSTER_LABELS)
    assert counts.sum() == 100
    assert local["statistics"]["n_HH"] == counts["HH"]
