"""The web atlas (a folium map) in a real headless Chromium (Playwright with the system browser).

The page must work offline: no console error, no request outside the file itself. Most tests use a
small synthetic 5 x 5 grid; the atlas of the real Blitar run is opened in tests/test_pipeline.py,
beside the other tests of that run.
"""

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from _browser import Tab
from umkm_geo.classify.breaks import classify
from umkm_geo.classify.symbology import NODATA_COLOR, SCHEMES
from umkm_geo.indicators.core import COUNT, DENSITY
from umkm_geo.render.atlas.model import CategoryLayer, ChoroplethLayer, DetailRow
from umkm_geo.render.atlas.write import write_atlas

CELL = 0.08
EVIL = "<script>alert(1)</script>"
BRACES = "{{ 7*7 }}"
NAMES = {8: EVIL, 9: BRACES, 13: "Sanan Kulon", 17: "Sananwetan"}


def grid_frame():
    rows = []
    for i in range(5):
        for j in range(5):
            x, y = 112.0 + j * CELL, -8.3 + i * CELL
            number = i * 5 + j + 1
            rows.append(
                {
                    "kode": f"35.05.{number:02d}",
                    "nama": NAMES.get(number, f"Kec {number}"),
                    "kab_nama": "Kabupaten Uji",
                    "geometry": box(x, y, x + CELL, y + CELL),
                }
            )
    return gpd.GeoDataFrame(rows, crs="EPSG:4326").set_index("kode")


FRAME = grid_frame()
DENSITY_VALUES = pd.Series(np.linspace(10.5, 250.25, 25), index=FRAME.index, name=DENSITY.key)
DENSITY_VALUES.iloc[4] = np.nan
COUNT_VALUES = pd.Series(np.arange(25) * 37.0 + 1200, index=FRAME.index, name=COUNT.key)
CLUSTERS = pd.Series(["HH", "LL", "ns", "island", "HL"] * 5, index=FRAME.index)
HOT = pd.Series(["hot", "ns", "cold", "island", "ns"] * 5, index=FRAME.index)
P_VALUES = pd.Series(np.linspace(0.001, 0.9, 25), index=FRAME.index)
LAYERS = [
    ChoroplethLayer(DENSITY, DENSITY_VALUES, classify(DENSITY_VALUES, scheme="quantiles", k=5)),
    ChoroplethLayer(COUNT, COUNT_VALUES, classify(COUNT_VALUES, scheme="equal_interval", k=4)),
    CategoryLayer("lisa_density", "Klaster LISA kepadatan", "LISA clusters", CLUSTERS),
    CategoryLayer("gi_density", "Titik panas Gi*", "Gi* hot spots", HOT, scheme="gi_star"),
]
DETAILS = [DetailRow("p", "p LISA", "LISA p", P_VALUES, 3)]


def density_fills():
    classes = LAYERS[0].classes
    return [classes.color_for(int(c)) for c in classes.yb]


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    folder = tmp_path_factory.mktemp("atlas")
    result = write_atlas(
        FRAME,
        LAYERS,
        details=DETAILS,
        title="Atlas uji",
        credits="Sumber: uji & contoh (CC BY 4.0)",
        illustrative=True,
        path=folder / "atlas.html",
    )
    return result.path


@pytest.fixture
def tab(browser, atlas):
    opened = Tab(browser, atlas)
    yield opened
    opened.page.close()


def test_page_loads_offline_and_draws_every_area(tab):
    assert tab.page.locator("path.leaflet-interactive").count() == len(FRAME)
    assert sorted(k for k, _ in tab.fills()) == list(FRAME.index)
    assert "Sumber: uji & contoh (CC BY 4.0)" in tab.page.inner_text(".leaflet-control-attribution")
    assert "Batas tidak disederhanakan" in tab.page.inner_text(".leaflet-control-attribution")
    assert tab.visible_legends() == [DENSITY.title("id")]
    assert "Data ilustrasi" in tab.page.inner_text("#umkm-header")
    # A folium map with Leaflet only: none of folium's other defaults (jQuery, Bootstrap) is loaded.
    assert tab.page.locator(".folium-map").count() == 1
    assert tab.page.evaluate("[typeof L, typeof jQuery, typeof bootstrap]") == ["object", "undefined", "undefined"]
    tab.assert_clean()


