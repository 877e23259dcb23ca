from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
import xlwt

from umkm_geo._errors import ConfigError, JoinError, TableError
from umkm_geo.config import config_from_dict
from umkm_geo.sources.names import normalise_name
from umkm_geo.tables.counts.cells import parse_count
from umkm_geo.tables.counts.read import read_count_table
from umkm_geo.tables.crosswalk import load_crosswalk
from umkm_geo.tables.join import join_counts
from umkm_geo.tables.raw import read_raw


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
        (np.int64(5), 5, None),
        ("0", 0, None),
        ("1.234", 1234, None),  # id-ID thousands
        ("1,234", 1234, None),  # en thousands
        ("12.345.678", 12345678, None),
        ("1 234", 1234, None),
        ("1\u00a0234", 1234, None),
        ("12.0", 12, None),
        ("12,00", 12, None),
        ("", None, None),  # blank: no data, never 0
        ("   ", None, None),
        ("...", None, None),  # BPS: not available
        ("n/a", None, None),
        (float("nan"), None, None),
        ("-4", None, "negative"),
        (-4, None, "negative"),
        ("2.5", None, "is a decimal number"),
        ("12,5", None, "is a decimal number"),
        ("1.234,5", None, "is a decimal number"),
        (1.234, None, "1.234 is a decimal number"),  # an Excel number cell: never read as 1234 nor 1.234
        ("1.23", None, "is a decimal number"),
        ("1,23,456", None, "cannot be read as a whole number"),
        ("-", None, "leave the cell empty if the number is unknown"),
        ("12%", None, "percentage"),
        (datetime.datetime(2023, 5, 12), None, "2023-05-12 is a date"),
        (True, None, "not a count"),
        ("abc", None, "'abc' is not a number"),
    ],
)
def test_parse_count(cell, value, reason):
    got, why = parse_count(cell)
    assert got == value
    assert (why is None) if reason is None else (reason in why)


def test_no_message_advises_zero_for_an_unknown_value():
    for cell in ("", "-", "?", "tidak tahu"):
        _, why = parse_count(cell)
        assert why is None or "enter 0" not in why
    assert "write 0 if there are none, or leave the cell empty if the number is unknown" in parse_count("-")[1]


def test_bad_cells_are_all_listed_with_row_and_column(tmp_path):
    path = _csv(tmp_path, "kecamatan,jumlah_umkm\nWonodadi,10\nUdanawu,-3\nSrengat,2.5\nTalun,\nGarum,x\n")
    with pytest.raises(TableError) as info:
        read_count_table(path)
    text = str(info.value)
    assert "3 bad count cell(s); fix them in the file and run again" in text
    assert "row 3, column 'jumlah_umkm': '-3' is negative" in text
    assert "row 4, column 'jumlah_umkm': '2.5' is a decimal number" in text
    assert "row 6, column 'jumlah_umkm': 'x' is not a number" in text
    assert "row 5" not in text  # the blank cell is no data, not an error of the reader
    assert str(path) in text


def test_blank_cell_is_kept_as_no_data(tmp_path):
    table = read_count_table(_csv(tmp_path, "kecamatan,jumlah_umkm\nWonodadi,10\nTalun,\n"))
    assert table.data["jumlah"].dtype == "Int64"
    assert table.data["jumlah"].isna().tolist() == [False, True]
    assert table.blanks[["row", "kolom", "nama_in"]].values.tolist() == [[3, "jumlah_umkm", "Talun"]]
    assert table.record()["blank_cells"] == 1


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


# --- reading officer-style tables: the reader level ---------------------------------------------


def test_delimiter_is_sniffed_past_title_lines(tmp_path):
    text = "Tabel 1. Jumlah UMKM, Kota Blitar, 2023\n\nNo;Kecamatan;Jumlah UMKM\n1;Sukorejo;1.005\n2;Sananwetan;990\n"
    with pytest.warns(UserWarning) as caught:
        table = read_count_table(_csv(tmp_path, text))
    notes = [str(w.message) for w in caught]
    assert any("the column names are in row 3; rows 1-2 above it (title: 'Tabel 1" in n for n in notes)
    assert any("column 'No' holds row numbers (1 to 2); ignored." in n for n in notes)
    assert table.header_row == 3
    assert table.data[["row", "nama_in", "jumlah"]].values.tolist() == [[4, "Sukorejo", 1005], [5, "Sananwetan", 990]]


