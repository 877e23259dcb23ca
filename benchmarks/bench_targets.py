"""The speed and scale targets of issue 13, each measured beside its baseline, with "met" or "missed".

Rows (this 2-core machine; every command runs in a fresh process, its wall time and peak memory
measured from outside: memory is the process tree's proportional set size, summed and sampled every
0.25 s, so pages the forked figure workers share with the run are counted once):

1. warm ``make maps`` (Blitar, default config): the second run with the same user cache, figures
   copied from the render cache; a line below gives the same run with every figure drawn again;
2. the maps stage of the cold run (every figure drawn, and the atlas) against a bare geopandas loop
   (choropleth of the 25 kecamatan, 25 labels, 200 dpi PNG) of the same number of figures;
3. the first ``make maps`` with cold caches (an empty ``UMKM_GEO_CACHE``, a new process);
4. ``make test``'s pytest command;
5. the national kecamatan atlas (``configs/national.toml``);
6. the national desa atlas on the IDM (``--region all --level desa``);
7. local Moran with 999 permutations at 80,000 units on 2 threads (from ``bench_permutation.py``),
   beside pygeoda.

The national rows and the Blitar runs read the sources through ``UMKM_GEO_MIRROR``; without it they
print a line saying they are skipped. ``--skip`` leaves rows out by number (``--skip 4 6``: no test
suite, no national desa run, which takes about 4 minutes). The national runs draw every figure
(``UMKM_GEO_REUSE_FIGURES=0``).

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


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (read from /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(c) for c in children]
    return found


def _pss_kib(pids: list[int]) -> int:
    """Proportional set size of the processes, summed: shared pages (forked figure workers) counted once."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> tuple[float, float, int]:
    """Wall seconds, peak memory (GiB: the process tree's summed PSS, sampled every 0.25 s) and exit code.

    The command's output goes to a temporary file (a pipe left unread would stall a talkative child);
    its last lines are printed when it fails.
    """
    with tempfile.TemporaryFile(mode="w+") as log:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd)
        peak = 0
        while child.poll() is None:
            peak = max(peak, _pss_kib(_tree(child.pid)))
            time.sleep(0.25)
        wall = time.perf_counter() - start
        if child.returncode:
            log.seek(0)
            tail = log.read().strip().splitlines()[-15:]
            print(f"    (exit {child.returncode}:)", *(f"    | {line}" for line in tail), sep="\n", flush=True)
    return wall, peak / 1024**2, child.returncode


def row(what: str, value: str, baseline: str, target: str, met: bool | None) -> None:
    verdict = "-" if met is None else "met" if met else "missed"
    print(f"{what:<62} {value:>16} {baseline:>16} {target:>12} {verdict:>7}", flush=True)


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "MPLBACKEND": "Agg", **extra}


def bare_loop(n_figures: int) -> float:
    """Seconds for ``n_figures`` bare geopandas choropleths of Blitar's kecamatan with labels, saved at 200 dpi."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    warnings.filterwarnings("ignore", message="Numba not installed")  # geopandas' scheme= goes through mapclassify
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
        cache = {"UMKM_GEO_CACHE": str(Path(tmp) / "cache")}  # empty: the first run is a cold one
        cold, _, _ = timed(command, env=_env(**cache))
        drawn = json.loads((out / "run.json").read_text(encoding="utf-8"))  # every figure drawn
        if 3 not in skip:
            row("3. first make maps, cold caches, new process", f"{cold:.1f} s", "55 s", "<= 8 s", cold <= 8)
        if 1 not in skip:
            warm, peak, _ = timed(command, env=_env(**cache))
            row(
                "1. warm make maps (Blitar, PNG maps, atlas, report, tables)",
                f"{warm:.1f} s",
                "34 s",
                "<= 5 s",
                warm <= 5,
            )
            print(f"{'   peak memory':<62} {peak:>14.2f} GiB")
            again, _, _ = timed(command, env=_env(**cache, UMKM_GEO_REUSE_FIGURES="0"))
            print(f"{'   warm, every figure drawn again (UMKM_GEO_REUSE_FIGURES=0)':<62} {again:>14.1f} s")
        if 2 not in skip:
            n_figures = sum(1 for k in drawn.get("figures", {}) if "/" not in k)
            maps = float(drawn["timings_s"]["maps"])
            bare = bare_loop(n_figures)
            ratio = maps / bare
            row(
                f"2. maps stage (drawn, atlas incl.) vs bare geopandas loop ({n_figures} figures)",
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
            "did not finish; 311 s",
            60,
            3,
        ),
        6: (
            "6. national desa atlas on IDM (83k units)",
            ["--region", "all", "--level", "desa"],
            "333 s, 6.2 GiB",
            300,
            4,
        ),
    }
    for number, (what, args, baseline, seconds, gib) in runs.items():
        if number in skip:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            command = [*CLI, "maps", *args, "--output", str(Path(tmp) / "out")]
            wall, peak, code = timed(command, env=_env(UMKM_GEO_REUSE_FIGURES="0"))  # every figure drawn
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
