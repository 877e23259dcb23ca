"""The output set: staged, installed as a whole, never mixed, never half-written (issue 9, sections 7 and 8).

The swap itself is tested on tiny folders (every crash point of the renames); the real pipeline runs
once into a folder holding an earlier run and the user's own files, with the figures cut to one map
(the full figure set is covered by test_pipeline.py); failures, Ctrl-C and SIGTERM are injected into
later runs through the CLI and must leave that set byte for byte as it was.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import warnings
from pathlib import Path

import pytest

from umkm_geo._errors import OutputError
from umkm_geo.cli import EXIT_BUG, EXIT_DATA, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT, EXIT_TERMINATED, main
from umkm_geo.pipeline.output_set import SET_ENTRIES, staged_output

# --- helpers ---------------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (hidden ones too) -> sha256 of its bytes ("dir" for folders)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        out[key] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def hidden_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".umkm-geo"))


def write_set(folder: Path, files: dict[str, str]) -> None:
    """A set as a run leaves it: the files and a run.json listing them."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    record = {"tool": "umkm_geo", "outputs": [{"path": name} for name in files]}
    (folder / "run.json").write_text(json.dumps(record))


OLD = {
    "maps/a.png": "old a",
    "maps/old_only.png": "old",
    "tables/t.csv": "old t",
    "lapisan/idm_desa/maps/idm.png": "old layer",
    "report.html": "old report",
}
NEW = {"maps/a.png": "new a", "maps/b.png": "new b", "tables/t.csv": "new t", "report.html": "new report"}


def user_files(folder: Path) -> dict[str, str]:
    """Files a user keeps in the output folder, outside the set."""
    (folder / ".gitkeep").write_text("")
    (folder / "notes.txt").write_text("mine")
    (folder / "mine").mkdir(exist_ok=True)
    (folder / "mine" / "data.csv").write_text("a,b\n")
    return {".gitkeep": "", "notes.txt": "mine", "mine/data.csv": "a,b\n"}


def assert_user_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        assert (folder / name).read_text() == text, name


def assert_is_set(folder: Path, files: dict[str, str]) -> None:
    """``folder`` holds exactly the set ``files`` (plus run.json) in maps/, tables/ and report.html."""
    present = {
        p.relative_to(folder).as_posix()
        for e in ("maps", "tables", "lapisan")
        for p in (folder / e).rglob("*")
        if p.is_file()
    }
    present |= {"report.html"} if (folder / "report.html").exists() else set()
    assert present == set(files)
    for name, text in files.items():
        assert (folder / name).read_text() == text
    assert {o["path"] for o in json.loads((folder / "run.json").read_text())["outputs"]} == set(files)


def stage_set(stage, files: dict[str, str]) -> None:
    write_set(stage.path, files)


# --- the swap on tiny folders ------------------------------------------------------------------------


def test_commit_replaces_the_set_as_a_whole_and_keeps_the_users_files(tmp_path):
    out = tmp_path / "outputs"
    out.mkdir()
    mine = user_files(out)
    write_set(out, OLD)
    with staged_output(out) as stage:
        assert stage.path.parent == out and stage.path.name.startswith(".umkm-geo.staging-")
        stage_set(stage, NEW)
        assert_is_set(out, OLD)  # nothing changes before the commit
        stage.commit()
    assert_is_set(out, NEW)
    assert not (out / "maps" / "old_only.png").exists()
    assert_user_files(out, mine)
    assert hidden_leftovers(out) == []


def test_first_run_creates_the_folder(tmp_path):
    out = tmp_path / "a" / "b"
    with staged_output(out) as stage:
        stage_set(stage, NEW)
        stage.commit()
    assert_is_set(out, NEW)


def test_an_error_before_the_commit_leaves_the_previous_set_byte_for_byte(tmp_path):
    out = tmp_path / "outputs"
    out.mkdir()
    user_files(out)
    write_set(out, OLD)
    before = snapshot(out)
    for error in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)), staged_output(out) as stage:
            stage_set(stage, NEW)
            raise error
        assert snapshot(out) == before


