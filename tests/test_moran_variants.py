import re

import numpy as np
import pandas as pd
import pygeoda
import pytest

from _independent import LINE_IDS, assert_records_settings, assert_seeded, pygeoda_weights_from_graph
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.stats.autocorrelation.global_ import global_moran
from umkm_geo.stats.autocorrelation.moran_variants import moran_bv, moran_rate

# The fixtures tessellation (60 Voronoi cells: y, graph, frame) and line (a - b - c - d, ids
# LINE_IDS) come from conftest.py.


@pytest.fixture(scope="module")
def two_variables(tessellation):
    """``y`` (named umkm), a correlated ``x`` (named income) and the graph of the tessellation."""
    y, graph, _ = tessellation
    x = pd.Series(np.random.default_rng(11).normal(size=len(y)) + y / 10, index=y.index, name="income")
    return y, x, graph


# --- Empirical-Bayes rate Moran's I ----------------------------------------------------------


def test_moran_rate_with_equal_bases_by_hand(line):
    # e = 1, 2, 3, 6 and b = 10 everywhere: r = 0.1, 0.2, 0.3, 0.6, beta = 12 / 40 = 0.3,
    # s2 = sum 10 (r - 0.3)^2 / 40 = (0.04 + 0.01 + 0 + 0.09) / 4 = 0.035,
    # alpha = 0.035 - 0.3 / 10 = 0.005, v = 0.005 + 0.03 = 0.035: EB rate = (r - 0.3) / sqrt(0.035).
    # Moran's I on the row-standardised line, z = -0.2, -0.1, 0, 0.3, z'z = 0.14:
    # z'Wz = z_a z_b + z_b (z_a + z_c) / 2 + z_c (z_b + z_d) / 2 + z_d z_c = 0.02 + 0.01 + 0 + 0 = 0.03,
    # S0 = n = 4, I = 0.03 / 0.14 = 3 / 14 (EB rates are a linear transform of the raw rates here).
    events = pd.Series([1.0, 2.0, 3.0, 6.0], index=LINE_IDS, name="umkm")
    base = pd.Series(10.0, index=LINE_IDS, name="population")
    for adjusted in (True, False):
        result = moran_rate(events, base, line, permutations=23, seed=0, adjusted=adjusted)
        np.testing.assert_allclose(result.I, 3 / 14, rtol=0, atol=1e-12)
        assert result.expected_I == pytest.approx(-1 / 3)
        assert result.adjusted is adjusted
    frame = result.frame()
    assert frame["rate"].tolist() == pytest.approx([0.1, 0.2, 0.3, 0.6])
    assert frame["eb_rate"].tolist() == pytest.approx(list((np.array([0.1, 0.2, 0.3, 0.6]) - 0.3) / np.sqrt(0.035)))
    assert result.settings["base"] == "population" and result.settings["events"] == "umkm"


def test_moran_rate_matches_an_independent_eb_formula(two_variables):
    y, _, graph = two_variables
    rng = np.random.default_rng(4)
    base = pd.Series(rng.integers(20, 400, len(y)).astype(float), index=y.index, name="population")
    events = pd.Series(rng.binomial(base.astype(int), 0.05).astype(float), index=y.index, name="umkm")
    result = moran_rate(events.iloc[::-1], base, graph, permutations=19, seed=0)
    assert result.frame().index.equals(events.index[::-1])
    # Assuncao & Reis (1999), written out independently:
    e, b = events.to_numpy(), base.to_numpy()
    r, beta = e / b, e.sum() / b.sum()
    s2 = (b * (r - beta) ** 2).sum() / b.sum()
    v = s2 - beta / b.mean() + beta / b
    v = np.where(v < 0, beta / b, v)
    eb = pd.Series((r - beta) / np.sqrt(v), index=events.index, name="eb")
    assert result.frame()["eb_rate"].reindex(events.index).to_numpy() == pytest.approx(eb.to_numpy(), abs=1e-12)
    w = graph.sparse.toarray()
    z = eb.reindex(graph.unique_ids).to_numpy() - eb.mean()
    np.testing.assert_allclose(result.I, len(z) / w.sum() * (z @ w @ z) / (z @ z), rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.I, global_moran(eb, graph, permutations=9, seed=0).I, rtol=0, atol=1e-12)
    raw = moran_rate(events, base, graph, permutations=19, seed=0, adjusted=False)
    raw_moran = global_moran(pd.Series(r, index=events.index), graph, seed=0)
    np.testing.assert_allclose(raw.I, raw_moran.I, rtol=0, atol=1e-12)
    assert abs(raw.I - result.I) > 1e-6


