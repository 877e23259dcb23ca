"""The web atlas page as written (data block, legends, escaping, offline, size budget) and atlas_layers.

The real-browser checks of the same page are in ``tests/test_browser.py``.
"""

import html
import json
import re
import warnings
from pathlib import Path
from types import SimpleNamespace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from umkm_geo import _i18n
from umkm_geo._errors import ConfigError, TableError
from umkm_geo.classify.breaks import classify
from umkm_geo.classify.symbology import ILLUSTRATIVE_STAMP, LISA_CODES, NODATA_COLOR, SCHEMES, lisa_label
from umkm_geo.indicators.core import COUNT, DENSITY, PER_1000
from umkm_geo.render.atlas import page as atlas_page
from umkm_geo.render.atlas.layers import atlas_layers
from umkm_geo.render.atlas.model import CategoryLayer, ChoroplethLayer, DetailRow
from umkm_geo.render.atlas.page import asset
from umkm_geo.render.atlas.write import GROUPS, atlas_html, default_max_bytes, write_atlas
from umkm_geo.results import Results
from umkm_geo.stats import registry

CELL = 0.08
EVIL = "<script>alert(1)</script>"
BRACES = "{{ 7*7 }}"


def grid(n=5):
    rows = []
    for i in range(n):
        for j in range(n):
            x, y = 112.0 + j * CELL, -8.3 + i * CELL
            number = i * n + j + 1
            rows.append(
                {"kode": f"35.05.{number:02d}", "nama": f"Kec {number}", "geometry": box(x, y, x + CELL, y + CELL)}
            )
    return gpd.GeoDataFrame(rows, crs="EPSG:4326").set_index("kode")


@pytest.fixture
def frame():
    frame = grid()
    frame.loc["35.05.08", "nama"] = EVIL
    frame.loc["35.05.09", "nama"] = BRACES
    return frame


@pytest.fixture
def layers(frame):
    density = pd.Series(np.linspace(10.5, 250.25, 25), index=frame.index, name=DENSITY.key)
    density.iloc[4] = np.nan
    count = pd.Series(np.arange(25) * 37.0 + 1200, index=frame.index, name=COUNT.key)
    clusters = pd.Series(["HH", "LL", "ns", "island", "HL"] * 5, index=frame.index)
    return [
        ChoroplethLayer(DENSITY, density, classify(density, scheme="quantiles", k=5)),
        ChoroplethLayer(COUNT, count, classify(count, scheme="equal_interval", k=4)),
        CategoryLayer("lisa_density", "Klaster LISA kepadatan", "LISA clusters", clusters),
    ]


def build(tmp_path, frame, layers, name="atlas.html", **kwargs):
    options = {"title": "Atlas UMKM <Blitar>", "credits": "Sumber: uji & contoh (CC BY 4.0)", "illustrative": True}
    options.update(kwargs)
    return write_atlas(frame, layers, path=tmp_path / "web" / name, **options)


@pytest.fixture
def page(tmp_path, frame, layers):
    result = build(tmp_path, frame, layers)
    return result, result.path.read_text(encoding="utf-8")


def data_block(text):
    """The page's JSON data block and the one GeoJSON folium embeds, decoded as the browser would."""
    raw = re.search(r"<script type='application/json' id='umkm-data'>(.*?)</script>", text, re.S).group(1)
    data = json.loads(raw)
    # folium.GeoJson writes ``geo_json_<id>_add(<GeoJSON>);`` on one line.
    added = re.findall(r"^\s*geo_json_\w+_add\((.*)\);$", text, re.M)
    assert len(added) == 1
    data["geojson"] = json.loads(added[0])
    return data


def legends(text):
    """Legend id -> (title, [labels], [counts])."""
    out = {}
    for match in re.finditer(r"<div class='umkm-box umkm-legend' id='([^']+)'[^>]*>(.*?)</div></div>", text):
        block = match.group(2)
        title = re.search(r"<h4>(.*?)</h4>", block).group(1)
        labels = [html.unescape(s) for s in re.findall(r"<span class='label'>(.*?)</span>", block)]
        counts = [int(n) for n in re.findall(r"<span class='count'>\(n=(\d+)\)</span>", block)]
        out[match.group(1)] = (html.unescape(title), labels, counts)
    return out


