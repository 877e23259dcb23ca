import itertools
import re
import warnings

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pygeoda
import pytest
import scipy.stats
from libpysal.graph import Graph

from _independent import LINE_IDS, assert_records_settings, assert_seeded, lattice, pygeoda_weights_from_graph
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.stats._inference import P_VALUE_DEFINITIONS, _legacy_numpy_seed
from umkm_geo.stats.autocorrelation.join_counts import _joins, _permuted_join_counts, above_median, join_counts
from umkm_geo.weights.build import build_weights

# Fixtures tessellation (60 Voronoi cells: y, graph, frame), with_island (4 x 4 queen + one far
# cell, 17 units), line (a - b - c - d, ids LINE_IDS) and make_checkerboard(size) come from conftest.py.

# An L of seven 1s in the corner of a 4 x 4 rook lattice, and a lone 1 in the opposite corner:
#   1 1 1 0
#   1 1 0 0
#   1 0 0 0
#   0 0 0 1
L_SHAPE = ["r0c0", "r0c1", "r0c2", "r1c0", "r1c1", "r2c0", "r3c3"]


@pytest.fixture(scope="module")
def knn():
    """Asymmetric k = 2 nearest-neighbour graph of 8 points (some joins run one way only)."""
    xy = np.array([[0, 0], [1, 0], [3, 0], [0, 2], [2, 3], [5, 1], [4, 4], [2, 1]], dtype=float)
    points = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), index=[f"u{i}" for i in range(len(xy))])
    graph = Graph.build_knn(points, k=2)
    assert (graph.sparse != graph.sparse.T).nnz > 0  # asymmetric
    return graph


def _esda(y, graph, permutations=0):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.set_index")
        return esda.Join_Counts(np.asarray(y), graph.transform("B"), permutations=permutations)


def _all_arrangements(graph, n1):
    """BB and BW of every arrangement of n1 ones over the units (rows: C(n, n1) arrangements)."""
    adjacency = graph.transform("B").sparse.toarray()
    n = adjacency.shape[0]
    chosen = np.array(list(itertools.combinations(range(n), n1)))
    x = np.zeros((len(chosen), n))
    x[np.arange(len(chosen))[:, None], chosen] = 1
    bb = np.einsum("ri,ij,rj->r", x, adjacency, x) / 2
    bw = ((x[:, :, None] != x[:, None, :]) * adjacency).sum(axis=(1, 2)) / 2
    return bb, bw


def _exact_p(every, observed):
    """Two-sided p of the exact permutation distribution (the limit of the pseudo p-value)."""
    return min(2 * min((every >= observed).mean(), (every <= observed).mean()), 1.0)


# --- counts and moments ----------------------------------------------------------------------


@pytest.mark.parametrize(("size", "joins"), [(4, 24), (6, 60)])
def test_join_counts_of_checkerboard(size, joins, make_checkerboard):
    # Rook joins of a size x size lattice: 2 * size * (size - 1) (24 and 60), all black-white.
    # Non-free sampling with n1 = n0 = n / 2: E[BB] = J n1 (n1 - 1) / (n (n - 1)),
    # E[BW] = 2 J n1 n0 / (n (n - 1)); 4 x 4: E[BB] = 24 * 8 * 7 / 240 = 5.6, E[BW] = 48 * 64 / 240 = 12.8.
    y, graph = make_checkerboard(size)
    result = join_counts(y.astype(int), graph, permutations=99, seed=2)
    assert [0, 0, joins, joins] == [result.BB, result.WW, result.BW, result.J]
    n, half = size * size, size * size // 2
    assert result.expected_BB == pytest.approx(joins * half * (half - 1) / (n * (n - 1)), rel=1e-12)
    assert result.expected_WW == pytest.approx(result.expected_BB, rel=1e-12)
    assert result.expected_BW == pytest.approx(2 * joins * half * half / (n * (n - 1)), rel=1e-12)
    if size == 4:
        assert (result.expected_BB, result.expected_BW) == (pytest.approx(5.6), pytest.approx(12.8))
    assert result.z_BB < 0 < result.z_BW
    # BB = 0 and BW = J are reached only by the 2 checkerboards: two-sided p = 2 / (R + 1).
    assert result.p_sim_BB == pytest.approx(2 / 100)
    assert result.p_sim_BW == pytest.approx(2 / 100)
    assert result.p_sim_BB_folded == pytest.approx(1 / 100)
    assert (result.n_black, result.n_white) == (half, half)


