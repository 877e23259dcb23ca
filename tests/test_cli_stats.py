import errno
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio

from _independent import lattice, write_geotiff
from umkm_geo.cli import EXIT_CONFIG, EXIT_DATA, EXIT_OK, EXIT_OUTPUT, main
from umkm_geo.stats.autocorrelation.local import local_moran
from umkm_geo.weights.build import build_weights
from umkm_geo.weights.lean import contiguity_weights


@pytest.fixture(scope="module")
def layer(tmp_path_factory):
    frame = lattice(8, 8, crs="EPSG:32749")
    rng = np.random.default_rng(4)
    frame["umkm"] = 10.0 * (frame["col"] >= 4) + rng.gamma(2.0, 1.0, len(frame))
    frame["penduduk"] = rng.integers(1_000, 5_000, len(frame)).astype(float)
    frame["wilayah"] = np.where(frame["row"] < 4, "utara", "selatan")
    frame["kab"] = np.where(frame["col"] < 2, "kota", "kabupaten")
    path = tmp_path_factory.mktemp("cli") / "units.gpkg"
    frame.reset_index().to_file(path)
    return frame, path


def test_lean_contiguity_equals_build_weights(layer):
    frame, _ = layer
    lean = contiguity_weights(frame)
    graph = build_weights(frame).graph
    assert list(lean.unique_ids) == list(graph.unique_ids)
    assert (abs(lean.sparse - graph.sparse) > 1e-15).nnz == 0
    np.testing.assert_array_equal(lean.cardinalities, graph.cardinalities.reindex(lean.unique_ids))


