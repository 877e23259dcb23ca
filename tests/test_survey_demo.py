"""Tests of umkm_geo.survey.demo: illustrative survey answers, FFA factors and products."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from umkm_geo._errors import ConfigError
from umkm_geo.demo import ILLUSTRATIVE_NOTE
from umkm_geo.groups import blitar_grouping
from umkm_geo.survey.demo import (
    DEFAULT_ASPECTS,
    DEMO_MPE_WEIGHTS,
    DIMENSIONS,
    demo_ffa_factors,
    demo_products,
    demo_responses,
)
from umkm_geo.survey.products import mpe_ranking, read_products


@pytest.fixture(scope="module")
def frame(blitar):
    out = blitar.frame.drop(columns="geometry")
    out["wilayah"] = blitar_grouping().groups.reindex(out.index)
    return out


@pytest.fixture(scope="module")
def plan(frame):
    return pd.Series(20, index=frame.index)


@pytest.fixture(scope="module")
def responses(plan, frame):
    return demo_responses(plan, frame, seed=7)


def _alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha, textbook formula: k / (k - 1) * (1 - sum of item variances / variance of the total)."""
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))


def test_alpha_helper_on_a_hand_worked_example():
    # x = (1, 2, 3), y = (1, 2, 3): variances 1 and 1, total (2, 4, 6) variance 4; alpha = 2 * (1 - 2/4) = 1.
    # x = (1, 2, 3), y = (2, 2, 3): variances 1 and 1/3, total (3, 4, 6) variance 7/3;
    # alpha = 2 * (1 - (4/3) / (7/3)) = 2 * 3/7 = 6/7.
    assert _alpha(pd.DataFrame({"x": [1, 2, 3], "y": [1, 2, 3]})) == pytest.approx(1.0)
    assert _alpha(pd.DataFrame({"x": [1, 2, 3], "y": [2, 2, 3]})) == pytest.approx(6 / 7)


def test_responses_layout_and_range(responses, frame, plan):
    items = [f"{a}_{d}_{i}" for a in DEFAULT_ASPECTS for d in DIMENSIONS for i in (1, 2, 3)]
    assert responses.columns.tolist() == ["responden", "kecamatan", "kab_kota", "sektor", *items, "keterangan"]
    assert len(responses) == int(plan.sum())
    assert responses["responden"].is_unique
    assert set(responses["kecamatan"]) == set(frame["nama"])
    values = responses[items].to_numpy()
    assert values.min() >= 1 and values.max() <= 5
    assert np.issubdtype(values.dtype, np.integer)
    assert (responses["keterangan"] == ILLUSTRATIVE_NOTE).all()
    assert responses.groupby("kecamatan").size().eq(20).all()


def test_responses_are_reproducible(plan, frame, responses):
    pd.testing.assert_frame_equal(demo_responses(plan, frame, seed=7), responses)
    other = demo_responses(plan, frame, seed=8)
    assert not other.equals(responses)


def test_south_needs_more_and_reaches_less(responses, frame):
    wilayah = responses["kecamatan"].map(dict(zip(frame["nama"], frame["wilayah"], strict=True)))
    need = responses.filter(like="_kebutuhan_").mean(axis=1).groupby(wilayah).mean()
    access = responses.filter(like="_akses_").mean(axis=1).groupby(wilayah).mean()
    assert need["selatan"] > need["utara"]
    assert access["selatan"] < access["utara"]


def test_each_scale_has_a_realistic_alpha(responses):
    for aspect in DEFAULT_ASPECTS:
        for dimension in DIMENSIONS:
            alpha = _alpha(responses.filter(regex=f"^{aspect}_{dimension}_\\d+$"))
            assert 0.6 < alpha < 0.95, (aspect, dimension, alpha)


def test_responses_options_and_errors(frame):
    plan = pd.Series({"35.05.01": 3, "35.72.01": 0})
    out = demo_responses(plan, frame, seed=1, aspects=("modal", "lahan"), items=4)
    assert len(out) == 3
    assert "lahan_akses_4" in out.columns and "digital_akses_1" not in out.columns
    with pytest.raises(ConfigError, match="not in the study area"):
        demo_responses(pd.Series({"99.99.99": 3}), frame, seed=1)
    with pytest.raises(ConfigError, match="non-negative whole number"):
        demo_responses(pd.Series({"35.05.01": 2.5}), frame, seed=1)
    with pytest.raises(ConfigError, match="Aspects"):
        demo_responses(plan, frame, seed=1, aspects=("modal", "rente"))
    with pytest.raises(ConfigError, match="items"):
        demo_responses(plan, frame, seed=1, items=5)


def test_ffa_factors_shape_and_scores():
    factors, linkage = demo_ffa_factors(seed=3)
    assert len(factors) == 12
    assert (factors["jenis"] == "pendorong").sum() == 6 and (factors["jenis"] == "penghambat").sum() == 6
    assert set(factors.loc[factors["jenis"] == "pendorong", "sumber"]) == {"kekuatan", "peluang"}
    assert set(factors.loc[factors["jenis"] == "penghambat", "sumber"]) == {"kelemahan", "ancaman"}
    assert factors["urgensi"].between(1, 5).all() and factors["dukungan"].between(1, 5).all()
    assert "Akses KUR terbatas di Blitar Selatan" in factors["faktor"].tolist()
    assert (factors["keterangan"] == ILLUSTRATIVE_NOTE).all()
    assert linkage.index.tolist() == factors["kode"].tolist() == linkage.columns.tolist()
    matrix = linkage.to_numpy()
    assert np.isnan(np.diag(matrix)).all()
    off = matrix[~np.eye(12, dtype=bool)]
    assert off.min() >= 1 and off.max() <= 5
    np.testing.assert_array_equal(np.nan_to_num(matrix), np.nan_to_num(matrix.T))
    again = demo_ffa_factors(seed=3)
    pd.testing.assert_frame_equal(again[0], factors)
    pd.testing.assert_frame_equal(again[1], linkage)


def test_products_are_valid_and_reproducible(frame):
    products = demo_products(frame, seed=5)
    pd.testing.assert_frame_equal(demo_products(frame, seed=5), products)
    counts = products.groupby("kode").size()
    assert set(counts.index) == set(frame.index)
    assert counts.between(3, 4).all()
    assert (products["keterangan"] == ILLUSTRATIVE_NOTE).all()
    table = read_products(products, units=frame)
    assert len(table) == len(products)
    assert table.attrs["scale"] == 5
    assert table["kode"].tolist() == products["kode"].tolist()
    criteria = [c for c in products.columns if c.startswith("kriteria_")]
    assert [c.removeprefix("kriteria_") for c in criteria] == list(DEMO_MPE_WEIGHTS)
    result = mpe_ranking(table, weights=DEMO_MPE_WEIGHTS)
    assert result.scores["kode"].nunique() == len(frame)
    wonotirto = products[products["kecamatan"] == "Wonotirto"]
    assert wonotirto["produk"].str.startswith("Olahan ikan").any()
    assert "Tambakrejo" in wonotirto["desa"].tolist()
