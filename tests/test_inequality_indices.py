import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from inequality.gini import Gini
from inequality.theil import Theil, TheilD

from _independent import four_units, kode_index
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.stats.inequality.indices import gini, theil, williamson

# four_units() is the hand-worked example of 4 units in 2 groups (table in tests/_independent.py):
# x = 1, 3, 4, 4; p = 1, 1, 1, 3; groups g1, g1, g2, g2; P = 6, sum(p x) = 20, xbar = 10/3.


def _random(n=30, seed=0):
    rng = np.random.default_rng(seed)
    index = kode_index(n)
    x = pd.Series(rng.gamma(2.0, 3.0, n), index=index, name="rate")
    p = pd.Series(rng.integers(5_000, 90_000, n).astype(float), index=index)
    g = pd.Series(rng.choice(["utara", "selatan", "kota"], n), index=index, name="wilayah")
    return x, p, g


# --- equality --------------------------------------------------------------------------------


def test_equal_values_give_zero_everywhere():
    index = kode_index(5)
    x = pd.Series(3.7, index=index)
    p = pd.Series([1000.3, 2000.7, 15.0, 7.0, 99.0], index=index)
    g = pd.Series(["a", "a", "b", "b", "b"], index=index)
    for population in (None, p):
        t = theil(x, population=population, groups=g)
        assert (t.total, t.between, t.within) == (0.0, 0.0, 0.0)
        assert math.isnan(t.between_share)  # 0 / 0, documented
        assert gini(x, population=population).gini == 0.0
    w = williamson(x, population=p)
    assert (w.value, w.cv) == (0.0, 0.0)


# --- Theil -----------------------------------------------------------------------------------


def test_weighted_theil_hand_worked():
    x, p, g = four_units()
    # s_i = p x / 20 = [0.05, 0.15, 0.20, 0.60]; q_i = p / 6; s_i / q_i = x_i / xbar = [0.3, 0.9, 1.2, 1.2]
    # T   = 0.05 ln 0.3 + 0.15 ln 0.9 + (0.20 + 0.60) ln 1.2
    #     = 0.05 (-1.2039728) + 0.15 (-0.1053605) + 0.8 (0.1823216) = 0.0698545
    # groups: s_g1 = 4/20 = 0.2, q_g1 = 2/6; s_g2 = 16/20 = 0.8, q_g2 = 4/6
    # T_B = 0.2 ln(0.2 * 3) + 0.8 ln(0.8 * 1.5) = 0.2 (-0.5108256) + 0.8 (0.1823216) = 0.0436921
    # T_g1: shares [1/4, 3/4], pop shares [1/2, 1/2] -> 0.25 ln 0.5 + 0.75 ln 1.5 = 0.1308120
    # T_g2 = 0 (equal x);  T_W = 0.2 * 0.1308120 + 0.8 * 0 = 0.0261624;  T_B + T_W = 0.0698545
    t = theil(x, population=p, groups=g)
    expected_t = 0.05 * math.log(0.3) + 0.15 * math.log(0.9) + 0.8 * math.log(1.2)
    expected_b = 0.2 * math.log(0.6) + 0.8 * math.log(1.2)
    t_g1 = 0.25 * math.log(0.5) + 0.75 * math.log(1.5)
    assert t.total == pytest.approx(expected_t, abs=1e-15)
    assert t.total == pytest.approx(0.0698545, abs=1e-7)
    assert t.between == pytest.approx(expected_b, abs=1e-15)
    assert t.within == pytest.approx(0.2 * t_g1, abs=1e-15)
    assert t.between_share == pytest.approx(expected_b / expected_t)
    assert t.weighted and t.n == 4 and t.grouping == "wilayah"
    groups = t.groups_frame()
    assert list(groups.index) == ["g1", "g2"]
    assert groups["n"].tolist() == [2, 2]
    assert groups["x_share"].tolist() == pytest.approx([0.2, 0.8])
    assert groups["population_share"].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert groups["theil"].tolist() == pytest.approx([t_g1, 0.0], abs=1e-15)
    assert groups["contribution"].tolist() == pytest.approx([0.2 * t_g1, 0.0], abs=1e-15)
    units = t.frame()
    assert units["x_share"].tolist() == pytest.approx([0.05, 0.15, 0.2, 0.6])
    assert units["term"].sum() == pytest.approx(expected_t, abs=1e-15)


