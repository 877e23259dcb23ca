import itertools
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex, to_rgb
from shapely.geometry import Point, box

from umkm_geo._crs import utm_crs
from umkm_geo.classify.breaks import classify, lq_classes
from umkm_geo.classify.symbology import (
    ILLUSTRATIVE_STAMP,
    LISA_CODES,
    LISA_COLORS,
    NODATA_COLOR,
    SCHEMES,
    choropleth_legend,
    diverging_colors,
    lisa_label,
    significance_bands,
)
from umkm_geo.indicators.core import CHANGE_PCT, DENSITY, PER_1000
from umkm_geo.render.static._labels import GID_LABEL, GID_LEADER
from umkm_geo.render.static._layout import GID_KEY, GID_NOTE, GID_SCALE, km_text
from umkm_geo.render.static.local_maps import lisa_figure, local_figure, significance_figure
from umkm_geo.render.static.maps import (
    GID_STAMP,
    category_figure,
    choropleth_figure,
    klassen_figure,
    lq_figure,
)
from umkm_geo.render.static.save import save_figure
from umkm_geo.stats.autocorrelation.local import local_gi_star, local_moran
from umkm_geo.stats.regional import klassen
from umkm_geo.weights.build import build_weights

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
    legend = map_legend(fig)
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
    legend = map_legend(fig)
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
    (arrow,) = [t for a in fig.axes for t in a.texts if t.get_gid() == "north-arrow"]
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
    legend = map_legend(fig)
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
    texts = [t.get_text() for t in map_legend(fig).get_texts()]
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
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        save_figure(fig, tmp_path / "peta.jpg")
    assert list(tmp_path.iterdir()) == []


# --- layout: footer, notes, labels --------------------------------------------------------------


def map_legend(fig):
    """The map's legend (in the legend band under the map)."""
    (legend,) = [a.get_legend() for a in fig.axes if a.get_legend() is not None]
    return legend


def label_texts(fig):
    return [t for t in fig.axes[0].texts if t.get_gid() == GID_LABEL]


def key_text(fig):
    keys = [t.get_text() for a in fig.axes for t in a.texts if t.get_gid() == GID_KEY]
    return keys[0] if keys else ""


def assert_labels_do_not_overlap(fig):
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in label_texts(fig)]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    (stamp,) = [t for t in ax.texts if t.get_gid() == GID_STAMP] or [None]
    avoid = [a.get_window_extent(renderer) for a in ax.artists if a.get_gid() == GID_SCALE]
    if stamp is not None:
        avoid.append(stamp.get_bbox_patch().get_window_extent(renderer))
    for label, other in itertools.product(boxes, avoid):
        assert not label.overlaps(other)
    for label in boxes:
        assert ax.bbox.x0 <= label.x0 and label.x1 <= ax.bbox.x1
        assert ax.bbox.y0 <= label.y0 and label.y1 <= ax.bbox.y1
    return boxes


def assert_no_label_on_a_neighbour(fig, frame):
    """Every name covers at most 2% of its box of units other than its own; every number sits in its unit."""
    import shapely

    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    proj = frame.to_crs(utm_crs(frame))
    shapes = shapely.transform(np.asarray(proj.geometry.array, dtype=object), ax.transData.transform)
    by_name = dict(zip(proj["nama"], range(len(proj)), strict=True))
    numbers = {line.split("  ")[0]: line.split("  ")[1] for line in key_text(fig).splitlines()[1:] if "  " in line}
    for text in label_texts(fig):
        own = by_name[numbers.get(text.get_text(), text.get_text())]
        b = text.get_window_extent(renderer)
        rect = shapely.box(b.x0, b.y0, b.x1, b.y1)
        if text.get_text() in numbers:  # a number marks its unit: centred in it (it may be wider than a tiny unit)
            assert shapes[own].buffer(1.0).contains(rect.centroid), text.get_text()
            continue
        others = [shapely.intersection(rect, g).area for k, g in enumerate(shapes) if k != own]
        assert sum(others) <= 0.02 * rect.area, text.get_text()


