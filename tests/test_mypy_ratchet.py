"""scripts/mypy_ratchet.py: fails above the recorded mypy error count, says when it can be lowered (issue 10).

mypy itself is not run here (``make lint`` runs it); its output is replaced by fixed texts.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "mypy_ratchet.py"


@pytest.fixture
def ratchet(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("mypy_ratchet", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    baseline = tmp_path / "mypy_baseline.txt"
    baseline.write_text("# allowed mypy errors\n3\n", encoding="utf-8")
    monkeypatch.setattr(module, "BASELINE", baseline)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    return module


def _output(n: int) -> str:
    lines = [f"src/umkm_geo/m.py:{i + 1}: error: Incompatible types  [assignment]" for i in range(n)]
    lines.append("src/umkm_geo/m.py:1: note: See https://mypy.readthedocs.io")
    lines.append(f"Found {n} errors in 1 file (checked 82 source files)" if n else "Success: no issues found")
    return "\n".join(lines) + "\n"


def test_errors_are_counted_and_notes_are_not(ratchet):
    assert ratchet.count_errors(_output(5)) == 5
    assert ratchet.count_errors(_output(0)) == 0
    assert ratchet.count_errors("a.py:3:7: error: x  [misc]\na.py:4: note: y\n") == 1


@pytest.mark.parametrize(("errors", "code"), [(4, 1), (3, 0), (2, 0), (0, 0)])
def test_more_errors_than_the_baseline_fail(ratchet, monkeypatch, capsys, errors, code):
    monkeypatch.setattr(ratchet, "run_mypy", lambda: (1 if errors else 0, _output(errors)))
    assert ratchet.main([]) == code
    out = capsys.readouterr()
    assert f"{errors} error(s) now, baseline 3" in out.out
    if errors > 3:
        assert "FAILED: 1 error(s) more than the baseline" in out.err
        assert "m.py:4: error" in out.out  # the errors are listed
    if errors < 3:
        assert f"lower it to {errors}" in out.out
    assert ratchet.read_baseline() == 3  # checking never changes the baseline


def test_update_lowers_the_baseline_but_never_raises_it(ratchet, monkeypatch):
    monkeypatch.setattr(ratchet, "run_mypy", lambda: (1, _output(2)))
    assert ratchet.main(["--update"]) == 0
    assert ratchet.read_baseline() == 2
    assert ratchet.BASELINE.read_text(encoding="utf-8") == "# allowed mypy errors\n2\n"
    monkeypatch.setattr(ratchet, "run_mypy", lambda: (1, _output(4)))
    assert ratchet.main(["--update"]) == 1
    assert ratchet.read_baseline() == 2


@pytest.mark.parametrize(
    ("code", "output"),
    [(2, "pyproject.toml: [mypy]: unknown option\n"), (1, "Traceback (most recent call last):\n  ...\n")],
)
def test_mypy_that_does_not_run_to_the_end_is_not_a_pass(ratchet, monkeypatch, capsys, code, output):
    monkeypatch.setattr(ratchet, "run_mypy", lambda: (code, output))
    assert ratchet.main([]) == 2
    assert "mypy did not run to the end" in capsys.readouterr().err


def test_an_unknown_argument_is_refused(ratchet, capsys):
    assert ratchet.main(["--raise"]) == 2
    assert "unknown argument(s) --raise" in capsys.readouterr().err


def test_a_baseline_file_without_a_number_is_refused(ratchet):
    ratchet.BASELINE.write_text("# nothing here\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="holds no error count"):
        ratchet.read_baseline()


def test_the_recorded_baseline_is_a_count():
    text = (SCRIPT.parent / "mypy_baseline.txt").read_text(encoding="utf-8")
    counts = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert len(counts) == 1
    assert int(counts[0]) >= 0