@pytest.mark.parametrize("weighted", [False, True])
def test_theil_between_plus_within_is_total(weighted):
    for seed in range(5):
        x, p, g = _random(seed=seed)
        x.iloc[3] = 0.0  # a zero contributes 0
        t = theil(x, population=p if weighted else None, groups=g)
        assert t.between + t.within == pytest.approx(t.total, abs=1e-12)
        groups = t.groups_frame()
        assert groups["between_term"].sum() == pytest.approx(t.between, abs=1e-12)
        assert groups["contribution"].sum() == pytest.approx(t.within, abs=1e-12)
        assert groups["x_share"].sum() == pytest.approx(1.0, abs=1e-12)


def test_unweighted_theil_matches_inequality_package():
    for seed in range(5):
        x, _, g = _random(seed=seed)
        x.iloc[0] = 0.0  # the package adds a tiny number to zeros; the limit is the same
        t = theil(x, groups=g)
        reference = TheilD(x.to_numpy(), g.to_numpy())
        assert t.total == pytest.approx(float(Theil(x.to_numpy()).T), abs=1e-9)
        assert t.between == pytest.approx(float(np.squeeze(reference.bg)), abs=1e-9)
        assert t.within == pytest.approx(float(np.squeeze(reference.wg)), abs=1e-9)
        assert theil(x).between is None


def test_theil_unweighted_formula():
    # x = [1, 3]: mu = 2, T = 0.5 (0.5 ln 0.5 + 1.5 ln 1.5) = 0.5 (-0.3465736 + 0.6081977) = 0.1308120
    x = pd.Series([1.0, 3.0], index=kode_index(2))
    assert theil(x).total == pytest.approx(0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5)), abs=1e-15)


def test_theil_group_of_zeros():
    # x = [0, 0, 1, 3], groups a a b b, unweighted: mu = 1, T = (1/4)(1 ln 1 + 3 ln 3) = 0.75 ln 3
    # s_a = 0 -> T_a undefined (NaN), contributes 0; T_B = 0 + 1 ln(1 / 0.5) = ln 2
    # T_b = 0.25 ln 0.5 + 0.75 ln 1.5 = 0.1308120; T_W = 1 * T_b; ln 2 + 0.1308120 = 0.8239592 = 0.75 ln 3
    index = kode_index(4)
    t = theil(pd.Series([0.0, 0.0, 1.0, 3.0], index=index), groups=pd.Series(list("aabb"), index=index))
    assert t.total == pytest.approx(0.75 * math.log(3), abs=1e-15)
    assert t.between == pytest.approx(math.log(2), abs=1e-15)
    assert t.within == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5), abs=1e-15)
    groups = t.groups_frame()
    assert math.isnan(groups.loc["a", "theil"]) and groups.loc["a", "contribution"] == 0.0


# --- Williamson and Gini -------------------------------------------------------------------


def test_williamson_hand_worked():
    x, p, _ = four_units()
    # xbar = 10/3; x - xbar = [-7/3, -1/3, 2/3, 2/3]; squared = [49, 1, 4, 4] / 9
    # sum p (x - xbar)^2 / P = (49 + 1 + 4 + 3 * 4) / 9 / 6 = 66 / 54 = 11/9
    # Vw = sqrt(11/9) / (10/3) = sqrt(11) / 10 = 0.3316625
    # unweighted: mean 3, deviations [-2, 0, 1, 1], var = 6/4 = 1.5, cv = sqrt(1.5) / 3 = 0.4082483
    w = williamson(x, population=p)
    assert w.value == pytest.approx(math.sqrt(11) / 10, abs=1e-15)
    assert w.weighted_mean == pytest.approx(10 / 3)
    assert w.mean == 3.0
    assert w.cv == pytest.approx(math.sqrt(1.5) / 3, abs=1e-15)
    assert "population-weighted mean" in w.settings["mean_used"]
    assert "Williamson" in w.settings["reference"]
    # equal populations: Vw is the coefficient of variation
    equal = williamson(x, population=pd.Series(7.0, index=x.index))
    assert equal.value == pytest.approx(equal.cv, abs=1e-15)


