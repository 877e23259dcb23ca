"""Normalisation and matching of kecamatan names.

"Kec. Sanan Kulon", "KECAMATAN SANANKULON", "1. Sanankulon" and "Sanankulon" all normalise to
``"sanankulon"``: case, spaces, punctuation, the prefixes "Kec."/"Kecamatan" and a leading number
(BPS tables write the kecamatan's code suffix, "010 Bakung"; lists write "1. Wonodadi") are
ignored, so spelling with or without a space between name parts ("Sanan Kulon" = "Sanankulon")
matches.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_PREFIX = re.compile(r"^\s*(?:kecamatan|kec)\b\.?\s*", re.I)
#: BPS tables number kecamatan by their code suffix ("010 Bakung", "010. Bakung"); lists do "1. Wonodadi".
_NUMBER = re.compile(r"^\s*\d{1,3}(?:[.)]\s*|\s+)(?=\D)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_name(value: object) -> str:
    """Normalise a kecamatan name for matching.

    Parameters
    ----------
    value
        A name as typed in a table, e.g. ``"Kec. Sanan Kulon"`` or ``"010. Bakung"``.

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
    text = _PREFIX.sub("", _NUMBER.sub("", text))
    return _NON_ALNUM.sub("", text.lower())


def suggest(value: object, candidates: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Close names among ``candidates`` for an unmatched ``value`` (best first)."""
    pool = {normalise_name(c): c for c in candidates}
    hits = difflib.get_close_matches(normalise_name(value), list(pool), n=n, cutoff=cutoff)
    return [pool[h] for h in hits]
