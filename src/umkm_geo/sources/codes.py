"""Kemendagri region codes: parsing, levels and the BPS-to-Kemendagri crosswalk.

Kemendagri codes have dots: province ``35``, kabupaten/kota ``35.05``, kecamatan ``35.05.01``,
desa/kelurahan ``35.05.01.2001``. BPS codes are 7 digits for a kecamatan (``3505010``) and are a
different numbering: they are mapped through a crosswalk table, never by position. The shipped
crosswalk is read and every crosswalk checked here; a user's crosswalk file is read by
:mod:`umkm_geo.tables.crosswalk`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from umkm_geo._errors import RegionError, TableError
from umkm_geo._resources import data_dir

_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
_UNDOTTED = re.compile(r"^\d{2}(?:\d{2}(?:\d{2}(?:\d{4})?)?)?$")
_BPS = re.compile(r"^(?:ID)?\d{7}$", re.I)
LEVELS = {1: "provinsi", 2: "kabupaten/kota", 3: "kecamatan", 4: "desa/kelurahan"}


def code_level(code: str) -> int:
    """Level of a Kemendagri code: 1 province, 2 kab/kota, 3 kecamatan, 4 desa."""
    return code.count(".") + 1


def normalise_code(value: object) -> str | None:
    """Return a dotted Kemendagri code from ``value``, or ``None`` if it is not one.

    Accepts ``"35.05.01"``, ``" 35.05.01 "`` and the undotted ``"350501"``. A 7-digit BPS kecamatan
    code (``"3505010"``) is *not* a Kemendagri code and returns ``None``; see :func:`bps_to_kemendagri`.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    if _CODE.match(text):
        return text
    if _UNDOTTED.match(text) and len(text) in (2, 4, 6, 10):
        parts = [text[:2], text[2:4], text[4:6], text[6:]]
        return ".".join(p for p in parts if p)
    return None


def is_bps_code(value: object) -> bool:
    """Whether ``value`` looks like a 7-digit BPS kecamatan code (``3505010`` or COD-AB ``ID3505010``)."""
    return bool(_BPS.match(str(value).strip()))


def parse_region(spec: str | Sequence[str]) -> tuple[str, ...]:
    """Parse a region specification into Kemendagri codes.

    Parameters
    ----------
    spec
        Comma-separated codes (``"35.05,35.72"``) or a sequence of codes. A province (``"35"``),
        kab/kota (``"35.05"``) or kecamatan (``"35.05.01"``) may be mixed.

    Returns
    -------
    tuple of str
        The codes, de-duplicated, in the order given; codes covered by a broader code are dropped.
    """
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    codes: list[str] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        code = normalise_code(text)
        if code is None or code_level(code) > 3:
            msg = (
                f"Region code {text!r} is not a Kemendagri province, kab/kota or kecamatan code;"
                " use e.g. '35' (Jawa Timur), '35.05' (Kabupaten Blitar) or '35.05.01' (Wonodadi)."
            )
            raise RegionError(msg)
        if code not in codes:
            codes.append(code)
    if not codes:
        msg = "The region is empty; give at least one code such as '35.05,35.72'."
        raise RegionError(msg)
    return tuple(c for c in codes if not any(c != o and c.startswith(o + ".") for o in codes))


def in_region(code: str, region: Iterable[str]) -> bool:
    """Whether ``code`` lies in (or is) one of the ``region`` codes."""
    return any(code == r or code.startswith(r + ".") for r in region)


def provinces_of(region: Iterable[str]) -> list[str]:
    """The province codes the region touches, sorted."""
    return sorted({r[:2] for r in region})


def shipped_crosswalk() -> pd.DataFrame:
    """The shipped BPS-to-Kemendagri crosswalk of Blitar (``data/facts/kode_crosswalk.csv``).

    A user's own crosswalk file is read by :func:`umkm_geo.tables.crosswalk.load_crosswalk`.
    """
    file = data_dir("facts") / "kode_crosswalk.csv"
    return clean_crosswalk(pd.read_csv(file, dtype=str), file)


def clean_crosswalk(table: pd.DataFrame, file: str | Path) -> pd.DataFrame:
    """Check and normalise a crosswalk table read from ``file`` (named in the messages).

    ``kode_bps`` loses a COD-AB ``ID`` prefix, ``kode_kemendagri`` is dotted; a BPS code mapped
    twice or a Kemendagri code that is not one stops with a :class:`TableError`. Other columns are
    kept; ``attrs["source"]`` is ``file``.
    """
    missing = {"kode_bps", "kode_kemendagri"} - set(table.columns)
    if missing:
        msg = f"Crosswalk {file} lacks the columns {sorted(missing)}; it has {list(table.columns)}."
        raise TableError(msg)
    table = table.dropna(subset=["kode_bps"]).copy()
    table["kode_bps"] = table["kode_bps"].str.strip().str.upper().str.removeprefix("ID")
    table["kode_kemendagri"] = table["kode_kemendagri"].str.strip()
    dupes = table["kode_bps"][table["kode_bps"].duplicated()].tolist()
    if dupes:
        msg = f"Crosswalk {file} maps these BPS codes more than once: {dupes}."
        raise TableError(msg)
    bad = [c for c in table["kode_kemendagri"].dropna() if normalise_code(c) is None]
    if bad:
        msg = f"Crosswalk {file}: {bad[:5]} in column kode_kemendagri are not Kemendagri codes (35.05.01)."
        raise TableError(msg)
    table["kode_kemendagri"] = [normalise_code(c) for c in table["kode_kemendagri"]]
    table.attrs["source"] = str(file)
    return table


def bps_to_kemendagri(values: Iterable[object], crosswalk: pd.DataFrame) -> dict[str, str | None]:
    """Map BPS kecamatan codes (``3505010`` or COD-AB ``ID3505010``) to Kemendagri codes.

    Returns a dict from each input value (as text) to its Kemendagri code, or ``None`` where the
    crosswalk has no row for it.
    """
    lookup: Mapping[str, str] = dict(zip(crosswalk["kode_bps"], crosswalk["kode_kemendagri"], strict=True))
    out: dict[str, str | None] = {}
    for value in values:
        text = str(value).strip()
        key = text[2:] if text.upper().startswith("ID") else text
        found = lookup.get(key)
        out[text] = None if found is None or pd.isna(found) else found
    return out
