"""The readers of the official datasets on the real (mirrored) files: Blitar facts, QA of unmatched codes,
strict parsing.

The facts are those of ../shared/data/PROVENANCE.md (sections 1b-1d); where a number is computed the
test computes it again from the raw file without the reader.
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from umkm_geo._errors import ParseError, RegionError
from umkm_geo._resources import data_dir
from umkm_geo.sources.areas import read_areas
from umkm_geo.sources.dataset import QA_COLUMNS
from umkm_geo.sources.desa_polygons import scan_codes
from umkm_geo.sources.grdp import read_grdp
from umkm_geo.sources.idm import parse_province, read_idm, status_of
from umkm_geo.sources.population import read_population
from umkm_geo.sources.region_codes import read_region_codes
from umkm_geo.sources.registry import MIRROR_ENV, file_sha256
from umkm_geo.sources.wilayah_db import read_sql_rows

IDM_REPO = "Visualisasi-Indeks-Desa-Membangun--IDM--2024"
BLITAR = "35.05,35.72"


@pytest.fixture(scope="module")
def upstream() -> Path:
    """The folder holding one folder per upstream repository (from either form of the setting)."""
    value = os.environ.get(MIRROR_ENV)
    if not value:
        pytest.skip(f"{MIRROR_ENV} is not set: these tests read the official datasets offline from the mirror")
    root = Path(value)
    for candidate in (root, root.parent):
        if (candidate / "wilayah").is_dir() and (candidate / IDM_REPO).is_dir():
            return candidate
    pytest.fail(f"{MIRROR_ENV}={value} holds no wilayah/ and {IDM_REPO}/ folders (nor does its parent).")


@pytest.fixture(scope="module")
def blitar_idm(upstream):
    return read_idm(BLITAR, mirror=upstream)


def _raw_idm_desa(upstream: Path, kab: str) -> dict[str, list]:
    """kode -> raw desa row of kab/kota ``kab``, read with json only."""
    data = json.loads((upstream / IDM_REPO / "data/idm/prov" / f"{kab[:2]}.json").read_text(encoding="utf-8"))
    out = {}
    for kec in data["kec"]:
        if kec["kb"] == kab.replace(".", ""):
            k = kec["k"]
            for row in kec["ds"]:
                out[f"{k[:2]}.{k[2:4]}.{k[4:]}.{row[0]}"] = row
    return out


# --- IDM 2024 -----------------------------------------------------------------------------------------


def test_blitar_idm_has_all_220_desa_with_polygons_and_identical_names(upstream, blitar_idm):
    frame, qa = blitar_idm.frame, blitar_idm.qa
    assert len(frame) == 220 and set(frame["kab_kode"]) == {"35.05"}  # Kota Blitar has only kelurahan
    raw = _raw_idm_desa(upstream, "35.05")
    assert set(frame["kode"]) == set(raw)
    polygons = scan_codes(upstream / "wilayah_boundaries/db/kel/35/wilayah_boundaries_kel_35.05.sql")
    assert set(frame["kode"]) <= set(polygons)
    assert all(polygons[k].upper() == n for k, n in zip(frame["kode"], frame["nama"], strict=True))
    assert list(qa.columns) == list(QA_COLUMNS)
    assert set(qa["issue"]) == {"kelurahan_not_in_idm"}  # no desa without a polygon, no other spelling
    assert len(qa) == 49 and (qa["kode"].str.startswith("35.72.").sum(), len(qa)) == (21, 49)
    assert all(k[-4] == "1" for k in qa["kode"])


def test_blitar_idm_values_are_the_files_values(upstream, blitar_idm):
    frame = blitar_idm.frame.set_index("kode")
    raw = _raw_idm_desa(upstream, "35.05")
    row = raw["35.05.05.2005"]
    got = frame.loc["35.05.05.2005"]
    assert (got["nama"], got["idm"], got["iks"], got["ike"], got["ikl"]) == (row[1], *row[2:6])
    assert got["status"] == ["Mandiri", "Maju", "Berkembang", "Tertinggal", "Sangat Tertinggal"][row[6] - 1]
    values = np.array([raw[k][2:6] for k in frame.index], dtype=float)
    assert np.array_equal(frame[["idm", "iks", "ike", "ikl"]].to_numpy(), values)


def test_blitar_north_south_means_are_the_documented_ones(upstream, blitar_idm):
    groups = pd.read_csv(data_dir("facts") / "blitar_wilayah.csv", dtype=str).set_index("kode_kemendagri")["wilayah"]
    raw = _raw_idm_desa(upstream, "35.05")
    sums: dict[str, list[float]] = {}
    for kode, row in raw.items():  # independent of the reader: straight from the JSON
        sums.setdefault(groups[kode[:8]], []).append((row[2], row[4]))
    frame = blitar_idm.frame.assign(wilayah=lambda f: f["kec_kode"].map(groups))
    means = frame.groupby("wilayah")[["idm", "ike"]].mean()
    for side, n, idm, ike in (("selatan", 67, 0.785, 0.700), ("utara", 153, 0.812, 0.736)):
        pairs = np.array(sums[side])
        assert len(pairs) == n == (frame["wilayah"] == side).sum()
        assert means.loc[side, "idm"] == pytest.approx(pairs[:, 0].mean(), abs=1e-12)
        assert means.loc[side, "ike"] == pytest.approx(pairs[:, 1].mean(), abs=1e-12)
        assert (round(pairs[:, 0].mean(), 3), round(pairs[:, 1].mean(), 3)) == (idm, ike)


def test_idm_provenance_names_the_files_and_credit(upstream, blitar_idm):
    idm, polygons, codes = blitar_idm.provenance
    assert (idm.source, polygons.source, codes.source) == ("idm2024", "wilayah_boundaries_desa", "wilayah")
    assert "Kementerian Desa PDTT, Indeks Desa Membangun 2024 (Satu Data Indonesia)" in idm.credit
    assert idm.commit == (upstream / IDM_REPO / "UPSTREAM_COMMIT").read_text().strip()
    files = {f.relpath: f for f in idm.files}
    assert set(files) == {"data/idm/meta.json", "data/idm/prov/35.json"}
    assert files["data/idm/prov/35.json"].sha256 == file_sha256(upstream / IDM_REPO / "data/idm/prov/35.json")
    assert {f.relpath for f in polygons.files} == {
        "db/kel/35/wilayah_boundaries_kel_35.05.sql",
        "db/kel/35/wilayah_boundaries_kel_35.72.sql",
    }
    record = blitar_idm.record()
    assert record["rows"] == 220 and record["qa"] == {"kelurahan_not_in_idm": 49}


def test_idm_reports_a_desa_without_scores_and_a_status_off_its_cut_offs(upstream):
    aceh = read_idm("11.05", mirror=upstream, check=False)
    row = aceh.frame.set_index("kode").loc["11.05.02.2062"]
    assert row["nama"] == "BATU JAYA" and np.isnan(row["idm"]) and row["status_kode"] == 0
    assert aceh.qa.set_index("kode").loc["11.05.02.2062", "issue"] == "no_score"
    kalteng = read_idm("62.13.06", mirror=upstream, check=False)
    qa = kalteng.qa.set_index("kode")
    assert qa.loc["62.13.06.2003", "issue"] == "status_differs"  # IDM 0.741 is Maju; published Berkembang
    assert kalteng.frame.set_index("kode").loc["62.13.06.2003", "status"] == "Berkembang"
    cut_offs = kalteng.frame.attrs["thresholds"]
    assert [status_of(v, cut_offs) for v in (0.8156, 0.8155, 0.741, 0.599, 0.5989, 0.4908, 0.4907)] == [
        1,
        2,
        2,
        3,
        4,
        4,
        5,
    ]


def test_idm_national_count_and_unmatched_codes(upstream):
    table = read_idm(mirror=upstream)
    counts = table.qa_counts()
    assert len(table.frame) == 75_265 and table.frame["kode"].is_unique
    assert len(table.frame) - counts["no_polygon"] == 74_141
    assert len(table.frame) - counts["code_not_in_kepmendagri"] == 74_470
    assert counts["no_score"] == 4 and counts["status_differs"] == 1
    no_polygon = table.qa[table.qa["issue"] == "no_polygon"]
    assert (no_polygon["kode"].str[:2] == "96").sum() == 698  # mostly Papua, where codes changed


def test_idm_region_must_exist(upstream):
    with pytest.raises(RegionError, match=r"35\.99"):
        read_idm("35.99", mirror=upstream)


def test_idm_layout_is_checked(upstream, tmp_path):
    data = json.loads((upstream / IDM_REPO / "data/idm/prov/35.json").read_text(encoding="utf-8"))
    data["kec"] = data["kec"][:3]
    data["n"] = sum(k["n"] for k in data["kec"])
    good = tmp_path / "35.json"
    good.write_text(json.dumps(data), encoding="utf-8")
    assert len(parse_province(good, "35")) == data["n"]
    data["kec"][0]["n"] += 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ParseError, match=r"states \d+ desa but lists"):
        parse_province(bad, "35")
    data["kec"][0]["n"] -= 1
    data["kec"][0]["ds"][0][2], data["kec"][0]["ds"][0][4] = data["kec"][0]["ds"][0][4], data["kec"][0]["ds"][0][2]
    bad.write_text(json.dumps(data), encoding="utf-8")  # IDM and IKE swapped: the stated means disagree
    with pytest.raises(ParseError, match="states mean"):
        parse_province(bad, "35")
    data["kec"][0]["ds"][0] = data["kec"][0]["ds"][0][:7]
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ParseError, match="desa row"):
        parse_province(bad, "35")


# --- codes, population, areas ----------------------------------------------------------------------


def test_region_codes_national_counts_and_blitar(upstream):
    codes = read_region_codes(mirror=upstream)
    assert codes.frame["level"].value_counts().to_dict() == {4: 83_762, 3: 7_285, 2: 514, 1: 38}
    assert codes.qa.empty
    blitar = read_region_codes(BLITAR, level=4, mirror=upstream).frame
    assert len(blitar) == 269
    assert blitar.groupby(blitar["kode"].str[:5])["jenis"].value_counts().to_dict() == {
        ("35.05", "desa"): 220,
        ("35.05", "kelurahan"): 28,
        ("35.72", "kelurahan"): 21,
    }
    with pytest.raises(RegionError, match=r"35\.99"):
        read_region_codes("35.99", mirror=upstream)


def test_blitar_population_2025(upstream):
    table = read_population(BLITAR, mirror=upstream)
    got = table.frame.set_index("kode")
    assert got.loc["35.05", "total"] == 1_261_699 and got.loc["35.72", "total"] == 161_204
    assert (got["pria"] + got["wanita"] == got["total"]).all()
    assert table.qa.empty
    assert table.provenance[0].files[0].relpath == "db/wilayah_penduduk.sql"


def test_population_reports_names_that_differ(upstream):
    provinces = read_population(level=1, mirror=upstream)
    assert len(provinces.frame) == 38
    qa = provinces.qa.set_index("kode")
    assert qa.loc["96", "issue"] == "name_differs" and qa.loc["96", "nama"] == "Papua Barat Oaya"
    assert len(read_population(mirror=upstream).frame) == 514


def test_blitar_official_areas(upstream):
    table = read_areas(BLITAR, mirror=upstream)
    got = table.frame.set_index("kode")["luas_km2"]
    assert got["35.05"] == 1745.383 and got["35.72"] == 33.203
    assert table.qa.empty


def test_areas_with_mangled_codes_are_repaired_and_reported(upstream):
    table = read_areas(mirror=upstream)
    assert len(table.frame) == 514 and table.frame["kode"].is_unique
    qa = table.qa.set_index("kode")
    assert qa.loc["11.1", "issue"] == "code_repaired" and qa.loc["11.1", "matched_kode"] == "11.10"
    assert set(qa.index) == {"11.1", "12.1", "12.2", "14.1"}
    assert read_areas(level=1, mirror=upstream).qa.set_index("kode").loc["31.0", "matched_kode"] == "31"


def test_sql_dumps_are_read_strictly(tmp_path):
    head = "DROP TABLE IF EXISTS t;\nCREATE TABLE t (kode varchar(13), nama varchar(100));\n"
    path = tmp_path / "t.sql"
    path.write_text(head + "INSERT INTO t (kode, nama) VALUES\n('35','A''b'),\n('35.05','B');\n", encoding="utf-8")
    rows = read_sql_rows(path, "t", ("kode", "nama"))
    assert [(r.line, r.values) for r in rows] == [(4, ("35", "A'b")), (5, ("35.05", "B"))]
    path.write_text(head + "INSERT INTO t (kode, nama) VALUES\n('35','A'),\n('35.05');\n", encoding="utf-8")
    with pytest.raises(ParseError, match="line 5: a row of 1 values"):
        read_sql_rows(path, "t", ("kode", "nama"))
    path.write_text(head + "INSERT INTO u (kode, nama) VALUES ('35','A');\n", encoding="utf-8")
    with pytest.raises(ParseError, match="expected t"):
        read_sql_rows(path, "t", ("kode", "nama"))
    path.write_text(head + "UPDATE t SET nama = 'x';\n", encoding="utf-8")
    with pytest.raises(ParseError, match="line 3: expected an INSERT INTO t"):
        read_sql_rows(path, "t", ("kode", "nama"))


# --- GRDP per capita -------------------------------------------------------------------------------


def test_blitar_grdp_per_capita(upstream):
    table = read_grdp(BLITAR, mirror=upstream)
    got = table.frame.set_index("kode")
    assert (got.loc["35.05", "grdp_pc_2019"], got.loc["35.05", "grdp_pc_2020"]) == (21_987, 20_421)
    assert got.loc["35.72", "grdp_pc_2024"] == 37_105
    assert got.loc["35.05", "bps_kode"] == "3505" and set(got["match"]) == {"code"}
    assert table.qa.empty
    jatim = read_grdp("35", mirror=upstream)
    assert len(jatim.frame) == 38 and jatim.qa.empty


def test_grdp_maps_every_bps_code_by_name_and_reports_those_that_differ(upstream):
    table = read_grdp(mirror=upstream)
    frame = table.frame
    assert len(frame) == 514 and frame["kode"].is_unique and frame["bps_kode"].is_unique
    # independent: count the rows of the raw file whose BPS code is the Kemendagri code of the same name
    with (upstream / "indonesia514/gdp/gdp_pc.csv").open(encoding="utf-8-sig") as fh:
        raw = [r for r in csv.DictReader(fh) if r["districtID"]]
    assert len(raw) == 514
    counts = table.qa_counts()
    assert counts == {"code_differs": 199, "name_spelling": 1, "blank_row": 1}
    assert (frame["match"] == "code").sum() == 314
    qa = table.qa.set_index("kode")
    assert (qa.loc["1101", "matched_kode"], qa.loc["1101", "nama"]) == ("11.09", "Simeulue")
    assert "Kemendagri 11.01 is Kabupaten Aceh Selatan" in qa.loc["1101", "detail"]
    assert qa.loc["9471", "matched_kode"] == "91.71"  # Kota Jayapura after the 2022 Papua split
    assert qa.loc["1277", "issue"] == "name_spelling" and qa.loc["1277", "matched_nama"] == "Kota Padangsidimpuan"
    simeulue = next(r for r in raw if r["districtID"] == "1101")
    assert frame.set_index("kode").loc["11.09", "grdp_pc_2024"] == float(simeulue["grdp_pc_2024"].replace(",", ""))


def test_grdp_file_is_read_strictly(upstream, tmp_path):
    lines = (upstream / "indonesia514/gdp/gdp_pc.csv").read_text(encoding="utf-8-sig").splitlines()
    bad = tmp_path / "gdp_pc.csv"
    bad.write_text("\n".join([lines[0], re.sub(r'" 21,987 "', '"21.987"', lines[232])]), encoding="utf-8")
    from umkm_geo.sources.grdp import _read_rows

    with pytest.raises(ParseError, match=r"line 2, Blitar \(3505\): grdp_pc_2019 is '21.987'"):
        _read_rows(bad)
    bad.write_text("\n".join([lines[0].replace("district,", "name,"), lines[232]]), encoding="utf-8")
    with pytest.raises(ParseError, match="header"):
        _read_rows(bad)
