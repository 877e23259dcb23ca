from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from umkm_geo._errors import ConfigError
from umkm_geo.cli import main
from umkm_geo.config import config_from_dict, load_config
from umkm_geo.indicators.core import area_km2
from umkm_geo.tables.demo.counts import blitar_demo_totals, generate_demo_counts


def test_demo_totals_match_published_figures():
    totals = blitar_demo_totals().set_index(["kab_kode", "tahun"])
    stats = pd.read_csv("data/facts/blitar_region_stats.csv")
    kab = stats[(stats["region"] == "Kabupaten Blitar") & (stats["variable"] == "usaha_mikro_tahun_berjalan")]
    published = dict(zip(kab["reference_year"].astype(int), kab["value"], strict=True))
    assert totals.loc[("35.05", 2019), "total"] == published[2019]
    assert totals.loc[("35.05", 2020), "total"] == published[2020]
    assert totals.loc[("35.05", 2019), "basis"] == "published"
    kota = totals.loc[("35.72", 2019)]
    assert kota["basis"] == "interpolated" and 13280 < kota["total"] < 14734


def test_demo_counts_are_seeded_and_add_up(blitar):
    totals = blitar_demo_totals()
    a = generate_demo_counts(blitar.frame, totals=totals, area_km2=area_km2(blitar.frame), seed=1)
    b = generate_demo_counts(blitar.frame, totals=totals, area_km2=area_km2(blitar.frame), seed=1)
    c = generate_demo_counts(blitar.frame, totals=totals, area_km2=area_km2(blitar.frame), seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not a["jumlah_umkm"].equals(c["jumlah_umkm"])
    sums = a.assign(kab=a["kode"].str.slice(0, 5)).groupby(["kab", "tahun"])["jumlah_umkm"].sum()
    expected = totals.set_index(["kab_kode", "tahun"])["total"]
    assert sums.to_dict() == expected.to_dict()
    assert (a["keterangan"] == "Data ilustrasi / illustrative data — not official statistics").all()
    assert a.groupby(["kode", "tahun"]).size().eq(5).all()


def test_config_rejects_unknown_keys_and_bad_values(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown key .permutation.*valid keys"):
        config_from_dict({"statistics": {"permutation": 99}})
    with pytest.raises(ConfigError, match="unknown section"):
        config_from_dict({"stats": {}})
    with pytest.raises(ConfigError, match="must be of type int"):
        config_from_dict({"statistics": {"permutations": "many"}})
    with pytest.raises(ConfigError, match="choose one of"):
        config_from_dict({"statistics": {"correction": "holm"}})
    assert load_config("configs/blitar.toml").study.region == "35.05,35.72"


def test_template_for_blitar_and_jawa_timur(capsys, mirror, tmp_path):
    assert main(["template", "--region", "35.05,35.72"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0] == "kode,kecamatan,kab_kota,jumlah_umkm"
    assert len(rows) == 26 and rows[1].startswith("35.05.01,Wonodadi,Kabupaten Blitar")
    out = tmp_path / "jatim.csv"
    assert main(["template", "--region", "35", "--output", str(out)]) == 0
    assert len(pd.read_csv(out)) == 666


def test_filled_template_runs_through_validate(capsys, mirror, tmp_path):
    out = tmp_path / "blitar.csv"
    assert main(["template", "--region", "35.05,35.72", "--output", str(out)]) == 0
    table = pd.read_csv(out)
    table["jumlah_umkm"] = range(1, len(table) + 1)
    table.to_csv(out, index=False)
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'[data]\numkm = "{out.name}"\n[output]\ndir = "{tmp_path / "out"}"\n')
    assert main(["validate", "--config", str(cfg)]) == 0
    assert "25 of 25 rows matched" in capsys.readouterr().out


def test_bad_input_gives_one_message_and_exit_code(tmp_path, mirror):
    bad = tmp_path / "bad.csv"
    bad.write_text("kecamatan,jumlah_umkm\nWonodadi,-1\n")
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'[data]\numkm = "{bad.name}"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "umkm_geo.cli", "maps", "--config", str(cfg)],
        capture_output=True,
        cwd=tmp_path,
        text=True,
        check=False,
    )
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert "row 2, column 'jumlah_umkm'" in proc.stderr and "negative" in proc.stderr
    cfg.write_text("[data]\nfoo = 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "umkm_geo.cli", "maps", "--config", str(cfg)],
        capture_output=True,
        cwd=tmp_path,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "unknown key 'foo'" in proc.stderr


def test_a_config_file_must_name_its_umkm_table(tmp_path, capsys):
    """Illustrative counts only when the file asks for them: a forgotten [data] umkm is an error."""
    cfg = tmp_path / "run.toml"
    cfg.write_text('[study]\nregion = "35.72"\n')
    assert main(["validate", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "[data] umkm is not set, so there is no UMKM table to map" in err
    assert 'write [data] umkm = "demo" for illustrative counts' in err
    cfg.write_text('[study]\nregion = "35.72"\n[data]\numkm = "demo"\n')
    assert load_config(cfg).data.umkm == "demo"