@pytest.mark.parametrize("kind", ["rook", "knn"])
def test_join_count_moments_match_full_enumeration(kind, knn):
    # The analytical E and Var (non-free sampling) are checked against the exact mean and
    # variance over all C(n, n1) arrangements, for a symmetric and an asymmetric (k = 2) graph.
    graph = build_weights(lattice(3, 3), method="rook").graph if kind == "rook" else knn
    ids = list(graph.unique_ids)
    black = ids[:2] + ids[-2:]
    y = pd.Series(np.isin(ids, black).astype(int), index=ids, name="b")
    result = join_counts(y, graph, permutations=1, seed=0)
    every = np.column_stack(_all_arrangements(graph, len(black)))
    observed = np.array([result.BB, result.BW])
    z_bb, z_bw = (observed - every.mean(axis=0)) / every.std(axis=0)
    assert (result.expected_BB, result.expected_BW) == pytest.approx(tuple(every.mean(axis=0)), abs=1e-12)
    assert result.z_BB == pytest.approx(z_bb, abs=1e-9)
    assert result.z_BW == pytest.approx(z_bw, abs=1e-9)
    assert result.p_norm_BB == pytest.approx(2 * scipy.stats.norm.sf(abs(z_bb)), abs=1e-9)


def test_join_counts_agree_with_pygeoda_local_joincount(tessellation, tmp_path):
    # GeoDa's local join count of a unit coded 1 is its number of neighbours coded 1, so the
    # sum over units is 2 * BB.
    y, graph, _ = tessellation
    indicator = above_median(y)
    weight = pygeoda_weights_from_graph(graph, tmp_path / "w.gal")
    values = [int(v) for v in indicator.reindex(weight.umkm_ids)]
    local = pygeoda.local_joincount(weight, values, permutations=9, cpu_threads=1)
    result = join_counts(indicator, graph, permutations=9, seed=0)
    np.testing.assert_allclose(result.BB, np.sum(local.lisa_values()) / 2, rtol=0, atol=1e-9)
    assert result.BB + result.WW + result.BW == result.J == graph.cardinalities.sum() / 2
    assert "median" in result.settings["indicator_definition"]


# --- the NumPy permutation engine ------------------------------------------------------------


def _self_loop_graph():
    # a - b - c - d with a self-link at a: esda counts it as half a join of a with itself.
    return Graph.from_arrays(["a", "a", "b", "b", "c", "c", "d"], ["a", "b", "a", "c", "b", "d", "c"], [1.0] * 7)


@pytest.mark.parametrize("case", ["lattice", "knn", "island", "self_loop"])
def test_engine_counts_equal_esda(case, knn, with_island):
    # The engine's count of one vector (its weights over unordered pairs: 1 both ways, 1/2 one
    # way, 1/2 for a self-link) equals esda's count over directed links / 2, for every graph kind.
    if case == "lattice":
        graph = build_weights(lattice(4, 4), method="rook").graph
    elif case == "knn":
        graph = knn
    elif case == "island":
        graph = with_island[1]
    else:
        graph = _self_loop_graph()
    n = len(graph.unique_ids)
    coded = (np.arange(n) % 3 == 0).astype(int)
    first, second, weight = _joins(graph.transform("B"))
    reference = _esda(coded, graph)
    assert ((coded[first] * coded[second]) @ weight, (coded[first] != coded[second]) @ weight) == (
        reference.bb,
        reference.bw,
    )
    assert weight.sum() == reference.J
    if case == "knn":
        assert set(weight.tolist()) == {0.5, 1.0}


