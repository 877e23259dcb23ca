import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from shapely.geometry import box

from umkm_geo.classification import classify
from umkm_geo.indicators import DENSITY
from umkm_geo.render._style import (
    ILLUSTRATIVE_STAMP,
    LISA_CODES,
    LISA_COLORS,
    NODATA_COLOR,
    choropleth_legend,
    lisa_label,
)
from umkm_geo.render.static import (
    GID_STAMP,
    choropleth_figure,
    lisa_figure,
    save_figure,
)

CELL = 0.08  # degrees


def grid(n=5):
    rows = []
    for i in range(n):
        for j in range(n):
            x, y = 112.0 + j * CELL, -8.3 + i * CELL
            number = i * n + j + 1
            rows.append(
                {
                    "kode": f"35.05.{number:02d}",
                    "nama": f"Kec {number}",
                    "geometry": box(x, y, x + CELL, y + CELL),
                }
            )
    return gpd.GeoDataFrame(rows, crs="EPSG:4326").set_index("kode")


@pytest.fixture
def frame():
    return grid()


@pytest.fixture
def density(frame):
    values = pd.Series(np.arange(25, dtype=float) * 10, index=frame.index, name=DENSITY.key)
    values.iloc[[3, 17]] = np.nan
    return values


def fills(fig):
    ax = fig.axes[0]
    return {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("fill-")}


def all_texts(fig):
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += ax.texts
    return [t.get_text() for t in texts]


def test_choropleth_polygons_take_the_class_colours(frame, density):
    classes = classify(density, scheme="quantiles", k=4)
    fig = choropleth_figure(frame, DENSITY, classes, title="Kepadatan", credits="Sumber: uji", illustrative=False)
    collections = fills(fig)
    assert set(collections) == {"fill-0", "fill-1", "fill-2", "fill-3", "fill-nodata"}
    for i, color in enumerate(classes.colors):
        faces = {to_hex(f) for f in collections[f"fill-{i}"].get_facecolors()}
        assert faces == {color}
        assert len(collections[f"fill-{i}"].get_paths()) == classes.counts[i]
    nodata = collections["fill-nodata"]
    assert {to_hex(f) for f in nodata.get_facecolors()} == {NODATA_COLOR}
    assert nodata.get_hatch() == "///"
    assert len(nodata.get_paths()) == 2


def test_choropleth_legend_uses_the_shared_labels(frame, density):
    classes = classify(density, scheme="fisher_jenks", k=5)
    fig = choropleth_figure(frame, DENSITY, classes, title="Kepadatan", credits="Sumber: uji", illustrative=False)
    legend = fig.axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    labels = classes.labels(DENSITY.decimals)
    assert len(texts) == classes.k + 1
    for text, label, count in zip(texts, labels, classes.counts, strict=False):
        assert text == f"{label} (n={count})"
    assert texts[-1] == "Tidak ada data (n=2)"
    assert legend.get_title().get_text().replace("\n", " ") == DENSITY.title("id")
    handles = [to_hex(h.get_facecolor()) for h in legend.legend_handles]
    assert handles == [*classes.colors, NODATA_COLOR]
    assert texts == [e.text for e in choropleth_legend(classes, decimals=DENSITY.decimals)]


def test_english_legend(frame, density):
    classes = classify(density, scheme="equal_interval", k=3)
    fig = choropleth_figure(
        frame,
        DENSITY,
        classes,
        title="Density",
        credits="Source: test",
        illustrative=False,
        lang="en",
    )
    legend = fig.axes[0].get_legend()
    assert legend.get_title().get_text().replace("\n", " ") == DENSITY.title("en")
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[0].startswith(classes.labels(1, lang="en")[0])
    assert texts[-1] == "No data (n=2)"


def test_stamp_only_when_illustrative(frame, density):
    classes = classify(density, scheme="quantiles", k=4)
    kwargs = {"title": "Peta", "subtitle": "Sub", "credits": "Sumber: BPS (CC BY)"}
    stamped = choropleth_figure(frame, DENSITY, classes, illustrative=True, **kwargs)
    plain = choropleth_figure(frame, DENSITY, classes, illustrative=False, **kwargs)
    assert ILLUSTRATIVE_STAMP in all_texts(stamped)
    assert [t for t in stamped.axes[0].texts if t.get_gid() == GID_STAMP]
    assert ILLUSTRATIVE_STAMP not in all_texts(plain)
    for fig in (stamped, plain):
        texts = all_texts(fig)
        assert "Sumber: BPS (CC BY)" in texts
        assert "Sub" in texts
        assert fig.get_suptitle() == "Peta"


