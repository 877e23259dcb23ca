import importlib
import warnings

import numpy as np
import pandas as pd
import pytest

from umkm_geo._errors import AnalysisError, ConfigError, TableError
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.stats import regional
from umkm_geo.stats.regional.lq import LQ_DEFINITION, location_quotient

# --------------------------------------------------------------------------- helpers


def _wide(rows, sectors=("x", "y", "z"), name="kode"):
    """Wide count table from {unit: [counts...]}."""
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(sectors)).rename_axis(name)


def _long(tables):
    """Long table kode, sektor, tahun, jumlah from {year: wide}."""
    parts = []
    for year, wide in tables.items():
        part = wide.stack().rename("jumlah").reset_index()
        part.columns = ["kode", "sektor", "jumlah"]
        part["tahun"] = year
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)[["kode", "sektor", "tahun", "jumlah"]]
    out["tahun"] = out["tahun"].astype("Int64")
    return out


# Hand-worked location quotient example: 3 units x 3 sectors.
#
#          x    y    z   e_i
#   A     10   20   10    40
#   B     30   10   20    60
#   C      0   10   90   100
#   E_j   40   40  120   E = 200  -> reference shares E_j/E = 0.2, 0.2, 0.6
#
# LQ_Ax = (10/40)/0.2 = 1.25     LQ_Ay = (20/40)/0.2 = 2.5     LQ_Az = (10/40)/0.6 = 5/12
# LQ_Bx = (30/60)/0.2 = 2.5      LQ_By = (10/60)/0.2 = 5/6     LQ_Bz = (20/60)/0.6 = 5/9
# LQ_Cx = 0/0.2       = 0        LQ_Cy = (10/100)/0.2 = 0.5    LQ_Cz = (90/100)/0.6 = 1.5
# basis (LQ > 1): A -> x, y (2); B -> x (1); C -> z (1)
# identity, sector x: sum_i (e_i/E) LQ_ix = 0.2*1.25 + 0.3*2.5 + 0.5*0 = 0.25 + 0.75 = 1
LQ_COUNTS = {"A": [10, 20, 10], "B": [30, 10, 20], "C": [0, 10, 90]}
LQ_EXPECTED = {
    "A": [1.25, 2.5, 5 / 12],
    "B": [2.5, 5 / 6, 5 / 9],
    "C": [0.0, 0.5, 1.5],
}


# --------------------------------------------------------------------------- location quotient


def test_lq_hand_worked_example():
    result = location_quotient(_wide(LQ_COUNTS))
    expected = _wide(LQ_EXPECTED)
    pd.testing.assert_frame_equal(result.lq, expected, check_exact=False, rtol=1e-12)
    assert result.units["total"].tolist() == [40.0, 60.0, 100.0]
    assert result.units["n_basis"].tolist() == [2, 1, 1]
    assert result.units["basis_sectors"].tolist() == ["x; y", "x", "z"]
    assert result.basis.index.names == ["kode", "sektor"]
    assert result.basis.loc[("A", "x"), "jumlah"] == 10
    assert result.basis["basis"].tolist() == [True, True, False, True, False, False, False, False, True]
    assert result.reference.tolist() == [40.0, 40.0, 120.0]
    assert result.year is None


def test_lq_weighted_mean_of_each_sector_is_one():
    # sum_i e_ij = E_j  =>  sum_i (e_i / E) * LQ_ij = sum_i e_ij / E_j = 1 for every sector j
    counts = _wide(LQ_COUNTS)
    result = location_quotient(counts)
    weights = counts.sum(axis=1) / counts.to_numpy().sum()
    np.testing.assert_allclose(result.lq.mul(weights, axis=0).sum(axis=0), [1.0, 1.0, 1.0], rtol=1e-12)
    # and on a bigger table (8 units x 5 sectors)
    rng = np.random.default_rng(7)
    big = pd.DataFrame(rng.integers(1, 50, size=(8, 5)), columns=list("abcde"))
    lq = location_quotient(big).lq
    np.testing.assert_allclose(lq.mul(big.sum(axis=1) / big.to_numpy().sum(), axis=0).sum(), np.ones(5), rtol=1e-12)