def test_engine_results_do_not_depend_on_the_chunk_size(knn):
    joins = _joins(knn.transform("B"))
    coded = np.array([1, 1, 0, 0, 0, 1, 0, 1])
    whole = _permuted_join_counts(coded, joins, permutations=1000, seed=4)
    chunked = _permuted_join_counts(coded, joins, permutations=1000, seed=4, chunk_cells=37)
    np.testing.assert_array_equal(whole[0], chunked[0])
    np.testing.assert_array_equal(whole[1], chunked[1])
    # another seed draws other relabellings
    assert not np.array_equal(whole[0], _permuted_join_counts(coded, joins, permutations=1000, seed=5)[0])


@pytest.mark.parametrize("case", ["knn", "island"])
def test_permutation_moments_match_cliff_ord(case, knn, with_island):
    # 20 000 relabellings: the mean of BB and BW must be within 4 standard errors
    # (sqrt(Var / R)) of the exact Cliff & Ord expectation, and their variance within 6 % of the
    # exact variance (relative s.e. of a variance is about sqrt(2 / R) = 1 %). With an island
    # this holds only because relabellings that put every 1 on the island are kept.
    graph = knn if case == "knn" else with_island[1]
    n = len(graph.unique_ids)
    coded = pd.Series((np.arange(n) % 3 == 0).astype(int), index=graph.unique_ids, name="b")
    r = 20_000
    result = join_counts(coded, graph, permutations=r, seed=8)
    sim_bb, sim_bw = _permuted_join_counts(coded.to_numpy(), _joins(graph.transform("B")), permutations=r, seed=8)
    assert (result.mean_sim_BB, result.mean_sim_BW) == (sim_bb.mean(), sim_bw.mean())
    every_bb, every_bw = _all_arrangements(graph, int(coded.sum()))
    for sim, expected, exact in ((sim_bb, result.expected_BB, every_bb), (sim_bw, result.expected_BW, every_bw)):
        assert expected == pytest.approx(exact.mean(), abs=1e-12)
        assert abs(sim.mean() - expected) < 4 * np.sqrt(exact.var() / r)
        assert sim.var() == pytest.approx(exact.var(), rel=0.06)


def test_p_values_agree_with_exact_enumeration_and_esda():
    # L_SHAPE on a 4 x 4 rook lattice: BB = 6 (E = 4.2), BW = 8 (E = 9.6). Over all
    # C(16, 7) = 11 440 arrangements the exact two-sided p is 0.3035 for BB and 0.0615 for BW.
    # A pseudo p-value 2 (G + 1) / (R + 1) estimates it with s.d. 2 sqrt(P (1 - P) / R), P the
    # smaller tail; ours (R = 9 999) and esda's (R = 999, its own generator) must both lie within
    # 4 s.d. of the exact value, and within 4 s.d. of each other.
    graph = build_weights(lattice(4, 4), method="rook").graph
    ids = list(graph.unique_ids)
    y = pd.Series(np.isin(ids, L_SHAPE).astype(int), index=ids, name="L")
    ours = join_counts(y, graph, permutations=9_999, seed=0)
    with _legacy_numpy_seed(0):
        theirs = _esda(y.to_numpy(), graph, permutations=999)
    two_sided = P_VALUE_DEFINITIONS["two-sided"][0]
    every_bb, every_bw = _all_arrangements(graph, 7)
    assert (ours.BB, ours.BW) == (6, 8)
    for name, every, sim_esda in (("BB", every_bb, theirs.sim_bb), ("BW", every_bw, theirs.sim_bw)):
        observed = getattr(ours, name)
        exact = _exact_p(every, observed)
        tail = min((every >= observed).mean(), (every <= observed).mean())
        sd_ours, sd_esda = (2 * np.sqrt(tail * (1 - tail) / r) for r in (9_999, 999))
        p_ours = getattr(ours, f"p_sim_{name}")
        p_esda = float(two_sided(np.array([observed]), np.asarray(sim_esda, dtype=float)[None, :])[0])
        assert abs(p_ours - exact) < 4 * sd_ours + 2 / 10_000
        assert abs(p_esda - exact) < 4 * sd_esda + 2 / 1_000
        assert abs(p_ours - p_esda) < 4 * np.hypot(sd_ours, sd_esda) + 2 / 1_000
    assert (round(_exact_p(every_bb, 6), 4), round(_exact_p(every_bw, 8), 4)) == (0.3035, 0.0615)


