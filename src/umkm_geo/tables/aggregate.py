"""Desa counts summed to their kecamatan or kab/kota, never a partial sum.

A desa-level UMKM table used in a kecamatan (or kab/kota) study is first joined to the desa of the
region (:func:`umkm_geo.tables.join.join_counts`, with its QA), then each unit's count is the sum
of its desa's counts, by sector and year. Only counts are summed. A unit with any desa without a
count (a desa missing from the table, or a blank cell) has no value for that sector and year: its
total is unknown, not the sum of the desa that happen to be there; each such unit is listed.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["sum_to_parent"]


def sum_to_parent(counts: pd.DataFrame, desa: pd.Index, parts: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sum the desa ``counts`` (``kode, sektor, tahun, jumlah``) to the units of the first ``parts`` code parts.

    Parameters
    ----------
    counts
        Joined desa counts (complete rows only, as :func:`~umkm_geo.tables.join.join_counts` returns).
    desa
        Every desa/kelurahan code of the study region (those without a row are missing).
    parts
        3 for kecamatan, 2 for kab/kota.

    Returns
    -------
    counts : DataFrame
        ``kode, sektor, tahun, jumlah`` per unit, for the (unit, sector, year) whose desa all have a count.
    incomplete : DataFrame
        ``kode, sektor, tahun, n_desa, n_missing, missing`` of the (unit, sector, year) left out.
    """

    def parent(code: object) -> str:
        return ".".join(str(code).split(".")[:parts])

    members = pd.Series(list(desa), index=[parent(c) for c in desa])
    n_desa = members.groupby(level=0).size()
    rows = counts.assign(unit=[parent(c) for c in counts["kode"]])
    keys = ["unit", "sektor", "tahun"]
    summed = rows.groupby(keys, dropna=False).agg(jumlah=("jumlah", "sum"), n=("kode", "nunique")).reset_index()
    summed["n_desa"] = summed["unit"].map(n_desa).fillna(0).astype(int)
    complete = summed["n"] == summed["n_desa"]
    out = summed.loc[complete, ["unit", "sektor", "tahun", "jumlah"]].rename(columns={"unit": "kode"})
    left = summed.loc[~complete].copy()
    have = rows.groupby(keys, dropna=False)["kode"].agg(set)
    left["missing"] = [
        ", ".join(sorted(set(members.loc[[u]]) - have.get((u, s, t), set())))
        for u, s, t in left[keys].itertuples(index=False)
    ]
    left["n_missing"] = left["n_desa"] - left["n"]
    incomplete = left.rename(columns={"unit": "kode"})[["kode", "sektor", "tahun", "n_desa", "n_missing", "missing"]]
    return out.reset_index(drop=True), incomplete.reset_index(drop=True)