def test_legends_use_the_same_labels_as_the_png(page, layers):
    _, text = page
    found = list(legends(text).values())
    assert len(found) == 3
    for layer, (title, labels, counts) in zip(layers[:2], found, strict=False):
        classes = layer.classes
        assert title == layer.indicator.title("id")
        assert labels[: classes.k] == classes.labels(layer.indicator.decimals)
        assert counts[: classes.k] == list(classes.counts)
    title, labels, counts = found[0]
    assert labels[-1] == "Tidak ada data"
    assert counts[-1] == 1
    assert found[1][1] == layers[1].classes.labels(0)  # no missing value, no "no data" row
    # The classification is named under the legend, in the words of the PNG's legend note.
    assert "Klasifikasi: kuantil, 5 kelas" in text
    assert "Klasifikasi: interval sama, 4 kelas" in text
    for layer in layers[:2]:
        assert html.escape(layer.classes.describe("id")) in text


def test_every_word_of_the_atlas_is_in_both_locale_files():
    package = Path(atlas_page.__file__).parent
    sources = "\n".join(p.read_text(encoding="utf-8") for p in package.glob("*.py"))
    keys = set(re.findall(r"\"(atlas\.[a-z]+\.\w+)\"", sources)) | {f"atlas.group.{g}" for g in GROUPS}
    assert len(keys) > 10
    for lang in ("id", "en"):
        assert sorted(keys - _i18n.catalogue(lang).keys()) == []
    assert atlas_page.ui("en")["search"] == "Find a kecamatan" and atlas_page.ui("id")["search"] == "Cari kecamatan"


def test_category_legend_lists_every_category_in_order(page):
    _, text = page
    title, labels, counts = list(legends(text).values())[2]
    assert title == "Klaster LISA kepadatan"
    assert labels == [lisa_label(code) for code in LISA_CODES]
    assert counts == [5, 5, 0, 5, 5, 5]


def test_only_the_first_legend_is_shown_on_opening(page):
    _, text = page
    styles = re.findall(r"class='umkm-box umkm-legend' id='[^']+' data-layer='\d+'[^>]*style='display:(\w+)'", text)
    assert styles == ["block", "none", "none"]


def test_geometry_is_embedded_once_whatever_the_number_of_layers(tmp_path, frame, layers):
    detailed = frame.assign(geometry=shapely.segmentize(frame.geometry.to_numpy(), CELL / 100))  # 401 vertices each
    one = build(tmp_path, detailed, layers[:1], name="one.html")
    three = build(tmp_path, detailed, layers, name="three.html")
    for result in (one, three):
        text = result.path.read_text(encoding="utf-8")
        assert text.count('"type": "Polygon"') == 25
        assert text.count("L.geoJson(") == 1  # one folium.GeoJson holds every layer
        data = data_block(text)
        features = data["geojson"]["features"]
        assert [f["properties"]["kode"] for f in features] == list(frame.index)
        assert len(data["layers"]) == len(result.layers)
        assert all(len(f["properties"]["c"]) == len(result.layers) for f in features)
    assert three.geometry.geojson == one.geometry.geojson
    # Two more layers cost 25 x (2 codes + 2 values), two legends and two controls: about 3 kB, not
    # another copy of the polygons (about 25 x 401 x 20 bytes = 200 kB).
    assert one.geometry.n_bytes > 150_000
    assert three.n_bytes - one.n_bytes < 5_000


def test_projected_frames_are_drawn_in_longitude_latitude(tmp_path, frame, layers):
    result = build(tmp_path, frame.to_crs("EPSG:32749"), layers)  # UTM 49S, metres
    data = data_block(result.path.read_text(encoding="utf-8"))
    (south, west), (north, east) = data["bounds"]
    assert (west, south, east, north) == pytest.approx((112.0, -8.3, 112.4, -7.9), abs=1e-6)
    ring = data["geojson"]["features"][0]["geometry"]["coordinates"][0]
    assert sorted({tuple(c) for c in ring}) == [(112.0, -8.3), (112.0, -8.22), (112.08, -8.3), (112.08, -8.22)]


