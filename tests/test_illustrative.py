"""Invented content only where the config asks for it, and every output made from it says so.

Runs on a small synthetic study area: a 3 x 4 grid of squares carrying the codes 35.05.01-12 of
Kabupaten Blitar (so the shipped utara/selatan grouping and the Blitar totals apply) given as a
user's boundary file. Two whole runs (module fixtures): every demo input asked for explicitly, and a
user's own UMKM table with no ``[survey]``, ``[ffa]`` or ``[products]``. The figures are recorded
before they are saved (their text artists), and written as tiny placeholder PNGs to keep the tests
fast; the real PNG/SVG output is covered by ``test_pipeline.py``.
"""

from __future__ import annotations

import contextlib
import html
import inspect
import io
import json
import re
import warnings
from pathlib import Path

import geopandas as gpd
import matplotlib.text
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from shapely.geometry import box

from umkm_geo._errors import ConfigError
from umkm_geo._provenance import (
    COMPONENTS,
    figure_components,
    illustrative_components,
    is_illustrative,
    notice_lines,
)
from umkm_geo.classify.symbology import ILLUSTRATIVE_STAMP
from umkm_geo.cli import main
from umkm_geo.config import Config, load_config
from umkm_geo.indicators.core import area_km2
from umkm_geo.tables.demo.counts import (
    ILLUSTRATIVE_NOTE,
    blitar_demo_totals,
    blitar_population_totals,
    demo_weights,
    generate_demo_counts,
    generate_demo_population,
)
from umkm_geo.tables.groups import blitar_grouping

STAMP = ILLUSTRATIVE_STAMP
#: The indicators of official published data (IDM 2024, Kemendesa PDTT): never stamped.
OFFICIAL = {"idm", "iks", "ike", "ikl", "n_desa_idm", "status_idm"}
NOTE_COLUMNS = ("catatan_data", "Catatan data", "keterangan", "catatan_ilustrasi")


def _grid(path: Path, kab: str) -> Path:
    cells = []
    for r in range(3):
        for c in range(4):
            i = r * 4 + c + 1
            x0, y0 = 112.10 + 0.06 * c, -8.05 - 0.06 * r
            cells.append(
                {
                    "kode": f"{kab}.{i:02d}",
                    "kecamatan": f"Uji {chr(64 + i)}",
                    "kab": "Kabupaten Uji",
                    "geometry": box(x0, y0 - 0.06, x0 + 0.06, y0),
                }
            )
    gpd.GeoDataFrame(cells, crs="EPSG:4326").to_file(path, driver="GeoJSON")
    return path


def _toml(folder: Path, boundary: Path, body: str) -> Path:
    if "[data]" not in body:  # a config file must name its UMKM table: here the illustrative one
        body = '[data]\numkm = "demo"\n' + body
    text = f"""
[study]
region = "{boundary.stem.split("_")[-1]}"
title = "Uji"
[boundaries]
file = "{boundary}"
code_column = "kode"
name_column = "kecamatan"
kab_name_column = "kab"
[maps]
formats = ["png"]
[output]
dir = "{folder / "out"}"
{body}
"""
    path = folder / "run.toml"
    path.write_text(text)
    return path


def _run(config: Path) -> tuple[Path, str, dict[str, list[str]]]:
    """Run ``umkm-geo maps`` in-process; record every figure's text artists instead of rendering it."""
    figures: dict[str, list[str]] = {}

    def record(fig, paths, *, dpi=300):
        for target in paths:
            figures[target.stem] = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
            target.parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (4, 3), "white").save(target)
        return None, paths

    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mp.setattr("umkm_geo.render.static.save.save_figures", record)
        mp.setenv("UMKM_GEO_WORKERS", "1")  # the figures are recorded in this process, not in forked workers
        code = main(["maps", "--config", str(config)])
    assert code == 0, out.getvalue()
    return load_config(config).output_dir(), out.getvalue(), figures


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, mirror):
    folder = tmp_path_factory.mktemp("demo_run")
    boundary = _grid(folder / "grid_35.05.geojson", "35.05")
    body = """
[data]
umkm = "demo"
[statistics]
permutations = 99
gap_permutations = 99
global_statistics = ["moran", "moran_rate", "moran_bv"]
local_statistics = ["moran", "moran_bv"]
[survey]
responses = "demo"
bootstrap = 99
minimum = 3
[ffa]
factors = "demo"
[products]
table = "demo"
"""
    return _run(_toml(folder, boundary, body))