def test_moran_rate_names_bad_bases_and_events(line):
    events = pd.Series([1.0, 2.0, 3.0, 6.0], index=LINE_IDS, name="umkm")
    base = pd.Series([10.0, 0.0, np.nan, 10.0], index=LINE_IDS, name="population")
    with pytest.raises(AnalysisError, match=r"'population'.*2 units.*'r0c1': 0\.0, 'r0c2': nan"):
        moran_rate(events, base, line, seed=0)
    with pytest.raises(AnalysisError, match=r"'umkm'.*'r0c3': -1\.0"):
        moran_rate(events.where(events < 6, -1.0), base.fillna(10.0).replace(0.0, 10.0), line, seed=0)
    with pytest.raises(AnalysisError, match=r"not in base \['r0c3'\]"):
        moran_rate(events, base.iloc[:3], line, seed=0)
    # equal rates: 1 / 10 everywhere
    with pytest.raises(AnalysisError, match=r"constant.*" + re.escape("Moran's I of the rates is undefined")):
        moran_rate(pd.Series(1.0, index=LINE_IDS, name="umkm"), base.fillna(10.0).replace(0.0, 10.0), line, seed=0)


# --- bivariate Moran's I ---------------------------------------------------------------------


def test_moran_bv_agrees_with_pygeoda_local_bimoran(two_variables, tmp_path):
    # GeoDa's local bivariate Moran is zx_i * sum_j w_ij zy_j (ddof = 1), so its sum / (n - 1)
    # is esda's global I_BV = zx' W zy / (n - 1).
    y, x, graph = two_variables
    weight = pygeoda_weights_from_graph(graph, tmp_path / "w.gal")
    ids = weight.umkm_ids
    local = pygeoda.local_bimoran(
        weight, [float(v) for v in x.reindex(ids)], [float(v) for v in y.reindex(ids)], permutations=9, cpu_threads=1
    )
    result = moran_bv(x, y, graph, permutations=9, seed=0)
    np.testing.assert_allclose(result.I, np.sum(local.lisa_values()) / (len(ids) - 1), rtol=0, atol=1e-9)
    assert (result.x, result.y) == ("income", "umkm")
    assert result.settings["roles"].startswith("x = 'income'")
    assert result.expected_I == 0.0
    # not symmetric with row-standardised weights
    assert abs(moran_bv(y, x, graph, permutations=9, seed=0).I - result.I) > 1e-6


def test_moran_bv_of_a_variable_with_itself_is_morans_i(two_variables):
    # zy'W zy / (n - 1) with ddof = 1 is z'Wz / z'z, Moran's I when S0 = n (no islands).
    y, _, graph = two_variables
    moran = global_moran(y, graph, permutations=9, seed=0)
    np.testing.assert_allclose(moran_bv(y, y, graph, permutations=9, seed=0).I, moran.I, rtol=0, atol=1e-12)


def test_moran_bv_bad_inputs_are_named(line):
    y = pd.Series([1.0, 2.0, 3.0, 4.0], index=LINE_IDS, name="umkm")
    with pytest.raises(AnalysisError, match=r"not in y \['r0c3'\]"):
        moran_bv(y, y.iloc[:3], line, seed=0)
    with pytest.raises(AnalysisError, match=r"\['r0c2'\]; bivariate Moran's I needs a value"):
        moran_bv(y.where(y != 3.0), y, line, seed=0)
    with pytest.raises(AnalysisError, match=r"constant.*bivariate Moran's I is undefined"):
        moran_bv(y, pd.Series(2.0, index=y.index, name="flat"), line, seed=0)
    with pytest.raises(ConfigError, match="seed must be an integer"):
        moran_bv(y, y, line, seed=1.5)
    with pytest.raises(ConfigError, match="permutations must be at least 1"):
        moran_bv(y, y, line, seed=0, permutations=0)


# --- shared behaviour ------------------------------------------------------------------------


def _run_both(two_variables, seed, permutations=49):
    y, x, graph = two_variables
    population = pd.Series(np.linspace(100.0, 500.0, len(y)), index=y.index, name="population")
    events = (y * 3).round().rename("umkm_count")
    return {
        "moran_rate": moran_rate(events, population, graph, permutations=permutations, seed=seed),
        "moran_bv": moran_bv(x, y, graph, permutations=permutations, seed=seed),
    }


def test_same_seed_same_results_and_global_state_restored(two_variables):
    assert_seeded(lambda seed: _run_both(two_variables, seed=seed))


def test_results_record_their_settings(two_variables):
    results = _run_both(two_variables, seed=1, permutations=19)
    assert_records_settings(results, permutations=19, seed=1)
    assert results["moran_rate"].settings["adjusted"] is True
    assert results["moran_bv"].settings["x"] == "income"
