"""One layout shared by every result object of umkm_geo.

Every result (weights, autocorrelation, gap, inequality, regional economics, zonal statistics)
has ``to_dict()`` returning ``{"result", "statistics", "settings"}`` and ``table()`` returning
:func:`result_table` of it, so that one function can tabulate them all and every table carries
the settings (permutations, seed, alternative, correction, ...) that produced it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["RESULT_TABLE_COLUMNS", "TableMixin", "payload", "plain", "result_table"]

#: Columns of :func:`result_table` and of every ``table()`` method.
RESULT_TABLE_COLUMNS = ("result", "section", "name", "value")


def plain(value: Any) -> Any:
    """Turn NumPy scalars into Python scalars (for JSON); other values pass unchanged."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def payload(name: str, statistics: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Build the ``to_dict()`` mapping of a result.

    Parameters
    ----------
    name
        Name of the result (e.g. ``"global_moran"``).
    statistics, settings
        Mappings of names to scalars or lists; NumPy scalars are converted to Python ones.

    Returns
    -------
    dict
        ``{"result": name, "statistics": {...}, "settings": {...}}``.
    """
    return {
        "result": name,
        "statistics": {k: plain(v) for k, v in statistics.items()},
        "settings": {k: plain(v) for k, v in settings.items()},
    }


def result_table(result: Mapping[str, Any]) -> pd.DataFrame:
    """Lay out the ``to_dict()`` of any umkm_geo result as one long table.

    Parameters
    ----------
    result
        A mapping with the keys ``result`` (the name of the result), ``statistics`` and
        ``settings`` (each a mapping of names to scalars or lists), as returned by the
        ``to_dict()`` method of every result class (see :func:`payload`).

    Returns
    -------
    pandas.DataFrame
        One row per statistic and setting, with the columns ``result``, ``section``
        (``"statistic"`` or ``"setting"``), ``name`` and ``value`` (lists are joined with
        ``"; "``). Tables of different results can be stacked with :func:`pandas.concat`.
    """
    rows = []
    for section, key in (("statistic", "statistics"), ("setting", "settings")):
        for name, value in result[key].items():
            if isinstance(value, list | tuple):
                value = "; ".join(str(v) for v in value)
            rows.append((result["result"], section, name, value))
    return pd.DataFrame(rows, columns=list(RESULT_TABLE_COLUMNS)).astype({"value": object})


class TableMixin:
    """Gives a result with ``to_dict()`` the shared ``table()`` (see :func:`result_table`)."""

    def table(self) -> pd.DataFrame:
        """Return :meth:`to_dict` as a long table (see :func:`umkm_geo.results.result_table`)."""
        return result_table(self.to_dict())  # type: ignore[attr-defined]
