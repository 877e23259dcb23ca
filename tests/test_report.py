import base64
import dataclasses
import html
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from umkm_geo import _i18n
from umkm_geo._errors import ConfigError
from umkm_geo.classify.symbology import ILLUSTRATIVE_STAMP
from umkm_geo.config import Config, StatisticsConfig
from umkm_geo.render.options import RenderOptions
from umkm_geo.render.report import text as _report_text
from umkm_geo.render.report import write as report
from umkm_geo.render.report.interpret import interpret
from umkm_geo.render.report.write import SECTIONS, report_html

EVIL = "<b>x</b>"
CONFIG = dataclasses.replace(Config(), statistics=StatisticsConfig(permutations=99, gap_permutations=99, seed=777))
OPTIONS = RenderOptions(
    title=CONFIG.study.title, alpha=CONFIG.statistics.alpha, compare=tuple(CONFIG.groups.compare), seed=777
)
EN = dataclasses.replace(OPTIONS, lang="en")
HEADINGS = {
    "id": [
        "Ringkasan temuan",
        "Wilayah studi",
        "Sumber data dan lisensi",
        "Ringkasan QA penggabungan data",
        "Peta indikator",
        "Tabel statistik dan pengaturannya",
        "Kesenjangan utara–selatan",
        "Ekonomi regional",
        "Metode, rumus dan referensi",
    ],
    "en": [
        "Summary of findings",
        "Study area",
        "Data sources and licences",
        "Join QA summary",
        "Indicator maps",
        "Statistics tables and their settings",
        "The north–south gap",
        "Regional economics",
        "Methods, formulas and references",
    ],
}


@pytest.fixture(scope="module")
def area(mirror, tmp_path_factory):
    """Blitar through every analysis stage (no maps), with 99 permutations and one evil name."""
    from umkm_geo.pipeline.analysis import compute_inequality, compute_regional, compute_statistics
    from umkm_geo.pipeline.stages import (
        classify_indicators,
        compute_indicators,
        compute_weights,
        load_counts,
        load_study_area,
    )

    out = tmp_path_factory.mktemp("report_area")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = load_study_area(CONFIG)
        frame = a.frame.copy()
        frame.loc["35.05.08", "nama"] = EVIL  # Wonotirto
        a = a.with_frame(frame)
        a = compute_indicators(load_counts(a, CONFIG, out), CONFIG, out)
        a = compute_statistics(compute_weights(a, CONFIG), CONFIG)
        a = compute_regional(compute_inequality(a, CONFIG), CONFIG)
        return classify_indicators(a, CONFIG)


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    folder = tmp_path_factory.mktemp("maps")
    out = {}
    for i, key in enumerate(["umkm_density", "lisa_umkm_density", "klassen"]):
        path = folder / f"{key}.png"
        Image.new("RGB", (40 + i, 30), (200, 50 * i, 20)).save(path)
        out[key] = path
    return out


@pytest.fixture(scope="module")
def page(area, images, tmp_path_factory):
    path = report_html(area, images=images, options=OPTIONS, path=tmp_path_factory.mktemp("r") / "report.html")
    return path, path.read_text(encoding="utf-8")


class _Collector(HTMLParser):
    """Tags with their attributes, the text of <h2>, <a>, <li> and table cells (as the browser shows it)."""

    def __init__(self):
        super().__init__()
        self.tags, self.h2, self.links, self.rows, self.items = [], [], [], [], []
        self._h2 = self._a = None
        self._cell = None
        self._row = None
        self._li = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "h2":
            self._h2 = ""
        elif tag == "a":
            self._a = [attrs, ""]
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "li":
            self._li = ""

    def handle_endtag(self, tag):
        if tag == "h2":
            self.h2.append(self._h2)
            self._h2 = None
        elif tag == "a":
            self.links.append(tuple(self._a))
            self._a = None
        elif tag in ("td", "th"):
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr":
            self.rows.append(self._row)
        elif tag == "li":
            self.items.append(self._li)
            self._li = None

    def handle_data(self, data):
        for name in ("_h2", "_cell", "_li"):
            if getattr(self, name) is not None:
                setattr(self, name, getattr(self, name) + data)
        if self._a is not None:
            self._a[1] += data


def _parse(text):
    parser = _Collector()
    parser.feed(text)
    return parser


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_section_heading_in_order(area, images, tmp_path, lang):
    path = report_html(area, images=images, options=dataclasses.replace(OPTIONS, lang=lang), path=tmp_path / "r.html")
    text = path.read_text(encoding="utf-8")
    assert _parse(text).h2 == [f"{n}. {title}" for n, title in enumerate(HEADINGS[lang], start=1)]
    assert f'<html lang="{lang}">' in text
    other = HEADINGS["en" if lang == "id" else "id"]
    assert not any(f">{n}. {title}<" in text for n, title in enumerate(other, start=1))


