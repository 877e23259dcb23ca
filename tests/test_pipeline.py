"""End-to-end: the default Blitar run writes every output, stamped, consistent and recorded."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from _browser import Tab
from _independent import (
    graph_neighbour_sets,
    pygeoda_global_moran,
    pygeoda_local_moran,
    pygeoda_queen_neighbours,
    pygeoda_weights_from_graph,
)
from _language import language_problems
from umkm_geo.classify.symbology import SCHEMES
from umkm_geo.render.atlas.layers import atlas_layers
from umkm_geo.render.atlas.write import write_atlas
from umkm_geo.sources.units import jenis_of
from umkm_geo.tables.demo.counts import ILLUSTRATIVE_NOTE

STAMP = ILLUSTRATIVE_NOTE


def test_default_run_writes_maps_tables_and_record(blitar_run):
    area, out = blitar_run
    assert len(area) == 25
    figures = (
        "umkm_density",
        "umkm_change_pct",
        "lisa_umkm_density",
        "significance_umkm_density",
        "gi_star_umkm_density",
        "geary_umkm_density",
        "moran_bv_umkm_density",
        "moran_scatter_umkm_density",
        "north_south",
        "klassen",
        "lq_perdagangan",
        "small_multiples_years",
        "small_multiples_sectors",
        "survei_akses_rata2",
        "survei_kesenjangan_rata2",
        "survei_kuadran",
        "survei_lisa_kesenjangan",
        "produk_unggulan",
        "ffa",
    )
    for name in figures:
        assert (out / "maps" / f"{name}.png").stat().st_size > 10_000, name
    assert not list((out / "maps").glob("*.svg"))  # SVG only when [maps] formats asks (test_output_set)
    assert (out / "maps" / "atlas.html").stat().st_size < 2_000_000
    atlas = (out / "maps" / "atlas.html").read_text(encoding="utf-8")
    for layer in ("kuadran_kebutuhan_akses", "lisa_kesenjangan", "produk_unggulan", "klassen"):
        assert f'"{layer}"' in atlas, layer
    report = (out / "report.html").read_text(encoding="utf-8")
    pngs = sorted((out / "maps").glob("*.png"))
    # every map of the run, and in the official section the layers' indicator, status, LISA and Gi* maps
    shown = [p for p in (out / "lapisan").rglob("*.png") if p.stem.startswith(("status_idm", "lisa_", "gi_star_"))]
    shown += [out / "lapisan" / name / "maps" / f"{name.split('_')[0]}.png" for name in ("idm_desa", "ike_desa")]
    assert report.count("data:image/webp;base64,") == len(pngs) + len(shown)
    assert (out / "report.html").stat().st_size < 2_000_000  # figures sized for the page
    assert STAMP in report
    for name in (
        "indicators.csv",
        "lisa.csv",
        "gi_star.csv",
        "local_geary.csv",
        "lisa_bivariate.csv",
        "gap_groups.csv",
        "gap_pairs.csv",
        "inequality.csv",
        "global_statistics.csv",
        "weights_histogram.csv",
        "location_quotient.csv",
        "shift_share.csv",
        "klassen.csv",
        "population_demo.csv",
        "survei_rencana_sampel.csv",
        "survei_skor_kecamatan.csv",
        "survei_reliabilitas.csv",
        "survei_lisa_kesenjangan.csv",
        "ffa_strategi.csv",
        "produk_unggulan.csv",
        "produk_mpe.csv",
        "join_qa.csv",
        "class_breaks.csv",
    ):
        assert (out / "tables" / name).is_file()
    record = json.loads((out / "run.json").read_text())
    assert record["illustrative_data"] is True
    assert record["provenance"]["topology"]["method"] == "desa"
    files = {f["path"]: f for f in record["provenance"]["boundaries"]["files"]}
    assert re.fullmatch(r"[0-9a-f]{64}", files["db/kec/wilayah_boundaries_kec_35.sql"]["sha256"])
    assert record["provenance"]["umkm_table"]["sha256"]
    assert record["seed"]["statistics"] == area.results.lisa.seed
    assert record["versions"]["esda"] and record["versions"]["libpysal"]
    assert {o["path"] for o in record["outputs"]} >= {
        "maps/atlas.html",
        "tables/gap_groups.csv",
        "maps/umkm_density_surface.tif",
    }
    assert set(record["results"]["global"]) == {"moran", "geary", "general_g", "join_counts", "moran_rate", "moran_bv"}
    assert set(record["results"]["local"]) == {"moran", "gi_star", "geary", "moran_bv"}
    assert record["results"]["skipped"] == {}
    assert not list(out.rglob(".*.tmp")) and not [p for p in out.rglob(".*") if p.is_file()]


def test_illustrative_stamp_on_every_output(blitar_run):
    _area, out = blitar_run
    csvs = sorted((out / "tables").glob("*.csv"))
    assert len(csvs) >= 9
    for csv in csvs:
        table = pd.read_csv(csv)
        assert "index" not in table.columns, f"{csv.name} carries a bare row number"
        columns = [c for c in ("catatan_data", "Catatan data", "keterangan") if c in table]
        if csv.name.startswith("weights_"):  # made from the boundaries alone: nothing illustrative
            assert not columns, csv.name
            continue
        if csv.name.startswith("resmi_"):  # official data only: no stamp, the source on every row
            assert not columns, csv.name
            own = "Indeks Desa Membangun" if csv.name.startswith("resmi_idm_") else "indonesia514"  # its own source
            assert table["sumber"].str.contains(own).all(), csv.name
            continue
        assert columns, csv.name
        column = columns[0]
        assert (table[column] == STAMP).all(), csv.name
    html = (out / "maps" / "atlas.html").read_text(encoding="utf-8")
    assert STAMP in html
    record = json.loads((out / "run.json").read_text())
    assert record["notice"] == STAMP


def test_png_and_html_legends_show_the_same_class_breaks(blitar_run):
    area, out = blitar_run
    classes = area.results.classes["umkm_density"]
    labels = classes.labels(area.results.indicators["umkm_density"].decimals)
    html = (out / "maps" / "atlas.html").read_text(encoding="utf-8")
    breaks = pd.read_csv(out / "tables" / "class_breaks.csv")
    density = breaks[breaks["indikator"] == "umkm_density"]
    assert density["rentang"].tolist() == labels
    for label in labels:
        assert label.replace(">", "\\u003e") in html  # in the atlas's JSON, ">" is written \u003e
    assert len(labels) == classes.k and sum(classes.counts) == 25


def test_png_is_not_blank(blitar_run):
    _, out = blitar_run
    image = imread(out / "maps" / "umkm_density.png")
    pixels = np.asarray(image * 255, dtype=np.uint32).reshape(-1, image.shape[-1]) << [0, 8, 16, 24][: image.shape[-1]]
    assert image.shape[0] > 500 and np.unique(pixels.sum(axis=1)).size > 20  # distinct colours, as one integer each


def test_every_figure_prints_legibly_in_an_a4_column(blitar_run):
    """Each figure, placed 16 cm wide (or scaled to fit 16 x 22 cm), has no text under 7 pt, and says its DPI."""
    from PIL import Image

    _, out = blitar_run
    record = json.loads((out / "run.json").read_text())
    figures = record["figures"]

    def png_of(
        key: str,
    ):  # "umkm_density" -> maps/umkm_density.png; "lapisan/idm_desa/idm" -> lapisan/idm_desa/maps/idm.png
        folder, _, name = key.rpartition("/")
        return out / folder / "maps" / f"{name}.png"

    assert sorted(png_of(k) for k in figures) == sorted(out.rglob("*.png"))
    small = {k: v for k, v in figures.items() if v["printed_font_pt"] < 6.995}
    assert not small, small
    for key, size in figures.items():
        assert size["min_font_pt"] >= 6.995 and size["width_cm"] <= 16.2, key
        with Image.open(png_of(key)) as image:
            dpi = image.info["dpi"][0]
            assert round(dpi) == 300, key
            assert image.size[0] / dpi * 2.54 == pytest.approx(size["width_cm"], abs=0.02), key


def test_moran_and_local_moran_agree_with_pygeoda_on_blitar(blitar_run, tmp_path):
    area, _ = blitar_run
    y = area.frame["umkm_density"]
    weight = pygeoda_weights_from_graph(area.weights, tmp_path / "blitar.gal")
    lisa = area.results.lisa.frame()
    geoda = pygeoda_local_moran(y, weight, permutations=999)
    np.testing.assert_allclose(lisa["Ii"].to_numpy(), geoda["Ii"].to_numpy(), rtol=0, atol=1e-9)
    # GeoDa's global Moran's I: the Moran scatter-plot slope with GeoDa's own spatial lag
    np.testing.assert_allclose(area.results.moran.I, pygeoda_global_moran(y, weight), rtol=0, atol=1e-9)
    # same neighbour structure as GeoDa's own queen contiguity on these polygons
    assert graph_neighbour_sets(area.weights) == pygeoda_queen_neighbours(area.frame)


def test_north_south_gap_table(blitar_run):
    area, out = blitar_run
    frame = area.frame
    gap = area.results.gap_table
    x = frame["umkm_per_1000"]
    groups = frame["wilayah"]
    pair = gap.pairs_frame().iloc[0]
    assert (pair["a"], pair["b"]) == ("utara", "selatan")
    np.testing.assert_allclose(pair["difference"], x[groups == "utara"].mean() - x[groups == "selatan"].mean())
    assert 0 < pair["p_value"] <= 1
    measures = gap.measures_frame().set_index(["measure", "grouping"])["value"]
    for grouping in ("wilayah", "kab_nama"):
        total = measures[("theil_total", grouping)]
        between, within = measures[("theil_between", grouping)], measures[("theil_within", grouping)]
        np.testing.assert_allclose(between + within, total, rtol=1e-12)
    written = pd.read_csv(out / "tables" / "gap_groups.csv")
    assert set(written["wilayah"]) == {"utara", "selatan", "kota_blitar"}
    assert (frame["wilayah"] == "utara").sum() == 15 and (frame["wilayah"] == "selatan").sum() == 7


# --- the real Blitar atlas in a real browser (here, so that `make test`'s per-file workers run the Blitar
# pipeline once) ---


def test_report_prints_to_a4_with_page_numbers_and_full_map_pages(browser, blitar_run, tmp_path):
    """Headless Chromium prints the report to A4: numbered pages, the summary on one page, no half-empty map page."""
    import pypdfium2 as pdfium

    _, out = blitar_run
    page = browser.new_page()
    page.goto((out / "report.html").as_uri())
    pdf_path = tmp_path / "report.pdf"
    page.pdf(path=str(pdf_path), format="A4", print_background=True, prefer_css_page_size=True)
    page.close()
    pdf = pdfium.PdfDocument(str(pdf_path))
    n = len(pdf)
    n_figures = (out / "report.html").read_text(encoding="utf-8").count("<figure ")
    assert n_figures <= n <= 2 * n_figures  # a page for each figure at most, and not twice that
    texts = [pdf[i].get_textpage().get_text_range() for i in range(n)]
    for i, text in enumerate(texts, start=1):
        assert f"{i} / {n}" in text, i  # the page number in the footer
    # the summary is the second page (after the title and contents) and fits on it: section 2 opens page 3
    assert "1. Ringkasan temuan" in texts[1] and "2. Temuan dari data resmi" not in texts[1]
    assert "2. Temuan dari data resmi" in texts[2]
    body_bottom = 1 - 16 / 297  # the bottom margin holds the page number
    for i in range(n):
        images = [o for o in pdf[i].get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        if not images:
            continue
        pixels = np.asarray(pdf[i].render(scale=0.3).to_pil().convert("L"))
        body = pixels[: int(pixels.shape[0] * body_bottom)]
        used = (np.flatnonzero((body < 245).any(axis=1)).max() + 1) / pixels.shape[0]
        assert used >= 0.5, f"page {i + 1} holds a figure and is {used:.0%} used"


def test_real_blitar_atlas(browser, blitar_run, tmp_path):
    area, _ = blitar_run
    layers, details = atlas_layers(area.frame, area.results)
    result = write_atlas(
        area.frame,
        layers,
        details=details,
        title="Atlas UMKM Blitar",
        credits=area.provenance["boundary_credit"],
        illustrative=True,
        path=tmp_path / "blitar.html",
    )
    assert result.n_bytes < 2_000_000 and result.tolerance_m == 0
    tab = Tab(browser, result.path, width=1280, height=800)
    try:
        assert tab.page.locator("path.leaflet-interactive").count() == len(area.frame) == 25
        tab.choose_layer("Klaster LISA — Kepadatan UMKM")
        clusters = area.results.lisa.frame()["cluster"]
        fills = [fill for _, fill in tab.fills()]
        for code, colour in SCHEMES["lisa"].colors.items():
            assert fills.count(colour) == int((clusters == code).sum()), code
        assert tab.visible_legends()[0].startswith("Klaster LISA — Kepadatan UMKM")

        tab.page.locator("#umkm-search-input").fill("sanan")
        names = tab.page.locator("#umkm-search-results li").all_inner_texts()
        assert [n.split(" 35.")[0] for n in names] == ["Sanankulon", "Sananwetan"]
        # choose with the mouse: wait for the single result, click it, wait for the zoom to end and the
        # popup to be on the map (the keyboard path is tested on the synthetic atlas in test_browser.py)
        text = tab.search_and_click("sananwetan", "Sananwetan").inner_text()
        assert text.startswith("Sananwetan") and "Kota Blitar" in text
        assert "Kepadatan UMKM" in text and "Tipologi Klassen" in text and "Sektor basis (LQ > 1)" in text

        from PIL import Image

        image = np.asarray(Image.open(io.BytesIO(tab.page.screenshot())).convert("RGB"))
        assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50
        tab.assert_clean()
    finally:
        tab.page.close()


# --- the default run's [[layers]]: IDM and IKE per desa (one run of the fixture, in this file) ---


def test_default_run_writes_each_layer(blitar_run):
    area, out = blitar_run
    assert set(area.results.layers) == {"idm_desa", "ike_desa"}
    folder = out / "lapisan" / "idm_desa"
    for name in ("idm", "iks", "ike", "ikl", "status_idm", "lisa_idm", "gi_star_idm"):
        assert (folder / "maps" / f"{name}.png").stat().st_size > 10_000, name
    assert (out / "lapisan" / "ike_desa" / "maps" / "lisa_ike.png").is_file()
    indicators = pd.read_csv(folder / "tables" / "indicators.csv", dtype={"kode": str}).set_index("kode")
    assert len(indicators) == 269
    kelurahan = [k for k in indicators.index if jenis_of(k) == "kelurahan"]
    assert len(kelurahan) == 49 and indicators.loc[kelurahan, "idm"].isna().all()
    record = json.loads((out / "run.json").read_text())
    listed = {o["path"] for o in record["outputs"]}
    assert "lapisan/idm_desa/maps/status_idm.png" in listed and "lapisan/ike_desa/tables/lisa.csv" in listed


def test_layer_findings_agree_with_the_official_stage(blitar_run):
    """The layer's own gap test of IDM per desa is the official stage's desa-level gap (same data, same seed)."""
    area, _ = blitar_run
    layer = area.results.layers["idm_desa"]
    lisa = layer.results.local["moran"]
    assert lisa.n_tested == 220  # every desa with IDM; the 49 kelurahan are not tested
    pair = layer.results.gap_table.pairs_frame().iloc[0]
    official = area.results.official_idm_gap["idm_desa"]
    assert pair["difference"] == pytest.approx(official.difference)
    assert layer.results.gap_table.groups_frame().loc["utara", "n"] == official.n_a == 153


def test_report_of_the_default_run_is_all_in_bahasa_indonesia(blitar_run):
    """No English sentence or locale text in the Indonesian report (the scanner of tests/_language.py)."""
    _, out = blitar_run
    problems = language_problems((out / "report.html").read_text(encoding="utf-8"), "id")
    assert not problems, "\n".join(problems[:40])


def test_report_states_the_layers_first_and_unstamped(blitar_run):
    _, out = blitar_run
    page = (out / "report.html").read_text(encoding="utf-8")
    official = page[page.index('id="official"') : page.index('id="study_area"')]
    assert "per desa/kelurahan (idm_desa)" in official and "per desa/kelurahan (ike_desa)" in official
    assert re.search(r"Moran&#39;s I global Indeks Desa Membangun \(IDM\) 2024 = 0,1\d\d", official) or re.search(
        r"Moran's I global Indeks Desa Membangun \(IDM\) 2024 = 0,1\d\d", official
    )
    assert official.count('id="map-lapisan-idm_desa-') >= 4
    assert "stamp" not in official  # official data only
    maps = page[page.index('id="maps"') :]
    assert "lapisan-" not in maps  # the layers' figures are in the official section only


def test_default_run_writes_the_workbook_and_geopackage(blitar_run):
    """Every CSV is a sheet of umkm_geo.xlsx with numbers as numbers; the GeoPackage holds the units and results."""
    import geopandas as gpd
    import openpyxl

    area, out = blitar_run
    tables = out / "tables"
    book = openpyxl.load_workbook(tables / "umkm_geo.xlsx", read_only=True)
    csvs = sorted(p.stem for p in tables.glob("*.csv"))
    assert sorted(name for name in book.sheetnames) == sorted(name[:31] for name in csvs)
    sheet = book["indicators"]
    header = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    first = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    row = dict(zip(header, first, strict=True))
    expected = pd.read_csv(tables / "indicators.csv", dtype={"kode": str}).iloc[0]
    assert isinstance(row["umkm_density"], float)  # a number, not text
    assert row["umkm_density"] == pytest.approx(expected["umkm_density"], abs=1e-6)
    assert row["kode"] == expected["kode"]
    units = gpd.read_file(tables / "umkm_geo.gpkg", layer="kecamatan")
    assert len(units) == len(area) == 25 and units.crs.to_epsg() == 4326
    assert {"umkm_density", "idm", "lisa_p_value", "lisa_cluster", "gi_star_cluster"} <= set(units.columns)
    lisa = area.results.local["moran"].frame()
    assert dict(zip(units["kode"], units["lisa_cluster"], strict=True)) == lisa["cluster"].to_dict()
    layer = gpd.read_file(out / "lapisan" / "idm_desa" / "tables" / "umkm_geo.gpkg", layer="desa")
    assert len(layer) == 269 and layer["idm"].isna().sum() == 49
