import warnings

import esda
import numpy as np
import pandas as pd
import pytest
import scipy.stats
from libpysal.graph import Graph

from _independent import (
    brute_force_local_p,
    graph_neighbour_sets,
    lattice,
    neighbour_sets,
    pygeoda_global_moran,
    pygeoda_local_moran,
    pygeoda_queen_neighbours,
    pygeoda_weights_from_graph,
    spdep_local_g_star,
)
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.stats.autocorrelation.global_ import global_moran
from umkm_geo.stats.autocorrelation.local import (
    CATEGORIES,
    CLUSTER_LABELS,
    local_geary,
    local_gi_star,
    local_moran,
    local_moran_bv,
)
from umkm_geo.weights.build import build_weights

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
    assert list(frame.columns) == ["Ii", "quadrant", "z_sim", "p_value", "significant", "cluster"]
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


def _esda_two_sided(lisa, permutations):
    """Two-sided pseudo p from esda's own simulations, with the counting definition."""
    greater = (lisa.rlisas >= lisa.Is[:, None]).sum(axis=1)
    lesser = (lisa.rlisas <= lisa.Is[:, None]).sum(axis=1)
    return np.minimum(2 * (np.minimum(greater, lesser) + 1) / (permutations + 1), 1)


def test_p_values_agree_with_esda_statistically(tessellation):
    """Fresh draws per unit vs esda's shared table: they differ only as two seeds of one tool do."""
    y, graph, _ = tessellation
    permutations = 999
    ours = [local_moran(y, graph, permutations=permutations, seed=s).p_two_sided.to_numpy() for s in (6, 7)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # esda < 2.10 p_sim notice
        theirs = [
            _esda_two_sided(esda.Moran_Local(y.to_numpy(), graph, permutations=permutations, seed=s), permutations)
            for s in (6, 7)
        ]
    between_tools = np.abs(ours[0] - theirs[0]).mean()
    between_seeds = max(np.abs(ours[0] - ours[1]).mean(), np.abs(theirs[0] - theirs[1]).mean())
    assert between_tools <= 2.0 * between_seeds + 0.005
    same_class = ((ours[0] <= 0.05) == (theirs[0] <= 0.05)).mean()
    assert same_class >= 0.95


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
    # 3999 permutations: the fewest whose smallest p, 2 / 4000, passes alpha / m = 0.05 / 100
    plain = local_moran(y, graph, permutations=3999, seed=2).frame()
    fdr = local_moran(y, graph, permutations=3999, seed=2, correction="fdr").frame()
    assert fdr["significant"].sum() > 0
    assert fdr["significant"].sum() <= plain["significant"].sum()
    assert not (fdr["significant"] & ~plain["significant"]).any()
    kept = fdr["significant"]
    assert (fdr.loc[kept, "cluster"] == plain.loc[kept, "cluster"]).all()


def test_fdr_matches_scipy_benjamini_hochberg(two_blocks):
    y, graph, _ = two_blocks
    result = local_moran(y, graph, permutations=1999, seed=2, correction="fdr", alpha=0.1)
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
    result = local_moran(y, graph, permutations=639, seed=1, correction="bonferroni")  # 2 / 640 <= 0.05 / 16
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
    results = [global_moran(y, graph, seed=1), local_moran(y, graph, permutations=3999, seed=1, correction="fdr")]
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


# --- bivariate LISA, Gi*, local Geary ---------------------------------------------------------


@pytest.fixture(scope="module")
def second_variable(tessellation):
    _, _, frame = tessellation
    x = pd.Series(
        np.random.default_rng(11).lognormal(2.0, 0.5, len(frame)) + frame.geometry.centroid.x / 2e3,
        index=frame.index,
        name="pop",
    )
    return x


def test_bivariate_ii_equals_esda_and_labels_follow_x_and_lag_of_y(tessellation, second_variable):
    y, graph, _ = tessellation
    x = second_variable
    result = local_moran_bv(y, x, graph, permutations=199, seed=3)
    expected = esda.Moran_Local_BV(y.to_numpy(), x.to_numpy(), graph, permutations=0)
    frame = result.frame()
    np.testing.assert_allclose(frame["Ii"].to_numpy(), expected.Is, rtol=0, atol=1e-12)
    zy = (y - y.mean()) / y.std(ddof=0)
    zx = (x - x.mean()) / x.std(ddof=0)
    lag = pd.Series(graph.lag(zx.reindex(graph.unique_ids).to_numpy()), index=graph.unique_ids)
    high, high_lag = zy > 0, lag > 0
    expected_q = np.select([high & high_lag, ~high & high_lag, ~high & ~high_lag], ["HH", "LH", "LL"], "HL")
    assert list(frame["quadrant"]) == list(expected_q)
    assert result.variable == "umkm ~ lag(pop)"
    assert result.settings["x"] == "umkm" and result.settings["y"] == "pop"


def test_bivariate_of_a_variable_with_itself_is_the_univariate_lisa(tessellation):
    y, graph, _ = tessellation
    uni = local_moran(y, graph, permutations=99, seed=5).frame()
    bi = local_moran_bv(y, y.rename("copy"), graph, permutations=99, seed=5).frame()
    np.testing.assert_allclose(bi["Ii"], uni["Ii"], rtol=0, atol=1e-12)
    # same draws, same statistic: the permutation engine gives the same counts
    np.testing.assert_array_equal(bi["p_value"], uni["p_value"])


def test_gi_star_equals_esda_value_and_the_spdep_analytical_z(tessellation):
    # Gi* is esda's row-standardised value; its z is spdep's localG (binary weights with self,
    # variance from the weights' own sums W_i = S1_i = k_i + 1), re-implemented in _independent.
    # esda's G_Local gives the same z only on binary weights: with transform="R" it takes the row
    # sum of the row-standardised weights (1) as the cardinality, and z comes out far too small.
    y, graph, _ = tessellation
    result = local_gi_star(y, graph, permutations=99, seed=2).frame()
    spdep = spdep_local_g_star(y, graph_neighbour_sets(graph)).reindex(result.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rows = esda.G_Local(y.to_numpy(), graph.transform("B"), transform="R", star=True, permutations=0)
        binary = esda.G_Local(y.to_numpy(), graph.transform("B"), transform="B", star=True, permutations=0)
    np.testing.assert_allclose(result["Gi"].to_numpy(), rows.Gs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result["Gi"], spdep["G_row"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(result["z_norm"], spdep["z"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result["z_norm"].to_numpy(), binary.Zs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result["p_norm"], 2 * scipy.stats.norm.sf(np.abs(spdep["z"])), rtol=1e-9, atol=1e-15)
    assert np.abs(result["z_norm"]).max() > 1.5 * np.abs(rows.Zs).max()  # the row-sum z was too small


def test_gi_star_z_on_a_hand_worked_lattice():
    # 3 x 3 rook lattice, 9 at the centre, 0 elsewhere: n = 9, mean 1, s^2 = (8^2 + 8 * 1^2) / 9 = 8.
    # Binary weights with self, W_i = S1_i = k_i + 1; z_i = (sum of the window - W_i * 1) / sqrt(V_i),
    # V_i = 8 (9 W_i - W_i^2) / 8 = W_i (9 - W_i):
    #   centre (W = 5): (9 - 5) / sqrt(20) = 2 / sqrt(5) = 0.894
    #   edge   (W = 4, the centre in its window): (9 - 4) / sqrt(20) = sqrt(5) / 2 = 1.118
    #   corner (W = 3): (0 - 3) / sqrt(18) = -1 / sqrt(2) = -0.707
    frame = lattice(3, 3)
    graph = build_weights(frame, method="rook").graph
    y = pd.Series(0.0, index=frame.index, name="umkm")
    y["r1c1"] = 9.0
    result = local_gi_star(y, graph, permutations=9, seed=0).frame()
    expected = {"r1c1": 2 / np.sqrt(5), "r0c1": np.sqrt(5) / 2, "r1c0": np.sqrt(5) / 2, "r0c0": -1 / np.sqrt(2)}
    for unit, z in expected.items():
        assert result.loc[unit, "z_norm"] == pytest.approx(z, abs=1e-12), unit
    # Gi* itself: the centre's window holds all of the total, 9 / 9, row-standardised 1 / 5
    assert result.loc["r1c1", "Gi"] == pytest.approx(1 / 5, abs=1e-15)
    assert result.loc["r0c0", "p_norm"] == pytest.approx(2 * scipy.stats.norm.sf(1 / np.sqrt(2)), abs=1e-12)


def test_gi_star_islands_and_all_covering_windows_get_no_z(with_island):
    # An island's window is itself alone: no Gi* z or p. A unit whose window holds every unit has
    # V = s^2 (n W - W^2) / (n - 1) = 0: no z either (not -inf or +inf).
    y, graph = with_island
    result = local_gi_star(y - y.min(), graph, permutations=19, seed=0).frame()
    assert np.isnan(result.loc["far", "z_norm"]) and np.isnan(result.loc["far", "p_norm"])
    assert result.drop(index="far")["z_norm"].notna().all()
    triangle = Graph.from_adjacency(
        pd.DataFrame({"focal": list("aabbcc"), "neighbor": list("bcacab"), "weight": 1.0})
    ).transform("r")
    values = pd.Series([1.0, 2.0, 4.0], index=list("abc"), name="umkm")
    three = local_gi_star(values, triangle, permutations=9, seed=0).frame()
    assert three["z_norm"].isna().all() and three["p_norm"].isna().all()


def test_gi_star_finds_the_hot_and_the_cold_block(two_blocks):
    y, graph, frame = two_blocks
    clusters = local_gi_star(y - y.min(), graph, seed=1).frame()["cluster"]
    inner_rows = frame["row"].between(1, 8)
    assert (clusters[inner_rows & frame["col"].between(7, 8)] == "hot").all()
    assert (clusters[inner_rows & frame["col"].between(1, 2)] == "cold").all()
    assert set(clusters) <= {"hot", "cold", "ns"}


def test_gi_star_rejects_negative_values_by_name(checkerboard):
    y, graph = checkerboard
    with pytest.raises(AnalysisError, match=r"negative for \['r0c0'"):
        local_gi_star(y - 0.5, graph, seed=1)


def test_gi_star_p_values_agree_with_esda_statistically(tessellation):
    y, graph, _ = tessellation
    ours = local_gi_star(y, graph, permutations=999, seed=1).p_folded.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = esda.G_Local(y.to_numpy(), graph.transform("B"), transform="R", star=True, seed=1).p_sim
    assert ((ours <= 0.05) == (theirs <= 0.05)).mean() >= 0.95
    assert np.abs(ours - theirs).mean() < 0.03


def test_local_geary_equals_esda_and_labels_similarity(tessellation, two_blocks):
    y, graph, _ = tessellation
    result = local_geary(y, graph, permutations=999, seed=3).frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = esda.Geary_Local(connectivity=graph, permutations=999, seed=3).fit(y.to_numpy())
    np.testing.assert_allclose(result["ci"].to_numpy(), expected.localG, rtol=0, atol=1e-12)
    folded = local_geary(y, graph, permutations=999, seed=3, p_value="folded").frame()["p_value"].to_numpy()
    assert ((folded <= 0.05) == (expected.p_sim <= 0.05)).mean() >= 0.95
    yb, graphb, frame = two_blocks
    clusters = local_geary(yb, graphb, seed=1).frame()["cluster"]
    inner = frame["row"].between(1, 8)
    assert (clusters[inner & frame["col"].between(7, 8)] == "HH").all()
    assert (clusters[inner & frame["col"].between(1, 2)] == "LL").all()


def test_local_geary_marks_a_checkerboard_negative(checkerboard):
    y, graph = checkerboard
    noisy = y + np.random.default_rng(1).normal(0, 0.01, len(y))
    frame = local_geary(noisy, graph, permutations=999, seed=1).frame()
    # every neighbour differs: each c_i lies above the mean of its permutations
    assert (frame["z_sim"] > 0).all()
    assert set(frame["cluster"]) <= {"negative", "ns"}
    # inner units (4 rook neighbours, all different) reach p ~ 0.1 at best on 36 units, so use a
    # lenient level to see the label
    lenient = local_geary(noisy, graph, permutations=999, seed=1, alpha=0.2).frame()["cluster"]
    assert (lenient == "negative").sum() >= 4


def test_every_local_statistic_keeps_fixed_categories_and_islands(with_island, second_variable):
    y, graph = with_island
    x = pd.Series(np.arange(len(y), dtype=float) + 1, index=y.index, name="x")
    results = [
        local_moran(y, graph, permutations=99, seed=1),
        local_moran_bv(y, x, graph, permutations=99, seed=1),
        local_gi_star(y - y.min(), graph, permutations=99, seed=1),
        local_geary(y, graph, permutations=99, seed=1),
    ]
    for result in results:
        frame = result.frame()
        assert frame.loc["far", "cluster"] == "island"
        assert np.isnan(frame.loc["far", "p_value"])
        assert list(result.counts().index) == list(CATEGORIES[result.statistic])
        assert result.counts().sum() == len(y)
        assert result.settings["permutations"] == 99 and result.settings["seed"] == 1
        assert "fresh" in result.settings["permutation"] or "afresh" in result.settings["permutation"]


def test_pygeoda_local_statistics_agree(tessellation, tmp_path, second_variable):
    import pygeoda

    y, graph, _ = tessellation
    weight = pygeoda_weights_from_graph(graph, tmp_path / "w.gal")
    ids = [str(i) for i in graph.unique_ids]
    values = [float(v) for v in y.reindex(graph.unique_ids)]
    geary = pygeoda.local_geary(weight, values, permutations=999, seed=1)
    ours = local_geary(y, graph, permutations=999, seed=1).frame().reindex(graph.unique_ids)
    # GeoDa standardises z with the sample variance (n - 1), esda and umkm_geo with the population
    # variance (n): GeoDa's c_i = esda's * (n - 1) / n. Ranks and inference are unaffected.
    n = len(values)
    rescaled = ours["ci"].to_numpy() * (n - 1) / n
    np.testing.assert_allclose(rescaled, np.asarray(geary.lisa_values()), rtol=1e-9, atol=1e-9)
    gstar = pygeoda.local_gstar(weight, values, permutations=999, seed=1)
    ours_g = local_gi_star(y, graph, permutations=999, seed=1).frame().reindex(graph.unique_ids)
    np.testing.assert_allclose(ours_g["Gi"].to_numpy(), np.asarray(gstar.lisa_values()), rtol=1e-9, atol=1e-9)
    p_geoda = np.asarray(gstar.lisa_pvalues())
    assert ((ours_g["p_value"].to_numpy() <= 0.05) == (p_geoda <= 0.05)).mean() >= 0.9
    assert len(ids) == len(values)


def test_local_statistics_leave_the_weights_untouched(tessellation):
    y, graph, _ = tessellation
    before = graph.sparse.copy()
    local_gi_star(y, graph, permutations=9, seed=1)
    local_geary(y, graph, permutations=9, seed=1)
    local_moran(y, graph, permutations=9, seed=1)
    assert (graph.sparse != before).nnz == 0
