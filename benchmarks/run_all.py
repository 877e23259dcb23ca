"""Print the figures of the benchmarks (wall times of the main pipeline stages).

Run with ``make bench``. Figures are printed, never asserted: targets live here, not in tests.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from pathlib import Path

from umkm_geo.config import Config, OutputConfig
from umkm_geo.sources.boundaries import load_kecamatan
from umkm_geo.sources.registry import fetch, load_registry
from umkm_geo.sources.wilayah_sql import parse_wilayah_sql


def _time(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"{label:<55} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    reg = load_registry()
    kec_files = sorted(p for p in reg.files if p.startswith("db/kec/"))

    def parse_all() -> int:
        return sum(len(parse_wilayah_sql(fetch(reg, p).path).frame) for p in kec_files)

    n = _time("parse all 38 province kecamatan files", parse_all)
    print(f"{'  kecamatan parsed':<55} {n:8d}")
    _time("load Blitar (35.05,35.72) with desa dissolve", load_kecamatan, "35.05,35.72")
    _time("load Jawa Timur (35) kecamatan polygons", load_kecamatan, "35", topology="kecamatan")
    from umkm_geo.pipeline import run

    with tempfile.TemporaryDirectory() as tmp:
        config = dataclasses.replace(Config(), output=OutputConfig(dir=str(Path(tmp))))
        _time("whole Blitar pipeline (run)", run, config)


if __name__ == "__main__":
    main()
