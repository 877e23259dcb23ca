from __future__ import annotations

import pandas as pd
import pytest

from umkm_geo._errors import JoinError, TableError
from umkm_geo.join import join_counts
from umkm_geo.names import normalise_name
from umkm_geo.tables import parse_count, read_count_table


def _csv(tmp_path, text, name="umkm.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Kec. Sanan Kulon", "sanankulon"),
        ("KECAMATAN SANANKULON", "sanankulon"),
        ("  sanankulon ", "sanankulon"),
        ("Kepanjen Kidul", "kepanjenkidul"),
        ("Kecamatan Kanigoro", "kanigoro"),
    ],
)
def test_name_normalisation(typed, expected):
    assert normalise_name(typed) == expected


@pytest.mark.parametrize(
    ("cell", "value", "reason"),
    [
        ("12", 12, None),
        (" 7 ", 7, None),
        (3.0, 3, None),
        ("0", 0, None),
        ("-4", None, "negative"),
        ("2.5", None, "whole"),
        ("1.234", None, "thousands"),
        ("", None, "empty"),
        ("abc", None, "not a number"),
    ],
)
def test_parse_count(cell, value, reason):
    got, why = parse_count(cell)
    assert got == value
    assert (why is None) if reason is None else (reason in why)


def test_bad_cells_are_all_listed_with_row_and_column(tmp_path):
    path = _csv(tmp_path, "kecamatan,jumlah_umkm\nWonodadi,10\nUdanawu,-3\nSrengat,2.5\nTalun,\n")
    with pytest.raises(TableError) as info:
        read_count_table(path)
    text = str(info.value)
    assert "3 bad count cell" in text
    assert "row 3, column 'jumlah_umkm'" in text and "row 4" in text and "row 5" in text
    assert str(path) in text


def test_wide_layout_sector_and_year_columns(tmp_path):
    path = _csv(
        tmp_path,
        "kode;kecamatan;perdagangan_2019;perdagangan_2020;jasa 2019;jasa 2020\n35.05.01;Wonodadi;10;12;3;4\n",
    )
    table = read_count_table(path)
    assert table.layout == "wide" and table.key == "kode"
    assert table.sectors == ("perdagangan", "jasa") and table.years == (2019, 2020)
    assert table.data["jumlah"].sum() == 29


def test_total_must_agree_with_sectors(tmp_path):
    path = _csv(tmp_path, "kecamatan,perdagangan,jasa,total\nWonodadi,10,5,16\n")
    with pytest.raises(TableError, match="disagrees"):
        read_count_table(path)


def test_xlsx_long_layout(tmp_path):
    path = tmp_path / "umkm.xlsx"
    pd.DataFrame(
        {
            "Kecamatan": ["Wonodadi", "Wonodadi"],
            "Sektor": ["Jasa", "Kerajinan"],
            "Tahun": [2020, 2020],
            "Jumlah UMKM": [5, 6],
        }
    ).to_excel(path, index=False)
    table = read_count_table(path)
    assert table.layout == "long" and table.years == (2020,)
    assert table.data["jumlah"].tolist() == [5, 6]
    assert table.data["row"].tolist() == [2, 3]


def test_join_by_name_reports_every_problem(tmp_path, blitar):
    rows = [
        "kecamatan,jumlah_umkm",
        "Kec. Sanan Kulon,10",
        "Wonodadi,5",
        "Wonodadi,6",
        "Wonodadii,7",
        "Atlantis,3",
    ]
    table = read_count_table(_csv(tmp_path, "\n".join(rows) + "\n"))
    with pytest.raises(JoinError) as info:
        join_counts(blitar.frame, table)
    report = info.value.report
    issues = report.issues
    unmatched = issues[issues["issue"] == "unmatched"]
    assert set(unmatched["value"]) == {"Wonodadii", "Atlantis"}
    assert "Wonodadi" in unmatched.set_index("value").loc["Wonodadii", "detail"]  # suggestion
    dup = issues[issues["issue"] == "duplicate"]
    assert dup["kode"].tolist() == ["35.05.01"] and "rows 3, 4" in dup["detail"].iloc[0]
    missing = issues[issues["issue"] == "missing"]
    assert len(missing) == 25 - 2  # Sanankulon and Wonodadi have data
    assert "Atlantis" in str(info.value) and "Kademangan" in str(info.value)


def test_allow_missing_accepts_kecamatan_without_data(tmp_path, blitar):
    table = read_count_table(_csv(tmp_path, "kecamatan,jumlah_umkm\nSanankulon,10\nKanigoro,5\n"))
    counts, report = join_counts(blitar.frame, table, allow_missing=True)
    assert report.ok and report.n_matched == 2
    assert set(counts["kode"]) == {"35.05.07", "35.05.10"}
    assert (report.issues["issue"] == "missing").sum() == 23
    assert set(report.issues["severity"]) == {"allowed"}


def test_join_by_kemendagri_and_bps_codes(tmp_path, blitar):
    text = "kode,kecamatan,jumlah_umkm\n35.05.05,Bakung,1\n3505020,Wonotirto,2\n350501,Wonodadi,3\n"
    counts, _report = join_counts(blitar.frame, read_count_table(_csv(tmp_path, text)), allow_missing=True)
    assert dict(zip(counts["kode"], counts["jumlah"], strict=True)) == {
        "35.05.05": 1,
        "35.05.08": 2,
        "35.05.01": 3,
    }


def test_code_and_name_that_disagree_are_an_error(tmp_path, blitar):
    text = "kode,kecamatan,jumlah_umkm\n35.05.01,Udanawu,1\n"
    with pytest.raises(JoinError, match="name_mismatch"):
        join_counts(blitar.frame, read_count_table(_csv(tmp_path, text)), allow_missing=True)


def test_kab_column_disambiguates_and_rejects_wrong_kab(tmp_path, blitar):
    text = "kecamatan,kab_kota,jumlah_umkm\nSukorejo,Kota Blitar,4\nWates,Kota Blitar,1\n"
    with pytest.raises(JoinError) as info:
        join_counts(blitar.frame, read_count_table(_csv(tmp_path, text)), allow_missing=True)
    issues = info.value.report.issues
    assert issues.loc[issues["issue"] == "unmatched", "value"].tolist() == ["Wates"]
