"""Tests of umkm_geo.stats.ffa (Force Field Analysis) and its diagram."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import FancyArrow

from umkm_geo._errors import AnalysisError, TableError
from umkm_geo.render.static._layout import GID_STAMP
from umkm_geo.render.static.ffa_diagram import GID_ARROW, GID_CENTRE, GID_LABEL, ffa_figure
from umkm_geo.render.static.save import save_figure
from umkm_geo.stats.ffa import FACTOR_COLUMNS, force_field, strategy_table
from umkm_geo.tables.demo.counts import ILLUSTRATIVE_NOTE
from umkm_geo.tables.ffa_factors import read_factors, read_matrix

CODES = ["D1", "D2", "D3", "R1", "R2", "R3"]

# Hand-worked example (3 driving + 3 restraining factors).
# Urgency NU: D 5, 3, 2 (sum 10) -> BF 0.5, 0.3, 0.2;  R 4, 4, 2 (sum 10) -> BF 0.4, 0.4, 0.2.
# Support ND: D 4, 5, 3 -> NBD = ND x BF = 2.0, 1.5, 0.6;  R 3, 4, 2 -> NBD = 1.2, 1.6, 0.4.
# Linkage (symmetric; rows below, diagonal ignored), NRK = row sum / 5 other factors:
#   D1: 4 3 5 4 4 = 20 -> 4.0     D2: 4 2 3 3 3 = 15 -> 3.0     D3: 3 2 2 3 2 = 12 -> 2.4
#   R1: 5 3 2 4 1 = 15 -> 3.0     R2: 4 3 3 4 2 = 16 -> 3.2     R3: 4 3 2 1 2 = 12 -> 2.4
# NBK = NRK x BF: D 2.0, 0.9, 0.48;  R 1.2, 1.28, 0.48.
# TNB = NBD + NBK: D 4.0, 2.4, 1.08;  R 2.4, 2.88, 0.88.
# Ranks: D1 1, D2 2, D3 3;  R2 1, R1 2, R3 3.  FKK: D1 and R2.
# Balance: sum D = 7.48, sum R = 6.16, difference 1.32, ratio 7.48 / 6.16 = 1.2142857142857...
LINKAGE = [
    [np.nan, 4, 3, 5, 4, 4],
    [4, np.nan, 2, 3, 3, 3],
    [3, 2, np.nan, 2, 3, 2],
    [5, 3, 2, np.nan, 4, 1],
    [4, 3, 3, 4, np.nan, 2],
    [4, 3, 2, 1, 2, np.nan],
]
EXPECTED = pd.DataFrame(
    {
        "NU": [5, 3, 2, 4, 4, 2],
        "BF": [0.5, 0.3, 0.2, 0.4, 0.4, 0.2],
        "ND": [4, 5, 3, 3, 4, 2],
        "NBD": [2.0, 1.5, 0.6, 1.2, 1.6, 0.4],
        "NRK": [4.0, 3.0, 2.4, 3.0, 3.2, 2.4],
        "NBK": [2.0, 0.9, 0.48, 1.2, 1.28, 0.48],
        "TNB": [4.0, 2.4, 1.08, 2.4, 2.88, 0.88],
        "peringkat": [1, 2, 3, 2, 1, 3],
    },
    index=CODES,
)


def _factors(**changes) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "kode": CODES,
            "faktor": [
                "Permintaan pasar lokal yang tumbuh",
                "Program KUR",
                "Jaringan koperasi",
                "Modal kerja terbatas",
                "Perizinan berbelit dan lambat untuk usaha mikro di desa",
                "Persaingan produk luar daerah",
            ],
            "sumber": ["peluang", "peluang", "kekuatan", "kelemahan", "ancaman", "ancaman"],
            "urgensi": [5, 3, 2, 4, 4, 2],
            "dukungan": [4, 5, 3, 3, 4, 2],
        }
    )
    for column, value in changes.items():
        table[column] = value
    return table


def _linkage() -> pd.DataFrame:
    return pd.DataFrame(LINKAGE, index=CODES, columns=CODES)


def test_hand_worked_example_value_by_value():
    result = force_field(_factors(), linkage=_linkage())
    f = result.factors
    assert list(f.columns) == list(FACTOR_COLUMNS)
    # Ranked: driving side first by rank, then restraining by rank.
    assert list(f.index) == ["D1", "D2", "D3", "R2", "R1", "R3"]
    got = f.loc[CODES]
    for column in ("NU", "BF", "ND", "NBD", "NRK", "NBK", "TNB"):
        np.testing.assert_allclose(got[column].to_numpy(), EXPECTED[column].to_numpy(), rtol=0, atol=1e-9)
    assert got["peringkat"].tolist() == EXPECTED["peringkat"].tolist()
    assert list(f.index[f["FKK"]]) == ["D1", "R2"]
    assert list(result.key_factors.index) == ["D1", "R2"]
    assert f.loc["D1", "jenis"] == "pendorong" and f.loc["R2", "jenis"] == "penghambat"
    b = result.balance
    assert b.pendorong == pytest.approx(7.48, abs=1e-9)
    assert b.penghambat == pytest.approx(6.16, abs=1e-9)
    assert b.selisih == pytest.approx(1.32, abs=1e-9)
    assert b.rasio == pytest.approx(7.48 / 6.16, abs=1e-9)
    assert b.dominan == "pendorong"
    assert "ΣTNB = 7,480" in b.sentence("id") and "lebih besar daripada" in b.sentence("id")
    assert "ΣTNB = 7.480" in b.sentence("en") and "outweigh" in b.sentence("en")


def test_result_dict_and_table_record_settings():
    result = force_field(_factors(), linkage=_linkage())
    d = result.to_dict()
    json.dumps(d)  # JSON-friendly
    assert d["result"] == "force_field"
    assert d["statistics"]["fkk_pendorong"] == ["D1"]
    assert d["statistics"]["fkk_penghambat"] == ["R2"]
    assert d["statistics"]["TNB_R2"] == pytest.approx(2.88)
    assert d["settings"]["urgency"] == "direct"
    assert d["settings"]["linkage"] == "table"
    assert d["settings"]["n_pendorong"] == 3 and d["settings"]["n_penghambat"] == 3
    assert "numpy_version" in d["settings"]
    table = result.table()
    assert list(table.columns) == ["result", "section", "name", "value"]
    assert table.loc[table["name"] == "fkk_penghambat", "value"].item() == "R2"


def test_strategy_table_orders_all_factors_by_tnb_with_ties():
    result = force_field(_factors(), linkage=_linkage())
    s = strategy_table(result)
    # TNB: D1 4.0 > R2 2.88 > D2 2.4 = R1 2.4 > D3 1.08 > R3 0.88 (D2 and R1 tie at rank 3).
    assert list(s.index) == ["D1", "R2", "D2", "R1", "D3", "R3"]
    assert s["peringkat"].tolist() == [1, 2, 3, 3, 5, 6]
    assert s["jenis"].tolist() == ["pendorong", "penghambat", "pendorong", "penghambat", "pendorong", "penghambat"]
    assert s["peringkat_sisi"].tolist() == [1, 1, 2, 2, 3, 3]
    assert s["FKK"].tolist() == [True, True, False, False, False, False]
    assert "keterangan" not in s


def test_illustrative_tables_say_so():
    result = force_field(_factors(), linkage=_linkage(), illustrative=True)
    assert (result.factors["keterangan"] == ILLUSTRATIVE_NOTE).all()
    assert (strategy_table(result)["keterangan"] == ILLUSTRATIVE_NOTE).all()
    assert result.settings["illustrative"] is True


def test_ties_make_several_key_factors():
    # R1 and R2 both NU 4 (BF 0.4), ND 4, NRK 3 -> TNB 0.4*4 + 0.4*3 = 2.8 each: both FKK, both rank 1.
    f = _factors(dukungan=[4, 5, 3, 4, 4, 2], nrk=[4, 3, 2.4, 3, 3, 2.4])
    result = force_field(f)
    assert result.settings["linkage"] == "column nrk"
    assert list(result.key_factors.index) == ["D1", "R1", "R2"]
    assert result.factors.loc[["R1", "R2"], "peringkat"].tolist() == [1, 1]
    assert result.factors.loc["R3", "peringkat"] == 3


def test_pairwise_urgency_counts_wins_within_side():
    # Driving (upper triangle only): D1>D2, D1>D3, D3>D2 -> wins D1 2, D2 0, D3 1; BF 2/3, 0, 1/3.
    # Restraining (full): R1>R2, R2>R3, R3>R1 -> one win each; BF 1/3 each.
    pair = pd.DataFrame(np.nan, index=CODES, columns=CODES)
    pair.loc["D1", "D2"], pair.loc["D1", "D3"], pair.loc["D2", "D3"] = 1, 1, 0
    for a, b in (("R1", "R2"), ("R2", "R3"), ("R3", "R1")):
        pair.loc[a, b], pair.loc[b, a] = 1, 0
    factors = _factors().drop(columns="urgensi")
    result = force_field(factors, pairwise=pair, linkage=_linkage())
    f = result.factors.loc[CODES]
    assert f["NU"].tolist() == [2, 0, 1, 1, 1, 1]
    np.testing.assert_allclose(f["BF"], [2 / 3, 0, 1 / 3, 1 / 3, 1 / 3, 1 / 3], atol=1e-12)
    # D1: NBD 4 * 2/3, NBK 4.0 * 2/3 -> TNB 16/3; D2 gets weight 0 -> TNB 0.
    assert f.loc["D1", "TNB"] == pytest.approx(16 / 3, abs=1e-9)
    assert f.loc["D2", "TNB"] == 0
    assert result.settings["urgency"] == "pairwise"
    assert result.settings["pairwise_cells_complemented"] == 3
    # The same comparisons given as one table per side give the same result.
    sides = {"pendorong": pair.loc[CODES[:3], CODES[:3]], "penghambat": pair.loc[CODES[3:], CODES[3:]]}
    again = force_field(factors, pairwise=sides, linkage=_linkage())
    pd.testing.assert_frame_equal(again.factors, result.factors)


def test_pairwise_with_urgensi_column_warns_and_cross_side_cells_warn():
    pair = pd.DataFrame(np.nan, index=CODES, columns=CODES)
    for a, b in (("D1", "D2"), ("D1", "D3"), ("D2", "D3"), ("R1", "R2"), ("R1", "R3"), ("R2", "R3")):
        pair.loc[a, b] = 1
    pair.loc["D1", "R1"] = 1
    with pytest.warns(UserWarning) as record:
        result = force_field(_factors(), pairwise=pair, linkage=_linkage())
    text = " ".join(str(w.message) for w in record)
    assert "urgensi column was ignored" in text
    assert "1 filled cell(s) comparing a driving with a restraining factor" in text
    assert result.factors.loc[CODES, "NU"].tolist() == [2, 1, 0, 2, 1, 0]


def test_linkage_mirror_fill_warns_and_matches():
    half = _linkage()
    for i in range(6):
        for j in range(i):
            half.iat[i, j] = np.nan  # keep the upper triangle only
    with pytest.warns(UserWarning, match="15 blank cell"):
        result = force_field(_factors(), linkage=half)
    np.testing.assert_allclose(result.factors.loc[CODES, "NRK"], EXPECTED["NRK"], atol=1e-12)


def test_read_factors_and_matrix_from_csv(tmp_path):
    path = tmp_path / "faktor.csv"
    _factors().rename(columns={"kode": "Kode", "dukungan": "ND"}).to_csv(path, index=False)
    link_path = tmp_path / "keterkaitan.csv"
    _linkage().to_csv(link_path, index_label="kode")
    table = read_factors(path)
    assert list(table.index) == CODES
    assert table["jenis"].tolist() == ["pendorong"] * 3 + ["penghambat"] * 3
    linkage = read_matrix(link_path)
    assert linkage.shape == (6, 6) and np.isnan(linkage.loc["D1", "D1"])
    result = force_field(path, linkage=link_path)
    again = force_field(table, linkage=linkage)  # read_factors output (indexed by kode) is accepted
    pd.testing.assert_frame_equal(again.factors, result.factors)
    np.testing.assert_allclose(result.factors.loc[CODES, "TNB"], EXPECTED["TNB"], atol=1e-9)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"dukungan": [4, 6, 3, 3, 4, 2]}, "row 3 (factor D2): dukungan = 6 is outside 1-5"),
        ({"urgensi": [5, 3, 0, 4, 4, 2]}, "row 4 (factor D3): urgensi = 0 is outside 1-5"),
        ({"urgensi": [5, 3, "tinggi", 4, 4, 2]}, "row 4 (factor D3): urgensi 'tinggi' is not a number"),
        ({"dukungan": [4, 5, 3, 3, None, 2]}, "row 6 (factor R2): dukungan (support, 1-5) is missing"),
        (
            {
                "kode": ["D1", "D2", "X3", "R1", "R2", "R3"],
                "sumber": ["peluang", "peluang", "", "kelemahan", "ancaman", "ancaman"],
            },
            "row 4 (factor X3): no side",
        ),
        (
            {"jenis": ["pendorong", "pendorong", "penghambat", "penghambat", "penghambat", "penghambat"]},
            "row 4 (factor D3): conflicting sides",
        ),
        (
            {"sumber": ["peluang", "peluang", "kekuatan", "kelemahan", "bencana", "ancaman"]},
            "row 6 (factor R2): sumber 'bencana' is not one of",
        ),
        ({"kode": ["D1", "D2", "D2", "R1", "R2", "R3"]}, "row 4 (factor D2): duplicate code, also in row 3"),
        ({"kode": ["D1", "D2", "", "R1", "R2", "R3"]}, "row 4: no factor code"),
    ],
)
def test_bad_factor_rows_are_named(tmp_path, changes, fragment):
    path = tmp_path / "faktor.csv"
    _factors(**changes).to_csv(path, index=False)
    with pytest.raises(TableError, match="problem") as err:
        read_factors(path)
    assert fragment in str(err.value)


def test_bad_dataframe_rows_are_named_and_missing_columns():
    with pytest.raises(TableError, match=r"row 2 \(factor D2\): dukungan = 9"):
        force_field(_factors(dukungan=[4, 9, 3, 3, 4, 2]), linkage=_linkage())
    with pytest.raises(TableError, match=r"missing column\(s\) \['dukungan'\]"):
        force_field(_factors().drop(columns="dukungan"), linkage=_linkage())
    with pytest.raises(TableError, match="No urgency"):
        force_field(_factors().drop(columns="urgensi"), linkage=_linkage())
    with pytest.raises(TableError, match="No linkage"):
        force_field(_factors())


def test_side_without_factors_or_without_urgency_is_an_analysis_error():
    only_driving = _factors().iloc[:3]
    with pytest.raises(AnalysisError, match="no penghambat factor"):
        force_field(only_driving, linkage=_linkage().iloc[:3, :3])
    # One restraining factor compared with nobody wins 0 times: its weight is undefined.
    f = _factors().iloc[:4].drop(columns="urgensi")
    pair = pd.DataFrame(np.nan, index=CODES[:4], columns=CODES[:4])
    pair.loc["D1", "D2"], pair.loc["D1", "D3"], pair.loc["D2", "D3"] = 1, 1, 1
    with pytest.raises(AnalysisError, match="penghambat factors sums to 0"):
        force_field(f, pairwise=pair, linkage=_linkage().iloc[:4, :4])


def _pairwise_full() -> pd.DataFrame:
    pair = pd.DataFrame(np.nan, index=CODES, columns=CODES)
    for a, b in (("D1", "D2"), ("D1", "D3"), ("D2", "D3"), ("R1", "R2"), ("R1", "R3"), ("R2", "R3")):
        pair.loc[a, b], pair.loc[b, a] = 1, 0
    return pair


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda p: p.drop(index="R3", columns="R3"), r"does not match the factors: missing \['R3'\]"),
        (lambda p: p.drop(columns="R3"), r"not square: rows \['R3'\] have no column"),
        (lambda p: p.assign(R4=np.nan).reindex([*CODES, "R4"]), r"unknown \['R4'\]"),
        (
            lambda p: p.where(~((p.index == "D2")[:, None] & (p.columns == "D1")[None, :]), 1),
            r"cells \(D1, D2\) = 1 and \(D2, D1\) = 1 must sum to 1",
        ),
        (lambda p: p.replace({1: 2}), r"cell \(D1, D2\) = 2: use 1"),
        (
            lambda p: p.where(~p.index.isin(["R2", "R3"])[:, None] | ~p.columns.isin(["R2", "R3"])[None, :]),
            "factors R2 and R3 are not compared",
        ),
    ],
)
def test_bad_pairwise_tables_are_named(edit, fragment):
    factors = _factors().drop(columns="urgensi")
    with pytest.raises(TableError, match=fragment):
        force_field(factors, pairwise=edit(_pairwise_full()), linkage=_linkage())


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda m: m.assign(R9=3), r"linkage table is not square: rows \[\] have no column and columns \['R9'\]"),
        (lambda m: m.drop(index="D2", columns="D2"), r"missing \['D2'\]"),
        (lambda m: m.replace({5: 7}), r"cell \(D1, R1\) = 7 is outside 1-5"),
        (lambda m: m.replace({1: np.nan}), "factors R1 and R3: no linkage score"),
    ],
)
def test_bad_linkage_tables_are_named(edit, fragment):
    with pytest.raises(TableError, match=fragment):
        force_field(_factors(), linkage=edit(_linkage()))


def test_read_matrix_names_non_numbers(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("kode,D1,R1\nD1,,tinggi\nR1,3,\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"row 2 \(D1\), column R1: 'tinggi' is not a number"):
        read_matrix(path)


def _arrows(fig) -> dict[str, FancyArrow]:
    ax = fig.axes[0]
    return {p.get_gid().removeprefix(f"{GID_ARROW}-"): p for p in ax.patches if isinstance(p, FancyArrow)}


def test_figure_arrow_lengths_proportional_to_tnb(tmp_path):
    result = force_field(_factors(), linkage=_linkage())
    fig = ffa_figure(result, title="FFA penguatan UMKM", credits="Sumber: uji")
    arrows = _arrows(fig)
    assert sorted(arrows) == sorted(CODES)
    tnb = result.factors["TNB"]
    lengths = {}
    for kode, arrow in arrows.items():
        xs = arrow.get_xy()[:, 0]
        lengths[kode] = xs.max() - xs.min()
        # Every arrow ends at the centre line x = 0; driving tails on the left, restraining on the right.
        if kode.startswith("D"):
            assert xs.max() == pytest.approx(0, abs=1e-9) and xs.min() < 0
        else:
            assert xs.min() == pytest.approx(0, abs=1e-9) and xs.max() > 0
    ratios = [lengths[k] / tnb[k] for k in CODES]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)
    # FKK arrows are outlined more heavily than the others.
    assert arrows["D1"].get_linewidth() > arrows["D2"].get_linewidth()
    assert arrows["R2"].get_linewidth() > arrows["R1"].get_linewidth()
    texts = {t.get_gid(): t.get_text() for t in fig.axes[0].texts if t.get_gid()}
    assert "TNB = 2,880" in texts[f"{GID_LABEL}-R2"] and "(FKK)" in texts[f"{GID_LABEL}-R2"]
    assert "(FKK)" not in texts[f"{GID_LABEL}-R1"]
    assert texts["ffa-totals-pendorong"] == "ΣTNB pendorong = 7,480"
    assert any(line.get_gid() == GID_CENTRE for line in fig.axes[0].lines)
    assert not [t for t in fig.texts if t.get_gid() == GID_STAMP]
    out = save_figure(fig, tmp_path / "ffa.png")
    assert out.stat().st_size > 1000


def test_figure_stamp_and_english():
    result = force_field(_factors(), linkage=_linkage(), illustrative=True)
    fig = ffa_figure(result, title="FFA", lang="en")
    assert [t for t in fig.texts if t.get_gid() == GID_STAMP]
    texts = {t.get_gid(): t.get_text() for t in fig.axes[0].texts if t.get_gid()}
    assert texts["ffa-totals-penghambat"] == "ΣTNB restraining = 6.160"
    with pytest.raises(ValueError, match="Unknown language"):
        ffa_figure(result, title="FFA", lang="fr")
