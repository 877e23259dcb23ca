"""The ``umkm-geo`` command: ``maps``, ``template``, ``validate`` and the statistics commands.

The statistics commands (``local``, ``global``, ``inequality``, ``regional``, ``zonal``,
``density``) live in :mod:`umkm_geo.cli_stats`.

Exit codes: 0 success, 1 unexpected internal error (a bug: please report it with the traceback),
2 bad command line or configuration, 3 bad input data (the message says which file, row or feature
and what to do).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from umkm_geo import _atomic
from umkm_geo._errors import ConfigError, UmkmGeoError
from umkm_geo.cli_stats import COMMANDS as STATS_COMMANDS
from umkm_geo.cli_stats import add_parsers as add_stats_parsers
from umkm_geo.cli_survey import COMMANDS as SURVEY_COMMANDS
from umkm_geo.cli_survey import add_parsers as add_survey_parsers
from umkm_geo.config import Config, load_config

EXIT_OK, EXIT_BUG, EXIT_CONFIG, EXIT_DATA = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="umkm-geo",
        description="Maps of UMKM across Indonesian kecamatan: boundaries, joins, statistics, maps.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    maps = sub.add_parser("maps", help="run the whole pipeline and write maps, tables and run.json")
    maps.add_argument("--config", help="TOML config file (default: the Blitar demo case)")
    maps.add_argument("--region", help="override [study] region, e.g. 35.05,35.72")
    maps.add_argument("--output", help="override [output] dir")
    validate = sub.add_parser(
        "validate",
        help="check the boundaries, the table and the join; write nothing but the QA table",
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
    return parser


def _config(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    if args.region:
        config = dataclasses.replace(config, study=dataclasses.replace(config.study, region=args.region))
    if args.output:
        config = dataclasses.replace(
            config, output=dataclasses.replace(config.output, dir=str(Path(args.output).resolve()))
        )
    return config


def _cmd_maps(args: argparse.Namespace) -> int:
    from umkm_geo.pipeline import run

    start = time.perf_counter()
    area = run(_config(args))
    out = area.results["outputs"]
    print(f"umkm-geo: {len(area)} kecamatan, {len(out)} files written in {time.perf_counter() - start:.1f} s:")
    for path in out:
        print(f"  {path}")
    if area.provenance.get("illustrative"):
        print("NOTE: Data ilustrasi / illustrative data — not official statistics.")
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from umkm_geo.pipeline import load_counts, load_study_area

    config = _config(args)
    area = load_study_area(config)
    area = load_counts(area, config, config.output_dir())
    print(area.results["join_report"].summary())
    print(f"topology: {area.provenance['topology']['reason']}")
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from umkm_geo.template import template_table

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
    """Entry point of the ``umkm-geo`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.formatwarning = lambda message, category, *_a, **_k: f"umkm-geo: warning: {message}\n"
        try:
            return COMMANDS[args.command](args)
        except ConfigError as exc:
            print(f"umkm-geo: configuration error: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        except UmkmGeoError as exc:
            print(f"umkm-geo: error: {exc}", file=sys.stderr)
            return EXIT_DATA


if __name__ == "__main__":
    sys.exit(main())
