import numpy as np
import pandas as pd
import pytest

from umkm_geo.classify.symbology import SCHEMES, category_legend, scheme, significance_bands
from umkm_geo.stats.autocorrelation.local import CATEGORIES


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_every_scheme_colours_and_names_every_code_in_both_languages(name):
    sch = scheme(name)
    assert set(sch.colors) == set(sch.codes)
    assert len(set(sch.colors.values())) == len(sch.codes)
    for lang in ("id", "en"):
        assert set(sch.labels[lang]) == set(sch.codes)
        assert sch.title[lang]


@pytest.mark.parametrize(
    ("statistic", "name"), [("local_moran", "lisa"), ("local_gi_star", "gi_star"), ("local_geary", "local_geary")]
)
def test_local_statistic_labels_have_a_scheme(statistic, name):
    assert tuple(CATEGORIES[statistic]) == scheme(name).codes


def test_absent_categories_keep_their_row_and_colour():
    values = pd.Series(["hot", "hot", None], name="gi")
    entries = category_legend(values, "en", "gi_star")
    assert [e.key for e in entries] == ["hot", "cold", "ns", "island", "nodata"]
    assert [e.count for e in entries] == [2, 0, 0, 0, 1]
    assert entries[1].color == SCHEMES["gi_star"].colors["cold"]
    with pytest.raises(ValueError, match="Unknown gi_star categories \\['HH'\\]"):
        category_legend(pd.Series(["HH"]), "id", "gi_star")


def test_significance_bands_follow_the_p_value_cut_offs():
    p = pd.Series([0.0005, 0.001, 0.002, 0.01, 0.03, 0.05, 0.2, np.nan, np.nan])
    island = pd.Series([False] * 8 + [True])
    codes = significance_bands(p, island=island)
    assert list(codes) == ["p0001", "p0001", "p001", "p001", "p005", "p005", "ns", None, "island"]
