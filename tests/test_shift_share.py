import importlib
import warnings

import numpy as np
import pandas as pd
import pytest

# the count-table builders of the location quotient tests, shared rather than copied
from test_location_quotient import _long, _wide
from umkm_geo._errors import AnalysisError, ConfigError, TableError
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.stats import regional
from umkm_geo.stats.regional.shiftshare import SHIFT_SHARE_COMPONENTS, SHIFT_SHARE_DEFINITION, shift_share

# --------------------------------------------------------------------------- shift-share

# Hand-worked shift-share, reference = sum of the units:
#
#            base (e)     end (e')
#            x     y      x     y
#   A      100    50    120    50
#   B      100    50    100    80
#   E      200   100    220   130     E = 300 -> E' = 350
#
# r_n = 350/300 - 1 = 1/6; r_nx = 220/200 - 1 = 0.1; r_ny = 130/100 - 1 = 0.3
# A,x: N = 100/6 = 16.667; M = 100*(0.1 - 1/6) = -6.667; r = 0.2, C = 100*(0.2-0.1) = 10;  D = 20
# A,y: N =  50/6 =  8.333; M =  50*(0.3 - 1/6) =  6.667; r = 0,   C =  50*(0-0.3)   = -15; D = 0
# B,x: N = 16.667;         M = -6.667;                 r = 0,   C = 100*(0-0.1)   = -10; D = 0
# B,y: N =  8.333;         M =  6.667;                 r = 0.6, C =  50*(0.6-0.3) = 15;  D = 30
# unit totals: A: N 25, M 0, C -5, D 20 (net shift -5); B: N 25, M 0, C 5, D 30 (net shift 5)
# sum_i C: x 10 - 10 = 0, y -15 + 15 = 0
SS_BASE = {"A": [100, 50], "B": [100, 50]}
SS_END = {"A": [120, 50], "B": [100, 80]}


def _ss_tables():
    return {2019: _wide(SS_BASE, sectors="xy"), 2020: _wide(SS_END, sectors="xy")}


def test_shift_share_hand_worked_example():
    result = shift_share(_long(_ss_tables()), base_year=2019, end_year=2020)
    c = result.components
    assert result.reference_growth == pytest.approx(1 / 6)
    assert c.loc[("A", "x"), ["national_share", "industry_mix", "competitive", "change"]].tolist() == pytest.approx(
        [100 / 6, -20 / 3, 10, 20]
    )
    assert c.loc[("A", "y"), ["national_share", "industry_mix", "competitive", "change"]].tolist() == pytest.approx(
        [50 / 6, 20 / 3, -15, 0]
    )
    assert c.loc[("B", "x"), "competitive"] == pytest.approx(-10)
    assert c.loc[("B", "y"), "competitive"] == pytest.approx(15)
    assert c.loc[("B", "y"), "growth"] == pytest.approx(0.6)
    assert c.loc[("B", "y"), "reference_growth"] == pytest.approx(0.3)
    units = result.units
    assert units.loc["A", ["national_share", "industry_mix", "competitive", "change", "net_shift"]].tolist() == (
        pytest.approx([25, 0, -5, 20, -5], abs=1e-12)
    )
    assert units.loc["B", ["national_share", "industry_mix", "competitive", "change", "net_shift"]].tolist() == (
        pytest.approx([25, 0, 5, 30, 5], abs=1e-12)
    )
    assert units["growth"].tolist() == pytest.approx([170 / 150 - 1, 0.2])  # (170, 180) over 150


def test_shift_share_identity_and_zero_competitive_sum_with_own_reference():
    rng = np.random.default_rng(11)
    base = pd.DataFrame(rng.integers(0, 60, size=(9, 4)), columns=list("abcd"))
    end = base + rng.integers(-5, 20, size=(9, 4)).clip(min=-base.to_numpy())
    result = shift_share({2019: base, 2020: end}, base_year=2019, end_year=2020)
    c = result.components
    np.testing.assert_allclose(c["national_share"] + c["industry_mix"] + c["competitive"], c["change"], atol=1e-9)
    np.testing.assert_allclose(result.wide("competitive").sum(axis=0), np.zeros(4), atol=1e-9)
    assert result.identity_error < 1e-9
    assert result.to_dict()["statistics"]["total_competitive"] == pytest.approx(0, abs=1e-9)


