"""The counts of a table used without a study area: one complete row per kecamatan, sector and year."""

from __future__ import annotations

import pandas as pd

from umkm_geo._errors import TableError
from umkm_geo.tables.columns import TOTAL_SECTOR
from umkm_geo.tables.counts.read import CountTable


def unit_counts(table: CountTable, *, what: str) -> pd.DataFrame:
    """The counts of a table used without a study area, one row per kecamatan, sector and year.

    For the commands that work on a count table alone (``umkm-geo regional``, ``survey-plan``):
    the kecamatan are the table's own, named by their code as typed (or by their name, in a table
    without a code column). Nothing is filled in or counted twice: a blank cell, a sector or year
    missing for a kecamatan that the table has for others, and a kecamatan, sector and year given
    twice stop the run with their rows and columns; a total next to sector counts (checked against
    them by :func:`read_count_table`) is left out.

    Parameters
    ----------
    table
        The table, from :func:`read_count_table`.
    what
        What needs the counts, for the messages (e.g. ``"the location quotient"``).

    Returns
    -------
    DataFrame
        Columns ``kode``, ``sektor``, ``tahun`` (nullable integer) and ``jumlah`` (integer), in the
        order of the table.

    Raises
    ------
    TableError
        Any of the faults above; every bad cell or kecamatan is listed.
    """
    data = table.data
    file = table.source
    unit = data["kode_in"] if table.key == "kode" else data["nama_in"]
    frame = pd.DataFrame({"kode": unit, "sektor": data["sektor"], "tahun": data["tahun"], "jumlah": data["jumlah"]})
    blank = data[data["jumlah"].isna()]
    if len(blank):
        cells = "; ".join(f"row {r}, column {k!r}" for r, k in zip(blank["row"], blank["kolom"], strict=True))
        msg = (
            f"{file}: {len(blank)} blank cell(s): {cells}. A blank cell is 'no data', not 0, and {what} needs every"
            " count: fill them in (0 where there are none), or leave those kecamatan out of the table."
        )
        raise TableError(msg)
    if set(frame["sektor"]) - {TOTAL_SECTOR}:
        frame = frame[(frame["sektor"] != TOTAL_SECTOR).to_numpy()]  # checked against the sectors by the reader
    keys = ["kode", "sektor", "tahun"]
    repeated = frame[frame.duplicated(keys, keep=False)]
    if len(repeated):
        listed = []
        for (kode, sektor, tahun), rows in repeated.groupby(keys, sort=False, dropna=False).groups.items():
            year = "" if pd.isna(tahun) else f", tahun {tahun}"
            listed.append(f"{kode!r}, sektor {sektor}{year} in rows {', '.join(str(r) for r in data.loc[rows, 'row'])}")
        msg = (
            f"{file}: a kecamatan, sector and year appear more than once: {'; '.join(listed)}. Keep one row for each"
            " (add them up first if they are parts)."
        )
        raise TableError(msg)
    keyed = [
        (k, s, -1 if t is pd.NA else t)
        for k, s, t in zip(*(frame[c].to_numpy(dtype=object) for c in keys), strict=True)
    ]
    expected = list(dict.fromkeys((s, t) for _, s, t in keyed))
    have: dict[object, set[tuple[object, object]]] = {}
    for kode, sektor, tahun in keyed:
        have.setdefault(kode, set()).add((sektor, tahun))
    lacking = []
    for kode, pairs in have.items():
        gaps = [f"{s}{'' if t == -1 else f' {t}'}" for s, t in expected if (s, t) not in pairs]
        if gaps:
            lacking.append(f"{kode!r} has no count for {', '.join(gaps)}")
    if lacking:
        msg = (
            f"{file}: {what} needs a count for every sector and year of every kecamatan: {'; '.join(lacking)}."
            " Add them (0 where there are none), or leave those kecamatan out of the table."
        )
        raise TableError(msg)
    frame = frame.reset_index(drop=True)
    frame["jumlah"] = frame["jumlah"].astype("int64")
    return frame
