import html
import json
import re
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from umkm_geo.classification import classify
from umkm_geo.indicators import COUNT, DENSITY
from umkm_geo.render._style import ILLUSTRATIVE_STAMP, LISA_CODES, lisa_label
from umkm_geo.render.interactive import CategoryLayer, ChoroplethLayer, atlas_html

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
                {
                    "kode": f"35.05.{number:02d}",
                    "nama": f"Kec {number}",
                    "geometry": box(x, y, x + CELL, y + CELL),
                }
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


@pytest.fixture
def page(tmp_path, frame, layers):
    path = atlas_html(
        frame,
        layers,
        title="Atlas UMKM <Blitar>",
        credits="Sumber: uji & contoh (CC BY 4.0)",
        illustrative=True,
        path=tmp_path / "web" / "atlas.html",
    )
    return path, path.read_text(encoding="utf-8")


def legends(text):
    """Map legend id -> (title, [labels], [counts])."""
    out = {}
    for match in re.finditer(r"<div class='umkm-box umkm-legend' id='([^']+)'[^>]*>(.*?)</div></div>", text):
        block = match.group(2)
        title = re.search(r"<h4>(.*?)</h4>", block).group(1)
        labels = [html.unescape(s) for s in re.findall(r"<span class='label'>(.*?)</span>", block)]
        counts = [int(n) for n in re.findall(r"<span class='count'>\(n=(\d+)\)</span>", block)]
        out[match.group(1)] = (html.unescape(title), labels, counts)
    return out


def geojson_tooltips(text):
    """Tooltip HTML of every feature embedded in the page."""
    tips = re.findall(r'"tooltip": "((?:[^"\\]|\\.)*)"', text)
    return [json.loads(f'"{t}"') for t in tips]


def test_legends_use_the_same_labels_as_the_png(page, layers):
    _, text = page
    found = list(legends(text).values())
    assert len(found) == 3
    for layer, (title, labels, counts) in zip(layers[:2], found, strict=False):
        classes = layer.classes
        expected = classes.labels(layer.indicator.decimals)
        assert title == layer.indicator.title("id")
        assert labels[: classes.k] == expected
        assert counts[: classes.k] == list(classes.counts)
    title, labels, counts = found[0]
    assert labels[-1] == "Tidak ada data"
    assert counts[-1] == 1
    assert found[1][1] == layers[1].classes.labels(0)  # no missing value, no "no data" row


def test_category_legend_lists_every_category_in_order(page):
    _, text = page
    title, labels, counts = list(legends(text).values())[2]
    assert title == "Klaster LISA kepadatan"
    assert labels == [lisa_label(code) for code in LISA_CODES]
    assert counts == [5, 5, 0, 5, 5, 5]


def test_only_the_first_legend_is_shown_on_opening(page):
    _, text = page
    styles = re.findall(r"class='umkm-box umkm-legend' id='[^']+' style='display:(\w+)'", text)
    assert styles == ["block", "none", "none"]


def test_tooltips_show_names_and_formatted_values(page, frame):
    _, text = page
    tips = geojson_tooltips(text)
    assert len(tips) == 3 * len(frame)
    density_tips = tips[:25]
    assert "Kec 1" in density_tips[0]
    assert "10,5 unit usaha per km²" in density_tips[0]
    assert "Tidak ada data" in density_tips[4]
    count_tips = tips[25:50]
    assert "1.200 unit usaha" in count_tips[0]
    lisa_tips = tips[50:]
    assert "Tinggi-Tinggi (HH)" in lisa_tips[0]


def test_names_from_data_are_escaped(page):
    _, text = page
    assert "<script>alert" not in text
    assert "alert(1)" in text  # present, but only as escaped text
    tips = geojson_tooltips(text)
    # After the browser decodes the JSON, the tooltip HTML still holds the name as entities.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tips[7]
    # branca re-reads rendered snippets as Jinja: braces from data must not be evaluated.
    assert "&#123;&#123; 7*7 &#125;&#125;" in tips[8]
    assert "Atlas UMKM &lt;Blitar&gt;" in text
    assert "<Blitar>" not in text


def test_page_is_offline(page):
    _, text = page
    assert not re.search(r"<script[^>]+src=", text)
    assert not re.search(r"<link[^>]+href=", text)
    assert not re.search(r"url\((?!data:|#)", text)
    for host in (
        "cdn.jsdelivr.net",
        "code.jquery.com",
        "cdnjs.cloudflare.com",
        "bootstrapcdn",
        "tile.openstreetmap",
    ):
        assert host not in text
    assert "Leaflet 1.9.4" in text  # inlined from the installed package
    # folium's class-level CDN lists are left alone for other maps.
    assert any("leaflet" in url for _, url in folium.Map.default_js)


def test_stamp_title_and_credits(page, tmp_path, frame, layers):
    _, text = page
    assert html.escape(ILLUSTRATIVE_STAMP) in text
    assert "<title>Atlas UMKM &lt;Blitar&gt;</title>" in text
    assert "Sumber: uji \\u0026amp; contoh (CC BY 4.0)" in text  # attribution, JSON-encoded
    assert '<html lang="id">' in text
    plain = atlas_html(
        frame, layers[:1], title="t", credits="c", illustrative=False, path=tmp_path / "plain.html"
    ).read_text(encoding="utf-8")
    assert ILLUSTRATIVE_STAMP not in html.unescape(plain)
    assert "L.control.layers" not in plain  # a single layer needs no layer control


def test_written_atomically(page):
    path, _ = page
    assert [p.name for p in Path(path).parent.iterdir()] == ["atlas.html"]


def test_layers_must_cover_the_map(tmp_path, frame, layers):
    short = layers[0].values.iloc[:20]
    bad = ChoroplethLayer(DENSITY, short, classify(short, scheme="quantiles", k=3))
    with pytest.raises(ValueError, match="no entry for 5 areas"):
        atlas_html(frame, [bad], title="t", credits="c", illustrative=False, path=tmp_path / "x.html")
    assert list(tmp_path.iterdir()) == []


def test_browser_opens_the_page_offline(page):
    from playwright.sync_api import sync_playwright

    path, _ = page
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1000, "height": 700})
            problems, requests = [], []
            tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: problems.append(str(e)))
            tab.on("request", lambda r: requests.append(r.url))
            tab.goto(path.as_uri())
            tab.wait_for_selector(".folium-map")
            assert tab.locator("path.leaflet-interactive").count() == 25
            assert "Sumber: uji & contoh" in tab.inner_text(".leaflet-control-attribution")
            tab.locator("path.leaflet-interactive").nth(7).dispatch_event("mouseover")
            assert EVIL in tab.inner_text(".leaflet-tooltip")
            tab.locator(".leaflet-control-layers label", has_text="Klaster LISA").click()
            visible = tab.locator(".umkm-legend:visible h4").all_inner_texts()
            assert visible == ["Klaster LISA kepadatan"]
            assert problems == []
            assert requests == [path.as_uri()]
        finally:
            browser.close()


def test_areas_hatched_in_the_png_are_dashed_on_the_web(page):
    _, text = page
    # One density value is missing and five areas have no neighbours.
    assert text.count('"dashed": true') == 6
    assert text.count('"dashed": false') == 3 * 25 - 6


def test_unknown_language_is_rejected(tmp_path, frame, layers):
    with pytest.raises(ValueError, match="'fr'"):
        atlas_html(frame, layers, title="t", credits="c", illustrative=False, lang="fr", path=tmp_path / "x.html")
