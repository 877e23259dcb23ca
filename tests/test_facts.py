"""The shipped facts name their official publisher: population and area of the decree, census figures as secondary."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from umkm_geo.sources.areas import read_areas
from umkm_geo.sources.population import read_population
from umkm_geo.tables.demo.counts import blitar_population_totals

FACTS = Path(__file__).resolve().parents[1] / "data" / "facts" / "blitar_region_stats.csv"
NAMES = {"35.05": "Kabupaten Blitar", "35.72": "Kota Blitar"}


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    return pd.read_csv(FACTS, dtype=str)


def _value(facts: pd.DataFrame, region: str, variable: str) -> float:
    hit = facts[(facts["region"] == region) & (facts["variable"] == variable)]
    assert len(hit) == 1, (region, variable)
    return float(hit["value"].iloc[0])


def test_population_and_area_are_the_decree_figures(facts, mirror):
    population = read_population("35.05,35.72").frame.set_index("kode")["total"]
    areas = read_areas("35.05,35.72").frame.set_index("kode")["luas_km2"]
    for kode, region in NAMES.items():
        assert _value(facts, region, "population_2025") == population[kode]
        assert _value(facts, region, "area_km2") == pytest.approx(areas[kode], abs=5e-4)
    totals = blitar_population_totals()
    assert dict(zip(totals["kab_kode"], totals["total"], strict=True)) == {k: population[k] for k in NAMES}
    assert totals["source"].str.contains("Kepmendagri No 300.2.2-2138 Tahun 2025").all()


def test_no_population_or_area_figure_rests_on_an_encyclopedia_copy_unless_secondary(facts):
    rows = facts[facts["variable"].str.startswith(("population", "area_km2"))]
    assert not rows["variable"].str.startswith("population_estimate").any()
    for row in rows.itertuples():
        cited = f"{row.source} {row.source_detail}".lower()
        if "wiki" in cited:
            assert row.variable.startswith("population_census_"), row
            assert str(row.source).startswith("BPS, Sensus Penduduk"), row
            assert "secondary" in str(row.note), row
