"""Tests of umkm_geo.tables.responses: reading questionnaire answers and reporting every problem."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from umkm_geo._errors import ConfigError, TableError
from umkm_geo.tables.demo.counts import ILLUSTRATIVE_NOTE
from umkm_geo.tables.responses import ISSUE_COLUMNS, LONG_COLUMNS, parse_likert, read_responses


@pytest.fixture
def units():
    """A few Blitar kecamatan, with one name repeated in two kab/kota (to test kab_kota)."""
    return pd.DataFrame(
        {
            "nama": ["Sanankulon", "Wonodadi", "Kepanjenkidul", "Sananwetan", "Sukorejo", "Sukorejo"],
            "kab_nama": [
                "Kabupaten Blitar",
                "Kabupaten Blitar",
                "Kota Blitar",
                "Kota Blitar",
                "Kabupaten Blitar",
                "Kota Blitar",
            ],
        },
        index=pd.Index(["35.05.16", "35.05.01", "35.72.01", "35.72.03", "35.05.90", "35.72.02"], name="kode"),
    )


GOOD = """responden;kecamatan;kab_kota;sektor;modal_kebutuhan_1;modal_kebutuhan_2;modal_akses_1;\
pasar_kebutuhan_1;pasar_akses_1
R01;Kec. Sanan Kulon;Kab. Blitar;Perdagangan;5;4;2;4;3
R02;35.05.01;;Industri Pengolahan;3;3;3;2;2
R03;Sukorejo;Kota Blitar;Jasa;1;2;5;5;4
R04;350501;;;4;4;1;3;3
"""


def _write(tmp_path, text, name="jawaban.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_long_wide_items(tmp_path, units):
    path = _write(tmp_path, GOOD)
    r = read_responses(path, units=units)
    assert r.issues.empty and list(r.issues.columns) == list(ISSUE_COLUMNS)
    # "Kec. Sanan Kulon" matches "Sanankulon"; "Sukorejo" + "Kota Blitar" is the city one; 350501 is undotted.
    assert r.wide["kode"].to_dict() == {"R01": "35.05.16", "R02": "35.05.01", "R03": "35.72.02", "R04": "35.05.01"}
    assert r.items == {
        "modal": {"kebutuhan": ("modal_kebutuhan_1", "modal_kebutuhan_2"), "akses": ("modal_akses_1",)},
        "pasar": {"kebutuhan": ("pasar_kebutuhan_1",), "akses": ("pasar_akses_1",)},
    }
    assert list(r.long.columns) == list(LONG_COLUMNS)
    assert len(r.long) == 4 * 5  # 4 respondents x 5 items
    one = r.long[(r.long["responden"] == "R01") & (r.long["item"] == "modal_akses_1")].iloc[0]
    assert (one["kode"], one["sektor"], one["aspek"], one["dimensi"], one["nilai"]) == (
        "35.05.16",
        "perdagangan",
        "modal",
        "akses",
        2.0,
    )
    assert r.wide.loc["R02", "row"] == 3 and pd.isna(r.wide.loc["R04", "sektor"])
    assert r.achieved().to_dict() == {"35.05.01": 2, "35.05.16": 1, "35.72.02": 1}
    rec = r.record()
    assert rec["rows"] == 4 and rec["issues"] == 0 and rec["respondents"] == 4 and len(rec["sha256"]) == 64
    assert rec["file"] == str(path) and rec["illustrative"] is False


def test_xlsx_and_frame_input_give_the_same_answers(tmp_path, units):
    frame = pd.read_csv(_write(tmp_path, GOOD), sep=";", dtype=str, keep_default_na=False)
    frame["keterangan"] = ILLUSTRATIVE_NOTE
    xlsx = tmp_path / "jawaban.xlsx"
    frame.to_excel(xlsx, index=False, sheet_name="survei")
    from_xlsx = read_responses(xlsx, units=units, sheet="survei")
    from_frame = read_responses(frame, units=units)
    pd.testing.assert_frame_equal(from_xlsx.long, from_frame.long)
    assert from_xlsx.illustrative and from_frame.illustrative
    assert from_frame.source == "<DataFrame>"


BAD = """responden,kecamatan,kab_kota,modal_kebutuhan_1,modal_akses_1,modl_akses_1,pasar_kebutuhn_1
R01,Sanankulon,,7,2,1,1
R02,Sanan Wetn,,3,x,1,1
R02,Wonodadi,,3,,1,1
,Wonodadi,,2.5,3,1,1
R05,Sukorejo,,4,4,1,1
R06,35.05.77,,4,4,1,1
"""


def test_every_problem_reported_by_respondent_and_item(tmp_path, units):
    path = _write(tmp_path, BAD)
    with pytest.raises(TableError, match=r"11 problem\(s\)") as info:
        read_responses(path, units=units)
    issues = info.value.issues
    assert "row 2 (responden R01), column 'modal_kebutuhan_1': outside 1-5 '7'" in str(info.value)
    got = {(r.row if not pd.isna(r.row) else None, r.responden, r.column, r.problem) for r in issues.itertuples()}
    assert got == {
        (None, "", "modl_akses_1", "unknown aspect"),
        (None, "", "pasar_kebutuhn_1", "unknown dimension"),
        (2, "R01", "modal_kebutuhan_1", "outside 1-5"),
        (3, "R02", "kecamatan", "unknown kecamatan"),
        (3, "R02", "modal_akses_1", "not a number"),
        (4, "R02", "responden", "duplicate respondent id"),
        (4, "R02", "modal_akses_1", "missing answer"),
        (5, "", "responden", "missing respondent id"),
        (5, "", "modal_kebutuhan_1", "not a whole number"),
        (6, "R05", "kecamatan", "ambiguous kecamatan"),
        (7, "R06", "kecamatan", "unknown kecamatan"),
    }
    by = issues.set_index(["row", "column"])
    assert "Sananwetan" in by.loc[(3, "kecamatan"), "suggestion"]
    assert "35.05.90 (Kabupaten Blitar), 35.72.02 (Kota Blitar)" in by.loc[(6, "kecamatan"), "suggestion"]
    assert "row 3" in by.loc[(4, "responden"), "suggestion"]
    assert "modal" in issues.loc[issues["column"] == "modl_akses_1", "suggestion"].iloc[0]
    assert "pasar_kebutuhan_1" in issues.loc[issues["column"] == "pasar_kebutuhn_1", "suggestion"].iloc[0]


def test_not_strict_keeps_valid_answers_and_reports_the_rest(tmp_path, units):
    with pytest.warns(UserWarning, match=r"11 problem\(s\).*5 row\(s\) left out"):
        r = read_responses(_write(tmp_path, BAD), units=units, strict=False)
    assert len(r.issues) == 11
    # Only R01 is placed in a kecamatan with a unique id (R02 row 3: unknown kecamatan; row 4: repeated id;
    # row 5: no id; R05: ambiguous name; R06: unknown code).
    assert list(r.wide.index) == ["R01"]
    assert pd.isna(r.wide.loc["R01", "modal_kebutuhan_1"])  # 7 set missing
    assert r.wide.loc["R01", "modal_akses_1"] == 2.0
    assert r.long["nilai"].isna().sum() == 1 and len(r.long) == 2
    assert r.record()["issues_by_problem"]["unknown kecamatan"] == 2


def test_configured_aspects(tmp_path, units):
    path = _write(tmp_path, GOOD)
    # pasar is in the file but not configured: its columns are reported; kebijakan is configured but absent.
    with pytest.raises(TableError) as info:
        read_responses(path, units=units, aspects={"modal": ["kebutuhan", "akses"], "kebijakan": ["kebutuhan"]})
    problems = info.value.issues.set_index("column")["problem"].to_dict()
    assert problems == {
        "pasar_kebutuhan_1": "unknown aspect",
        "pasar_akses_1": "unknown aspect",
        "kebijakan_kebutuhan_*": "no items",
    }
    only_need = {"modal": ["kebutuhan"], "pasar": ["kebutuhan", "akses"]}
    with pytest.raises(TableError, match="dimension not configured"):
        read_responses(path, units=units, aspects=only_need)
    r = read_responses(path, units=units, aspects=["modal", "pasar"])
    assert set(r.items) == {"modal", "pasar"}
    with pytest.raises(ConfigError, match="'need'"):
        read_responses(path, units=units, aspects={"modal": ["need"]})


def test_parse_likert_cells():
    assert parse_likert("4") == (4, "")
    assert parse_likert(" 5,0 ") == (5, "")
    assert parse_likert(3.0) == (3, "")
    assert parse_likert("") == (None, "missing answer")
    assert parse_likert(float("nan")) == (None, "missing answer")
    assert parse_likert("empat") == (None, "not a number")
    assert parse_likert(True) == (None, "not a number")
    assert parse_likert("0") == (None, "outside 1-5")
    assert parse_likert(6) == (None, "outside 1-5")
    assert parse_likert("3.5") == (None, "not a whole number")


def test_structure_errors_and_unused_columns(tmp_path, units):
    with pytest.raises(TableError, match="no responden column"):
        read_responses(_write(tmp_path, "kecamatan,modal_akses_1\nWonodadi,3\n"), units=units)
    with pytest.raises(TableError, match="no item columns"):
        read_responses(_write(tmp_path, "responden,kecamatan,umur\nR1,Wonodadi,40\n"), units=units)
    with pytest.raises(TableError, match="does not exist"):
        read_responses(tmp_path / "missing.csv", units=units)
    text = "responden,kecamatan,umur,modal_akses_1\nR1,Wonodadi,40,3\n\n,,,\n"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = read_responses(_write(tmp_path, text), units=units)
    assert any("['umur']" in str(w.message) for w in caught)
    assert r.rows == 1 and list(r.wide.index) == ["R1"]
