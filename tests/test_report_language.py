"""The report is in one language: no English in the Indonesian report, no Indonesian in the English one.

A small Blitar study (every analysis stage, the survey, FFA and produk unggulan of the showcase
config, 99 permutations, no maps drawn) is written in both languages and its visible text scanned
with :mod:`tests._language` against the locale files. The report of the real default run is scanned
in ``tests/test_pipeline.py``.
"""

import dataclasses
import warnings
from pathlib import Path

import pytest

from _language import FUNCTION_WORDS, foreign_phrases, foreign_words, language_problems, visible_lines
from umkm_geo.config import load_config
from umkm_geo.pipeline.run import render_options
from umkm_geo.render.report.write import report_html

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def study(mirror):
    """Blitar after every analysis stage and the survey, FFA and produk stages (no maps), and its config."""
    from umkm_geo.pipeline.analysis import compute_inequality, compute_regional, compute_statistics
    from umkm_geo.pipeline.stages import (
        classify_indicators,
        compute_indicators,
        compute_weights,
        load_counts,
        load_study_area,
    )
    from umkm_geo.pipeline.survey_stage import compute_survey

    config = load_config(REPO / "configs" / "blitar.toml")
    config = dataclasses.replace(
        config,
        statistics=dataclasses.replace(config.statistics, permutations=99, gap_permutations=99),
        survey=dataclasses.replace(config.survey, bootstrap=50),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = load_study_area(config)
        a = compute_indicators(load_counts(a, config), config)
        a = compute_statistics(compute_weights(a, config), config)
        a = compute_regional(compute_inequality(a, config), config)
        a = compute_survey(a, config)
        return classify_indicators(a, config), config


@pytest.fixture(scope="module", params=["id", "en"])
def page(request, study, tmp_path_factory):
    area, config = study
    lang = request.param
    options = dataclasses.replace(render_options(config, area), lang=lang)
    path = report_html(area, images={}, options=options, path=tmp_path_factory.mktemp(lang) / "report.html")
    return lang, path.read_text(encoding="utf-8")


def test_the_report_covers_the_result_sections(page):
    _lang, html = page
    for section in ("statistics", "gap", "regional", "sources", "methods"):
        assert f'<section id="{section}">' in html


def test_no_text_of_the_other_language(page):
    lang, html = page
    problems = language_problems(html, lang)
    assert not problems, "\n".join(problems[:40])


# --- the scanner itself ---------------------------------------------------------------------------


def test_scanner_skips_code_references_urls_and_the_stamp():
    html = (
        "<p>Data ilustrasi / illustrative data — not official statistics</p>"
        "<p>lihat https://example.org/the/path/of/it</p><code>the sum of the weights</code>"
        '<ol class="refs"><li>Theil, H. (1967). Economics and Information Theory.</li></ol>'
        "<p>Nilai kecamatan</p>"
    )
    assert visible_lines(html) == ["lihat", "Nilai kecamatan"]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("id", "row-standardised (the weights of each unit sum to 1)"),
        ("id", "kept as units without neighbours (left out of local statistics)"),
        ("id", "UMKM per 1.000 penduduk: unweighted mean of the 25 units with a value = 25,56"),
        ("en", "dibiarkan sebagai unit tanpa tetangga (tidak ikut statistik lokal)"),
        ("en", "rata-rata tanpa pembobot dari 25 unit yang bernilai"),
    ],
)
def test_scanner_finds_a_sentence_of_the_other_language(lang, line):
    assert foreign_words([line], lang)


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("id", "Moran's I global Kepadatan UMKM = 0,349 (E[I] = -0,042; p = 0,002, dua sisi, 999 permutasi)"),
        ("id", 'umkm_counts_demo.csv; [data] umkm = "demo"; GeoDa dan spdep'),
        ("en", "UMKM per kecamatan, Kabupaten Blitar and Kota Blitar; Blitar Utara, Blitar Selatan"),
        ("en", "Sukorejo, Sananwetan and Kepanjenkidul (sektor perdagangan)"),
    ],
)
def test_scanner_passes_names_and_config_values(lang, line):
    assert not foreign_words([line], lang)
    assert not foreign_phrases([line], lang)


def test_function_word_lists_do_not_overlap():
    assert not FUNCTION_WORDS["id"] & FUNCTION_WORDS["en"]