def test_layer_styles_come_from_the_class_breaks_and_schemes(page, layers):
    _, text = page
    data = data_block(text)
    density, count, lisa = data["layers"]
    classes = layers[0].classes
    assert density["colors"] == [*classes.colors, NODATA_COLOR]
    assert density["dashed"] == [False] * classes.k + [True]  # no data is dashed, as hatched in the PNG
    codes = [f["properties"]["c"][0] for f in data["geojson"]["features"]]
    assert codes == [classes.k if c == -1 else c for c in classes.yb]
    assert codes[4] == classes.k  # the missing value
    scheme = SCHEMES["lisa"]
    assert lisa["colors"] == [scheme.colors[c] for c in scheme.codes] + [NODATA_COLOR]
    assert lisa["dashed"] == [False, False, False, False, False, True, True]  # island, no data
    lisa_codes = [f["properties"]["c"][2] for f in data["geojson"]["features"]]
    assert [scheme.codes[c] for c in lisa_codes[:5]] == ["HH", "LL", "ns", "island", "HL"]
    assert count["kind"] == "choropleth" and lisa["kind"] == "category"


def test_values_are_formatted_with_indonesian_or_english_separators(tmp_path, frame, layers):
    data_id = data_block(build(tmp_path, frame, layers, name="id.html").path.read_text(encoding="utf-8"))
    data_en = data_block(build(tmp_path, frame, layers, name="en.html", lang="en").path.read_text(encoding="utf-8"))
    first_id = data_id["geojson"]["features"][0]["properties"]
    first_en = data_en["geojson"]["features"][0]["properties"]
    # density 10.5 with one decimal; count 1200 with none; the LISA layer has no value text
    assert first_id["v"] == ["10,5", "1.200", None]
    assert first_en["v"] == ["10.5", "1,200", None]
    assert data_id["geojson"]["features"][4]["properties"]["v"][0] is None  # no data
    assert data_id["layers"][0]["unit"] == "unit usaha per km²"
    assert data_en["layers"][0]["unit"] == "businesses per km²"
    assert data_id["text"]["nodata"] == "Tidak ada data" and data_en["text"]["nodata"] == "No data"


def test_popup_rows_are_formatted_for_the_page_language(tmp_path, frame, layers):
    p = pd.Series(np.linspace(0.0005, 0.9, 25), index=frame.index)
    p.iloc[3] = np.nan
    words = pd.Series("a; b", index=frame.index)
    details = [
        DetailRow("p", "nilai p", "p-value", p, 3),
        DetailRow("rate", "laju", "rate", pd.Series(1234.5, index=frame.index), 1, "persen", "percent"),
        DetailRow("basis", "Sektor basis", "Basis sectors", words, values_en=words.str.upper()),
    ]
    for lang, expected in (
        ("id", ["0,001", "1.234,5 persen", "a; b"]),  # 0.0005 rounds half-even on binary floats -> 0.001
        ("en", ["0.001", "1,234.5 percent", "A; B"]),
    ):
        result = build(tmp_path, frame, layers, name=f"{lang}.html", lang=lang, details=details)
        data = data_block(result.path.read_text(encoding="utf-8"))
        assert [d["label"] for d in data["details"]] == [row.label(lang) for row in details]
        props = [f["properties"] for f in data["geojson"]["features"]]
        assert props[0]["d"] == expected
        assert props[3]["d"][0] is None  # missing p-value (an island)
        assert result.details == ("p", "rate", "basis")


def test_names_from_data_are_escaped(page):
    _, text = page
    assert "<script>alert" not in text
    assert "alert(1)" in text  # present, as JSON-escaped text
    names = [f["properties"]["nama"] for f in data_block(text)["geojson"]["features"]]
    # The browser gets the names back unchanged and puts them into the page as text (textContent).
    assert names[7] == EVIL
    assert names[8] == BRACES
    assert "textContent" in text and "innerHTML" not in text.split("id='umkm-data'")[1]
    assert "Atlas UMKM &lt;Blitar&gt;" in text
    assert "<Blitar>" not in text


def test_page_is_offline(page):
    _, text = page
    assert not re.search(r"<script[^>]+src=", text)
    assert not re.search(r"<link[^>]+href=", text)
    assert not re.search(r"url\((?!data:|#)", text)
    assert "sourceMappingURL" not in text
    for host in ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "bootstrapcdn", "unpkg.com"):
        assert host not in text
    assert "tile.openstreetmap" not in text  # no basemap unless asked for
    assert "L.tileLayer(" not in text
    assert "Leaflet 1.9.4" in text  # inlined from the installed package
    assert text.count("Leaflet 1.9.4, a JS library") == 1  # once, and no other copy of Leaflet
    assert data_block(text)["tiles"] is None