def test_two_row_header_in_a_csv_fills_the_merged_label(tmp_path):
    text = "No,Kecamatan,Jumlah UMKM,\n,,2022,2023\n(1),(2),(3),(4)\n1,Sukorejo,10,12\n2,Sananwetan,20,21\n"
    with pytest.warns(UserWarning) as caught:
        table = read_count_table(_csv(tmp_path, text))
    notes = [str(w.message) for w in caught]
    assert any("rows 1-2 (a two-row header)" in n and "'Jumlah UMKM 2022', 'Jumlah UMKM 2023'" in n for n in notes)
    assert any("row 3 holds column numbers (1), (2), ... and was skipped" in n for n in notes)
    assert table.years == (2022, 2023) and table.sectors == ("total",)
    assert table.data["row"].tolist() == [4, 4, 5, 5]
    assert table.data["jumlah"].tolist() == [10, 12, 20, 21]


@pytest.mark.parametrize(
    ("values", "numbers"),
    [
        ([1, 2, 3, 4], True),
        ([3, 1, 2, 4], True),  # sorted by another column
        ([1, 2, 1, 2, 3], True),  # a kabupaten and a kota numbered separately
        (["1.", "2.", "3."], True),
        ([7, 16, 9], False),  # Jumlah Desa
        ([1, 2, 2], False),
    ],
)
def test_row_number_column(tmp_path, values, numbers):
    names = ["Wonodadi", "Udanawu", "Srengat", "Talun", "Garum"][: len(values)]
    text = "No,Kecamatan,Jumlah UMKM\n" + "".join(f"{v},{n},5\n" for v, n in zip(values, names, strict=True))
    path = _csv(tmp_path, text)
    if numbers:
        with pytest.warns(UserWarning, match="column 'No' holds row numbers"):
            table = read_count_table(path)
        assert table.sectors == ("total",) and table.data["jumlah"].tolist() == [5] * len(values)
        assert table.ignored_columns == ("No",)
    else:
        with pytest.raises(TableError, match="column 'No' holds numbers but is not a count column umkm_geo knows"):
            read_count_table(path)


def test_code_and_text_columns_are_ignored_with_a_note(tmp_path):
    text = "Kode Kab,Kabupaten,Kecamatan,Perdagangan,Jasa,Alamat Dinas\n35.05,Blitar,Wonodadi,3,4,Jl. Semeru 1\n"
    with pytest.warns(UserWarning) as caught:
        table = read_count_table(_csv(tmp_path, text))
    notes = [str(w.message) for w in caught]
    assert any("column 'Kode Kab' holds codes, not counts; ignored." in n for n in notes)
    assert any("column 'Alamat Dinas' holds text, not counts; ignored." in n for n in notes)
    assert table.sectors == ("perdagangan", "jasa") and table.data["jumlah"].tolist() == [3, 4]


def test_documented_sector_spellings(tmp_path):
    text = (
        "Kecamatan,Makanan dan Minuman 2023,Sektor Perdagangan 2023,2023 Jasa,Usaha Mikro 2023,Jumlah UMKM 2023\n"
        "Wonodadi,1,2,3,4,10\n"
    )
    table = read_count_table(_csv(tmp_path, text))
    assert table.sectors == ("makanan_dan_minuman", "sektor_perdagangan", "jasa", "usaha_mikro", "total")
    assert table.years == (2023,)


def test_combined_sector_header_must_be_declared(tmp_path):
    path = _csv(tmp_path, "Kecamatan,Perdagangan/Jasa,Kuliner\nWonodadi,5,3\n")
    with pytest.raises(TableError, match="column 'Perdagangan/Jasa' holds numbers"):
        read_count_table(path)
    table = read_count_table(path, sectors=["Perdagangan/Jasa"])
    assert table.sectors == ("perdagangan_jasa", "kuliner")