# Hand-worked shift-share against a given (provincial) reference, with a sector absent in the base:
#   reference x 1000 -> 1100 (r_nx 0.1), y 1000 -> 1200 (r_ny 0.2), E 2000 -> 2300 (r_n 0.15)
#   A: x 0 -> 10, y 40 -> 50;  B: x 20 -> 18, y 60 -> 84
# A,x: e = 0 -> N = 0, M = 0, C = e' = 10, D = 10
# A,y: N = 40*0.15 = 6; M = 40*(0.2-0.15) = 2; r = 0.25, C = 40*(0.25-0.2) = 2; D = 10
# B,x: N = 20*0.15 = 3; M = 20*(0.1-0.15) = -1; r = -0.1, C = 20*(-0.1-0.1) = -4; D = -2
# B,y: N = 60*0.15 = 9; M = 60*(0.2-0.15) = 3; r = 0.4, C = 60*(0.4-0.2) = 12; D = 24
# totals: A: N 6, M 2, C 12, D 20; B: N 12, M 2, C 8, D 22
PROVINCE = pd.DataFrame({2019: {"x": 1000, "y": 1000}, 2020: {"x": 1100, "y": 1200}})


def _province_tables():
    return {
        2019: _wide({"A": [0, 40], "B": [20, 60]}, sectors="xy"),
        2020: _wide({"A": [10, 50], "B": [18, 84]}, sectors="xy"),
    }


def test_shift_share_given_reference_and_zero_base():
    result = shift_share(_long(_province_tables()), base_year=2019, end_year=2020, reference=PROVINCE)
    c = result.components
    columns = ["national_share", "industry_mix", "competitive", "change"]
    assert c.loc[("A", "x"), columns].tolist() == pytest.approx([0, 0, 10, 10])
    assert np.isnan(c.loc[("A", "x"), "growth"])
    assert c.loc[("A", "y"), columns].tolist() == pytest.approx([6, 2, 2, 10])
    assert c.loc[("B", "x"), columns].tolist() == pytest.approx([3, -1, -4, -2])
    assert c.loc[("B", "y"), columns].tolist() == pytest.approx([9, 3, 12, 24])
    assert result.units.loc["A", columns].tolist() == pytest.approx([6, 2, 12, 20])
    assert result.units.loc["B", columns].tolist() == pytest.approx([12, 2, 8, 22])
    assert result.reference_growth == pytest.approx(0.15)
    assert result.settings["reference_totals_end"] == ["x=1100", "y=1200"]
    assert result.settings["definition"] == SHIFT_SHARE_DEFINITION
    assert "Dunn 1960; Stevens & Moore 1980" in result.settings["definition"]


def test_shift_share_reference_layouts_agree():
    tables = _province_tables()
    wide_ref = shift_share(tables, base_year=2019, end_year=2020, reference=PROVINCE)
    long_ref = PROVINCE.rename_axis("sektor").melt(ignore_index=False, var_name="tahun", value_name="jumlah")
    long_ref = long_ref.reset_index()
    from_long = shift_share(tables, base_year=2019, end_year=2020, reference=long_ref)
    from_series = shift_share(
        tables, base_year=2019, end_year=2020, reference=long_ref.set_index(["sektor", "tahun"])["jumlah"]
    )
    pd.testing.assert_frame_equal(wide_ref.components, from_long.components)
    pd.testing.assert_frame_equal(wide_ref.components, from_series.components)


def test_shift_share_mapping_and_long_inputs_agree():
    from_long = shift_share(_long(_ss_tables()), base_year=2019, end_year=2020)
    from_mapping = shift_share(_ss_tables(), base_year=2019, end_year=2020)
    pd.testing.assert_frame_equal(from_long.components, from_mapping.components)
    pd.testing.assert_frame_equal(from_long.units, from_mapping.units)


