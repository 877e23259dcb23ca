"""Run umkm_geo on every kabupaten/kota of Indonesia and print the outcome of each.

Usage::

    python scripts/sweep_regions.py                 # statistics stages of all 514 kab/kota (no files written)
    python scripts/sweep_regions.py --full          # the whole `umkm-geo maps` run of each, into a temp folder
    python scripts/sweep_regions.py --max-kecamatan 5 --only 35.72,35.05

Every kab/kota runs with the defaults a new user gets (`umkm-geo maps --region X` without a config:
illustrative demo counts, no survey, FFA or products). One line per kab/kota: code, name, number of
kecamatan, outcome (``ok``, or the exit code and the first line of the message), the statistics
that were skipped (with their reasons in ``--verbose``) and the seconds it took; then a summary. The
exit status is 1 when any kab/kota failed. Reads the boundary mirror through ``UMKM_GEO_MIRROR``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import sys
import tempfile
import time
import warnings
from pathlib import Path


def _regions(only: list[str]) -> list[tuple[str, str, int]]:
    """(kab code, kab name, number of kecamatan) of every kab/kota in the boundary data."""
    from umkm_geo.sources.boundaries import load_kecamatan

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = load_kecamatan("all", topology="kecamatan").frame
    rows = frame.groupby("kab_kode").agg(nama=("kab_nama", "first"), n=("nama", "size"))
    return [(code, str(r.nama), int(r.n)) for code, r in rows.iterrows() if not only or code in only]


def _stats_only(code: str, permutations: int) -> tuple[int, str, dict[str, str]]:
    """The compute stages of the default config for one region; (exit code, message, skipped)."""
    from umkm_geo._errors import ConfigError, UmkmGeoError
    from umkm_geo.config import Config
    from umkm_geo.pipeline.run import compute

    config = Config()
    config = dataclasses.replace(
        config,
        study=dataclasses.replace(config.study, region=code),
        statistics=dataclasses.replace(
            config.statistics, permutations=permutations, gap_permutations=max(permutations, 99)
        ),
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            area = compute(config)
    except ConfigError as exc:
        return 2, str(exc), {}
    except UmkmGeoError as exc:
        return 3, str(exc), {}
    except Exception as exc:  # the sweep is looking for exactly these
        return 1, f"{type(exc).__name__}: {exc}", {}
    return (
        0,
        "ok",
        dict(area.results.skipped) if hasattr(area.results, "skipped") else dict(area.results.get("skipped", {})),
    )


def _full(code: str, permutations: int) -> tuple[int, str, dict[str, str]]:
    """The whole `umkm-geo maps --region code` run into a temporary folder."""
    from umkm_geo.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["maps", "--region", code, "--output", tmp])
        skipped_csv = Path(tmp) / "tables" / "skipped.csv"
        skipped = {}
        if skipped_csv.exists():
            import pandas as pd

            table = pd.read_csv(skipped_csv)
            skipped = dict(zip(table.iloc[:, -2].astype(str), table.iloc[:, -1].astype(str), strict=True))
    lines = [line for line in err.getvalue().splitlines() if "warning" not in line]
    return status, "ok" if status == 0 else (lines[-1] if lines else "(no message)"), skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the whole maps run (maps, atlas, report) of each")
    parser.add_argument("--only", default="", help="comma-separated kab/kota codes")
    parser.add_argument("--max-kecamatan", type=int, default=0, help="only kab/kota with at most this many kecamatan")
    parser.add_argument("--permutations", type=int, default=99, help="permutations in the statistics-only sweep")
    parser.add_argument("--verbose", action="store_true", help="print the reason of every skipped statistic")
    args = parser.parse_args(argv)

    only = [c.strip() for c in args.only.split(",") if c.strip()]
    regions = _regions(only)
    if args.max_kecamatan:
        regions = [r for r in regions if r[2] <= args.max_kecamatan]
    run = _full if args.full else _stats_only
    print(f"{len(regions)} kab/kota, {'whole maps run' if args.full else 'statistics stages'}", flush=True)
    failed: list[str] = []
    start = time.perf_counter()
    for code, name, n in regions:
        t0 = time.perf_counter()
        status, message, skipped = run(code, args.permutations)
        seconds = time.perf_counter() - t0
        outcome = "ok" if status == 0 else f"EXIT {status}: {message.splitlines()[0][:160]}"
        print(
            f"{code}  {name[:28]:<28} {n:>3} kec  {outcome:<6} skipped {len(skipped):>2}  {seconds:5.1f} s", flush=True
        )
        if args.verbose:
            for stat, reason in skipped.items():
                print(f"      - {stat}: {reason}")
        if status != 0:
            failed.append(f"{code} {name}")
    total = time.perf_counter() - start
    print(f"\n{len(regions) - len(failed)} of {len(regions)} kab/kota ok, {len(failed)} failed, {total:.0f} s in all")
    for item in failed:
        print(f"  failed: {item}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
