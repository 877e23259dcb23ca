import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from shapely.geometry import box

from _independent import lattice
from umkm_geo._errors import AnalysisError
from umkm_geo.classify.breaks import format_number
from umkm_geo.classify.symbology import CHART_COLORS, ILLUSTRATIVE_STAMP, LISA_COLORS, lisa_label
from umkm_geo.indicators.core import DENSITY, PER_1000
from umkm_geo.render.static._labels import GID_LABEL
from umkm_geo.render.static._layout import GID_STAMP
from umkm_geo.render.static.charts import (
    GID_MEAN,
    GID_POINTS,
    GID_REGRESSION,
    group_comparison_figure,
    moran_points,
    moran_scatter_figure,
)
from umkm_geo.stats.autocorrelation.global_ import global_moran
from umkm_geo.stats.autocorrelation.local import local_moran
from umkm_geo.stats.inequality.gap_table import gap_table
from umkm_geo.weights.build import build_weights


@pytest.fixture(scope="module")
def grid():
    return lattice(5, 5)


@pytest.fixture(scope="module")
def values(grid):
    # A gradient with a bump: positive autocorrelation, some significant clusters.
    y = grid["row"] * 3.0 + grid["col"] + np.where((grid["row"] == 4) & (grid["col"] >= 3), 12.0, 0.0)
    return pd.Series(y.to_numpy(), index=grid.index, name="umkm_density")


@pytest.fixture(scope="module")
def graph(grid):
    return build_weights(grid, method="rook").graph


@pytest.fixture(scope="module")
def moran(values, graph):
    return global_moran(values, graph, permutations=99, seed=1)


@pytest.fixture(scope="module")
def lisa(values, graph):
    return local_moran(values, graph, permutations=99, seed=1)


def points_of(fig):
    return np.vstack([c.get_offsets() for c in fig.axes[0].collections if c.get_gid() == GID_POINTS])


def hand_lag(grid, z):
    """Mean of the rook neighbours (up, down, left, right) of each cell, computed from row and col."""
    cells = {(r, c): i for i, (r, c) in enumerate(zip(grid["row"], grid["col"], strict=True))}
    lag = []
    for r, c in cells:
        near = [cells[n] for n in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)) if n in cells]
        lag.append(np.mean(z[near]))
    return np.array(lag)


def test_points_are_standardised_values_and_their_lag(grid, values, graph):
    points = moran_points(values, graph).reindex(grid.index)
    y = values.to_numpy()
    z = (y - y.mean()) / y.std()  # divisor n
    assert points["z"].to_numpy() == pytest.approx(z, abs=1e-12)
    assert points["lag"].to_numpy() == pytest.approx(hand_lag(grid, z), abs=1e-12)
    assert not points["island"].any()


def test_scatter_slope_equals_morans_i(values, graph, moran, lisa):
    fig = moran_scatter_figure(
        values, graph, moran=moran, lisa=lisa, indicator=DENSITY, title="Moran", credits="c", illustrative=False
    )
    pts = points_of(fig)
    assert len(pts) == 25
    # Without islands the least-squares slope of the lag on z is Moran's I (row-standardised W).
    assert np.polyfit(pts[:, 0], pts[:, 1], 1)[0] == pytest.approx(moran.I, abs=1e-9)
    (line,) = [ln for ln in fig.axes[0].lines if ln.get_gid() == GID_REGRESSION]
    xs, ys = line.get_data()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(moran.I, abs=1e-12)
    assert ys[0] + ys[1] == pytest.approx(0.0, abs=1e-12)  # through the origin
    i_text, p_text = format_number(moran.I, 3), format_number(moran.p_sim, 3)
    assert fig.get_suptitle() == f"Moran (I = {i_text}; p semu dua sisi = {p_text})"
    assert moran.settings["alternative"] == "two-sided"


def test_significant_points_take_their_cluster_colours(values, graph, moran, lisa):
    fig = moran_scatter_figure(
        values, graph, moran=moran, lisa=lisa, indicator=DENSITY, title="M", credits="c", illustrative=False
    )
    clusters = lisa.frame()["cluster"]
    expected = {LISA_COLORS[c]: int(n) for c, n in clusters[clusters != "ns"].value_counts().items()}
    expected[CHART_COLORS["ns_point"]] = int((clusters == "ns").sum())
    drawn = {}
    for c in fig.axes[0].collections:
        if c.get_gid() == GID_POINTS:
            (color,) = {to_hex(f) for f in c.get_facecolors()}
            drawn[color] = len(c.get_offsets())
    assert drawn == expected
    assert clusters.isin(["HH", "LL"]).any()
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert f"Tidak signifikan (n={expected[CHART_COLORS['ns_point']]})" in legend
    assert legend[-1] == f"Garis: kemiringan = I = {format_number(moran.I, 3)}"
    corners = {t.get_text() for t in fig.axes[0].texts}
    assert {lisa_label(c) for c in ("HH", "LL", "LH", "HL")} <= corners