def test_count_columns_named_by_the_user(tmp_path):
    path = _csv(tmp_path, "Kecamatan,Banyaknya Usaha 2022,Banyaknya Usaha 2023,Luas\nWonodadi,5,6,12.5\n")
    with pytest.raises(TableError) as info:
        read_count_table(path)
    assert "columns 'Banyaknya Usaha 2022', 'Banyaknya Usaha 2023', 'Luas' hold numbers" in str(info.value)
    table = read_count_table(
        path, count_columns=["Banyaknya Usaha 2022", "Banyaknya Usaha 2023"], ignore_columns=["Luas"]
    )
    assert table.sectors == ("total",) and table.years == (2022, 2023)
    assert table.data["jumlah"].tolist() == [5, 6]
    with pytest.raises(TableError, match=r"column 'Lua' named in \[data\] ignore_columns is not in the table"):
        read_count_table(path, ignore_columns=["Lua"])


def test_two_columns_holding_the_same_count_are_refused(tmp_path):
    path = _csv(tmp_path, "Kecamatan,Jumlah,Jumlah UMKM\nWonodadi,5,5\n")
    with pytest.raises(TableError, match="columns 'Jumlah' and 'Jumlah UMKM' both hold the UMKM total"):
        read_count_table(path)


def test_total_row_variants_are_left_out(tmp_path):
    text = "Kecamatan,Jumlah UMKM\nWonodadi,5\nUdanawu,6\nJumlah Kab. Blitar,11\nSukorejo,7\nJUMLAH,18\n"
    with pytest.warns(UserWarning, match=r"rows 4 \('Jumlah Kab. Blitar'\), 6 \('JUMLAH'\) are total rows"):
        table = read_count_table(_csv(tmp_path, text))
    assert table.data["nama_in"].tolist() == ["Wonodadi", "Udanawu", "Sukorejo"]


def test_desa_column_holding_numbers_is_not_a_desa_table(tmp_path):
    path = _csv(tmp_path, "Kecamatan,Desa/Kelurahan,Jumlah UMKM\nWonodadi,12,5\n")
    with pytest.raises(TableError, match="column 'Desa/Kelurahan' holds numbers but is not a count column"):
        read_count_table(path)


def test_encodings(tmp_path):
    rows = "Kecamatan\tJumlah UMKM\r\nWonodadi\t5\r\n"
    for encoding, prefix in (("utf-16-le", b""), ("utf-16-be", b""), ("utf-16", b""), ("utf-8", b"\xef\xbb\xbf")):
        path = tmp_path / f"t_{encoding}.txt"
        path.write_bytes(prefix + rows.encode(encoding))
        assert read_count_table(path).data["jumlah"].tolist() == [5], encoding
    path = tmp_path / "cp.csv"
    path.write_bytes("Kecamatan;Jumlah UMKM;Keterangan\nWonodadi;5;caf\u00e9 \u2013 2023\n".encode("cp1252"))
    assert read_count_table(path).data["jumlah"].tolist() == [5]


def test_workbook_saved_as_csv_is_read_as_a_workbook(tmp_path):
    path = tmp_path / "umkm.csv"
    pd.DataFrame({"Kecamatan": ["Wonodadi"], "Jumlah UMKM": [5]}).to_excel(path, index=False, engine="openpyxl")
    assert read_count_table(path).data["jumlah"].tolist() == [5]


def test_xls_is_read(tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("Data")
    for i, row in enumerate([("Kecamatan", "Jumlah UMKM"), ("Wonodadi", 5), ("Udanawu", "1.234")]):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    path = tmp_path / "umkm.xls"
    book.save(str(path))
    assert read_count_table(path).data["jumlah"].tolist() == [5, 1234]
    assert read_raw(path, None).to_dict(orient="list") == {
        "Kecamatan": ["Wonodadi", "Udanawu"],
        "Jumlah UMKM": [5, "1.234"],
    }


def test_unknown_sheet_lists_the_sheets(tmp_path):
    path = tmp_path / "umkm.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Kecamatan": ["Wonodadi"], "Jumlah UMKM": [5]}).to_excel(writer, sheet_name="Data", index=False)
    with pytest.raises(TableError, match=r"there is no sheet 'UMKM'; the workbook's sheets are \['Data'\]"):
        read_count_table(path, sheet="UMKM")
    with pytest.raises(TableError, match=r"there is no sheet 'UMKM'"):
        read_raw(path, "UMKM")