def test_toggling_layers_changes_fills_and_legend(tab):
    expected_density = dict(zip(FRAME.index, density_fills(), strict=True))
    assert dict(tab.fills()) == expected_density
    assert expected_density["35.05.05"] == NODATA_COLOR

    tab.choose_layer("Klaster LISA")
    lisa = SCHEMES["lisa"].colors
    assert dict(tab.fills()) == {k: lisa[c] for k, c in CLUSTERS.items()}
    assert tab.visible_legends() == ["Klaster LISA kepadatan"]
    dashed = tab.page.locator("path.leaflet-interactive[stroke-dasharray]")
    assert sorted(dashed.evaluate_all("els => els.map(e => e.getAttribute('data-kode'))")) == sorted(
        CLUSTERS.index[CLUSTERS == "island"]
    )

    tab.choose_layer("Titik panas")
    gi = SCHEMES["gi_star"].colors
    assert dict(tab.fills()) == {k: gi[c] for k, c in HOT.items()}
    assert tab.visible_legends() == ["Titik panas Gi*"]

    tab.choose_layer("Kepadatan UMKM")
    assert dict(tab.fills()) == expected_density
    assert tab.visible_legends() == [DENSITY.title("id")]
    tab.assert_clean()


def test_tooltip_shows_name_code_and_the_layer_value(tab):
    tab.area("35.05.01").dispatch_event("mouseover")
    tip = tab.tooltip()
    assert "Kec 1" in tip and "35.05.01" in tip and "Kabupaten Uji" in tip
    assert "10,5 unit usaha per km²" in tip  # Indonesian decimal comma
    assert "Kelas" in tip and LAYERS[0].classes.labels(1)[0] in tip
    tab.area("35.05.01").dispatch_event("mouseout")

    tab.area("35.05.08").dispatch_event("mouseover")
    assert EVIL in tab.tooltip()  # shown as text, not run
    tab.area("35.05.08").dispatch_event("mouseout")
    tab.area("35.05.09").dispatch_event("mouseover")
    assert BRACES in tab.tooltip()  # not evaluated as a template
    tab.area("35.05.09").dispatch_event("mouseout")

    tab.choose_layer("Klaster LISA")
    tab.area("35.05.01").dispatch_event("mouseover")
    tip = tab.tooltip()
    assert "Klaster LISA kepadatan" in tip and "Tinggi-Tinggi (HH)" in tip
    assert "unit usaha" not in tip
    tab.assert_clean()


def test_search_finds_kecamatan_by_name_and_opens_the_popup(tab):
    search = tab.page.locator("#umkm-search-input")
    results = tab.page.locator("#umkm-search-results li")
    start_zoom = tab.page.evaluate("window.umkmAtlas.map.getZoom()")

    search.fill("sanan")
    assert [t.split(" 35.05")[0] for t in results.all_inner_texts()] == ["Sanan Kulon", "Sananwetan"]
    search.fill("KULON")
    assert results.count() == 1
    search.fill("sanankulon")  # spaces do not matter
    assert results.all_inner_texts()[0].startswith("Sanan Kulon")
    search.fill("<script")  # names from data are searchable text too
    assert results.all_inner_texts()[0].startswith(EVIL)
    search.fill("zzz")
    assert results.all_inner_texts() == ["Tidak ditemukan"]

    search.fill("sanan")
    search.press("ArrowDown")
    search.press("ArrowDown")
    search.press("Enter")  # the second match
    text = tab.popup().inner_text()
    assert text.startswith("Sananwetan")
    assert results.count() == 0
    assert tab.page.evaluate("window.umkmAtlas.map.getZoom()") > start_zoom
    # The whole of the chosen kecamatan is in view (number 17: column 1, row 3 of the grid).
    (south, west), (north, east) = tab.page.evaluate(VIEW)
    assert west < 112.0 + CELL and east > 112.0 + 2 * CELL
    assert south < -8.3 + 3 * CELL and north > -8.3 + 4 * CELL

    search.fill("Sanan K")
    results.first.click()
    assert tab.popup().inner_text().startswith("Sanan Kulon")
    tab.assert_clean()


