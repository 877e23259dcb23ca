"""Ready-to-fill UMKM tables for a region (what a Dinas Koperasi officer starts from)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from umkm_geo._errors import RegionError
from umkm_geo.sources.codes import in_region, parse_region, provinces_of
from umkm_geo.sources.registry import fetch, load_registry
from umkm_geo.sources.wilayah_sql import read_names


def template_table(region: str | Sequence[str], *, years: Sequence[int] = ()) -> pd.DataFrame:
    """One row per kecamatan of ``region`` (per year, if given) with an empty ``jumlah_umkm``.

    Parameters
    ----------
    region
        Region codes, e.g. ``"35.05,35.72"`` (25 rows) or ``"35"`` (666 rows).
    years
        Optional years; each kecamatan gets one row per year.

    Returns
    -------
    DataFrame
        Columns ``kode, kecamatan, kab_kota, [tahun], jumlah_umkm``.
    """
    codes = parse_region(region)
    registry = load_registry()
    rows = []
    for prov in provinces_of(codes):
        kec = read_names(fetch(registry, f"db/kec/wilayah_boundaries_kec_{prov}.sql").path)
        kab = read_names(fetch(registry, f"db/kab/wilayah_boundaries_kab_{prov}.sql").path)
        rows += [(c, n, kab.get(c[:5], "")) for c, n in kec.items() if in_region(c, codes)]
    rows.sort()
    table = pd.DataFrame(rows, columns=["kode", "kecamatan", "kab_kota"])
    if not len(table):
        msg = f"Region {','.join(codes)} selects no kecamatan."
        raise RegionError(msg)
    if years:
        table = table.merge(pd.DataFrame({"tahun": list(years)}), how="cross")
    table["jumlah_umkm"] = ""
    return table
