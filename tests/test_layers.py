"""``[[layers]]``: the default Blitar run analyses IDM and IKE per desa beside the UMKM counts per kecamatan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from umkm_geo._errors import ConfigError
from umkm_geo.config import DEFAULT_LAYERS, config_from_dict, load_config
from umkm_geo.pipeline.layers import layer_config
from umkm_geo.sources.units import jenis_of

REPO = Path(__file__).resolve().parents[1]


def test_layers_are_read_and_checked():
    config = config_from_dict(
        {"layers": [{"name": "idm_desa", "level": "desa", "indicator": "idm", "maps": ["idm", "status_idm"]}]}
    )
    assert config.layers[0].name == "idm_desa" and config.layers[0].local_statistics == ("moran", "gi_star")
    derived = layer_config(config, config.layers[0])
    assert derived.study.level == "desa" and derived.data.umkm == "none" and derived.statistics.indicator == "idm"
    assert not derived.official.grdp and derived.official.idm and derived.layers == ()
    assert derived.survey.responses == "none" and not derived.covariates.density_surface
    bad = [
        ({"name": "a b"}, "letters, digits"),
        ({"name": "x", "level": "rt"}, "level"),
        ({"name": "x", "indicator": "umkm_density"}, "indicator"),
        ({"name": "x", "local_statistics": ["lisa"]}, "local_statistics"),
        ({"name": "x", "maps": ["umkm_count"]}, "maps"),
        ({"name": "x", "colour": "red"}, "unknown key"),
    ]
    for layer, words in bad:
        with pytest.raises(ConfigError, match=words):
            config_from_dict({"layers": [layer]})
    with pytest.raises(ConfigError, match="two layers"):
        config_from_dict({"layers": [{"name": "x"}, {"name": "x"}]})
    with pytest.raises(ConfigError, match=r"\[\[layers\]\]"):
        config_from_dict({"layers": {"name": "x"}})


def test_the_shipped_config_and_the_builtin_showcase_have_the_same_layers():
    assert load_config(REPO / "configs" / "blitar.toml").layers == DEFAULT_LAYERS == load_config(None).layers


def test_default_run_writes_each_layer(blitar_run):
    area, out = blitar_run
    assert set(area.results.layers) == {"idm_desa", "ike_desa"}
    folder = out / "lapisan" / "idm_desa"
    for name in ("idm", "iks", "ike", "ikl", "status_idm", "lisa_idm", "gi_star_idm"):
        assert (folder / "maps" / f"{name}.png").stat().st_size > 10_000, name
    assert (out / "lapisan" / "ike_desa" / "maps" / "lisa_ike.png").is_file()
    indicators = pd.read_csv(folder / "tables" / "indicators.csv", dtype={"kode": str}).set_index("kode")
    assert len(indicators) == 269
    kelurahan = [k for k in indicators.index if jenis_of(k) == "kelurahan"]
    assert len(kelurahan) == 49 and indicators.loc[kelurahan, "idm"].isna().all()
    record = json.loads((out / "run.json").read_text())
    listed = {o["path"] for o in record["outputs"]}
    assert "lapisan/idm_desa/maps/status_idm.png" in listed and "lapisan/ike_desa/tables/lisa.csv" in listed


def test_layer_findings_agree_with_the_official_stage(blitar_run):
    """The layer's own gap test of IDM per desa is the official stage's desa-level gap (same data, same seed)."""
    area, _ = blitar_run
    layer = area.results.layers["idm_desa"]
    lisa = layer.results.local["moran"]
    assert lisa.n_tested == 220  # every desa with IDM; the 49 kelurahan are not tested
    pair = layer.results.gap_table.pairs_frame().iloc[0]
    official = area.results.official_idm_gap["idm_desa"]
    assert pair["difference"] == pytest.approx(official.difference)
    assert layer.results.gap_table.groups_frame().loc["utara", "n"] == official.n_a == 153


def test_report_states_the_layers_first_and_unstamped(blitar_run):
    _, out = blitar_run
    page = (out / "report.html").read_text(encoding="utf-8")
    official = page[page.index('id="official"') : page.index('id="study_area"')]
    assert "per desa/kelurahan (idm_desa)" in official and "per desa/kelurahan (ike_desa)" in official
    assert re.search(r"Moran&#39;s I global Indeks Desa Membangun \(IDM\) 2024 = 0,1\d\d", official) or re.search(
        r"Moran's I global Indeks Desa Membangun \(IDM\) 2024 = 0,1\d\d", official
    )
    assert official.count('id="map-lapisan-idm_desa-') >= 4
    assert "stamp" not in official  # official data only
    maps = page[page.index('id="maps"') :]
    assert "lapisan-" not in maps  # the layers' figures are in the official section only
