"""Tests of umkm_geo.tables.demo.survey: illustrative survey answers, FFA factors and products."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from umkm_geo._errors import ConfigError
from umkm_geo.stats.survey.products import mpe_ranking
from umkm_geo.tables.demo.counts import ILLUSTRATIVE_NOTE
from umkm_geo.tables.demo.survey import (
    _PRODUCTS,
    DEFAULT_ASPECTS,
    DEMO_MPE_WEIGHTS,
    demo_ffa_factors,
    demo_products,
    demo_responses,
)
from umkm_geo.tables.groups import blitar_grouping
from umkm_geo.tables.products import read_products
from umkm_geo.tables.responses import DIMENSIONS


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


def test_responses_ignore_the_grouping(plan, frame, responses):
    # The generator has no regional effect: it does not read wilayah at all, so the same seed gives
    # the same answers whatever the grouping says (or without one).
    swapped = frame.assign(wilayah=frame["wilayah"].map({"utara": "selatan", "selatan": "utara"}))
    pd.testing.assert_frame_equal(demo_responses(plan, swapped, seed=7), responses)
    pd.testing.assert_frame_equal(demo_responses(plan, frame.drop(columns="wilayah"), seed=7), responses)


def test_responses_have_no_group_effect_on_average(plan, frame):
    # Under the generator every kecamatan's expected need and access are the aspect levels, so the
    # expected south - north difference is 0 (the old demo planted +0.55 need and -0.55 access).
    # Averaged over 40 seeds the difference is noise: its sd is about 0.09 / sqrt(40) = 0.015.
    group = frame["wilayah"]
    diffs = []
    for seed in range(40):
        answers = demo_responses(plan, frame, seed=seed)
        wilayah = answers["kecamatan"].map(dict(zip(frame["nama"], group, strict=True)))
        for dimension in DIMENSIONS:
            means = answers.filter(like=f"_{dimension}_").mean(axis=1).groupby(wilayah).mean()
            diffs.append((dimension, means["selatan"] - means["utara"]))
    table = pd.DataFrame(diffs, columns=["dimension", "diff"]).groupby("dimension")["diff"].mean()
    assert table.abs().max() < 0.06, table
    # ...while one seed alone can differ by chance (that is what a LISA of the gap would then see).
    assert pd.DataFrame(diffs, columns=["dimension", "diff"])["diff"].abs().max() > 0.05


def test_responses_sectors_have_one_distribution(plan, frame):
    # Sectors are drawn from DEMO_SECTORS everywhere: the share of each sector in the south and in
    # the north both estimate the same mean share.
    from umkm_geo.tables.demo.counts import DEMO_SECTORS

    answers = pd.concat([demo_responses(plan, frame, seed=s) for s in range(10)])
    wilayah = answers["kecamatan"].map(dict(zip(frame["nama"], frame["wilayah"], strict=True)))
    shares = pd.crosstab(wilayah, answers["sektor"], normalize="index")
    for sector, share in DEMO_SECTORS.items():
        assert abs(shares.loc["selatan", sector] - share) < 0.04, sector
        assert abs(shares.loc["utara", sector] - share) < 0.03, sector


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
    # No factor is tied to a part of the area (the old demo had "Akses KUR terbatas di Blitar Selatan").
    assert not factors["faktor"].str.contains("Blitar Selatan|Blitar Utara|selatan|utara").any()
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
    assert set(products["produk"]) <= set(_PRODUCTS)
    assert (products["desa"] == "").all()  # no sentra invented


def test_products_ignore_names_and_grouping(frame):
    # The generator draws candidates and numbers without reading names or wilayah: renamed kecamatan
    # in another grouping get the same products and numbers (only the copied names change).
    products = demo_products(frame, seed=5)
    other = frame.assign(nama=[f"K{i}" for i in range(len(frame))], wilayah="selatan")
    renamed = demo_products(other, seed=5)
    numbers = [c for c in products.columns if c not in ("kecamatan",)]
    pd.testing.assert_frame_equal(renamed[numbers], products[numbers])


def test_products_have_no_planted_leader(frame):
    # Every candidate's ratings come from one distribution (mean 3), whichever product or kecamatan:
    # over 20 seeds the mean rating of each product is 3 up to noise (sd about 0.7 / sqrt(n) < 0.03).
    table = pd.concat([demo_products(frame, seed=s) for s in range(20)])
    criteria = [c for c in table.columns if c.startswith("kriteria_")]
    per_product = table.groupby("produk")[criteria].mean().mean(axis=1)
    assert (per_product - 3.0).abs().max() < 0.12, per_product
    wilayah = table["kode"].map(frame["wilayah"])
    per_group = table.groupby(wilayah)[criteria].mean().mean(axis=1)
    assert (per_group - 3.0).abs().max() < 0.08, per_group


def test_ffa_scores_favour_no_side():
    # Urgency and support are drawn uniformly from 2-5 for every factor: over 200 seeds the mean
    # of drivers and of restrainers are both 3.5 (sd about 1.12 / sqrt(1200) = 0.03).
    tables = [demo_ffa_factors(seed=s)[0] for s in range(200)]
    table = pd.concat(tables)
    means = table.groupby("jenis")[["urgensi", "dukungan"]].mean()
    np.testing.assert_allclose(means.to_numpy(), 3.5, atol=0.12)
    assert set(table["urgensi"]) == {2, 3, 4, 5}
