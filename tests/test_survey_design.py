"""Tests of umkm_geo.stats.survey.design: Slovin, Cochran and the allocation of the sample."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from umkm_geo._errors import AnalysisError, ConfigError, TableError
from umkm_geo.stats.survey.design import PLAN_COLUMNS, cochran, slovin, survey_plan
from umkm_geo.tables.demo.counts import ILLUSTRATIVE_NOTE


def test_slovin_hand_worked():
    # 1000 / (1 + 1000 * 0.01) = 1000 / 11 = 90.9 -> 91
    assert slovin(1000, 0.1) == 91
    # 400 / (1 + 400 * 0.0025) = 400 / 2 = 200 exactly: no rounding up past an exact integer
    assert slovin(400, 0.05) == 200
    # a tiny population: 1 / 1.01 = 0.99 -> 1, never more than N
    assert slovin(1, 0.1) == 1


def test_cochran_hand_worked():
    # z = 1.959964 (95%), z^2 = 3.841459; n0 = 3.841459 * 0.25 / 0.0025 = 384.146
    # n = 384.146 / (1 + 383.146 / 1000) = 384.146 / 1.383146 = 277.73 -> 278
    assert cochran(1000, 0.05) == 278
    # without a real correction (N huge) n tends to n0 = 384.15 -> 385
    assert cochran(10**9, 0.05) == 385
    # 90%: z = 1.644854, z^2 = 2.705543; n0 = 2.705543 * 0.25 / 0.01 = 67.64;
    # n = 67.64 / (1 + 66.64 / 500) = 67.64 / 1.13328 = 59.68 -> 60
    assert cochran(500, 0.1, confidence=0.90) == 60


@pytest.mark.parametrize(
    ("call", "text"),
    [
        (lambda: slovin(0, 0.1), "N = 0"),
        (lambda: slovin(100, 1.5), "e = 1.5"),
        (lambda: cochran(100, 0.1, p=1.0), "p = 1.0"),
        (lambda: cochran(100, 0.1, confidence=95), "95"),
    ],
)
def test_formula_arguments_checked(call, text):
    with pytest.raises(ConfigError, match=text):
        call()


def test_three_kecamatan_allocation_hand_worked():
    # N = 1000, Slovin e = 0.1 -> n = 91; quotas 91 * (0.6, 0.3, 0.1) = 54.6, 27.3, 9.1
    # floors 54, 27, 9 = 90; the 1 left goes to the largest remainder (0.6, kecamatan a) -> 55, 27, 9.
    counts = pd.Series({"35.05.01": 600, "35.05.02": 300, "35.05.03": 100})
    names = pd.Series({"35.05.01": "Wonodadi", "35.05.02": "Udanawu", "35.05.03": "Srengat", "35.05.04": "x"})
    plan = survey_plan(counts, e=0.1, minimum=2, names=names)
    t = plan.allocation
    assert list(t.columns) == list(PLAN_COLUMNS)
    assert t.index.name == "kode" and list(t.index) == list(counts.index)
    assert t["quota"].tolist() == [55, 27, 9]
    assert t["quota_proportional"].tolist() == [55, 27, 9]
    assert t["share"].tolist() == pytest.approx([0.6, 0.3, 0.1])
    assert t["kecamatan"].tolist() == ["Wonodadi", "Udanawu", "Srengat"]
    assert not t["n_min_applied"].any()
    assert plan.n == 91 and plan.settings["n_formula"] == 91 and plan.settings["n_added_for_minimum"] == 0
    assert plan.method == "slovin"


def test_minimum_adds_respondents_and_never_exceeds_n():
    # As above, but minimum 10: Srengat 9 -> 10, so n = 91 + 1 = 92 (nothing taken from the others).
    counts = pd.Series({"a": 600, "b": 300, "c": 100})
    with pytest.warns(UserWarning, match=r"added 1 respondents.*91 \+ 1 = 92"):
        plan = survey_plan(counts, minimum=10)
    assert plan.allocation["quota"].tolist() == [55, 27, 10]
    assert plan.allocation["n_min_applied"].tolist() == [False, False, True]
    assert plan.n == 92 == plan.allocation["quota"].sum()
    assert plan.to_dict()["statistics"]["n_added_for_minimum"] == 1
    # A kecamatan with 1 UMKM cannot give 5 respondents: 1001 / 11.01 = 90.9 -> 91;
    # quotas 90.91, 0.09 -> 91, 0; the minimum raises b to min(5, 1) = 1.
    with pytest.warns(UserWarning, match="added 1"):
        small = survey_plan(pd.Series({"a": 1000, "b": 1}), minimum=5)
    assert small.allocation["quota"].tolist() == [91, 1]
    assert (small.allocation["quota"] <= small.allocation["N"]).all()


def test_allocation_is_proportional_and_sums_to_n():
    rng = np.random.default_rng(5)
    counts = pd.Series(rng.integers(400, 3000, size=22), index=[f"35.05.{i:02d}" for i in range(1, 23)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the minimum of 2 is below every proportional quota here
        plan = survey_plan(counts, method="cochran", e=0.05, minimum=2)
    t = plan.allocation
    assert plan.n == t["quota"].sum() == cochran(int(counts.sum()), 0.05)
    exact = plan.n * counts / counts.sum()
    assert ((t["quota"] - exact).abs() < 1).all()
    assert plan.settings["z"] == pytest.approx(1.959964, abs=1e-6)


def test_ties_follow_order_or_seed():
    # 4 x 10 UMKM, e = 0.3: 40 / (1 + 3.6) = 8.70 -> 9; quotas 2.25 each: floors 8, one left, all tied.
    counts = pd.Series(10, index=list("abcd"))
    assert survey_plan(counts, e=0.3).allocation["quota"].tolist() == [3, 2, 2, 2]
    seeded = [survey_plan(counts, e=0.3, seed=s).allocation["quota"].tolist() for s in (1, 1, 2, 3, 4, 5)]
    assert seeded[0] == seeded[1]
    assert all(sum(q) == 9 and sorted(q) == [2, 2, 2, 3] for q in seeded)
    assert len({tuple(q) for q in seeded}) > 1


def test_zero_counts_and_bad_input():
    with pytest.warns(UserWarning, match=r"\['c'\] have no UMKM"):
        plan = survey_plan(pd.Series({"a": 50, "b": 50, "c": 0}), minimum=2)
    assert plan.allocation.loc["c", "quota"] == 0
    with pytest.raises(TableError, match="b: -3"):
        survey_plan(pd.Series({"a": 5, "b": -3}))
    with pytest.raises(TableError, match=r"b: 2\.5"):
        survey_plan(pd.Series({"a": 5, "b": 2.5}))
    with pytest.raises(AnalysisError, match="All UMKM counts are 0"):
        survey_plan(pd.Series({"a": 0}))
    with pytest.raises(ConfigError, match="'krejcie'"):
        survey_plan(pd.Series({"a": 5}), method="krejcie")
    with pytest.raises(ConfigError, match="minimum"):
        survey_plan(pd.Series({"a": 5}), minimum=-1)
    with pytest.raises(TableError, match=r"\['b'\]"):
        survey_plan(pd.Series({"a": 5, "b": 5}), names=pd.Series({"a": "A"}))


def test_fieldwork_table_and_result_interface():
    counts = pd.Series({"35.05.01": 600, "35.05.02": 300, "35.05.03": 100})
    names = pd.Series({"35.05.01": "Wonodadi", "35.05.02": "Udanawu", "35.05.03": "Srengat"})
    with pytest.warns(UserWarning):
        plan = survey_plan(counts, minimum=10, names=names, illustrative=True)
    sheet = plan.fieldwork_table()
    assert list(sheet.columns[:7]) == [
        "No",
        "Kode Kemendagri",
        "Kecamatan",
        "Jumlah UMKM (populasi)",
        "Target responden",
        "Responden tercapai",
        "Keterangan",
    ]
    assert sheet["Target responden"].tolist() == [55, 27, 10, 92]
    assert sheet.iloc[-1]["Kecamatan"] == "Jumlah" and sheet.iloc[-1]["Jumlah UMKM (populasi)"] == 1000
    assert sheet.loc[2, "Keterangan"] == "target dinaikkan ke minimum 10"
    assert (sheet["Catatan data"] == ILLUSTRATIVE_NOTE).all()
    english = plan.fieldwork_table("en", total=False)
    assert "Target respondents" in english.columns and len(english) == 3
    with pytest.raises(ConfigError, match="'fr'"):
        plan.fieldwork_table("fr")
    d = plan.to_dict()
    assert d["result"] == "survey_plan" and d["statistics"]["n"] == 92 and d["settings"]["minimum"] == 10
    long = plan.table()
    assert set(long["section"]) == {"statistic", "setting"}
    assert long[long["section"] == "statistic"].set_index("name").loc["n_formula", "value"] == 91
