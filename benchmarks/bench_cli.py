"""Benchmark: the whole ``umkm-geo local`` process against esda and pygeoda scripts, N = 1k, 10k, 80k.

Target (issue): a fresh process that imports, reads a polygon file, builds queen weights, runs the
local Moran (999 permutations, fixed seed) and writes a CSV takes at most 1.5 s at N = 10,000 and
at most 5 s at N = 80,000, with no compile tax on a cold run.

Inputs are the synthetic tessellations of ``_tessellation.py``, written (untimed) as a GeoPackage
and a GeoParquet with the id as a column into ``benchmarks/.cache/cli/``. Each tool runs in its
own fresh process, reading the same GeoPackage:

* ours: ``umkm-geo local INPUT --column y --id id --output OUT.csv`` (the console script next to
  this interpreter; queen weights and 999 permutations are its defaults), on the GeoPackage, on the
  GeoParquet, and "cold": with ``PYTHONPYCACHEPREFIX`` set to a new empty folder, so that no
  bytecode cache of any module exists (every import compiles its source, as after an install
  without byte-compilation). Our permutation engine is a C extension built at install time;
  nothing is compiled at run time, and the ``engine`` column of the CSV is checked to be
  ``compiled``.
* pygeoda: geopandas + ``pygeoda.queen_weights`` + ``pygeoda.local_moran`` (2 threads).
* esda: geopandas + ``libpysal.graph.Graph.build_contiguity`` + ``esda.Moran_Local``
  (``n_jobs=2``, 1 if that fails, ``keep_simulations=False``). With ``--numba-python PATH`` it
  runs in that interpreter too; esda does not cache its numba kernels, so every fresh process
  compiles them, and the figure includes that, as a user would see it.

Per tool and N: the median, smallest and largest of ``--repeats`` wall times (runs interleaved
across tools), the peak resident memory of the child (``ru_maxrss`` from ``os.wait4``: the largest
single process of its tree), the time as a multiple of ours on the GeoPackage, and the correlation
of the local statistic with ours (the tools scale it differently; r = 1 says the same weights and
values went in). Figures are printed, never asserted.

    python benchmarks/bench_cli.py [--quick] [--sizes N ...] [--repeats 3] [--numba-python PATH]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path

HERE = Path(__file__).resolve().parent
INPUTS = HERE / ".cache" / "cli"
PERMUTATIONS = 999
SEED = 12345
SIZES = (1_000, 10_000, 80_000)
QUICK_SIZES = (1_000, 10_000)
TARGETS_S = {10_000: 1.5, 80_000: 5.0}
GNU_TIME = Path("/usr/bin/time").exists()

# The child scripts write a CSV with the columns id, Ii, p_value, cluster and print one JSON line.
PYGEODA_SCRIPT = """
import json, sys
import geopandas as gpd
import pandas as pd
import pygeoda

source, output, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
frame = gpd.read_file(source)
weights = pygeoda.queen_weights(pygeoda.open(frame[["geometry"]]))
lisa = pygeoda.local_moran(
    weights, frame["y"].astype(float).tolist(), permutations=999, cpu_threads=2, seed=seed
)
short = {"High-High": "HH", "Low-Low": "LL", "Low-High": "LH", "High-Low": "HL", "Not significant": "ns"}
labels = [short.get(label, label) for label in lisa.lisa_labels()]
pd.DataFrame(
    {
        "id": frame["id"],
        "Ii": lisa.lisa_values(),
        "p_value": lisa.lisa_pvalues(),
        "cluster": [labels[c] for c in lisa.lisa_clusters()],
    }
).to_csv(output, index=False)
print(json.dumps({"version": pygeoda.__version__, "threads": 2}))
"""

ESDA_SCRIPT = """
import json, sys, warnings
from importlib import util
import esda
import geopandas as gpd
import pandas as pd
from libpysal.graph import Graph

source, output, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
frame = gpd.read_file(source).set_index("id")
graph = Graph.build_contiguity(frame, rook=False).transform("r")
y = frame["y"].reindex(graph.unique_ids).to_numpy(dtype=float)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        n_jobs = 2
        lisa = esda.Moran_Local(y, graph, permutations=999, n_jobs=n_jobs, seed=seed, keep_simulations=False)
    except Exception:
        n_jobs = 1
        lisa = esda.Moran_Local(y, graph, permutations=999, n_jobs=n_jobs, seed=seed, keep_simulations=False)