def test_footer_has_credits_and_the_date(frame, density):
    classes = classify(density, scheme="quantiles", k=4)
    fig = choropleth_figure(
        frame, DENSITY, classes, title="t", credits="Sumber: uji (CC BY)", illustrative=False, date="2025-01-31"
    )
    (date,) = [t.get_text() for t in fig.texts if t.get_gid() == "map-date"]
    assert date.startswith("Dibuat 2025-01-31 · umkm_geo ")
    fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=False, lang="en")
    (date,) = [t.get_text() for t in fig.texts if t.get_gid() == "map-date"]
    assert date.startswith("Made 20")


def test_legend_note_names_the_classification(frame, density):
    # Rounded to hundreds the values take 3 distinct values: 5 quantile classes collapse.
    with pytest.warns(UserWarning, match="classes instead of 5"):
        classes = classify(density.round(-2), scheme="quantiles", k=5)
    assert classes.k < 5
    fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=False)
    (note,) = [t.get_text() for a in fig.axes for t in a.texts if t.get_gid() == GID_NOTE]
    assert note.replace("\n", " ") == f"Klasifikasi: kuantil, {classes.k} kelas (5 diminta; nilai kembar)"
    assert len(map_legend(fig).get_texts()) == classes.k + 1  # and the no-data row


def test_scale_bar_text_uses_the_decimal_comma():
    assert km_text(2500, "id") == "2,5 km"
    assert km_text(2500, "en") == "2.5 km"
    assert km_text(500, "id") == "500 m"


def test_blitar_labels_do_not_overlap(blitar):
    frame = blitar.frame
    values = pd.Series(np.arange(len(frame), dtype=float), index=frame.index, name=DENSITY.key)
    classes = classify(values, scheme="quantiles", k=5)
    fig = choropleth_figure(
        frame, DENSITY, classes, title="Blitar", credits="c", illustrative=True, labels=frame["nama"]
    )
    boxes = assert_labels_do_not_overlap(fig)
    drawn = [t.get_text() for t in label_texts(fig)]
    key = key_text(fig)
    # Every kecamatan is named: on the map, or by a number on the map explained in the key.
    for name in frame["nama"]:
        numbered = [line.split()[0] for line in key.splitlines() if line.endswith(f"  {name}")]
        assert name in drawn or (numbered and numbered[0] in drawn), name
    # 25 kecamatan, most of them large enough: nearly all names are written out in full.
    assert sum(name in drawn for name in frame["nama"]) >= 20
    assert len(boxes) == len(frame)
    # Kota Blitar's three small kecamatan, surrounded by the Kabupaten, cannot all hold their name, and a
    # name beside them would lie on a neighbour: at least one is numbered, and no label sits on a neighbour.
    assert key.startswith("Nomor pada peta:")
    assert_no_label_on_a_neighbour(fig, frame)


