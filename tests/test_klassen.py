import importlib
import warnings

import numpy as np
import pandas as pd
import pytest

from umkm_geo._errors import AnalysisError, ConfigError, TableError
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.stats import regional
from umkm_geo.stats.regional.typology import KLASSEN_LABELS, growth_rate, klassen

# --------------------------------------------------------------------------- Klassen typology

# Hand-worked Klassen typology, default references (unweighted means):
#   level:  P 8, Q 9, R 3, S 2, T 5.5 -> mean 27.5 / 5 = 5.5
#   growth: P 30, Q 5, R 25, S 0, T 15 -> mean 75 / 5 = 15
#   P: 8 >= 5.5 high, 30 >= 15 high -> I;  Q: high, 5 < 15 low -> II
#   R: 3 < 5.5 low, 25 high -> III;         S: low, low -> IV
#   T: 5.5 = 5.5 tie -> high, 15 = 15 tie -> high -> I
UNITS = pd.Index(list("PQRST"), name="kode")
LEVEL = pd.Series([8, 9, 3, 2, 5.5], index=UNITS, name="umkm_per_1000")
GROWTH = pd.Series([30, 5, 25, 0, 15], index=UNITS, name="umkm_change_pct")


def test_klassen_hand_worked_example():
    result = klassen(LEVEL, GROWTH)
    frame = result.frame()
    assert result.level_reference == 5.5
    assert result.growth_reference == 15.0
    assert frame["quadrant"].tolist() == ["I", "II", "III", "IV", "I"]
    assert frame.loc["Q", "label_id"] == "maju tapi tertekan"
    assert frame.loc["R", "label_en"] == "fast-developing"
    assert frame.loc["S", "label_id"] == "relatif tertinggal"
    assert frame.loc["T", "label_en"] == "developed and fast-growing"
    assert list(frame.index) == list(UNITS)
    assert result.counts().to_dict() == {"I": 2, "II": 1, "III": 1, "IV": 1}


def test_klassen_given_references():
    # level reference 9: only Q (tie) is high; growth reference 25: P (30) and R (tie) are high
    # P: low, high -> III; Q: high, low -> II; R: low, high -> III; S, T: low, low -> IV
    result = klassen(LEVEL, GROWTH, level_reference=9, growth_reference=25)
    assert result.frame()["quadrant"].tolist() == ["III", "II", "III", "IV", "IV"]
    assert result.settings["level_reference"] == "given"


def test_klassen_tie_survives_rounding_of_the_mean():
    # mean(0.01, 0.03, 0.14, 0.06) = 0.24 / 4 = 0.06 exactly, but in floating point the mean is
    # 0.060000000000000005 > 0.06; the unit at 0.06 still counts as a tie, i.e. high growth.
    growth = pd.Series([0.01, 0.03, 0.14, 0.06], index=list("abcd"))
    level = pd.Series([1.0, 1.0, 1.0, 1.0], index=list("abcd"))
    result = klassen(level, growth)
    assert result.frame()["high_growth"].tolist() == [False, False, True, True]


def test_klassen_missing_value_is_left_out():
    # without T the means are level 22/4 = 5.5 and growth 60/4 = 15: same quadrants for P..S
    growth = GROWTH.astype(float).where(GROWTH.index != "T")
    with pytest.warns(UserWarning, match=r"get no quadrant: T"):
        result = klassen(LEVEL, growth)
    frame = result.frame()
    assert frame["quadrant"].tolist()[:4] == ["I", "II", "III", "IV"]
    assert frame.loc["T", "quadrant"] is pd.NA
    assert result.growth_reference == 15.0
    assert result.to_dict()["statistics"]["n_unclassified"] == 1


def test_klassen_bad_input():
    with pytest.raises(AnalysisError, match="cover different units"):
        klassen(LEVEL, GROWTH.drop("T"))
    with pytest.raises(ConfigError, match="growth_reference must be a number"):
        klassen(LEVEL, GROWTH, growth_reference="15")
    with pytest.raises(AnalysisError, match="non-numeric values for \\['P'\\]"):
        klassen(LEVEL.astype(object).where(LEVEL.index != "P", "tinggi"), GROWTH)


def test_klassen_growth_aligned_by_unit_and_table_layout():
    result = klassen(LEVEL, GROWTH.iloc[::-1])
    assert result.frame()["quadrant"].tolist() == ["I", "II", "III", "IV", "I"]
    d = result.to_dict()
    assert d["result"] == "klassen"
    assert d["statistics"]["n_I"] == 2
    assert d["settings"]["labels"][0] == "I: maju dan tumbuh pesat / developed and fast-growing"
    assert "Klassen 1965; Sjafrizal 2008" in d["settings"]["definition"]
    assert tuple(result.table().columns) == RESULT_TABLE_COLUMNS
    assert set(KLASSEN_LABELS) == {"I", "II", "III", "IV"}


def test_growth_rate():
    # 120/100 - 1 = 0.2; 50/50 - 1 = 0; start 0 -> NaN; 30/40 - 1 = -0.25
    index = pd.Index(["a", "b", "c", "d"], name="kode")
    start = pd.Series([100, 50, 0, 40], index=index)
    end = pd.Series([30, 5, 50, 120], index=index[::-1])  # same units, other order
    with pytest.warns(UserWarning, match=r"start count is 0 for c"):
        rate = growth_rate(start, end)
    assert rate.name == "growth_rate"
    assert list(rate.index) == ["a", "b", "c", "d"]
    assert rate.tolist()[:2] == pytest.approx([0.2, 0.0])
    assert np.isnan(rate["c"])
    assert rate["d"] == pytest.approx(-0.25)
    with pytest.raises(TableError, match="counts_end has negative counts: a: -1"):
        growth_rate(start, pd.Series([-1, 5, 50, 120], index=index))
    with pytest.raises(AnalysisError, match="cover different units"):
        growth_rate(start, end.drop("a"))


def test_klassen_no_warning_on_clean_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = klassen(LEVEL, GROWTH)
        rate = growth_rate(LEVEL, LEVEL + 1)
    assert result.counts().sum() == 5
    assert rate["S"] == pytest.approx(0.5)  # 3 / 2 - 1


def test_regional_re_exports_the_klassen_names():
    # import_module: `import umkm_geo.stats.regional.typology as m` could give the function of that name
    module = importlib.import_module("umkm_geo.stats.regional.typology")
    assert set(module.__all__) <= set(regional.__all__)
    assert regional.klassen is klassen
    assert regional.growth_rate is growth_rate
