"""Groupings of kecamatan, such as Blitar's north (utara) / south (selatan) / kota split.

The default Blitar grouping is a fact shipped as data (``data/facts/blitar_wilayah.csv``) with its
sources: 15 kecamatan north of the Brantas (utara), 7 south (selatan: Bakung, Wonotirto,
Panggungrejo, Wates, Binangun, Sutojayan, Kademangan), and the 3 kecamatan of Kota Blitar.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from umkm_geo._errors import TableError
from umkm_geo._resources import data_dir
from umkm_geo.sources.codes import normalise_code

GROUP_LABELS = {
    "utara": ("Blitar Utara", "North Blitar"),
    "selatan": ("Blitar Selatan", "South Blitar"),
    "kota_blitar": ("Kota Blitar", "Blitar City"),
}


@dataclasses.dataclass(frozen=True)
class Grouping:
    """A grouping of kecamatan codes with its source.

    Attributes
    ----------
    groups
        Series ``kode -> group`` (e.g. ``utara``).
    source
        Where the grouping comes from.
    """

    groups: pd.Series
    source: str

    def label(self, group: str, lang: str = "id") -> str:
        """Human label of ``group`` in ``lang``."""
        labels = GROUP_LABELS.get(group)
        if labels is None:
            return group.replace("_", " ").title()
        return labels[1] if lang == "en" else labels[0]


def blitar_grouping() -> Grouping:
    """The shipped Blitar utara/selatan/kota grouping (25 kecamatan)."""
    path = data_dir("facts") / "blitar_wilayah.csv"
    return read_grouping(path, code_column="kode_kemendagri", group_column="wilayah")


def read_grouping(path: str | Path, *, code_column: str = "kode", group_column: str = "wilayah") -> Grouping:
    """Read a grouping from a CSV with a code column and a group column."""
    file = Path(path)
    table = pd.read_csv(file, dtype=str)
    for col in (code_column, group_column):
        if col not in table.columns:
            msg = f"{file}: no column {col!r}; the columns are {list(table.columns)}."
            raise TableError(msg)
    codes = [normalise_code(c) for c in table[code_column]]
    bad = [f"row {i + 2}: {v!r}" for i, (v, c) in enumerate(zip(table[code_column], codes, strict=True)) if c is None]
    if bad:
        msg = f"{file}: not Kemendagri kecamatan codes: {', '.join(bad)}."
        raise TableError(msg)
    series = pd.Series(table[group_column].str.strip().tolist(), index=pd.Index(codes, name="kode"), name="wilayah")
    if not series.index.is_unique:
        msg = f"{file}: codes listed twice: {sorted(set(series.index[series.index.duplicated()]))}."
        raise TableError(msg)
    return Grouping(groups=series, source=str(file))
