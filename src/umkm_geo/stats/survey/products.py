"""Produk unggulan (superior products) per kecamatan: MPE ranking, leading product and LQ.

The product table (one row per candidate product of a kecamatan or desa, with amounts and criteria
ratings ``kriteria_<name>``) is read and checked by :func:`umkm_geo.tables.products.read_products`.
The exponential comparison method (*Metode Perbandingan Eksponensial*, MPE; Marimin 2004) gives
candidate ``i`` the total value ``TN_i = sum_j rating_ij ^ weight_j`` over the criteria ``j``, and
the highest ``TN`` leads.
No maintained Python library implements MPE, so it is written here and tested on a hand-worked
example; the location quotient of sector amounts reuses :func:`umkm_geo.stats.regional.location_quotient`.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import ConfigError, TableError
from umkm_geo._validate import listing
from umkm_geo.results import TableMixin, payload
from umkm_geo.sources.names import normalise_name
from umkm_geo.stats.regional.lq import LQResult, location_quotient
from umkm_geo.tables.products import CRITERION_PREFIX, PRODUCT_VALUE_COLUMNS

__all__ = [
    "MPE_DEFINITION",
    "MPEResult",
    "leading_products",
    "mpe_ranking",
    "product_lq",
]

#: Formula, tie rule and citation of :func:`mpe_ranking`.
MPE_DEFINITION = (
    "TN_i = sum_j RK_ij ^ TKK_j; RK_ij = rating of candidate i on criterion j (1-5 or 1-9), "
    "TKK_j = weight (importance) of criterion j; the candidate with the highest TN ranks first "
    "(Metode Perbandingan Eksponensial, Marimin 2004); ties share the lowest rank"
)

# --------------------------------------------------------------------------- MPE


def _criteria(products: pd.DataFrame) -> list[str]:
    return [str(c)[len(CRITERION_PREFIX) :] for c in products.columns if str(c).startswith(CRITERION_PREFIX)]


def _check_products(products: pd.DataFrame, needed: tuple[str, ...]) -> None:
    missing = [c for c in needed if c not in products.columns]
    if missing:
        msg = f"The product table lacks the column(s) {missing}; read it with read_products first."
        raise TableError(msg)


@dataclasses.dataclass(frozen=True, eq=False)
class MPEResult(TableMixin):
    """Candidate products ranked by the exponential comparison method (MPE).

    Attributes
    ----------
    scores
        One row per candidate (indexed like the product table) with ``kode``, ``kecamatan``,
        ``desa``, ``produk``, ``sektor``, the terms ``nilai_<criterion>`` = ``rating ^ weight``,
        ``nilai_total`` (``TN``), ``peringkat_kecamatan`` (rank within its kecamatan, 1 = best)
        and ``peringkat`` (rank over all candidates).
    overall
        One row per product (name as first written) with ``n_kecamatan``, ``nilai_rata`` (mean
        ``TN`` over its candidates), ``nilai_maks`` and ``peringkat`` by ``nilai_rata``.
    weights
        The criterion weights used.
    settings
        Weights, criteria, rating scale, definition, tie rule and versions.
    """

    scores: pd.DataFrame
    overall: pd.DataFrame
    weights: Mapping[str, float]
    settings: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        best = self.scores.sort_values(["peringkat", "produk"]).iloc[0]
        statistics = {
            "n_candidates": len(self.scores),
            "n_kecamatan": int(self.scores["kode"].nunique()),
            "n_products": len(self.overall),
            "n_criteria": len(self.weights),
            "top_candidate": f"{best['produk']} ({best['kecamatan']})",
            "top_candidate_nilai_total": float(best["nilai_total"]),
            "top_product_overall": str(self.overall.index[0]),
        }
        return payload("mpe_ranking", statistics, dict(self.settings))


def mpe_ranking(products: pd.DataFrame, *, weights: Mapping[str, float]) -> MPEResult:
    """Rank candidate products by the exponential comparison method (MPE).

    Parameters
    ----------
    products
        Output of :func:`~umkm_geo.tables.products.read_products`, with criteria columns ``kriteria_<name>``.
    weights
        Weight ``TKK_j`` of every criterion, keyed by its name without the prefix (e.g.
        ``{"bahan_baku": 4, "pasar": 5}``); positive numbers, one per criterion of the table.

    Returns
    -------
    MPEResult
        ``TN_i = sum_j rating_ij ^ weight_j`` of every candidate with its rank in its kecamatan and
        overall, the per-product summary and the settings.

    Raises
    ------
    ConfigError
        If a criterion of the table has no weight, a weight names no criterion of the table, or
        a weight is not a positive finite number.
    TableError
        If the table has no criteria columns, lacks ``kode``/``produk``, or a rating is missing.
    """
    _check_products(products, ("kode", "produk"))
    criteria = _criteria(products)
    if not criteria:
        msg = f"The product table has no criteria columns ({CRITERION_PREFIX}<name>); MPE needs at least one."
        raise TableError(msg)
    unknown = sorted(set(weights) - set(criteria))
    absent = [c for c in criteria if c not in weights]
    if unknown or absent:
        msg = (
            f"The MPE weights must name each criterion of the table once: criteria {criteria}; "
            f"without a weight {absent}; weights for unknown criteria {unknown}."
        )
        raise ConfigError(msg)
    bad: dict[str, object] = {k: v for k, v in weights.items() if isinstance(v, bool) or not isinstance(v, int | float)}
    bad.update({k: v for k, v in weights.items() if k not in bad and not (math.isfinite(v) and v > 0)})
    if bad:
        msg = f"MPE weights must be positive finite numbers; bad: {bad}."
        raise ConfigError(msg)
    ratings = products[[CRITERION_PREFIX + c for c in criteria]].astype(float)
    if ratings.isna().any().any():
        rows = products.get("row", pd.Series(products.index, index=products.index))
        empty = [f"row {rows[i]}" for i in ratings.index[ratings.isna().any(axis=1)]]
        msg = f"Ratings are missing in {listing(empty, sep='; ')}; every candidate needs a rating on every criterion."
        raise TableError(msg)
    keep = [c for c in ("kode", "kecamatan", "desa", "produk", "sektor") if c in products.columns]
    scores = products[keep].copy()
    for c in criteria:
        scores[f"nilai_{c}"] = ratings[CRITERION_PREFIX + c] ** float(weights[c])
    scores["nilai_total"] = scores[[f"nilai_{c}" for c in criteria]].sum(axis=1)
    scores["peringkat_kecamatan"] = (
        scores.groupby("kode")["nilai_total"].rank(method="min", ascending=False).astype(int)
    )
    scores["peringkat"] = scores["nilai_total"].rank(method="min", ascending=False).astype(int)
    product_key = scores["produk"].map(normalise_name)
    display = scores.groupby(product_key, sort=False)["produk"].first()
    grouped = scores.groupby(product_key, sort=False)
    overall = pd.DataFrame(
        {
            "n_kecamatan": grouped["kode"].nunique(),
            "nilai_rata": grouped["nilai_total"].mean(),
            "nilai_maks": grouped["nilai_total"].max(),
        }
    )
    overall.index = pd.Index(display.reindex(overall.index).to_numpy(), name="produk")
    overall["peringkat"] = overall["nilai_rata"].rank(method="min", ascending=False).astype(int)
    overall = overall.sort_values(["peringkat", "n_kecamatan"], ascending=[True, False], kind="stable")
    used = {c: float(weights[c]) for c in criteria}
    settings = {
        "method": "exponential comparison method (MPE)",
        "definition": MPE_DEFINITION,
        "weights": [f"{c}={w:g}" for c, w in used.items()],
        "criteria": criteria,
        "rating_scale": products.attrs.get("scale"),
        "rank_within": "kecamatan (kode); overall over all candidates",
        "product_overall": "mean TN over the candidates of the product (names matched case- and space-blind)",
        "ties": "share the lowest rank (rank method 'min')",
        "numpy_version": np.__version__,
        "pandas_version": pd.__version__,
    }
    return MPEResult(
        scores=scores,
        overall=overall,
        weights=MappingProxyType(used),
        settings=MappingProxyType(settings),
    )


# --------------------------------------------------------------------------- leading product


def _product_scores(products: pd.DataFrame, by: str, weights: Mapping[str, float] | None) -> pd.DataFrame:
    """Score of each kecamatan x product (``kode, produk, sektor, skor``)."""
    if by == "mpe":
        if weights is None:
            msg = "leading_products(by='mpe') needs the criterion weights: pass weights={criterion: weight}."
            raise ConfigError(msg)
        scored = mpe_ranking(products, weights=weights).scores.rename(columns={"nilai_total": "skor"})
        how = "mean"
    else:
        _check_products(products, ("kode", "produk", "sektor", by))
        scored = products.assign(skor=pd.to_numeric(products[by], errors="coerce"))
        empty = scored["skor"].isna()
        if empty.any():
            rows = products.get("row", pd.Series(products.index, index=products.index))[empty]
            msg = f"{int(empty.sum())} candidate(s) have no {by!r} and are left out: rows {rows.tolist()}."
            warnings.warn(msg, UserWarning, stacklevel=3)
            scored = scored[~empty]
        how = "sum"
    scored = scored.assign(_p=scored["produk"].map(normalise_name))
    grouped = scored.groupby(["kode", "_p"], sort=False)
    return pd.DataFrame(
        {
            "kecamatan": grouped["kecamatan"].first() if "kecamatan" in scored else grouped["kode"].first(),
            "produk": grouped["produk"].first(),
            "sektor": grouped["sektor"].first(),
            "skor": grouped["skor"].agg(how),
        }
    ).reset_index(level="_p", drop=True)


def leading_products(
    products: pd.DataFrame,
    *,
    by: str = "mpe",
    weights: Mapping[str, float] | None = None,
    units: pd.Index | None = None,
) -> pd.DataFrame:
    """The leading product of each kecamatan, with its runner-up.

    Parameters
    ----------
    products
        Output of :func:`~umkm_geo.tables.products.read_products`.
    by
        ``"mpe"`` (highest MPE total value, needs ``weights``) or an amount column, ``"output"``,
        ``"jumlah_unit"`` or ``"nilai"`` (largest amount).
    weights
        Criterion weights for ``by="mpe"`` (see :func:`mpe_ranking`).
    units
        Kecamatan codes of the study area; when given the result is indexed by them, with missing
        values for kecamatan without candidates (so a map shows them as "no data").

    Returns
    -------
    pandas.DataFrame
        Indexed by ``kode``: ``kecamatan``, ``produk``, ``sektor``, ``skor`` of the leader,
        ``produk_kedua`` and ``skor_kedua`` of the runner-up (missing when there is one candidate),
        ``n_kandidat`` and ``seri`` (the runner-up ties the leader; the leader is then the first
        in alphabetical order). A product listed in several desa of a kecamatan is one candidate:
        its MPE value is the mean over its desa, its amount the sum.

    Raises
    ------
    ConfigError
        If ``by`` is unknown or ``by="mpe"`` lacks ``weights``.

    Warns
    -----
    UserWarning
        When candidates without the amount ``by`` are left out.
    """
    choices = ("mpe", *PRODUCT_VALUE_COLUMNS)
    if by not in choices:
        msg = f"Unknown ranking {by!r} for the leading product; use one of {list(choices)}."
        raise ConfigError(msg)
    scored = _product_scores(products, by, weights)
    scored = scored.sort_values("produk", kind="stable").sort_values("skor", ascending=False, kind="stable")
    rows = {}
    for code, group in scored.groupby(level=0, sort=False):
        first = group.iloc[0]
        second = group.iloc[1] if len(group) > 1 else None
        rows[code] = {
            "kecamatan": first["kecamatan"],
            "produk": first["produk"],
            "sektor": first["sektor"],
            "skor": float(first["skor"]),
            "produk_kedua": None if second is None else second["produk"],
            "skor_kedua": np.nan if second is None else float(second["skor"]),
            "n_kandidat": len(group),
            "seri": bool(second is not None and np.isclose(second["skor"], first["skor"], rtol=1e-12, atol=0)),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "kode"
    if units is not None:
        table = table.reindex(pd.Index(units, name="kode"))
        table["n_kandidat"] = table["n_kandidat"].fillna(0).astype(int)
        table["seri"] = table["seri"].astype("boolean")
    else:
        table = table.sort_index()
    return table


# --------------------------------------------------------------------------- location quotient


def product_lq(products: pd.DataFrame, *, value: str = "jumlah_unit") -> LQResult:
    """Location quotient of product sectors per kecamatan (basis sectors where ``LQ > 1``).

    The amounts ``value`` are summed per kecamatan and sector (a sector without a product in a
    kecamatan counts 0) and passed to :func:`umkm_geo.stats.regional.location_quotient` with the sum over
    the kecamatan of the table as reference.

    Parameters
    ----------
    products
        Output of :func:`~umkm_geo.tables.products.read_products`.
    value
        Amount column to sum: ``"jumlah_unit"`` (default), ``"output"`` or ``"nilai"``.

    Returns
    -------
    LQResult
        As from :func:`~umkm_geo.stats.regional.location_quotient`; its settings also record the
        amount used and how the table was aggregated.

    Raises
    ------
    ConfigError
        If ``value`` is not an amount column.
    TableError
        If the table lacks ``value``, or every amount is missing.

    Warns
    -----
    UserWarning
        When candidates without an amount are left out.
    """
    if value not in PRODUCT_VALUE_COLUMNS:
        msg = f"Unknown amount {value!r} for the location quotient; use one of {list(PRODUCT_VALUE_COLUMNS)}."
        raise ConfigError(msg)
    _check_products(products, ("kode", "sektor", value))
    amounts = pd.to_numeric(products[value], errors="coerce")
    empty = amounts.isna()
    if empty.all():
        msg = f"Every {value!r} of the product table is empty; the location quotient needs amounts."
        raise TableError(msg)
    if empty.any():
        rows = products.get("row", pd.Series(products.index, index=products.index))[empty]
        msg = f"{int(empty.sum())} candidate(s) have no {value!r} and are left out of the LQ: rows {rows.tolist()}."
        warnings.warn(msg, UserWarning, stacklevel=2)
    present = products[~empty].assign(_v=amounts[~empty])
    wide = present.pivot_table(index="kode", columns="sektor", values="_v", aggfunc="sum", fill_value=0.0)
    wide.columns.name = None
    result = location_quotient(wide)
    settings = {
        **result.settings,
        "amount": value,
        "aggregation": f"sum of {value!r} per kecamatan and sector; a sector without products counts 0",
    }
    return dataclasses.replace(result, settings=MappingProxyType(settings))
