"""Print the figures of every benchmark: each ``bench_*.py`` in turn, then the pipeline stage timings.

Run with ``make bench`` (``python benchmarks/run_all.py``). Each section runs in a fresh process of
this interpreter, prints as it goes, and a failing section is reported without stopping the
others (the exit status is 1 if any failed). Figures are printed, never asserted: targets live in
the scripts, not in tests. The national run and the pipeline section read the boundary files
through ``UMKM_GEO_MIRROR`` when it is set.

    python benchmarks/run_all.py [--quick] [--only NAME ...] [--numba-python PATH]

``--quick`` uses smaller sizes where a script supports it (bench_permutation, bench_cli: N = 1k
and 10k); ``--numba-python`` is passed to the scripts that compare esda with numba.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PIPELINE = "pipeline"
# the order of the sections; any other bench_*.py follows in alphabetical order
ORDER = ("bench_permutation", "bench_weights", "bench_spatial_gini", "bench_national", "bench_cli")
# the options each script takes for --quick and --numba-python (the others run as they are)
QUICK = {"bench_permutation": ["--sizes", "1000", "10000"], "bench_cli": ["--quick"]}
TAKES_NUMBA_PYTHON = {"bench_permutation", "bench_cli"}


def _time(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"{label:<55} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def pipeline_timings() -> None:
    """Wall times of the main pipeline stages: parse every kecamatan file, load boundaries, run Blitar."""
    from umkm_geo.config import Config, OutputConfig
    from umkm_geo.pipeline.run import run
    from umkm_geo.sources.boundaries import load_kecamatan
    from umkm_geo.sources.registry import fetch, load_registry
    from umkm_geo.sources.wilayah_sql import parse_wilayah_sql

    reg = load_registry()
    kec_files = sorted(p for p in reg.files if p.startswith("db/kec/"))

    def parse_all() -> int:
        return sum(len(parse_wilayah_sql(fetch(reg, p).path).frame) for p in kec_files)

    n = _time("parse all 38 province kecamatan files", parse_all)
    print(f"{'  kecamatan parsed':<55} {n:8d}")
    _time("load Blitar (35.05,35.72) with desa dissolve", load_kecamatan, "35.05,35.72")
    _time("load Jawa Timur (35) kecamatan polygons", load_kecamatan, "35", topology="kecamatan")
    with tempfile.TemporaryDirectory() as tmp:
        config = dataclasses.replace(Config(), output=OutputConfig(dir=str(Path(tmp))))
        _time("whole Blitar pipeline (run)", run, config)


def sections(*, quick: bool, numba_python: str | None) -> dict[str, list[str]]:
    """Name -> command of each section, in the order they run."""
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    names = [name for name in ORDER if name in names] + [name for name in names if name not in ORDER]
    commands = {}
    for name in names:
        command = [sys.executable, str(HERE / f"{name}.py")]
        if quick:
            command += QUICK.get(name, [])
        if numba_python and name in TAKES_NUMBA_PYTHON:
            command += ["--numba-python", numba_python]
        commands[name] = command
    commands[PIPELINE] = [sys.executable, str(Path(__file__).resolve()), "--pipeline"]
    return commands


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes where a script supports it")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run these sections only (e.g. bench_cli pipeline)")
    parser.add_argument("--numba-python", help="an interpreter with numba, for the esda comparisons")
    parser.add_argument("--pipeline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pipeline:
        pipeline_timings()
        return 0

    commands = sections(quick=args.quick, numba_python=args.numba_python)
    if args.only:
        unknown = sorted(set(args.only) - set(commands))
        if unknown:
            parser.error(f"unknown section(s) {unknown}; the sections are {list(commands)}")
        commands = {name: command for name, command in commands.items() if name in args.only}
    mirror = os.environ.get("UMKM_GEO_MIRROR")
    print(f"python {sys.version.split()[0]} at {sys.executable}; {os.cpu_count()} CPUs; UMKM_GEO_MIRROR={mirror}")
    failed = []
    elapsed = {}
    for name, command in commands.items():
        print(f"\n=== {name}: {' '.join([Path(command[1]).name, *command[2:]])}", flush=True)
        start = time.perf_counter()
        done = subprocess.run(command, check=False)
        elapsed[name] = time.perf_counter() - start
        if done.returncode != 0:
            failed.append(name)
            print(f"=== {name} FAILED (exit status {done.returncode})", flush=True)
    print("\n=== summary")
    for name, seconds in elapsed.items():
        print(f"{name:<24} {seconds:8.1f} s  {'FAILED' if name in failed else 'ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
