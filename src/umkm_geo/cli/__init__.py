"""The ``umkm-geo`` command: ``maps``, ``template``, ``validate`` and the statistics commands.

The statistics commands (``local``, ``global``, ``inequality``, ``regional``, ``zonal``,
``density``) live in :mod:`umkm_geo.cli.stats`, the survey, FFA and produk commands in
:mod:`umkm_geo.cli.survey`.

Every failure prints one message naming the file, row, column or setting and what to do, and exits
with a documented code (:data:`EXIT_CODES`, also in ``--help`` and the README); a Python traceback is
printed only with ``--debug`` (accepted by every command)::

    0    success
    1    internal error: a bug (run again with --debug and report the traceback)
    2    bad command line, configuration file or setting (ConfigError, argparse)
    3    bad input data (other UmkmGeoError subclasses; a missing input file)
    4    the output cannot be written (OutputError; any other OSError, with the path)
    130  interrupted by Ctrl-C (SIGINT)
    143  stopped by SIGTERM (raised as :class:`Terminated`, a KeyboardInterrupt, so clean-up runs)

In cases 1-4, 130 and 143 a ``maps`` run leaves the previous output set as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

from umkm_geo import _atomic
from umkm_geo._errors import ConfigError, OutputError, UmkmGeoError
from umkm_geo._progress import reporting
from umkm_geo.cli.stats import COMMANDS as STATS_COMMANDS
from umkm_geo.cli.stats import add_parsers as add_stats_parsers
from umkm_geo.cli.survey import COMMANDS as SURVEY_COMMANDS
from umkm_geo.cli.survey import add_parsers as add_survey_parsers
from umkm_geo.config import Config, at_level, load_config

EXIT_OK, EXIT_BUG, EXIT_CONFIG, EXIT_DATA, EXIT_OUTPUT = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM

#: Exit codes of every ``umkm-geo`` command (also in ``--help`` and the README).
EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_BUG: "internal error (a bug: run again with --debug and report the traceback)",
    EXIT_CONFIG: "bad command line, configuration file or setting",
    EXIT_DATA: "bad input data (the message names the file, row, column or feature and what to do)",
    EXIT_OUTPUT: "the output cannot be written (folder not writable, in use by another run, or holding files"
    " umkm-geo did not write); previous outputs are untouched",
    EXIT_INTERRUPTED: "interrupted by Ctrl-C (SIGINT); previous outputs are untouched",
    EXIT_TERMINATED: "stopped by SIGTERM; previous outputs are untouched",
}

_EPILOG = "exit codes:\n" + "\n".join(f"  {code:<4} {text}" for code, text in EXIT_CODES.items())


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every ``finally`` (staging clean-up) runs."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="umkm-geo",
        description="Maps of UMKM across Indonesian kecamatan: boundaries, joins, statistics, maps.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="print the Python traceback of any error")
    sub = parser.add_subparsers(dest="command", required=True)
    maps = sub.add_parser(
        "maps", help="run the whole pipeline and replace the output set (maps, tables, report, run.json)"
    )
    maps.add_argument("--config", help="TOML config file (default: the Blitar demo case)")
    maps.add_argument("--region", help="override [study] region, e.g. 35.05,35.72")
    maps.add_argument(
        "--level",
        choices=("desa", "kecamatan", "kabupaten"),
        help="override [study] level, the unit of analysis (desa: IDM 2024 per desa when there is no desa UMKM table)",
    )
    maps.add_argument("--output", help="override [output] dir")
    validate = sub.add_parser(
        "validate",
        help="check the boundaries, the table and the join; write nothing but <output>/join_qa.csv",
    )
    validate.add_argument("--config", help="TOML config file")
    validate.add_argument("--region", help="override [study] region")
    validate.add_argument("--output", help="override [output] dir")
    template = sub.add_parser("template", help="a ready-to-fill CSV with one row per kecamatan of a region")
    template.add_argument("--region", required=True, help="region codes, e.g. 35.05,35.72 or 35")
    template.add_argument("--output", help="write the CSV to this file instead of printing it")
    template.add_argument("--years", default="", help="comma-separated years to give one row each, e.g. 2019,2020")
    add_stats_parsers(sub)
    add_survey_parsers(sub)
    for command in sub.choices.values():
        command.epilog = _EPILOG
        command.formatter_class = argparse.RawDescriptionHelpFormatter
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="print the Python traceback of any error"
        )
    return parser


def _config(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    if args.region:
        config = dataclasses.replace(config, study=dataclasses.replace(config.study, region=args.region))
    level = getattr(args, "level", None)
    if level:
        config, changes = at_level(config, level)
        for line in changes:
            print(f"umkm-geo: --level {level}: {line}")
    if args.output:
        config = dataclasses.replace(
            config, output=dataclasses.replace(config.output, dir=str(Path(args.output).resolve()))
        )
    return config


def _cmd_maps(args: argparse.Namespace) -> int:
    from umkm_geo.pipeline.run import run
    from umkm_geo.pipeline.summary import summary_lines

    start = time.perf_counter()
    warned: list[str] = []
    with _counting_warnings(warned), reporting(_Bar()):
        area = run(_config(args), progress=_print_stage)
    out = area.results.outputs
    folder = Path(out[0]).parent.parent if out else Path(".")
    report = next((p for p in out if Path(p).name == "report.html"), None)
    print(
        f"umkm-geo: {len(area)} {area.level}, {len(out)} files written to {folder} in"
        f" {time.perf_counter() - start:.1f} s (run.json lists every one)"
    )
    for line in summary_lines(area):
        print(f"  {line}")
    if warned:
        print(f"  {len(warned)} warning(s) above; they are also in tables/skipped.csv and run.json where they apply")
    from umkm_geo._provenance import notice_lines

    for line in notice_lines(area.provenance):  # one line per illustrative input
        print(line)
    if report is not None:
        print(f"umkm-geo: open the report: {report}")
    return EXIT_OK


def _print_stage(name: str, seconds: float) -> None:
    """One line per stage as the run goes (after clearing the progress bar's line, on a terminal)."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    print(f"umkm-geo: {name:<16} {seconds:6.1f} s", flush=True)


class _Bar:
    """The progress bar of a long stage, redrawn in place on a terminal (silent in logs and pipes)."""

    WIDTH = 24

    def __init__(self) -> None:
        self.start: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not sys.stderr.isatty():
            return
        elapsed = time.perf_counter() - self.start.setdefault(stage, time.perf_counter())
        if total:
            filled = round(self.WIDTH * min(done, total) / total)
            bar = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}"
        else:
            bar = f"{done} ..."
        sys.stderr.write(f"\r\033[Kumkm-geo: {stage:<16} {bar} {elapsed:5.0f} s")
        sys.stderr.flush()