@pytest.fixture(scope="module")
def user_run(tmp_path_factory, mirror):
    folder = tmp_path_factory.mktemp("user_run")
    boundary = _grid(folder / "grid_35.05.geojson", "35.05")
    counts = pd.DataFrame({"kode": [f"35.05.{i:02d}" for i in range(1, 13)], "jumlah_umkm": range(40, 52)})
    counts.to_csv(folder / "umkm.csv", index=False)
    body = """
[data]
umkm = "umkm.csv"
[statistics]
permutations = 99
gap_permutations = 99
global_statistics = ["moran"]
local_statistics = ["moran"]
"""
    return _run(_toml(folder, boundary, body))


def _noted(table: pd.DataFrame) -> bool:
    return any(c in table and len(table) and (table[c] == ILLUSTRATIVE_NOTE).all() for c in NOTE_COLUMNS)


def _atlas_data(page: str) -> dict:
    match = re.search(r"<script type='application/json' id='umkm-data'>(.*?)</script>", page, re.S)
    assert match, "no data block in the atlas"
    return json.loads(match.group(1))


def _sections(page: str) -> dict[str, str]:
    return dict(re.findall(r'<section id="(\w+)">(.*?)</section>', page, re.S))


# --- a user's own table and no survey/FFA/produk sections: nothing invented -------------------------


def test_defaults_make_no_survey_ffa_or_products():
    config = Config()
    assert (config.survey.responses, config.ffa.factors, config.products.table) == ("none", "none", "none")
    shipped = load_config(Path(__file__).resolve().parents[1] / "configs" / "blitar.toml")
    assert (shipped.survey.responses, shipped.ffa.factors, shipped.products.table) == ("demo", "demo", "demo")


def test_user_table_run_has_no_invented_outputs(user_run):
    out, stdout, figures = user_run
    names = [p.name for p in (out / "tables").glob("*.csv")] + [p.name for p in (out / "maps").iterdir()]
    assert names and not [n for n in names if n.startswith(("survei", "ffa", "produk"))], names
    assert "umkm_density" in figures and not [k for k in figures if k.startswith(("survei", "ffa", "produk"))]
    record = json.loads((out / "run.json").read_text())
    assert record["illustrative_data"] is False
    assert record["illustrative_components"] == {}
    assert record["notice"] == "" and record["seed"]["demo"] is None
    assert "NOTE" not in stdout


def test_user_table_run_carries_no_stamp(user_run):
    out, _, figures = user_run
    for csv in (out / "tables").glob("*.csv"):
        table = pd.read_csv(csv)
        assert not [c for c in NOTE_COLUMNS if c in table], csv.name
    assert not [k for k, texts in figures.items() if STAMP in texts]
    for page in (out / "maps" / "atlas.html", out / "report.html"):
        text = page.read_text(encoding="utf-8")
        assert STAMP not in text and html.escape(STAMP) not in text, page.name


# --- every demo input asked for: every output made from one says so -------------------------------


def test_demo_run_records_every_component(demo_run):
    out, stdout, _ = demo_run
    record = json.loads((out / "run.json").read_text())
    assert record["illustrative_data"] is True
    components = record["illustrative_components"]
    assert list(components) == list(COMPONENTS)
    assert '[survey] responses = "demo"' in components["survey"] and "seed 20240503" in components["survey"]
    assert '[ffa] factors = "demo"' in components["ffa"]
    assert '[products] table = "demo"' in components["products"]
    assert '[data] umkm = "demo"' in components["umkm"]
    lines = [line for line in stdout.splitlines() if line.startswith("NOTE")]
    assert lines == [f"NOTE: illustrative (not official statistics): {components[c]}" for c in COMPONENTS]


def test_every_csv_of_the_demo_run_has_the_note(demo_run):
    out, _, _ = demo_run
    csvs = sorted((out / "tables").glob("*.csv"))
    names = {p.stem for p in csvs}
    assert {"survei_skor_kecamatan", "ffa_strategi", "produk_unggulan", "umkm_counts_demo", "lisa"} <= names
    for csv in csvs:
        table = pd.read_csv(csv)
        if csv.stem.startswith(("weights_", "resmi_")):
            # Made from the boundaries alone, or (resmi_*) from official published data: nothing invented in them.
            assert not [c for c in NOTE_COLUMNS if c in table], csv.name
        else:
            assert _noted(table) or table.empty, csv.name