def test_permutation_distribution_fits_the_exact_one():
    # Chi-squared goodness of fit of 9 999 permuted BB of L_SHAPE against the exact distribution
    # of BB over all 11 440 arrangements (BB = 0 ... 8; every expected count is above 5).
    graph = build_weights(lattice(4, 4), method="rook").graph
    coded = np.isin(list(graph.unique_ids), L_SHAPE).astype(int)
    sim_bb, _ = _permuted_join_counts(coded, _joins(graph.transform("B")), permutations=9_999, seed=3)
    every_bb, _ = _all_arrangements(graph, 7)
    values = np.unique(every_bb)
    expected = np.array([(every_bb == v).mean() for v in values]) * len(sim_bb)
    observed = np.array([(sim_bb == v).sum() for v in values])
    assert observed.sum() == len(sim_bb)  # no value outside the exact support
    assert expected.min() > 5
    assert scipy.stats.chisquare(observed, expected).pvalue > 1e-3


# --- inputs, settings, reproducibility -------------------------------------------------------


def test_join_counts_accepts_bool_and_rejects_other_values(line):
    flags = pd.Series([True, True, False, False], index=LINE_IDS, name="flag")
    result = join_counts(flags, line, permutations=9, seed=0)
    assert (result.BB, result.WW, result.BW) == (1, 1, 1)
    counts = pd.Series([0, 1, 2, 5], index=flags.index, name="umkm")
    with pytest.raises(AnalysisError, match=r"0/1 indicator.*'umkm'.*\[2\.0, 5\.0\].*above_median"):
        join_counts(counts, line, seed=0)
    with pytest.raises(AnalysisError, match=r"constant.*" + re.escape("the join-count test is undefined")):
        join_counts(pd.Series(1, index=flags.index, name="flag"), line, seed=0)
    with pytest.raises(AnalysisError, match=r"\['r0c1'\]; the join-count test needs a value"):
        join_counts(flags.astype(float).where(flags.index != "r0c1"), line, seed=0)
    with pytest.raises(ConfigError, match="permutations must be at least 1"):
        join_counts(flags, line, seed=0, permutations=0)


def test_join_counts_on_a_line_by_hand(line):
    # a - b - c - d with 1, 1, 0, 0: BB = 1 (a-b), WW = 1 (c-d), BW = 1 (b-c). Of the C(4, 2) = 6
    # arrangements of two 1s, 3 are adjacent (BB = 1) and 3 not (BB = 0): E[BB] = 1 / 2, and
    # BB >= 1 and BB <= 1 both have probability 1, so the two-sided p is 1.
    flags = pd.Series([1, 1, 0, 0], index=LINE_IDS, name="flag")
    result = join_counts(flags, line, permutations=4_000, seed=1)
    assert result.expected_BB == pytest.approx(0.5)
    assert abs(result.mean_sim_BB - 0.5) < 4 * 0.5 / np.sqrt(4_000)
    assert result.p_sim_BB == 1.0


def test_join_counts_with_island(with_island):
    y, graph = with_island
    coded = pd.Series(0, index=y.index, name="far_only")
    coded["far"] = 1
    with pytest.raises(AnalysisError, match=r"only occurs on islands \['far'\]"):
        join_counts(coded, graph, seed=0)
    result = join_counts(above_median(y), graph, permutations=19, seed=0)
    assert result.n_islands == 1 and result.n == 17


def test_same_seed_same_result_and_numpy_state_untouched(tessellation):
    y, graph, _ = tessellation
    indicator = above_median(y)
    assert_seeded(lambda seed: {"join_counts": join_counts(indicator, graph, permutations=49, seed=seed)})
    first = join_counts(indicator, graph, permutations=49, seed=9)
    other = join_counts(indicator, graph, permutations=49, seed=10)
    assert (other.mean_sim_BB, other.mean_sim_BW) != (first.mean_sim_BB, first.mean_sim_BW)
    assert (other.BB, other.expected_BB) == (first.BB, first.expected_BB)


