"""Shared fixtures: the pinned boundary mirror and the Blitar study area (loaded once)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from _independent import lattice, voronoi_tessellation
from umkm_geo.sources.registry import MIRROR_ENV, load_registry, source_folder
from umkm_geo.weights.build import build_weights

#: The ``browser`` fixture (headless Chromium) for every test module.
pytest_plugins = ["_browser"]

REPO = Path(__file__).resolve().parents[1]
BLITAR = "35.05,35.72"

# pytest-xdist already keeps every core busy: the maps of a run are drawn in this process, not in
# forked workers (tests/test_parallel_figures.py checks the forked path against it)
os.environ.setdefault("UMKM_GEO_WORKERS", "1")
os.environ.setdefault("UMKM_GEO_REUSE_FIGURES", "0")  # every test draws its figures: none is copied from a cache


def _mirror() -> Path:
    """The folder of the boundary files: ``$UMKM_GEO_MIRROR/wilayah_boundaries`` or the older form,
    ``$UMKM_GEO_MIRROR`` itself (see ``umkm_geo.sources.registry.source_folder``)."""
    value = os.environ.get(MIRROR_ENV)
    if not value:
        candidate = REPO.parent / "shared" / "data" / "upstream"
        if candidate.is_dir():
            os.environ[MIRROR_ENV] = str(candidate)
            value = str(candidate)
    folder = source_folder(load_registry()) if value and Path(value).is_dir() else None
    if folder is None:
        pytest.fail(
            f"The tests read the pinned boundary files offline: set {MIRROR_ENV} to a folder holding a"
            " wilayah_boundaries folder, or the cahyadsn/wilayah_boundaries files themselves (see README)."
        )
    return folder


@pytest.fixture(scope="session")
def mirror() -> Path:
    return _mirror()


@pytest.fixture(scope="session")
def blitar(mirror):
    from umkm_geo.sources.boundaries import load_kecamatan

    return load_kecamatan(BLITAR)


@pytest.fixture(scope="session")
def blitar_run(tmp_path_factory, mirror):
    """The whole Blitar showcase (``configs/blitar.toml``: demo counts, survey, FFA, products), run once."""
    import dataclasses

    from umkm_geo.config import OutputConfig, load_config
    from umkm_geo.pipeline.run import run

    out = tmp_path_factory.mktemp("blitar_outputs")
    config = dataclasses.replace(load_config(REPO / "configs" / "blitar.toml"), output=OutputConfig(dir=str(out)))
    return run(config), out


# --- synthetic layouts shared by the statistics tests ------------------------------------------


def _checkerboard(size):
    """0/1 checkerboard ``y`` on a ``size`` x ``size`` lattice and its row-standardised rook graph."""
    frame = lattice(size, size)
    graph = build_weights(frame, method="rook").graph
    y = pd.Series(((frame["row"] + frame["col"]) % 2).astype(float), index=frame.index, name="y")
    return y, graph


@pytest.fixture(scope="module")
def checkerboard():
    return _checkerboard(6)


@pytest.fixture(scope="session")
def make_checkerboard():
    """``make_checkerboard(size)`` -> ``(y, graph)``, the checkerboard of any size."""
    return _checkerboard


@pytest.fixture(scope="module")
def line():
    """Four units in a row, a - b - c - d (ids ``_independent.LINE_IDS``), row-standardised rook weights."""
    return build_weights(lattice(1, 4), method="rook").graph


@pytest.fixture(scope="module")
def two_blocks():
    """10 x 10 queen lattice: low west half (cols 0-4), high east half (cols 5-9)."""
    frame = lattice(10, 10)
    graph = build_weights(frame).graph
    noise = np.random.default_rng(0).normal(0.0, 0.1, len(frame))
    y = pd.Series(10.0 * (frame["col"] >= 5) + noise, index=frame.index, name="umkm")
    return y, graph, frame


@pytest.fixture(scope="module")
def tessellation():
    frame = voronoi_tessellation(60, seed=42)
    weights = build_weights(frame)
    y = pd.Series(
        np.random.default_rng(3).lognormal(3.0, 1.0, len(frame)) + frame.geometry.centroid.y / 1e3,
        index=frame.index,
        name="umkm",
    )
    return y, weights.graph, frame


@pytest.fixture(scope="module")
def with_island():
    far = lattice(1, 1)
    far.index = pd.Index(["far"], name="kode")
    far.geometry = far.geometry.translate(0.5, 0.5)
    frame = pd.concat([lattice(4, 4), far])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        graph = build_weights(frame).graph
    y = pd.Series(np.random.default_rng(5).normal(size=len(frame)), index=frame.index, name="y")
    return y, graph