def test_every_figure_of_the_demo_run_has_the_stamp(demo_run):
    _, _, figures = demo_run
    assert {"umkm_density", "moran_bv_umkm_density", "survei_kuadran", "produk_unggulan", "ffa"} <= set(figures)
    unstamped = [key for key, texts in figures.items() if STAMP not in texts]
    assert set(unstamped) == OFFICIAL & set(figures)  # only the official IDM 2024 maps are unstamped
    assert OFFICIAL & set(figures)


def test_every_atlas_layer_legend_and_popup_of_the_demo_run_is_stamped(demo_run):
    out, _, _ = demo_run
    page = (out / "maps" / "atlas.html").read_text(encoding="utf-8")
    data = _atlas_data(page)
    keys = [layer["key"] for layer in data["layers"]]
    assert {"umkm_density", "kuadran_kebutuhan_akses", "produk_unggulan", "penduduk"} <= set(keys)
    # Every layer but the area (computed from the boundaries alone) carries the stamp (tooltips, popups).
    stamps = {layer["key"]: layer["stamp"] for layer in data["layers"]}
    assert stamps.pop("area_km2") == ""
    official = {key: stamps.pop(key) for key in OFFICIAL & set(stamps)}
    assert official and set(official.values()) == {""}  # the IDM 2024 is official data
    assert set(stamps.values()) == {STAMP}
    assert all(detail["stamp"] for detail in data["details"])
    assert data["text"]["stamp"] == STAMP  # the popups' footnote
    legends = re.findall(
        r"<div class='umkm-box umkm-legend'.*?data-key='(\w+)'.*?</h4>(.*?)<div class='row'", page, re.S
    )
    assert [key for key, _ in legends] == keys
    for key, legend in legends:
        assert (html.escape(STAMP) in legend) == (key not in {"area_km2", *OFFICIAL}), key
    switch = re.findall(r"<input type='radio' name='umkm-layer' value='(\d+)'[^>]*><span>([^<]*)</span>", page)
    assert len(switch) == len(keys)
    for index, label in switch:
        assert label.endswith("(data ilustrasi)") == (keys[int(index)] not in {"area_km2", *OFFICIAL}), label


def test_every_report_section_and_figure_of_the_demo_run_says_so(demo_run):
    out, _, figures = demo_run
    page = (out / "report.html").read_text(encoding="utf-8")
    div = f'<div class="stamp" role="note">{html.escape(STAMP)}</div>'
    sections = _sections(page)
    assert set(sections) >= {"study_area", "sources", "join_qa", "maps", "statistics", "gap", "regional", "methods"}
    for key, body in sections.items():
        if key == "methods":
            assert div not in body  # formulas and references: made from no data
        elif key == "official":
            assert div not in body  # official published data only (GRDP per capita, population 2025)
        else:
            assert div in body, key
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page, re.S)
    assert len(captions) == len(figures)
    official = [c for c in captions if re.search(r"\((IDM|IKS|IKE|IKL)\) 2024", c)]
    assert len(official) == len(OFFICIAL & set(figures))
    assert not any(html.escape(STAMP) in c for c in official)  # the IDM 2024 maps: official data
    assert all(html.escape(STAMP) in c for c in captions if c not in official)
    for words in ("jawaban survei", "faktor FFA", "tabel produk unggulan", "penduduk per kecamatan"):
        assert words in sections["sources"], words


# --- mixed: real counts, invented survey -------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_area(tmp_path_factory, mirror):
    """A user's real counts with the demo survey, through every analysis stage (no files written)."""
    from umkm_geo.pipeline.analysis import compute_inequality, compute_regional, compute_statistics
    from umkm_geo.pipeline.stages import (
        classify_indicators,
        compute_indicators,
        compute_weights,
        load_counts,
        load_study_area,
    )
    from umkm_geo.pipeline.survey_stage import compute_survey

    folder = tmp_path_factory.mktemp("mixed")
    boundary = _grid(folder / "grid_35.05.geojson", "35.05")
    rows = [(f"35.05.{i:02d}", s, 2023, 10 + i + 3 * k) for i in range(1, 13) for k, s in enumerate(("jasa", "dagang"))]
    pd.DataFrame(rows, columns=["kode", "sektor", "tahun", "jumlah_umkm"]).to_csv(folder / "umkm.csv", index=False)
    body = """
[data]
umkm = "umkm.csv"
[statistics]
permutations = 99
gap_permutations = 99
global_statistics = ["moran"]
local_statistics = ["moran"]
[survey]
responses = "demo"
bootstrap = 99
minimum = 3
"""
    config = load_config(_toml(folder, boundary, body))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        area = compute_indicators(load_counts(load_study_area(config), config), config)
        area = compute_regional(
            compute_inequality(compute_statistics(compute_weights(area, config), config), config), config
        )
        area = classify_indicators(compute_survey(area, config), config)
    return area, config