def test_williamson_needs_population():
    x, _, _ = four_units()
    with pytest.raises(ConfigError, match="population"):
        williamson(x, population=None)


def test_weighted_gini_hand_worked():
    x, p, _ = four_units()
    # unordered pairs p_i p_j |x_i - x_j|: 01-02 1*1*2 = 2, 01-03 1*1*3 = 3, 01-04 1*3*3 = 9,
    # 02-03 1*1*1 = 1, 02-04 1*3*1 = 3, 03-04 0  -> 18; ordered pairs 36
    # G = 36 / (2 P^2 xbar) = 36 / (2 * 36 * 10/3) = 0.15
    # unweighted: |differences| 2 + 3 + 3 + 1 + 1 + 0 = 10, ordered 20; G = 20 / (2 * 16 * 3) = 0.2083333
    assert gini(x, population=p).gini == pytest.approx(0.15, abs=1e-15)
    assert gini(x, population=p).weighted
    assert gini(x).gini == pytest.approx(20 / 96, abs=1e-15)


def test_gini_matches_inequality_and_brute_force():
    for seed in range(5):
        x, p, _ = _random(seed=seed)
        x.iloc[[2, 5]] = x.iloc[1]  # ties
        assert gini(x).gini == pytest.approx(float(Gini(x.to_numpy()).g), abs=1e-9)
        # independent O(n^2) implementation of the weighted formula
        xv, pv = x.to_numpy(), p.to_numpy()
        brute = (pv[:, None] * pv[None, :] * np.abs(xv[:, None] - xv[None, :])).sum()
        brute /= 2 * pv.sum() ** 2 * ((pv * xv).sum() / pv.sum())
        assert gini(x, population=p).gini == pytest.approx(brute, abs=1e-12)


# --- bad input -------------------------------------------------------------------------------


def test_negative_value_is_named():
    x, p, _ = four_units()
    x.iloc[2] = -1.0
    for call in (lambda: theil(x), lambda: gini(x), lambda: williamson(x, population=p)):
        with pytest.raises(AnalysisError, match=r"negative for \['35.05.03'\]"):
            call()


def test_missing_population_raises_or_is_dropped_with_warning():
    x, p, g = four_units()
    p.iloc[1] = np.nan
    with pytest.raises(AnalysisError, match=r"no population for \['35.05.02'\].*drop_missing=True"):
        theil(x, population=p)
    with pytest.warns(UserWarning, match=r"35\.05\.02"):
        t = theil(x, population=p, groups=g, drop_missing=True)
    assert t.dropped == ("35.05.02",)
    assert t.settings["dropped_units"] == ["35.05.02"]
    assert t.n == 3
    assert t.frame().loc["35.05.02"].isna().all()
    kept = ["35.05.01", "35.05.03", "35.05.04"]
    assert t.total == pytest.approx(theil(x[kept], population=p[kept], groups=g[kept]).total, abs=1e-15)


def test_other_bad_input():
    x, p, _ = four_units()
    with pytest.raises(AnalysisError, match="different units"):
        theil(x, population=p.iloc[:3])
    with pytest.raises(AnalysisError, match="0 for every unit"):
        theil(x * 0)
    zero_pop = p.copy()
    zero_pop.iloc[0] = 0
    with pytest.raises(AnalysisError, match=r"zero or negative for \['35.05.01'\]"):
        gini(x, population=zero_pop)
    with pytest.raises(AnalysisError, match="non-numeric"):
        theil(x.astype(object).where(x.index != "35.05.01", "lots"))


def test_results_lay_out_as_tables():
    x, p, g = four_units()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = [theil(x, population=p, groups=g), williamson(x, population=p), gini(x, population=p)]
    for result in results:
        json.dumps(result.to_dict())
        assert tuple(result.table().columns) == RESULT_TABLE_COLUMNS
    assert results[0].to_dict()["statistics"]["theil:g1"] == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5))
