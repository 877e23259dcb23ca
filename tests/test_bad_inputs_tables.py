"""The table part of the bad-input corpus: officer-style CSV, XLSX and XLS files (issue 9, section 2).

Each case runs ``umkm-geo validate`` on a small config pointing at one file of ``tests/bad_inputs/``
(or a workbook written here at test time) and asserts the exact outcome: the exit code and the words
of the message, and for a table that is read, the exact counts that come out of the join (through
the API: :func:`umkm_geo.pipeline.stages.load_counts`).

Kota Blitar (``35.72``) has three kecamatan: 35.72.01 Kepanjenkidul, 35.72.02 Sukorejo and
35.72.03 Sananwetan. The numbers in the files are made up for the tests, and so is
``bps_crosswalk_test_only.csv`` (it maps two BPS codes the shipped crosswalk lacks, to exercise
``[data] crosswalk``; it is not a source of codes).
"""

from __future__ import annotations

import dataclasses
import datetime
import warnings
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwt

from umkm_geo.cli import main
from umkm_geo.config import load_config
from umkm_geo.pipeline import stages as pipeline

HERE = Path(__file__).resolve().parent / "bad_inputs"
KOTA = "35.72"
KEP, SUK, SAN = "35.72.01", "35.72.02", "35.72.03"
#: The counts most files hold: one total per kecamatan, no year.
TOTALS = {(KEP, "total", None): 120, (SUK, "total", None): 95, (SAN, "total", None): 143}


# ------------------------------------------------------------------ workbooks written at test time


def _two_row_header(path: Path) -> None:
    """A BPS/Dinas-style sheet: title, merged two-row header, column numbers, total row, source note."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Tabel 4.2"
    ws["A1"] = "Tabel 4.2 Jumlah UMKM menurut Kecamatan di Kota Blitar, 2022-2023"
    ws["A2"] = "Table 4.2 Number of MSMEs by Subdistrict in Blitar Municipality, 2022-2023"
    ws["A4"], ws["B4"], ws["C4"], ws["E4"] = "No", "Kecamatan/\nSubdistrict", "Jumlah UMKM", "Keterangan"
    for cells in ("A4:A5", "B4:B5", "C4:D4", "E4:E5"):
        ws.merge_cells(cells)
    ws["C5"], ws["D5"] = 2022, 2023
    for col, text in zip("ABCDE", ["(1)", "(2)", "(3)", "(4)", "(5)"], strict=True):
        ws[f"{col}6"] = text
    rows = [(1, "Sukorejo", 1005, 1102), (2, "Kepanjenkidul", 1210, 1234), (3, "Sananwetan", 1388, 1401)]
    for i, row in enumerate(rows, start=7):
        for col, value in zip("ABCD", row, strict=True):
            ws[f"{col}{i}"] = value
    ws["A10"], ws["C10"], ws["D10"] = "Jumlah/Total", 3603, 3737
    ws.merge_cells("A10:B10")
    ws["A12"] = "Sumber: Dinas Koperasi dan Usaha Mikro Kota Blitar"
    book.save(path)


def _sheet(rows: list[tuple[object, ...]], title: str = "Sheet1") -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    return book


_KOTA_ROWS = [("Kecamatan", "Jumlah UMKM"), ("Kepanjenkidul", 120), ("Sukorejo", 95), ("Sananwetan", 143)]


def _other_sheet(path: Path) -> None:
    """An empty first sheet; the table is on the second."""
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    ws = book.create_sheet("UMKM 2023")
    for row in _KOTA_ROWS:
        ws.append(row)
    book.save(path)


def _empty_workbook(path: Path) -> None:
    openpyxl.Workbook().save(path)


def _excel_cells(path: Path) -> None:
    """A count typed as 12/5 that Excel turned into a date, and a number cell holding 1.234."""
    _sheet(
        [_KOTA_ROWS[0], ("Kepanjenkidul", 120), ("Sukorejo", datetime.datetime(2023, 5, 12)), ("Sananwetan", 1.234)]
    ).save(path)


def _legacy_xls(path: Path) -> None:
    book = xlwt.Workbook()
    ws = book.add_sheet("Data")
    for i, row in enumerate(_KOTA_ROWS):
        for j, value in enumerate(row):
            ws.write(i, j, value)
    book.save(str(path))


def _workbook_named_csv(path: Path) -> None:
    _sheet(_KOTA_ROWS).save(path)


GENERATED: dict[str, Callable[[Path], None]] = {
    "two_row_header.xlsx": _two_row_header,
    "other_sheet.xlsx": _other_sheet,
    "empty_workbook.xlsx": _empty_workbook,
    "excel_cells.xlsx": _excel_cells,
    "legacy.xls": _legacy_xls,
    "workbook_saved_as.csv": _workbook_named_csv,
}


# ----------------------------------------------------------------------------------------- cases


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad input and its exact outcome."""

    id: str
    file: str
    data: str = ""  # further [data] lines
    region: str = KOTA
    exit: int = 0
    counts: dict[tuple[str, str, int | None], int] | None = None
    words: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