def test_unknown_files_where_the_set_goes_stop_the_run_before_any_work(tmp_path):
    out = tmp_path / "outputs"
    out.mkdir()
    write_set(out, OLD)
    (out / "maps" / "my_map.png").write_text("drawn by hand")
    before = snapshot(out)
    with pytest.raises(OutputError, match=r"maps/my_map\.png.*Move them out of") as caught, staged_output(out):
        pytest.fail("the run must not start")
    assert "did not write" in str(caught.value) and "--output" in str(caught.value)
    assert snapshot(out) == before


def test_a_run_json_that_is_not_ours_is_an_unknown_file(tmp_path):
    out = tmp_path / "outputs"
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "t.csv").write_text("x")
    (out / "run.json").write_text('{"somebody": "else"}')
    with pytest.raises(OutputError, match=r"run\.json, tables/t\.csv"), staged_output(out):
        pass


def test_a_file_put_where_the_set_goes_during_the_run_is_not_deleted(tmp_path):
    out = tmp_path / "outputs"
    out.mkdir()
    write_set(out, OLD)
    with pytest.raises(OutputError, match=r"tables/late\.csv"), staged_output(out) as stage:
        stage_set(stage, NEW)
        (out / "tables" / "late.csv").write_text("the user's")
        stage.commit()
    assert (out / "tables" / "late.csv").read_text() == "the user's"
    assert (out / "maps" / "old_only.png").read_text() == "old"
    assert hidden_leftovers(out) == []


def test_a_second_run_into_a_folder_in_use_is_refused(tmp_path):
    fcntl = pytest.importorskip("fcntl")  # POSIX only (the lock is skipped elsewhere)
    out = tmp_path / "outputs"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(OutputError, match="Another umkm-geo run is writing to"), staged_output(out):
            pass
    finally:
        os.close(fd)
    with staged_output(out) as stage:  # the lock went with its holder
        stage_set(stage, NEW)
        stage.commit()
    assert_is_set(out, NEW)


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs in the killed run (the next run must cope)."""


def test_a_run_killed_at_any_point_of_the_swap_leaves_one_whole_set(tmp_path, monkeypatch):
    real = os.rename
    calls = []
    out = tmp_path / "count"
    out.mkdir()
    write_set(out, OLD)
    with staged_output(out) as stage:
        stage_set(stage, NEW)
        monkeypatch.setattr(os, "rename", lambda a, b: (calls.append(a), real(a, b)))
        stage.commit()
        monkeypatch.setattr(os, "rename", real)
    n_renames = len(calls)
    assert n_renames == 1 + 2 * len(SET_ENTRIES)  # staging -> ready, the old entries aside, the new ones in
    for kill_at in range(n_renames):
        out = tmp_path / f"kill{kill_at}"
        out.mkdir()
        mine = user_files(out)
        write_set(out, OLD)
        calls = []

        def rename(a, b, calls=calls, kill_at=kill_at):
            if len(calls) == kill_at:
                raise Killed
            calls.append(a)
            real(a, b)

        monkeypatch.setattr(os, "rename", rename)
        with pytest.raises(Killed), staged_output(out) as stage:
            stage_set(stage, NEW)
            stage.commit()
        monkeypatch.setattr(os, "rename", real)
        # the next run starts: a swap killed after the commit point is finished first
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with staged_output(out) as stage:
                assert hidden_leftovers(out) == [stage.path.name]
                if kill_at == 0:
                    assert_is_set(out, OLD)
                else:
                    assert_is_set(out, NEW)
                    assert any("killed while installing" in str(w.message) for w in caught)
        assert hidden_leftovers(out) == []
        assert_user_files(out, mine)


def test_staging_folders_of_killed_runs_are_removed_at_the_next_start(tmp_path):
    out = tmp_path / "outputs"
    out.mkdir()
    write_set(out, OLD)
    for name in (".umkm-geo.staging-123-1", ".umkm-geo.old-123-1"):
        (out / name / "maps").mkdir(parents=True)
        (out / name / "maps" / "x.png").write_text("left by a killed run")
    with staged_output(out) as stage:
        assert hidden_leftovers(out) == [stage.path.name]
    assert_is_set(out, OLD)
    assert hidden_leftovers(out) == []


@pytest.fixture
def ctrl_c_raises():
    """SIGINT as Python sets it up in a terminal: a process started in the background (``cmd &``) inherits
    SIGINT ignored, and Python then keeps ignoring it, so a Ctrl-C the test sends would do nothing."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_during_the_swap_waits_for_it(tmp_path, monkeypatch, ctrl_c_raises):
    import umkm_geo.pipeline.output_set as outputs

    out = tmp_path / "outputs"
    out.mkdir()
    write_set(out, OLD)
    real = outputs._install

    def install(target, ready, old):
        signal.raise_signal(signal.SIGINT)  # Ctrl-C right in the middle of the renames
        real(target, ready, old)

    monkeypatch.setattr(outputs, "_install", install)
    with pytest.raises(KeyboardInterrupt), staged_output(out) as stage:
        stage_set(stage, NEW)
        stage.commit()
    assert_is_set(out, NEW)  # delivered after the swap: the folder holds the whole new set
    assert hidden_leftovers(out) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# --- the real pipeline ---------------------------------------------------------------------------

