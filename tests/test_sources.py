from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import shapely
from libpysal.graph import Graph

from umkm_geo._errors import DataSourceError, HashMismatchError, ParseError, RegionError
from umkm_geo.sources.boundaries import load_kecamatan
from umkm_geo.sources.registry import fetch, file_sha256, load_registry
from umkm_geo.sources.wilayah_sql import parse_wilayah_sql, path_to_geometry, read_names

ROW_CODE = re.compile(r"\(\s*'(\d{2}\.\d{2}\.\d{2})'\s*,")
HEADER = "INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES\n"


def _sql(tmp_path: Path, body: str, name: str = "x.sql") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_registry_lists_every_province_file_with_hash():
    reg = load_registry()
    kec = [p for p in reg.files if p.startswith("db/kec/")]
    assert len(kec) == 38
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in reg.files.values())
    assert reg.commit in reg.url("db/kec/wilayah_boundaries_kec_35.sql")
    assert reg.licence == "MIT"


def test_parser_reads_every_province_kecamatan_file(mirror):
    reg = load_registry()
    total = 0
    for relpath in sorted(p for p in reg.files if p.startswith("db/kec/")):
        fetched = fetch(reg, relpath)
        text = fetched.path.read_text(encoding="utf-8")
        expected = set(ROW_CODE.findall(text))  # independent count of the row codes
        layer = parse_wilayah_sql(fetched.path)
        frame = layer.frame
        assert set(frame["kode"]) == expected, relpath
        assert len(frame) == len(expected)
        assert frame.geometry.is_valid.all(), relpath
        assert frame.geom_type.isin(["Polygon", "MultiPolygon"]).all()
        minx, miny, maxx, maxy = frame.total_bounds
        assert minx >= 94 and maxx <= 142 and miny >= -12 and maxy <= 7, relpath
        total += len(frame)
    assert 7280 <= total <= 7290


def test_blitar_kecamatan_lie_where_blitar_is(blitar):
    frame = blitar.frame
    assert len(frame) == 25
    minx, miny, maxx, maxy = frame.total_bounds
    assert minx >= 111.9 and maxx <= 112.6
    assert miny >= -8.4 and maxy <= -7.9
    # the upstream centroid (lat, lng) must fall near our polygon's centroid
    wonodadi = frame.loc["35.05.01"].geometry
    assert wonodadi.contains(shapely.Point(wonodadi.representative_point()))
    assert set(frame["kab_nama"]) == {"Kabupaten Blitar", "Kota Blitar"}


def test_default_topology_gives_queen_contiguity_without_islands(blitar):
    assert blitar.topology["method"] == "desa"
    graph = Graph.build_contiguity(blitar.frame, rook=False)
    assert len(graph.isolates) == 0
    assert graph.cardinalities.mean() > 4


def test_kecamatan_polygons_show_the_false_islands(mirror):
    raw = load_kecamatan("35.05,35.72", topology="kecamatan")
    graph = Graph.build_contiguity(raw.frame, rook=False)
    names = set(raw.frame.loc[list(graph.isolates), "nama"])
    assert names == {"Srengat", "Nglegok", "Sutojayan", "Wlingi"}
    assert raw.topology["weights_hint"] == "fuzzy"


def test_region_selection_by_province_kab_and_kecamatan(mirror):
    assert len(load_kecamatan("35.05.01", topology="kecamatan").frame) == 1
    assert len(load_kecamatan("35.72", topology="kecamatan").frame) == 3
    whole = load_kecamatan("35", topology="kecamatan").frame
    assert len(whole) == 666


def test_region_outside_data_is_a_clear_error(mirror):
    with pytest.raises(RegionError, match=r"35\.99"):
        load_kecamatan("35.99", topology="kecamatan")
    with pytest.raises(RegionError, match="not a Kemendagri"):
        load_kecamatan("Blitar")


def test_desa_topology_needs_desa_files(mirror):
    from umkm_geo._errors import ConfigError

    with pytest.raises(ConfigError, match="desa files"):
        load_kecamatan("34.71", topology="desa")
    auto = load_kecamatan("34.71")
    assert auto.topology["method"] == "kecamatan"


def test_hash_mismatch_in_mirror_is_refused(tmp_path, mirror):
    reg = load_registry()
    relpath = "db/kab/wilayah_boundaries_kab_35.sql"
    fake = tmp_path / "mirror"
    (fake / "db/kab").mkdir(parents=True)
    shutil.copy(mirror / relpath, fake / relpath)
    with (fake / relpath).open("a") as fh:
        fh.write("\n-- tampered\n")
    with pytest.raises(HashMismatchError, match="refused"):
        fetch(reg, relpath, mirror=fake)