def test_scripts_and_style_come_from_the_asset_files(page):
    from importlib import resources

    _, text = page
    shipped = {p.name for p in resources.files("umkm_geo.render.atlas").joinpath("assets").iterdir()}
    elements = ("atlas", "header", "labels", "layer_switch", "legends")
    assert {f"{e}.{ext}" for e in elements for ext in ("j2", "js")} | {"atlas.css"} <= shipped
    assert asset("atlas.css") in text
    for name in elements:
        script = asset(f"{name}.js")
        if name == "atlas":  # the one template expression of the scripts: the folium map's name
            assert script.count("{{") == 1
            script = script.replace("{{ this._parent.get_name() }}", "map_atlas")
        assert "{{" not in script and "{%" not in script
        assert text.count(script) == 1, name
    assert "{{" not in text.split("<script type='application/json'")[0]  # every macro was rendered


def test_page_is_a_folium_map_and_folium_is_left_as_it_was(page):
    result, text = page
    settings = result.to_dict()["settings"]
    assert settings["folium"] == folium.__version__
    assert settings["leaflet"].startswith("Leaflet 1.9.4 inlined from django-js-lib-leaflet")
    assert re.search(r'<div class="folium-map" id="map_\w+"', text)
    assert text.count("L.map(") == 1 and text.count("L.geoJson(") == 1
    # Only this map dropped folium's CDN links: folium's own lists, and new maps, keep them.
    assert ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js") in folium.Map.default_js
    assert dict(folium.Map(tiles=None).default_js)["jquery"].startswith("https://code.jquery.com/")


def test_same_input_writes_the_same_bytes(tmp_path, frame, layers):
    first = build(tmp_path, frame, layers, name="a.html").path.read_bytes()
    second = build(tmp_path, frame, layers, name="b.html").path.read_bytes()
    assert first == second  # folium's random element ids are fixed


def test_template_syntax_in_data_is_never_evaluated(tmp_path, frame, layers):
    # branca parses every rendered macro as a Jinja template again; text from data must not be.
    jinja = "{% if 1 %}x{% endif %} {# c #} {{ 7*7 }} {%"
    frame = frame.assign(kab_nama=jinja)
    frame.loc["35.05.10", "nama"] = jinja
    lisa = CategoryLayer("lisa_jinja", jinja, jinja, layers[2].values)
    details = [DetailRow("t", jinja, jinja, pd.Series(jinja, index=frame.index))]
    result = build(tmp_path, frame, [layers[0], lisa], details=details, title=jinja, credits=jinja)
    text = result.path.read_text(encoding="utf-8")
    data = data_block(text)
    props = data["geojson"]["features"][9]["properties"]
    assert (props["nama"], props["kab"], props["d"]) == (jinja, jinja, [jinja])
    assert data["layers"][1]["label"] == jinja and data["details"][0]["label"] == jinja
    assert data["credits"] == html.escape(jinja)
    assert f"<title>{html.escape(jinja)}</title>" in text
    assert legends(text)["legend-1"][0] == jinja
    control = re.search(r"<div id='umkm-layers'.*?</details></div>", text).group(0)
    assert html.unescape(re.findall(r"<span>(.*?)</span>", control)[1]) == jinja
    assert f"<div class='umkm-box umkm-title'>{html.escape(jinja)}</div>" in text


def test_optional_basemap_is_named_and_credited(tmp_path, frame, layers):
    result = build(tmp_path, frame, layers[:1], tiles="OpenStreetMap")
    tiles = data_block(result.path.read_text(encoding="utf-8"))["tiles"]
    assert tiles == {
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": "© OpenStreetMap contributors (ODbL)",
    }
    # folium's tile layer draws it, under the polygons.
    text = result.path.read_text(encoding="utf-8")
    assert text.count("L.tileLayer(") == 1
    assert text.index('"https://tile.openstreetmap.org/{z}/{x}/{y}.png"') < text.index("L.geoJson(")
    assert '"attribution": "\\u00a9 OpenStreetMap contributors (ODbL)"' in text
    with pytest.raises(ConfigError, match="attribution"):
        build(tmp_path, frame, layers[:1], tiles="https://example.org/{z}/{x}/{y}.png")
    with pytest.raises(ConfigError, match="'Stamen'"):
        build(tmp_path, frame, layers[:1], tiles="Stamen")


