"""The statistics stages driven by the config: which statistics run, skips, covariates, weights."""

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from _independent import write_geotiff
from umkm_geo.config import config_from_dict
from umkm_geo.pipeline.analysis import compute_covariates, compute_inequality, compute_regional, compute_statistics
from umkm_geo.pipeline.outputs import write_tables
from umkm_geo.pipeline.run import study_title
from umkm_geo.pipeline.stages import compute_indicators, compute_weights, load_counts, load_study_area


def _config(tmp_path, **sections):
    raw = {"output": {"dir": str(tmp_path)}, **sections}
    return config_from_dict(raw, base_dir=tmp_path)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, mirror):
    """The Blitar study area up to the indicators (demo counts and demo population)."""
    out = tmp_path_factory.mktemp("analysis")
    config = _config(out)
    area = load_study_area(config)
    area = load_counts(area, config, out)
    return compute_indicators(area, config), out


def test_only_the_configured_statistics_run(prepared, tmp_path):
    area, _ = prepared
    config = _config(
        tmp_path,
        statistics={"global_statistics": ["geary"], "local_statistics": ["gi_star"], "permutations": 199},
    )
    area = compute_statistics(compute_weights(area, config), config)
    assert set(area.results.global_stats) == {"geary"}
    assert set(area.results.local) == {"gi_star"}
    assert area.results.lisa is None and area.results.moran is None
    gi = area.results.local["gi_star"]
    assert gi.permutations == 199 and gi.seed == config.statistics.seed
    written = {p.name for p in write_tables(area, tmp_path)}
    assert {"gi_star.csv", "global_statistics.csv"} <= written
    assert "lisa.csv" not in written


def test_without_population_the_rate_statistics_are_skipped_and_listed(prepared, tmp_path):
    area, _ = prepared
    frame = area.frame.drop(columns=["penduduk", "population_density", "umkm_per_1000"])
    indicators = {
        k: v for k, v in area.results.indicators.items() if k not in ("penduduk", "population_density", "umkm_per_1000")
    }
    area = area.with_frame(frame).with_results(indicators=indicators)
    config = _config(tmp_path, statistics={"permutations": 99, "gap_permutations": 99})
    area = compute_weights(area, config)
    with pytest.warns(UserWarning) as caught:
        area = compute_statistics(area, config)
        area = compute_inequality(area, config)
        area = compute_regional(area, config)
    skipped = area.results.skipped
    assert "population" in skipped["global moran_rate"]
    assert "population_density" in skipped["global moran_bv"]
    assert "population_density" in skipped["local moran_bv"]
    assert "umkm_density" in skipped["inequality of umkm_per_1000"]
    assert any("moran_rate skipped" in str(w.message) for w in caught)
    table = pd.read_csv(tmp_path / "tables" / "skipped.csv") if write_tables(area, tmp_path) else None
    assert set(table["statistic"]) == set(skipped)
    # the gap table falls back to the analysed indicator, unweighted
    measures = area.results.gap_table.measures_frame()
    assert not measures["weighted"].any()


def test_knn_weights_and_island_policy_come_from_the_config(prepared, tmp_path):
    area, _ = prepared
    config = _config(tmp_path, weights={"method": "knn", "k": 3})
    weights = compute_weights(area, config).results.weights
    assert weights.method == "knn"
    assert (weights.summary_table()["n_neighbours"] == 3).all()
    band = _config(tmp_path, weights={"method": "distance_band", "islands": "nearest"})
    weights = compute_weights(area, band).results.weights
    assert weights.method == "distance_band" and not weights.islands


def test_a_raster_covariate_becomes_a_column_and_the_bivariate_variable(prepared, tmp_path):
    area, _ = prepared
    metric = area.frame.to_crs("EPSG:32749")
    minx, miny, maxx, maxy = metric.total_bounds
    cell = 500.0
    width, height = int((maxx - minx) / cell) + 2, int((maxy - miny) / cell) + 2
    rows = np.arange(height, dtype="float32")[:, None] * np.ones(width, dtype="float32")
    path = write_geotiff(tmp_path / "gradient.tif", rows, west=minx - cell, north=maxy + cell, cell=cell)
    config = _config(
        tmp_path,
        covariates={"rasters": [path.name], "names": ["baris"], "stats": ["mean"], "density_surface": False},
        statistics={"bivariate": "baris", "permutations": 99, "local_statistics": ["moran_bv"]},
    )
    area = compute_covariates(area, config)
    assert "baris" in area.results.indicators
    # the row number grows southwards: southern kecamatan have larger means
    south = area.frame["wilayah"] == "selatan"
    assert area.frame.loc[south, "baris"].mean() > area.frame.loc[~south, "baris"].mean()
    area = compute_statistics(compute_weights(area, config), config)
    assert area.results.local["moran_bv"].settings["y"] == "baris"
    written = {p.name for p in write_tables(area, tmp_path)}
    assert {"zonal_baris.csv", "zonal_baris_settings.csv", "lisa_bivariate.csv"} <= written


