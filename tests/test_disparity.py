import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from libpysal.graph import Graph

import umkm_geo.stats.inequality.gap_table as disparity
import umkm_geo.stats.inequality.indices as inequality_indices
import umkm_geo.stats.inequality.spatial_gini as spatial_gini_module
from _independent import four_units, kode_index
from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.results import RESULT_TABLE_COLUMNS
from umkm_geo.stats.inequality.gap import group_gap
from umkm_geo.stats.inequality.gap_table import (
    DEFINITIONS,
    gap_table,
    spatial_gini,
)


def _toy():
    # Toy 6-unit study area (x per 1,000 residents, population in thousands, area in km2).
    #   unit  group    x   p  p*x  area
    #   01    utara    2   1   2   10
    #   02    utara    4   1   4   30
    #   03    selatan  1   2   2   20
    #   04    selatan  3   2   6   20
    #   05    kota     6   1   6    5
    #   06    kota    10   3  30    5     P = 10, sum(p x) = 50, xbar_w = 5, mean = 26/6 = 13/3
    index = kode_index(6)
    x = pd.Series([2.0, 4.0, 1.0, 3.0, 6.0, 10.0], index=index, name="umkm_per_1000")
    p = pd.Series([1.0, 1.0, 2.0, 2.0, 1.0, 3.0], index=index, name="population")
    g = pd.Series(["utara", "utara", "selatan", "selatan", "kota", "kota"], index=index, name="wilayah")
    area = pd.Series([10.0, 30.0, 20.0, 20.0, 5.0, 5.0], index=index, name="area_km2")
    return x, p, g, area


def _lattice(nrow, ncol, ids=None):
    """Rook Graph of a row-major lattice of unit squares (ids in the order of libpysal.lat2W)."""
    polys = [shapely.box(c, -r, c + 1, -r + 1) for r in range(nrow) for c in range(ncol)]
    ids = kode_index(nrow * ncol) if ids is None else ids
    frame = gpd.GeoDataFrame(geometry=polys, index=ids)
    return Graph.build_contiguity(frame, rook=True).transform("r")


# --- re-exports ------------------------------------------------------------------------------


def test_public_names_are_re_exported():
    # from umkm_geo.stats.inequality.gap_table import theil keeps working after the split into modules
    re_exported = {
        **dict.fromkeys(
            ("theil", "williamson", "gini", "TheilResult", "WilliamsonResult", "GiniResult"), inequality_indices
        ),
        **dict.fromkeys(("spatial_gini", "SpatialGiniResult"), spatial_gini_module),
    }
    for name, module in re_exported.items():
        assert getattr(disparity, name) is getattr(module, name)
    # the public names: the re-exported measures and the module's own four
    assert set(disparity.__all__) == {"DEFINITIONS", "SINGLETON_P_VALUE", "GapTable", "gap_table", *re_exported}
    assert all(hasattr(disparity, name) for name in disparity.__all__)
    # DEFINITIONS: the indices, then the spatial Gini, each definition as in its own module
    assert list(DEFINITIONS) == [*inequality_indices.INDEX_DEFINITIONS, *spatial_gini_module.SPATIAL_GINI_DEFINITIONS]
    assert DEFINITIONS["williamson"] == inequality_indices.INDEX_DEFINITIONS["williamson"]


# --- gap table -------------------------------------------------------------------------------


