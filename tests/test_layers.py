"""``[[layers]]``: reading and checking them (the default run's layers are tested in test_pipeline.py, beside it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from umkm_geo._errors import ConfigError
from umkm_geo.config import DEFAULT_LAYERS, config_from_dict, load_config
from umkm_geo.pipeline.layers import layer_config

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
