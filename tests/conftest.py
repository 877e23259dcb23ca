"""Shared fixtures: the pinned boundary mirror and the Blitar study area (loaded once)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from umkm_geo.sources.registry import MIRROR_ENV

REPO = Path(__file__).resolve().parents[1]
BLITAR = "35.05,35.72"


def _mirror() -> Path:
    value = os.environ.get(MIRROR_ENV)
    if not value:
        candidate = REPO.parent / "shared" / "data" / "upstream" / "wilayah_boundaries"
        if candidate.is_dir():
            os.environ[MIRROR_ENV] = str(candidate)
            value = str(candidate)
    if not value or not Path(value).is_dir():
        pytest.fail(
            f"The tests read the pinned boundary files offline: set {MIRROR_ENV} to a folder holding"
            " the cahyadsn/wilayah_boundaries files (see README)."
        )
    return Path(value)


@pytest.fixture(scope="session")
def mirror() -> Path:
    return _mirror()


@pytest.fixture(scope="session")
def blitar(mirror):
    from umkm_geo.sources.boundaries import load_kecamatan

    return load_kecamatan(BLITAR)


@pytest.fixture(scope="session")
def blitar_run(tmp_path_factory, mirror):
    """The whole default pipeline, run once into a temporary folder."""
    import dataclasses

    from umkm_geo.config import Config, OutputConfig
    from umkm_geo.pipeline import run

    out = tmp_path_factory.mktemp("blitar_outputs")
    config = dataclasses.replace(Config(), output=OutputConfig(dir=str(out)))
    return run(config), out