def test_local_command_writes_the_same_lisa_as_the_api(layer, tmp_path, capsys):
    frame, path = layer
    out = tmp_path / "lisa.csv"
    code = main(["local", str(path), "--column", "umkm", "--output", str(out), "--seed", "3"])
    assert code == EXIT_OK
    table = pd.read_csv(out, dtype={"kode": str}).set_index("kode")
    api = local_moran(frame["umkm"], build_weights(frame).graph, seed=3).frame()
    np.testing.assert_allclose(table["Ii"], api["Ii"], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(table["p_value"], api["p_value"])
    assert (table["cluster"].fillna("") == api["cluster"]).all()
    assert set(table["p_value_type"]) == {"pseudo p-value, two-sided, conditional permutation"}
    assert set(table["seed"]) == {3} and set(table["permutations"]) == {999}
    assert "wrote" in capsys.readouterr().err


@pytest.mark.parametrize("statistic", ["gi_star", "geary", "moran_bv"])
def test_local_command_runs_every_statistic(layer, tmp_path, statistic):
    _, path = layer
    out = tmp_path / f"{statistic}.csv"
    extra = ["--x", "penduduk"] if statistic == "moran_bv" else []
    argv = ["local", str(path), "--column", "umkm", "--statistic", statistic, "--output", str(out), *extra]
    assert main([*argv, "--weights", "rook"]) == EXIT_OK
    table = pd.read_csv(out)
    assert len(table) == 64
    assert set(table["statistic"]) == {f"local_{statistic}"}
    assert table["p_value"].between(0, 1).all()


def test_global_command_stacks_results_with_settings(layer, tmp_path):
    _, path = layer
    out = tmp_path / "global.csv"
    argv = ["global", str(path), "--column", "umkm", "--output", str(out), "--permutations", "199"]
    assert main([*argv, "--statistic", "moran", "geary", "moran_rate", "--base", "penduduk"]) == EXIT_OK
    table = pd.read_csv(out)
    assert set(table["result"]) == {"global_moran", "geary", "moran_rate"}
    moran = table[(table["result"] == "global_moran") & (table["name"] == "I")]["value"].astype(float).iloc[0]
    assert moran > 0.3
    assert (table.loc[table["name"] == "permutations", "value"].astype(int) == 199).all()


def test_inequality_command_writes_groups_pairs_and_measures(layer, tmp_path):
    _, path = layer
    out = tmp_path / "gap.csv"
    argv = ["inequality", str(path), "--column", "umkm", "--group", "wilayah", "--population", "penduduk"]
    assert main([*argv, "--theil-by", "kab", "--spatial", "--output", str(out), "--permutations", "199"]) == 0
    measures = pd.read_csv(out)
    theil = measures.set_index(["measure", "grouping"])["value"]
    for grouping in ("wilayah", "kab"):
        total = theil[("theil_total", grouping)]
        np.testing.assert_allclose(theil[("theil_between", grouping)] + theil[("theil_within", grouping)], total)
    assert "spatial_gini_p_value" in set(measures["measure"])
    assert len(pd.read_csv(tmp_path / "gap_groups.csv")) == 2
    assert len(pd.read_csv(tmp_path / "gap_pairs.csv")) == 1


def test_regional_commands_read_a_long_count_table(tmp_path):
    counts = pd.DataFrame(
        {
            "kode": ["a", "a", "b", "b"] * 2,
            "sektor": ["dagang", "jasa"] * 4,
            "tahun": [2019] * 4 + [2020] * 4,
            "jumlah": [10, 30, 20, 20, 12, 33, 30, 21],
        }
    )
    path = tmp_path / "counts.csv"
    counts.to_csv(path, index=False)
    assert main(["regional", str(path), "--method", "lq", "--output", str(tmp_path / "lq.csv")]) == EXIT_OK
    lq = pd.read_csv(tmp_path / "lq.csv").set_index(["kode", "sektor"])["lq"]
    # 2020: a = 12/45 dagang vs 42/96 overall -> (12/45)/(42/96)
    assert lq[("a", "dagang")] == pytest.approx((12 / 45) / (42 / 96))
    assert (tmp_path / "lq_settings.csv").is_file()
    assert main(["regional", str(path), "--method", "shift-share", "--output", str(tmp_path / "ss.csv")]) == 0
    shift = pd.read_csv(tmp_path / "ss.csv")
    np.testing.assert_allclose(
        shift["national_share"] + shift["industry_mix"] + shift["competitive"], shift["change"], atol=1e-9
    )
    assert main(["regional", str(path), "--method", "klassen", "--output", str(tmp_path / "k.csv")]) == EXIT_OK
    assert len(pd.read_csv(tmp_path / "k.csv")) == 2


def test_zonal_and_density_commands(layer, tmp_path):
    frame, path = layer
    minx, miny, maxx, maxy = frame.total_bounds
    width, height = int((maxx - minx) / 100), int((maxy - miny) / 100)
    ones = np.ones((height, width), dtype="float32")
    raster = write_geotiff(tmp_path / "ones.tif", ones, west=minx, north=maxy, cell=100.0)
    out = tmp_path / "zonal.csv"
    assert main(["zonal", str(path), "--raster", str(raster), "--output", str(out)]) == EXIT_OK
    zonal = pd.read_csv(out)
    # 1 km cells of 100 m pixels: 100 pixels of value 1 each
    assert (zonal["count"] == 100).all() and (zonal["sum"] == 100).all()
    tif = tmp_path / "density.tif"
    assert main(["density", str(path), "--column", "umkm", "--output", str(tif), "--cell-size-m", "100"]) == 0
    with rasterio.open(tif) as src:
        band = src.read(1, masked=True)
        total = float(band.sum()) * (100 * 100) / 1e6
    assert total == pytest.approx(frame["umkm"].sum(), rel=1e-3)


def test_bad_input_names_the_column_or_the_ids(layer, tmp_path, capsys):
    frame, path = layer
    code = main(["local", str(path), "--column", "nope", "--output", str(tmp_path / "x.csv")])
    assert code == EXIT_CONFIG
    assert "no column 'nope'" in capsys.readouterr().err
    dup = frame.reset_index()
    dup.loc[1, "kode"] = dup.loc[0, "kode"]
    dup_path = tmp_path / "dup.gpkg"
    dup.to_file(dup_path)
    assert main(["local", str(dup_path), "--column", "umkm", "--output", str(tmp_path / "y.csv")]) == EXIT_DATA
    assert "duplicated values ['r0c0']" in capsys.readouterr().err
    assert not (tmp_path / "y.csv").exists()
    code = main(
        ["local", str(path), "--column", "umkm", "--statistic", "moran_bv", "--output", str(tmp_path / "z.csv")]
    )
    assert code == EXIT_CONFIG
    assert "needs --x" in capsys.readouterr().err


def test_a_geoparquet_index_serves_as_the_id(layer, tmp_path):
    frame, _ = layer
    path = tmp_path / "units.parquet"
    frame.to_parquet(path)  # kode stays the (named) index
    out = tmp_path / "lisa.csv"
    assert main(["local", str(path), "--column", "umkm", "--output", str(out)]) == EXIT_OK
    assert list(pd.read_csv(out)["kode"]) == list(frame.index)


def test_files_that_cannot_be_read_or_written_give_one_message_and_a_code(layer, tmp_path, capsys):
    _, path = layer
    missing = tmp_path / "no_such.csv"
    assert main(["regional", str(missing), "--method", "lq", "--output", str(tmp_path / "lq.csv")]) == EXIT_DATA
    err = capsys.readouterr().err
    assert f"{missing} does not exist" in err and "Traceback" not in err
    garbled = tmp_path / "garbled.csv"
    garbled.write_bytes(b"kode,sektor\n\xff\xfe\x00,\n")
    assert main(["regional", str(garbled), "--method", "lq", "--output", str(tmp_path / "lq.csv")]) == EXIT_DATA
    assert f"{garbled}: a table with a 'sektor' column must have exactly one count column" in capsys.readouterr().err
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    out = a_file / "lisa.csv"  # a folder that cannot exist: its parent is a file
    assert main(["local", str(path), "--column", "umkm", "--output", str(out)]) == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert err.startswith(f"umkm-geo: cannot read or write {a_file}: ") and "Traceback" not in err
    assert main(["local", str(path), "--column", "umkm", "--output", str(out), "--debug"]) == EXIT_OUTPUT
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_a_command_writing_several_files_writes_all_or_none(layer, tmp_path, monkeypatch, capsys):
    _, path = layer
    out = tmp_path / "gap.csv"
    argv = ["inequality", str(path), "--column", "umkm", "--group", "wilayah", "--output", str(out)]
    assert main([*argv, "--permutations", "99"]) == EXIT_OK
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(before) == {"gap.csv", "gap_groups.csv", "gap_pairs.csv"}
    write_text = Path.write_text

    def disk_full_at_pairs(self, *args, **kwargs):
        if self.name.startswith(".gap_pairs.csv."):  # the temporary file of gap_pairs.csv
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", disk_full_at_pairs)
    assert main([*argv, "--permutations", "199", "--population", "penduduk"]) == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert f"cannot read or write {tmp_path / 'gap_pairs.csv'}: No space left on device" in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # none replaced, no temporary file left
