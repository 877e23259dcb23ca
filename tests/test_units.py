"""Units of analysis: desa and kab/kota study areas on the real mirror, with the IDM 2024 as the analysed layer.

Counts and means are checked against the upstream files read here independently (the IDM province
JSON, parsed with ``json`` only) and against esda's Moran's I on weights built from the desa polygons
of the units with a value.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from umkm_geo import _i18n
from umkm_geo._errors import ConfigError, RegionError
from umkm_geo.config import (
    Config,
    DataConfig,
    StatisticsConfig,
    StudyConfig,
    at_level,
    config_from_dict,
    load_config,
)
from umkm_geo.indicators.idm import idm_columns
from umkm_geo.pipeline.run import compute
from umkm_geo.sources.registry import MIRROR_ENV
from umkm_geo.sources.units import jenis_of, load_units

IDM_REPO = "Visualisasi-Indeks-Desa-Membangun--IDM--2024"


@pytest.fixture(scope="module")
def upstream(mirror) -> Path:
    """The folder of the upstream repositories (the boundary mirror's parent, from conftest's ``mirror``)."""
    for candidate in (mirror, mirror.parent):
        if (candidate / IDM_REPO).is_dir():
            return candidate
    pytest.fail(f"{MIRROR_ENV} ({mirror}) has no {IDM_REPO}/ folder beside the boundary files.")


def _idm_study(region: str, level: str):
    """The built-in showcase at ``level`` on ``region`` (IDM analysed), with few permutations, computed."""
    config, _ = at_level(
        dataclasses.replace(
            Config(),
            study=StudyConfig(region=region),
            statistics=dataclasses.replace(StatisticsConfig(), permutations=99, gap_permutations=99),
        ),
        level,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return compute(config)


def _raw_idm(upstream: Path, prov: str) -> dict[str, list]:
    """Desa rows of one province's IDM file, by 10-digit code with dots, read with json alone."""
    rows = json.loads((upstream / IDM_REPO / "data" / "idm" / "prov" / f"{prov}.json").read_text())
    out = {}
    for kec in rows["kec"]:
        k = str(kec["k"])
        for d in kec["ds"]:
            code = f"{k[:2]}.{k[2:4]}.{k[4:6]}.{d[0]}"
            out[code] = d
    return out


@pytest.fixture(scope="module")
def blitar_desa():
    return load_units("35.05,35.72", "desa")


def test_blitar_desa_units(blitar_desa):
    frame = blitar_desa.frame
    assert len(frame) == 269
    assert frame["kab_kode"].value_counts().to_dict() == {"35.05": 248, "35.72": 21}
    assert frame["jenis"].value_counts().to_dict() == {"desa": 220, "kelurahan": 49}
    assert (frame.loc[frame["kab_kode"] == "35.72", "jenis"] == "kelurahan").all()  # Kota Blitar: kelurahan only
    assert frame.at["35.05.01.2001", "nama"] == "Jaten"
    assert frame.at["35.05.01.2001", "kec_nama"] == "Wonodadi"
    assert frame.at["35.05.01.2001", "kab_nama"] == "Kabupaten Blitar"
    assert frame.index.is_unique and frame.index.is_monotonic_increasing
    assert blitar_desa.topology["weights_hint"] == "queen"
    assert frame.crs.to_epsg() == 4326


def test_purbalingga_and_kabupaten_units():
    purbalingga = load_units("33.03", "desa").frame
    assert len(purbalingga) == 239
    assert purbalingga["jenis"].value_counts().to_dict() == {"desa": 224, "kelurahan": 15}
    jatim = load_units("35", "kabupaten").frame
    assert len(jatim) == 38
    assert list(jatim.index[:2]) == ["35.01", "35.02"] and jatim.at["35.05", "kab_kode"] == "35.05"
    one_kecamatan = load_units("35.05.01", "desa").frame
    assert len(one_kecamatan) == 11 and set(one_kecamatan["kec_kode"]) == {"35.05.01"}


def test_bad_regions_stop_with_a_message():
    with pytest.raises(RegionError, match=r"99\.99"):
        load_units("99.99", "desa")
    with pytest.raises(RegionError, match="kecamatan codes"):
        load_units("35.05.01", "kabupaten")


def test_jenis_by_code():
    assert jenis_of("35.72.01.1001") == "kelurahan"
    assert jenis_of("35.05.01.2001") == "desa"


