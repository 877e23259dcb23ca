"""The Indeks Desa Membangun (IDM) 2024 as indicators of a study area, at desa, kecamatan or kab/kota level.

Pure functions over the desa rows of :func:`umkm_geo.sources.idm.read_idm` (``kode``, ``kec_kode``,
``kab_kode``, ``idm``, ``iks``, ``ike``, ``ikl``, ``status_kode``):

- at desa level each unit takes its own row; a unit without one (every kelurahan: IDM scores desa
  only) has no value (NaN, shown as "no data"), never 0;
- at kecamatan and kab/kota level each unit takes the unweighted mean of its scored desa, as
  Kemendesa's own kecamatan figures, with ``n_desa_idm``, the number of desa it rests on; a unit
  without scored desa has no value.

Status codes follow Kemendesa: 1 Mandiri, 2 Maju, 3 Berkembang, 4 Tertinggal, 5 Sangat Tertinggal.
"""

from __future__ import annotations

import pandas as pd

from umkm_geo.indicators.core import Indicator, _indicator

__all__ = ["IDM_INDICATORS", "STATUS_CODES", "idm_columns", "idm_indicators"]

#: The IDM indicator columns.
IDM_KEYS = ("idm", "iks", "ike", "ikl")

#: Indicator metadata (labels and units from the locale files), three decimals as published to four.
IDM_INDICATORS: dict[str, Indicator] = {key: _indicator(key, 3) for key in IDM_KEYS}
N_DESA = _indicator("n_desa_idm", 0)

#: Kemendesa's status code -> the code of the ``idm_status`` map scheme.
STATUS_CODES = {1: "mandiri", 2: "maju", 3: "berkembang", 4: "tertinggal", 5: "sangat_tertinggal"}


def idm_columns(units: pd.Index, desa: pd.DataFrame, level: str) -> pd.DataFrame:
    """The IDM columns of the ``units`` (codes at ``level``): values, ``n_desa_idm`` and ``status_idm``.

    Parameters
    ----------
    units
        The study area's codes (desa ``35.05.01.2001``, kecamatan ``35.05.01`` or kab/kota ``35.05``).
    desa
        IDM rows (one per scored desa).
    level
        ``"desa"``, ``"kecamatan"`` or ``"kabupaten"``.

    Returns
    -------
    DataFrame
        Indexed like ``units``: ``idm``, ``iks``, ``ike``, ``ikl`` (NaN without IDM), ``n_desa_idm``
        (desa level: 1 or 0) and, at desa level, ``status_idm`` (the scheme code, missing without IDM).
    """
    scored = desa[desa["status_kode"] > 0]
    out = pd.DataFrame(index=units)
    if level == "desa":
        rows = scored.set_index("kode")
        for key in IDM_KEYS:
            out[key] = rows[key].reindex(units).astype(float)
        out["n_desa_idm"] = out["idm"].notna().astype(int)
        out["status_idm"] = rows["status_kode"].map(STATUS_CODES).reindex(units)
        return out
    parent = scored["kec_kode"] if level == "kecamatan" else scored["kab_kode"]
    grouped = scored.groupby(parent.to_numpy())
    means = grouped[list(IDM_KEYS)].mean()
    for key in IDM_KEYS:
        out[key] = means[key].reindex(units).astype(float)  # NaN where no desa is in IDM: no data, never 0
    out["n_desa_idm"] = grouped.size().reindex(units).fillna(0).astype(int)
    return out


def idm_indicators(level: str) -> dict[str, Indicator]:
    """The indicators added at ``level``: the four indices and, above desa level, ``n_desa_idm``."""
    return {**IDM_INDICATORS, **({} if level == "desa" else {N_DESA.key: N_DESA})}
