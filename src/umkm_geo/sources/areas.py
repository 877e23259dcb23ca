"""Official areas per province and kab/kota from Badan Informasi Geospasial (BIG).

``db/wilayah_luas.sql`` of cahyadsn/wilayah holds the area (km²) of each province and kab/kota per the
letter of BIG's Deputi Bidang Informasi Geospasial Dasar No B-16.10/DIGD-BIG/IGD.04.04/12/2024 of
16 December 2024. The file writes a few codes as numbers that lost a trailing zero (``11.1`` for
``11.10``, ``31.0`` for ``31``): they are read under the listed code of the same name and reported.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from umkm_geo._errors import RegionError
from umkm_geo.sources.dataset import SourceProvenance, SourceTable, qa_frame
from umkm_geo.sources.region_codes import REGISTRY, fetch_codes, region_codes
from umkm_geo.sources.registry import fetch, load_registry
from umkm_geo.sources.wilayah_db import (
    check_sums,
    code_level,
    coded_rows,
    compare_with_codes,
    select,
    touches,
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
    if level not in (1, 2):
        msg = f"Official areas are published per province (level 1) and kab/kota (level 2), not level {level}."
        raise RegionError(msg)
    reg = load_registry(REGISTRY)
    fetched = fetch(reg, AREA_FILE, mirror=mirror, cache_dir=cache_dir)
    codes, codes_provenance = fetch_codes(mirror=mirror, cache_dir=cache_dir)
    names = dict(zip(codes["kode"].tolist(), codes["nama"].tolist(), strict=True))
    frame, qa = coded_rows(fetched.path, "wilayah_luas", ("luas",), names, source=REGISTRY, number="float")
    qa = [row for row in qa if not row["matched_kode"] or code_level(str(row["matched_kode"])) == level]
    frame = frame.rename(columns={"luas": "luas_km2"})
    wanted = region_codes(region)
    out = select(frame[frame["level"] == level], wanted).reset_index(drop=True)
    if level == 1:
        values = dict(zip(frame["kode"], frame["luas_km2"].astype(float), strict=True))
        sums = check_sums(values, names, source=REGISTRY, column="luas_km2", tolerance=SUM_TOLERANCE_KM2)
        qa += [row for row in sums if wanted is None or row["kode"] in wanted]
    qa += compare_with_codes(out, codes, source=REGISTRY, levels=[level], region=wanted)
    qa = [row for row in qa if wanted is None or touches(str(row.get("matched_kode") or row["kode"]), wanted)]
    out.attrs.update(unit="km2", publisher="Badan Informasi Geospasial", letter="B-16.10/DIGD-BIG/IGD.04.04/12/2024")
    provenance = (SourceProvenance.of(reg, [fetched]), codes_provenance)
    return SourceTable(frame=out, qa=qa_frame(qa), provenance=provenance)
