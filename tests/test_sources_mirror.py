"""The manifests of the official sources and the two forms of the offline mirror.

Offline: everything is read from the mirror named by UMKM_GEO_MIRROR (CI sets it to
../shared/data/upstream, one folder per upstream repository).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from umkm_geo._errors import DataSourceError, HashMismatchError
from umkm_geo._resources import data_dir
from umkm_geo.sources.registry import (
    MIRROR_ENV,
    fetch,
    file_sha256,
    load_registry,
    manifest_path,
    registry_names,
    source_folder,
)

REPO = Path(__file__).resolve().parents[1]
OWNER_REPO = {
    "wilayah_boundaries": "cahyadsn/wilayah_boundaries",
    "wilayah_boundaries_desa": "cahyadsn/wilayah_boundaries",
    "wilayah": "cahyadsn/wilayah",
    "idm2024": "kristonova/Visualisasi-Indeks-Desa-Membangun--IDM--2024",
    "indonesia514": "quarcs-lab/indonesia514",
}


@pytest.fixture(scope="module")
def upstream() -> Path:
    """The folder holding one folder per upstream repository (from either form of the setting)."""
    value = os.environ.get(MIRROR_ENV)
    if not value:
        pytest.skip(f"{MIRROR_ENV} is not set: these tests read the official datasets offline from the mirror")
    root = Path(value)
    for candidate in (root, root.parent):
        if (candidate / "wilayah").is_dir() and (candidate / "wilayah_boundaries").is_dir():
            return candidate
    pytest.fail(f"{MIRROR_ENV}={value} holds no wilayah/ and wilayah_boundaries/ folders (nor does its parent).")


def _make_manifest():
    spec = importlib.util.spec_from_file_location("make_manifest", REPO / "scripts" / "make_manifest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_registry_pins_commit_urls_licence_and_credit():
    assert set(OWNER_REPO) <= set(registry_names())
    for name, owner_repo in OWNER_REPO.items():
        reg = load_registry(name)
        assert re.fullmatch(r"[0-9a-f]{40}", reg.commit), name
        assert reg.repository == f"https://github.com/{owner_repo}"
        assert reg.mirror_name == owner_repo.split("/")[1]
        some = next(iter(reg.files))
        assert reg.url(some) == f"https://raw.githubusercontent.com/{owner_repo}/{reg.commit}/{some}"
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in reg.files.values()), name
        assert reg.licence and reg.attribution and reg.commit[:7] in reg.credit()
    idm = load_registry("idm2024")
    assert "Kementerian Desa PDTT, Indeks Desa Membangun 2024 (Satu Data Indonesia)" in idm.credit()
    assert "kristonova/Visualisasi-Indeks-Desa-Membangun--IDM--2024" in idm.credit()
    provinces = {p.removeprefix("data/idm/prov/").removesuffix(".json") for p in idm.files if "/prov/" in p}
    assert len(provinces) == 37 and "31" not in provinces  # DKI Jakarta has no desa
    assert {"11", "35", "91", "92", "93", "94", "95", "96"} <= provinces
    assert "data/idm/meta.json" in idm.files
    assert {"db/wilayah.sql", "db/wilayah_penduduk.sql", "db/wilayah_luas.sql"} <= set(load_registry("wilayah").files)
    grdp = load_registry("indonesia514")
    assert "gdp/gdp_pc.csv" in grdp.files and "thousand rupiah" in grdp.details["units"]
    assert sum(p.startswith("db/kel/") for p in load_registry("wilayah_boundaries_desa").files) == 514


def test_manifests_are_what_the_script_makes_from_the_mirror(upstream):
    script = _make_manifest()
    for name, source in script.SOURCES.items():
        text, n, commit = script.render(source, upstream / source.repo)
        assert manifest_path(name).read_text(encoding="utf-8") == text, name
        assert commit == (upstream / source.repo / "UPSTREAM_COMMIT").read_text().strip()
        assert n == len(load_registry(name).files)
    # the manifests hold paths and hashes only: no upstream data file is in the repository
    assert {p.suffix for p in data_dir("sources").iterdir()} == {".toml"}


def test_new_form_serves_every_registry_from_its_repository_folder(upstream):
    for name in ("wilayah", "idm2024", "indonesia514", "wilayah_boundaries"):
        reg = load_registry(name)
        assert source_folder(reg, upstream) == upstream / reg.mirror_name
    got = fetch(load_registry("wilayah"), "db/wilayah_luas.sql", mirror=upstream)
    assert got.origin == "mirror" and got.path == upstream / "wilayah" / "db/wilayah_luas.sql"
    kab = fetch(load_registry(), "db/kab/wilayah_boundaries_kab_35.sql", mirror=upstream)
    assert kab.path == upstream / "wilayah_boundaries" / "db/kab/wilayah_boundaries_kab_35.sql"


def test_older_form_still_serves_the_boundaries(upstream, tmp_path):
    old = upstream / "wilayah_boundaries"
    kab = fetch(load_registry(), "db/kab/wilayah_boundaries_kab_35.sql", mirror=old)
    assert kab.origin == "mirror" and kab.path == old / "db/kab/wilayah_boundaries_kab_35.sql"
    desa = fetch(load_registry("wilayah_boundaries_desa"), "db/kel/35/wilayah_boundaries_kel_35.72.sql", mirror=old)
    assert desa.origin == "mirror"
    # another repository's files are not looked for in the boundary folder (its README.md is another
    # file): they come from the cache
    idm = load_registry("idm2024")
    assert source_folder(idm, old) is None
    cached = tmp_path / "cache" / idm.name / idm.commit[:12] / "README.md"
    cached.parent.mkdir(parents=True)
    shutil.copy(upstream / idm.mirror_name / "README.md", cached)
    got = fetch(idm, "README.md", mirror=old, cache_dir=tmp_path / "cache")
    assert got.origin == "cache" and got.sha256 == file_sha256(cached)


def test_the_environment_variable_in_both_forms(upstream, monkeypatch):
    relpath = "db/kec/wilayah_boundaries_kec_35.sql"
    for value in (upstream, upstream / "wilayah_boundaries"):
        monkeypatch.setenv(MIRROR_ENV, str(value))
        got = fetch(load_registry(), relpath)
        assert got.origin == "mirror" and got.path == upstream / "wilayah_boundaries" / relpath
    monkeypatch.setenv(MIRROR_ENV, str(upstream))
    assert fetch(load_registry("indonesia514"), "gdp/gdp_pc.csv").origin == "mirror"


def test_a_tampered_mirror_file_is_refused_and_another_commit_named(upstream, tmp_path):
    reg = load_registry("wilayah")
    relpath = "db/wilayah_luas.sql"
    fake = tmp_path / "upstream" / "wilayah"
    (fake / "db").mkdir(parents=True)
    shutil.copy(upstream / "wilayah" / relpath, fake / relpath)
    with (fake / relpath).open("a", encoding="utf-8") as fh:
        fh.write("\n-- tampered\n")
    with pytest.raises(HashMismatchError, match="refused"):
        fetch(reg, relpath, mirror=tmp_path / "upstream")
    (fake / "UPSTREAM_COMMIT").write_text("0" * 40 + "\n")
    with pytest.raises(HashMismatchError, match="holds commit 0000000000"):
        fetch(reg, relpath, mirror=tmp_path / "upstream")


def test_a_tampered_cached_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    reg = load_registry("indonesia514")
    cached = tmp_path / reg.name / reg.commit[:12] / "gdp/gdp_pc.csv"
    cached.parent.mkdir(parents=True)
    cached.write_text("districtID\n3505\n")
    with pytest.raises(HashMismatchError, match="refused"):
        fetch(reg, "gdp/gdp_pc.csv", cache_dir=tmp_path)


def test_unknown_registry_and_file():
    with pytest.raises(DataSourceError, match="No registry manifest 'bps'"):
        load_registry("bps")
    with pytest.raises(DataSourceError, match="not in the idm2024 registry"):
        fetch(load_registry("idm2024"), "data/idm/prov/31.json")
