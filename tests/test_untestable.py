"""Statistics that cannot be computed or tested: too few units, no neighbours, no variance under the null.

Three mutually adjacent units (Kota Blitar, 3 kecamatan) give every global statistic one value under
every relabelling: Moran's I = -1/2 = E[I], Geary's C = 1, General G = 1, fixed join counts. Such a
test is skipped with a reason (z and p NaN), never reported as z = -inf, p = 0 or "significant".
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from libpysal.graph import Graph

from umkm_geo._errors import AnalysisError
from umkm_geo.stats.autocorrelation.global_ import geary, general_g, global_moran
from umkm_geo.stats.autocorrelation.join_counts import join_counts
from umkm_geo.stats.autocorrelation.local import local_geary, local_gi_star, local_moran, local_moran_bv
from umkm_geo.stats.autocorrelation.moran_variants import moran_bv, moran_rate


def _graph(links: list[tuple[str, str]], ids: list[str]) -> Graph:
    """Row-standardised graph of symmetric ``links``; units without a link are islands."""
    rows = [(a, b, 1.0) for a, b in links] + [(b, a, 1.0) for a, b in links]
    linked = {u for pair in links for u in pair}
    rows += [(u, u, 0.0) for u in ids if u not in linked]
    adjacency = pd.DataFrame(rows, columns=["focal", "neighbor", "weight"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return Graph.from_adjacency(adjacency).transform("r")


TRIANGLE = _graph([("a", "b"), ("b", "c"), ("a", "c")], list("abc"))
Y3 = pd.Series([1.0, 2.0, 4.0], index=list("abc"), name="umkm")
X3 = pd.Series([3.0, 1.0, 2.0], index=list("abc"), name="penduduk")


def _global_results(graph, y, x):
    return {
        "global_moran": global_moran(y, graph, permutations=99, seed=1),
        "geary": geary(y, graph, permutations=99, seed=1),
        "general_g": general_g(y, graph, permutations=99, seed=1),
        "join_counts": join_counts((y > y.median()).astype(int).rename("b"), graph, permutations=99, seed=1),
        "moran_rate": moran_rate(y.rename("umkm"), x * 100, graph, permutations=99, seed=1),
    }


def test_three_mutually_adjacent_units_skip_every_global_test_with_a_reason():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning of a 0 / 0 reaches the user
        results = _global_results(TRIANGLE, Y3, X3)
    values = {name: results[name].to_dict()["statistics"] for name in ("global_moran", "geary", "general_g")}
    assert values["global_moran"]["I"] == pytest.approx(-0.5) and values["global_moran"]["expected_I"] == -0.5
    assert values["geary"]["C"] == pytest.approx(1.0)
    assert values["general_g"]["G"] == pytest.approx(1.0)
    jc = results["join_counts"]
    assert (jc.BB, jc.BW, jc.expected_BB, jc.expected_BW) == (0.0, 2.0, 0.0, pytest.approx(2.0))
    for name, result in results.items():
        statistics = result.to_dict()["statistics"]
        tested = {k: v for k, v in statistics.items() if k.startswith(("z_", "p_"))}
        assert tested and all(np.isnan(v) for v in tested.values()), (name, tested)
        reason = result.settings["test_skipped"]
        assert "not tested" in reason and "all 3 units are neighbours of one another" in reason, name


def test_bivariate_moran_on_three_units_still_varies_and_is_tested():
    # x stays, y is relabelled: zx' W zy = -zx' zy / 2 changes with the relabelling.
    result = moran_bv(Y3, X3, TRIANGLE, permutations=99, seed=1)
    assert 0 < result.p_sim <= 1 and "test_skipped" not in result.settings


@pytest.mark.parametrize(
    "run",
    [
        lambda y, g: global_moran(y, g, seed=0),
        lambda y, g: geary(y, g, seed=0),
        lambda y, g: general_g(y, g, seed=0),
        lambda y, g: join_counts((y > 1).astype(int).rename("b"), g, seed=0),
        lambda y, g: local_moran(y, g, seed=0),
        lambda y, g: local_gi_star(y, g, seed=0),
        lambda y, g: local_geary(y, g, seed=0),
        lambda y, g: local_moran_bv(y, y.rename("x"), g, seed=0),
        lambda y, g: moran_bv(y, y.rename("x"), g, seed=0),
    ],
)
def test_two_units_or_only_islands_are_refused_with_the_reason(run):
    two = _graph([("a", "b")], ["a", "b"])
    with pytest.raises(AnalysisError, match=r"needs at least 3 units, but the weights have 2 \(\['a', 'b'\]\)"):
        run(Y3.iloc[:2], two)
    # three islands: before, Moran's I was NaN (S0 = 0) with p_sim = 0.002
    islands = _graph([], list("abc"))
    with pytest.raises(AnalysisError, match="No unit of the weights has a neighbour"):
        run(Y3, islands)


def test_local_statistics_on_three_mutually_adjacent_units_test_no_unit():
    for result in (
        local_moran(Y3, TRIANGLE, permutations=99, seed=1),
        local_gi_star(Y3, TRIANGLE, permutations=99, seed=1),
        local_geary(Y3, TRIANGLE, permutations=99, seed=1),
        local_moran_bv(Y3, X3, TRIANGLE, permutations=99, seed=1),
    ):
        frame = result.frame()
        assert result.n_tested == 0 and result.n_islands == 0
        assert frame["p_value"].isna().all() and frame["z_sim"].isna().all()
        assert not frame["significant"].any() and (frame["cluster"] == "ns").all()
        assert result.settings["not_tested"].startswith("none of the 3 units can be tested")


def test_a_hub_linked_to_every_other_unit_is_not_tested_the_others_are():
    # a star: hub h linked to leaves p, q, r, s (which are not linked to each other). The hub's
    # neighbours are all the other units, so each conditional permutation draws the same set.
    star = _graph([("h", "p"), ("h", "q"), ("h", "r"), ("h", "s")], list("hpqrs"))
    y = pd.Series([5.0, 1.0, 2.0, 3.0, 9.0], index=list("hpqrs"), name="umkm")
    result = local_moran(y, star, permutations=99, seed=3)
    frame = result.frame()
    assert np.isnan(frame.loc["h", "p_value"]) and frame.loc["h", "cluster"] == "ns"
    assert frame.drop(index="h")["p_value"].notna().all()
    assert result.n_tested == 4
    assert result.settings["not_tested"].startswith("1 of the 5 units cannot be tested")


def test_join_count_moments_on_a_path_of_three_units_match_enumeration():
    # Path a - b - c, one unit coded 1. n = 3: the 4-unit terms (n^(4) = 0) drop out instead of
    # dividing by zero. BB = 0 always (no test: variance 0); BW = 1 with the 1 at an end (2 of 3
    # arrangements), 2 in the middle: E[BW] = 4/3, Var[BW] = (1 + 4 + 1) / 3 - 16/9 = 2/9.
    path = _graph([("a", "b"), ("b", "c")], list("abc"))
    coded = pd.Series([1, 0, 0], index=list("abc"), name="b")
    result = join_counts(coded, path, permutations=99, seed=2)
    every_bw = np.array([1.0, 2.0, 1.0])
    assert result.expected_BW == pytest.approx(every_bw.mean(), abs=1e-12)
    assert result.z_BW == pytest.approx((1.0 - every_bw.mean()) / every_bw.std(), abs=1e-12)
    assert result.expected_BB == 0.0 and np.isnan(result.z_BB) and np.isnan(result.p_sim_BB)
    assert 0 < result.p_sim_BW <= 1
    assert result.settings["test_skipped"].startswith("the join count BB is not tested")


def test_an_untested_global_statistic_is_read_as_not_tested():
    from umkm_geo.render.report.interpret import global_sentence

    result = global_moran(Y3, TRIANGLE, permutations=99, seed=1)
    text = global_sentence(result, lang="en", label="UMKM")
    assert "p = –" in text and "not tested" in text and "at α" not in text
    assert "significant" not in text
    assert "tidak diuji" in global_sentence(result, lang="id", label="UMKM")


def test_three_units_in_a_row_keep_the_permutation_test_without_the_undefined_randomisation_z():
    # a - b - c: the statistics vary under relabelling, but esda's randomisation moments divide
    # by (n - 1)(n - 2)(n - 3) = 0. The pseudo p-values stand; z_rand (Moran, Geary) and General
    # G's z (randomisation moments) are NaN, and the result says so.
    path = _graph([("a", "b"), ("b", "c")], list("abc"))
    g = general_g(Y3, path, permutations=99, seed=1)
    assert np.isnan(g.z_norm) and np.isnan(g.p_norm) and 0 < g.p_sim <= 1
    assert g.settings["not_computed"].startswith("z_norm, p_norm: the analytical variance is undefined for 3 units")
    assert "test_skipped" not in g.settings
    moran = global_moran(Y3, path, permutations=99, seed=1)
    assert np.isfinite(moran.z_norm) and np.isnan(moran.z_rand) and 0 < moran.p_sim <= 1
    assert moran.settings["not_computed"].startswith("z_rand, p_rand:")


@pytest.mark.filterwarnings("ignore:Group\\(s\\) \\['s'\\] of pair u-s have one unit")
def test_gap_table_without_a_spatial_gini_for_mutually_adjacent_units():
    from umkm_geo.stats.inequality.gap_table import gap_table

    groups = pd.Series(["u", "u", "s"], index=list("abc"), name="wilayah")
    with pytest.warns(UserWarning, match="The spatial Gini is not computed: All units are neighbours of one another"):
        table = gap_table(Y3, groups, permutations=9, seed=1, graph=TRIANGLE)
    assert table.spatial is None
    assert table.settings["spatial_gini"].startswith("not computed: All units are neighbours of one another")
    assert table.gini.gini > 0 and "spatial_gini_p_value" not in set(table.measures_frame()["measure"])


def test_four_mutually_adjacent_units_are_untestable_too():
    # K4 with row-standardised weights: I = -1/3 = E[I] and C = 1 under every relabelling; esda's
    # variances come out as 1e-17 or -2e-16, which gave z of -1e-8 or inf before.
    ids = list("abcd")
    k4 = _graph([(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]], ids)
    y = pd.Series([1.0, 2.0, 4.0, 9.0], index=ids, name="umkm")
    for result in (global_moran(y, k4, permutations=99, seed=1), geary(y, k4, permutations=99, seed=1)):
        record = result.to_dict()["statistics"]
        assert all(np.isnan(v) for k, v in record.items() if k.startswith(("z_", "p_")))
        assert "all 4 units are neighbours of one another" in result.settings["test_skipped"]
        assert "not_computed" not in result.settings
