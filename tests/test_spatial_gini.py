import json

import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest
import shapely
from inequality.gini import Gini_Spatial
from libpysal.graph import Graph
from libpysal.weights import W

import umkm_geo.stats.inequality.spatial_gini as spatial_module
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.stats.inequality.indices import gini
from umkm_geo.stats.inequality.spatial_gini import ENGINE, spatial_gini


def _ids(n):
    return pd.Index([f"35.05.{i:02d}" for i in range(1, n + 1)], name="kode")


def _lattice(nrow, ncol, ids=None):
    """Rook Graph of a row-major lattice of unit squares (ids in the order of libpysal.lat2W)."""
    polys = [shapely.box(c, -r, c + 1, -r + 1) for r in range(nrow) for c in range(ncol)]
    ids = _ids(nrow * ncol) if ids is None else ids
    frame = gpd.GeoDataFrame(geometry=polys, index=ids)
    return Graph.build_contiguity(frame, rook=True).transform("r")


def _gini_spatial(x, w, *, permutations, seed):
    """inequality's Gini_Spatial with NumPy's global generator seeded, the caller's state restored."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        return Gini_Spatial(x, w, permutations=permutations)
    finally:
        np.random.set_state(state)


def _rate_on_4x5():
    graph = _lattice(4, 5)
    x = pd.Series(np.random.default_rng(3).gamma(2.0, 3.0, 20), index=graph.unique_ids, name="rate")
    return graph, x


# --- observed decomposition ------------------------------------------------------------------


def test_spatial_gini_matches_inequality_package_and_leaves_global_rng_alone():
    graph, x = _rate_on_4x5()
    shuffled = x.sample(frac=1.0, random_state=1)  # order must not matter
    np.random.seed(42)
    before = np.random.get_state()[1].copy()
    result = spatial_gini(shuffled, graph, permutations=199, seed=7)
    assert np.array_equal(np.random.get_state()[1], before)  # NumPy's global generator is not used

    reference = _gini_spatial(x.to_numpy(), libpysal.weights.lat2W(4, 5, rook=True), permutations=0, seed=0)
    assert result.gini == pytest.approx(float(reference.g), abs=1e-9)
    assert result.wg == pytest.approx(float(reference.wg), abs=1e-9)
    assert result.wcg == pytest.approx(float(reference.wcg), abs=1e-9)
    assert result.polarization == pytest.approx(float(reference.polarization), abs=1e-9)
    assert result.non_neighbour_share == pytest.approx(float(reference.wcg_share), abs=1e-9)
    assert result.neighbour_share + result.non_neighbour_share == pytest.approx(result.gini, abs=1e-12)
    # rook 4 x 5 lattice: 4 * 4 + 3 * 5 = 31 edges
    assert result.n_neighbour_pairs == 31 and result.n_islands == 0
    assert result.gini == pytest.approx(gini(x).gini, abs=1e-12)
    settings = result.settings
    assert (settings["permutations"], settings["seed"]) == (199, 7)
    assert settings["engine"] == ENGINE and settings["symmetric"]
    assert "default_rng" in settings["permutation"]
    assert "binary" in settings["weights"] and "Rey" in settings["reference"]
    # same seed, same answer
    again = spatial_gini(x, graph, permutations=199, seed=7)
    assert (again.p_sim, again.p_sim_folded, again.expected_wcg) == (
        result.p_sim,
        result.p_sim_folded,
        result.expected_wcg,
    )
    json.dumps(result.to_dict())
    assert tuple(result.table().columns) == RESULT_TABLE_COLUMNS


def test_spatial_gini_hand_worked_with_an_island():
    # 4 units, links 0-1 and 1-2 (both ways), unit 3 an island (libpysal: self-link of weight 0)
    # x = [1, 2, 4, 8]; unordered |differences|: 01 1, 02 3, 03 7, 12 2, 13 6, 23 4 -> 23, ordered D = 46
    # wg = 2 * (|1 - 2| + |2 - 4|) = 6, wcg = 40; mean 3.75, 2 n^2 mean = 120 -> gini = 46/120
    # neighbour pairs 2 of 6 -> polarization = (40 / 6) * (2 / 4) = 10/3
    ids = pd.Index(["a", "b", "c", "d"])
    graph = Graph.from_arrays(["a", "b", "b", "c", "d"], ["b", "a", "c", "b", "d"], [1.0, 1.0, 1.0, 1.0, 0.0])
    x = pd.Series([1.0, 2.0, 4.0, 8.0], index=ids)
    result = spatial_gini(x, graph, permutations=99, seed=0)
    assert (result.wg, result.wcg) == (pytest.approx(6.0, abs=1e-12), pytest.approx(40.0, abs=1e-12))
    assert result.gini == pytest.approx(46 / 120, abs=1e-12)
    assert result.neighbour_share == pytest.approx(6 / 120, abs=1e-12)
    assert result.polarization == pytest.approx(10 / 3, abs=1e-12)
    assert (result.n_neighbour_pairs, result.n_islands) == (2.0, 1)
    reference = _gini_spatial(
        x.to_numpy(), W({0: [1], 1: [0, 2], 2: [1], 3: []}, silence_warnings=True), permutations=0, seed=0
    )
    assert result.wcg == pytest.approx(float(reference.wcg), abs=1e-12)


def test_spatial_gini_asymmetric_knn_counts_directed_links_like_the_package():
    coords = np.random.default_rng(8).uniform(0, 10, (12, 2))
    graph = Graph.build_knn(coords, k=2)  # ids 0..11, so that its W indexes positions
    x = pd.Series(np.random.default_rng(9).gamma(2.0, 3.0, 12), index=graph.unique_ids)
    with pytest.warns(UserWarning, match="not symmetric"):
        result = spatial_gini(x, graph, permutations=99, seed=2)
    reference = _gini_spatial(x.to_numpy(), graph.to_W(), permutations=0, seed=0)
    assert result.wg == pytest.approx(float(reference.wg), abs=1e-9)
    assert result.polarization == pytest.approx(float(reference.polarization), abs=1e-9)
    assert result.n_neighbour_pairs == 12 * 2 / 2  # 24 directed links count as 12 pairs
    assert not result.settings["symmetric"]


# --- permutation inference -------------------------------------------------------------------


def test_permutations_and_p_values_match_an_independent_loop():
    graph, x = _rate_on_4x5()
    permutations, seed = 299, 11
    result = spatial_gini(x, graph, permutations=permutations, seed=seed)
    # independent O(R n) loop: permutation r is the r-th rng.permutation(x) of default_rng(seed);
    # D by the O(n^2) double sum, wg unit by unit over the neighbours of lat2W
    values = x.to_numpy()
    w = libpysal.weights.lat2W(4, 5, rook=True)
    d = np.abs(values[:, None] - values[None, :]).sum()

    def wg(v):
        return sum(np.abs(v[i] - v[js]).sum() for i, js in w.neighbors.items())

    rng = np.random.default_rng(seed)
    wcg_perm = np.array([d - wg(rng.permutation(values)) for _ in range(permutations)])
    wcg = d - wg(values)
    greater, lesser = int((wcg_perm >= wcg).sum()), int((wcg_perm <= wcg).sum())
    assert result.p_sim == pytest.approx(min(2 * (min(greater, lesser) + 1) / (permutations + 1), 1.0), abs=1e-15)
    folded = (min(greater, permutations - greater) + 1) / (permutations + 1)
    assert result.p_sim_folded == pytest.approx(folded, abs=1e-15)
    # polarization is increasing in wcg, so its upper tail counts the same permutations as G
    assert result.p_polarization == pytest.approx((greater + 1) / (permutations + 1), abs=1e-15)
    assert result.expected_wcg == pytest.approx(wcg_perm.mean(), rel=1e-12)
    assert result.sd_wcg == pytest.approx(wcg_perm.std(), rel=1e-9)
    assert result.z_wcg == pytest.approx((wcg - wcg_perm.mean()) / wcg_perm.std(), rel=1e-6)


def test_chunk_size_does_not_change_the_draws(monkeypatch):
    graph, x = _rate_on_4x5()
    whole = spatial_gini(x, graph, permutations=101, seed=4)
    monkeypatch.setattr(spatial_module, "_CHUNK_VALUES", 1)  # one permutation per chunk
    one_by_one = spatial_gini(x, graph, permutations=101, seed=4)
    assert one_by_one.to_dict() == whole.to_dict()  # the same relabellings, summed the same way


def test_permutation_mean_is_the_analytic_expectation():
    # Under random relabelling each of the s0 directed links holds a uniformly random ordered pair of
    # distinct units, so E[wg] = s0 * D / (n (n - 1)) and E[wcg] = D (1 - s0 / (n (n - 1))).
    graph, x = _rate_on_4x5()
    result = spatial_gini(x, graph, permutations=999, seed=21)
    d = np.abs(x.to_numpy()[:, None] - x.to_numpy()[None, :]).sum()
    analytic = d * (1 - 62 / (20 * 19))
    assert abs(result.expected_wcg - analytic) < 4 * result.sd_wcg / np.sqrt(999)


def test_p_values_agree_statistically_with_gini_spatial():
    # 6 x 6 rook lattice, x = strength * column + gamma noise: from no spatial pattern to a strong gradient
    w = libpysal.weights.lat2W(6, 6, rook=True)
    graph = Graph.from_W(w)
    column = np.tile(np.arange(6.0), 6)
    rng = np.random.default_rng(2024)
    ours, theirs_a, theirs_b = [], [], []
    for strength in (0.0, 0.0, 0.1, 0.2, 0.3, 0.5, 2.0):
        x = strength * column + rng.gamma(2.0, 1.0, 36)
        ours.append(spatial_gini(pd.Series(x, index=graph.unique_ids), graph, permutations=499, seed=5).p_sim_folded)
        theirs_a.append(float(_gini_spatial(x, w, permutations=499, seed=1).p_sim))
        theirs_b.append(float(_gini_spatial(x, w, permutations=499, seed=2).p_sim))
    ours, theirs_a, theirs_b = map(np.array, (ours, theirs_a, theirs_b))
    # the same conclusion at 5 % on the random layout and the strong gradient
    assert ours[0] > 0.05 and theirs_a[0] > 0.05 and theirs_b[0] > 0.05
    assert ours[-1] < 0.01 and theirs_a[-1] < 0.01 and theirs_b[-1] < 0.01
    # ours differ from the package no more than the package differs from itself (+ Monte Carlo margin)
    assert np.abs(ours - theirs_a).mean() <= np.abs(theirs_a - theirs_b).mean() + 0.03
    assert np.abs(ours - theirs_b).mean() <= np.abs(theirs_a - theirs_b).mean() + 0.03


# --- other layouts and bad input -------------------------------------------------------------


def test_spatial_gini_clustered_values_polarize():
    # left half 1, right half 10 on a 4 x 4 rook lattice: neighbours alike -> polarization > 1
    graph = _lattice(4, 4)
    x = pd.Series([1.0, 1.0, 10.0, 10.0] * 4, index=graph.unique_ids)
    result = spatial_gini(x, graph, permutations=499, seed=1)
    # neighbour pairs with different values: the 4 horizontal edges between columns 2 and 3
    # wg = 2 (ordered) * 4 * 9 = 72; all ordered pairs with different values: 2 * 8 * 8 * 9 = 1152
    assert result.wg == pytest.approx(72.0)
    assert result.wcg == pytest.approx(1152.0 - 72.0)
    assert result.polarization > 1
    assert result.p_sim < 0.05


def test_missing_value_dropped_with_its_links():
    graph, x = _rate_on_4x5()
    x.iloc[7] = np.nan
    with pytest.raises(AnalysisError, match=r"no value of x for \['35.05.08'\]"):
        spatial_gini(x, graph, seed=1)
    with pytest.warns(UserWarning, match=r"35\.05\.08"):
        result = spatial_gini(x, graph, permutations=99, seed=1, drop_missing=True)
    kept = x.dropna()
    direct = spatial_gini(kept, graph.subgraph(kept.index), permutations=99, seed=1)
    assert result.dropped == ("35.05.08",)
    assert (result.wg, result.p_sim) == (direct.wg, direct.p_sim)
    assert result.n == 19


def test_spatial_gini_checks_ids_and_settings():
    graph = _lattice(2, 3)
    x = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=graph.unique_ids[:5])
    with pytest.raises(AnalysisError, match="different units"):
        spatial_gini(x, graph, seed=1)
    x = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], index=graph.unique_ids)
    with pytest.raises(ConfigError, match="permutations"):
        spatial_gini(x, graph, permutations=0, seed=1)
    with pytest.raises(ConfigError, match="seed"):
        spatial_gini(x, graph, seed=1.5)
    with pytest.raises(ConfigError, match="Graph"):
        spatial_gini(x, libpysal.weights.lat2W(2, 3), seed=1)