def test_join_counts_record_their_settings(tessellation):
    y, graph, _ = tessellation
    result = join_counts(above_median(y), graph, permutations=19, seed=1)
    assert_records_settings({"join_counts": result}, permutations=19, seed=1)
    record = result.to_dict()
    settings = record["settings"]
    assert settings["engine"] == "numpy permutations"
    assert "np.random.default_rng(seed)" in settings["permutation"]
    assert settings["transformation"] == "B" and settings["transformation_of_input_graph"] == "R"
    stats = record["statistics"]
    assert {"BB", "WW", "BW", "expected_BB", "z_BW", "p_sim_BB", "p_sim_BW_folded", "mean_sim_BB"} <= set(stats)


def test_above_median_codes_ties_as_zero():
    # values 1, 2, 2, 2, 9: median 2; only 9 > 2 -> 1; the three 2s are ties coded 0.
    y = pd.Series([2.0, 9.0, 1.0, 2.0, 2.0], index=list("abcde"), name="umkm")
    coded = above_median(y)
    assert coded.tolist() == [0, 1, 0, 0, 0]
    assert coded.index.equals(y.index) and coded.name == "umkm_above_median"
    assert coded.dtype.kind == "i"
    assert coded.attrs["median"] == 2.0 and coded.attrs["n_ties"] == 3
    assert "median (2)" in coded.attrs["definition"]
    # even n: median of 1, 2, 3, 4 is 2.5
    assert above_median(pd.Series([4, 1, 3, 2], name="x")).tolist() == [1, 0, 1, 0]
    with pytest.raises(AnalysisError, match=r"missing or non-numeric values for \['c'\]"):
        above_median(pd.Series([1.0, 2.0, np.nan], index=list("abc"), name="umkm"))


def _island_first():
    """3 x 3 rook lattice and a far cell ``a_far`` that sorts (and sits) first: an island at position 0."""
    far = lattice(1, 1)
    far.index = pd.Index(["a_far"], name="kode")
    far.geometry = far.geometry.translate(0.5, 0.5)
    frame = pd.concat([far, lattice(3, 3)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        graph = build_weights(frame, method="rook").graph
    assert graph.unique_ids[0] == "a_far" and graph.cardinalities["a_far"] == 0
    return graph


def test_join_count_moments_with_an_island_first_match_full_enumeration():
    # libpysal stores the island as a zero self-weight at the start of the CSR arrays. Counting the
    # joins must not drop that zero in place from a matrix that shares memory with the weights'
    # cached sparse array: that shifted the arrays under the cached matrix and made S2 wrong
    # (S2 = 120 of the 3 x 3 rook lattice read as a larger value), so E and z of the join counts
    # were off. Exact mean and variance over all C(10, 4) arrangements are the reference.
    graph = _island_first()
    binary = graph.transform("B")
    # S0 = 24 directed rook links; S2 = sum_i (2 k_i)^2 = 4 * (4 * 4 + 4 * 9 + 16) = 272
    assert (binary.summary().s0, binary.summary().s2) == (24, 272)
    _joins(binary)
    assert binary.summary().s2 == 272  # the weights are left as they were
    ids = list(graph.unique_ids)
    y = pd.Series(np.isin(ids, ["a_far", "r0c0", "r0c1", "r2c2"]).astype(int), index=ids, name="b")
    result = join_counts(y, graph, permutations=9, seed=0)
    every_bb, every_bw = _all_arrangements(graph, 4)
    assert result.expected_BB == pytest.approx(every_bb.mean(), abs=1e-12)
    assert result.expected_BW == pytest.approx(every_bw.mean(), abs=1e-12)
    assert result.z_BB == pytest.approx((result.BB - every_bb.mean()) / every_bb.std(), abs=1e-9)
    assert result.z_BW == pytest.approx((result.BW - every_bw.mean()) / every_bw.std(), abs=1e-9)