LIGHT = """
[data]
umkm = "demo"
[study]
region = "35.05"
[groups]
source = "none"
[statistics]
permutations = 99
gap_permutations = 99
global_statistics = ["moran"]
local_statistics = ["moran"]
[survey]
responses = "none"
[ffa]
factors = "none"
[products]
table = "none"
[covariates]
density_surface = true
cell_size_m = 1000.0
[maps]
formats = ["png", "svg"]
dpi = 50
"""


def _few_figures(monkeypatch) -> None:
    """One static map (and the atlas, report and every table): the set, not the drawing, is tested here."""
    import umkm_geo.render.mapset as maps

    monkeypatch.setattr(maps, "MAPPED", ("umkm_density",))
    monkeypatch.setattr(maps, "FIGURES", (maps._choropleths,))


@pytest.fixture(scope="module")
def earlier(tmp_path_factory, mirror):
    """A folder holding an earlier run's set and the user's files, then one real ``umkm-geo maps`` run into it."""
    root = tmp_path_factory.mktemp("output_set")
    config = root / "light.toml"
    config.write_text(LIGHT + f'[output]\ndir = "{root / "outputs"}"\n')
    out = root / "outputs"
    out.mkdir()
    mine = user_files(out)
    write_set(out, {"maps/from_an_earlier_run.png": "old", "tables/from_an_earlier_run.csv": "old", **OLD})
    with pytest.MonkeyPatch.context() as monkeypatch:
        _few_figures(monkeypatch)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            code = main(["maps", "--config", str(config)])
    assert code == EXIT_OK
    return config, out, mine


@pytest.fixture
def few_figures(monkeypatch):
    _few_figures(monkeypatch)


def test_a_rerun_replaces_the_earlier_set_and_keeps_the_users_files(earlier):
    _, out, mine = earlier
    for stale in ("maps/from_an_earlier_run.png", "tables/from_an_earlier_run.csv", "maps/old_only.png"):
        assert not (out / stale).exists(), stale
    assert_user_files(out, mine)
    assert hidden_leftovers(out) == []
    assert {p.name for p in out.iterdir()} == {*SET_ENTRIES, ".gitkeep", "notes.txt", "mine"}