def test_english_axes_and_quadrants(values, graph, moran, lisa, grid):
    names = pd.Series([f"Kec {i}" for i in range(25)], index=grid.index)
    fig = moran_scatter_figure(
        values,
        graph,
        moran=moran,
        lisa=lisa,
        indicator=DENSITY,
        title="Moran scatter",
        credits="c",
        illustrative=True,
        lang="en",
        labels=names,
    )
    ax = fig.axes[0]
    assert ax.get_xlabel() == "UMKM density (standardised, z)"
    assert ax.get_ylabel() == "Spatial lag: UMKM density (z)"
    assert "High-High (HH)" in {t.get_text() for t in ax.texts}
    assert "two-sided pseudo p" in fig.get_suptitle()
    assert [t.get_text() for t in fig.texts if t.get_gid() == GID_STAMP] == [ILLUSTRATIVE_STAMP]
    # Names of significant units only, not overlapping.
    significant = set(names[lisa.frame()["cluster"] != "ns"])
    labels = [t for t in ax.texts if t.get_gid() == GID_LABEL]
    assert labels
    assert {t.get_text() for t in labels} <= significant
    renderer = fig.canvas.get_renderer()
    for a, b in itertools.combinations([t.get_window_extent(renderer) for t in labels], 2):
        assert not a.overlaps(b)


def test_islands_sit_at_lag_zero_and_the_line_keeps_slope_i(grid):
    far = gpd.GeoDataFrame({"row": [9], "col": [9]}, geometry=[box(113.0, -8.0, 113.01, -7.99)], crs="EPSG:4326")
    frame = pd.concat([grid, far.set_axis(["island"])])
    y = pd.Series(np.r_[np.arange(25.0), 7.0], index=frame.index, name="y")
    with pytest.warns(UserWarning, match="island"):
        g = build_weights(frame, method="rook").graph
    moran = global_moran(y, g, permutations=99, seed=1)
    fig = moran_scatter_figure(y, g, moran=moran, indicator=DENSITY, title="M", credits="c", illustrative=False)
    pts = points_of(fig)
    z = (y - y.mean()) / y.std(ddof=0)
    assert [tuple(p) for p in pts if p[1] == 0.0] == [(pytest.approx(z["island"]), 0.0)]
    # esda's I = n / S0 * z'Wz / z'z with S0 = n - 1 (the island's row is empty); the fitted
    # slope z'Wz / z'z is I * S0 / n; the drawn line has slope I.
    assert np.polyfit(pts[:, 0], pts[:, 1], 1)[0] == pytest.approx(moran.I * 25 / 26, abs=1e-9)
    (line,) = [ln for ln in fig.axes[0].lines if ln.get_gid() == GID_REGRESSION]
    xs, ys = line.get_data()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(moran.I, abs=1e-12)
    assert "Tanpa tetangga (n=1)" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_scatter_rejects_a_moran_result_of_other_data(values, graph, moran):
    with pytest.raises(AnalysisError, match="does not belong"):
        moran_scatter_figure(
            values**2, graph, moran=moran, indicator=DENSITY, title="M", credits="c", illustrative=False
        )


def test_scatter_needs_row_standardised_weights(grid, values):
    binary = build_weights(grid, method="rook", transform="b").graph
    with pytest.raises(AnalysisError, match="row-standardised"):
        moran_points(values, binary)


# --- group comparison --------------------------------------------------------------------------

IDS = [f"35.05.{i:02d}" for i in range(1, 13)]


@pytest.fixture(scope="module")
def groups_data():
    # utara: 10, 11, 12, 13, 14, 12 (mean 12); selatan: 4, 5, 6, 5 (mean 5); kota: 40, 50 (mean 45).
    v = pd.Series([10, 11, 12, 13, 14, 12, 4, 5, 6, 5, 40, 50], index=IDS, name=PER_1000.key, dtype=float)
    g = pd.Series(["utara"] * 6 + ["selatan"] * 4 + ["kota_blitar"] * 2, index=IDS, name="wilayah")
    gap = gap_table(v, g, pairs=[("utara", "selatan")], permutations=199, seed=3)
    return v, g, gap


