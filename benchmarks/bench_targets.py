"""The speed and scale targets of issue 13, each measured beside its baseline, with "met" or "missed".

Rows (this 2-core machine; every command runs in a fresh process, its wall time and peak memory
measured from outside):

1. warm ``make maps`` (Blitar, default config) -- the second of two runs into the same folder;
2. the maps stage of that run against a bare geopandas loop (choropleth of the 25 kecamatan, 25 labels,
   200 dpi PNG) of the same number of figures, in the same process kind;
3. the first ``make maps`` with cold caches (an empty ``UMKM_GEO_CACHE``, a new process);
4. ``make test``'s pytest command;
5. the national kecamatan atlas (``configs/national.toml``);
6. the national desa atlas on the IDM (``--region all --level desa``);
7. local Moran with 999 permutations at 80,000 units on 2 threads (from ``bench_permutation.py``),
   beside pygeoda.

The national rows and the Blitar runs read the sources through ``UMKM_GEO_MIRROR``; without it they
print a line saying they are skipped. ``--skip`` leaves rows out by number (``--skip 4 6``: no test
suite, no national desa run, which takes about 17 minutes).

    python benchmarks/bench_targets.py [--skip N ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "umkm_geo.cli"]

#: Reads a child's peak resident memory: the wrapper runs the command and prints its own children's peak.
_WRAPPER = (
    "import resource, subprocess, sys; "
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True); "
    "sys.stderr.write(done.stderr[-2000:] if done.returncode else ''); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)"
)


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (GiB) and exit code of ``command`` run in a fresh process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )
    wall = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    peak = int(lines[-1]) / 1024**2 if lines and lines[-1].isdigit() else float("nan")
    if done.returncode:
        print(f"    (exit {done.returncode}: {done.stderr.strip().splitlines()[-1:] or ''})", flush=True)
    return wall, peak, done.returncode


def row(what: str, value: str, baseline: str, target: str, met: bool | None) -> None:
    verdict = "-" if met is None else "met" if met else "missed"
    print(f"{what:<62} {value:>16} {baseline:>16} {target:>12} {verdict:>7}", flush=True)


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "MPLBACKEND": "Agg", **extra}


def bare_loop(n_figures: int) -> float:
    """Seconds for ``n_figures`` bare geopandas choropleths of Blitar's kecamatan with labels, saved at 200 dpi."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from umkm_geo.sources.boundaries import load_kecamatan

    frame = load_kecamatan("35.05,35.72").frame.to_crs(32749)
    frame["value"] = np.arange(len(frame), dtype=float)
    points = frame.representative_point()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for i in range(n_figures):
            fig, ax = plt.subplots(figsize=(9.5, 7.5))
            frame.plot(column="value", scheme="fisher_jenks", k=5, cmap="YlOrRd", legend=True, ax=ax, edgecolor="#444")
            for point, name in zip(points, frame["nama"], strict=True):
                ax.text(point.x, point.y, name, fontsize=6.5, ha="center", va="center")
            ax.set_axis_off()
            fig.savefig(Path(tmp) / f"{i}.png", dpi=200)
            plt.close(fig)
        return time.perf_counter() - start


def blitar_rows(mirror: str | None, skip: set[int]) -> None:
    if not mirror:
        print("rows 1-3 skipped: set UMKM_GEO_MIRROR to the folder of the upstream repositories")
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        command = [*CLI, "maps", "--config", "configs/blitar.toml", "--output", str(out)]
        if 3 not in skip:
            cold, _, _ = timed(command, env=_env(UMKM_GEO_CACHE=str(Path(tmp) / "empty-cache")))
            row("3. first make maps, cold caches, new process", f"{cold:.1f} s", "55 s", "<= 8 s", cold <= 8)
        timed(command, env=_env())  # fills the user cache
        warm, peak, _ = timed(command, env=_env())
        if 1 not in skip:
            row(
                "1. warm make maps (Blitar, PNG maps, atlas, report, tables)",
                f"{warm:.1f} s",
                "34 s",
                "<= 5 s",
                warm <= 5,
            )
            print(f"{'   peak memory':<62} {peak:>14.2f} GiB")
        if 2 not in skip:
            record = json.loads((out / "run.json").read_text(encoding="utf-8"))
            n_figures = sum(1 for k in record.get("figures", {}) if "/" not in k)
            maps = float(record["timings_s"]["maps"])
            bare = bare_loop(n_figures)
            ratio = maps / bare
            row(
                f"2. maps stage vs bare geopandas loop ({n_figures} figures)",
                f"{ratio:.2f}x ({maps:.0f}/{bare:.0f} s)",
                "3.5x",
                "<= 1.0x",
                ratio <= 1.0,
            )


def test_row() -> None:
    wall, _, code = timed(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadfile", "-q", "-p", "no:cacheprovider"]
    )
    row("4. make test's pytest (quiet machine)", f"{wall / 60:.1f} min", "5 min", "<= 4 min", wall <= 240 and code == 0)


def national_rows(mirror: str | None, skip: set[int]) -> None:
    if not mirror:
        print("rows 5-6 skipped: set UMKM_GEO_MIRROR to the folder of the upstream repositories")
        return
    runs: dict[int, tuple[str, list[str], str, float, float]] = {
        5: (
            "5. national kecamatan atlas (7,285 units)",
            ["--config", "configs/national.toml"],
            "did not finish",
            60,
            3,
        ),
        6: (
            "6. national desa atlas on IDM (83k units)",
            ["--region", "all", "--level", "desa"],
            "16m57s, 6.2 GiB",
            300,
            4,
        ),
    }
    for number, (what, args, baseline, seconds, gib) in runs.items():
        if number in skip:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            wall, peak, code = timed([*CLI, "maps", *args, "--output", str(Path(tmp) / "out")], env=_env())
        value = f"{wall:.0f} s, {peak:.1f} GiB"
        row(what, value, baseline, f"<= {seconds:.0f} s, {gib:.0f} GiB", code == 0 and wall <= seconds and peak <= gib)


def moran_row() -> None:
    bench = Path(__file__).with_name("bench_permutation.py")

    def measure(method: str) -> dict:
        done = subprocess.run(
            [sys.executable, str(bench), "--child", method, "80000", "--threads", "2", "--repeats", "2"],
            capture_output=True,
            text=True,
            check=False,
        )
        lines = done.stdout.strip().splitlines()
        return json.loads(lines[-1]) if done.returncode == 0 and lines else {}

    ours, geoda = measure("umkm_geo"), measure("pygeoda")
    if not ours:
        print("row 7: the permutation benchmark failed")
        return
    baseline = f"{geoda['warm']:.2f} s pygeoda" if geoda else "0.47 s"
    row(
        "7. local Moran 999 permutations, 80k units, 2 threads",
        f"{ours['warm']:.2f} s",
        baseline,
        "<= 0.5 s",
        ours["warm"] <= 0.5,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", type=int, nargs="*", default=[], help="row numbers to leave out")
    args = parser.parse_args()
    skip = set(args.skip)
    mirror = os.environ.get("UMKM_GEO_MIRROR")
    print(f"{'what':<62} {'measured':>16} {'baseline':>16} {'target':>12} {'':>7}")
    steps: list[tuple[set[int], Callable[[], None]]] = [
        ({1, 2, 3}, lambda: blitar_rows(mirror, skip)),
        ({4}, test_row),
        ({5, 6}, lambda: national_rows(mirror, skip)),
        ({7}, moran_row),
    ]
    for numbers, step in steps:
        if numbers - skip:
            step()
    return 0


if __name__ == "__main__":
    sys.exit(main())
