"""The one catalogue of statistics (umkm_geo.stats.registry) drives config, pipeline, CLI and outputs."""

import argparse

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal.graph import Graph
from shapely.geometry import box

from umkm_geo import _i18n
from umkm_geo.cli import stats as cli_stats
from umkm_geo.config import _LIST_CHOICES, StatisticsConfig
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.stats import registry


@pytest.fixture(scope="module")
def lattice():
    """A 6 x 6 lattice with a trend, a second variable and a population (no ties, no constant)."""
    cells = [box(i % 6, i // 6, i % 6 + 1, i // 6 + 1) for i in range(36)]
    frame = gpd.GeoDataFrame(geometry=cells, index=pd.Index([f"u{i:02d}" for i in range(36)], name="kode"))
    rng = np.random.default_rng(7)
    y = pd.Series(np.arange(36.0) + rng.uniform(0, 0.5, 36), index=frame.index, name="y")
    x = pd.Series(rng.uniform(1, 10, 36), index=frame.index, name="x")
    base = pd.Series(rng.integers(500, 5000, 36).astype(float), index=frame.index, name="base")
    return Graph.build_contiguity(frame), {"y": y, "x": x, "events": y.round(), "base": base}


def _options(spec):
    options = {"permutations": 99, "seed": 3}
    if spec.family == "local":
        options.update(alpha=0.05, correction="none", p_value="two-sided", n_threads=1)
    return options


@pytest.mark.parametrize("spec", list(registry.STATISTICS.values()), ids=lambda s: s.key)
def test_every_registered_statistic_runs_and_has_its_table_and_titles(spec, lattice):
    graph, inputs = lattice
    result = spec.compute(inputs, graph, **_options(spec))
    assert result.to_dict()["result"] == spec.result
    table = result.table()
    assert tuple(table.columns) == RESULT_TABLE_COLUMNS
    assert set(table["result"]) == {spec.result}
    assert {"statistic", "setting"} <= set(table["section"])
    assert spec.table and spec.table.isidentifier()
    if spec.family == "local":
        assert len(result.frame()) == 36
        assert spec.scheme
    # its words in both languages, different from its key
    for lang in _i18n.LANGS:
        assert spec.label(lang).strip() and spec.label(lang) != spec.name
        if spec.family == "local":
            assert spec.map_title(lang).strip()
    assert spec.label("id") != spec.label("en") or "Getis-Ord" in spec.label("en")
    assert registry.by_result(spec.result) is spec


def test_config_and_cli_choices_come_from_the_catalogue():
    for family in registry.FAMILIES:
        assert _LIST_CHOICES[("statistics", f"{family}_statistics")] == registry.names(family)
        assert getattr(StatisticsConfig(), f"{family}_statistics") == registry.defaults(family)
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    cli_stats.add_parsers(sub)
    for family in registry.FAMILIES:
        action = next(a for a in sub.choices[family]._actions if a.dest == "statistic")
        assert tuple(action.choices) == registry.names(family)
    glob = next(a for a in sub.choices["global"]._actions if a.dest == "statistic")
    assert tuple(glob.default) == registry.defaults("global", command=True)


def test_table_files_are_unique_per_local_statistic():
    stems = [s.table for s in registry.STATISTICS.values() if s.family == "local"]
    assert len(stems) == len(set(stems))
    assert {s.table for s in registry.STATISTICS.values() if s.family == "global"} == {"global_statistics"}


def test_a_statistic_that_needs_non_negative_values_says_so_in_the_run():
    from umkm_geo.pipeline.analysis import _compute

    spec = registry.get("local", "gi_star")
    y = pd.Series([-1.0, 2.0, 3.0], index=["a", "b", "c"])
    assert _compute(spec, {"y": y}) == "Getis-Ord Gi* needs non-negative values"
