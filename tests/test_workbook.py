"""The run's workbook, written as SpreadsheetML directly: every value comes back from openpyxl as it went in."""

from __future__ import annotations

import zipfile

import numpy as np
import openpyxl
import pandas as pd

from umkm_geo.pipeline.workbook import write_workbook
from umkm_geo.tables.columns import column_letter


def test_column_letters_follow_excel():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_values_come_back_as_numbers_booleans_text_and_empty_cells(tmp_path):
    frame = pd.DataFrame(
        {
            "kode": ["35.05.01", "35.05.02", "35.05.03"],
            "nilai": [0.1234567891, np.nan, -2.5e-7],
            "n": [3, 0, 12],
            "ya": [True, False, True],
            "teks": ['a & <b> "c"', "  spasi di depan", None],
        }
    )
    path = write_workbook({"indikator & data": frame, "kedua": frame.head(1)}, tmp_path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["indikator & data", "kedua"]
    rows = list(book["indikator & data"].iter_rows(values_only=True))
    assert rows[0] == ("kode", "nilai", "n", "ya", "teks")
    assert rows[1] == ("35.05.01", 0.123457, 3, True, 'a & <b> "c"')  # floats rounded to 6 decimals
    assert rows[2] == ("35.05.02", None, 0, False, "  spasi di depan")  # NaN: an empty cell
    assert rows[3][1] == 0.0 and rows[3][2:] == (12, True, None)
    assert list(book["kedua"].iter_rows(values_only=True))[1][0] == "35.05.01"
    back = pd.read_excel(path, sheet_name="indikator & data", engine="openpyxl", dtype={"kode": str})
    assert back["n"].tolist() == [3, 0, 12] and back["ya"].tolist() == [True, False, True]


def test_characters_xml_cannot_hold_are_escaped_as_excel_does(tmp_path):
    frame = pd.DataFrame({"teks": ["tab\there", "bell\x07", "literal _x0041_"]})
    path = write_workbook({"t": frame}, tmp_path)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
        assert "bell_x0007_" in xml and "literal _x005F_x0041_" in xml and "tab\there" in xml
        assert z.testzip() is None


def test_a_cell_longer_than_excel_allows_is_cut_and_says_so(tmp_path):
    path = write_workbook({"t": pd.DataFrame({"teks": ["x" * 40_000]})}, tmp_path)
    (value,) = next(openpyxl.load_workbook(path)["t"].iter_rows(min_row=2, values_only=True))
    assert len(value) == 32_767 and value.startswith("xxx") and value.endswith("whole in the CSV file)")