def test_mixed_run_records_only_the_survey(mixed_area):
    area, _ = mixed_area
    assert list(illustrative_components(area.provenance)) == ["survey"]
    assert notice_lines(area.provenance) == [
        "NOTE: illustrative (not official statistics): survey answers — generated by umkm_geo (seed 20240503), "
        '[survey] responses = "demo"'
    ]


def test_mixed_run_stamps_survey_outputs_only(mixed_area, tmp_path):
    from umkm_geo.pipeline.outputs import write_tables
    from umkm_geo.pipeline.run import render_options
    from umkm_geo.render.atlas.layers import atlas_layers
    from umkm_geo.render.mapset import _choropleths, _context, _survey_maps

    area, config = mixed_area
    ctx = _context(area, render_options(config, area))
    figures = {key: [t.get_text() for t in fig.findobj(matplotlib.text.Text)] for key, fig in _survey_maps(ctx)}
    figures.update({key: [t.get_text() for t in fig.findobj(matplotlib.text.Text)] for key, fig in _choropleths(ctx)})
    assert {"survei_akses_rata2", "survei_kuadran", "umkm_density"} <= set(figures)
    for key, texts in figures.items():
        assert (STAMP in texts) == key.startswith("survei_"), key

    paths = write_tables(area, tmp_path)
    assert {p.name for p in paths if p.suffix != ".csv"} == {"umkm_geo.xlsx", "umkm_geo.gpkg"}
    stamped = {p.stem for p in paths if p.suffix == ".csv" and _noted(pd.read_csv(p))}
    sheets = pd.read_excel(tmp_path / "tables" / "umkm_geo.xlsx", sheet_name=None)
    assert {name for name, sheet in sheets.items() if _noted(sheet)} == {s[:31] for s in stamped}  # the same notes
    assert {"survei_skor_kecamatan", "survei_reliabilitas", "survei_lisa_kesenjangan", "indicators"} <= stamped
    assert not stamped & {"location_quotient", "lisa", "gap_groups", "weights_summary", "join_qa"}
    assert "survei_rencana_sampel" not in stamped  # the plan is made from the (real) counts alone

    layers, details = atlas_layers(area.frame, area.results, illustrative=["survey"])
    flags = {layer.key: layer.illustrative for layer in layers}
    assert flags["kuadran_kebutuhan_akses"] and flags["akses_rata2"] and flags["lisa_kesenjangan"]
    assert not flags["umkm_density"] and not flags["moran_umkm_density"]
    assert not any(d.illustrative for d in details)


def test_figure_components_follow_what_each_map_is_made_from(mixed_area):
    area, _ = mixed_area
    results, columns = area.results, area.frame.columns
    assert figure_components("umkm_density", results, columns) == {"umkm"}
    assert figure_components("survei_lisa_kesenjangan", results, columns) == {"survey"}
    assert figure_components("ffa", results, columns) == {"ffa"}
    assert figure_components("produk_unggulan", results, columns) == {"products"}
    assert figure_components("lq_jasa", results, columns) == {"umkm"}
    assert figure_components("something_new", results, columns) == set(COMPONENTS)  # unknown: assume all
    prov = {"illustrative_components": {"survey": "x"}, "illustrative": True}
    assert is_illustrative(prov, ["survey"]) and not is_illustrative(prov, ["umkm"])
    assert not is_illustrative({**prov, "illustrative": False}, ["survey"])  # False clears every component
    assert is_illustrative({"illustrative": True}, ["umkm"])  # no record: every component counts


# --- the Blitar-only FFA demo on another region ------------------------------------------------------


