"""A table that says it is illustrative stamps every output of the single commands, as ``maps`` does.

The sample files of ``examples/`` carry a ``keterangan`` column saying "CONTOH / EXAMPLE: data
ilustrasi / illustrative data"; ``survey-plan``, ``survey-score``, ``ffa`` and ``produk`` run on them
must stamp each CSV (the pipeline's ``catatan_data`` / ``keterangan`` / ``Catatan data`` note), the FFA
diagram, and print a ``NOTE:`` line. The same files with a plain note stamp nothing. One list of note
columns (``keterangan``, ``ket``, ``note``, ``Catatan data`` ...) serves the readers and the check.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.text
import pandas as pd
import pytest

from umkm_geo._provenance import ILLUSTRATIVE_NOTE, illustrative_components
from umkm_geo.cli import EXIT_OK, main
from umkm_geo.config import config_from_dict
from umkm_geo.tables import columns, responses
from umkm_geo.tables.columns import NOTE_ALIASES, table_says_illustrative

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BLITAR = "35.05,35.72"
NOTE_LINE = "NOTE: illustrative (not official statistics):"
PLAIN = "data Dinas Koperasi dan UKM 2024"  # a note that says nothing about being illustrative
WEIGHTS = "bahan_baku=4,pasar=5,nilai_tambah=3,tenaga_kerja=3"


def _sample(name: str) -> pd.DataFrame:
    return pd.read_csv(EXAMPLES / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, mirror):
    """Each sample file as it is (``sample``) and with a plain note in place of its illustrative one (``plain``)."""
    folder = tmp_path_factory.mktemp("stamp_inputs")
    counts = _sample("contoh_umkm_kecamatan.csv")
    counts = counts[[c for c in counts.columns if not c.endswith("_2023")]]  # one year, as survey-plan needs
    tables = {
        "counts": counts,
        "answers": _sample("contoh_jawaban_survei.csv"),
        "factors": _sample("contoh_faktor_ffa.csv"),
        "products": _sample("contoh_produk_unggulan.csv"),
    }
    out: dict[str, dict[str, Path]] = {"sample": {}, "plain": {}}
    for name, table in tables.items():
        assert table["keterangan"].str.contains("ilustrasi").all()  # the samples say so on every row
        out["sample"][name] = folder / f"{name}.csv"
        table.to_csv(out["sample"][name], index=False)
        out["plain"][name] = folder / f"{name}_plain.csv"
        table.assign(keterangan=PLAIN).to_csv(out["plain"][name], index=False)
    return out


def _is_stamped(path: Path) -> bool:
    """A CSV carries the note on every row (an empty one: a ``catatan_data`` column in its header)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not len(table):
        return "catatan_data" in table.columns
    return any((table[c] == ILLUSTRATIVE_NOTE).all() for c in table.columns)