def test_scale_bar_is_in_true_kilometres(frame, density):
    classes = classify(density, scheme="quantiles", k=4)
    fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=False)
    ax = fig.axes[0]
    # The axes are in UTM metres: 5 cells of 0.08 degrees at 8 degrees south are about 44 km.
    data_width = np.ptp([p.vertices[:, 0] for c in fills(fig).values() for p in c.get_paths()])
    assert 5 * CELL * 111_320 * np.cos(np.radians(8.1)) == pytest.approx(data_width, rel=0.01)
    (bar,) = [a for a in ax.artists if a.get_gid() == "scale-bar"]
    rect = bar.size_bar.get_children()[0]
    label = bar.txt_label.get_text()
    assert label.endswith(" km")
    assert rect.get_width() == pytest.approx(float(label.split()[0]) * 1000)
    (arrow,) = [t for t in ax.texts if t.get_gid() == "north-arrow"]
    assert arrow.get_text() == "U"


def test_area_labels(frame, density):
    classes = classify(density, scheme="quantiles", k=4)
    fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=False, labels=frame["nama"])
    texts = all_texts(fig)
    assert all(name in texts for name in frame["nama"])


def test_classes_must_cover_the_map(frame, density):
    classes = classify(density.iloc[:10], scheme="quantiles", k=3)
    with pytest.raises(ValueError, match="no entry for 15 areas"):
        choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=False)


def lisa_values(frame):
    codes = ["HH", "LL", "HL", "ns", "island"] * 5  # no "LH"
    values = pd.Series(codes, index=frame.index, dtype=object)
    values.iloc[0] = None
    return values


def test_lisa_legend_is_fixed_even_when_a_category_is_absent(frame):
    clusters = lisa_values(frame)
    fig = lisa_figure(
        frame,
        clusters,
        title="LISA",
        subtitle="p semu dua sisi, alpha 0,05, 999 permutasi",
        credits="c",
        illustrative=False,
    )
    legend = fig.axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    expected_counts = {"HH": 4, "LL": 5, "LH": 0, "HL": 5, "ns": 5, "island": 5}
    assert texts[: len(LISA_CODES)] == [f"{lisa_label(code)} (n={expected_counts[code]})" for code in LISA_CODES]
    assert texts[-1] == "Tidak ada data (n=1)"
    handles = [to_hex(h.get_facecolor()) for h in legend.legend_handles]
    assert handles == [LISA_COLORS[c] for c in LISA_CODES] + [NODATA_COLOR]
    collections = fills(fig)
    assert "fill-LH" not in collections
    for code in ("HH", "LL", "HL", "ns", "island"):
        assert {to_hex(f) for f in collections[f"fill-{code}"].get_facecolors()} == {LISA_COLORS[code]}
    assert collections["fill-island"].get_hatch()
    assert "p semu dua sisi, alpha 0,05, 999 permutasi" in all_texts(fig)


def test_lisa_colours_do_not_depend_on_which_categories_exist(frame):
    only_two = pd.Series(["HL", "ns"] * 12 + ["HL"], index=frame.index)
    fig = lisa_figure(frame, only_two, title="t", credits="c", illustrative=True, lang="en")
    collections = fills(fig)
    assert {to_hex(f) for f in collections["fill-HL"].get_facecolors()} == {LISA_COLORS["HL"]}
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts[0] == "High-High (HH) (n=0)"
    assert texts[3] == "High-Low (HL) (n=13)"
    assert len(texts) == len(LISA_CODES)
    assert ILLUSTRATIVE_STAMP in all_texts(fig)


def test_lisa_rejects_unknown_codes(frame):
    bad = pd.Series(["HH"] * 24 + ["XX"], index=frame.index)
    with pytest.raises(ValueError, match="XX"):
        lisa_figure(frame, bad, title="t", credits="c", illustrative=False)


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_save_figure_is_atomic_and_creates_folders(tmp_path, frame, density, suffix, magic):
    classes = classify(density, scheme="quantiles", k=4)
    fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=True)
    target = tmp_path / "a" / "b" / f"peta{suffix}"
    assert save_figure(fig, target, dpi=50) == target
    assert target.read_bytes().startswith(magic)
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_save_figure_rejects_other_formats(tmp_path, frame, density):
    classes = classify(density, scheme="quantiles", k=4)
    fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=False)
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        save_figure(fig, tmp_path / "peta.jpg")
    assert list(tmp_path.iterdir()) == []
