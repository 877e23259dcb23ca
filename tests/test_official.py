"""The official-data stage on the real mirror: GRDP per capita of the 38 kab/kota of Jawa Timur.

Klassen typology (level 2024, compound annual growth 2019-2024), Williamson and Theil T weighted by the
2025 population; every number checked against the file and against an independent computation here.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from umkm_geo.config import BoundariesConfig, Config, OfficialConfig, config_from_dict
from umkm_geo.pipeline.official import SKIP_NAME, compute_official
from umkm_geo.pipeline.outputs import official_tables
from umkm_geo.pipeline.run import COMPUTE_STAGES
from umkm_geo.pipeline.stages import load_study_area
from umkm_geo.sources.registry import MIRROR_ENV
from umkm_geo.study_area import StudyArea

JATIM = 38


@pytest.fixture(scope="module")
def upstream() -> Path:
    """The folder holding one folder per upstream repository (from either form of the setting)."""
    value = os.environ.get(MIRROR_ENV)
    if not value:
        pytest.skip(f"{MIRROR_ENV} is not set: these tests read the official datasets offline from the mirror")
    root = Path(value)
    for candidate in (root, root.parent):
        if (candidate / "indonesia514").is_dir() and (candidate / "wilayah").is_dir():
            return candidate
    pytest.fail(f"{MIRROR_ENV}={value} holds no indonesia514/ and wilayah/ folders (nor does its parent).")


@pytest.fixture(scope="module")
def config(upstream) -> Config:
    return Config(boundaries=BoundariesConfig(mirror=str(upstream)))


@pytest.fixture(scope="module")
def area(config) -> StudyArea:
    return load_study_area(config)


@pytest.fixture(scope="module")
def official(area, config) -> StudyArea:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # the real data need no skip and no dropped unit
        return compute_official(area, config)


@pytest.fixture(scope="module")
def raw(upstream) -> dict[str, dict[str, float]]:
    """The GRDP file read here by hand: BPS code -> {column: value} for Jawa Timur."""
    out = {}
    with (upstream / "indonesia514/gdp/gdp_pc.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["provinceID"].strip() == "35":
                out[row["districtID"].strip()] = {
                    k.strip(): float(v.replace(",", "")) for k, v in row.items() if k.strip().startswith("grdp_pc_")
                }
    return out


def test_the_stage_runs_after_regional():
    names = [name for name, _ in COMPUTE_STAGES]
    assert names.index("official") == names.index("regional") + 1


def test_38_kabkota_of_jawa_timur_with_blitars_grdp(official, raw):
    table = official.results.official_grdp
    assert table is not None and len(table) == JATIM == len(raw)
    assert set(table["prov_kode"]) == {"35"}
    assert table.at["35.05", "nama"] == "Kabupaten Blitar"
    assert table.at["35.05", "grdp_pc_2019"] == 21987.0 == raw["3505"]["grdp_pc_2019"]
    assert raw["3505"]["grdp_pc_2020"] == 20421.0  # the 2020 contraction is inside the growth period
    assert table.at["35.72", "nama"] == "Kota Blitar"
    assert sorted(table.index[table["wilayah_studi"]]) == ["35.05", "35.72"]
    assert table["penduduk_2025"].notna().all()
    assert official.results.official_qa is not None and len(official.results.official_qa) == 0
    assert official.results.skipped == {}


def test_growth_is_the_compound_annual_rate_2019_2024(official, raw):
    typology = official.results.official_klassen
    assert typology is not None
    growth = typology.frame()["growth"]
    # by hand, Kabupaten Blitar: (23,340 / 21,987) ** (1/5) - 1
    assert raw["3505"]["grdp_pc_2024"] == 23340.0
    assert growth["35.05"] == pytest.approx((23340.0 / 21987.0) ** 0.2 - 1.0, rel=1e-12)
    assert growth["35.05"] == pytest.approx(0.012015, abs=1e-6)
    assert typology.frame()["level"]["35.05"] == 23340.0
    table = official.results.official_grdp
    for kode in table.index:
        bps = table.at[kode, "bps_kode"]
        expected = (raw[bps]["grdp_pc_2024"] / raw[bps]["grdp_pc_2019"]) ** (1 / 5) - 1
        assert growth[kode] == pytest.approx(expected, rel=1e-12)


def test_klassen_quadrants_of_blitar(official):
    typology = official.results.official_klassen
    frame = typology.frame()
    level, growth = frame["level"].to_numpy(), frame["growth"].to_numpy()
    assert typology.level_reference == pytest.approx(level.mean(), rel=1e-12)
    assert typology.growth_reference == pytest.approx(growth.mean(), rel=1e-12)
    # Kabupaten Blitar: below the mean in level (23,340 < 45,460) and in growth (1.20% < 1.62%)
    assert frame.at["35.05", "quadrant"] == "IV"
    assert frame.at["35.05", "label_en"] == "relatively underdeveloped"
    # Kota Blitar: below the mean level (37,105), above the mean growth (1.74%)
    assert frame.at["35.72", "quadrant"] == "III"
    assert typology.counts().sum() == JATIM


def test_williamson_and_theil_against_an_independent_computation(official):
    table = official.results.official_grdp
    x = table["grdp_pc_2024"].to_numpy(dtype=float)
    p = table["penduduk_2025"].to_numpy(dtype=float)
    share_p = p / p.sum()
    mean = (share_p * x).sum()
    vw = math.sqrt((share_p * (x - mean) ** 2).sum()) / mean
    share_y = p * x / (p * x).sum()
    t = (share_y * np.log(share_y / share_p)).sum()
    assert official.results.official_williamson.value == pytest.approx(vw, rel=1e-10)
    assert official.results.official_williamson.n == JATIM
    assert official.results.official_theil.total == pytest.approx(t, rel=1e-10)
    assert official.results.official_theil.weighted


def test_provenance_and_tables_carry_the_credit(official):
    record = official.provenance["official_grdp"]
    assert record["growth_period"] == [2019, 2024]
    assert record["provinces"] == {"35": "Jawa Timur"}
    assert any("indonesia514" in c for c in record["credits"])
    tables = official_tables(official)
    assert sorted(t for t in tables if not t.startswith("resmi_idm_")) == [  # IDM: tests/test_official_idm.py
        "resmi_ketimpangan_kabkota",
        "resmi_klassen_kabkota",
        "resmi_klassen_pengaturan",
        "resmi_qa_grdp",
    ]
    klassen = tables["resmi_klassen_kabkota"]
    assert len(klassen) == JATIM
    assert (klassen["commit_sumber"] == "e2c0e6dbfb2487a2c03748f1ec11ee567fb72499").all()
    assert klassen["sumber"].str.contains("indonesia514").all()
    assert "catatan_data" not in klassen  # real data: never stamped illustrative


def test_grdp_false_skips_the_stage(area, config):
    off = dataclasses.replace(config, official=OfficialConfig(grdp=False))
    result = compute_official(area, off)
    assert result.results.official_klassen is None and result.results.official_grdp is None
    assert "official_grdp" not in result.provenance
    assert [t for t in official_tables(result) if not t.startswith("resmi_idm_")] == []  # IDM has its own switch
    parsed = config_from_dict({"official": {"grdp": False}})
    assert parsed.official.grdp is False


def test_unavailable_data_is_skipped_with_the_reason(area, tmp_path, monkeypatch):
    from umkm_geo._errors import DataSourceError
    from umkm_geo.pipeline import official as stage

    def unavailable(*args, **kwargs):
        raise DataSourceError("no mirror, no cache and no network")

    monkeypatch.setattr(stage, "read_grdp", unavailable)
    with pytest.warns(UserWarning, match="official grdp skipped"):
        result = compute_official(area, Config())
    assert "no network" in result.results.skipped[SKIP_NAME]
    assert result.results.official_klassen is None


@pytest.fixture(scope="module")
def analysed(config, tmp_path_factory) -> StudyArea:
    """Blitar through every compute stage (99 permutations), the official one included."""
    from umkm_geo.config import StatisticsConfig
    from umkm_geo.pipeline.run import compute

    fast = dataclasses.replace(config, statistics=StatisticsConfig(permutations=99, gap_permutations=99, seed=7))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compute(fast)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_report_opens_with_the_official_findings_unstamped(analysed, tmp_path, lang):
    import html

    from umkm_geo import _i18n
    from umkm_geo.classify.symbology import ILLUSTRATIVE_STAMP
    from umkm_geo.render.options import RenderOptions
    from umkm_geo.render.report.write import report_html

    options = RenderOptions(lang=lang, title="Blitar", seed=7)
    page = report_html(analysed, images={}, options=options, path=tmp_path / "r.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section id="(\w+)">', page)
    # the one-page summary, then the official findings before every illustrative section
    assert sections[:2] == ["summary", "official"] and len(sections) > 2
    start = page.index('<section id="official">')
    body = page[start : page.index("</section>", start)]
    assert html.escape(_i18n.text("report.official.title", lang)) in body
    assert html.escape(ILLUSTRATIVE_STAMP) not in body  # real data: no illustrative stamp
    assert html.escape(ILLUSTRATIVE_STAMP) in page  # the illustrative parts keep theirs
    assert "Kabupaten Blitar" in body and "Kota Blitar" in body
    assert "IV" in body and "III" in body
    assert "indonesia514" in body and "Kepmendagri" in body
    williamson = analysed.results.official_williamson.value
    number = _i18n.format_number(williamson, 3, lang=lang)
    assert number in body