def test_gap_table_toy_value_by_value():
    x, p, g, area = _toy()
    kab_kota = g.map({"utara": "kab", "selatan": "kab", "kota": "kota"})
    table = gap_table(x, g, population=p, area=area, permutations=9999, seed=11, theil_by={"kab_kota": kab_kota})

    groups = table.groups_frame()
    assert list(groups.index) == ["utara", "selatan", "kota"]  # order of first appearance
    assert groups.index.name == "wilayah"
    # utara [2, 4]; selatan [1, 3]; kota [6, 10]
    assert groups["n"].tolist() == [2, 2, 2]
    assert groups["mean"].tolist() == [3.0, 2.0, 8.0]
    assert groups["median"].tolist() == [3.0, 2.0, 8.0]
    assert groups["min"].tolist() == [2.0, 1.0, 6.0]
    assert groups["max"].tolist() == [4.0, 3.0, 10.0]
    # p x per group: 6, 8, 36 of 50
    assert groups["share_of_total"].tolist() == pytest.approx([0.12, 0.16, 0.72])
    assert groups["population"].tolist() == [2.0, 4.0, 4.0]
    assert groups["population_share"].tolist() == pytest.approx([0.2, 0.4, 0.4])
    # weighted means 6/2, 8/4, 36/4
    assert groups["weighted_mean"].tolist() == pytest.approx([3.0, 2.0, 9.0])
    # areas 40, 40, 10 of 90; area-weighted means (20+120)/40, (20+60)/40, (30+50)/10
    assert groups["area"].tolist() == [40.0, 40.0, 10.0]
    assert groups["area_share"].tolist() == pytest.approx([4 / 9, 4 / 9, 1 / 9])
    assert groups["area_weighted_mean"].tolist() == pytest.approx([3.5, 2.0, 8.0])

    pairs = table.pairs_frame()
    assert list(zip(pairs["a"], pairs["b"], strict=True)) == [
        ("utara", "selatan"),
        ("utara", "kota"),
        ("selatan", "kota"),
    ]
    assert pairs["difference"].tolist() == [1.0, -5.0, -6.0]
    assert pairs["ratio"].tolist() == pytest.approx([1.5, 3 / 8, 2 / 8])
    assert pairs["n_a"].tolist() == [2, 2, 2] and pairs["n_b"].tolist() == [2, 2, 2]
    # exact p over the 6 splits of 4 units: utara-selatan {2,4}|{1,3}: |d| in {2,1,0,0,1,2} -> 4/6;
    # utara-kota {2,4}|{6,10}: |d| in {5,3,1,1,3,5} -> 2/6; selatan-kota {1,3}|{6,10}: {6,3,1,1,3,6} -> 2/6
    assert pairs["p_value"].tolist() == pytest.approx([4 / 6, 2 / 6, 2 / 6], abs=0.02)
    direct = group_gap(x, g, a="utara", b="kota", permutations=9999, seed=11)
    assert pairs.loc[1, "p_value"] == direct.p_value  # built on group_gap, same seed

    measures = table.measures_frame().set_index(["measure", "grouping"], drop=False)
    value = measures["value"]
    # Theil, population-weighted: s_i / q_i = x_i / 5 = [0.4, 0.8, 0.2, 0.6, 1.2, 2.0]
    # T = 0.04 ln 0.4 + 0.08 ln 0.8 + 0.04 ln 0.2 + 0.12 ln 0.6 + 0.12 ln 1.2 + 0.60 ln 2 = 0.2575872
    t = (
        0.04 * math.log(0.4)
        + 0.08 * math.log(0.8)
        + 0.04 * math.log(0.2)
        + 0.12 * math.log(0.6)
        + 0.12 * math.log(1.2)
        + 0.6 * math.log(2.0)
    )
    # T_B (wilayah) = 0.12 ln(0.12/0.2) + 0.16 ln(0.16/0.4) + 0.72 ln(0.72/0.4) = 0.2153008
    t_b = 0.12 * math.log(0.6) + 0.16 * math.log(0.4) + 0.72 * math.log(1.8)
    # T_W = 0.12 T_utara + 0.16 T_selatan + 0.72 T_kota, T_utara = 1/3 ln(2/3) + 2/3 ln(4/3),
    # T_selatan = 0.25 ln 0.5 + 0.75 ln 1.5, T_kota = 1/6 ln(6/9) + 5/6 ln(10/9) -> 0.0422864
    t_w = (
        0.12 * (math.log(2 / 3) / 3 + 2 * math.log(4 / 3) / 3)
        + 0.16 * (0.25 * math.log(0.5) + 0.75 * math.log(1.5))
        + 0.72 * (math.log(2 / 3) / 6 + 5 * math.log(10 / 9) / 6)
    )
    assert value["theil_total", "wilayah"] == pytest.approx(t, abs=1e-14)
    assert value["theil_between", "wilayah"] == pytest.approx(t_b, abs=1e-14)
    assert value["theil_within", "wilayah"] == pytest.approx(t_w, abs=1e-14)
    assert value["theil_between_share", "wilayah"] == pytest.approx(t_b / t)
    # kab/kota: s_kab = 14/50 = 0.28, q_kab = 0.6 -> T_B = 0.28 ln(0.28/0.6) + 0.72 ln 1.8 = 0.2098072
    assert value["theil_total", "kab_kota"] == pytest.approx(t, abs=1e-14)
    assert value["theil_between", "kab_kota"] == pytest.approx(
        0.28 * math.log(0.28 / 0.6) + 0.72 * math.log(1.8), abs=1e-14
    )
    # Williamson: sum p (x - 5)^2 / P = (9 + 1 + 2*16 + 2*4 + 1 + 3*25) / 10 = 12.6 -> sqrt(12.6) / 5
    assert value["williamson", None] == pytest.approx(math.sqrt(12.6) / 5, abs=1e-14)
    # weighted Gini: sum over unordered pairs p_i p_j |x_i - x_j| = 194 -> 388 / (2 * 100 * 5) = 0.388
    assert value["gini_weighted", None] == pytest.approx(0.388, abs=1e-14)
    # Gini: sum over unordered pairs |x_i - x_j| = 58 -> 116 / (2 * 36 * 13/3) = 116 / 312
    assert value["gini", None] == pytest.approx(116 / 312, abs=1e-14)
    # cv: squared deviations from 13/3 sum to 480/9, var = 80/9 -> sqrt(80)/3 / (13/3) = sqrt(80)/13
    assert value["cv", None] == pytest.approx(math.sqrt(80) / 13, abs=1e-14)
    assert measures.loc[("williamson", None), "weighted"]
    assert not measures.loc[("gini", None), "weighted"]
    assert measures.loc[("gini", None), "definition"] == DEFINITIONS["gini"]
    assert not any(m.startswith("spatial") for m in measures["measure"])

    settings = table.settings
    assert settings["theil_groupings"] == ["wilayah", "kab_kota"]
    assert settings["pairs"] == ["utara-selatan", "utara-kota", "selatan-kota"]
    assert (settings["permutations"], settings["seed"]) == (9999, 11)
    out = table.to_dict()
    json.dumps(out)
    assert out["statistics"]["theil_between:kab_kota"] == pytest.approx(0.2098072, abs=1e-7)
    assert out["statistics"]["difference:utara-kota"] == -5.0
    assert out["statistics"]["n"] == 6
    assert tuple(table.table().columns) == RESULT_TABLE_COLUMNS


