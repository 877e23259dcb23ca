"""Regional economics of UMKM counts: location quotient, shift-share and the Klassen typology.

Indonesian regional studies rank sectors and kecamatan with three classic tools, none of which a
maintained Python library provides. Each lives in its own module; this module gathers their
public names so that ``from umkm_geo.stats.regional import location_quotient`` keeps working:

* :func:`~umkm_geo.stats.regional.lq.location_quotient` -- which sectors are *basis*
  (over-represented) in each unit, ``LQ_ij = (e_ij / e_i) / (E_j / E)`` (Isard 1960;
  Tarigan 2005);
* :func:`~umkm_geo.stats.regional.shiftshare.shift_share` -- the classic decomposition of the change of each
  sector in each unit between two years into a reference (national/provincial) share, an
  industry mix and a competitive effect (Dunn 1960; Stevens & Moore 1980);
* :func:`~umkm_geo.stats.regional.typology.klassen` -- the four Klassen quadrants of each unit by level and
  growth against the area average (Klassen 1965; Sjafrizal 2008), with
  :func:`~umkm_geo.stats.regional.typology.growth_rate` to compute the growth.

Counts come as the long table of :func:`umkm_geo.tables.join.join_counts` (columns ``kode``,
``sektor``, ``tahun``, ``jumlah``), as a wide table (index unit, one column per sector) or as a
mapping ``{year: wide table}``; :mod:`umkm_geo.tables.regional` reads and checks them the same way
for every method (a ``total`` sector is checked and left out, missing counts are 0 with a warning,
negative counts and duplicated rows are errors).
"""

from __future__ import annotations

from umkm_geo.stats.regional.lq import LQ_DEFINITION, LQResult, location_quotient
from umkm_geo.stats.regional.shiftshare import (
    SHIFT_SHARE_COMPONENTS,
    SHIFT_SHARE_DEFINITION,
    ShiftShareResult,
    shift_share,
)
from umkm_geo.stats.regional.typology import KLASSEN_DEFINITION, KLASSEN_LABELS, KlassenResult, growth_rate, klassen

__all__ = [
    "KLASSEN_DEFINITION",
    "KLASSEN_LABELS",
    "LQ_DEFINITION",
    "SHIFT_SHARE_COMPONENTS",
    "SHIFT_SHARE_DEFINITION",
    "KlassenResult",
    "LQResult",
    "ShiftShareResult",
    "growth_rate",
    "klassen",
    "location_quotient",
    "shift_share",
]
