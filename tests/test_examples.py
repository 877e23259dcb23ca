"""The example inputs in examples/ (survey answers, FFA factors and linkage, produk unggulan, UMKM counts):
each is stamped as an example, read by the package's own readers without a problem, and a run on them
marks every output made from them illustrative."""

from __future__ import annotations

import csv
import dataclasses
import warnings
from pathlib import Path

from umkm_geo._provenance import ILLUSTRATIVE_NOTE, is_illustrative
from umkm_geo.config import load_config

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


SAMPLES = sorted(EXAMPLES.glob("*.csv"))


def test_every_sample_is_stamped_as_an_example():
    assert len(SAMPLES) == 5
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert "CONTOH / EXAMPLE" in readme and "bukan data nyata" in readme
    for path in SAMPLES:
        assert path.name.startswith("contoh_") and path.name in readme
        rows = _rows(path)
        if "keterangan" in rows[0]:  # every table but the factor x factor matrix, which has no room for it
            assert all("ilustrasi" in r["keterangan"] and "bukan data nyata" in r["keterangan"] for r in rows)
        else:
            assert path.name == "contoh_keterkaitan_ffa.csv"


def test_sample_counts_are_read_and_join_blitar(blitar):
    from umkm_geo import join_counts, read_count_table

    table = read_count_table(EXAMPLES / "contoh_umkm_kecamatan.csv")
    assert table.illustrative and table.layout == "wide"
    assert set(table.data["tahun"]) == {2023, 2024}
    assert set(table.data["sektor"]) == {"perdagangan", "makanan_minuman", "kerajinan", "jasa"}
    counts, report = join_counts(blitar.frame, table)
    assert set(counts["kode"]) == set(blitar.frame.index)  # all 25 kecamatan, none missing
    assert report.issues.empty or not report.issues["issue"].isin(["unmatched", "missing", "duplicate"]).any()


def test_sample_survey_answers_are_read_without_a_problem(blitar):
    from umkm_geo.tables.responses import read_responses

    responses = read_responses(
        EXAMPLES / "contoh_jawaban_survei.csv", units=blitar.frame, aspects=["modal", "pasar", "kebijakan", "digital"]
    )
    assert responses.issues.empty and responses.illustrative
    assert 30 <= len(responses.wide) <= 60
    assert responses.achieved().min() >= 5 and len(responses.achieved()) >= 5
    assert responses.long["nilai"].between(1, 5).all()


def test_sample_ffa_factors_and_linkage_are_read_and_analysed():
    from umkm_geo import force_field
    from umkm_geo.tables.ffa_factors import read_factors, read_matrix

    factors = read_factors(EXAMPLES / "contoh_faktor_ffa.csv")
    assert len(factors) == 10 and factors["jenis"].value_counts().to_dict() == {"pendorong": 5, "penghambat": 5}
    linkage = read_matrix(EXAMPLES / "contoh_keterkaitan_ffa.csv")
    assert (linkage.values == linkage.values.T)[~linkage.isna().values].all()
    result = force_field(EXAMPLES / "contoh_faktor_ffa.csv", linkage=EXAMPLES / "contoh_keterkaitan_ffa.csv")
    assert set(result.factors.index) == set(factors.index)


def test_sample_products_are_read(blitar):
    from umkm_geo.tables.products import read_products

    table = read_products(EXAMPLES / "contoh_produk_unggulan.csv", units=blitar.frame)
    assert table.attrs["scale"] == 5 and (table["desa"] != "").all()
    assert table["kode"].nunique() >= 5 and "keterangan" in table.columns


def test_a_run_on_the_samples_marks_every_output_illustrative(mirror):
    """examples/contoh.toml (cheaper: no official layers, 99 permutations) runs, and each sample is an
    illustrative component of the run, so every table, map and report section made from it is stamped."""
    from umkm_geo import compute

    config = load_config(EXAMPLES / "contoh.toml")
    config = dataclasses.replace(
        config,
        official=dataclasses.replace(config.official, grdp=False, idm=False),
        statistics=dataclasses.replace(config.statistics, permutations=99, gap_permutations=99),
        survey=dataclasses.replace(config.survey, bootstrap=99),
        layers=(),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        area = compute(config)
    components = area.provenance["illustrative_components"]
    assert set(components) == {"umkm", "survey", "ffa", "products"}
    assert all("contoh_" in text for text in components.values())
    assert is_illustrative(area.provenance, ["survey"]) and is_illustrative(area.provenance, ["products"])
    results = area.results
    assert results.responses.illustrative and results.ffa.illustrative
    assert (results.survey_scores.kecamatan["catatan_data"] == ILLUSTRATIVE_NOTE).all()
    assert results.leading["produk"].notna().sum() == 8  # a leading product in each of the 8 kecamatan
