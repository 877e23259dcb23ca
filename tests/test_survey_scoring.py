"""Tests of umkm_geo.stats.survey.scoring: categories, weighting, Cronbach's alpha, bootstrap, quadrants."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from umkm_geo._errors import AnalysisError, ConfigError, TableError
from umkm_geo.stats.survey.scoring import (
    DEFAULT_INTERVALS,
    QUADRANT_LABELS,
    categorise,
    cronbach_alpha,
    score_survey,
)
from umkm_geo.tables.demo.counts import ILLUSTRATIVE_NOTE

K1, K2, K3 = "35.05.01", "35.05.02", "35.72.01"


def _long(answers: dict[str, tuple[str, dict[tuple[str, str], list[float]]]]) -> pd.DataFrame:
    """Long table from {responden: (kode, {(aspek, dimensi): [item values]})}."""
    rows = []
    for responden, (kode, scales) in answers.items():
        for (aspek, dimensi), values in scales.items():
            for i, v in enumerate(values, start=1):
                rows.append((responden, kode, "jasa", aspek, dimensi, i, v))
    return pd.DataFrame(rows, columns=["responden", "kode", "sektor", "aspek", "dimensi", "item", "nilai"])


def _single(need_access: dict[str, tuple[str, float, float]]) -> pd.DataFrame:
    """One aspect (modal), single-item scales: {responden: (kode, need, access)}."""
    return _long(
        {r: (k, {("modal", "kebutuhan"): [n], ("modal", "akses"): [a]}) for r, (k, n, a) in need_access.items()}
    )


# K1: need 4, 5, 3 (mean 4), access 2, 2, 2 (mean 2); K2: one respondent, need 2, access 4.
TWO = {"r1": (K1, 4, 2), "r2": (K1, 5, 2), "r3": (K1, 3, 2), "r4": (K2, 2, 4)}


def _score(long: pd.DataFrame, **kwargs) -> object:
    kwargs.setdefault("seed", 7)
    kwargs.setdefault("n_boot", 199)
    return score_survey(long, **kwargs)


def test_category_boundaries_use_upper_bounds():
    values = pd.Series([1.0, 1.80, 1.805, 1.81, 2.60, 2.605, 3.40, 3.41, 4.20, 4.21, 5.0, np.nan], name="akses")
    got = categorise(values)
    # x <= 1.80 -> sangat rendah; 1.80 < x <= 2.60 -> rendah; 2.60 < x <= 3.40 -> sedang; ...
    assert got.tolist()[:-1] == [
        "sangat rendah",
        "sangat rendah",
        "rendah",
        "rendah",
        "rendah",
        "sedang",
        "sedang",
        "tinggi",
        "tinggi",
        "sangat tinggi",
        "sangat tinggi",
    ]
    assert pd.isna(got.iloc[-1])
    assert got.name == "akses_kategori"
    assert categorise(pd.Series([1.80, 2.605, 5.0]), lang="en").tolist() == ["very low", "medium", "very high"]
    with pytest.raises(AnalysisError, match=r"5\.01"):
        categorise(pd.Series([5.01]))
    with pytest.raises(ConfigError, match="increasing"):
        categorise(pd.Series([2.0]), intervals=[(1, 3, "a", "a"), (3, 2, "b", "b")])


def test_custom_intervals():
    three = ((1.0, 2.33, "rendah", "low"), (2.34, 3.67, "sedang", "medium"), (3.68, 5.0, "tinggi", "high"))
    assert categorise(pd.Series([2.33, 2.335, 3.7]), intervals=three).tolist() == ["rendah", "sedang", "tinggi"]


def test_post_stratified_means_two_kecamatan():
    scores = _score(_single(TWO), population=pd.Series({K1: 100, K2: 300}), groups=pd.Series({K1: "u", K2: "s"}))
    overall = scores.overall.loc["modal"]
    # N shares 100/400 = 0.25 and 300/400 = 0.75; sample shares n_k/n = 3/4 and 1/4
    # w1 = 0.25 / 0.75 = 1/3, w2 = 0.75 / 0.25 = 3.
    # need  = (1/3 * (4+5+3) + 3 * 2) / (1/3 * 3 + 3) = (4 + 6) / 4 = 2.5   (= 0.25 * 4 + 0.75 * 2)
    # access = (1/3 * 6 + 3 * 4) / 4 = 14 / 4 = 3.5;  gap = 2.5 - 3.5 = -1
    assert overall["kebutuhan"] == pytest.approx(2.5)
    assert overall["akses"] == pytest.approx(3.5)
    assert overall["gap"] == pytest.approx(-1.0)
    assert overall["n_kebutuhan"] == 4 and overall["n_kecamatan"] == 2
    assert "post-stratification" in overall["pembobotan"]
    weights = scores.respondents.query("dimensi == 'kebutuhan'").set_index("responden")["bobot"]
    assert weights.to_dict() == pytest.approx({"r1": 1 / 3, "r2": 1 / 3, "r3": 1 / 3, "r4": 3.0})
    groups = scores.groups.set_index("group")
    assert groups.loc["u", "kebutuhan"] == pytest.approx(4.0)
    assert groups.loc["s", "akses"] == pytest.approx(4.0)
    assert groups.loc["u", "kebutuhan_kategori"] == "tinggi"

    # Without population: every respondent counts once, need = (4+5+3+2)/4 = 3.5, access = 10/4 = 2.5.
    plain = _score(_single(TWO)).overall.loc["modal"]
    assert plain["kebutuhan"] == pytest.approx(3.5)
    assert plain["akses"] == pytest.approx(2.5)
    assert plain["pembobotan"].startswith("unweighted")

    # A planned quota of 1 and 3 has the shares of 100 and 300: same weights, and the short fall warns.
    with pytest.warns(UserWarning, match="fewer respondents than planned"):
        planned = _score(_single(TWO), plan=pd.Series({K1: 1, K2: 3}))
    assert planned.overall.loc["modal", "kebutuhan"] == pytest.approx(2.5)
    assert planned.kecamatan.set_index("kode").loc[K2, "n_rencana"] == 3


def test_population_must_cover_every_surveyed_kecamatan():
    with pytest.raises(ConfigError, match=K2):
        _score(_single(TWO), population=pd.Series({K1: 100}))
    with pytest.warns(UserWarning, match=K3):
        _score(_single(TWO), population=pd.Series({K1: 100, K2: 300, K3: 50}))


# Hand-worked 3 items x 5 respondents:
#   item1 = 1 2 3 4 5  mean 3.0  var = (4+1+0+1+4)/4 = 2.5
#   item2 = 2 3 3 5 4  mean 3.4  var = (1.96+.16+.16+2.56+.36)/4 = 1.3
#   item3 = 2 3 4 4 5  mean 3.6  var = (2.56+.36+.16+.16+1.96)/4 = 1.3
#   total = 5 8 10 13 14 mean 10  var = (25+4+0+9+16)/4 = 13.5
#   alpha = 3/2 * (1 - 5.1/13.5) = 1.5 * 8.4/13.5 = 14/15 = 0.9333...
ITEMS = [[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 4], [5, 4, 5]]


def _alpha_covariance(matrix: np.ndarray) -> float:
    """Independent form (as in pingouin): k/(k-1) * (1 - trace(C) / sum(C)), C the item covariance."""
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    cov = np.cov(complete, rowvar=False)
    k = cov.shape[0]
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


def test_cronbach_alpha_hand_worked_and_independent():
    alpha, n, note = cronbach_alpha(pd.DataFrame(ITEMS))
    assert alpha == pytest.approx(14 / 15, abs=1e-12)
    assert n == 5 and note == ""

    rng = np.random.default_rng(3)
    matrix = np.clip(np.round(rng.normal(3, 1, (30, 1)) + rng.normal(0, 0.8, (30, 4))), 1, 5)
    matrix[[2, 9], [1, 3]] = np.nan  # two incomplete respondents: left out listwise
    alpha, n, _ = cronbach_alpha(pd.DataFrame(matrix))
    assert n == 28
    assert alpha == pytest.approx(_alpha_covariance(matrix), abs=1e-12)

    alpha, _, note = cronbach_alpha(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))
    assert np.isnan(alpha) and "single-item" in note


def test_reliability_table_from_long_form_and_low_alpha_warning():
    long = _long({f"r{i}": (K1, {("modal", "kebutuhan"): row}) for i, row in enumerate(ITEMS)})
    # Access: two items that disagree.
    #   item1 = 1 5 2 4 3  mean 3  var = (4+4+1+1+0)/4 = 2.5
    #   item2 = 4 2 5 1 3  mean 3  var = (1+1+4+4+0)/4 = 2.5
    #   total = 5 7 7 5 6  mean 6  var = (1+1+1+1+0)/4 = 1
    #   alpha = 2/1 * (1 - 5/1) = -8  -> warning (< 0.6)
    access = [[1, 4], [5, 2], [2, 5], [4, 1], [3, 3]]
    for i, row in enumerate(access):
        long = pd.concat([long, _long({f"r{i}": (K1, {("modal", "akses"): row})})], ignore_index=True)
    with pytest.warns(UserWarning, match="'modal_akses' has Cronbach's alpha -8.000"):
        scores = _score(long)
    table = scores.reliability.set_index("dimensi")
    assert table.loc["kebutuhan", "cronbach_alpha"] == pytest.approx(14 / 15)
    assert table.loc["akses", "cronbach_alpha"] == pytest.approx(-8.0)
    assert scores.to_dict()["statistics"]["alpha_modal_kebutuhan"] == pytest.approx(14 / 15)


def test_respondents_with_too_few_items_are_left_out_and_counted():
    long = _long(
        {
            "a": (K1, {("pasar", "kebutuhan"): [4, 4, np.nan], ("pasar", "akses"): [2, 2, 2]}),  # 2 of 3: kept
            "b": (K1, {("pasar", "kebutuhan"): [5, np.nan, np.nan], ("pasar", "akses"): [3, 3, 3]}),  # 1 of 3: out
            "c": (K1, {("pasar", "kebutuhan"): [2, 3, 4], ("pasar", "akses"): [1, 2, 3]}),
        }
    )
    with pytest.warns(UserWarning, match="'pasar_kebutuhan': 1 respondent"):
        scores = _score(long)
    rel = scores.reliability.set_index("dimensi")
    assert rel.loc["kebutuhan", "n_left_out"] == 1
    assert "fewer than half of the 3 items" in rel.loc["kebutuhan", "left_out_reason"]
    assert rel.loc["akses", "n_left_out"] == 0
    row = scores.kecamatan.iloc[0]
    # need: a = (4+4)/2 = 4, c = (2+3+4)/3 = 3 -> 3.5; access: 2, 3, 2 -> 7/3
    assert row["kebutuhan"] == pytest.approx(3.5) and row["n_kebutuhan"] == 2
    assert row["akses"] == pytest.approx(7 / 3) and row["n_akses"] == 3 and row["n"] == 3


def test_gap_is_need_minus_access_and_wide_layout():
    long = pd.concat(
        [_single(TWO), _single(TWO).assign(aspek="pasar", nilai=lambda d: 6 - d["nilai"])], ignore_index=True
    )
    scores = _score(long)
    table = scores.kecamatan
    assert np.allclose(table["gap"], table["kebutuhan"] - table["akses"])
    wide = scores.wide("gap")
    # K1 modal: need 4, access 2 -> 2; K1 pasar: need 6-{4,5,3} = {2,1,3} mean 2, access 6-2 = 4 -> -2
    assert wide.loc[K1, "modal"] == pytest.approx(2.0)
    assert wide.loc[K1, "pasar"] == pytest.approx(-2.0)
    assert list(wide.columns) == ["modal", "pasar"] and list(wide.index) == [K1, K2]
    with pytest.raises(ConfigError, match="'median'"):
        scores.wide("median")


def test_bootstrap_reproducible_and_contains_mean():
    rng = np.random.default_rng(11)
    answers = {f"r{i}": (K1 if i < 12 else K2, float(rng.integers(1, 6)), float(rng.integers(1, 6))) for i in range(20)}
    long = _single(answers)
    a = _score(long, seed=5, n_boot=499)
    b = _score(long, seed=5, n_boot=499)
    c = _score(long, seed=6, n_boot=499)
    pd.testing.assert_frame_equal(a.kecamatan, b.kecamatan)
    columns = [f"{v}_ci_{s}" for v in ("kebutuhan", "akses", "gap") for s in ("low", "high")]
    assert not np.allclose(a.kecamatan[columns], c.kecamatan[columns])
    for v in ("kebutuhan", "akses", "gap"):
        assert (a.kecamatan[f"{v}_ci_low"] <= a.kecamatan[v]).all()
        assert (a.kecamatan[v] <= a.kecamatan[f"{v}_ci_high"]).all()
        assert (a.kecamatan[f"{v}_ci_low"] < a.kecamatan[f"{v}_ci_high"]).all()
    assert a.settings["seed"] == 5 and a.settings["n_boot"] == 499


def test_single_respondent_interval_collapses_to_its_score():
    row = _score(_single(TWO)).kecamatan.set_index("kode").loc[K2]
    assert (row["kebutuhan_ci_low"], row["kebutuhan_ci_high"], row["gap_ci_low"]) == (2.0, 2.0, -2.0)


def test_quadrants_against_mean_and_midpoint():
    answers = dict(TWO, r5=(K3, 3, 3))
    # midpoint 3: K1 need 4 >= 3, access 2 < 3 -> priority; K2 need 2, access 4 -> low/high;
    # K3 need 3 >= 3 and access 3 >= 3 -> high/high.
    mid = _score(_single(answers), quadrant_reference="midpoint").kecamatan.set_index("kode")
    assert mid.loc[K1, "kuadran"] == "butuh tinggi, akses rendah" == QUADRANT_LABELS[(True, False)][0]
    assert mid.loc[K1, "quadrant"] == "high need, low access"
    assert mid.loc[K2, "kuadran"] == "butuh rendah, akses tinggi"
    assert mid.loc[K3, "kuadran"] == "butuh tinggi, akses tinggi"
    # area means (unweighted): need (4+5+3+2+3)/5 = 3.4, access (2+2+2+4+3)/5 = 2.6
    # K3: need 3 < 3.4 -> low, access 3 >= 2.6 -> high.
    mean = _score(_single(answers)).kecamatan.set_index("kode")
    assert mean.loc[K3, "kuadran"] == "butuh rendah, akses tinggi"
    assert mean.loc[K1, "kuadran"] == "butuh tinggi, akses rendah"
    with pytest.raises(ConfigError, match="'median'"):
        _score(_single(answers), quadrant_reference="median")


def test_bad_input_is_named():
    long = _single(TWO)
    with pytest.raises(TableError, match="'butuh'"):
        _score(long.assign(dimensi=long["dimensi"].replace({"kebutuhan": "butuh"})))
    with pytest.raises(TableError, match=r"not numbers in 1\.0-5\.0"):
        _score(long.assign(nilai=long["nilai"].replace({5: 6})))
    with pytest.raises(TableError, match=r"\['nilai'\]"):
        _score(long.drop(columns="nilai"))
    with pytest.raises(TableError, match="repeat"):
        _score(pd.concat([long, long.iloc[:1]]))
    with pytest.raises(TableError, match="more than one kecamatan"):
        _score(long.assign(kode=[K1, K2] + [K1] * (len(long) - 2)))
    with pytest.raises(ConfigError, match="seed"):
        score_survey(long, seed=1.5)
    with pytest.raises(ConfigError, match="n_boot"):
        score_survey(long, seed=1, n_boot=0)


def test_unmatched_groups_warn_and_results_record_settings():
    with pytest.warns(UserWarning, match=K2):
        scores = _score(_single(TWO), groups=pd.Series({K1: "utara"}), illustrative=True)
    assert scores.groups["group"].unique().tolist() == ["utara"]
    assert scores.overall.loc["modal", "n_kebutuhan"] == 4  # K2 kept in the area means
    for frame in (scores.kecamatan, scores.groups, scores.overall, scores.reliability, scores.respondents):
        assert (frame["catatan_data"] == ILLUSTRATIVE_NOTE).all()
    payload = scores.to_dict()
    assert payload["result"] == "survey_scores"
    assert payload["statistics"]["modal_gap"] == pytest.approx(1.0)  # 3.5 - 2.5
    assert payload["settings"]["intervals"][0] == "1.00-1.80 sangat rendah / very low"
    table = scores.table()
    assert list(table.columns) == ["result", "section", "name", "value"]
    assert table.query("name == 'seed'")["value"].item() == 7


def test_default_intervals_are_the_studies_classes():
    assert [c[:2] for c in DEFAULT_INTERVALS] == [(1.0, 1.8), (1.81, 2.6), (2.61, 3.4), (3.41, 4.2), (4.21, 5.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = _score(_single(TWO))  # complete single-item data: no warning at all
    assert np.isnan(scores.reliability["cronbach_alpha"]).all()
    assert scores.reliability["note"].str.contains("single-item").all()