def test_lq_unit_with_the_reference_composition_has_lq_one_and_no_basis():
    # D = 20, 20, 60 has the shares 0.2, 0.2, 0.6 of A+B+C; the new totals 60, 60, 180 keep
    # those shares, so A, B and C keep their LQs and LQ_D = 0.2/0.2 = 0.6/0.6 = 1 (not basis).
    result = location_quotient(_wide({**LQ_COUNTS, "D": [20, 20, 60]}))
    assert result.lq.loc["D"].tolist() == pytest.approx([1.0, 1.0, 1.0], rel=1e-12)
    assert result.units.loc["D", "n_basis"] == 0
    assert result.units.loc["D", "basis_sectors"] == ""
    assert result.lq.loc["A", "y"] == pytest.approx(2.5)


def test_lq_given_reference():
    # province: x 100, y 300, z 600, E = 1000 -> shares 0.1, 0.3, 0.6
    # LQ_Ax = 0.25/0.1 = 2.5; LQ_Ay = 0.5/0.3 = 5/3; LQ_Az = 0.25/0.6 = 5/12
    # LQ_Cy = 0.1/0.3 = 1/3; LQ_Cz = 0.9/0.6 = 1.5
    province = pd.Series({"z": 600, "x": 100, "y": 300}, name="Jawa Timur")
    result = location_quotient(_wide(LQ_COUNTS), reference=province)
    assert result.lq.loc["A"].tolist() == pytest.approx([2.5, 5 / 3, 5 / 12])
    assert result.lq.loc["C"].tolist() == pytest.approx([0.0, 1 / 3, 1.5])
    assert result.settings["reference"] == "given: Jawa Timur"
    assert result.settings["reference_totals"] == ["x=100", "y=300", "z=600"]


def test_lq_reference_with_extra_sector_warns_and_missing_sector_raises():
    with pytest.warns(UserWarning, match=r"\['w'\].*left out"):
        result = location_quotient(_wide(LQ_COUNTS), reference=pd.Series({"x": 100, "y": 300, "z": 600, "w": 5}))
    assert result.lq.loc["A", "x"] == pytest.approx(2.5)  # E = 1000, not 1005
    with pytest.raises(TableError, match=r"sector\(s\) \['z'\]"):
        location_quotient(_wide(LQ_COUNTS), reference=pd.Series({"x": 100, "y": 300}))
    with pytest.raises(TableError, match="negative"):
        location_quotient(_wide(LQ_COUNTS), reference=pd.Series({"x": 100, "y": -3, "z": 6}))


def test_lq_long_table_picks_the_year():
    other = _wide({"A": [1, 1, 1], "B": [5, 1, 1], "C": [1, 1, 9]})
    long = _long({2019: other, 2020: _wide(LQ_COUNTS)})
    result = location_quotient(long, year=2020)
    pd.testing.assert_frame_equal(result.lq, _wide(LQ_EXPECTED), check_exact=False, rtol=1e-12)
    assert result.year == 2020
    assert result.settings["year"] == 2020
    with pytest.raises(ConfigError, match=r"several years \[2019, 2020\]; pass year="):
        location_quotient(long)
    with pytest.raises(TableError, match=r"year 2018; it has \[2019, 2020\]"):
        location_quotient(long, year=2018)


def test_lq_unit_without_counts_is_nan_with_warning():
    with pytest.warns(UserWarning, match=r"no UMKM in any sector; their LQ is NaN: D"):
        result = location_quotient(_wide({**LQ_COUNTS, "D": [0, 0, 0]}))
    assert result.lq.loc["D"].isna().all()
    assert result.units.loc["D", "n_basis"] is pd.NA
    assert result.basis.loc["D", "basis"].isna().all()
    assert result.lq.loc["B", "x"] == pytest.approx(2.5)  # others unchanged
    assert result.to_dict()["statistics"]["n_units_without_counts"] == 1