VIEW = """(() => {
    var b = window.umkmAtlas.map.getBounds(); return [[b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]];
})()"""


def test_popup_lists_every_value_of_the_kecamatan(tab):
    tab.area("35.05.13").click()  # the centre of the grid; 13 is "Sanan Kulon"
    popup = tab.popup()
    rows = popup.locator("tr").evaluate_all(
        "trs => trs.map(tr => [tr.querySelector('th').textContent, tr.querySelector('td').textContent])"
    )
    i = 12  # position of kecamatan 13
    # density: linspace(10.5, 250.25, 25)[12] = 10.5 + 12 * 9.989583 = 130.375 -> "130,4" (1 decimal)
    # count: 12 * 37 + 1200 = 1644 -> "1.644"; p: 0.001 + 12 * 0.037458 = 0.4505 -> "0,450"
    # (binary 0.45049999... rounds down)
    # Statistics and their p-values first, then the indicators.
    assert rows == [
        ["Statistik spasial", ""],
        ["Klaster LISA kepadatan", SCHEMES["lisa"].label(CLUSTERS.iloc[i])],
        ["Titik panas Gi*", SCHEMES["gi_star"].label(HOT.iloc[i])],
        ["Rincian", ""],
        ["p LISA", f"{P_VALUES.iloc[i]:.3f}".replace(".", ",")],
        ["Indikator", ""],
        ["Kepadatan UMKM", "130,4 unit usaha per km²"],
        ["Jumlah UMKM", "1.644 unit usaha"],
    ]
    assert popup.locator("b").first.inner_text() == "Sanan Kulon"
    assert popup.locator("tr.current th").all_inner_texts() == ["Kepadatan UMKM"]  # the layer shown
    tab.assert_clean()


def test_screenshot_is_not_blank(tab):
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(tab.page.screenshot())).convert("RGB"))
    colours, counts = np.unique(image.reshape(-1, 3), axis=0, return_counts=True)
    assert len(colours) > 50
    # The five classes, the no-data grey, the background and the panels each cover > 0.5 % of the view.
    assert (counts > 0.005 * image.shape[0] * image.shape[1]).sum() >= 7
    background = np.array([0xF4, 0xF4, 0xF1])
    assert (np.abs(image.astype(int) - background).sum(axis=2) > 30).mean() > 0.3  # the map is drawn


