"""Normalisation and matching of kecamatan names.

"Kec. Sanan Kulon", "KECAMATAN SANANKULON" and "Sanankulon" all normalise to ``"sanankulon"``:
case, spaces, punctuation and the prefixes "Kec."/"Kecamatan" are ignored, so spelling with or
without a space between name parts ("Sanan Kulon" = "Sanankulon") matches.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_PREFIX = re.compile(r"^\s*(?:kecamatan|kec)\b\.?\s*", re.I)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_name(value: object) -> str:
    """Normalise a kecamatan name for matching.

    Parameters
    ----------
    value
        A name as typed in a table, e.g. ``"Kec. Sanan Kulon"``.

    Returns
    -------
    str
        Lower-case ASCII letters and digits only, without the "Kec."/"Kecamatan" prefix
        (``"sanankulon"``); ``""`` for an empty or missing value.
    """
    if value is None:
        return ""
    text = str(value)
    if text.strip().lower() in ("", "nan", "none"):
        return ""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _PREFIX.sub("", text)
    return _NON_ALNUM.sub("", text.lower())


def suggest(value: object, candidates: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Close names among ``candidates`` for an unmatched ``value`` (best first)."""
    pool = {normalise_name(c): c for c in candidates}
    hits = difflib.get_close_matches(normalise_name(value), list(pool), n=n, cutoff=cutoff)
    return [pool[h] for h in hits]
