"""A user's BPS-to-Kemendagri crosswalk file.

The crosswalk maps 7-digit BPS kecamatan codes (``3505010``, COD-AB ``ID3505010``) to Kemendagri
codes. Reading a user's CSV (any common delimiter and encoding) is a table reader's job, so it lives
here; checking the table and mapping codes with it are code matters
(:func:`umkm_geo.sources.codes.clean_crosswalk`, :func:`umkm_geo.sources.codes.bps_to_kemendagri`), used
by the boundary reader of :mod:`umkm_geo.sources.user_file` as well.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from umkm_geo._errors import TableError
from umkm_geo.sources.codes import clean_crosswalk, shipped_crosswalk
from umkm_geo.tables._read import decode_text, sniff_delimiter

__all__ = ["load_crosswalk"]


def load_crosswalk(path: str | Path | None = None) -> pd.DataFrame:
    """Read a BPS-to-Kemendagri crosswalk table.

    Parameters
    ----------
    path
        CSV (any common delimiter and encoding) with columns ``kode_bps`` (``3505010`` or
        ``ID3505010``) and ``kode_kemendagri`` (others are kept). Defaults to the shipped Blitar
        crosswalk (``data/facts/kode_crosswalk.csv``). The path is kept in ``attrs["source"]`` for
        messages.
    """
    if path is None:
        return shipped_crosswalk()
    file = Path(path)
    if not file.is_file():
        msg = f"Crosswalk {file} does not exist."
        raise TableError(msg)
    text = decode_text(file)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, sep=sniff_delimiter(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = (
            f"Crosswalk {file} is not a readable CSV ({exc}); save it as 'CSV UTF-8' with columns"
            " kode_bps,kode_kemendagri."
        )
        raise TableError(msg) from exc
    return clean_crosswalk(table, file)