def test_stamp_title_credits_and_language(page, tmp_path, frame, layers):
    _, text = page
    assert html.escape(ILLUSTRATIVE_STAMP) in text
    assert "<title>Atlas UMKM &lt;Blitar&gt;</title>" in text
    assert "Sumber: uji \\u0026amp; contoh (CC BY 4.0)" in text  # attribution HTML, JSON-encoded
    assert data_block(text)["credits"] == "Sumber: uji &amp; contoh (CC BY 4.0)"
    assert '<html lang="id">' in text
    assert "Cari kecamatan" in text
    plain = atlas_html(
        frame, layers[:1], title="t", credits="c", illustrative=False, lang="en", path=tmp_path / "plain.html"
    ).read_text(encoding="utf-8")
    assert ILLUSTRATIVE_STAMP not in html.unescape(plain)
    assert '<html lang="en">' in plain and "Find a kecamatan" in plain
    assert "id='umkm-layers'" not in plain  # a single layer needs no layer control


GROUP = re.compile(
    r"<fieldset data-group='(\w+)' aria-labelledby='umkm-group-\1'><details class='umkm-group'( open)?>"
    r"<summary id='umkm-group-\1'>(.*?) <span class='count'>\((\d+)\)</span></summary>"
)


def test_layer_control_groups_layers(page):
    _, text = page
    control = re.search(r"<div id='umkm-layers'.*?</details></div>", text).group(0)
    # A short list: every group starts open; each heading names its radio buttons and their number.
    groups = GROUP.findall(control)
    assert groups == [("indicator", " open", "Indikator", "2"), ("statistic", " open", "Statistik spasial", "1")]
    labels = [html.unescape(s) for s in re.findall(r"<input type='radio'[^>]*><span>(.*?)</span>", control)]
    assert labels == ["Kepadatan UMKM", "Jumlah UMKM", "Klaster LISA kepadatan"]
    assert re.findall(r"value='(\d)'( checked)?", control) == [("0", " checked"), ("1", ""), ("2", "")]


def test_a_long_layer_list_starts_as_closed_groups(tmp_path, frame, layers):
    extra = [
        CategoryLayer(f"lisa_{k}", f"Klaster {k}", f"Clusters {k}", layers[2].values)
        for k in range(atlas_page.LayerSwitch.OPEN_UP_TO)
    ]
    text = build(tmp_path, frame, [*layers, *extra]).path.read_text(encoding="utf-8")
    groups = GROUP.findall(re.search(r"<div id='umkm-layers'.*?</details></div>", text).group(0))
    assert groups == [("indicator", "", "Indikator", "2"), ("statistic", "", "Statistik spasial", "13")]


def test_each_area_carries_the_point_its_name_is_written_at(tmp_path, frame, layers):
    # A ring (a cell with a hole) and an L: the point is inside each, away from its edges.
    ring = box(112.0, -8.3, 112.08, -8.22).difference(box(112.02, -8.28, 112.06, -8.24))
    ell = box(112.08, -8.3, 112.16, -8.22).difference(box(112.1, -8.28, 112.16, -8.22))
    frame = frame.copy()
    frame.loc["35.05.01", "geometry"] = ring
    frame.loc["35.05.02", "geometry"] = ell
    result = build(tmp_path, frame, layers[:1])
    features = data_block(result.path.read_text(encoding="utf-8"))["geojson"]["features"]
    points = [f["properties"]["l"] for f in features]
    inside = [geom.contains(Point(lng, lat)) for (lat, lng), geom in zip(points, frame.geometry, strict=True)]
    assert all(inside)
    # The ring and the L are 0.02 degrees wide: the point is in the middle of that width (the centre of
    # their bounding boxes is in the hole, or on the L's edge).
    for point, geom in zip(points[:2], (ring, ell), strict=True):
        assert geom.boundary.distance(Point(point[1], point[0])) > 0.0095
    assert points[12] == pytest.approx([-8.3 + 2.5 * CELL, 112.0 + 2.5 * CELL], abs=CELL / 50)  # a square: its centre


def test_written_atomically(page):
    result, _ = page
    assert [p.name for p in Path(result.path).parent.iterdir()] == ["atlas.html"]
    assert result.n_bytes == result.path.stat().st_size


def test_layers_must_cover_the_map(tmp_path, frame, layers):
    short = layers[0].values.iloc[:20]
    bad = ChoroplethLayer(DENSITY, short, classify(short, scheme="quantiles", k=3))
    with pytest.raises(TableError, match="no entry for 5 areas"):
        atlas_html(frame, [bad], title="t", credits="c", illustrative=False, path=tmp_path / "x.html")
    assert list(tmp_path.iterdir()) == []


