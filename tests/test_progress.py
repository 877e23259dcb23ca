"""The progress bar of long stages: ticks reach the command line's bar only, and only on a terminal."""

from __future__ import annotations

import io

from umkm_geo._progress import reporting, tick
from umkm_geo.cli import _Bar, _print_stage


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_ticks_go_to_the_reporter_only_inside_the_block():
    seen = []
    tick("maps", 1)  # no reporter: nothing happens
    with reporting(lambda *args: seen.append(args)):
        tick("boundaries", 3, 515)
        tick("maps", 7)
    tick("maps", 8)
    assert seen == [("boundaries", 3, 515), ("maps", 7, None)]


def test_the_bar_draws_on_a_terminal_and_is_cleared_by_the_stage_line(monkeypatch, capsys):
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    bar = _Bar()
    bar("boundaries", 129, 515)
    drawn = terminal.getvalue()
    assert drawn.startswith("\r\033[K") and "[######" + "." * 18 + "] 129/515" in drawn  # 24 * 129/515 = 6
    bar("maps", 12, None)
    assert terminal.getvalue().endswith(" s") and "maps" in terminal.getvalue() and "12 ..." in terminal.getvalue()
    _print_stage("maps", 3.25)
    assert terminal.getvalue().endswith("\r\033[K")  # the bar's line is cleared before the stage's line
    assert "umkm-geo: maps" in capsys.readouterr().out


def test_the_bar_is_silent_in_a_log(monkeypatch):
    log = io.StringIO()  # not a terminal
    monkeypatch.setattr("sys.stderr", log)
    _Bar()("boundaries", 1, 2)
    assert log.getvalue() == ""


def test_the_desa_loader_ticks_once_per_boundary_file(mirror):
    from umkm_geo.sources.units import load_units

    seen = []
    with reporting(lambda *args: seen.append(args)):
        units = load_units("35.05", "desa", mirror=mirror)
    files = [s for s in seen if s[0] == "boundaries"]
    assert files and [s[1] for s in files] == list(range(1, len(files) + 1))
    assert {s[2] for s in files} == {len(files)} == {len(units.files)}