def test_population_role_reads_penduduk_only(tmp_path):
    path = _csv(tmp_path, "Kecamatan,Penduduk 2020,Penduduk 2023,Luas\nWonodadi,50.123,51.004,10\n")
    with pytest.raises(TableError, match="population table is read from its penduduk column only"):
        read_count_table(path, count_aliases=("penduduk",), role="population")
    path = _csv(tmp_path, "Kecamatan,Penduduk 2020,Penduduk 2023,Perdagangan\nWonodadi,50.123,51.004,10\n")
    with pytest.raises(TableError, match="column 'Perdagangan' holds numbers"):
        read_count_table(path, count_aliases=("penduduk",), role="population")
    path = _csv(tmp_path, "Kecamatan,Penduduk 2020,Penduduk 2023\nWonodadi,50.123,51.004\n")
    table = read_count_table(path, count_aliases=("penduduk",), role="population")
    assert table.years == (2020, 2023) and table.data["jumlah"].tolist() == [50123, 51004]


def test_bps_numbering_in_names():
    assert normalise_name("010 Bakung") == normalise_name("010. Bakung") == "bakung"
    assert normalise_name("1. Wonodadi") == "wonodadi"


# --- the join: blanks, totals next to sectors, crosswalks -----------------------------------------


def test_total_next_to_sectors_is_checked_and_not_summed_twice(tmp_path, blitar):
    text = "Kecamatan,Perdagangan,Jasa,Jumlah\nSanankulon,10,5,15\nKanigoro,7,1,8\n"
    table = read_count_table(_csv(tmp_path, text))
    counts, _ = join_counts(blitar.frame, table, allow_missing=True)
    assert "total" not in set(counts["sektor"])
    assert counts.groupby("kode")["jumlah"].sum().to_dict() == {"35.05.07": 15, "35.05.10": 8}


def test_incomplete_kecamatan_year_is_no_data_not_a_partial_sum(tmp_path, blitar):
    text = "Kecamatan,Perdagangan 2022,Jasa 2022,Perdagangan 2023,Jasa 2023\nSanankulon,10,5,11,\nKanigoro,7,1,8,2\n"
    table = read_count_table(_csv(tmp_path, text))
    with pytest.raises(JoinError) as info:
        join_counts(blitar.frame, table, allow_missing=False)
    assert "blank cell in row 2, column 'Jasa 2023' (a blank is 'no data', not 0)" in str(info.value)
    counts, report = join_counts(blitar.frame, table, allow_missing=True)
    got = {(k, s, int(t)): int(v) for k, s, t, v in counts.itertuples(index=False)}
    assert got == {
        ("35.05.07", "perdagangan", 2022): 10,
        ("35.05.07", "jasa", 2022): 5,
        ("35.05.10", "perdagangan", 2022): 7,
        ("35.05.10", "jasa", 2022): 1,
        ("35.05.10", "perdagangan", 2023): 8,
        ("35.05.10", "jasa", 2023): 2,
    }
    detail = report.issues.set_index("kode").loc["35.05.07", "detail"]
    assert "the kecamatan's 2023 count is unknown, so its other values of 2023 are not summed" in detail


def test_long_table_lacking_a_sector_row_is_no_data(tmp_path, blitar):
    text = "kecamatan,sektor,jumlah\nSanankulon,jasa,3\nSanankulon,perdagangan,4\nKanigoro,jasa,5\n"
    counts, report = join_counts(blitar.frame, read_count_table(_csv(tmp_path, text)), allow_missing=True)
    assert set(counts["kode"]) == {"35.05.07"}
    assert "no value for perdagangan" in report.issues.set_index("kode").loc["35.05.10", "detail"]