def _sectors(values: dict[str, tuple[int, ...]], sectors: tuple[str, ...]) -> dict:
    return {(k, s, None): v for k, row in values.items() for s, v in zip(sectors, row, strict=True)}


_NOT_COUNTED = (
    "If it holds UMKM counts, name it in [data] count_columns = [{0}]; otherwise remove it or list it in"
    " [data] ignore_columns."
)
BATIK = _sectors({KEP: (60, 25, 35), SUK: (50, 25, 20), SAN: (70, 33, 40)}, ("kuliner", "fashion", "batik"))
TRADE = _sectors({KEP: (80, 40), SUK: (60, 35), SAN: (100, 43)}, ("perdagangan", "jasa"))

CASES = [
    # --- only count columns are summed
    Case("no-column", "no_column.csv", counts=TOTALS, words=("column 'No' holds row numbers (1 to 3); ignored.",)),
    Case(
        "no-dot-and-year-columns",
        "no_dot_years.csv",
        counts={
            (KEP, "total", 2022): 110,
            (KEP, "total", 2023): 120,
            (SUK, "total", 2022): 90,
            (SUK, "total", 2023): 95,
            (SAN, "total", 2022): 140,
            (SAN, "total", 2023): 143,
        },
        words=("column 'No.' holds row numbers (1 to 3); ignored.",),
    ),
    Case("hash-column", "hash_column.csv", counts=TOTALS, words=("column '#' holds row numbers (1 to 3); ignored.",)),
    Case(
        "pandas-index-column",
        "pandas_index.csv",
        counts=TOTALS,
        words=("column A (no name) holds row numbers (0 to 2); ignored.",),
    ),
    Case("sorted-no-column", "sorted_no_column.csv", counts=TOTALS, words=("column 'No' holds row numbers (1 to 3)",)),
    Case(
        "jumlah-desa",
        "jumlah_desa.csv",
        exit=3,
        words=(
            "jumlah_desa.csv: column 'Jumlah Desa' holds numbers but is not a count column umkm_geo knows. "
            + _NOT_COUNTED.format('"Jumlah Desa"'),
        ),
    ),
    Case("jumlah-desa-ignored", "jumlah_desa.csv", data='ignore_columns = ["Jumlah Desa"]', counts=TOTALS),
    Case(
        "luas-and-penduduk",
        "luas_penduduk.csv",
        exit=3,
        words=(
            "luas_penduduk.csv: columns 'Luas (km2)', 'Penduduk' hold numbers but are not count columns umkm_geo"
            ' knows. If they hold UMKM counts, name them in [data] count_columns = ["Luas (km2)", "Penduduk"];'
            " otherwise remove them or list them in [data] ignore_columns.",
        ),
    ),
    Case(
        "column-without-name",
        "unnamed_numbers.csv",
        exit=3,
        words=("unnamed_numbers.csv: column C (no name) holds numbers but is not a count column umkm_geo knows.",),
    ),
    Case(
        "undocumented-count-column",
        "count_columns.csv",
        exit=3,
        words=("column 'Banyaknya Usaha' holds numbers", _NOT_COUNTED.format('"Banyaknya Usaha"')),
    ),
    Case("count-columns-declared", "count_columns.csv", data='count_columns = ["Banyaknya Usaha"]', counts=TOTALS),
    Case(
        "undocumented-sector",
        "undeclared_sector.csv",
        exit=3,
        words=("column 'Batik' holds numbers but is not a count column umkm_geo knows.",),
    ),
    Case("sector-declared", "undeclared_sector.csv", data='sectors = ["Batik"]', counts=BATIK),
    Case(
        "two-columns-same-name",
        "duplicate_columns.csv",
        exit=3,
        words=("two columns are named 'Jumlah UMKM' (columns B and C); rename or remove one.",),
    ),
    Case("total-next-to-sectors", "total_and_sectors.csv", counts=TRADE),
    Case("long-with-jumlah-sector-rows", "long_with_total_rows.csv", counts=TRADE),
    # --- total and subtotal rows
    Case(
        "jumlah-row",
        "jumlah_row.csv",
        counts=TOTALS,
        words=("row 5 ('Jumlah') is a total row, not kecamatan: left out; it equals the sum of the 3 kecamatan rows.",),
    ),
    Case(
        "total-row-that-disagrees",
        "total_row_disagrees.csv",
        counts=TOTALS,
        words=(
            "row 5 ('Jumlah/Total') is a total row, not kecamatan: left out; it does not equal the sum of the"
            " kecamatan rows ('Jumlah UMKM': 360 in the total row, 358 in the kecamatan rows): check the table.",
        ),
    ),
    Case(
        "total-label-in-no-column", "total_in_no_column.csv", counts=TOTALS, words=("row 5 ('JUMLAH') is a total row",)
    ),
    Case(
        "kab-kota-code-row",
        "kab_subtotal_code.csv",
        counts=TOTALS,
        words=("row 5 ('35.72', a kab/kota code) is a total row, not kecamatan: left out",),
    ),
    Case(
        "bps-bilingual-size-classes",
        "bilingual_bps.csv",
        counts=_sectors({KEP: (101, 15, 4), SUK: (80, 12, 3), SAN: (120, 18, 5)}, ("mikro", "kecil", "menengah")),
        words=(
            "the column names are in row 4; rows 1-3 above it (title: 'Tabel 3.1 Banyaknya UMKM menurut Kecamatan"
            " dan Skala Usaha di Kota Blitar, 2023') skipped; row 5 holds the English column names and was skipped;"
            " row 6 holds column numbers (1), (2), ... and was skipped.",
            "row 10 ('Kota Blitar', the sum of the kecamatan rows above it) is a total row, not kecamatan: left out",
            "notes below the table skipped: row 12 ('Sumber: BPS Kota Blitar').",
        ),
    ),
    Case(
        "kab-named-row-that-is-not-the-sum",
        "kab_named_row_differs.csv",
        exit=3,
        words=("unmatched (error): row 5: 'Kota Blitar' no kecamatan of that name in the study area",),
    ),
    Case(
        "heading-row-inside",
        "heading_rows.csv",
        counts=TOTALS,
        words=(
            "row 2 ('KOTA BLITAR'): heading inside the table (no kecamatan, no counts); skipped.",
            "row 6 ('Jumlah Kota Blitar') is a total row, not kecamatan: left out; it equals the sum of the 3"
            " kecamatan rows.",
        ),
    ),
    Case(
        "kecamatan-row-without-counts",
        "kecamatan_without_counts.csv",
        exit=3,
        words=(
            "row 2 ('A.'): heading inside the table (no kecamatan, no counts); skipped.",
            "missing (error): [35.72.03 Sananwetan] no data: blank cell in row 5, column 'Jumlah UMKM'",
        ),
    ),
    # --- title rows, two-row headers, notes
    Case(
        "title-rows",
        "title_rows.csv",
        counts=TOTALS,
        words=(
            "the column names are in row 4; rows 1-3 above it (title: 'Tabel 4.2 Jumlah UMKM menurut Kecamatan"
            " di Kota Blitar') skipped.",
        ),
    ),
    Case(
        "header-row-given",
        "header_row_given.csv",
        data='header_row = 2\nname_column = "Wilayah"\ncount_columns = ["Usaha"]',
        counts=TOTALS,
        words=(
            "the column names are in row 2 (as set by [data] header_row); row 1 above it (title: 'Data UMKM Kota"
            " Blitar') skipped.",
        ),
    ),
    Case(
        "excel-sep-line",
        "excel_sep_line.csv",
        counts=TOTALS,
        words=("the column names are in row 2; row 1 above it (title: 'sep= line of Excel') skipped.",),
    ),
    Case(
        "source-notes-below",
        "footnotes.csv",
        counts=TOTALS,
        words=(
            "notes below the table skipped: row 6 ('Sumber: Dinas Koperasi dan Usaha Mikro Kota Blitar (2023)');"
            " row 7 ('Catatan: data sementara').",
        ),
    ),
    Case(
        "bps-style-two-row-header",
        "two_row_header.xlsx",
        counts={
            (KEP, "total", 2022): 1210,
            (KEP, "total", 2023): 1234,
            (SUK, "total", 2022): 1005,
            (SUK, "total", 2023): 1102,
            (SAN, "total", 2022): 1388,
            (SAN, "total", 2023): 1401,
        },
        words=(
            "the column names are in rows 4-5 (a two-row header)",
            "'Jumlah UMKM 2022', 'Jumlah UMKM 2023'",
            "rows 1-3 above them (title: 'Tabel 4.2 Jumlah UMKM menurut Kecamatan di Kota Blitar, 2022-2023')",
            "row 6 holds column numbers (1), (2), ... and was skipped.",
            "column 'No' holds row numbers (1 to 3); ignored.",
            "row 10 ('Jumlah/Total') is a total row, not kecamatan: left out; it equals the sum of the 3"
            " kecamatan rows.",
            "notes below the table skipped: row 12 ('Sumber: Dinas Koperasi dan Usaha Mikro Kota Blitar').",
        ),
    ),
    # --- blank cells are no data
    Case(
        "blank-cell",
        "blank_cell.csv",
        exit=3,
        words=(
            "missing (error): [35.72.02 Sukorejo] no data: blank cell in row 3, column 'jumlah_umkm' (a blank is"
            " 'no data', not 0)",
        ),
        absent=("enter 0", "type 0"),
    ),
    Case(
        "blank-cell-allowed",
        "blank_cell.csv",
        data="allow_missing = true",
        counts={(KEP, "total", None): 120, (SAN, "total", None): 143},
        words=("missing (allowed): [35.72.02 Sukorejo] no data: blank cell in row 3, column 'jumlah_umkm'",),
    ),
    Case(
        "blank-sector-cell-allowed",
        "blank_sector.csv",
        data="allow_missing = true",
        counts=_sectors({KEP: (60, 25, 35), SAN: (70, 33, 40)}, ("perdagangan", "jasa", "kuliner")),
        words=(
            "[35.72.02 Sukorejo] no data: blank cell in row 3, column 'Jasa' (a blank is 'no data', not 0); the"
            " kecamatan's count is unknown, so its other values are not summed",
        ),
    ),
    Case(
        "dash-cell",
        "dash_cell.csv",
        exit=3,
        words=(
            "row 3, column 'Jumlah UMKM': '-' is not a count: in BPS tables '-' means none (0), elsewhere it often"
            " means unknown; write 0 if there are none, or leave the cell empty if the number is unknown",
        ),
    ),
    # --- numbers
    Case(
        "thousands-dot",
        "thousands_dot.csv",
        counts={(KEP, "total", None): 1234, (SUK, "total", None): 2005, (SAN, "total", None): 987},
    ),
    Case(
        "thousands-comma",
        "thousands_comma.csv",
        counts={(KEP, "total", None): 1234, (SUK, "total", None): 2005, (SAN, "total", None): 987},
    ),
    Case(
        "decimal-comma",
        "decimal_comma.csv",
        exit=3,
        words=(
            "decimal_comma.csv: 1 bad count cell(s); fix them in the file and run again:",
            "row 3, column 'Jumlah UMKM': '12,5' is a decimal number; a count of UMKM must be a whole number",
        ),
    ),
    Case(
        "decimal-dot",
        "decimal_dot.csv",
        exit=3,
        words=("row 4, column 'jumlah_umkm': '1.5' is a decimal number; a count of UMKM must be a whole number",),
    ),
    Case(
        "percent-cell",
        "percent_cell.csv",
        exit=3,
        words=("row 3, column 'Jumlah UMKM': '12%' is a percentage, not a count",),
    ),
    Case(
        "excel-date-and-decimal-cells",
        "excel_cells.xlsx",
        exit=3,
        words=(
            "row 3, column 'Jumlah UMKM': 2023-05-12 is a date, not a count (the spreadsheet may have turned a typed"
            " number into a date); format the column as Number and type the count again",
            "row 4, column 'Jumlah UMKM': 1.234 is a decimal number; a count of UMKM must be a whole number",
        ),
    ),
    # --- desa-level tables and lists of businesses
    Case(
        "desa-level-table",
        "desa_level.csv",
        exit=3,
        words=(
            "desa_level.csv: this is a desa-level table (one row per desa/kelurahan): column 'Desa/Kelurahan' names 7"
            " desa/kelurahan, and kecamatan repeat over rows (3 kecamatan in 7 rows). For a kecamatan or kab/kota"
            ' study set [data] table_level = "desa" (umkm-geo sums each unit\'s desa counts), or add the desa rows'
            " up into one row per kecamatan yourself (e.g. with a pivot table); for a desa-level study set [study]"
            ' level = "desa" (or umkm-geo maps --level desa).',
        ),
        absent=("is not a number",),
    ),
    Case(
        "desa-codes",
        "desa_codes.csv",
        exit=3,
        words=(
            "this is a desa-level table (one row per desa/kelurahan): 4 of the 4 codes in column 'kode' are"
            " desa/kelurahan codes (e.g. 35.72.01.1001).",
            '[data] table_level = "desa"',
        ),
    ),
    Case(
        "list-of-businesses",
        "business_list.csv",
        exit=3,
        words=(
            "this is a list of businesses (one row per UMKM: column 'Nama Usaha'), not counts per kecamatan. Count"
            " the rows per kecamatan",
        ),
    ),
    # --- files: formats, encodings, sheets
    Case("empty-file", "empty.csv", exit=3, words=("empty.csv: the file is empty",)),
    Case("only-blank-lines", "blank_lines_only.csv", exit=3, words=("blank_lines_only.csv: the file is empty",)),
    Case(
        "empty-workbook",
        "empty_workbook.xlsx",
        exit=3,
        words=("empty_workbook.xlsx: the file is empty (every sheet of the workbook is empty: ['Sheet']).",),
    ),
    Case(
        "data-on-another-sheet",
        "other_sheet.xlsx",
        exit=3,
        words=(
            "other_sheet.xlsx: sheet 'Sheet1' is empty; the data are on another sheet. The workbook's sheets are"
            " ['Sheet1', 'UMKM 2023'] (with data: ['UMKM 2023']); set [data] sheet = \"UMKM 2023\".",
        ),
    ),
    Case("sheet-given", "other_sheet.xlsx", data='sheet = "UMKM 2023"', counts=TOTALS),
    Case("legacy-xls", "legacy.xls", counts=TOTALS),
    Case(
        "web-page-named-xls",
        "html_as_xls.xls",
        exit=3,
        words=(
            "html_as_xls.xls: this file is a web page (HTML) saved with a .xls name, not a spreadsheet; open it in"
            " Excel or LibreOffice and save it as .xlsx or .csv",
        ),
    ),
    Case("tab-text-named-xls", "text_as_xls.xls", counts=TOTALS),
    Case("workbook-named-csv", "workbook_saved_as.csv", counts=TOTALS),
    Case("utf8-with-bom", "utf8_bom.csv", counts=TOTALS),
    Case("utf16-unicode-text", "utf16_unicode_text.txt", counts=TOTALS),
    Case("windows-1252", "cp1252.csv", counts=TOTALS),
    # --- codes and names
    Case("bps-numbered-names", "bps_numbered_names.csv", counts=TOTALS),
    Case(
        "not-a-code",
        "bad_code.csv",
        exit=3,
        words=(
            "row 2: '35-72-01' not a Kemendagri (35.05.01) or BPS (3505010) kecamatan code; did you mean"
            " Kepanjenkidul?",
        ),
    ),
    Case(
        "bps-code-not-in-crosswalk",
        "bps_codes.csv",
        region="35.05.05,35.05.12,35.05.04",
        exit=3,
        words=(
            "row 3: '3505060' BPS code not in the crosswalk ",
            "kode_crosswalk.csv: add a row 3505060,<Kemendagri code> to a crosswalk CSV (columns"
            " kode_bps,kode_kemendagri) and give it in [data] crosswalk",
            "row 4: '3505070' BPS code not in the crosswalk",
        ),
        absent=("did you mean", "not in the study area"),
    ),
    Case(
        "bps-codes-with-crosswalk",
        "bps_codes.csv",
        region="35.05.05,35.05.12,35.05.04",
        data=f'crosswalk = "{HERE / "bps_crosswalk_test_only.csv"}"',
        counts={("35.05.05", "total", None): 210, ("35.05.12", "total", None): 340, ("35.05.04", "total", None): 415},
    ),
]


