import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from _independent import lattice
from umkm_geo.classify.breaks import lq_classes
from umkm_geo.classify.symbology import ILLUSTRATIVE_STAMP, NODATA_COLOR, diverging_colors
from umkm_geo.indicators.core import COUNT, Indicator
from umkm_geo.render.static._layout import GID_NOTE, GID_SCALE, GID_STAMP
from umkm_geo.render.static.multiples import PANEL_LEVEL, shared_classes, small_multiples_figure, stack_panels


@pytest.fixture(scope="module")
def grid():
    return lattice(3, 4)  # 12 units


@pytest.fixture(scope="module")
def years(grid):
    # 2019: 0, 10, ..., 110; 2020: 60, 70, ..., 170 (one unit missing).
    base = np.arange(12) * 10.0
    table = pd.DataFrame({"2019": base, "2020": base + 60}, index=grid.index)
    table.iloc[5, 1] = np.nan
    return table


def panel_fills(fig, panel):
    (ax,) = [a for a in fig.axes if a.get_gid() == f"panel-{panel}"]
    return {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("fill-")}


def test_stack_panels_keeps_order_and_missing_values(years):
    stacked = stack_panels(years)
    assert stacked.index.names == [PANEL_LEVEL, "kode"]
    assert list(stacked.index.get_level_values(0).unique()) == ["2019", "2020"]
    assert len(stacked) == 24
    assert stacked.isna().sum() == 1
    assert stacked[("2020", years.index[0])] == 60.0


def test_one_classification_for_all_panels(years):
    classes = shared_classes(years, scheme="equal_interval", k=4)
    # Range 0 .. 170 over both years: bounds 42.5, 85, 127.5, 170, not each year's own range.
    assert classes.upper == (42.5, 85.0, 127.5, 170.0)
    assert sum(classes.counts) == 23
    assert classes.n_nodata == 1


def test_panels_share_classes_colours_and_one_legend(grid, years):
    classes = shared_classes(years, scheme="equal_interval", k=4)
    fig = small_multiples_figure(
        grid,
        years,
        classes,
        indicator=COUNT,
        title="Jumlah UMKM per tahun",
        credits="c",
        illustrative=True,
        panel_titles={"2019": "Tahun 2019"},
    )
    panels = [a for a in fig.axes if (a.get_gid() or "").startswith("panel-")]
    assert [a.get_gid() for a in panels] == ["panel-2019", "panel-2020"]
    assert [a.get_title(loc="left") for a in panels] == ["Tahun 2019", "2020"]
    for panel in ("2019", "2020"):
        fills = panel_fills(fig, panel)
        yb = classes.yb.xs(panel, level=0)
        assert sum(len(c.get_paths()) for c in fills.values()) == len(grid)
        for key, collection in fills.items():
            code = key.removeprefix("fill-")
            expected = NODATA_COLOR if code == "nodata" else classes.colors[int(code)]
            assert {to_hex(f) for f in collection.get_facecolors()} == {expected}
            n = (yb == -1).sum() if code == "nodata" else (yb == int(code)).sum()
            assert len(collection.get_paths()) == n
    # The value 60 is in 2019 (unit 6) and 2020 (unit 0): the same class, the same colour.
    assert classes.yb[("2019", grid.index[6])] == classes.yb[("2020", grid.index[0])] == 1
    legends = [a.get_legend() for a in fig.axes if a.get_legend() is not None]
    assert len(legends) == 1
    texts = [t.get_text() for t in legends[0].get_texts()]
    assert len(texts) == classes.k + 1
    assert texts[-1] == "Tidak ada data (n=1)"
    assert [int(t.split("n=")[1].rstrip(")")) for t in texts[:4]] == list(classes.counts)
    assert "kecamatan × panel" in legends[0].get_title().get_text()
    notes = [t.get_text() for a in fig.axes for t in a.texts if t.get_gid() == GID_NOTE]
    assert "Satu klasifikasi untuk semua panel" in notes[0].replace("\n", " ")
    stamps = [t.get_text() for t in fig.texts if t.get_gid() == GID_STAMP]
    assert stamps == [ILLUSTRATIVE_STAMP]
    scale_bars = [a for ax in fig.axes for a in ax.artists if a.get_gid() == GID_SCALE]
    assert len(scale_bars) == 1


def test_lq_per_sector_diverges_at_one(grid):
    rng = np.random.default_rng(7)
    lq = pd.DataFrame(
        rng.uniform(0.3, 2.5, size=(12, 3)), index=grid.index, columns=["perdagangan", "jasa", "pertanian_olahan"]
    )
    classes = lq_classes(stack_panels(lq))
    fig = small_multiples_figure(
        grid,
        lq,
        classes,
        indicator=Indicator("lq", "LQ", "LQ", "", "", 2),
        title="LQ",
        credits="c",
        illustrative=False,
        lang="en",
    )
    below = sum(1 for low, high in classes.bounds() if high <= 1.0)
    assert classes.colors == diverging_colors(below, classes.k - below)
    assert [a.get_title(loc="left") for a in fig.axes if (a.get_gid() or "").startswith("panel-")] == [
        "perdagangan",
        "jasa",
        "pertanian olahan",
    ]
    assert not [t for t in fig.texts if t.get_gid() == GID_STAMP]
    # Units with LQ > 1 in the jasa panel are drawn in the classes above 1.
    fills = panel_fills(fig, "jasa")
    above = [f"fill-{i}" for i, (low, _) in enumerate(classes.bounds()) if low >= 1.0]
    assert sum(len(fills[k].get_paths()) for k in above if k in fills) == int((lq["jasa"] > 1).sum())


def test_classes_must_cover_every_panel(grid, years):
    classes = shared_classes(years[["2019"]], scheme="quantiles", k=3)
    with pytest.raises(ValueError, match="panel '2020'"):
        small_multiples_figure(grid, years, classes, indicator=COUNT, title="t", credits="c", illustrative=False)
