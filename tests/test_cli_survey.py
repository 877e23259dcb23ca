"""The survey, FFA and produk unggulan commands on files, as a user with their own tables runs them."""

import numpy as np
import pandas as pd
import pytest

from umkm_geo.cli import EXIT_DATA, EXIT_OK, main
from umkm_geo.tables.demo.survey import DEMO_MPE_WEIGHTS, demo_ffa_factors, demo_products, demo_responses

BLITAR = "35.05,35.72"


@pytest.fixture(scope="module")
def files(tmp_path_factory, blitar):
    folder = tmp_path_factory.mktemp("survey_cli")
    frame = blitar.frame
    counts = pd.DataFrame({"kode": frame.index, "jumlah": np.arange(100, 100 + 40 * len(frame), 40)})
    counts.to_csv(folder / "counts.csv", index=False)
    plan = pd.Series(6, index=frame.index)
    demo_responses(plan, frame, seed=3).to_csv(folder / "answers.csv", index=False)
    factors, linkage = demo_ffa_factors(seed=3)
    factors.to_csv(folder / "factors.csv", index=False)
    linkage.to_csv(folder / "linkage.csv")
    demo_products(frame, seed=3).to_csv(folder / "products.csv", index=False)
    return folder, frame


def test_survey_plan_command_writes_a_fieldwork_table(files):
    folder, _ = files
    out = folder / "plan.csv"
    assert main(["survey-plan", str(folder / "counts.csv"), "--margin", "0.1", "--output", str(out)]) == EXIT_OK
    table = pd.read_csv(out)
    assert "Target responden" in table.columns
    body = table[table["Kecamatan"].notna() & (table["Kecamatan"] != "Jumlah total")]
    assert (body["Target responden"] >= 5).all()


def test_survey_score_command_scores_every_kecamatan(files):
    folder, frame = files
    out = folder / "scores.csv"
    argv = ["survey-score", str(folder / "answers.csv"), "--region", BLITAR, "--counts", str(folder / "counts.csv")]
    assert main([*argv, "--bootstrap", "99", "--output", str(out)]) == EXIT_OK
    scores = pd.read_csv(out, dtype={"kode": str})
    assert set(scores["kode"]) == set(frame.index)
    np.testing.assert_allclose(scores["gap"], scores["kebutuhan"] - scores["akses"], atol=1e-12)
    assert (folder / "scores_reliability.csv").is_file() and (folder / "scores_issues.csv").is_file()


def test_survey_score_command_names_a_bad_answer(files, capsys):
    folder, _ = files
    answers = pd.read_csv(folder / "answers.csv")
    answers.loc[2, "modal_akses_1"] = 7
    answers.to_csv(folder / "bad.csv", index=False)
    argv = ["survey-score", str(folder / "bad.csv"), "--region", BLITAR, "--output", str(folder / "x.csv")]
    assert main(argv) == EXIT_DATA
    err = capsys.readouterr().err
    assert "modal_akses_1" in err and answers.loc[2, "responden"] in err


def test_ffa_command_writes_the_ranked_strategies_and_the_diagram(files):
    folder, _ = files
    out = folder / "ffa.csv"
    argv = ["ffa", str(folder / "factors.csv"), "--linkage", str(folder / "linkage.csv"), "--output", str(out)]
    assert main(argv) == EXIT_OK
    table = pd.read_csv(out)
    assert list(table["peringkat"]) == sorted(table["peringkat"])
    assert table["FKK"].sum() >= 2
    assert (folder / "ffa.png").stat().st_size > 10_000


def test_produk_command_ranks_by_mpe(files):
    folder, frame = files
    weights = ",".join(f"{k}={v}" for k, v in DEMO_MPE_WEIGHTS.items())
    out = folder / "produk.csv"
    argv = ["produk", str(folder / "products.csv"), "--region", BLITAR, "--weights", weights, "--output", str(out)]
    assert main(argv) == EXIT_OK
    leading = pd.read_csv(out, dtype={"kode": str}).set_index("kode")
    assert set(leading.index) == set(frame.index)
    mpe = pd.read_csv(folder / "produk_mpe.csv", dtype={"kode": str})
    # a product listed in several desa counts with its mean total value; the leader has the highest
    best = mpe.groupby(["kode", "produk"])["nilai_total"].mean().groupby(level="kode").max()
    np.testing.assert_allclose(leading.loc[best.index, "skor"], best, rtol=1e-12)


def test_a_missing_or_unreadable_table_is_named(tmp_path, capsys):
    missing = tmp_path / "counts.csv"
    assert main(["survey-plan", str(missing), "--output", str(tmp_path / "plan.csv")]) == EXIT_DATA
    err = capsys.readouterr().err
    assert f"{missing} does not exist" in err and "Traceback" not in err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["survey-plan", str(empty), "--output", str(tmp_path / "plan.csv")]) == EXIT_DATA
    assert f"{empty}: the file is empty (0 bytes); save the table again" in capsys.readouterr().err
    assert not (tmp_path / "plan.csv").exists()