def test_every_word_the_report_reads_is_in_both_locale_files():
    # the words of the templates (t.<key>) and of the builders (t["<key>"], text("report....")) exist
    assert _report_text.words("id").keys() == _report_text.words("en").keys()
    package = Path(report.__file__).parent
    sources = [p.read_text(encoding="utf-8") for p in package.rglob("*.py")]
    templates = [p.read_text(encoding="utf-8") for p in (package / "templates").glob("*.j2")]
    used = {k for source in templates for k in re.findall(r"\bt\.(\w+)", source)}
    used |= {k for source in sources for k in re.findall(r"\bt\[\"([\w-]+)\"\]", source)}
    keys = {k for source in sources for k in re.findall(r"\"(report\.[\w.-]+)\"", source)}
    assert len(used) > 100 and len(keys) > 20
    for lang in ("id", "en"):
        assert sorted(used - _report_text.words(lang).keys()) == []
        assert sorted(k for k in keys if k not in _i18n.catalogue(lang) and not k.endswith((".", ".j2"))) == []
        for key in _report_text.METHODS:
            assert _report_text.method_title(key, lang).strip()
            assert _i18n.text(f"report.method.{key}.explanation", lang).strip()
    assert _report_text.references("id") == _report_text.references("en")


def test_every_image_is_embedded_sized_for_the_page(page, images):
    """Each PNG is in the page as a WebP at most 720 px wide (16 cm at 114 dpi): the same picture, smaller."""
    import io

    import numpy as np
    from PIL import Image

    _, text = page
    sources = [attrs["src"] for tag, attrs in _parse(text).tags if tag == "img"]
    assert text.count("data:image/webp;base64,") == len(images) == len(sources)
    for src, path in zip(sources, images.values(), strict=True):
        data = base64.b64decode(src.removeprefix("data:image/webp;base64,"))
        with Image.open(io.BytesIO(data)) as small, Image.open(path) as full:
            assert small.format == "WEBP" and small.width == min(720, full.width)
            assert abs(small.height - full.height * small.width / full.width) <= 1
            reference = full.convert("RGB").resize(small.size, Image.Resampling.BOX)
            diff = np.abs(np.asarray(small.convert("RGB"), float) - np.asarray(reference, float))
            assert diff.mean() < 4  # the same picture (32 colours, so not identical)


def test_maps_have_captions_from_the_indicators(page, area):
    _, text = page
    density = area.results.indicators["umkm_density"]
    # the PNG's words: the note under its legend, the map title of the statistic in the registry
    classes = area.results.classes["umkm_density"].describe("id")
    assert classes.startswith("Klasifikasi: natural breaks (Fisher-Jenks)")
    # captions are sentences: what the figure shows, by which unit, then its classification
    title = density.title("id")
    assert f"<b>Gambar 1.</b> Peta {html.escape(title[0].lower() + title[1:])} per kecamatan. {classes}." in text
    assert "<b>Gambar 2.</b> Peta klaster LISA untuk kepadatan UMKM per kecamatan." in text
    assert "<b>Gambar 3.</b> Peta tipologi Klassen per kecamatan." in text


def test_captions_can_be_given(area, images, tmp_path):
    text = report_html(
        area, images=images, options=OPTIONS, path=tmp_path / "r.html", captions={"klassen": "Peta <Klassen>"}
    ).read_text(encoding="utf-8")
    assert "Peta &lt;Klassen&gt;" in text


def test_nothing_is_loaded_from_outside_the_file(page):
    _, text = page
    parsed = _parse(text)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "link", "iframe", "object", "embed", "video", "audio"}
    assert not re.search(r"url\(|@import", text)
    for tag, attrs in parsed.tags:
        if "src" in attrs:
            assert attrs["src"].startswith("data:image/webp;base64,"), tag
    for attrs, label in parsed.links:
        href = attrs["href"]
        if href.startswith("#"):
            assert href[1:] in (*SECTIONS, "summary", "official")
        else:  # a cited source: a plain link whose text is its address
            assert attrs.get("class") == "source" and href.startswith(("http://", "https://")) and label == href


def test_statistics_tables_carry_their_settings(page):
    _, text = page
    rows = _parse(text).rows
    assert ["Permutasi", "99"] in rows and ["Seed", "777"] in rows  # local statistics
    assert ["Koreksi uji berganda", "tanpa koreksi: p <= alpha"] in rows
    global_header = ["Statistik", "Permutasi", "Seed", "Jenis p", "Transformasi bobot", "Versi pustaka"]
    assert global_header in rows
    moran = next(r for r in rows if r[0] == "Moran's I global" and len(r) == 6)
    assert moran[1:4] == ["99", "777", "dua sisi"]
    weights = dict(r for r in rows if len(r) == 2)
    assert weights["Metode"].startswith("queen") and weights["Unit tanpa tetangga"] == "tidak ada"