def test_classes_must_belong_to_the_values(tmp_path, frame, layers):
    values = layers[0].values.fillna(99.0)  # classes still say "no data" for the fifth area
    with pytest.raises(TableError, match="do not belong"):
        build(tmp_path, frame, [ChoroplethLayer(DENSITY, values, layers[0].classes)])


def test_bad_settings_are_rejected(tmp_path, frame, layers):
    with pytest.raises(ConfigError, match="'fr'"):
        build(tmp_path, frame, layers, lang="fr")
    with pytest.raises(ConfigError, match="'hotspot'"):
        CategoryLayer("x", "x", "x", layers[2].values, scheme="hotspot")
    with pytest.raises(ConfigError, match="lisa_density"):
        build(tmp_path, frame, [layers[2], layers[2]])
    with pytest.raises(ConfigError, match="at least one layer"):
        build(tmp_path, frame, [])
    with pytest.raises(TableError, match="'nama'"):
        build(tmp_path, frame.drop(columns="nama"), layers)
    points = frame.copy()
    points["geometry"] = [Point(112, -8)] * 25
    with pytest.raises(ConfigError, match="Point"):
        build(tmp_path, points, layers)


def test_other_schemes_use_their_own_colours(tmp_path, frame):
    gi = pd.Series(["hot", "cold", "ns", None, "island"] * 5, index=frame.index)
    klassen = pd.Series(["I", "II", "III", "IV", "I"] * 5, index=frame.index)
    result = build(
        tmp_path,
        frame,
        [CategoryLayer("gi", "Gi*", "Gi*", gi, scheme="gi_star"), CategoryLayer("kl", "K", "K", klassen, "klassen")],
    )
    text = result.path.read_text(encoding="utf-8")
    gi_legend, kl_legend = legends(text).values()
    assert gi_legend[1] == [SCHEMES["gi_star"].label(c) for c in SCHEMES["gi_star"].codes] + ["Tidak ada data"]
    assert gi_legend[2] == [5, 5, 5, 5, 5]
    assert kl_legend[2] == [10, 5, 5, 5]
    data = data_block(text)
    assert data["layers"][1]["colors"][:4] == [SCHEMES["klassen"].colors[c] for c in ("I", "II", "III", "IV")]
    with pytest.raises(ValueError, match="HH"):
        build(tmp_path, frame, [CategoryLayer("gi", "Gi*", "Gi*", pd.Series("HH", index=frame.index), "gi_star")])


def test_tolerance_is_recorded_and_the_budget_met(tmp_path):
    # A wavy 5 x 5 grid: every shared edge carries 40 vertices, so simplification has work to do.
    frame = grid()
    frame["geometry"] = [shapely.segmentize(g, CELL / 40) for g in frame.geometry]
    frame["geometry"] = shapely.transform(frame.geometry.to_numpy(), lambda xy: xy + 0.002 * np.sin(xy[:, ::-1] * 900))
    values = pd.Series(np.arange(25.0), index=frame.index, name=DENSITY.key)
    layers = [ChoroplethLayer(DENSITY, values, classify(values, scheme="quantiles", k=5))]
    full = build(tmp_path, frame, layers, name="full.html", max_bytes=10_000_000)
    assert full.tolerance_m == 0 and full.geometry.n_vertices == full.geometry.n_vertices_input
    text = full.path.read_text(encoding="utf-8")
    assert '<meta name="umkm-geo:tolerance-m" content="0">' in text
    assert data_block(text)["geometry_note"] == "Batas tidak disederhanakan (koordinat 5 desimal)"

    budget = full.n_bytes - full.geometry.n_bytes // 2
    small = build(tmp_path, frame, layers, name="small.html", max_bytes=budget)
    assert small.tolerance_m > 0 and small.n_bytes <= budget
    assert small.geometry.n_vertices < full.geometry.n_vertices
    text = small.path.read_text(encoding="utf-8")
    assert f'<meta name="umkm-geo:tolerance-m" content="{small.tolerance_m:g}">' in text
    data = data_block(text)
    assert data["geometry"]["tolerance_m"] == small.tolerance_m
    assert data["geometry_note"].startswith("Batas disederhanakan untuk web (toleransi ≈ ")
    assert small.to_dict()["settings"]["tolerance_m"] == small.tolerance_m
    assert set(small.table()["section"]) == {"statistic", "setting"}

    with pytest.warns(UserWarning, match="over its budget"):
        tiny = build(tmp_path, frame, layers, name="tiny.html", max_bytes=1000)
    assert tiny.tolerance_m == 5000 and tiny.path.is_file()


