"""Tests of umkm_geo.tables.products (reading product tables) and stats.survey.products (MPE, leader, LQ)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from umkm_geo._errors import ConfigError, TableError
from umkm_geo.stats.survey.products import leading_products, mpe_ranking, product_lq
from umkm_geo.tables.products import read_products

UNITS = pd.DataFrame(
    {
        "nama": ["Wonodadi", "Udanawu", "Sanan Kulon", "Wonodadi"],
        "kab_nama": ["Kabupaten Blitar", "Kabupaten Blitar", "Kabupaten Blitar", "Kota Blitar"],
    },
    index=pd.Index(["35.05.01", "35.05.02", "35.05.07", "35.72.09"], name="kode"),
)


def _table(**overrides):
    data = {
        "kode": ["35.05.01", "35.05.01", "35.05.02", "35.05.02"],
        "produk": ["Gula kelapa", "Kopi", "Gula kelapa", "Batik"],
        "sektor": ["Pertanian Olahan", "makanan_minuman", "pertanian_olahan", "kerajinan"],
        "jumlah_unit": [30, 10, 10, 30],
        "kriteria_a": [3, 2, 4, 1],
        "kriteria_b": [2, 3, 1, 2],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def _problems(exc: pytest.ExceptionInfo) -> str:
    return str(exc.value)


def test_read_products_normalises_and_keeps_rows():
    table = read_products(_table(keterangan=["x"] * 4), units=UNITS)
    assert table["kode"].tolist() == ["35.05.01", "35.05.01", "35.05.02", "35.05.02"]
    assert table["kecamatan"].tolist() == ["Wonodadi", "Wonodadi", "Udanawu", "Udanawu"]
    assert table["sektor"].iloc[0] == "pertanian_olahan"
    assert table["row"].tolist() == [2, 3, 4, 5]
    assert table.attrs["scale"] == 5
    assert table["keterangan"].tolist() == ["x"] * 4
    assert table["kriteria_a"].dtype == float


def test_read_products_matches_names_kab_and_desa_codes():
    frame = pd.DataFrame(
        {
            "kecamatan": ["Kec. Sanankulon", "wonodadi"],
            "kab_kota": ["Kab. Blitar", "Kota Blitar"],
            "produk": ["Jamur", "Jamur"],
            "sektor": ["pertanian_olahan", "pertanian_olahan"],
        }
    )
    table = read_products(frame, units=UNITS)
    assert table["kode"].tolist() == ["35.05.07", "35.72.09"]
    desa = read_products(
        pd.DataFrame({"kode": ["3505012001"], "desa": ["Kolomayan"], "produk": ["Kopi"], "sektor": ["x"]}),
        units=UNITS,
    )
    assert desa["kode"].tolist() == ["35.05.01"]
    assert desa["desa"].tolist() == ["Kolomayan"]


def test_read_products_reads_csv(tmp_path):
    path = tmp_path / "produk.csv"
    _table().to_csv(path, index=False)
    table = read_products(path, units=UNITS)
    assert len(table) == 4
    assert table["jumlah_unit"].tolist() == [30.0, 10.0, 10.0, 30.0]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"kode": ["35.05.01", "35.05.01", "35.05.99", "35.05.02"]}, "row 4, column 'kode': code '35.05.99'"),
        ({"kriteria_a": [3, 2, 4, 7]}, "row 5, column 'kriteria_a': rating 7 is outside 1-5"),
        ({"kriteria_b": [2, "", 1, 2]}, "row 3, column 'kriteria_b': the rating is empty"),
        ({"jumlah_unit": [30, -1, 10, 30]}, "row 3, column 'jumlah_unit': -1 is negative"),
        ({"jumlah_unit": [30, "1.500", 10, 30]}, "row 3, column 'jumlah_unit': '1.500' has a thousands separator"),
        ({"jumlah_unit": [30, "banyak", 10, 30]}, "row 3, column 'jumlah_unit': 'banyak' is not a number"),
        ({"produk": ["Gula kelapa", "", "Gula kelapa", "Batik"]}, "row 3, column 'produk': the produk is empty"),
        ({"produk": ["Gula kelapa", "gula  KELAPA", "Gula kelapa", "Batik"]}, "rows [2, 3], column 'produk'"),
    ],
)
def test_read_products_names_bad_cells(overrides, expected):
    with pytest.raises(TableError) as exc:
        read_products(_table(**overrides), units=UNITS, scale=5)
    assert expected in _problems(exc)


def test_read_products_rejects_ambiguous_and_mismatched_names():
    frame = pd.DataFrame({"kecamatan": ["Wonodadi"], "produk": ["Kopi"], "sektor": ["x"]})
    with pytest.raises(TableError, match="row 2, column 'kecamatan': 'Wonodadi' is ambiguous"):
        read_products(frame, units=UNITS)
    frame = pd.DataFrame({"kode": ["35.05.02"], "kecamatan": ["Wonodadi"], "produk": ["Kopi"], "sektor": ["x"]})
    with pytest.raises(TableError, match=r"'35\.05\.02' is 'Udanawu', not 'Wonodadi'"):
        read_products(frame, units=UNITS)
    with pytest.raises(TableError, match=r"missing column\(s\) \['sektor'\]"):
        read_products(pd.DataFrame({"kode": ["35.05.01"], "produk": ["Kopi"]}), units=UNITS)
    with pytest.raises(ConfigError, match="scale"):
        read_products(_table(), units=UNITS, scale=7)


def test_read_products_infers_scale_nine():
    table = read_products(_table(kriteria_a=[3, 2, 9, 1]), units=UNITS)
    assert table.attrs["scale"] == 9


def test_mpe_hand_worked_example():
    # Weights a = 2, b = 3; TN = a^2 + b^3.
    # Wonodadi: Gula kelapa 3^2 + 2^3 = 9 + 8 = 17, Kopi 2^2 + 3^3 = 4 + 27 = 31 -> Kopi 1st, Gula 2nd.
    # Udanawu:  Gula kelapa 4^2 + 1^3 = 16 + 1 = 17, Batik 1^2 + 2^3 = 1 + 8 = 9 -> Gula 1st, Batik 2nd.
    # Overall: 31 -> 1, 17 and 17 tie -> 2, 9 -> 4. Per product: Kopi 31 (1), Gula mean 17 (2), Batik 9 (3).
    result = mpe_ranking(read_products(_table(), units=UNITS), weights={"a": 2, "b": 3})
    scores = result.scores
    assert scores["nilai_total"].tolist() == [17.0, 31.0, 17.0, 9.0]
    assert scores["nilai_a"].tolist() == [9.0, 4.0, 16.0, 1.0]
    assert scores["peringkat_kecamatan"].tolist() == [2, 1, 1, 2]
    assert scores["peringkat"].tolist() == [2, 1, 2, 4]
    assert result.overall.index.tolist() == ["Kopi", "Gula kelapa", "Batik"]
    assert result.overall["nilai_rata"].tolist() == [31.0, 17.0, 9.0]
    assert result.overall.loc["Gula kelapa", "n_kecamatan"] == 2
    payload = result.to_dict()
    assert payload["result"] == "mpe_ranking"
    assert payload["statistics"]["top_candidate"] == "Kopi (Wonodadi)"
    assert payload["settings"]["weights"] == ["a=2", "b=3"]
    table = result.table()
    assert set(table["section"]) == {"statistic", "setting"}


def test_mpe_fractional_weight():
    # 4^0.5 + 1^3 = 2 + 1 = 3
    table = read_products(_table(), units=UNITS)
    result = mpe_ranking(table, weights={"a": 0.5, "b": 3})
    assert result.scores["nilai_total"].iloc[2] == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({"a": 2}, r"without a weight \['b'\]"),
        ({"a": 2, "b": 3, "c": 1}, r"unknown criteria \['c'\]"),
        ({"a": 0, "b": 3}, "positive finite"),
        ({"a": float("nan"), "b": 3}, "positive finite"),
    ],
)
def test_mpe_rejects_bad_weights(weights, match):
    with pytest.raises(ConfigError, match=match):
        mpe_ranking(read_products(_table(), units=UNITS), weights=weights)


def test_leading_products_by_mpe_and_units():
    table = read_products(_table(), units=UNITS)
    lead = leading_products(table, by="mpe", weights={"a": 2, "b": 3}, units=UNITS.index)
    assert lead.index.tolist() == UNITS.index.tolist()
    assert lead.loc["35.05.01", "produk"] == "Kopi"
    assert lead.loc["35.05.01", "produk_kedua"] == "Gula kelapa"
    assert lead.loc["35.05.01", "skor"] == 31.0
    assert lead.loc["35.05.02", "produk"] == "Gula kelapa"
    assert lead.loc["35.05.02", "skor_kedua"] == 9.0
    assert lead.loc["35.05.07", "n_kandidat"] == 0
    assert pd.isna(lead.loc["35.05.07", "produk"])
    with pytest.raises(ConfigError, match="needs the criterion weights"):
        leading_products(table, by="mpe")
    with pytest.raises(ConfigError, match="Unknown ranking 'harga'"):
        leading_products(table, by="harga")


def test_leading_products_by_output_sums_desa_and_flags_ties():
    frame = pd.DataFrame(
        {
            "kode": ["35.05.01"] * 4,
            "desa": ["A", "B", "A", "A"],
            "produk": ["Kopi", "Kopi", "Jamur", "Batik"],
            "sektor": ["mm", "mm", "po", "kr"],
            "output": [10, 15, 25, np.nan],
        }
    )
    table = read_products(frame, units=UNITS)
    with pytest.warns(UserWarning, match=r"left out: rows \[5\]"):
        lead = leading_products(table, by="output")
    # Kopi 10 + 15 = 25 ties Jamur 25: the leader is the first alphabetically (Jamur).
    assert lead.loc["35.05.01", "produk"] == "Jamur"
    assert lead.loc["35.05.01", "produk_kedua"] == "Kopi"
    assert lead.loc["35.05.01", "skor_kedua"] == 25.0
    assert bool(lead.loc["35.05.01", "seri"]) is True
    assert lead.loc["35.05.01", "n_kandidat"] == 2


def test_product_lq_hand_worked():
    # Wonodadi: pertanian_olahan 30, makanan_minuman 10; Udanawu: pertanian_olahan 10, kerajinan 30.
    # Totals: po 40, mm 10, kr 30; E = 80; each unit has 40.
    # LQ Wonodadi po = (30/40)/(40/80) = 1.5 (basis); mm = (10/40)/(10/80) = 2.0 (basis); kr = 0.
    # LQ Udanawu po = (10/40)/(40/80) = 0.5; kr = (30/40)/(30/80) = 2.0 (basis).
    result = product_lq(read_products(_table(), units=UNITS))
    assert result.lq.loc["35.05.01", "pertanian_olahan"] == pytest.approx(1.5)
    assert result.lq.loc["35.05.01", "makanan_minuman"] == pytest.approx(2.0)
    assert result.lq.loc["35.05.01", "kerajinan"] == 0.0
    assert result.lq.loc["35.05.02", "pertanian_olahan"] == pytest.approx(0.5)
    assert result.units.loc["35.05.02", "basis_sectors"] == "kerajinan"
    assert result.settings["amount"] == "jumlah_unit"
    assert result.to_dict()["settings"]["amount"] == "jumlah_unit"
    with pytest.raises(ConfigError, match="Unknown amount"):
        product_lq(read_products(_table(), units=UNITS), value="harga")