def test_crowded_areas_fall_back_to_leaders_numbers_and_the_key():
    # 40 cells of 0.004 degrees (~440 m, a few pixels) in the middle of one 55 km square.
    rows = []
    for i, j in itertools.product(range(8), range(5)):
        x, y = 112.24 + j * 0.004, -8.16 + i * 0.004
        rows.append({"kode": f"s{i}{j}", "nama": f"Desa Kecil {i}{j}", "geometry": box(x, y, x + 0.004, y + 0.004)})
    cells = gpd.GeoDataFrame(rows, crs="EPSG:4326").set_index("kode")
    outer = box(112.0, -8.4, 112.5, -7.9).difference(cells.union_all())
    frame = pd.concat([gpd.GeoDataFrame({"nama": ["Besar"]}, geometry=[outer], crs="EPSG:4326", index=["big"]), cells])
    values = pd.Series(np.arange(len(frame), dtype=float), index=frame.index, name="x")
    with pytest.warns(UserWarning, match="named in the key under the legend"):
        fig = choropleth_figure(
            frame, DENSITY, classify(values, k=3), title="t", credits="c", illustrative=True, labels=frame["nama"]
        )
    assert_labels_do_not_overlap(fig)
    drawn = [t.get_text() for t in label_texts(fig)]
    key = key_text(fig).splitlines()
    assert "Besar" in drawn
    assert key[0] == "Nomor pada peta:"
    numbers = {line.split("  ")[0]: line.split("  ")[1] for line in key[1:] if not line.startswith("–")}
    unlabelled = [line for line in key[1:] if line.startswith("–")]
    assert all(n in drawn for n in numbers)  # every number in the key is on the map
    assert all(line.endswith("(tanpa label di peta)") for line in unlabelled)
    # Every name is accounted for exactly once: written out, numbered, or listed as unlabelled.
    written = [name for name in frame["nama"] if name in drawn]
    listed = [line[3:].removesuffix(" (tanpa label di peta)") for line in unlabelled]
    assert sorted(written + list(numbers.values()) + listed) == sorted(frame["nama"])
    # the small cells lie inside "Besar": a leader would put their name or number on it
    assert not [line for line in fig.axes[0].lines if line.get_gid() == GID_LEADER]
    assert_no_label_on_a_neighbour(fig, frame)


def test_too_many_areas_are_not_labelled():
    big = grid(13)  # 169 areas
    values = pd.Series(np.arange(len(big), dtype=float), index=big.index, name="x")
    with pytest.warns(UserWarning, match="169 areas are too many to label"):
        fig = choropleth_figure(
            big, DENSITY, classify(values, k=3), title="t", credits="c", illustrative=False, labels=big["nama"]
        )
    assert label_texts(fig) == []


# --- diverging choropleths, categorical maps ----------------------------------------------------


def test_growth_map_diverges_at_zero(frame):
    # -24 .. 24 in steps of 2; bounds -12, 0, 12, 24: two classes below 0 and two above.
    growth = pd.Series(np.arange(-24.0, 26.0, 2.0), index=frame.index, name=CHANGE_PCT.key)
    classes = classify(growth, scheme="user_defined", bins=[-12, 0, 12, 24])
    assert classes.center == 0.0
    fig = choropleth_figure(frame, CHANGE_PCT, classes, title="t", credits="c", illustrative=False)
    collections = fills(fig)
    colors = diverging_colors(2, 2)
    for i, color in enumerate(colors):
        assert {to_hex(f) for f in collections[f"fill-{i}"].get_facecolors()} == {color}
    # Negative growth is blue, positive red; equally far from 0, equally strong.
    for below, above in ((1, 2), (0, 3)):
        b, r = to_rgb(colors[below]), to_rgb(colors[above])
        assert b[2] > b[0] and r[0] > r[2]
        assert sum(b) == pytest.approx(sum(r), abs=0.25)
    assert sum(to_rgb(colors[0])) < sum(to_rgb(colors[1]))  # farther from 0 is darker
    (note,) = [t.get_text() for a in fig.axes for t in a.texts if t.get_gid() == GID_NOTE]
    assert "warna berbalik di 0" in note.replace("\n", " ")


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_category_maps_keep_fixed_colours(frame, name):
    sch = SCHEMES[name]
    present = sch.codes[1:]  # the first code is absent from the map
    codes = pd.Series([present[i % len(present)] for i in range(len(frame))], index=frame.index)
    fig = category_figure(frame, codes, name, title="t", credits="c", illustrative=False, lang="en")
    collections = fills(fig)
    assert f"fill-{sch.codes[0]}" not in collections
    for code in present:
        assert {to_hex(f) for f in collections[f"fill-{code}"].get_facecolors()} == {sch.colors[code]}
        assert len(collections[f"fill-{code}"].get_paths()) == int((codes == code).sum())
    legend = map_legend(fig)
    assert [to_hex(h.get_facecolor()) for h in legend.legend_handles] == [sch.colors[c] for c in sch.codes]
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[0] == f"{sch.label(sch.codes[0], 'en')} (n=0)"
    assert legend.get_title().get_text().replace("\n", " ") == sch.title["en"]


