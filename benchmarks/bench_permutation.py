"""Benchmark: local Moran with 999 conditional permutations, umkm_geo vs esda vs pygeoda.

Every measurement runs in a fresh subprocess that loads a synthetic tessellation (see
``_tessellation.py``), builds queen contiguity (row-standardised), then runs the local Moran
``--repeats`` times (999 permutations each). Printed per row: the first call ("cold": for esda
with numba this includes compilation), the median wall time of the repeats ("warm"), the peak
resident memory of the subprocess and how much it grew during the runs, and the time as a
multiple of pygeoda's with 2 threads.

    python benchmarks/bench_permutation.py                       # N = 1k, 10k, 80k
    python benchmarks/bench_permutation.py --sizes 1000 --numba-python /path/to/venv/bin/python

esda is run with ``keep_simulations=False`` (with True it also stores the n x 999 simulations,
8 * n * 999 bytes) and ``n_jobs=1``. ``--numba-python`` names an interpreter with numba installed
to measure esda's compiled path too. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from importlib import util
from pathlib import Path

HERE = Path(__file__).resolve().parent
PERMUTATIONS = 999
SEED = 12345


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _setup(n: int):
    sys.path.insert(0, str(HERE))
    from _tessellation import tessellation
    from libpysal.graph import Graph

    frame = tessellation(n)
    graph = Graph.build_contiguity(frame, rook=False).transform("r")
    return frame, graph


def _ours(frame, graph, threads: int):
    import numpy as np

    from umkm_geo.stats.permutation import conditional_permutation, csr_arrays

    indptr, indices, weights = csr_arrays(graph)
    y = frame["y"].reindex(graph.unique_ids).to_numpy(dtype=float)

    def call():
        n = len(y)
        z = (y - y.mean()) / y.std()
        lag = np.bincount(np.repeat(np.arange(n), np.diff(indptr)), weights=weights * z[indices], minlength=n)
        den = z @ z
        counts = conditional_permutation(
            indptr,
            weights,
            (n - 1) * z * lag / den,
            z,
            (n - 1) * z / den,
            permutations=PERMUTATIONS,
            seed=SEED,
            n_threads=threads,
        )
        return counts.p_two_sided()

    from umkm_geo.stats import permutation

    return call, {"engine": "compiled" if permutation.COMPILED_ENGINE_AVAILABLE else "numpy"}


def _esda(frame, graph, threads: int):
    import warnings

    import esda

    y = frame["y"].reindex(graph.unique_ids).to_numpy(dtype=float)

    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lisa = esda.Moran_Local(
                y, graph, permutations=PERMUTATIONS, seed=SEED, keep_simulations=False, n_jobs=threads
            )
        return lisa.p_sim

    return call, {"numba": util.find_spec("numba") is not None, "esda": esda.__version__}


def _pygeoda(frame, graph, threads: int):
    import pygeoda

    geoda = pygeoda.open(frame.reset_index(drop=True)[["geometry"]])
    weight = pygeoda.queen_weights(geoda)
    values = [float(v) for v in frame["y"]]

    def call():
        lisa = pygeoda.local_moran(
            weight, values, permutations=PERMUTATIONS, significance_cutoff=0.05, cpu_threads=threads, seed=SEED
        )
        return lisa.lisa_pvalues()

    return call, {}


METHODS = {"umkm_geo": _ours, "esda": _esda, "pygeoda": _pygeoda}


def child(method: str, n: int, threads: int, repeats: int) -> None:
    """Measure one method in this (fresh) process and print a JSON line."""
    frame, graph = _setup(n)
    call, info = METHODS[method](frame, graph, threads)
    setup_peak = _peak_rss_mib()
    times = []
    for _ in range(repeats + 1):  # the first call is the cold one
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "cold": times[0],
                "warm": statistics.median(times[1:]),
                "peak": _peak_rss_mib(),
                "grew": _peak_rss_mib() - setup_peak,
                **info,
            }
        )
    )


def measure(python: str, method: str, n: int, threads: int, repeats: int) -> dict:
    command = [python, __file__, "--child", method, str(n), "--threads", str(threads), "--repeats", str(repeats)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 80_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--numba-python", help="an interpreter with numba, to time esda's compiled path too")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.threads, args.repeats)
        return

    runs = [("umkm_geo", 1, sys.executable, ""), ("umkm_geo", 2, sys.executable, "")]
    runs.append(("esda", 1, sys.executable, "numba" if util.find_spec("numba") else "no numba"))
    if args.numba_python:
        runs.append(("esda", 1, args.numba_python, "numba"))
    runs.append(("pygeoda", 2, sys.executable, ""))
    print(
        f"local Moran, queen contiguity, {PERMUTATIONS} permutations; wall s: cold = first call, "
        f"warm = median of {args.repeats}; RSS = peak of a fresh subprocess (grew = during the runs)"
    )
    print(f"CPUs available: {len(os.sched_getaffinity(0))}; load average at start: {os.getloadavg()[0]:.2f}")
    header = (
        f"{'N':>7} {'method':<22} {'thr':>3} {'cold s':>8} {'warm s':>8} "
        f"{'RSS MiB':>8} {'grew MiB':>9} {'x pygeoda':>10}"
    )
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        results = [
            (method, threads, note, measure(py, method, n, threads, args.repeats)) for method, threads, py, note in runs
        ]
        reference = next((r["warm"] for m, _, _, r in results if m == "pygeoda" and "warm" in r), None)
        for method, threads, note, r in results:
            label = f"{method} ({note})" if note else method
            if "error" in r:
                print(f"{n:>7} {label:<22} {threads:>3} error: {r['error']}")
                continue
            ratio = f"{r['warm'] / reference:10.2f}" if reference else f"{'-':>10}"
            print(
                f"{n:>7} {label:<22} {threads:>3} {r['cold']:8.2f} {r['warm']:8.2f} "
                f"{r['peak']:8.0f} {r['grew']:9.0f} {ratio}"
            )


if __name__ == "__main__":
    main()