def test_comparison_shows_each_group_with_n_and_mean(groups_data):
    v, g, gap = groups_data
    fig = group_comparison_figure(
        v, g, indicator=PER_1000, gap=gap, title="Utara dan selatan", credits="c", illustrative=True, seed=1
    )
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["Blitar Utara\n(n=6)", "Blitar Selatan\n(n=4)", "Kota Blitar\n(n=2)"]
    (means,) = [c for c in ax.collections if c.get_gid() == GID_MEAN]
    assert means.get_offsets()[:, 1].tolist() == [12.0, 5.0, 45.0]
    dots = [c.get_offsets() for c in ax.collections if c.get_gid() == GID_POINTS]
    assert [sorted(d[:, 1]) for d in dots] == [sorted(v[g == k]) for k in ("utara", "selatan", "kota_blitar")]
    for position, d in enumerate(dots, start=1):
        assert np.all(np.abs(d[:, 0] - position) <= 0.13)  # jitter stays inside the box
    p = gap.pairs_frame()["p_value"].iloc[0]
    subtitle = (
        "Rata-rata Blitar Utara 12,0 vs Blitar Selatan 5,0 unit usaha per 1.000 jiwa: selisih 7,0 (rasio 2,40); "
        f"p permutasi dua sisi = {format_number(p, 3)} (199 permutasi, seed 3)"
    )
    texts = [t.get_text().replace("\n", " ") for t in fig.texts]
    assert subtitle in texts
    assert [t.get_text() for t in fig.texts if t.get_gid() == GID_STAMP] == [ILLUSTRATIVE_STAMP]


def test_comparison_in_english(groups_data):
    v, g, gap = groups_data
    fig = group_comparison_figure(
        v, g, indicator=PER_1000, gap=gap, title="t", credits="c", illustrative=False, lang="en"
    )
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0] == "North Blitar\n(n=6)"
    texts = " ".join(t.get_text().replace("\n", " ") for t in fig.texts)
    assert (
        "Mean North Blitar 12.0 vs South Blitar 5.0 businesses per 1,000 residents: difference 7.0 (ratio 2.40)"
        in texts
    )
    assert fig.axes[0].get_ylabel() == PER_1000.title("en")


def test_comparison_rejects_a_gap_table_of_other_values(groups_data):
    v, g, gap = groups_data
    with pytest.raises(AnalysisError, match="differ from the gap table"):
        group_comparison_figure(v * 2, g, indicator=PER_1000, gap=gap, title="t", credits="c", illustrative=False)


def test_comparison_without_gap_table_and_with_missing_values(groups_data):
    v, g, _ = groups_data
    v = v.copy()
    v.iloc[0] = np.nan  # left out of utara
    fig = group_comparison_figure(v, g, indicator=PER_1000, title="t", credits="c", illustrative=False)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0] == "Blitar Utara\n(n=5)"
    (means,) = [c for c in fig.axes[0].collections if c.get_gid() == GID_MEAN]
    assert means.get_offsets()[0, 1] == pytest.approx((11 + 12 + 13 + 14 + 12) / 5)


def test_scatter_of_an_untestable_moran_says_not_tested():
    """Three mutually adjacent units: every relabelling gives the same I, so p is NaN, not a number."""
    frame = gpd.GeoDataFrame(
        {"kode": ["a", "b", "c"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 2, 2)],
        crs="EPSG:32749",
    ).set_index("kode")
    graph = build_weights(frame, method="queen").graph
    y = pd.Series([1.0, 2.0, 6.0], index=frame.index, name="umkm_density")
    moran = global_moran(y, graph, permutations=99, seed=1)
    assert np.isnan(moran.p_sim)
    fig = moran_scatter_figure(y, graph, moran=moran, indicator=DENSITY, title="M", credits="c", illustrative=False)
    assert fig.get_suptitle() == f"M (I = {format_number(moran.I, 3)}; p semu dua sisi = tidak diuji)"
    fig = moran_scatter_figure(
        y, graph, moran=moran, indicator=DENSITY, title="M", credits="c", illustrative=False, lang="en"
    )
    assert fig.get_suptitle().endswith("two-sided pseudo p = not tested)")