def test_idm_columns_by_hand():
    desa = pd.DataFrame(
        {
            "kode": ["11.01.01.2001", "11.01.01.2002", "11.01.02.2001"],
            "kec_kode": ["11.01.01", "11.01.01", "11.01.02"],
            "kab_kode": ["11.01"] * 3,
            "idm": [0.6, 0.8, 0.9],
            "iks": [0.5, 0.7, 0.9],
            "ike": [0.6, 0.9, 0.9],
            "ikl": [0.7, 0.8, 0.9],
            "status_kode": [3, 2, 0],  # 0: no score, left out
        }
    )
    kec = idm_columns(pd.Index(["11.01.01", "11.01.02"]), desa, "kecamatan")
    assert kec.at["11.01.01", "idm"] == pytest.approx(0.7)
    assert kec.at["11.01.01", "ike"] == pytest.approx(0.75)
    assert kec.at["11.01.01", "n_desa_idm"] == 2
    assert np.isnan(kec.at["11.01.02", "idm"]) and kec.at["11.01.02", "n_desa_idm"] == 0
    units = pd.Index(["11.01.01.1001", "11.01.01.2001", "11.01.01.2002"])
    desa_level = idm_columns(units, desa, "desa")
    assert np.isnan(desa_level.at["11.01.01.1001", "idm"])  # a kelurahan: no value, never 0
    assert desa_level.at["11.01.01.2002", "ikl"] == pytest.approx(0.8)
    assert list(desa_level["status_idm"].fillna("-")) == ["-", "berkembang", "maju"]


def test_at_level_and_config_rules():
    config, changes = at_level(Config(), "desa")
    assert config.study.level == "desa" and config.data.umkm == "none"
    assert config.statistics.indicator == "idm" and config.inequality.indicator == "idm"
    assert config.survey.responses == "none" and config.ffa.factors == "none" and config.products.table == "none"
    assert "moran_rate" not in config.statistics.global_statistics
    assert any("no UMKM layer" in line for line in changes)
    mine = dataclasses.replace(Config(), data=DataConfig(umkm="mine.csv"))
    kept, _ = at_level(mine, "desa")
    assert kept.data.umkm == "mine.csv"  # a user's own table is never replaced
    with pytest.raises(ConfigError, match="per kecamatan"):
        config_from_dict({"study": {"level": "desa"}, "data": {"umkm": "demo"}})
    with pytest.raises(ConfigError, match='umkm = "none"'):
        config_from_dict({"data": {"umkm": "none"}})
    with pytest.raises(ConfigError, match="idm = true"):
        config_from_dict({"data": {"umkm": "none"}, "statistics": {"indicator": "idm"}, "official": {"idm": False}})


@pytest.fixture(scope="module")
def slice_area(upstream):
    """Desa of Wonodadi (35.05.01, 11 desa), Sutojayan (35.05.12, with kelurahan) and Kota's Kepanjenkidul."""
    return _idm_study("35.05.01,35.05.12,35.72.01", "desa")


def test_desa_slice_matches_the_upstream_file(slice_area, upstream):
    raw = _raw_idm(upstream, "35")
    frame = slice_area.frame
    desa = frame[frame["jenis"] == "desa"]
    kelurahan = frame[frame["jenis"] == "kelurahan"]
    assert len(kelurahan) > 0 and kelurahan[["idm", "iks", "ike", "ikl"]].isna().all().all()
    assert len(desa) == sum(1 for c in raw if c.startswith(("35.05.01.", "35.05.12.", "35.72.01.")))
    for code, row in desa.iterrows():
        assert row["idm"] == pytest.approx(raw[code][2]) and row["ike"] == pytest.approx(raw[code][4])
    table = slice_area.results.official_idm_kecamatan
    wonodadi = [raw[c][2] for c in raw if c.startswith("35.05.01.")]
    assert table.at["35.05.01", "n_desa_idm"] == len(wonodadi) == 11
    assert table.at["35.05.01", "idm"] == pytest.approx(sum(wonodadi) / len(wonodadi))
    assert table.at["35.72.01", "n_desa_idm"] == 0 and np.isnan(table.at["35.72.01", "idm"])
    qa = slice_area.results.official_idm_qa
    assert set(qa.loc[qa["issue"] == "desa_without_idm", "kode"]) == set(kelurahan.index)


def test_desa_moran_matches_esda_on_the_units_with_a_value(slice_area):
    from esda.moran import Moran
    from libpysal.weights import Queen

    frame = slice_area.frame
    present = frame[frame["idm"].notna()]
    w = Queen.from_dataframe(present, use_index=True, silence_warnings=True)
    w.transform = "r"
    expected = Moran(present["idm"].to_numpy(), w, permutations=0).I
    assert pytest.approx(expected, rel=1e-10) == slice_area.results.moran.I
    graph = slice_area.graph(present.index)
    sums = graph.adjacency.groupby(level=0).sum()
    assert np.allclose(sums[sums > 0], 1.0)  # row-standardised again over the units that remain