def test_bps_code_missing_from_the_crosswalk_says_so(tmp_path, blitar):
    text = "kode,jumlah_umkm\n3505010,4\n3505999,5\n"
    with pytest.raises(JoinError) as info:
        join_counts(blitar.frame, read_count_table(_csv(tmp_path, text)), allow_missing=True)
    issues = info.value.report.issues
    detail = issues.loc[issues["value"] == "3505999", "detail"].item()
    assert detail.startswith("BPS code not in the crosswalk ") and "kode_crosswalk.csv" in detail
    assert "did you mean" not in detail and "study area" not in detail
    crosswalk = tmp_path / "cw.csv"
    crosswalk.write_text("kode_bps;kode_kemendagri\nID3505010;35.05.05\n3505999;35.05.04\n", encoding="utf-8")
    cw = load_crosswalk(crosswalk)
    assert cw.attrs["source"] == str(crosswalk)
    counts, _ = join_counts(blitar.frame, read_count_table(_csv(tmp_path, text)), allow_missing=True, crosswalk=cw)
    assert dict(zip(counts["kode"], counts["jumlah"], strict=True)) == {"35.05.05": 4, "35.05.04": 5}


def test_wide_row_that_does_not_match_is_reported_once(tmp_path, blitar):
    text = "Kecamatan,Perdagangan,Jasa,Kuliner\nAtlantis,1,2,3\n"
    with pytest.raises(JoinError) as info:
        join_counts(blitar.frame, read_count_table(_csv(tmp_path, text)), allow_missing=True)
    issues = info.value.report.issues
    assert issues[issues["issue"] == "unmatched"]["row"].tolist() == [2]


def test_config_data_keys(tmp_path):
    config = config_from_dict(
        {
            "data": {
                "header_row": 3,
                "count_columns": ["Banyaknya Usaha"],
                "sectors": ["Batik"],
                "ignore_columns": ["Luas"],
                "crosswalk": "cw.csv",
            }
        }
    )
    assert config.data.header_row == 3 and config.data.count_columns == ("Banyaknya Usaha",)
    with pytest.raises(ConfigError, match="both name"):
        config_from_dict({"data": {"count_columns": ["Luas"], "ignore_columns": ["Luas"]}})
    with pytest.raises(ConfigError, match="header_row"):
        config_from_dict({"data": {"header_row": -1}})
    with pytest.raises(ConfigError, match="unknown key 'count_column'"):
        config_from_dict({"data": {"count_column": ["Luas"]}})


def test_population_table_of_several_years_uses_one_year(tmp_path, mirror):
    from umkm_geo.config import load_config
    from umkm_geo.pipeline.stages import compute_indicators, load_counts, load_study_area

    _csv(tmp_path, "kecamatan,jumlah_umkm\nKepanjenkidul,120\nSukorejo,95\nSananwetan,143\n", "umkm.csv")
    _csv(
        tmp_path,
        "No,Kecamatan,Penduduk 2020,Penduduk 2023\n1,Kepanjenkidul,48.120,49.004\n2,Sukorejo,60.010,61.500\n"
        "3,Sananwetan,53.001,54.250\n,Jumlah,161.131,164.754\n",
        "penduduk.csv",
    )
    config_path = tmp_path / "run.toml"
    config_path.write_text(
        '[study]\nregion = "35.72"\n[boundaries]\ntopology = "kecamatan"\n'
        '[data]\numkm = "umkm.csv"\npopulation = "penduduk.csv"\n',
        encoding="utf-8",
    )
    config = load_config(config_path)
    area = load_counts(load_study_area(config), config)
    with pytest.warns(UserWarning) as caught:
        area = compute_indicators(area, config)
    assert any("the population table has the years [2020, 2023]; 2023 is used." in str(w.message) for w in caught)
    assert area.frame["penduduk"].to_dict() == {"35.72.01": 49004.0, "35.72.02": 61500.0, "35.72.03": 54250.0}