def test_ffa_demo_outside_blitar_stops_with_a_clear_message(tmp_path, mirror, capsys):
    boundary = _grid(tmp_path / "grid_35.07.geojson", "35.07")
    config = _toml(tmp_path, boundary, '[ffa]\nfactors = "demo"\n')
    assert main(["maps", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert '[ffa] factors = "demo"' in err and "Kabupaten Uji (35.07)" in err
    assert 'factors = "none"' in err and "own factor table" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "run.json").exists()


def test_ffa_demo_check_is_a_config_error(blitar):
    from umkm_geo.config import config_from_dict
    from umkm_geo.pipeline.survey_stage import check_demo_scope
    from umkm_geo.study_area import StudyArea

    config = config_from_dict({"ffa": {"factors": "demo"}})
    check_demo_scope(StudyArea(frame=blitar.frame, region=blitar.region), config)  # Blitar: fine
    other = blitar.frame.copy()
    other.index = other.index.str.replace("35.72", "35.73", regex=False).rename("kode")
    other["kab_kode"] = [c[:5] for c in other.index]
    with pytest.raises(ConfigError, match=r"\[ffa\] factors"):
        check_demo_scope(StudyArea(frame=other, region=("35.05", "35.73")), config)


# --- the demo counts and population plant no regional effect ----------------------------------------


def test_demo_generators_take_no_grouping():
    for func in (generate_demo_counts, generate_demo_population):
        params = set(inspect.signature(func).parameters)
        assert not params & {"groups", "south_factor", "wilayah"}, func.__name__


def test_demo_counts_do_not_read_the_grouping(blitar):
    totals = blitar_demo_totals()
    areas = area_km2(blitar.frame)
    plain = generate_demo_counts(blitar.frame, totals=totals, area_km2=areas, seed=3)
    grouped = blitar.frame.assign(wilayah=blitar_grouping().groups.reindex(blitar.frame.index))
    swapped = grouped.assign(wilayah=grouped["wilayah"].map({"utara": "selatan", "selatan": "utara"}))
    pd.testing.assert_frame_equal(generate_demo_counts(grouped, totals=totals, area_km2=areas, seed=3), plain)
    pd.testing.assert_frame_equal(generate_demo_counts(swapped, totals=totals, area_km2=areas, seed=3), plain)


def test_expected_demo_weight_per_km2_is_one_everywhere(blitar):
    # E[weight_i] = area_i under the generator (mean-1 noise), so the expected density of every
    # kecamatan of a kab/kota is the same. 400 seeds: each kecamatan's mean weight/area is 1 within
    # noise (sd of the log-normal factor 0.36, so sd of the mean 0.018).
    areas = area_km2(blitar.frame)
    ratios = np.mean([demo_weights(areas, seed=s).to_numpy() / areas.to_numpy() for s in range(400)], axis=0)
    np.testing.assert_allclose(ratios, 1.0, atol=0.08)


def test_demo_counts_have_no_south_north_effect_on_average(blitar):
    # The mean south/north ratio of mean UMKM density over 100 seeds is 1 up to noise (one seed's ratio
    # has sd about 0.17, so the mean's is about 0.017; the old demo multiplied the south by 0.6, which
    # this test would see as a ratio near 0.6).
    frame = blitar.frame
    areas = area_km2(frame)
    groups = blitar_grouping().groups.reindex(frame.index)
    south, north = (groups == "selatan").to_numpy(), (groups == "utara").to_numpy()
    totals = blitar_demo_totals()
    ratios = []
    for seed in range(100):
        counts = generate_demo_counts(frame, totals=totals, area_km2=areas, seed=seed)
        latest = counts[counts["tahun"] == counts["tahun"].max()].groupby("kode")["jumlah_umkm"].sum()
        density = (latest.reindex(frame.index) / areas).to_numpy()
        ratios.append(density[south].mean() / density[north].mean())
    assert abs(np.mean(ratios) - 1.0) < 0.05, np.mean(ratios)
    assert np.std(ratios) > 0.05  # one seed alone differs by chance: the statistics see noise


def test_demo_population_adds_up_and_has_no_group_effect(blitar):
    frame = blitar.frame
    areas = area_km2(frame)
    groups = blitar_grouping().groups.reindex(frame.index)
    totals = blitar_population_totals()
    ratios = []
    for seed in range(100):
        people = generate_demo_population(frame, totals=totals, area_km2=areas, seed=seed).set_index("kode")
        if seed == 0:
            sums = people.groupby(people.index.str.slice(0, 5))["penduduk"].sum()
            assert sums.to_dict() == totals.set_index("kab_kode")["total"].to_dict()
            assert (people["keterangan"] == ILLUSTRATIVE_NOTE).all()
        density = people["penduduk"] / areas
        ratios.append(density[groups == "selatan"].mean() / density[groups == "utara"].mean())
    assert abs(np.mean(ratios) - 1.0) < 0.05


def test_demo_sector_shares_have_one_distribution(blitar):
    from umkm_geo.tables.demo.counts import DEMO_SECTORS

    groups = blitar_grouping().groups
    counts = pd.concat(
        generate_demo_counts(blitar.frame, totals=blitar_demo_totals(), area_km2=area_km2(blitar.frame), seed=s)
        for s in range(20)
    )
    counts["wilayah"] = counts["kode"].map(groups)
    shares = counts.pivot_table(index="wilayah", columns="sektor", values="jumlah_umkm", aggfunc="sum")
    shares = shares.div(shares.sum(axis=1), axis=0)
    for sector, mean in DEMO_SECTORS.items():
        assert abs(shares.loc["selatan", sector] - mean) < 0.02, sector
        assert abs(shares.loc["utara", sector] - mean) < 0.02, sector


# --- the atlas in a real browser: tooltip, popup and legend of an illustrative layer ------------------


def test_atlas_popup_tooltip_and_legend_carry_the_stamp_in_a_browser(tmp_path):
    import shutil

    from umkm_geo.classify.breaks import classify
    from umkm_geo.indicators.core import AREA, DENSITY
    from umkm_geo.render.atlas.write import ChoroplethLayer, DetailRow, write_atlas

    chromium = "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ModuleNotFoundError:
        pytest.fail("The browser tests need Playwright: pip install -e '.[dev]'")
    if not shutil.which(chromium):
        pytest.fail(f"The browser tests need the system Chromium at {chromium}: apt-get install chromium")
    frame = gpd.GeoDataFrame(
        {"nama": [f"Kec {i}" for i in range(4)], "kab_nama": "Kabupaten Uji"},
        geometry=[box(112.0 + 0.1 * i, -8.1, 112.1 + 0.1 * i, -8.0) for i in range(4)],
        index=pd.Index([f"35.05.0{i + 1}" for i in range(4)], name="kode"),
        crs="EPSG:4326",
    )
    area = pd.Series([10.0, 20.0, 30.0, 40.0], index=frame.index)
    density = pd.Series([5.0, 1.0, 7.0, 3.0], index=frame.index)
    layers = [
        ChoroplethLayer(AREA, area, classify(area, scheme="quantiles", k=2)),  # real (the boundaries)
        ChoroplethLayer(DENSITY, density, classify(density, scheme="quantiles", k=2), illustrative=True),
    ]
    details = [DetailRow("p", "p LISA", "LISA p", pd.Series(0.5, index=frame.index), 2, illustrative=True)]
    path = write_atlas(
        frame, layers, details=details, title="Uji", credits="uji", illustrative=False, path=tmp_path / "a.html"
    ).path
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_selector("path.leaflet-interactive")
        assert STAMP in page.locator(".umkm-stamp").inner_text()  # the page: one of its layers is illustrative
        # The real layer first: its tooltip and legend carry no stamp.
        shape = page.locator("path.leaflet-interactive[data-kode='35.05.02']")
        shape.hover()
        assert STAMP not in page.locator(".leaflet-tooltip").last.inner_text()
        assert STAMP not in page.locator(".umkm-legend:visible").inner_text()
        page.locator("#umkm-layers label", has_text="(data ilustrasi)").click()
        assert STAMP in page.locator(".umkm-legend:visible").inner_text()
        shape.hover(position={"x": 5, "y": 5})
        assert STAMP in page.locator(".leaflet-tooltip").last.inner_text()
        shape.click()
        popup = page.locator(".leaflet-popup-content").last
        popup.wait_for()
        text = popup.inner_text()
        browser.close()
    assert errors == []
    assert "Kepadatan UMKM \u2020" in text and "p LISA \u2020" in text  # the illustrative rows are marked
    assert "Luas wilayah (dihitung) \u2020" not in text  # the real one is not
    assert text.rstrip().endswith(f"\u2020 {STAMP}")