def test_default_budget():
    assert default_max_bytes(25) == 1_550_000  # Blitar: under 2 MB
    assert default_max_bytes(666) == 2_832_000
    assert default_max_bytes(7285) == 14_500_000  # national: capped under 15 MB


class _Local(SimpleNamespace):
    def frame(self):
        return self.data


def fake_results(frame):
    """Results shaped like ``StudyArea.results``, small enough to check by hand."""
    idx = frame.index
    density = pd.Series(np.linspace(1, 25, 25), index=idx, name=DENSITY.key)
    rate = pd.Series(np.linspace(5, 15, 25), index=idx, name=PER_1000.key)
    clusters = pd.Series(["HH", "LL", "ns", "ns", "island"] * 5, index=idx)
    p = pd.Series([0.0004, 0.02, 0.3, 0.6, np.nan] * 5, index=idx)
    lisa = _Local(
        variable=DENSITY.key,
        p_value="two-sided",
        alpha=0.05,
        data=pd.DataFrame({"cluster": clusters, "p_value": p}),
    )
    gi = _Local(
        variable=DENSITY.key,
        p_value="two-sided",
        alpha=0.05,
        data=pd.DataFrame(
            {"cluster": ["hot", "cold", "ns", "ns", "island"] * 5, "p_value": p, "z_sim": 1.5}, index=idx
        ),
    )
    lq = pd.DataFrame({"jasa": [1.5, 0.5] * 12 + [1.0], "makanan_minuman": [1.2, 1.1] * 12 + [np.nan]}, index=idx)
    klassen = SimpleNamespace(
        frame=lambda: pd.DataFrame(
            {"quadrant": pd.array(["I", "II", "III", "IV", None] * 5, dtype="string")}, index=idx
        ),
        settings={"level_variable": PER_1000.key, "growth_variable": "not_an_indicator"},
    )
    frame = frame.assign(umkm_density=density, umkm_per_1000=rate)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        classes = {PER_1000.key: classify(rate, k=3), DENSITY.key: classify(density, k=3)}
    results = Results(
        indicators={DENSITY.key: DENSITY, PER_1000.key: PER_1000},
        classes=classes,
        local={"moran": lisa, "gi_star": gi},
        klassen=klassen,
        lq=SimpleNamespace(lq=lq),
    )
    return frame, results


def test_atlas_layers_from_pipeline_results(tmp_path):
    frame, results = fake_results(grid())
    layers, details = atlas_layers(frame, results)
    assert [layer.key for layer in layers] == [
        "umkm_density",  # the indicator the LISA analysed comes first
        "umkm_per_1000",
        "moran_umkm_density",
        "significance_umkm_density",
        "gi_star_umkm_density",
        "klassen",
        "basis_jasa",
        "basis_makanan_minuman",
    ]
    by_key = {layer.key: layer for layer in layers}
    assert by_key["moran_umkm_density"].label_id == "Klaster LISA — Kepadatan UMKM (p semu dua sisi, α 0,05)"
    assert by_key["moran_umkm_density"].label_en == "LISA clusters — UMKM density (two-sided pseudo p, α 0.05)"
    assert by_key["moran_umkm_density"].short("id") == "Klaster LISA"  # popup row name
    # every local statistic is named by its map title in the registry, as on its PNG
    for name in ("moran", "gi_star"):
        for lang in ("id", "en"):
            assert by_key[f"{name}_umkm_density"].short(lang) == registry.get("local", name).map_title(lang)
    assert by_key["klassen"].short("en") == "Klassen typology"
    # p 0.0004 -> p0001, 0.02 -> p005, 0.3 and 0.6 -> ns, an island (p NaN) -> island
    assert by_key["significance_umkm_density"].values.iloc[:5].tolist() == ["p0001", "p005", "ns", "ns", "island"]
    assert by_key["gi_star_umkm_density"].scheme == "gi_star"
    assert by_key["klassen"].label_id == "Tipologi Klassen — UMKM per 1.000 penduduk × not_an_indicator"
    assert by_key["klassen"].values.iloc[4] is None
    assert by_key["basis_jasa"].values.iloc[:2].tolist() == ["basis", "non_basis"]
    assert by_key["basis_jasa"].values.iloc[24] == "non_basis"  # LQ exactly 1 is not basis
    assert by_key["basis_makanan_minuman"].values.iloc[24] is None  # no LQ, no data
    assert not by_key["basis_jasa"].popup and not by_key["significance_umkm_density"].popup

    assert [row.key for row in details] == ["moran_p", "gi_star_z", "gi_star_p", "lq_basis"]
    lq_row = details[-1]
    # kecamatan 1: jasa 1.5, makanan minuman 1.2 -> both basis, the larger first
    assert lq_row.formatted(frame.index, "id")[0] == "jasa (1,50); makanan minuman (1,20)"
    assert lq_row.formatted(frame.index, "en")[1] == "makanan minuman (1.10)"
    assert lq_row.formatted(frame.index, "id")[24] == "tidak ada"

    result = build(tmp_path, frame, layers, details=details)
    data = data_block(result.path.read_text(encoding="utf-8"))
    assert [layer["group"] for layer in data["layers"]].count("basis") == 2
    assert data["layers"][2]["short"] == "Klaster LISA"
    assert data["popup_order"] == ["statistic", "details", "basis", "indicator"]
    # p = 0.0004 is shown as "< 0,001", never as 0,000; p = 0.02 with 3 decimals; islands have no p
    assert [f["properties"]["d"][0] for f in data["geojson"]["features"][:5]] == [
        "< 0,001",
        "0,020",
        "0,300",
        "0,600",
        None,
    ]
    assert data["geojson"]["features"][0]["properties"]["d"][1] == "1,50"  # Gi* z, 2 decimals

    with pytest.raises(ConfigError, match="share_jasa"):
        atlas_layers(frame, results, indicators=["share_jasa"])
    only, _ = atlas_layers(frame, results, indicators=[PER_1000.key])
    assert [layer.key for layer in only][:2] == [PER_1000.key, "moran_umkm_density"]