def test_shift_share_unit_absent_in_base_year():
    # C only appears in 2020 (x 5, y 0): its base counts are taken as 0, so C_Cx = e' = 5, N = M = 0
    tables = _ss_tables()
    tables[2020] = pd.concat([tables[2020], _wide({"C": [5, 0]}, sectors="xy")])
    with pytest.warns(UserWarning, match=r"taken as 0: C x 2019, C y 2019"):
        result = shift_share(_long(tables), base_year=2019, end_year=2020)
    assert result.components.loc[("C", "x"), ["national_share", "industry_mix", "competitive"]].tolist() == [0, 0, 5]
    assert np.isnan(result.units.loc["C", "growth"])
    assert list(result.units.index) == ["A", "B", "C"]


def test_shift_share_wide_view():
    result = shift_share(_ss_tables(), base_year=2019, end_year=2020)
    wide = result.wide("competitive")
    assert list(wide.columns) == ["x", "y"]
    assert wide.loc["A"].tolist() == pytest.approx([10, -15])
    with pytest.raises(ConfigError, match="Unknown shift-share column 'bogus'"):
        result.wide("bogus")


def test_shift_share_bad_input():
    long = _long(_ss_tables())
    with pytest.raises(ConfigError, match="must be before"):
        shift_share(long, base_year=2020, end_year=2019)
    with pytest.raises(TableError, match=r"year 2021; it has \[2019, 2020\]"):
        shift_share(long, base_year=2019, end_year=2021)
    with pytest.raises(TableError, match=r"no table for year\(s\) \[2018\]"):
        shift_share(_ss_tables(), base_year=2018, end_year=2020)
    with pytest.raises(TableError, match=r"no total for sector\(s\) \['y'\]"):
        shift_share(long, base_year=2019, end_year=2020, reference=PROVINCE.loc[["x"]])
    with pytest.raises(TableError, match=r"no totals for year\(s\) \[2019\]"):
        shift_share(long, base_year=2019, end_year=2020, reference=PROVINCE[[2020]])
    zero = pd.DataFrame({2019: {"x": 0, "y": 0}, 2020: {"x": 10, "y": 1200}})
    with pytest.raises(AnalysisError, match="reference total of 2019 is 0"):
        shift_share(long, base_year=2019, end_year=2020, reference=zero)
    zero_x = pd.DataFrame({2019: {"x": 0, "y": 1000}, 2020: {"x": 10, "y": 1200}})
    with pytest.raises(AnalysisError, match=r"\['x'\] have a reference total of 0 in 2019"):
        shift_share(long, base_year=2019, end_year=2020, reference=zero_x)
    with pytest.raises(TableError, match="negative: A x 2020"):
        shift_share(long.assign(jumlah=long["jumlah"].where(long.index != 4, -1)), base_year=2019, end_year=2020)


def test_shift_share_table_layout():
    result = shift_share(_ss_tables(), base_year=2019, end_year=2020)
    d = result.to_dict()
    assert d["result"] == "shift_share"
    assert d["statistics"]["total_change"] == pytest.approx(50)
    assert d["statistics"]["total_national_share"] == pytest.approx(50)  # 300 * 1/6
    assert d["settings"]["base_year"] == 2019
    assert tuple(result.table().columns) == RESULT_TABLE_COLUMNS


def test_shift_share_no_warning_on_clean_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = shift_share(_long(_ss_tables()), base_year=2019, end_year=2020)
    assert list(result.units.columns) == [*SHIFT_SHARE_COMPONENTS, "growth"]


def test_regional_re_exports_the_shift_share_names():
    # import_module: `import umkm_geo.stats.regional.shiftshare as m` could give the function of that name
    module = importlib.import_module("umkm_geo.stats.regional.shiftshare")
    assert set(module.__all__) <= set(regional.__all__)
    assert regional.shift_share is shift_share
    assert regional.SHIFT_SHARE_COMPONENTS is SHIFT_SHARE_COMPONENTS