def test_unit_words_follow_the_level():
    assert _i18n.text("report.text.n_kec", "id") == "Jumlah kecamatan"
    with _i18n.unit_level("desa"):
        assert _i18n.text("report.text.n_kec", "id") == "Jumlah desa/kelurahan"
        assert _i18n.texts("report.text.", "en")["n_kec"] == "Number of desa/kelurahan"
    with _i18n.unit_level("kabupaten"):
        assert _i18n.text("atlas.ui.search", "id") == "Cari kabupaten/kota"


def test_cli_desa_run_end_to_end(tmp_path, capsys, upstream):
    """``umkm-geo maps --level desa`` with no user table: the IDM is mapped and analysed, kelurahan shown as no data."""
    from umkm_geo.cli import main

    out = tmp_path / "out"
    code = main(["maps", "--region", "35.05.01,35.72.01", "--level", "desa", "--output", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "--level desa: analysed indicator: idm" in printed
    stages = [line.split()[1] for line in printed.splitlines() if line.startswith("umkm-geo: ") and line.endswith(" s")]
    assert stages[:4] == ["boundaries", "tables", "indicators", "idm"] and "maps" in stages and "report" in stages
    assert "analysed indicator (desa): Moran's I of idm = " in printed and "(illustrative data)" not in printed
    assert f"umkm-geo: open the report: {out / 'report.html'}" in printed
    maps = {p.name for p in (out / "maps").iterdir()}
    assert {"idm.png", "ike.png", "status_idm.png", "lisa_idm.png", "gi_star_idm.png", "atlas.html"} <= maps
    indicators = pd.read_csv(out / "tables" / "indicators.csv", dtype={"kode": str}).set_index("kode")
    kelurahan = [k for k in indicators.index if jenis_of(k) == "kelurahan"]
    assert kelurahan and indicators.loc[kelurahan, "idm"].isna().all()
    assert indicators.drop(index=kelurahan)["idm"].notna().all()
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "desa/kelurahan" in report and "{area_unit}" not in report and "{Area_unit}" not in report
    assert "Kementerian Desa PDTT" in report
    record = json.loads((out / "run.json").read_text())
    assert record["config"]["study"]["level"] == "desa"


# --- desa-level UMKM tables -------------------------------------------------------------------------

DESA_UDANAWU_BAKUNG = [
    ("Jati", "Udanawu"),
    ("Temenggungan", "Udanawu"),
    ("Besuki", "Udanawu"),
    ("Tunjung", "Udanawu"),
    ("Bakung", "Udanawu"),
    ("Mangunan", "Udanawu"),
    ("Karanggondang", "Udanawu"),
    ("Ringinanom", "Udanawu"),
    ("Sukorejo", "Udanawu"),
    ("Slemanan", "Udanawu"),
    ("Sumbersari", "Udanawu"),
    ("Bendorejo", "Udanawu"),
    ("Pulerejo", "Bakung"),
    ("Tumpakoyot", "Bakung"),
    ("Plandirejo", "Bakung"),
    ("Sumberdadi", "Bakung"),
    ("Bakung", "Bakung"),
    ("Ngrejo", "Bakung"),
    ("Bululawang", "Bakung"),
    ("Kedungbanteng", "Bakung"),
    ("Sidomulyo", "Bakung"),
    ("Lorejo", "Bakung"),
    ("Tumpakkepuh", "Bakung"),
]


def _desa_config(table: Path) -> Config:
    return config_from_dict(
        {
            "study": {"region": "35.05.02,35.05.05", "level": "desa"},
            "data": {"umkm": str(table)},
            "statistics": {"permutations": 99, "gap_permutations": 99, "local_statistics": ["moran"]},
            "official": {"grdp": False},
        }
    )


def test_a_desa_table_by_name_within_kecamatan(tmp_path, upstream):
    """Two desa named Bakung (in Udanawu and in Bakung) are told apart by the kecamatan column."""
    rows = ["Desa/Kelurahan,Kecamatan,Jumlah UMKM"]
    rows += [f"{desa},{kec},{10 + i}" for i, (desa, kec) in enumerate(DESA_UDANAWU_BAKUNG)]
    table = tmp_path / "umkm_desa.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        area = compute(_desa_config(table))
    frame = area.frame
    assert len(frame) == 23 and frame["umkm_count"].notna().all()
    assert frame.at["35.05.02.2005", "umkm_count"] == 10 + 4  # Bakung of Udanawu, the 5th row
    assert frame.at["35.05.05.2005", "umkm_count"] == 10 + 16  # Bakung of kecamatan Bakung, the 17th row
    assert int(frame["umkm_count"].sum()) == sum(10 + i for i in range(23))
    assert area.results.local["moran"].n_tested == 23


def test_a_desa_table_without_kecamatan_names_the_ambiguous_rows(tmp_path, upstream):
    from umkm_geo._errors import JoinError

    rows = ["desa,jumlah_umkm"] + [f"{desa},{i}" for i, (desa, _) in enumerate(DESA_UDANAWU_BAKUNG)]
    table = tmp_path / "umkm_desa.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(JoinError) as err:
            compute(_desa_config(table))
    message = str(err.value)
    assert "35.05.02.2005 (kecamatan Udanawu)" in message and "35.05.05.2005 (kecamatan Bakung)" in message
    assert "add a kecamatan column" in message


def test_a_desa_table_by_code(tmp_path, upstream):
    codes = load_units("35.05.02,35.05.05", "desa").frame.index
    rows = ["kode_desa,jumlah_umkm"] + [f"{code},{i}" for i, code in enumerate(codes)]
    table = tmp_path / "umkm_desa_kode.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        area = compute(_desa_config(table))
    assert list(area.frame["umkm_count"].astype(int)) == list(range(len(codes)))


def test_kabupaten_study_of_jawa_timur_on_idm(upstream):
    """The 38 kab/kota of Jawa Timur as units: IDM 2024 means per kab/kota; Kota without desa has no value."""
    area = _idm_study("35", "kabupaten")
    raw = _raw_idm(upstream, "35")
    frame = area.frame
    assert len(frame) == 38 and area.level == "kabupaten"
    blitar = [v[2] for c, v in raw.items() if c.startswith("35.05.")]
    assert frame.at["35.05", "n_desa_idm"] == len(blitar) == 220
    assert frame.at["35.05", "idm"] == pytest.approx(sum(blitar) / len(blitar))
    assert np.isnan(frame.at["35.72", "idm"])  # Kota Blitar: kelurahan only
    assert area.results.local["moran"].n_tested == int(frame["idm"].notna().sum())


def test_natural_breaks_of_many_values_use_evenly_spaced_order_statistics():
    from umkm_geo.classify.breaks import FISHER_JENKS_EXACT, classify

    values = pd.Series(np.random.default_rng(0).gamma(2.0, 2.0, 5 * FISHER_JENKS_EXACT))
    shuffled = values.sample(frac=1.0, random_state=1)
    first, second = classify(values, scheme="fisher_jenks", k=5), classify(shuffled, scheme="fisher_jenks", k=5)
    assert first.upper == second.upper  # deterministic, whatever the order of the units
    assert first.upper[-1] == values.max() and sum(first.counts) == len(values)
    assert "order statistics" in first.describe("en") and "5,000" in first.describe("en")
    small = classify(values[:50], scheme="fisher_jenks", k=5)
    assert "order statistics" not in small.describe("en")


def test_the_showcase_at_desa_level_drops_its_desa_layers():
    config, changes = at_level(load_config(None), "desa")
    assert config.layers == () and any("[[layers]]" in line for line in changes)


def test_a_desa_table_summed_to_kecamatan_never_partially(tmp_path, upstream):
    rows = ["Desa/Kelurahan,Kecamatan,Jumlah UMKM"]
    rows += [f"{desa},{kec},{10 + i}" for i, (desa, kec) in enumerate(DESA_UDANAWU_BAKUNG)]
    table = tmp_path / "umkm_desa.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    raw = {
        "study": {"region": "35.05.02,35.05.05"},
        "data": {"umkm": str(table), "table_level": "desa"},
        "statistics": {"permutations": 99, "gap_permutations": 99, "local_statistics": ["moran"]},
        "official": {"grdp": False},
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        area = compute(config_from_dict(raw))
    assert area.level == "kecamatan"
    assert area.frame.at["35.05.02", "umkm_count"] == sum(10 + i for i in range(12))  # Udanawu's 12 desa
    assert area.frame.at["35.05.05", "umkm_count"] == sum(10 + i for i in range(12, 23))  # Bakung's 11
    # Without Lorejo (kecamatan Bakung) and with allow_missing, Bakung's total is unknown, not a partial sum.
    table.write_text("\n".join(r for r in rows if not r.startswith("Lorejo")) + "\n", encoding="utf-8")
    raw["data"]["allow_missing"] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        area = compute(config_from_dict(raw))
    assert np.isnan(area.frame.at["35.05.05", "umkm_count"])
    assert area.frame.at["35.05.02", "umkm_count"] == sum(10 + i for i in range(12))
    qa = area.results.tables["join_qa"]
    partial = qa[qa["issue"] == "partial_sum"]
    assert list(partial["kode"]) == ["35.05.05"] and "35.05.05.2010" in partial["detail"].iloc[0]