def test_interpretation_sentences_are_in_the_report(page, area):
    _, text = page
    items = _parse(text).items  # as the reader sees them (however the HTML escapes "'")
    sentences = interpret(area, alpha=CONFIG.statistics.alpha, lang="id")
    for section in ("global", "gap", "regional"):
        for sentence in sentences[section]:
            assert sentence in items


def test_names_from_data_are_escaped(page):
    _, text = page
    assert EVIL not in text
    assert html.escape(EVIL) in text


def test_script_and_template_syntax_in_names_show_as_text(area, images, tmp_path):
    names = {"35.05.01": "<script>alert(1)</script>", "35.05.02": "{{ 7*7 }}", "35.05.03": "{% raw %}x"}
    frame = area.frame.copy()
    for code, name in names.items():
        frame.loc[code, "nama"] = name
    title = "Laporan <script>alert(2)</script> {{ 7*7 }}"
    text = report_html(
        area.with_frame(frame),
        images=images,
        options=dataclasses.replace(OPTIONS, title=title),
        path=tmp_path / "r.html",
        captions={"klassen": "{{ 6*6 }}"},
    ).read_text(encoding="utf-8")
    assert "<script" not in text
    parsed = _parse(text)
    kecamatan = {row[0]: row[1] for row in parsed.rows if row and row[0] in names}
    assert kecamatan == names  # shown as written, in the list of kecamatan
    assert text.count(html.escape(title)) == 2  # <title> and <h1>
    assert "<b>Gambar 3.</b> {{ 6*6 }}" in text


def test_templates_escape_every_value():
    from importlib import resources

    templates = resources.files("umkm_geo.render.report").joinpath("templates")
    names = sorted(p.name for p in templates.iterdir())
    assert "report.html.j2" in names and "report.css" in names
    for name in names:
        source = templates.joinpath(name).read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|{%-?\s*autoescape", source), name
    env = report._environment()
    assert env.autoescape is True
    # No HTML is built in Python: the formulas of the methods section are template macros.
    package = Path(report.__file__).parent
    marked = [p.name for p in package.rglob("*.py") if re.search(r"\bMarkup\b", p.read_text(encoding="utf-8"))]
    assert marked == []
    formulas = templates.joinpath("_formulas.j2").read_text(encoding="utf-8")
    assert set(re.findall(r"{% macro (\w+)\(\) %}", formulas)) == set(_report_text.METHODS)


def test_illustrative_stamp_on_top_and_in_every_section(page, area, images, tmp_path):
    _, text = page
    stamp = f'<div class="stamp" role="note">{html.escape(ILLUSTRATIVE_STAMP)}</div>'
    # The top, the summary's findings from the inputs, and every section made from the illustrative counts
    # (all but the methods, formulas only; the survey, FFA and produk sections are absent: not computed).
    shown = [key for key in SECTIONS if f'<section id="{key}">' in text]
    assert shown == [key for key in SECTIONS if key not in ("survey", "ffa", "produk")]
    assert text.count(stamp) == 1 + 1 + len(shown) - 1
    assert stamp not in text[text.index('<section id="methods">') :]
    assert text.index(stamp) < text.index("<section")
    official = area.with_provenance(illustrative=False)
    plain = report_html(official, images=images, options=OPTIONS, path=tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.escape(ILLUSTRATIVE_STAMP) not in plain


def test_sources_and_licences(page):
    _, text = page
    assert "cahyadsn/wilayah_boundaries (MIT)" in text
    assert "seed 20240503" in text
    assert "15.481" in text and "20.242" in text  # the published Kabupaten Blitar totals the demo adds up to


def test_bad_inputs_are_config_errors(area, images, tmp_path):
    target = tmp_path / "out" / "r.html"
    with pytest.raises(ConfigError, match="'fr'"):
        report_html(area, images=images, options=dataclasses.replace(OPTIONS, lang="fr"), path=target)
    with pytest.raises(ConfigError, match="'lost'"):
        report_html(area, images={"lost": tmp_path / "lost.png"}, options=OPTIONS, path=target)
    fake = tmp_path / "fake.png"
    fake.write_text("not a png")
    with pytest.raises(ConfigError, match="not a PNG"):
        report_html(area, images={"fake": fake}, options=OPTIONS, path=target)
    assert not target.exists()


def test_size_with_a_dozen_full_size_maps_stays_under_10_mb(area, tmp_path):
    # Noise does not compress: a 340 x 340 RGB PNG is about as large as a 200-dpi map (~350 kB).
    noise = np.random.default_rng(0).integers(0, 256, (340, 340, 3), dtype=np.uint8)
    png = tmp_path / "noise.png"
    Image.fromarray(noise).save(png)
    images = {f"map_{i}": png for i in range(12)}
    path = report_html(area, images=images, options=OPTIONS, path=tmp_path / "r.html")
    size = path.stat().st_size
    embedded = 12 * len(base64.b64encode(png.read_bytes()))
    assert size < 10_000_000
    assert size - embedded < 500_000  # the text of the report itself


def test_browser_opens_and_prints_the_report_offline(page, images, tmp_path):
    from playwright.sync_api import sync_playwright

    path, _ = page
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 900, "height": 1200})
            problems, requests = [], []
            tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: problems.append(str(e)))
            tab.on("request", lambda r: requests.append(r.url))
            tab.goto(Path(path).as_uri())
            widths = tab.evaluate("Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)")
            assert widths == [Image.open(p).width for p in images.values()]
            assert tab.get_by_text(EVIL, exact=False).count() >= 1  # shown as text, not as bold markup
            assert tab.locator("b", has_text="x").filter(has_not_text="Gambar").count() == 0
            tab.emulate_media(media="print")
            assert tab.evaluate("document.documentElement.scrollWidth") <= 900
            pdf = tab.pdf(format="A4")
            assert problems == []
            assert requests == [Path(path).as_uri()]
        finally:
            browser.close()
    # A page break before every section: at least one page for the title and one per section.
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1 + len(SECTIONS)