def test_run_json_lists_exactly_the_files_of_its_set(earlier):
    _, out, _ = earlier
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    listed = {o["path"]: o for o in record["outputs"]}
    on_disk = {p.relative_to(out).as_posix() for e in ("maps", "tables") for p in (out / e).rglob("*")}
    assert set(listed) == on_disk | {"report.html"}
    for path, item in listed.items():
        data = (out / path).read_bytes()
        assert item["bytes"] == len(data) and item["sha256"] == hashlib.sha256(data).hexdigest(), path
    assert {"tables/join_qa.csv", "tables/umkm_counts_demo.csv", "tables/population_demo.csv"} <= set(listed)
    assert {"maps/atlas.html", "maps/umkm_density.png", "maps/umkm_density_surface.tif"} <= set(listed)
    assert (out / "maps" / "umkm_density.svg").read_bytes().startswith(b"<?xml")  # [maps] formats = png, svg
    assert "maps/umkm_density.svg" in listed
    assert record["provenance"]["umkm_table"]["path"] == "tables/umkm_counts_demo.csv"
    assert record["results"]["atlas"]["settings"]["path"] == "maps/atlas.html"


def test_nothing_in_the_set_points_into_the_staging_folder(earlier):
    _, out, _ = earlier
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b".staging" not in data and b".umkm-geo" not in data, path


def test_a_failure_mid_run_leaves_the_set_byte_for_byte(earlier, few_figures, monkeypatch, capsys):
    config, out, _ = earlier
    before = snapshot(out)
    import umkm_geo.pipeline.run as pipeline

    staged = []

    def report_fails(area, config, staging, images, options=None):
        staged.append(sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*.png")))
        raise RuntimeError("report writer broke")

    monkeypatch.setattr(pipeline, "write_report", report_fails)
    assert main(["maps", "--config", str(config)]) == EXIT_BUG
    err = capsys.readouterr().err
    assert staged == [["maps/umkm_density.png"]]  # the new maps and tables were already written when it failed
    assert snapshot(out) == before
    assert (
        "umkm-geo: internal error: RuntimeError: report writer broke (run again with --debug to see the"
        " traceback and report it)" in err
    )
    assert "Traceback" not in err


def test_ctrl_c_mid_run_leaves_the_set_byte_for_byte(earlier, few_figures, monkeypatch, capsys):
    config, out, _ = earlier
    before = snapshot(out)
    import umkm_geo.pipeline.run as pipeline

    real = pipeline.write_tables

    def interrupted(area, staging):
        real(area, staging)
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "write_tables", interrupted)
    assert main(["maps", "--config", str(config)]) == EXIT_INTERRUPTED
    assert snapshot(out) == before
    err = capsys.readouterr().err
    assert "interrupted (Ctrl-C)" in err and "Traceback" not in err