@pytest.mark.parametrize("workers", ["1", "2"])  # "2": the pages are written by forked processes
def test_a_large_atlas_is_a_page_per_province_and_an_index(tmp_path, frame, layers, monkeypatch, workers):
    from umkm_geo.render.atlas.split import write_split_atlas

    monkeypatch.setenv("UMKM_GEO_WORKERS", workers)
    frame = frame.copy()
    frame["prov_kode"] = ["35"] * 15 + ["51"] * 10  # two provinces
    with _i18n.unit_level("desa"):
        result = write_split_atlas(
            frame,
            layers,
            details=(),
            title="Atlas <UMKM>",
            credits="Sumber & uji",
            lang="id",
            path=tmp_path / "maps" / "atlas.html",
            province_names={"35": "Jawa Timur", "51": "Bali <&>"},
        )
    assert result.files == (
        tmp_path / "maps" / "atlas.html",
        tmp_path / "maps" / "atlas" / "35.html",
        tmp_path / "maps" / "atlas" / "51.html",
    )
    assert [p.n_areas for p in result.pages] == [15, 10] and result.n_areas == 25
    index = result.path.read_text(encoding="utf-8")
    assert 'href="atlas/35.html">Jawa Timur</a>' in index
    assert "Bali &lt;&amp;&gt;" in index and "Atlas &lt;UMKM&gt;" in index  # text from data escaped
    assert "25 desa" in index and "Data ilustrasi" not in index  # no layer here is illustrative
    east_java = result.pages[0].path.read_text(encoding="utf-8")
    data = data_block(east_java)
    assert "Jawa Timur" in east_java and "Bali" not in east_java
    assert len(json.dumps(data)) > 0 and "35.05.16" not in east_java  # the other province's areas are not on the page
    # the classes are the run's: a page's choropleth legends list the same classes as the whole atlas
    whole = legends(build(tmp_path, frame, layers, illustrative=False).path.read_text("utf-8"))
    page_legends = legends(east_java)
    classes = [whole[k][1][: len(page_legends[k][1])] for k in ("legend-0", "legend-1")]
    assert [page_legends[k][1] for k in ("legend-0", "legend-1")] == classes
    # and count the page's own areas
    assert [sum(page_legends[k][2]) for k in ("legend-0", "legend-1", "legend-2")] == [15, 15, 15]
    assert [sum(whole[k][2]) for k in ("legend-0", "legend-1", "legend-2")] == [25, 25, 25]
    record = result.to_dict()
    assert [p["n_areas"] for p in record["settings"]["pages"]] == [15, 10]