quadrant = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
pd.DataFrame(
    {
        "id": graph.unique_ids,
        "Ii": lisa.Is,
        "p_value": lisa.p_sim,
        "cluster": [quadrant[q] if p <= 0.05 else "ns" for q, p in zip(lisa.q, lisa.p_sim)],
    }
).to_csv(output, index=False)
numba = util.find_spec("numba") is not None
print(json.dumps({"version": esda.__version__, "threads": n_jobs, "numba": numba}))
"""


@dataclass(frozen=True)
class Tool:
    """One row of the table: the command and the environment (made afresh for each run) of one run."""

    label: str
    command: Callable[[dict[str, Path], Path], list[str]]
    env: Callable[[], dict[str, str]]
    ours: bool = False
    cold: bool = False
    note: str = ""


@dataclass(frozen=True)
class Run:
    """What one child process took and said."""

    seconds: float
    peak_mib: float
    stdout: str
    error: str | None


def _stale(derived: Path, source: Path) -> bool:
    return not derived.exists() or derived.stat().st_mtime < source.stat().st_mtime


def prepare_inputs(n: int) -> dict[str, str]:
    """Write tessellation ``n`` as GeoPackage and GeoParquet with an ``id`` column (not timed)."""
    sys.path.insert(0, str(HERE))
    from _tessellation import cache_path, tessellation

    frame = tessellation(n).reset_index()
    INPUTS.mkdir(parents=True, exist_ok=True)
    paths = {"gpkg": INPUTS / f"tess_{n}.gpkg", "parquet": INPUTS / f"tess_{n}.parquet"}
    for kind, path in paths.items():
        if not _stale(path, cache_path(n)):
            continue
        # write beside and rename, so that a parallel run never reads half a file
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
        if kind == "gpkg":
            frame.to_file(tmp, driver="GPKG", layer=f"tess_{n}")
        else:
            frame.to_parquet(tmp)
        os.replace(tmp, path)
    return {kind: str(path) for kind, path in paths.items()}


def inputs_for(n: int) -> dict[str, Path]:
    """:func:`prepare_inputs` in a child process, so that this one stays small (see :func:`run_child`)."""
    done = subprocess.run([sys.executable, __file__, "--prepare", str(n)], capture_output=True, text=True, check=True)
    return {kind: Path(path) for kind, path in json.loads(done.stdout).items()}


def run_child(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``command`` in a fresh process: wall time around it and the child's peak RSS.

    The peak comes from GNU time (``/usr/bin/time -f %M``) when present, else from ``os.wait4``.
    A child's ``ru_maxrss`` starts at the RSS of the process it was forked from, so GNU time (a
    tiny process) gives the child's own figure; with ``os.wait4`` the floor is this process's RSS,
    which is why it never imports geopandas.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as rss:
        wrapped = ["/usr/bin/time", "-f", "%M", "-o", rss.name, *command] if GNU_TIME else command
        start = time.perf_counter()
        process = subprocess.Popen(wrapped, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        # GNU time writes KiB (after "Command exited with non-zero status" when it failed)
        lines = Path(rss.name).read_text().split() if GNU_TIME else []
        peak_kib = float(lines[-1]) if lines and lines[-1].isdigit() else usage.ru_maxrss
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    peak_mib = peak_kib / (2**20 if sys.platform == "darwin" and not GNU_TIME else 2**10)
    error = None
    if process.returncode != 0:
        lines = stderr.strip().splitlines()
        error = f"exit {process.returncode}: {lines[-1] if lines else 'no message'}"
    return Run(seconds, peak_mib, stdout, error)


def _read_ii(path: Path) -> dict[str, float]:
    with path.open(newline="") as handle:
        return {row["id"]: float(row["Ii"]) for row in csv.DictReader(handle)}


def _engine(path: Path) -> str:
    with path.open(newline="") as handle:
        return next(csv.DictReader(handle)).get("engine", "?")


def _correlation(ours: dict[str, float], theirs: dict[str, float]) -> float:
    if ours.keys() != theirs.keys():
        return float("nan")
    ids = sorted(ours)
    return statistics.correlation([ours[i] for i in ids], [theirs[i] for i in ids])


def shared_prefix(workdir: Path) -> Path:
    """The bytecode prefix folder of the warm rows and of the "no .pyc of umkm_geo" row."""
    return workdir / "pycache_shared"


def tools(workdir: Path, numba_python: str | None) -> list[Tool]:
    """The rows of the table, ours on the GeoPackage first (the reference of the ratios)."""
    cli = str(Path(sys.executable).parent / "umkm-geo")

    def ours(kind: str) -> Callable[[dict[str, Path], Path], list[str]]:
        def command(inputs: dict[str, Path], output: Path) -> list[str]:
            source = str(inputs[kind])
            return [cli, "local", source, "--column", "y", "--id", "id", "--seed", str(SEED), "--output", str(output)]

        return command

    def script(python: str, text: str) -> Callable[[dict[str, Path], Path], list[str]]:
        def command(inputs: dict[str, Path], output: Path) -> list[str]:
            return [python, "-c", text, str(inputs["gpkg"]), str(output), str(SEED)]

        return command

    # Bytecode goes to prefix folders of ours (mirroring the absolute source paths), never beside
    # the sources, and is written even where PYTHONDONTWRITEBYTECODE is set. Warm rows share one
    # prefix, filled by an untimed run of each row (see main). "no .pyc of umkm_geo" deletes the
    # package's part of it before each run (which writes it again): the first run after an
    # editable install or a code change. "no .pyc at all" starts from an empty prefix: the first
    # run after an install that byte-compiled nothing (pip byte-compiles what it installs).
    shared = shared_prefix(workdir)
    base = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    spec = util.find_spec("umkm_geo")
    package = Path(spec.origin).parent if spec and spec.origin else None

    def warm() -> dict[str, str]:
        return {**base, "PYTHONPYCACHEPREFIX": str(shared)}

    def package_cold() -> dict[str, str]:
        if package is not None:
            shutil.rmtree(shared / package.relative_to(package.anchor), ignore_errors=True)
        return warm()

    def all_cold() -> dict[str, str]:
        return {**base, "PYTHONPYCACHEPREFIX": tempfile.mkdtemp(prefix="pycache_", dir=workdir)}

    rows = [
        Tool("umkm-geo local (gpkg)", ours("gpkg"), warm, ours=True),
        Tool("umkm-geo local (parquet)", ours("parquet"), warm, ours=True),
        Tool("umkm-geo local (gpkg, cold: no .pyc of umkm_geo)", ours("gpkg"), package_cold, ours=True, cold=True),
        Tool(
            "umkm-geo local (gpkg, cold: no .pyc at all)",
            ours("gpkg"),
            all_cold,
            ours=True,
            cold=True,
            note="(compiles the bytecode of every dependency; pip byte-compiles what it installs)",
        ),
        Tool("pygeoda", script(sys.executable, PYGEODA_SCRIPT), warm),
        Tool("esda", script(sys.executable, ESDA_SCRIPT), warm),
    ]
    if numba_python:
        rows.append(Tool("esda (--numba-python)", script(numba_python, ESDA_SCRIPT), warm))
    return rows


def _describe(tool: Tool, info: dict) -> str:
    if "numba" in info:
        numba = "numba, compiles in every process" if info["numba"] else "no numba"
        return f"esda {info['version']} ({numba}, n_jobs={info['threads']})"
    if "version" in info:
        return f"{tool.label} {info['version']} ({info['threads']} threads)"
    return tool.label


def measure(inputs: dict[str, Path], rows: list[Tool], repeats: int, workdir: Path) -> list[dict]:
    """Run every tool ``repeats`` times on ``inputs``, interleaved; one summary per tool."""
    runs: list[list[Run]] = [[] for _ in rows]
    outputs = [workdir / f"out_{i}.csv" for i in range(len(rows))]
    for _ in range(repeats):
        for i, tool in enumerate(rows):
            runs[i].append(run_child(tool.command(inputs, outputs[i]), tool.env()))
    reference = _read_ii(outputs[0]) if all(r.error is None for r in runs[0]) else None
    summaries = []
    for tool, tool_runs, output in zip(rows, runs, outputs, strict=True):
        errors = [r.error for r in tool_runs if r.error]
        if errors:
            summaries.append({"label": tool.label, "error": errors[0]})
            continue
        lines = tool_runs[-1].stdout.strip().splitlines()
        info = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
        times = [r.seconds for r in tool_runs]
        summaries.append(
            {
                "label": _describe(tool, info),
                "median": statistics.median(times),
                "min": min(times),
                "max": max(times),
                "peak": max(r.peak_mib for r in tool_runs),
                "r": _correlation(reference, _read_ii(output)) if reference else float("nan"),
                "engine": _engine(output) if tool.ours else None,
                "ours": tool.ours,
                "note": tool.note,
            }
        )
    return summaries


def _target(n: int, seconds: float) -> str:
    limit = TARGETS_S.get(n)
    if limit is None:
        return ""
    return f"<= {limit:g} s: {'met' if seconds <= limit else 'MISSED'}"


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", help=f"numbers of polygons (default {SIZES})")
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES} only")
    parser.add_argument("--repeats", type=int, default=3, help="runs per tool and size (default 3)")
    parser.add_argument("--numba-python", help="an interpreter with numba and esda, to time esda's compiled path too")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare_inputs(args.prepare)))
        return
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    cli = Path(sys.executable).parent / "umkm-geo"
    if not cli.exists():
        sys.exit(f"bench_cli: no console script {cli}; install umkm_geo into this interpreter's environment")

    print(
        f"whole process: import, read polygons, queen weights, local Moran ({PERMUTATIONS} permutations, "
        f"seed {SEED}), write CSV; {args.repeats} runs per row, interleaved across rows"
    )
    print(f"CPUs: {os.cpu_count()} ({len(os.sched_getaffinity(0))} available); load average at start: {_loadavg()}")
    print(
        f"umkm_geo {metadata.version('umkm_geo')} via {cli}; x ours = median / median of ours (gpkg); "
        f"RSS = peak of the child ({'GNU time' if GNU_TIME else 'os.wait4'}); r(Ii) = correlation with ours"
    )
    print(
        "bytecode: warm rows share a PYTHONPYCACHEPREFIX folder filled by an untimed run of each row; cold rows "
        "run without umkm_geo's bytecode, or without any bytecode (an empty folder)"
    )
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        print("PYTHONDONTWRITEBYTECODE is set here; the children run without it, with the bytecode folders above")
    width = 56
    header = (
        f"{'N':>7} {'tool':<{width}} {'median s':>8} {'min s':>6} {'max s':>6} {'RSS MiB':>7} "
        f"{'x ours':>6} {'r(Ii)':>7}  target"
    )
    print(header)
    print("-" * len(header), flush=True)
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="bench_cli_") as tmp:
        workdir = Path(tmp)
        rows = tools(workdir, args.numba_python)
        for n in sizes:
            inputs = inputs_for(n)
            if n == sizes[0]:  # fill the shared bytecode prefix (untimed)
                for tool in rows:
                    if not tool.cold:
                        run_child(tool.command(inputs, workdir / "warm_up.csv"), tool.env())
            summaries = measure(inputs, rows, args.repeats, workdir)
            reference = summaries[0].get("median")
            for s in summaries:
                if "error" in s:
                    print(f"{n:>7} {s['label']:<{width}} {s['error']}", flush=True)
                    continue
                ratio = f"{s['median'] / reference:6.2f}" if reference else f"{'-':>6}"
                target = _target(n, s["median"]) if s["ours"] else ""
                if target:
                    verdicts.append(f"{s['label']}, N = {n}: {s['median']:.2f} s, {target} {s['note']}".rstrip())
                if s["engine"] not in (None, "compiled"):
                    target += f" (engine: {s['engine']}, not the compiled one)"
                print(
                    f"{n:>7} {s['label']:<{width}} {s['median']:8.2f} {s['min']:6.2f} {s['max']:6.2f} "
                    f"{s['peak']:7.0f} {ratio} {s['r']:7.4f}  {target}",
                    flush=True,
                )
    print(f"load average at end: {_loadavg()}")
    for verdict in verdicts:
        print(verdict)


if __name__ == "__main__":
    main()