def _mentions(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return ILLUSTRATIVE_NOTE in text or "catatan_data" in text or "ilustrasi" in text.lower()


def _run(argv: list[str], capsys) -> str:
    assert main(argv) == EXIT_OK, capsys.readouterr().err
    return capsys.readouterr().out


def _written(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.csv"))


# --- survey-plan ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_survey_plan_on_the_sample_counts_is_stamped(inputs, tmp_path, capsys, lang):
    out = _run(
        ["survey-plan", str(inputs["sample"]["counts"]), "--lang", lang, "-o", str(tmp_path / "plan.csv")], capsys
    )
    assert [p.name for p in _written(tmp_path)] == ["plan.csv"]
    assert _is_stamped(tmp_path / "plan.csv")
    assert out.count(NOTE_LINE) == 1 and str(inputs["sample"]["counts"]) in out
    table = pd.read_csv(tmp_path / "plan.csv")
    assert list(table.columns).count("catatan_data") == 0  # the plan's own note column, not a second one
    assert table[{"id": "Catatan data", "en": "Data note"}[lang]].eq(ILLUSTRATIVE_NOTE).all()


def test_survey_plan_on_plain_counts_is_not_stamped(inputs, tmp_path, capsys):
    out = _run(["survey-plan", str(inputs["plain"]["counts"]), "-o", str(tmp_path / "plan.csv")], capsys)
    assert not _mentions(tmp_path / "plan.csv")
    assert NOTE_LINE not in out


# --- survey-score -----------------------------------------------------------------------------------


def _score(answers: Path, folder: Path, counts: Path | None = None) -> list[str]:
    argv = ["survey-score", str(answers), "--region", BLITAR, "--bootstrap", "19", "-o", str(folder / "skor.csv")]
    return [*argv, "--counts", str(counts)] if counts else argv


def test_survey_score_on_the_sample_answers_stamps_every_table(inputs, tmp_path, capsys):
    out = _run(_score(inputs["sample"]["answers"], tmp_path), capsys)
    written = _written(tmp_path)
    assert {p.name for p in written} == {"skor.csv", "skor_issues.csv", "skor_reliability.csv", "skor_settings.csv"}
    assert all(_is_stamped(p) for p in written), [p.name for p in written if not _is_stamped(p)]
    assert out.count(NOTE_LINE) == 1 and "survey answers" in out
    assert str(inputs["sample"]["answers"]) in out


def test_survey_score_weighted_by_sample_counts_is_stamped(inputs, tmp_path, capsys):
    """Plain answers weighted by illustrative counts: the scores are made from illustrative input."""
    out = _run(_score(inputs["plain"]["answers"], tmp_path, inputs["sample"]["counts"]), capsys)
    assert all(_is_stamped(p) for p in _written(tmp_path))
    assert out.count(NOTE_LINE) == 1 and "UMKM counts" in out


def test_survey_score_on_plain_answers_is_not_stamped(inputs, tmp_path, capsys):
    out = _run(_score(inputs["plain"]["answers"], tmp_path, inputs["plain"]["counts"]), capsys)
    assert len(_written(tmp_path)) == 4
    assert not any(_mentions(p) for p in _written(tmp_path))
    assert NOTE_LINE not in out


# --- ffa --------------------------------------------------------------------------------------------


@pytest.fixture
def figures(monkeypatch):
    """The texts and gids of every figure the command saves."""
    from umkm_geo.render.static import save

    seen: list[dict[str, list]] = []
    original = save.save_figure

    def record(fig, path, **options):
        texts = fig.findobj(matplotlib.text.Text)
        seen.append({"texts": [t.get_text() for t in texts], "gids": [t.get_gid() for t in texts]})
        return original(fig, path, **options)

    monkeypatch.setattr(save, "save_figure", record)
    return seen


def _ffa(factors: Path, folder: Path) -> list[str]:
    linkage = EXAMPLES / "contoh_keterkaitan_ffa.csv"
    return ["ffa", str(factors), "--linkage", str(linkage), "-o", str(folder / "ffa.csv")]


def test_ffa_on_the_sample_factors_stamps_the_tables_and_the_diagram(inputs, tmp_path, capsys, figures):
    from umkm_geo.classify.symbology import ILLUSTRATIVE_STAMP
    from umkm_geo.render.static._layout import GID_STAMP

    out = _run(_ffa(inputs["sample"]["factors"], tmp_path), capsys)
    assert {p.name for p in _written(tmp_path)} == {"ffa.csv", "ffa_factors.csv"}
    assert all(_is_stamped(p) for p in _written(tmp_path))
    assert (tmp_path / "ffa.png").is_file()
    assert len(figures) == 1
    assert GID_STAMP in figures[0]["gids"] and ILLUSTRATIVE_STAMP in figures[0]["texts"]
    assert out.count(NOTE_LINE) == 1 and "FFA factors" in out


def test_ffa_on_plain_factors_is_not_stamped(inputs, tmp_path, capsys, figures):
    from umkm_geo.render.static._layout import GID_STAMP

    out = _run(_ffa(inputs["plain"]["factors"], tmp_path), capsys)
    assert not any(_mentions(p) for p in _written(tmp_path))
    assert GID_STAMP not in figures[0]["gids"]
    assert NOTE_LINE not in out


# --- produk -----------------------------------------------------------------------------------------


def _produk(table: Path, folder: Path) -> list[str]:
    return ["produk", str(table), "--region", BLITAR, "--weights", WEIGHTS, "-o", str(folder / "produk.csv")]


def test_produk_on_the_sample_table_stamps_both_tables(inputs, tmp_path, capsys):
    out = _run(_produk(inputs["sample"]["products"], tmp_path), capsys)
    assert {p.name for p in _written(tmp_path)} == {"produk.csv", "produk_mpe.csv"}
    assert all(_is_stamped(p) for p in _written(tmp_path))
    assert out.count(NOTE_LINE) == 1 and "produk unggulan table" in out


def test_produk_on_a_plain_table_is_not_stamped(inputs, tmp_path, capsys):
    out = _run(_produk(inputs["plain"]["products"], tmp_path), capsys)
    assert len(_written(tmp_path)) == 2
    assert not any(_mentions(p) for p in _written(tmp_path))
    assert NOTE_LINE not in out


# --- one list of note columns -------------------------------------------------------------------------


def test_one_list_of_note_columns_for_readers_and_the_check():
    assert responses.NOTE_ALIASES is columns.NOTE_ALIASES is NOTE_ALIASES
    assert {"keterangan", "ket", "catatan", "catatan_data", "note", "notes"} <= set(NOTE_ALIASES)


@pytest.mark.parametrize("name", ["keterangan", "Keterangan", "ket", "note", "Notes", "catatan", "Catatan data"])
def test_any_note_column_saying_illustrative_marks_the_table(name):
    table = pd.DataFrame({"kode": ["35.05.01", "35.05.02"], name: ["", "illustrative figures, not real"]})
    assert table_says_illustrative(table)
    assert not table_says_illustrative(table.assign(**{name: ["", "dari BPS"]}))


def test_the_word_outside_a_note_column_does_not_mark_the_table():
    table = pd.DataFrame({"produk": ["Buku ilustrasi anak"], "keterangan": ["dari Dinas"]})
    assert not table_says_illustrative(table)


def test_readers_read_every_note_column(blitar, tmp_path):
    from umkm_geo.tables.counts.read import read_count_table
    from umkm_geo.tables.responses import read_responses

    answers = _sample("contoh_jawaban_survei.csv").rename(columns={"keterangan": "ket"})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    assert read_responses(tmp_path / "answers.csv", units=blitar.frame).illustrative
    counts = pd.DataFrame({"kode": ["35.05.01", "35.05.02"], "jumlah": [10, 12], "Catatan data": ["", "ilustrasi"]})
    counts.to_csv(tmp_path / "counts.csv", index=False)
    assert read_count_table(tmp_path / "counts.csv").illustrative


def test_the_pipeline_reads_a_note_column_of_any_listed_name(tmp_path, mirror):
    """``make maps`` marks products and FFA factors whose ``note`` / ``Notes`` column says illustrative."""
    from umkm_geo.pipeline.stages import load_study_area
    from umkm_geo.pipeline.survey_stage import compute_survey

    _sample("contoh_produk_unggulan.csv").rename(columns={"keterangan": "note"}).to_csv(tmp_path / "p.csv", index=False)
    _sample("contoh_faktor_ffa.csv").rename(columns={"keterangan": "Notes"}).to_csv(tmp_path / "f.csv", index=False)
    raw = {
        "study": {"region": BLITAR},
        "data": {"umkm": "umkm.csv"},  # not read: compute_survey alone
        "products": {"table": "p.csv", "rank_by": "output"},
        "ffa": {"factors": "f.csv", "linkage": str(EXAMPLES / "contoh_keterkaitan_ffa.csv")},
    }
    config = config_from_dict(raw, base_dir=tmp_path)
    area = compute_survey(load_study_area(config), config)
    assert set(illustrative_components(area.provenance)) == {"products", "ffa"}
    plain = tmp_path / "plain"
    plain.mkdir()
    _sample("contoh_produk_unggulan.csv").assign(keterangan=PLAIN).to_csv(plain / "p.csv", index=False)
    _sample("contoh_faktor_ffa.csv").assign(keterangan=PLAIN).to_csv(plain / "f.csv", index=False)
    config = config_from_dict(raw, base_dir=plain)
    assert illustrative_components(compute_survey(load_study_area(config), config).provenance) == {}
