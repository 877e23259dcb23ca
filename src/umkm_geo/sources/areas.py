"""Official areas per province and kab/kota from Badan Informasi Geospasial (BIG).

``db/wilayah_luas.sql`` of cahyadsn/wilayah holds the area (km²) of each province and kab/kota per the
letter of BIG's Deputi Bidang Informasi Geospasial Dasar No B-16.10/DIGD-BIG/IGD.04.04/12/2024 of
16 December 2024. The file writes a few codes as numbers that lost a trailing zero (``11.1`` for
``11.10``, ``31.0`` for ``31``): they are read under the listed code of the same name and reported.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from umkm_geo.sources.dataset import SourceTable
from umkm_geo.sources.region_codes import REGISTRY, read_level_rows
from umkm_geo.sources.wilayah_db import (
    check_sums,
)

AREA_FILE = "db/wilayah_luas.sql"

#: A province's area may differ from the sum of its kab/kota by rounding (km²).
SUM_TOLERANCE_KM2 = 0.05


def read_areas(
    region: str | Sequence[str] | None = None,
    *,
    level: int = 2,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> SourceTable:
    """Official BIG areas (km²) of the kab/kota (``level=2``) or provinces (``level=1``) in ``region``.

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
        ``frame``: ``kode``, ``nama`` (as the file spells it), ``luas_km2`` and ``level``. ``qa``:
        ``code_repaired``, ``malformed_code``, ``sum_differs`` (with ``level=1``),
        ``code_not_in_kepmendagri``, ``name_differs`` and ``missing_row``.
    """
    read = read_level_rows(
        AREA_FILE,
        "wilayah_luas",
        ("luas",),
        number="float",
        level=level,
        region=region,
        what="Official areas are",
        mirror=mirror,
        cache_dir=cache_dir,
    )
    read.rows = read.rows.rename(columns={"luas": "luas_km2"})
    if level == 1:
        frame = read.all_rows
        values = dict(zip(frame["kode"], frame["luas"].astype(float), strict=True))
        sums = check_sums(values, read.names, source=REGISTRY, column="luas_km2", tolerance=SUM_TOLERANCE_KM2)
        read.qa += [row for row in sums if read.wanted is None or row["kode"] in read.wanted]
    read.rows.attrs.update(
        unit="km2", publisher="Badan Informasi Geospasial", letter="B-16.10/DIGD-BIG/IGD.04.04/12/2024"
    )
    return read.table()