def test_english_page(browser, tmp_path):
    path = write_atlas(
        FRAME,
        LAYERS,
        details=DETAILS,
        title="Test atlas",
        credits="c",
        illustrative=False,
        lang="en",
        path=tmp_path / "en.html",
    ).path
    tab = Tab(browser, path)
    try:
        assert tab.page.inner_text("#umkm-header label") == "Find a kecamatan"
        tab.choose_layer("Number of UMKM")
        tab.area("35.05.01").dispatch_event("mouseover")
        assert "1,200 businesses" in tab.tooltip()
        assert tab.visible_legends() == [COUNT.title("en")]
        assert tab.page.locator(".umkm-stamp").count() == 0
        tab.assert_clean()
    finally:
        tab.page.close()


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def _overlap(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_on_a_phone_the_layer_panel_starts_closed_and_covers_neither_title_nor_search(browser, atlas):
    phone = Tab(browser, atlas, width=390, height=844)
    try:
        page = phone.page
        assert page.eval_on_selector("#umkm-layers details", "d => d.open") is False
        panel, header = _box(page, "#umkm-layers"), _box(page, "#umkm-header")
        assert not _overlap(panel, header)  # title, stamp and search box stay visible
        assert panel["height"] < 60  # a button, not the open list
        page.click("#umkm-layers summary")
        assert page.eval_on_selector("#umkm-layers details", "d => d.open") is True
        assert not phone.problems
    finally:
        phone.page.close()
    desktop = Tab(browser, atlas, width=1280, height=800)
    try:
        assert desktop.page.eval_on_selector("#umkm-layers details", "d => d.open") is True
    finally:
        desktop.page.close()


# --- on a phone and on a desktop: the map on opening, the names on the map, the search's zoom, the groups ---

SIZES = [pytest.param((390, 844), id="phone"), pytest.param((1280, 800), id="desktop")]
DESA_CELL = 0.02
TINY = 0.004  # a small kelurahan: about 440 m across


def desa_frame():
    """A 20 x 20 grid of desa-sized cells (2.2 km); the middle one is a ring round a small kelurahan."""
    rows = []
    for i in range(20):
        for j in range(20):
            x, y = 112.0 + j * DESA_CELL, -8.3 + i * DESA_CELL
            rows.append({"kode": f"35.05.01.{i * 20 + j + 1:04d}", "nama": f"Desa {i * 20 + j + 1}", "cell": (x, y)})
    frame = pd.DataFrame(rows).set_index("kode")
    geoms = [box(x, y, x + DESA_CELL, y + DESA_CELL) for x, y in frame.pop("cell")]
    middle = frame.index.get_loc("35.05.01.0211")  # row 10, column 10
    cx, cy = geoms[middle].centroid.x, geoms[middle].centroid.y
    tiny = box(cx - TINY / 2, cy - TINY / 2, cx + TINY / 2, cy + TINY / 2)
    geoms[middle] = geoms[middle].difference(tiny)
    frame.loc["35.05.01.0211", "nama"] = "Desa Cincin"
    frame.loc["35.05.01.9999"] = {"nama": "Kelurahan Kecil"}
    frame = gpd.GeoDataFrame(frame, geometry=[*geoms, tiny], crs="EPSG:4326")
    # A tall desa (three cells) and a wide one (two): fitted to the whole screen, they would reach under the
    # boxes above and below the map on a phone, left and right of it on a desktop.
    for cells, name in ((("0051", "0071", "0091"), "Desa Panjang"), (("0303", "0304"), "Desa Lebar")):
        codes = [f"35.05.01.{cell}" for cell in cells]
        frame.loc[codes[0], "geometry"] = frame.geometry[codes].union_all()
        frame.loc[codes[0], "nama"] = name
        frame = frame.drop(index=codes[1:])
    return frame


@pytest.fixture(scope="module")
def desa_atlas(tmp_path_factory):
    frame = desa_frame()
    values = pd.Series(np.linspace(1.0, 50.0, len(frame)), index=frame.index, name=DENSITY.key)
    layers = [
        ChoroplethLayer(DENSITY, values, classify(values, scheme="quantiles", k=5)),
        CategoryLayer("lisa_density", "Klaster LISA kepadatan", "LISA clusters", pd.Series("ns", index=frame.index)),
    ]
    path = tmp_path_factory.mktemp("desa") / "atlas.html"
    return write_atlas(frame, layers, title="Atlas desa uji", credits="uji", illustrative=False, path=path).path


@pytest.fixture
def sized(browser, request):
    """Open an atlas at a size: ``sized(path, (width, height))``; every page closed at the end."""
    tabs = []

    def open_(path, size):
        tabs.append(Tab(browser, path, width=size[0], height=size[1]))
        return tabs[-1]

    yield open_
    for opened in tabs:
        opened.page.close()


LABELS = """() => Array.from(document.querySelectorAll('.umkm-label span')).map(s => {
    var r = s.getBoundingClientRect();
    return {text: s.textContent, x: r.left, y: r.top, width: r.width, height: r.height};
})"""


def labels(tab):
    found = tab.page.evaluate(LABELS)
    for k, a in enumerate(found):  # never one name over another
        for b in found[k + 1 :]:
            assert not _overlap(a, b), (a, b)
    return found


def set_zoom(tab, zoom):
    tab.page.evaluate(f"window.umkmAtlas.map.setZoom({zoom}, {{animate: false}})")
    tab.page.wait_for_function(f"window.umkmAtlas.map.getZoom() === {zoom}")


def unit_box(tab, name):
    """The unit's bounding box on screen (page pixels) and the share of the map's view it spans."""
    return tab.page.evaluate(
        """(name) => {
            var a = window.umkmAtlas, m = a.map, lyr = a.byIndex.filter(l => l.feature.properties.nama === name)[0];
            var b = lyr.getBounds(), v = m.getBounds(), r = m.getContainer().getBoundingClientRect();
            var nw = m.latLngToContainerPoint(b.getNorthWest()), se = m.latLngToContainerPoint(b.getSouthEast());
            return {x: r.left + nw.x, y: r.top + nw.y, width: se.x - nw.x, height: se.y - nw.y,
                    inside: v.contains(b),
                    share: Math.max((b.getEast() - b.getWest()) / (v.getEast() - v.getWest()),
                                    (b.getNorth() - b.getSouth()) / (v.getNorth() - v.getSouth()))};
        }""",
        name,
    )


def boxes(tab):
    """The boxes over the map: title, stamp and search; the layer control; the legend shown."""
    found = [_box(tab.page, "#umkm-header"), _box(tab.page, ".umkm-legend:visible")]
    if tab.page.locator("#umkm-layers").count():
        found.append(_box(tab.page, "#umkm-layers"))
    return found


@pytest.mark.parametrize("size", SIZES)
def test_on_opening_the_map_is_not_covered(sized, atlas, desa_atlas, size):
    for path in (atlas, desa_atlas):
        tab = sized(path, size)
        width, height = size
        hit = tab.page.evaluate(
            f"document.elementFromPoint({width // 2}, {height // 2}).closest('.leaflet-overlay-pane') !== null"
        )
        assert hit  # the middle of the screen shows the map, not a box
        # Most of the areas' extent is map: at most a quarter of it is under the boxes.
        extent = tab.page.evaluate(
            """() => { var b = window.umkmAtlas.map.getContainer().querySelector('.leaflet-overlay-pane svg g')
                .getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }"""
        )
        xs, ys = np.linspace(extent[0] + 2, extent[2] - 2, 12), np.linspace(extent[1] + 2, extent[3] - 2, 12)
        points = [[float(x), float(y)] for x in xs for y in ys]
        on_map = tab.page.evaluate(
            "pts => pts.filter(p => document.elementFromPoint(p[0], p[1]).closest('.leaflet-overlay-pane')).length",
            points,
        )
        assert on_map >= 0.75 * len(points)
        tab.assert_clean()


@pytest.mark.parametrize("size", SIZES)
def test_kecamatan_are_named_from_the_opening_zoom(sized, atlas, size):
    tab = sized(atlas, size)
    names = dict(zip(FRAME["nama"], FRAME.index, strict=True))
    shown = labels(tab)
    assert len(shown) >= 15  # most of the 25 kecamatan
    for label in shown:  # each name is written inside its own kecamatan
        area = tab.area(names[label["text"]]).bounding_box()
        centre = {"x": label["x"] + label["width"] / 2, "y": label["y"] + label["height"] / 2, "width": 0, "height": 0}
        assert area["x"] < centre["x"] < area["x"] + area["width"], label
        assert area["y"] < centre["y"] < area["y"] + area["height"], label
    # Zoomed in, every name fits, those from data written as text: no script runs, no template is evaluated.
    set_zoom(tab, 12)
    texts = [label["text"] for label in labels(tab)]
    assert EVIL in texts and BRACES in texts
    assert tab.page.locator(".umkm-label script").count() == 0
    # Names take no clicks: hovering a name still shows the kecamatan's tooltip.
    label = tab.page.locator(".umkm-label span", has_text="Sanan Kulon").bounding_box()
    x, y = label["x"] + label["width"] / 2, label["y"] + label["height"] / 2
    assert tab.page.evaluate(f"document.elementFromPoint({x}, {y}).getAttribute('data-kode')") == "35.05.13"
    tab.page.mouse.move(x, y)
    assert tab.tooltip().startswith("Sanan Kulon")
    tab.assert_clean()


@pytest.mark.parametrize("size", SIZES)
def test_desa_are_named_only_once_zoomed_in(sized, desa_atlas, size):
    tab = sized(desa_atlas, size)
    opening, label_zoom = tab.page.evaluate("[window.umkmAtlas.map.getZoom(), window.umkmAtlas.labelZoom]")
    assert label_zoom > opening
    assert labels(tab) == []  # 400 names would not fit
    set_zoom(tab, label_zoom)
    shown = labels(tab)
    assert len(shown) >= 20 and all(label["text"].startswith("Desa ") for label in shown)
    set_zoom(tab, label_zoom - 1)
    assert labels(tab) == []
    tab.assert_clean()


@pytest.mark.parametrize("size", SIZES)
def test_search_zooms_to_the_extent_of_the_unit(sized, desa_atlas, size):
    tab = sized(desa_atlas, size)
    for query, name in (
        ("kecil", "Kelurahan Kecil"),
        ("cincin", "Desa Cincin"),
        ("panjang", "Desa Panjang"),
        ("lebar", "Desa Lebar"),
    ):
        text = tab.search_and_click(query, name).inner_text()
        assert text.startswith(name)
        unit = unit_box(tab, name)
        assert unit["inside"]  # the whole unit is in view ...
        assert unit["share"] > 0.3, unit  # ... and fills it, even a kelurahan of 440 m
        for covering in boxes(tab):  # ... where no box covers it
            assert not _overlap(unit, covering), (unit, covering)
        if size[0] < 600:  # the popup (the new one: the old one fades out) opens below the title and search
            assert not _overlap(tab.page.locator(".leaflet-popup").last.bounding_box(), _box(tab.page, "#umkm-header"))
    tab.assert_clean()


@pytest.mark.parametrize("size", SIZES)
def test_layer_groups_open_and_close(sized, atlas, size):
    tab = sized(atlas, size)
    page = tab.page
    if size[0] < 600:  # the panel starts closed on a phone
        page.click("#umkm-layers > details > summary")
    heading = page.locator("#umkm-group-statistic")
    lisa = page.locator("#umkm-layers label", has_text="Klaster LISA")
    assert heading.text_content() == "Statistik spasial (2)"
    assert lisa.is_visible()
    heading.click()
    assert lisa.is_hidden() and page.locator("#umkm-layers label", has_text="Kepadatan UMKM").is_visible()
    heading.click()
    assert lisa.is_visible()
    heading.focus()  # the keyboard too
    page.keyboard.press("Enter")
    assert lisa.is_hidden()
    page.keyboard.press("Space")
    assert lisa.is_visible()
    tab.choose_layer("Klaster LISA")
    assert tab.visible_legends() == ["Klaster LISA kepadatan"]
    tab.assert_clean()


def test_on_a_phone_a_wide_popup_fits_the_screen(sized, tmp_path):
    # A long row, as in the real popups ("p semu dua sisi — Titik panas dan dingin Gi*"): 420 px wide unless held.
    long = DetailRow("p_long", "p semu dua sisi — Titik panas dan dingin Gi* (permutasi bersyarat)", "p", P_VALUES, 3)
    path = write_atlas(
        FRAME, LAYERS[:1], details=[long], title="Uji", credits="uji", illustrative=False, path=tmp_path / "a.html"
    ).path
    tab = sized(path, (390, 844))
    tab.area("35.05.13").click()
    tab.popup()
    tab.page.wait_for_function(
        "() => { var m = window.umkmAtlas.map; return !(m._panAnim && m._panAnim._inProgress); }"
    )
    popup = tab.page.locator(".leaflet-popup").last.bounding_box()
    assert popup["x"] >= 0 and popup["x"] + popup["width"] <= 390, popup
    tab.assert_clean()
