import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.stats.inequality.gap import GAP_P_VALUE_DEFINITION, group_gap


def _series(values, groups, name="umkm"):
    index = pd.Index([f"35.05.{i:02d}" for i in range(len(values))], name="kode")
    return (
        pd.Series(values, index=index, name=name, dtype=float),
        pd.Series(groups, index=index, name="wilayah"),
    )


def _exact_p(x, is_a):
    """Permutation p-value over every relabelling of the units (the observed one included)."""
    x = np.asarray(x, dtype=float)
    n, n_a = len(x), int(np.sum(is_a))
    observed = abs(x[is_a].mean() - x[~is_a].mean())
    hits = total = 0
    for chosen in itertools.combinations(range(n), n_a):
        mask = np.zeros(n, dtype=bool)
        mask[list(chosen)] = True
        hits += abs(x[mask].mean() - x[~mask].mean()) >= observed - 1e-12
        total += 1
    return hits / total


def test_hand_worked_example():
    values, groups = _series([1, 2, 3, 4, 5, 6], ["utara"] * 3 + ["selatan"] * 3)
    result = group_gap(values, groups, permutations=999, seed=1)
    assert result.mean_a == 2.0
    assert result.mean_b == 5.0
    assert result.difference == -3.0
    assert result.ratio == pytest.approx(0.4)
    table = result.group_table()
    assert table.loc["utara"].to_dict() == {
        "n": 3,
        "n_missing": 0,
        "mean": 2.0,
        "median": 2.0,
        "min": 1.0,
        "max": 3.0,
        "sum": 6.0,
    }
    assert table.loc["selatan", "sum"] == 15.0
    assert 0 < result.p_value <= 1


def test_exact_enumeration_matches_sampling():
    x = [1, 2, 3, 4, 5, 6]
    is_a = np.array([True] * 3 + [False] * 3)
    exact = _exact_p(x, is_a)
    assert exact == pytest.approx(2 / 20)  # only the observed split and its mirror
    values, groups = _series(x, np.where(is_a, "utara", "selatan"))
    sampled = group_gap(values, groups, permutations=9999, seed=3).p_value
    assert sampled == pytest.approx(exact, abs=0.015)


def test_exact_enumeration_matches_sampling_with_unequal_groups():
    rng = np.random.default_rng(11)
    x = np.round(rng.normal(10, 3, 12), 2)
    is_a = np.array([True] * 8 + [False] * 4)
    exact = _exact_p(x, is_a)
    values, groups = _series(x, np.where(is_a, "utara", "selatan"))
    sampled = group_gap(values, groups, permutations=9999, seed=4).p_value
    assert sampled == pytest.approx(exact, abs=0.02)


def test_p_value_is_never_zero():
    values, groups = _series(list(range(20)), ["utara"] * 10 + ["selatan"] * 10)
    result = group_gap(values, groups, permutations=199, seed=7)
    assert result.p_value == pytest.approx(1 / 200)  # no relabelling is as extreme


def test_same_seed_same_p_other_seed_other_p():
    values, groups = _series([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], ["utara"] * 5 + ["selatan"] * 5)
    first = group_gap(values, groups, permutations=199, seed=7)
    assert 0.05 < first.p_value < 0.95
    assert first.p_value == group_gap(values, groups, permutations=199, seed=7).p_value
    others = {group_gap(values, groups, permutations=199, seed=s).p_value for s in range(8, 14)}
    assert len(others | {first.p_value}) > 1


def test_no_difference_gives_p_one():
    values, groups = _series([1, 2, 3, 3, 2, 1], ["utara"] * 3 + ["selatan"] * 3)
    result = group_gap(values, groups, permutations=99, seed=1)
    assert result.difference == 0.0
    assert result.p_value == 1.0


def test_other_groups_are_described_but_not_permuted():
    values, groups = _series([1, 2, 3, 4, 5, 6, 100, 200], ["utara"] * 3 + ["selatan"] * 3 + ["kota_blitar"] * 2)
    result = group_gap(values, groups, permutations=999, seed=5)
    assert set(result.group_table().index) == {"utara", "selatan", "kota_blitar"}
    assert result.group_table().loc["kota_blitar", "mean"] == 150.0
    changed = values.copy()
    changed.iloc[6:] = [-1000.0, 5000.0]
    again = group_gap(changed, groups, permutations=999, seed=5)
    assert again.p_value == result.p_value
    assert again.difference == result.difference


def test_missing_values_are_excluded_and_counted():
    values, groups = _series([1, 2, np.nan, 4, 5, 6], ["utara"] * 3 + ["selatan"] * 3)
    result = group_gap(values, groups, permutations=99, seed=1)
    table = result.group_table()
    assert table.loc["utara", "n"] == 2
    assert table.loc["utara", "n_missing"] == 1
    assert table.loc["selatan", "n_missing"] == 0
    assert result.mean_a == 1.5
    assert result.n_a == 2
    assert result.n_b == 3


def test_unknown_group_names_the_groups_present():
    values, groups = _series([1, 2, 3, 4], ["utara", "utara", "selatan", "kota_blitar"])
    with pytest.raises(ConfigError, match=r"'tengah'.*\['kota_blitar', 'selatan', 'utara'\]"):
        group_gap(values, groups, b="tengah", seed=1)


def test_same_group_twice_is_a_config_error():
    values, groups = _series([1, 2, 3, 4], ["utara", "utara", "selatan", "selatan"])
    with pytest.raises(ConfigError, match="differ"):
        group_gap(values, groups, a="utara", b="utara", seed=1)


def test_group_without_values_is_an_analysis_error():
    values, groups = _series([1, 2, np.nan, np.nan], ["utara", "utara", "selatan", "selatan"])
    with pytest.raises(AnalysisError, match="selatan"):
        group_gap(values, groups, seed=1)


def test_misaligned_ids_are_an_analysis_error():
    values, groups = _series([1, 2, 3, 4], ["utara", "utara", "selatan", "selatan"])
    with pytest.raises(AnalysisError, match=r"35\.05\.03"):
        group_gap(values, groups.drop("35.05.03"), seed=1)


def test_units_without_group_warn_and_are_left_out():
    values, groups = _series([1, 2, 3, 4, 50], ["utara", "utara", "selatan", "selatan", None])
    with pytest.warns(UserWarning, match="35.05.04") as record:
        result = group_gap(values, groups, permutations=99, seed=1)
    assert record[0].filename == __file__
    assert result.group_table()["n"].sum() == 4


def test_order_of_ids_does_not_matter():
    values, groups = _series([1, 5, 2, 6, 3, 4], ["utara", "selatan"] * 3)
    forward = group_gap(values, groups, permutations=99, seed=1)
    backward = group_gap(values.iloc[::-1], groups, permutations=99, seed=1)
    assert forward.difference == backward.difference


def test_settings_and_table_layout():
    values, groups = _series([1, 2, 3, 4, 5, 6], ["utara"] * 3 + ["selatan"] * 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = group_gap(values, groups, permutations=500, seed=21)
    payload = result.to_dict()
    assert payload["result"] == "group_gap"
    assert payload["settings"]["permutations"] == 500
    assert payload["settings"]["seed"] == 21
    assert payload["settings"]["alternative"] == "two-sided"
    assert payload["settings"]["p_value_definition"] == GAP_P_VALUE_DEFINITION
    table = result.table()
    assert tuple(table.columns) == RESULT_TABLE_COLUMNS
    assert table.set_index("name").loc["difference", "value"] == -3.0