def test_regional_reference_table_from_the_config(prepared, tmp_path):
    area, _ = prepared
    counts = area.results.counts
    reference = counts.groupby(["sektor", "tahun"], as_index=False)["jumlah"].sum()
    reference["jumlah"] *= 10  # a province ten times the study area, same mix
    reference.to_csv(tmp_path / "provinsi.csv", index=False)
    config = _config(tmp_path, regional={"reference": "provinsi.csv"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        area = compute_regional(compute_weights(area, config), config)
    lq = area.results.lq.lq
    # the same sector mix as the area's own totals gives the same LQ
    own = compute_regional(
        area, dataclasses.replace(config, regional=dataclasses.replace(config.regional, reference="area"))
    )
    np.testing.assert_allclose(lq.to_numpy(), own.results.lq.lq.to_numpy(), rtol=1e-12)
    # ... and the same growth: the shift-share components equal those against the area's own totals
    np.testing.assert_allclose(
        area.results.shift_share.components[["national_share", "industry_mix", "competitive"]].to_numpy(),
        own.results.shift_share.components[["national_share", "industry_mix", "competitive"]].to_numpy(),
        rtol=1e-9,
        atol=1e-9,
    )
    assert area.results.shift_share.to_dict()["settings"] != own.results.shift_share.to_dict()["settings"]


def test_another_kabupaten_runs_with_scaled_illustrative_totals(tmp_path, mirror):
    config = _config(tmp_path, study={"region": "35.07"}, statistics={"permutations": 99, "gap_permutations": 99})
    with pytest.warns(UserWarning) as caught:
        area = load_study_area(config)
        area = load_counts(area, config, tmp_path)
    messages = " ".join(str(w.message) for w in caught)
    assert "covers the kecamatan of Blitar only" in messages and "Kabupaten Malang" in messages
    totals = area.results.tables["demo_totals"]  # the stage writes nothing; outputs.write_tables does
    assert set(totals["basis"]) == {"scaled"}
    assert totals["source"].str.contains("ILLUSTRATIVE").all()
    area = compute_indicators(area, config, tmp_path)
    # Kabupaten Blitar's published total per official km², times Malang's computed area
    stats = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "facts" / "blitar_region_stats.csv")
    blitar_area = stats.query("region == 'Kabupaten Blitar' and variable == 'area_km2'")["value"].iloc[0]
    density_2020 = 20_242 / blitar_area
    assert area.frame["umkm_count"].sum() == round(density_2020 * area.frame["area_km2"].sum())
    area = compute_inequality(compute_statistics(compute_weights(area, config), config), config)
    assert list(area.results.gap_table.groups_frame().index) == ["Kabupaten Malang"]
    # the default title is Blitar's: another region gets its own name, a title the user set stays
    assert study_title(config, area) == "UMKM Kabupaten Malang"
    own = _config(tmp_path, study={"region": "35.07", "title": "UMKM Malang Raya"})
    assert study_title(own, area) == "UMKM Malang Raya"


def test_pairwise_gap_tests_only_for_configured_pairs_beyond_five_groups(tmp_path, mirror):
    """Six kota without a grouping: no 15 untargeted pair tests (514 kab/kota would give 131,841)."""
    kota = "35.71,35.72,35.73,35.74,35.75,35.76"
    config = _config(
        tmp_path,
        study={"region": kota},
        groups={"source": "none", "compare": []},
        statistics={"permutations": 99, "gap_permutations": 99},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        area = compute_indicators(load_counts(load_study_area(config), config), config)
        six = compute_inequality(compute_weights(area, config), config)
    table = six.results.gap_table
    assert len(table.groups_frame()) == 6
    assert table.pairs_frame().empty
    reason = six.results.skipped["pairwise gap tests"]
    assert reason.startswith("6 groups (kab_nama) would make 15 pairwise tests")
    # five groups or fewer: every pair, as before
    config = dataclasses.replace(config, study=dataclasses.replace(config.study, region=kota.rsplit(",", 1)[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        area = compute_indicators(load_counts(load_study_area(config), config), config)
        five = compute_inequality(compute_weights(area, config), config)
    assert len(five.results.gap_table.pairs_frame()) == 10
    assert "pairwise gap tests" not in five.results.skipped