def test_hash_mismatch_in_cache_is_refused(tmp_path, mirror, monkeypatch):
    reg = load_registry()
    relpath = "db/kab/wilayah_boundaries_kab_35.sql"
    monkeypatch.delenv("UMKM_GEO_MIRROR")
    cached = tmp_path / "cache" / reg.name / reg.commit[:12] / relpath
    cached.parent.mkdir(parents=True)
    cached.write_text("not the pinned file")
    with pytest.raises(HashMismatchError):
        fetch(reg, relpath, cache_dir=tmp_path / "cache")
    shutil.copy(mirror / relpath, cached)
    got = fetch(reg, relpath, cache_dir=tmp_path / "cache")
    assert got.origin == "cache" and file_sha256(got.path) == reg.files[relpath]


def test_missing_mirror_folder_and_unknown_file(tmp_path):
    reg = load_registry()
    with pytest.raises(DataSourceError, match="does not exist"):
        fetch(reg, "db/kab/wilayah_boundaries_kab_35.sql", mirror=tmp_path / "nope")
    with pytest.raises(DataSourceError, match="not in the"):
        fetch(reg, "db/kec/wilayah_boundaries_kec_99.sql")


def test_path_depth_3_and_4_and_lat_lng_order():
    poly = path_to_geometry("[[[-8.0,112.0],[-8.0,112.1],[-8.1,112.1],[-8.0,112.0]]]")
    assert poly.geom_type == "Polygon"
    assert poly.bounds == (112.0, -8.1, 112.1, -8.0)
    multi = path_to_geometry(
        "[[[[-8.0,112.0],[-8.0,112.1],[-8.1,112.1],[-8.0,112.0]]],[[[-7.0,111.0],[-7.0,111.1],[-7.1,111.1]]]]"
    )
    assert multi.geom_type == "MultiPolygon" and len(multi.geoms) == 2
    assert multi.geoms[1].exterior.coords[0] == multi.geoms[1].exterior.coords[-1]  # closed
    with pytest.raises(ParseError, match="depth 2"):
        path_to_geometry("[[-8.0,112.0],[-8.0,112.1]]")


def test_invalid_polygon_is_repaired_and_reported(tmp_path):
    bowtie = "[[[-8.0,112.0],[-8.1,112.1],[-8.0,112.1],[-8.1,112.0],[-8.0,112.0]]]"
    good = "[[[-8.0,112.0],[-8.0,112.1],[-8.1,112.1],[-8.0,112.0]]]"
    body = f"{HEADER}\t('35.05.01','Wonodadi',-8,112,'{bowtie}'),\n  ('35.05.02','Ma''rif',-8,112,'{good}');\n"
    layer = parse_wilayah_sql(_sql(tmp_path, "/* header */\n" + body))
    assert layer.repaired == ("35.05.01",)
    assert layer.frame.geometry.is_valid.all()
    assert layer.frame["nama"].tolist() == ["Wonodadi", "Ma'rif"]
    assert read_names(layer.source) == {"35.05.01": "Wonodadi", "35.05.02": "Ma'rif"}


def test_malformed_sql_names_file_and_line(tmp_path):
    good = "[[[-8.0,112.0],[-8.0,112.1],[-8.1,112.1],[-8.0,112.0]]]"
    body = f"{HEADER}\t('35.05.01','A',-8,112,'{good}'),\n\t('35.05.02','B',-8,112);\n"
    with pytest.raises(ParseError, match=r"bad\.sql, line 3"):
        parse_wilayah_sql(_sql(tmp_path, body, "bad.sql"))
    dup = f"{HEADER}\t('35.05.01','A',-8,112,'{good}'),\n\t('35.05.01','B',-8,112,'{good}');\n"
    with pytest.raises(ParseError, match="appears twice"):
        parse_wilayah_sql(_sql(tmp_path, dup, "dup.sql"))
    swapped = f"{HEADER}\t('35.05.01','A',-8,112,'[[[112.0,-8.0],[112.1,-8.0],[112.1,-8.1],[112.0,-8.0]]]');\n"
    with pytest.raises(ParseError, match="outside"):
        parse_wilayah_sql(_sql(tmp_path, swapped, "swapped.sql"))
    with pytest.raises(ParseError, match="expected an INSERT"):
        parse_wilayah_sql(_sql(tmp_path, "SELECT 1;", "select.sql"))