@pytest.fixture
def grid_graph(frame):
    return build_weights(frame, method="rook").graph


@pytest.fixture
def hot_corner(frame):
    # High values in the lower-left 2 x 2 corner of the 5 x 5 grid, low elsewhere.
    rows, cols = np.divmod(np.arange(25), 5)
    return pd.Series(np.where((rows < 2) & (cols < 2), 50.0, 1.0) + cols, index=frame.index, name="y")


def test_local_figure_draws_gi_star_hot_spots(frame, grid_graph, hot_corner):
    result = local_gi_star(hot_corner, grid_graph, permutations=99, seed=1)
    fig = local_figure(frame, result, title="Gi*", credits="c", illustrative=False)
    legend = map_legend(fig)
    assert legend.get_title().get_text() == "Getis-Ord Gi*"
    counts = result.counts()
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == [f"{SCHEMES['gi_star'].label(code)} (n={counts[code]})" for code in SCHEMES["gi_star"].codes]
    assert counts["hot"] > 0
    assert len(fills(fig)["fill-hot"].get_paths()) == counts["hot"]
    assert "Getis-Ord Gi*; p semu dua sisi, 99 permutasi, seed 1; α = 0,05, koreksi: tanpa" in all_texts(fig)


def test_significance_map_bands_the_p_values(frame, hot_corner):
    # The grid plus one square far away: a unit without neighbours.
    far = gpd.GeoDataFrame({"nama": ["Pulau"]}, geometry=[box(113.0, -8.3, 113.08, -8.22)], crs="EPSG:4326")
    areas = pd.concat([frame, far.set_axis(["35.05.99"])])
    values = pd.concat([hot_corner, pd.Series([3.0], index=["35.05.99"])]).rename("y")
    with pytest.warns(UserWarning, match="35.05.99"):
        graph = build_weights(areas, method="rook").graph
    result = local_moran(values, graph, permutations=99, seed=2)
    fig = significance_figure(areas, result, title="p", credits="c", illustrative=False)
    data = result.frame()
    expected = significance_bands(data["p_value"], island=data["cluster"].eq("island")).value_counts()
    collections = fills(fig)
    for code, n in expected.items():
        assert len(collections[f"fill-{code}"].get_paths()) == n
        assert {to_hex(f) for f in collections[f"fill-{code}"].get_facecolors()} == {
            SCHEMES["significance"].colors[code]
        }
    assert expected["island"] == 1
    assert collections["fill-island"].get_hatch()
    legend = map_legend(fig)
    assert legend.get_title().get_text() == "Signifikansi (p semu dua sisi)"
    assert [t.get_text() for t in legend.get_texts()][-1] == "Tanpa tetangga (n=1)"


def test_lq_map_diverges_at_one(frame):
    # LQ 0.4, 0.5, ..., 2.8: (0.8, 1.0] holds 0.9 and 1.0 (not basis); 18 units have LQ > 1.
    lq = pd.Series(np.linspace(0.4, 2.8, 25).round(1), index=frame.index, name="kerajinan")
    fig = lq_figure(frame, lq, sector_label="kerajinan", title="LQ", credits="c", illustrative=False)
    classes = lq_classes(lq)
    collections = fills(fig)
    basis = lq > 1
    red = [k for k, c in collections.items() if np.subtract(*to_rgb(c.get_facecolors()[0])[::2]) > 0]
    # Units with LQ > 1 (basis) are exactly the ones drawn in the red (upper) classes.
    upper_classes = [f"fill-{i}" for i, (low, _) in enumerate(classes.bounds()) if low >= 1.0]
    assert sorted(red) == sorted(upper_classes)
    assert sum(len(collections[k].get_paths()) for k in upper_classes) == basis.sum()
    legend = map_legend(fig)
    assert legend.get_title().get_text() == "LQ sektor kerajinan"
    assert [t.get_text() for t in legend.get_texts()][2] == "0,80 – 1,00 (n=2)"
    assert basis.sum() == 18
    (note,) = [t.get_text() for a in fig.axes for t in a.texts if t.get_gid() == GID_NOTE]
    assert "sektor basis" in note