def test_join_qa_counts_and_lists_every_issue(area, tmp_path):
    import pandas as pd

    from umkm_geo.tables.join import ISSUE_COLUMNS, JoinReport

    issues = pd.DataFrame(
        [
            ["unmatched", "error", 4, "Wonotirta", "", "", "did you mean Wonotirto?"],
            ["duplicate", "error", None, "", "35.05.01", "Wonodadi", "sektor jasa appears in rows 2, 3"],
            ["missing", "allowed", None, "", "35.05.08", EVIL, "no data for this kecamatan"],
        ],
        columns=ISSUE_COLUMNS,
    )
    qa = JoinReport(source="/data/umkm.csv", n_rows=5, n_matched=3, issues=issues)
    text = report_html(
        area.with_results(join_report=qa), images={}, options=OPTIONS, path=tmp_path / "r.html"
    ).read_text(encoding="utf-8")
    rows = _parse(text).rows
    for expected in (["Tabel", "umkm.csv"], ["Baris tabel", "5"], ["Baris cocok", "3"], ["tidak cocok", "1"],
                     ["ambigu", "0"], ["duplikat", "1"], ["kecamatan tanpa data", "1"]):  # fmt: skip
        assert expected in rows
    assert ["tidak cocok", "error", "4", "Wonotirta", "", "", "did you mean Wonotirto?"] in rows
    assert ["kecamatan tanpa data", "allowed", "–", "", "35.05.08", EVIL, "no data for this kecamatan"] in rows
    assert "Tidak ada peta yang diberikan." in text


def test_methods_cite_every_reference(page):
    _, text = page
    for citation in (
        "Anselin, L. (1995)",
        "Getis, A., &amp; Ord, J. K. (1992)",
        "Ord, J. K., &amp; Getis, A. (1995)",
        "Anselin, L. (2019)",
        "Theil, H. (1967)",
        "Williamson, J. G. (1965)",
        "Rey, S. J., &amp; Smith, R. J. (2013)",
        "Dunn, E. S. (1960)",
        "Klassen, L. H. (1965)",
        "Benjamini, Y., &amp; Hochberg, Y. (1995)",
        "Assunção, R. M., &amp; Reis, E. A. (1999)",
    ):
        assert citation in text
    assert text.count('<div class="math">') == len(_report_text.METHODS)
    assert "<h4>Moran&#39;s I global</h4>" in text  # a method named like its statistic in the registry


def test_results_not_computed_are_said_so(mirror, tmp_path):
    from umkm_geo.pipeline.stages import load_study_area

    bare = load_study_area(CONFIG)
    text = report_html(bare, images={}, options=EN, path=tmp_path / "r.html").read_text(encoding="utf-8")
    parsed = _parse(text)
    assert len(parsed.h2) == 1 + len(SECTIONS) - 3  # the summary; no survey, FFA or produk section
    assert parsed.h2[6] == "7. The gap between groups"  # no gap table, so no north-south claim
    assert text.count("<p>Not computed.</p>") >= 4  # join QA, weights, global, local, gap, LQ, shift-share, Klassen