# ----------------------------------------------------------------------------------------- runs


@pytest.fixture(scope="module")
def areas():
    """Study areas by region, each loaded once (the boundary stage is not what these cases test)."""
    cache: dict[tuple[str, str], object] = {}
    real = pipeline.load_study_area

    def load(config):
        key = (config.study.region, config.boundaries.topology)
        if key not in cache:
            cache[key] = real(config)
        return cache[key]

    return load


def _file(case: Case, tmp_path: Path) -> Path:
    if case.file in GENERATED:
        path = tmp_path / case.file
        GENERATED[case.file](path)
        return path
    return HERE / case.file


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, tmp_path, capsys, monkeypatch, areas, mirror):
    path = _file(case, tmp_path)
    config = tmp_path / "run.toml"
    config.write_text(
        f'[study]\nregion = "{case.region}"\n[boundaries]\ntopology = "kecamatan"\n'
        f'[data]\numkm = "{path}"\n{case.data}\n[output]\ndir = "{tmp_path / "out"}"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(pipeline, "load_study_area", areas)
    code = main(["validate", "--config", str(config)])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == case.exit, text
    assert "Traceback" not in text
    for words in case.words:
        assert words in text, f"{words!r} not in:\n{text}"
    for words in case.absent:
        assert words not in text
    if case.counts is not None:
        cfg = load_config(config)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            area = pipeline.load_counts(areas(cfg), cfg)
        counts = area.results.counts
        got = {
            (k, s, None if pd.isna(t) else int(t)): int(v)
            for k, s, t, v in counts[["kode", "sektor", "tahun", "jumlah"]].itertuples(index=False)
        }
        assert got == case.counts


def test_blank_cell_is_missing_in_the_join_qa_not_zero(tmp_path, capsys, monkeypatch, areas, mirror):
    config = tmp_path / "run.toml"
    config.write_text(
        f'[study]\nregion = "{KOTA}"\n[boundaries]\ntopology = "kecamatan"\n[data]\n'
        f'umkm = "{HERE / "blank_cell.csv"}"\nallow_missing = true\n[output]\ndir = "{tmp_path / "out"}"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(pipeline, "load_study_area", areas)
    assert main(["validate", "--config", str(config)]) == 0
    qa = pd.read_csv(tmp_path / "out" / "join_qa.csv", dtype=str)
    missing = qa[qa["issue"] == "missing"]
    assert missing["kode"].tolist() == [SUK]
    assert missing["severity"].tolist() == ["allowed"]
    assert "blank cell in row 3, column 'jumlah_umkm'" in missing["detail"].item()


def test_the_corpus_is_whole():
    """At least 30 cases, every file of bad_inputs/ used, every generated workbook used."""
    assert len(CASES) >= 30
    used = {c.file for c in CASES} | {"bps_crosswalk_test_only.csv"}
    assert {p.name for p in HERE.iterdir()} <= used
    assert set(GENERATED) <= used
    assert len({c.id for c in CASES}) == len(CASES)
