"""Population 2025 per province and kab/kota (Dukcapil figures of Kepmendagri No 300.2.2-2138 Tahun 2025).

``db/wilayah_penduduk.sql`` of cahyadsn/wilayah holds male, female and total population of Indonesia,
each province and each kab/kota; it has no kecamatan or desa rows.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from umkm_geo.sources.dataset import SourceTable
from umkm_geo.sources.region_codes import REGISTRY, read_level_rows
from umkm_geo.sources.wilayah_db import (
    check_sums,
)

POPULATION_FILE = "db/wilayah_penduduk.sql"
#: The year the figures refer to.
YEAR = 2025


def read_population(
    region: str | Sequence[str] | None = None,
    *,
    level: int = 2,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> SourceTable:
    """Population 2025 of the kab/kota (``level=2``) or provinces (``level=1``) in ``region``.

    Parameters
    ----------
    region
        Province or kab/kota codes (``"35"``, ``"35.05,35.72"``); ``None`` or ``"all"`` for Indonesia.
    level
        2 for kab/kota, 1 for provinces (the file has no finer level).
    mirror, cache_dir
        Offline mirror and download cache (see :func:`umkm_geo.sources.registry.fetch`).

    Returns
    -------
    SourceTable
        ``frame``: ``kode``, ``nama`` (as the file spells it), ``pria``, ``wanita``, ``total``
        (persons) and ``level``. ``qa``: ``total_differs`` (total is not male + female),
        ``sum_differs`` (a province is not the sum of its kab/kota; with ``level=1``),
        ``code_not_in_kepmendagri``, ``name_differs``, ``missing_row`` (a listed region without a row),
        ``code_repaired`` and ``malformed_code``.
    """
    read = read_level_rows(
        POPULATION_FILE,
        "wilayah_penduduk",
        ("pria", "wanita", "total"),
        number="int",
        level=level,
        region=region,
        what="Population 2025 is",
        mirror=mirror,
        cache_dir=cache_dir,
    )
    out, frame, names, wanted, qa = read.rows, read.all_rows, read.names, read.wanted, read.qa
    bad_total = out[out["pria"] + out["wanita"] != out["total"]]
    qa += [
        {
            "source": REGISTRY,
            "issue": "total_differs",
            "kode": k,
            "nama": n,
            "detail": f"total {t} is not male + female ({p} + {w}); the row is kept as published",
        }
        for k, n, p, w, t in bad_total[["kode", "nama", "pria", "wanita", "total"]].itertuples(index=False)
    ]
    if level == 1:
        values = {k: float(v) for k, v in zip(frame["kode"], frame["total"], strict=True)}
        sums = check_sums(values, names, source=REGISTRY, column="total")
        qa += [row for row in sums if wanted is None or row["kode"] in wanted]
        national = frame.attrs["national"].get("total")
        provinces = int(frame.loc[frame["level"] == 1, "total"].sum())
        if wanted is None and national is not None and national != provinces:
            qa.append(
                {
                    "source": REGISTRY,
                    "issue": "sum_differs",
                    "kode": "0",
                    "nama": "INDONESIA",
                    "detail": f"the national total {national} is not the sum of the provinces ({provinces})",
                }
            )
    out.attrs.update(year=YEAR, unit="persons", national=frame.attrs["national"])
    return read.table()
