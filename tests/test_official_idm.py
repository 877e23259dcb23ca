"""IDM 2024 per kecamatan of the Blitar study area (kab 35.05, kota 35.72) on the real mirror.

The desa-level means of the north and south are those checked independently in PROVENANCE.md (1c):
south 67 desa, IDM 0.785, IKE 0.700; north 153 desa, IDM 0.812, IKE 0.736. One kecamatan mean is
recomputed here by hand from the desa rows of the province file.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import warnings
from pathlib import Path

import pytest

from umkm_geo.config import BoundariesConfig, Config, OfficialConfig
from umkm_geo.pipeline.official import IDM_SKIP_NAME, add_idm_layer, compute_official_idm
from umkm_geo.pipeline.outputs import official_tables
from umkm_geo.pipeline.stages import load_study_area
from umkm_geo.sources.registry import MIRROR_ENV
from umkm_geo.study_area import StudyArea

IDM_REPO = "Visualisasi-Indeks-Desa-Membangun--IDM--2024"


@pytest.fixture(scope="module")
def upstream() -> Path:
    value = os.environ.get(MIRROR_ENV)
    if not value:
        pytest.skip(f"{MIRROR_ENV} is not set: these tests read IDM 2024 offline from the mirror")
    root = Path(value)
    for candidate in (root, root.parent):
        if (candidate / IDM_REPO).is_dir() and (candidate / "wilayah").is_dir():
            return candidate
    pytest.fail(f"{MIRROR_ENV}={value} holds no {IDM_REPO}/ and wilayah/ folders (nor does its parent).")


@pytest.fixture(scope="module")
def config(upstream) -> Config:
    return Config(boundaries=BoundariesConfig(mirror=str(upstream)))


@pytest.fixture(scope="module")
def area(config) -> StudyArea:
    return load_study_area(config)


@pytest.fixture(scope="module")
def idm(area, config) -> StudyArea:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # the real data need no skip
        return compute_official_idm(add_idm_layer(area, config), config)


def test_counts(idm):
    table = idm.results.official_idm_kecamatan
    assert len(table) == 25
    assert int(table["n_desa_idm"].sum()) == 220
    with_values = table[table["idm"].notna()]
    assert len(with_values) == 22
    assert (with_values["n_desa_idm"] > 0).all()
    without = table[table["idm"].isna()]
    assert sorted(without.index) == ["35.72.01", "35.72.02", "35.72.03"]  # Kota Blitar: kelurahan only
    assert (without["n_desa_idm"] == 0).all()
    assert without[["iks", "ike", "ikl"]].isna().all().all()  # no data, never 0
    qa = idm.results.official_idm_qa
    assert sorted(qa.loc[qa["issue"] == "kecamatan_without_idm", "kode"]) == sorted(without.index)
    status = [c for c in table if c.startswith("n_") and c != "n_desa_idm"]
    assert len(status) == 5
    assert (table[status].sum(axis=1) == table["n_desa_idm"]).all()


def test_desa_means_match_provenance(idm):
    gaps = idm.results.official_idm_gap
    idm_d, ike_d = gaps["idm_desa"], gaps["ike_desa"]
    assert (idm_d.a, idm_d.b) == ("utara", "selatan")
    assert (idm_d.n_a, idm_d.n_b) == (153, 67)
    assert round(idm_d.mean_b, 3) == 0.785
    assert round(ike_d.mean_b, 3) == 0.700
    assert round(idm_d.mean_a, 3) == 0.812
    assert round(ike_d.mean_a, 3) == 0.736
    kec = gaps["idm_kecamatan"]
    assert (kec.n_a, kec.n_b) == (15, 7)
    assert kec.permutations == idm_d.permutations == Config().statistics.gap_permutations
    assert kec.seed == Config().statistics.seed
    assert 0 < kec.p_value <= 1 and 0 < idm_d.p_value <= 1


def test_one_kecamatan_by_hand(idm, upstream):
    """Bakung (35.05.05): the mean of its desa rows read straight from the JSON file."""
    data = json.loads((upstream / IDM_REPO / "data/idm/prov/35.json").read_text(encoding="utf-8"))
    (kec,) = [k for k in data["kec"] if k["k"] == "350505"]
    rows = [d for d in kec["ds"] if d[6] > 0]
    row = idm.results.official_idm_kecamatan.loc["35.05.05"]
    assert row["n_desa_idm"] == len(rows)
    for j, name in enumerate(("idm", "iks", "ike", "ikl"), start=2):
        assert math.isclose(row[name], sum(d[j] for d in rows) / len(rows), rel_tol=0, abs_tol=1e-12)


def test_tables_carry_source(idm):
    tables = {k: v for k, v in official_tables(idm).items() if k.startswith("resmi_idm_")}
    assert set(tables) == {"resmi_idm_kecamatan", "resmi_idm_kesenjangan", "resmi_idm_qa"}
    for name, table in tables.items():
        assert table["sumber"].str.contains("Indeks Desa Membangun").all(), name
        assert table["commit_sumber"].str.len().gt(0).all(), name
    assert set(tables["resmi_idm_kesenjangan"]["tingkat"]) == {"kecamatan", "desa"}
    columns = tables["resmi_idm_kecamatan"].columns
    assert {"kode", "nama", "wilayah", "n_desa_idm", "idm", "iks", "ike", "ikl"} <= set(columns)


def test_skipped_when_off(area, config):
    off = dataclasses.replace(config, official=OfficialConfig(idm=False))
    out = compute_official_idm(add_idm_layer(area, off), off)
    assert out.results.official_idm_kecamatan is None
    assert not out.results.official_idm_gap
    assert IDM_SKIP_NAME not in out.results.skipped