def test_gap_table_with_graph_adds_spatial_gini():
    x, _, g, _ = _toy()
    graph = _lattice(2, 3, ids=x.index)
    table = gap_table(x, g, permutations=99, seed=3, pairs=[("utara", "selatan")])
    assert table.pairs_frame()[["a", "b"]].values.tolist() == [["utara", "selatan"]]
    assert "williamson" not in set(table.measures_frame()["measure"])  # needs population
    with_graph = gap_table(x, g, permutations=99, seed=3, graph=graph)
    measures = with_graph.measures_frame().set_index("measure")["value"]
    direct = spatial_gini(x, graph, permutations=99, seed=3)
    assert measures["spatial_gini_polarization"] == direct.polarization
    assert measures["spatial_gini_p_value"] == direct.p_sim
    assert measures["spatial_gini_non_neighbour_share"] == pytest.approx(direct.non_neighbour_share)
    assert with_graph.settings["spatial_gini_engine"] == direct.settings["engine"]
    assert "spatial_gini_engine" not in table.settings
    assert not with_graph.measures_frame().set_index("measure").loc["theil_total", "weighted"]


def test_missing_group_label_value_and_area_in_gap_table():
    x, p, g, area = _toy()
    g.iloc[0] = None
    x.iloc[3] = np.nan
    area.iloc[4] = np.nan
    with pytest.raises(AnalysisError, match=r"no value of x for \['35.05.04'\].*area for \['35.05.05'\]"):
        gap_table(x, g, population=p, area=area, seed=1, permutations=9)
    with pytest.warns(UserWarning) as caught:
        table = gap_table(x, g, population=p, area=area, seed=1, permutations=9, drop_missing=True)
    left_out = [str(w.message) for w in caught if "left out" in str(w.message)]
    assert len(left_out) == 1
    assert all(unit in left_out[0] for unit in ("35.05.01", "35.05.04", "35.05.05"))
    assert table.dropped == ("35.05.01", "35.05.04", "35.05.05")
    assert table.settings["dropped_units"] == ["35.05.01", "35.05.04", "35.05.05"]
    # left: utara 02 (x 4, p 1), selatan 03 (x 1, p 2), kota 06 (x 10, p 3)
    assert table.groups_frame()["n"].tolist() == [1, 1, 1]
    assert table.groups_frame()["population"].tolist() == [1.0, 2.0, 3.0]
    assert table.pairs_frame()["p_value"].isna().all()  # every group has one unit


def test_group_of_one_unit_gives_nan_p_with_warning():
    x, _, g, _ = _toy()
    g.iloc[0] = "pusat"  # a group of one unit
    with pytest.warns(UserWarning, match=r"\['pusat'\].*one unit"):
        table = gap_table(x, g, seed=1, permutations=99, pairs=[("pusat", "kota"), ("selatan", "kota")])
    pairs = table.pairs_frame()
    assert math.isnan(pairs.loc[0, "p_value"])
    assert pairs.loc[0, "difference"] == 2.0 - 8.0
    assert not math.isnan(pairs.loc[1, "p_value"])


def test_gap_table_bad_input():
    x, _, g = four_units()
    with pytest.raises(ConfigError, match=r"Unknown group.*'timur'"):
        gap_table(x, g, seed=1, pairs=[("g1", "timur")])
    with pytest.raises(ConfigError, match="itself"):
        gap_table(x, g, seed=1, pairs=[("g1", "g1")])
    with pytest.raises(ConfigError, match="already the name"):
        gap_table(x, g, seed=1, theil_by={"wilayah": g})
    with pytest.raises(ConfigError, match="seed"):
        gap_table(x, g, seed=None)