def test_klassen_map_lists_quadrants_and_references(frame):
    rows, cols = np.divmod(np.arange(25), 5)
    level = pd.Series(rows * 10.0, index=frame.index)  # mean 20
    growth = pd.Series(cols * 5.0, index=frame.index)  # mean 10
    result = klassen(level, growth)
    fig = klassen_figure(
        frame, result, level=PER_1000, growth=CHANGE_PCT, title="Klassen", credits="c", illustrative=False
    )
    # Quadrant I: row >= 2 and col >= 2 (3 x 3 = 9); II: row >= 2, col < 2 (6); III: 6; IV: 4.
    texts = [t.get_text() for t in map_legend(fig).get_texts()]
    assert texts == [
        "I Maju dan tumbuh pesat (n=9)",
        "II Maju tapi tertekan (n=6)",
        "III Berkembang cepat (n=6)",
        "IV Relatif tertinggal (n=4)",
    ]
    (note,) = [t.get_text() for a in fig.axes for t in a.texts if t.get_gid() == GID_NOTE]
    note = note.replace("\n", " ")
    assert "UMKM per 1.000 penduduk = 20,0 unit usaha per 1.000 jiwa" in note
    assert "Pertumbuhan UMKM = 10,0 persen" in note


def test_svg_is_written_and_parseable(tmp_path, frame, density):
    classes = classify(density, scheme="quantiles", k=4)
    fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=True, labels=frame["nama"])
    # One figure saved in both formats, as ``make maps`` does.
    assert save_figure(fig, tmp_path / "peta.png", dpi=50).read_bytes().startswith(b"\x89PNG")
    path = save_figure(fig, tmp_path / "peta.svg")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    ids = {el.get("id") for el in root.iter()}
    assert {GID_STAMP, "map-legend", "fill-0", "outline", GID_LABEL} <= ids


def test_kab_kota_boundaries_are_drawn_heavier_than_the_units(frame, density):
    """Two kab/kota: their outline is its own collection, heavier than the units' outline; one kab/kota: none."""
    two = frame.assign(kab_kode=["35.05" if i < 15 else "35.72" for i in range(len(frame))])
    classes = classify(density, k=3)
    fig = choropleth_figure(two, DENSITY, classes, title="Kepadatan", credits="Sumber: uji", illustrative=False)
    by_gid = {c.get_gid(): c for c in fig.axes[0].collections}
    assert "outline-kab" in by_gid
    assert by_gid["outline-kab"].get_linewidth()[0] > 2 * by_gid["outline"].get_linewidth()[0]
    one = frame.assign(kab_kode="35.05")
    fig = choropleth_figure(one, DENSITY, classes, title="Kepadatan", credits="Sumber: uji", illustrative=False)
    assert "outline-kab" not in {c.get_gid() for c in fig.axes[0].collections}


def test_a_local_map_states_its_test(frame):
    """The map of a local statistic names the p-value type, permutations, seed, alpha and correction."""
    from umkm_geo.render.static.local_maps import local_method

    y = pd.Series(np.arange(25, dtype=float), index=frame.index, name="y")
    result = local_moran(y, build_weights(frame, method="queen").graph, permutations=99, seed=7)
    line = local_method(result, "id")
    assert "99 permutasi" in line and "seed 7" in line and "α = 0,05" in line and "koreksi" in line
    assert "99 permutations" in local_method(result, "en")


