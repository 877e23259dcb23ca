"""Parsed boundary files kept in the user cache: the same layer as a fresh parse, parsed again when damaged."""

from __future__ import annotations

import pytest

from umkm_geo.sources import parsed
from umkm_geo.sources.registry import fetch, load_registry
from umkm_geo.sources.wilayah_sql import parse_wilayah_sql


@pytest.fixture
def blitar_desa(mirror, tmp_path):
    reg = load_registry("wilayah_boundaries_desa")
    (relpath,) = [f for f in reg.files if f.endswith("35.05.sql")]
    return fetch(reg, relpath, cache_dir=tmp_path / "downloads")


def test_a_cached_layer_is_the_parsed_layer(blitar_desa, tmp_path, monkeypatch):
    fresh = parse_wilayah_sql(blitar_desa.path)
    first = parsed.parsed_layer(blitar_desa, tmp_path / "cache")
    (entry,) = (tmp_path / "cache" / "parsed").iterdir()
    assert entry.name.startswith(blitar_desa.sha256)

    def no_parse(path):
        raise AssertionError("parsed again")

    monkeypatch.setattr(parsed, "parse_wilayah_sql", no_parse)
    again = parsed.parsed_layer(blitar_desa, tmp_path / "cache")
    for layer in (first, again):
        assert layer.frame.equals(fresh.frame)
        assert layer.repaired == fresh.repaired and layer.without_polygon == fresh.without_polygon
        assert layer.source == blitar_desa.path
    assert len(again.frame) == 248  # the desa/kelurahan of Kabupaten Blitar


def test_a_damaged_entry_is_parsed_again_and_replaced(blitar_desa, tmp_path):
    parsed.parsed_layer(blitar_desa, tmp_path / "cache")
    (entry,) = (tmp_path / "cache" / "parsed").iterdir()
    entry.write_bytes(b"not a pickle")
    layer = parsed.parsed_layer(blitar_desa, tmp_path / "cache")
    assert len(layer.frame) == 248
    assert entry.read_bytes() != b"not a pickle"