def test_lq_missing_counts_are_zero_with_warning():
    long = _long({2020: _wide(LQ_COUNTS)})
    long = long[~((long["kode"] == "C") & (long["sektor"] == "x"))]  # C x was 0
    with pytest.warns(UserWarning, match=r"taken as 0: C x 2020"):
        result = location_quotient(long)
    assert result.lq.loc["C", "x"] == 0.0
    assert result.lq.loc["A", "x"] == pytest.approx(1.25)


def test_lq_total_sector_is_checked_and_left_out():
    wide = _wide(LQ_COUNTS).assign(total=[40, 60, 100])
    result = location_quotient(wide)
    assert list(result.lq.columns) == ["x", "y", "z"]
    assert result.settings["total_sector"].startswith("checked")
    with pytest.raises(TableError, match=r"B: total 61 vs sectors 60"):
        location_quotient(_wide(LQ_COUNTS).assign(total=[40, 61, 100]))


@pytest.mark.parametrize(
    ("change", "error", "pattern"),
    [
        (lambda d: d.assign(jumlah=d["jumlah"].where(d.index != 4, -3)), TableError, r"negative: B y 2020: -3"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), TableError, r"same unit x sector x year: A x 2020"),
        (lambda d: d.assign(jumlah=d["jumlah"].astype(object).where(d.index != 1, "12a")), TableError, "A y 2020"),
        (lambda d: d[d["sektor"] == "x"], AnalysisError, "at least two sectors"),
    ],
)
def test_lq_bad_input(change, error, pattern):
    with pytest.raises(error, match=pattern):
        location_quotient(change(_long({2020: _wide(LQ_COUNTS)})))


def test_lq_bad_wide_input():
    with pytest.raises(TableError, match=r"negative: C z: -1"):
        location_quotient(_wide({"A": [1, 2, 3], "C": [1, 2, -1]}))
    with pytest.raises(TableError, match=r"duplicated units \(index\): A"):
        location_quotient(pd.DataFrame([[1, 2], [3, 4]], index=["A", "A"], columns=["x", "y"]))
    with pytest.raises(ConfigError, match="year must be an integer"):
        location_quotient(_wide(LQ_COUNTS), year="2020")


def test_lq_to_dict_and_table():
    result = location_quotient(_wide(LQ_COUNTS))
    d = result.to_dict()
    assert d["result"] == "location_quotient"
    assert d["statistics"]["n_basis_units_x"] == 2  # A and B
    assert d["statistics"]["n_basis_units_z"] == 1  # C
    assert d["settings"]["definition"] == LQ_DEFINITION
    assert "Isard 1960" in d["settings"]["definition"]
    assert "numpy_version" in d["settings"]
    table = result.table()
    assert tuple(table.columns) == RESULT_TABLE_COLUMNS
    assert table.set_index("name").loc["reference_totals", "value"] == "x=40; y=40; z=120"


def test_lq_reads_a_year_of_a_mapping_of_wide_tables():
    # {year: wide} is read like the long table: the LQs of 2020 are those of the hand-worked example
    other = _wide({"A": [1, 1, 1], "B": [5, 1, 1], "C": [1, 1, 9]})
    result = location_quotient({2019: other, 2020: _wide(LQ_COUNTS)}, year=2020)
    pd.testing.assert_frame_equal(result.lq, _wide(LQ_EXPECTED), check_exact=False, rtol=1e-12)
    assert result.year == 2020
    assert result.units["n_basis"].tolist() == [2, 1, 1]
    with pytest.raises(TableError, match=r"no table for year\(s\) \[2018\]; it has \[2019, 2020\]"):
        location_quotient({2019: other, 2020: _wide(LQ_COUNTS)}, year=2018)


def test_lq_no_warning_on_clean_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = location_quotient(_long({2020: _wide(LQ_COUNTS)}))
    assert result.year == 2020


def test_regional_re_exports_the_lq_names():
    # import_module: `import umkm_geo.stats.regional.lq as m` could give the function of that name
    module = importlib.import_module("umkm_geo.stats.regional.lq")
    assert set(module.__all__) <= set(regional.__all__)
    assert regional.location_quotient is location_quotient
    assert regional.LQ_DEFINITION is LQ_DEFINITION
