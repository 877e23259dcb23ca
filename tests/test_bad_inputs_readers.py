"""Every count table a user gives goes through the count-table reader (issue 9, section 2).

``umkm-geo regional`` (its table and ``--reference``), ``survey-plan``, ``survey-score --counts`` and
``[regional] reference`` read their tables with :func:`umkm_geo.tables.counts.read.read_count_table` (or
:func:`umkm_geo.tables.counts.read.read_reference_table`): ``1.234`` is 1234, a blank cell is no data (never 0),
total rows are left out, a column of unknown numbers and a bad cell stop the run with the file, row
and column. The numbers are made up for the tests; the hand-worked location quotients are in the
comments.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from umkm_geo._errors import TableError
from umkm_geo.cli import EXIT_DATA, EXIT_OK, main
from umkm_geo.pipeline.analysis import _reference_table
from umkm_geo.tables.counts.read import read_reference_table
from umkm_geo.tables.demo.survey import demo_responses

KEP, SUK = "35.72.01", "35.72.02"
#: 2023: Kepanjenkidul 1,200 perdagangan + 800 jasa, Sukorejo 300 + 700; a total row below.
LONG = (
    "kode,sektor,tahun,jumlah\n"
    f"{KEP},perdagangan,2023,1.200\n"
    f"{KEP},jasa,2023,800\n"
    f"{SUK},perdagangan,2023,300\n"
    f"{SUK},jasa,2023,700\n"
    "Jumlah,,2023,3.000\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _regional(tmp_path: Path, table: Path, *options: str) -> int:
    return main(["regional", str(table), "--method", "lq", *options, "--output", str(tmp_path / "lq.csv")])


def _lq(tmp_path: Path) -> dict[tuple[str, str], float]:
    frame = pd.read_csv(tmp_path / "lq.csv", dtype={"kode": str})
    return {(k, s): v for k, s, v in frame[["kode", "sektor", "lq"]].itertuples(index=False)}


# ------------------------------------------------------------------------------- umkm-geo regional


def test_regional_reads_thousands_separators_and_leaves_the_total_row_out(tmp_path, capsys):
    path = _write(tmp_path, "counts.csv", LONG)
    assert _regional(tmp_path, path) == EXIT_OK
    # E = 3000, E_perdagangan = 1500: LQ(Kep, perdagangan) = (1200/2000)/(1500/3000) = 1.2, and so on
    expected = {(KEP, "perdagangan"): 1.2, (KEP, "jasa"): 0.8, (SUK, "perdagangan"): 0.6, (SUK, "jasa"): 1.4}
    got = _lq(tmp_path)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12)
    assert f"{path}: row 6 ('Jumlah') is a total row, not kecamatan: left out." in capsys.readouterr().err


def test_regional_reads_a_wide_table_with_its_total_column(tmp_path):
    text = (
        "Kecamatan,kode,Perdagangan,Jasa,Jumlah UMKM\n"
        f"Kepanjenkidul,{KEP},1.200,800,2.000\nSukorejo,{SUK},300,700,1.000\n"
    )
    assert _regional(tmp_path, _write(tmp_path, "wide.csv", text)) == EXIT_OK
    got = _lq(tmp_path)
    assert got[(KEP, "perdagangan")] == pytest.approx(1.2, rel=1e-12)
    assert got[(SUK, "jasa")] == pytest.approx(1.4, rel=1e-12)
    assert len(got) == 4  # the total column is not a sector


def test_regional_refuses_a_blank_cell(tmp_path, capsys):
    path = _write(tmp_path, "blank.csv", LONG.replace(f"{SUK},jasa,2023,700", f"{SUK},jasa,2023,"))
    assert _regional(tmp_path, path) == EXIT_DATA
    err = capsys.readouterr().err
    assert (
        f"{path}: 1 blank cell(s): row 5, column 'jumlah'. A blank cell is 'no data', not 0, and umkm-geo regional"
        " needs every count: fill them in (0 where there are none), or leave those kecamatan out of the table."
    ) in err
    assert not (tmp_path / "lq.csv").exists()


def test_regional_refuses_a_missing_sector_row(tmp_path, capsys):
    path = _write(tmp_path, "gap.csv", LONG.replace(f"{SUK},jasa,2023,700\n", ""))
    assert _regional(tmp_path, path) == EXIT_DATA
    assert (
        f"{path}: umkm-geo regional needs a count for every sector and year of every kecamatan: '35.72.02' has no"
        " count for jasa 2023. Add them (0 where there are none), or leave those kecamatan out of the table."
    ) in capsys.readouterr().err


def test_regional_refuses_a_repeated_row(tmp_path, capsys):
    path = _write(tmp_path, "twice.csv", LONG.replace("Jumlah,,2023,3.000\n", f"{KEP},jasa,2023,800\n"))
    assert _regional(tmp_path, path) == EXIT_DATA
    assert (
        f"{path}: a kecamatan, sector and year appear more than once: '35.72.01', sektor jasa, tahun 2023 in rows"
        " 3, 6. Keep one row for each (add them up first if they are parts)."
    ) in capsys.readouterr().err


def test_regional_refuses_a_decimal_and_a_column_of_other_numbers(tmp_path, capsys):
    path = _write(tmp_path, "decimal.csv", LONG.replace("300", '"12,5"'))
    assert _regional(tmp_path, path) == EXIT_DATA
    assert (
        f"{path}: 1 bad count cell(s); fix them in the file and run again:\n"
        "  row 4, column 'jumlah': '12,5' is a decimal number; a count of UMKM must be a whole number"
    ) in capsys.readouterr().err
    rows = LONG.splitlines()
    text = "\n".join([rows[0] + ",luas_km2", *(r + ",3" for r in rows[1:5])]) + "\n"
    path = _write(tmp_path, "luas.csv", text)
    assert _regional(tmp_path, path) == EXIT_DATA
    assert (
        f"{path}: column 'luas_km2' holds numbers but is not a count column umkm_geo knows."
    ) in capsys.readouterr().err


def test_regional_names_its_kecamatan_column_with_id(tmp_path, capsys):
    text = "Wilayah,sektor,jumlah\nA,dagang,10\nA,jasa,30\nB,dagang,20\nB,jasa,20\n"
    path = _write(tmp_path, "names.csv", text)
    assert _regional(tmp_path, path, "--id", "Wilayah") == EXIT_OK
    # (10/40)/(30/80) = 2/3, (30/40)/(50/80) = 1.2, (20/40)/(30/80) = 4/3, (20/40)/(50/80) = 0.8
    assert _lq(tmp_path) == pytest.approx(
        {("A", "dagang"): 2 / 3, ("A", "jasa"): 1.2, ("B", "dagang"): 4 / 3, ("B", "jasa"): 0.8}
    )
    assert _regional(tmp_path, path, "--id", "nope") == EXIT_DATA
    assert (
        f"{path}: column 'nope' (--id) not found; the columns are ['Wilayah', 'sektor', 'jumlah']."
    ) in capsys.readouterr().err


def test_regional_shift_share_needs_two_years(tmp_path, capsys):
    path = _write(tmp_path, "counts.csv", LONG)
    out = tmp_path / "ss.csv"
    assert main(["regional", str(path), "--method", "shift-share", "--output", str(out)]) == EXIT_DATA
    assert (
        f"{path}: --method shift-share compares two years, but the table has only 2023 (a tahun column or year"
        " columns)."
    ) in capsys.readouterr().err


def test_regional_reference_is_read_like_a_count_table(tmp_path, capsys):
    counts = _write(tmp_path, "counts.csv", LONG)
    reference = _write(
        tmp_path,
        "provinsi.csv",
        'Tabel 1. UMKM Provinsi\nSektor,Tahun,Jumlah\nPerdagangan,2023,"6.000"\nJasa,2023,"4.000"\n'
        'Jumlah,2023,"10.000"\n',
    )
    assert _regional(tmp_path, counts, "--reference", str(reference)) == EXIT_OK
    # E_j from the province: 6000 and 4000 of 10000; LQ(Kep, perdagangan) = (1200/2000)/(6000/10000) = 1.0
    expected = {(KEP, "perdagangan"): 1.0, (KEP, "jasa"): 1.0, (SUK, "perdagangan"): 0.5, (SUK, "jasa"): 1.75}
    got = _lq(tmp_path)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12)
    err = capsys.readouterr().err
    assert f"{reference}: row 5 ('Jumlah') is a total row, not a sector: left out." in err
    assert f"{reference}: the column names are in row 2; row 1 above it (title: 'Tabel 1. UMKM Provinsi')" in err


# ------------------------------------------------------------------------------- reference tables


def test_a_reference_table_long_or_one_column_per_year(tmp_path):
    long = _write(tmp_path, "long.csv", "sektor,tahun,jumlah\nMakanan dan Minuman,2022,1.500\nJasa,2022,700\n")
    wide = _write(tmp_path, "wide.csv", "Sektor,2022,2023\nMakanan dan Minuman,1.500,1.600\nJasa,700,710\n")
    got = read_reference_table(long)
    assert got.to_dict("list") == {
        "sektor": ["makanan_dan_minuman", "jasa"],
        "tahun": [2022, 2022],
        "jumlah": [1500, 700],
    }
    got = read_reference_table(wide)
    assert sorted(got.itertuples(index=False, name=None)) == [
        ("jasa", 2022, 700),
        ("jasa", 2023, 710),
        ("makanan_dan_minuman", 2022, 1500),
        ("makanan_dan_minuman", 2023, 1600),
    ]
    assert got["jumlah"].dtype == "int64" and got["tahun"].dtype == "int64"


def test_the_config_reference_uses_the_same_reader(tmp_path):
    """``[regional] reference`` (analysis._reference_table) reads through read_reference_table."""
    path = _write(tmp_path, "provinsi.csv", 'sektor,tahun,jumlah\nperdagangan,2023,"1,234"\njasa,2023,56\n')
    assert _reference_table(path).to_dict("list") == {
        "sektor": ["perdagangan", "jasa"],
        "tahun": [2023, 2023],
        "jumlah": [1234, 56],
    }
    bad = _write(tmp_path, "bad.csv", "sektor,tahun,jumlah\nperdagangan,2023,\njasa,2023,56\nJasa,2023,57\n,2023,4\n")
    with pytest.raises(TableError) as caught:
        _reference_table(bad)
    assert str(caught.value) == (
        f"{bad}: 3 problem(s) in the reference table; fix them and run again:\n"
        "  row 2, column 'jumlah': the total of sector 'perdagangan' is blank; a reference total cannot be 'no data':"
        " fill it in (0 if the reference region has no UMKM in that sector)\n"
        "  row 5: the sector is empty; name the sector of this row\n"
        "  rows 3, 4: the total of sector jasa for 2023 is given more than once; keep one"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sektor,jumlah\nperdagangan,12\n",
            "the reference table has no year; give it a tahun column (one row per sector and year), or one column"
            " per year (2022, 2023).",
        ),
        (
            "sektor,tahun,jumlah,penduduk\nperdagangan,2023,12,5000\n",
            "column 'penduduk' holds numbers but the reference table is read from its jumlah column (next to a tahun"
            " column) or its year columns (2022, 2023) only; remove the other columns from the reference table.",
        ),
        (
            "provinsi,tahun,jumlah\nJawa Timur,2023,12\n",
            "no sector column; a reference table has one row per sector, named in a column called one of ['sektor',"
            " 'sector', 'sektor_usaha', 'jenis_usaha', 'bidang_usaha', 'lapangan_usaha']. The columns are"
            " ['provinsi', 'tahun', 'jumlah'] (row 1).",
        ),
        (
            "sektor,tahun,jumlah\nperdagangan,2023,-5\n",
            "1 bad count cell(s); fix them in the file and run again:\n  row 2, column 'jumlah': '-5' is negative",
        ),
    ],
    ids=["no-year", "other-numbers", "no-sector-column", "negative"],
)
def test_a_bad_reference_table_is_refused(tmp_path, text, message):
    path = _write(tmp_path, "ref.csv", text)
    with pytest.raises(TableError) as caught:
        read_reference_table(path)
    assert str(caught.value) == f"{path}: {message}"


# ------------------------------------------------------------------------------- survey-plan


PLAN = 'No,Kecamatan,Jumlah UMKM\n1,Kepanjenkidul,1.234\n2,Sukorejo,987\n3,Sananwetan,"2,005"\n,Jumlah,4.226\n'


def test_survey_plan_reads_the_counts_like_a_count_table(tmp_path, capsys):
    path = _write(tmp_path, "counts.csv", PLAN)
    out = tmp_path / "plan.csv"
    assert main(["survey-plan", str(path), "--output", str(out)]) == EXIT_OK
    table = pd.read_csv(out)
    body = table[table["No"].notna()]
    assert body["Kode Kemendagri"].tolist() == ["Kepanjenkidul", "Sukorejo", "Sananwetan"]
    assert body["Jumlah UMKM (populasi)"].tolist() == [1234, 987, 2005]
    assert table["Jumlah UMKM (populasi)"].iloc[-1] == 4226  # the plan's own total row: no total counted twice
    err = capsys.readouterr().err
    assert f"{path}: column 'No' holds row numbers (1 to 3); ignored." in err
    assert f"{path}: row 5 ('Jumlah') is a total row, not kecamatan: left out; it equals the sum of the 3" in err


def test_survey_plan_refuses_a_blank_count_and_several_years(tmp_path, capsys):
    path = _write(tmp_path, "blank.csv", PLAN.replace("987", ""))
    assert main(["survey-plan", str(path), "--output", str(tmp_path / "plan.csv")]) == EXIT_DATA
    assert (
        f"{path}: 1 blank cell(s): row 3, column 'Jumlah UMKM'. A blank cell is 'no data', not 0, and the survey plan"
        " needs every count"
    ) in capsys.readouterr().err
    path = _write(tmp_path, "years.csv", "kode,2022,2023\n35.72.01,10,12\n35.72.02,20,22\n")
    assert main(["survey-plan", str(path), "--output", str(tmp_path / "plan.csv")]) == EXIT_DATA
    assert (
        f"{path}: the table has counts for several years [2022, 2023]; the survey plan needs one count per"
        " kecamatan: give the counts of one year."
    ) in capsys.readouterr().err
    assert not (tmp_path / "plan.csv").exists()


# ------------------------------------------------------------------------------- survey-score --counts


@pytest.fixture(scope="module")
def kota(tmp_path_factory, blitar):
    """Questionnaire answers from the three kecamatan of Kota Blitar."""
    folder = tmp_path_factory.mktemp("score_counts")
    frame = blitar.frame[blitar.frame.index.str.startswith("35.72.")]
    demo_responses(pd.Series(6, index=frame.index), frame, seed=5).to_csv(folder / "answers.csv", index=False)
    return folder


def _score(folder: Path, counts: Path, out: Path) -> int:
    argv = ["survey-score", str(folder / "answers.csv"), "--region", "35.72", "--counts", str(counts)]
    return main([*argv, "--bootstrap", "19", "--output", str(out)])


def test_survey_score_counts_read_like_a_count_table(kota, capsys):
    plain = _write(kota, "plain.csv", "kode,jumlah\n35.72.01,1234\n35.72.02,987\n35.72.03,2005\n")
    typed = _write(
        kota,
        "typed.csv",
        "Data UMKM 2023\nNo,Kode,Kecamatan,Jumlah UMKM\n1,35.72.01,Kepanjenkidul,1.234\n2,35.72.02,Sukorejo,987\n"
        '3,35.72.03,Sananwetan,"2,005"\n,,Jumlah,4.226\n',
    )
    assert _score(kota, plain, kota / "a.csv") == EXIT_OK
    assert _score(kota, typed, kota / "b.csv") == EXIT_OK
    a, b = pd.read_csv(kota / "a.csv"), pd.read_csv(kota / "b.csv")
    pd.testing.assert_frame_equal(a, b)  # the same weights: 1.234 is 1234 and the total row is left out
    assert np.isfinite(a["gap"]).all()
    capsys.readouterr()


def test_survey_score_refuses_a_blank_count_of_a_surveyed_kecamatan(kota, capsys):
    path = _write(kota, "blank.csv", "kode,jumlah\n35.72.01,1234\n35.72.02,\n35.72.03,2005\n")
    assert _score(kota, path, kota / "c.csv") == EXIT_DATA
    assert (
        f"{path}: the counts lack kecamatan with respondents, whose answers cannot be weighted without them:\n"
        "  [35.72.02 Sukorejo] no data: blank cell in row 3, column 'jumlah' (a blank is 'no data', not 0)\n"
        "Fill in their counts (0 where there are none)."
    ) in capsys.readouterr().err
    assert not (kota / "c.csv").exists()