def test_subtitles_name_the_table_year_only_where_it_applies():
    from umkm_geo.render.mapset import _without_table_year

    for key in ("umkm_change_pct", "lisa_umkm_change_pct", "survei_kuadran", "produk_unggulan", "idm", "lisa_ike"):
        assert _without_table_year(key), key
    for key in ("umkm_density", "lisa_umkm_density", "umkm_per_1000", "klassen"):
        assert not _without_table_year(key), key


def test_a_grouping_border_is_drawn_along_the_shared_edge_and_named_in_the_legend(frame, density):
    from umkm_geo.render.static._layout import GID_DIVIDE, Divide
    from umkm_geo.render.static.maps import group_divide

    # rows 0-1 of the 5 x 5 grid are "selatan", rows 2-4 "utara": the border is one straight edge of 5 cells
    rows = np.repeat(np.arange(5), 5)
    groups = pd.Series(np.where(rows >= 2, "utara", "selatan"), index=frame.index)
    classes = classify(density, scheme="quantiles", k=4)
    with group_divide(Divide(groups, ("utara", "selatan"), "Batas utara | selatan")):
        fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=False)
    (line,) = [c for c in fig.axes[0].collections if c.get_gid() == GID_DIVIDE]
    vertices = np.vstack([p.vertices for p in line.get_paths()])
    proj = frame.to_crs(utm_crs(frame))
    south = proj.geometry[(groups == "selatan").to_numpy()].union_all()
    north = proj.geometry[(groups == "utara").to_numpy()].union_all()
    edge = south.intersection(north)  # the shared edge (the cells touch exactly)
    assert edge.length > 0
    assert max(edge.distance(Point(v)) for v in vertices) < 5  # metres: every vertex is on the edge
    drawn = sum(np.linalg.norm(np.diff(p.vertices, axis=0), axis=1).sum() for p in line.get_paths())
    assert drawn == pytest.approx(edge.length, rel=0.03)
    assert map_legend(fig).get_texts()[-1].get_text() == "Batas utara | selatan"
    # outside the block no border is drawn
    fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=False)
    assert not [c for c in fig.axes[0].collections if c.get_gid() == GID_DIVIDE]


def test_the_locator_inset_shows_the_province_with_the_study_in_red_beside_the_notes(frame, density):
    from matplotlib.colors import to_hex

    from umkm_geo.render.static._layout import GID_LOCATOR
    from umkm_geo.render.static.maps import locator_inset

    # a "province" of four kab/kota around the study: the study is the first
    province = gpd.GeoDataFrame(
        {"studi": [True, False, False, False]},
        geometry=[box(112.0 + dx, -8.3 + dy, 112.4 + dx, -7.9 + dy) for dx in (0, 0.4) for dy in (0, 0.4)],
        crs="EPSG:4326",
    )
    classes = classify(density, scheme="quantiles", k=4)
    with locator_inset(province):
        fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=False, note="x " * 120)
    (inset,) = [a for a in fig.axes if a.get_gid() == GID_LOCATOR]
    fills = [to_hex(c) for coll in inset.collections for c in coll.get_facecolors()]
    assert sorted(fills) == sorted(["#b2182b", "#d9d9d9", "#d9d9d9", "#d9d9d9"])
    renderer = fig.canvas.get_renderer()
    (note,) = [t for a in fig.axes for t in a.texts if t.get_gid() == GID_NOTE]
    assert not note.get_window_extent(renderer).overlaps(inset.get_tightbbox(renderer))  # the long note wraps
    # the inset stays inside the figure after the band is fitted
    assert fig.bbox.contains(*inset.get_tightbbox(renderer).p0)
    # no inset outside the block
    fig = choropleth_figure(frame, DENSITY, classes, title="t", credits="c", illustrative=False)
    assert not [a for a in fig.axes if a.get_gid() == GID_LOCATOR]