def test_sigterm_mid_run_leaves_the_set_byte_for_byte(earlier, few_figures, monkeypatch, capsys):
    config, out, _ = earlier
    before = snapshot(out)
    import umkm_geo.pipeline.run as pipeline

    real = pipeline.write_tables

    def terminated(area, staging):
        real(area, staging)
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill <pid>` or a scheduler ending the job would

    monkeypatch.setattr(pipeline, "write_tables", terminated)
    previous = signal.getsignal(signal.SIGTERM)
    assert main(["maps", "--config", str(config)]) == EXIT_TERMINATED
    assert signal.getsignal(signal.SIGTERM) is previous  # the CLI's handler lives only as long as the command
    assert snapshot(out) == before
    assert "stopped by SIGTERM" in capsys.readouterr().err


def test_debug_shows_the_traceback(earlier, monkeypatch, capsys):
    config, out, _ = earlier
    before = snapshot(out)
    import umkm_geo.pipeline.run as pipeline

    def broken(area, config):
        raise ZeroDivisionError("weights")

    stages = tuple((name, broken if name == "weights" else stage) for name, stage in pipeline.COMPUTE_STAGES)
    monkeypatch.setattr(pipeline, "COMPUTE_STAGES", stages)
    for argv in (["maps", "--config", str(config), "--debug"], ["--debug", "maps", "--config", str(config)]):
        assert main(argv) == EXIT_BUG
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err and 'in broken\n    raise ZeroDivisionError("weights")' in err
        assert err.rstrip().endswith(
            "umkm-geo: internal error: ZeroDivisionError: weights (run again with --debug"
            " to see the traceback and report it)"
        )
    assert snapshot(out) == before


def test_unknown_files_in_the_set_give_exit_4_and_stay(earlier, capsys):
    config, out, _ = earlier
    mine = out / "tables" / "my_notes.csv"
    mine.write_text("kept")
    try:
        before = snapshot(out)
        assert main(["maps", "--config", str(config)]) == EXIT_OUTPUT
        err = capsys.readouterr().err
        assert "umkm-geo: output error:" in err and "tables/my_notes.csv" in err and "Traceback" not in err
        assert snapshot(out) == before
    finally:
        mine.unlink()


def test_an_unwritable_output_folder_gives_exit_4_and_one_message(earlier, tmp_path, monkeypatch, capsys):
    config, _, _ = earlier
    locked = tmp_path / "read_only"
    locked.mkdir()
    locked.chmod(0o555)
    if os.geteuid() == 0:  # root may write anywhere: refuse as the kernel refuses everyone else
        real = os.mkdir

        def mkdir(path, *args, **kwargs):
            if Path(path).parent == locked:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real(path, *args, **kwargs)

        monkeypatch.setattr(os, "mkdir", mkdir)
    assert main(["maps", "--config", str(config), "--output", str(locked)]) == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert f"umkm-geo: output error: Cannot write to the output folder {locked}: Permission denied" in err
    assert "--output or [output] dir" in err and "Traceback" not in err
    assert list(locked.iterdir()) == []
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    assert main(["maps", "--config", str(config), "--output", str(a_file / "out")]) == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert f"The output folder {a_file / 'out'} cannot be made: Not a directory" in err and "Traceback" not in err


def test_validate_writes_only_the_qa_table(earlier, tmp_path, capsys):
    config, out, _ = earlier
    fresh = tmp_path / "fresh"
    assert main(["validate", "--config", str(config), "--output", str(fresh)]) == EXIT_OK
    assert [p.name for p in fresh.rglob("*")] == ["join_qa.csv"]
    assert f"join QA table: {fresh / 'join_qa.csv'}" in capsys.readouterr().out
    before = snapshot(out)
    assert main(["validate", "--config", str(config)]) == EXIT_OK
    after = snapshot(out)
    assert after.pop("join_qa.csv") and after == before  # the set is untouched; the QA table sits beside it
    assert (out / "join_qa.csv").read_bytes() == (fresh / "join_qa.csv").read_bytes()
    (out / "join_qa.csv").unlink()


def test_a_run_stopped_by_the_join_writes_the_qa_table_beside_the_set(earlier, tmp_path, capsys):
    config, out, _ = earlier
    table = tmp_path / "umkm.csv"
    table.write_text("kecamatan,jumlah_umkm\nWonodadi,5\nAtlantis,7\n")
    bad = tmp_path / "bad.toml"
    bad.write_text(config.read_text().replace('umkm = "demo"', f'umkm = "{table}"'))
    before = snapshot(out)
    assert main(["maps", "--config", str(bad)]) == EXIT_DATA
    err = capsys.readouterr().err
    assert "Atlantis" in err and f"Every issue is listed in {out / 'join_qa.csv'}" in err
    after = snapshot(out)
    assert after.pop("join_qa.csv") and after == before
    qa = (out / "join_qa.csv").read_text()
    assert "Atlantis" in qa and "unmatched" in qa
    (out / "join_qa.csv").unlink()


# --- the command line ------------------------------------------------------------------------------


def test_help_lists_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for code in ("0 ", "1 ", "2 ", "3 ", "4 ", "130", "143"):
        assert f"\n  {code}" in text, code
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    text = capsys.readouterr().out
    assert "--debug" in text and "130" in text


def test_the_cli_warning_format_does_not_outlive_the_command(tmp_path, capsys):
    show, fmt = warnings.showwarning, warnings.formatwarning
    table = tmp_path / "counts.csv"
    table.write_text("kode,jumlah\n35.05.01,100\n")
    main(["survey-plan", str(table), "--output", str(tmp_path / "plan.csv")])
    assert warnings.showwarning is show and warnings.formatwarning is fmt