@contextlib.contextmanager
def _counting_warnings(seen: list[str]) -> Iterator[None]:
    """Count the warnings shown during the run (each is still printed as it comes)."""
    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        seen.append(str(message))
        shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = shown


def _cmd_validate(args: argparse.Namespace) -> int:
    from umkm_geo.pipeline.output_set import write_join_qa
    from umkm_geo.pipeline.run import join_qa_on_error
    from umkm_geo.pipeline.stages import load_counts, load_study_area

    config = _config(args)
    out_dir = config.output_dir()
    area = load_study_area(config)
    with join_qa_on_error(out_dir):
        area = load_counts(area, config)
    path = write_join_qa(area.results.tables["join_qa"], out_dir)
    if area.results.join_report is not None:
        print(area.results.join_report.summary())
    print(f"topology: {area.provenance['topology']['reason']}")
    print(f"join QA table: {path}")
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from umkm_geo.tables.template import template_table

    years = [int(y) for y in args.years.split(",") if y.strip()] if args.years else []
    table = template_table(args.region, years=years)
    text = table.to_csv(index=False)
    if args.output:
        _atomic.write_text(args.output, text)
        print(
            f"umkm-geo: wrote {args.output} ({len(table)} rows). Fill the jumlah_umkm column, then run"
            f' `make maps CONFIG=your.toml` with [data] umkm = "{args.output}".',
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _stats_command(name: str, commands: dict):
    def run(args: argparse.Namespace) -> int:
        start = time.perf_counter()
        path = commands[name](args)
        print(f"umkm-geo {name}: wrote {path} in {time.perf_counter() - start:.2f} s", file=sys.stderr)
        return EXIT_OK

    return run


COMMANDS = {
    "maps": _cmd_maps,
    "validate": _cmd_validate,
    "template": _cmd_template,
    **{name: _stats_command(name, STATS_COMMANDS) for name in STATS_COMMANDS},
    **{name: _stats_command(name, SURVEY_COMMANDS) for name in SURVEY_COMMANDS},
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``umkm-geo`` command; returns the exit code (see :data:`EXIT_CODES`)."""
    args = _parser().parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    with _user_warnings(), _sigterm_interrupts():
        try:
            return COMMANDS[args.command](args)
        except BaseException as exc:
            if isinstance(exc, SystemExit):
                raise
            if debug:
                traceback.print_exc()
            code, message = _failure(exc)
            print(f"umkm-geo: {message}", file=sys.stderr)
            return code


def _failure(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one-line (or one-paragraph) message of a failure."""
    if isinstance(exc, Terminated):
        return EXIT_TERMINATED, "stopped by SIGTERM; no output was half-written and previous outputs are in place."
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted (Ctrl-C); no output was half-written and previous outputs are in place."
    if isinstance(exc, ConfigError):
        return EXIT_CONFIG, f"configuration error: {exc}"
    if isinstance(exc, OutputError):
        return EXIT_OUTPUT, f"output error: {exc}"
    if isinstance(exc, UmkmGeoError):
        return EXIT_DATA, f"error: {exc}"
    if isinstance(exc, FileNotFoundError):  # writers create their folders: a missing file is an input
        return EXIT_DATA, f"error: {exc.filename or exc} does not exist; check the path."
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return EXIT_OUTPUT, f"cannot read or write{where}: {exc.strerror or exc}. Check the path and its permissions."
    return (
        EXIT_BUG,
        f"internal error: {type(exc).__name__}: {exc} (run again with --debug to see the traceback and report it)",
    )


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"umkm-geo: warning: {message}", file=sys.stderr)


@contextlib.contextmanager
def _user_warnings() -> Iterator[None]:
    """Warnings as one ``umkm-geo: warning:`` line each, for the duration of the command only."""
    with warnings.catch_warnings():  # restores the filters and warnings.showwarning on exit
        warnings.simplefilter("default")
        warnings.showwarning = _show_warning
        yield


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` while the command runs, so that clean-up runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
