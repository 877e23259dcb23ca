"""Local spatial statistics: LISA, bivariate LISA, Getis-Ord Gi* and local Geary.

Each statistic's observed value is computed exactly as esda computes it (a test holds it to esda's
to 1e-12); its pseudo p-value comes from conditional permutation run by
:func:`umkm_geo.stats.permutation.conditional_permutation`: for every unit its own value stays fixed and
``k_i`` distinct other units (``k_i`` = number of neighbours) are drawn afresh for each of the
``R`` permutations, as GeoDa and R's spdep do. esda instead draws one permutation table shared by all
units, so the map-wide share of significant units moves with the seed; and it keeps every
simulation in memory. The compiled engine counts in the loop and keeps memory at O(n).

Every result states its pseudo p-value (two-sided by default, folded on request), applies the
multiple-testing correction to its labels, labels units without neighbours ``"island"`` and leaves
them out of inference, and records permutations, seed, alternative, correction and engine.

Statistics and their simulated form (``lag(v)_i = sum_j w_ij v_j``, ``z`` = standardised ``y``)

==================  =====================================  =======================================
statistic           observed                               labels
==================  =====================================  =======================================
local Moran         ``(n-1) z_i lag(z)_i / sum z^2``       HH, LL, LH, HL (value, lag quadrant)
bivariate Moran     ``(n-1) zx_i lag(zy)_i / sum zx^2``    HH, LL, LH, HL (x, lag of y)
Getis-Ord Gi*       ``sum_j w*_ij y_j / sum y``            hot (z > 0), cold (z < 0)
local Geary         ``sum_j w_ij (z_i - z_j)^2``           HH, LL, other positive, negative
==================  =====================================  =======================================

Size: one family of four statistics, each an exact formula (Gi* also its analytical moments) next
to the one result class and the one finishing step they all share (p-values, multiple-testing
correction, labels, settings); some 300 of its lines are signatures and docstrings. A module per
statistic would only import that private finishing step from here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse

from umkm_geo._errors import AnalysisError
from umkm_geo._provenance import versions
from umkm_geo.results import TableMixin, payload
from umkm_geo.stats._inference import (
    _P_VALUE_LABELS,
    CORRECTIONS,
    MAX_CORRECTION_PERMUTATIONS,
    P_VALUE_DEFINITIONS,
    _check_inputs,
    _islands,
    _name,
    check_options,
    permutations_for_correction,
    significance,
)
from umkm_geo.stats.permutation import PermutationCounts, conditional_permutation

if TYPE_CHECKING:  # libpysal takes about a second to import; a lean CLI run never needs it
    from libpysal.graph import Graph

__all__ = [
    "CATEGORIES",
    "CLUSTER_LABELS",
    "LocalMoranResult",
    "LocalResult",
    "local_geary",
    "local_gi_star",
    "local_moran",
    "local_moran_bv",
]

#: Cluster codes of local and bivariate Moran, in legend order.
CLUSTER_LABELS: tuple[str, ...] = ("HH", "LL", "LH", "HL", "ns", "island")

#: Label categories of every local statistic, in legend order (fixed: a missing category never
#: shifts the colours of the others).
CATEGORIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "local_moran": CLUSTER_LABELS,
        "local_moran_bv": CLUSTER_LABELS,
        "local_gi_star": ("hot", "cold", "ns", "island"),
        "local_geary": ("HH", "LL", "other_positive", "negative", "ns", "island"),
    }
)

_STAT_COLUMN: Mapping[str, str] = MappingProxyType(
    {"local_moran": "Ii", "local_moran_bv": "Ii", "local_gi_star": "Gi", "local_geary": "ci"}
)


@dataclasses.dataclass(frozen=True, eq=False)
class LocalResult(TableMixin):
    """A local statistic per unit with pseudo p-values and labels.

    Attributes
    ----------
    statistic
        ``"local_moran"``, ``"local_moran_bv"``, ``"local_gi_star"`` or ``"local_geary"``.
    variable
        Name of the variable (``"x ~ lag(y)"`` for the bivariate statistic).
    data
        Per-unit results indexed like the input; read them through :meth:`frame`.
    p_two_sided, p_folded
        Both pseudo p-value variants per unit (NaN for islands), indexed like the input.
    threshold
        The p-value cut-off after the multiple-testing correction.
    n, n_islands, n_tested
        Number of units, of islands, and of tested units.
    permutations, seed, alpha, correction, p_value
        The settings used.
    settings
        All settings, including the p-value description printed with every output.
    """

    statistic: str
    variable: str | None
    data: pd.DataFrame
    p_two_sided: pd.Series
    p_folded: pd.Series
    threshold: float
    n: int
    n_islands: int
    n_tested: int
    permutations: int
    seed: int
    alpha: float
    correction: str
    p_value: str
    settings: Mapping[str, Any]

    @property
    def categories(self) -> tuple[str, ...]:
        """The label categories of this statistic, in legend order."""
        return CATEGORIES[self.statistic]

    def frame(self) -> pd.DataFrame:
        """Per-unit results (a copy).

        Returns
        -------
        pandas.DataFrame
            Indexed like the input, with the statistic (``Ii``, ``Gi`` or ``ci``), ``z_sim``
            (standardised against the simulations), ``p_value`` (the variant named in
            ``settings["p_value_type"]``; NaN for islands), ``significant`` (after correction) and
            ``cluster`` (the label, ``"ns"`` when not significant, ``"island"`` without
            neighbours), plus statistic-specific columns (``quadrant``; ``z_norm`` and ``p_norm``
            for Gi*).
        """
        return self.data.copy()

    def counts(self) -> pd.Series:
        """Count the units per label, in :attr:`categories` order (zeros kept)."""
        counts = self.data["cluster"].value_counts().reindex(list(self.categories), fill_value=0)
        counts.name = "n_units"
        return counts.astype(int)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        statistics: dict[str, Any] = {
            "variable": self.variable,
            "n": self.n,
            "n_islands": self.n_islands,
            "n_tested": self.n_tested,
            "n_significant": int(self.data["significant"].sum()),
            "threshold": self.threshold,
        }
        statistics.update({f"n_{label}": int(c) for label, c in self.counts().items()})
        return payload(self.statistic, statistics, dict(self.settings))


#: Backwards-compatible name: local Moran returns a :class:`LocalResult`.
LocalMoranResult = LocalResult


def _csr(graph: Graph) -> tuple[scipy.sparse.csr_array, np.ndarray, np.ndarray]:
    """Weights in graph order without stored zeros; the CSR ``indptr`` and ``data``."""
    matrix = scipy.sparse.csr_array(graph.sparse, dtype=float, copy=True)
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix, matrix.indptr.astype(np.int64), np.ascontiguousarray(matrix.data, dtype=float)


def _standardise(values: np.ndarray) -> np.ndarray:
    """``(v - mean) / std`` with the population standard deviation, as esda does."""
    z = values - values.mean()
    return z / values.std()


def _quadrants(value: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Moran-scatterplot quadrant of each unit, as esda labels it (``> 0`` is high)."""
    high, high_lag = value > 0, lag > 0
    return np.select(
        [high & high_lag, ~high & high_lag, ~high & ~high_lag],
        ["HH", "LH", "LL"],
        default="HL",
    ).astype(object)


def _finish(
    *,
    statistic: str,
    variable: str | None,
    index: pd.Index,
    ids: pd.Index,
    observed: np.ndarray,
    counts: PermutationCounts,
    labels: Callable[[np.ndarray], np.ndarray],
    extra: Mapping[str, np.ndarray],
    alpha: float,
    correction: str,
    p_value: str,
    settings: Mapping[str, Any],
) -> LocalResult:
    island = counts.n_ge < 0
    # every simulation ties the observed value (e.g. a unit whose neighbours are all the other
    # units, under row-standardised weights): the null has no variance and the unit is not tested
    flat = ~island & (counts.n_ge >= counts.permutations) & (counts.n_le >= counts.permutations)
    untested = island | flat | ~np.isfinite(observed)
    p_two = np.where(untested, np.nan, counts.p_two_sided())
    p_fold = np.where(untested, np.nan, counts.p_folded())
    p = p_two if p_value == "two-sided" else p_fold
    tested = ~untested
    threshold, significant = significance(p, tested, alpha=alpha, correction=correction)
    cluster = np.where(significant, labels(counts.mean), "ns").astype(object)
    cluster[island] = "island"
    with np.errstate(invalid="ignore", divide="ignore"):
        z_sim = np.where(untested, np.nan, counts.z(observed))
    columns: dict[str, Any] = {_STAT_COLUMN[statistic]: observed, **extra}
    columns.update({"z_sim": z_sim, "p_value": p, "significant": significant, "cluster": cluster})
    data = pd.DataFrame(columns, index=ids).reindex(index)
    permutations = counts.permutations
    full_settings = {
        "statistic": statistic,
        "permutations": int(permutations),
        "seed": int(counts.seed),
        "alpha": float(alpha),
        "correction": correction,
        "correction_definition": CORRECTIONS[correction][1],
        "alternative": p_value,
        "p_value_type": _P_VALUE_LABELS[p_value],
        "p_value_definition": P_VALUE_DEFINITIONS[p_value][1],
        "permutation": (
            "conditional: the unit's own value fixed; k_i distinct other units drawn afresh for "
            "every unit and permutation (as GeoDa and spdep), not one table shared by all units"
        ),
        "random_streams": "one stream per unit, derived from the seed and the unit's position in the weights",
        "engine": counts.engine,
        "threads": int(counts.n_threads),
        "significance_rule": "p <= threshold",
        "islands": "not tested (p = NaN); label 'island'",
        **settings,
        **versions("esda", "libpysal"),
    }
    if (untested & ~island).any():
        n_flat = int((untested & ~island).sum())
        which = (
            f"none of the {len(ids)} units can be tested"
            if not tested.any()
            else f"{n_flat} of the {len(ids)} units cannot be tested (p = NaN, label 'ns')"
        )
        full_settings["not_tested"] = (
            f"{which}: every permutation gives the observed value, so the null distribution has no variance "
            "(e.g. a unit whose neighbours are all the other units)"
        )
    n_islands = int(island.sum())
    return LocalResult(
        statistic=statistic,
        variable=variable,
        data=data,
        p_two_sided=pd.Series(p_two, index=ids, name="p_two_sided").reindex(index),
        p_folded=pd.Series(p_fold, index=ids, name="p_folded").reindex(index),
        threshold=threshold,
        n=len(ids),
        n_islands=n_islands,
        n_tested=int(tested.sum()),
        permutations=int(permutations),
        seed=int(counts.seed),
        alpha=float(alpha),
        correction=correction,
        p_value=p_value,
        settings=MappingProxyType(full_settings),
    )


def _for_correction(
    graph: Graph,
    permutations: int,
    alpha: float,
    correction: str,
    p_value: str,
    statistic: str,
    max_permutations: int,
) -> tuple[int, str, dict[str, Any]]:
    """Permutations and correction for the units with neighbours of ``graph`` (:func:`permutations_for_correction`)."""
    m = int((~_islands(graph)).sum())
    return permutations_for_correction(
        int(permutations),
        m,
        alpha=alpha,
        correction=correction,
        p_value=p_value,
        statistic=statistic,
        max_permutations=max_permutations,
    )


def _two_sided_normal_p(z: np.ndarray) -> np.ndarray:
    """``2 * (1 - Phi(|z|))`` without importing scipy.stats (slow to import)."""
    return np.array([math.erfc(abs(v) / math.sqrt(2.0)) if np.isfinite(v) else np.nan for v in z])


def local_moran(
    y: pd.Series,
    graph: Graph,
    *,
    permutations: int = 999,
    seed: int,
    alpha: float = 0.05,
    correction: str = "none",
    p_value: str = "two-sided",
    n_threads: int | None = None,
    max_permutations: int = MAX_CORRECTION_PERMUTATIONS,
) -> LocalResult:
    """Local Moran's I (LISA) of ``y`` with cluster labels HH, LL, LH and HL.

    Parameters
    ----------
    y
        Values indexed by unit id; every id of ``graph`` must be present and finite.
    graph
        libpysal ``Graph`` (row-standardised from :func:`umkm_geo.weights.build.build_weights`); its
        weights are used as they are.
    permutations
        Number of conditional permutations per unit (at least 1; 999 by default); raised when a
        multiple-testing correction needs more (see ``max_permutations``).
    seed
        Seed of the permutations; the same seed and input give identical results.
    alpha
        Significance level, in (0, 1).
    correction
        Multiple-testing control applied to the labels: ``"none"``, ``"fdr"`` (Benjamini-Hochberg)
        or ``"bonferroni"``; ``m`` is the number of tested (non-island) units.
    p_value
        ``"two-sided"`` (default) or ``"folded"`` (esda < 2.10 ``p_sim``).
    n_threads
        Threads of the permutation engine (default: the CPUs available, at most 8).
    max_permutations
        With ``correction`` ``"fdr"`` or ``"bonferroni"``, ``permutations`` is raised (with a
        warning, recorded in ``settings["permutations_raised"]``) to the fewest whose smallest
        p-value can pass ``alpha / m`` (``2 m / alpha - 1`` two-sided), up to this number; beyond
        it the correction is skipped with a warning and ``settings["correction_skipped"]``.

    Returns
    -------
    LocalResult
        Columns ``Ii`` (equal to esda's ``Moran_Local(...).Is``), ``quadrant``, ``z_sim``,
        ``p_value``, ``significant`` and ``cluster``.

    Raises
    ------
    AnalysisError
        If ``y`` is constant, has missing values, or does not cover the ids of ``graph``.
    ConfigError
        For invalid options.

    Notes
    -----
    ``Ii = (n - 1) z_i lag(z)_i / sum(z^2)`` with ``z`` standardised by the population standard
    deviation (Anselin 1995; as esda). Islands have a zero lag and ``Ii = 0``; they are not
    tested. With 999 permutations the smallest two-sided p-value is 0.002.
    """
    check_options(alpha=alpha, correction=correction, p_value=p_value)
    values = _check_inputs(y, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="local Moran")
    permutations, correction, changed = _for_correction(
        graph, permutations, alpha, correction, p_value, "local Moran", max_permutations
    )
    return _moran(
        values,
        values,
        graph,
        statistic="local_moran",
        variable=_name(y),
        index=y.index,
        permutations=permutations,
        seed=seed,
        options={"alpha": alpha, "correction": correction, "p_value": p_value},
        n_threads=n_threads,
        settings={"transformation": graph.transformation, "definition": "Anselin (1995) local Moran's I", **changed},
    )


def _moran(
    vx: np.ndarray,
    vy: np.ndarray,
    graph: Graph,
    *,
    statistic: str,
    variable: str | None,
    index: pd.Index,
    permutations: int,
    seed: int,
    options: dict[str, Any],
    n_threads: int | None,
    settings: dict[str, Any],
) -> LocalResult:
    """Local Moran of ``vx`` against the lag of ``vy`` (the univariate LISA when they are the same)."""
    matrix, indptr, weights = _csr(graph)
    zx, zy = _standardise(vx), _standardise(vy)
    den = float(zx @ zx)
    lag = matrix @ zy
    n = len(zx)
    observed = (n - 1) * zx * lag / den
    counts = conditional_permutation(
        indptr, weights, observed, zy, (n - 1) * zx / den, permutations=permutations, seed=seed, n_threads=n_threads
    )
    quadrant = _quadrants(zx, lag)
    quadrant[counts.n_ge < 0] = None
    return _finish(
        statistic=statistic,
        variable=variable,
        index=index,
        ids=pd.Index(graph.unique_ids),
        observed=observed,
        counts=counts,
        labels=lambda _mean: quadrant,
        extra={"quadrant": quadrant},
        settings=settings,
        **options,
    )


def local_moran_bv(
    x: pd.Series,
    y: pd.Series,
    graph: Graph,
    *,
    permutations: int = 999,
    seed: int,
    alpha: float = 0.05,
    correction: str = "none",
    p_value: str = "two-sided",
    n_threads: int | None = None,
    max_permutations: int = MAX_CORRECTION_PERMUTATIONS,
) -> LocalResult:
    """Bivariate LISA: ``x`` at each unit against the spatial lag of ``y`` around it.

    Parameters
    ----------
    x, y
        Values indexed by unit id (e.g. UMKM density and population density); every id of
        ``graph`` must be present in both and finite.
    graph, permutations, seed, alpha, correction, p_value, n_threads, max_permutations
        As in :func:`local_moran`.

    Returns
    -------
    LocalResult
        Columns ``Ii`` (equal to esda's ``Moran_Local_BV(x, y, ...).Is``), ``quadrant`` (first
        letter: ``x`` high or low; second: the lag of ``y``), ``z_sim``, ``p_value``,
        ``significant`` and ``cluster``.

    Notes
    -----
    ``Ii = (n - 1) zx_i lag(zy)_i / sum(zx^2)`` (Anselin, Syabri & Smirnov 2002; as esda). The
    permutations keep ``x_i`` and draw the neighbours' ``y`` values. A bivariate LISA does not
    control for the correlation of ``x`` and ``y`` at the same unit; read it with that in mind.
    """
    check_options(alpha=alpha, correction=correction, p_value=p_value)
    vx, vy = (
        _check_inputs(v, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="bivariate LISA")
        for v in (x, y)
    )
    permutations, correction, changed = _for_correction(
        graph, permutations, alpha, correction, p_value, "bivariate LISA", max_permutations
    )
    return _moran(
        vx,
        vy,
        graph,
        statistic="local_moran_bv",
        variable=f"{_name(x)} ~ lag({_name(y)})",
        index=x.index,
        permutations=permutations,
        seed=seed,
        options={"alpha": alpha, "correction": correction, "p_value": p_value},
        n_threads=n_threads,
        settings={
            "transformation": graph.transformation,
            "x": _name(x),
            "y": _name(y),
            "definition": "bivariate local Moran: x at the unit, spatial lag of y (Anselin, Syabri & Smirnov 2002)",
            **changed,
        },
    )


def _binary_with_self(graph: Graph) -> scipy.sparse.csr_array:
    """Binary contiguity plus a self-weight of 1, row-standardised (the usual Gi* weights)."""
    binary = scipy.sparse.csr_array(graph.sparse, dtype=float, copy=True)
    binary.eliminate_zeros()
    binary.data[:] = 1.0
    star = binary + scipy.sparse.eye_array(binary.shape[0], format="csr")
    rows = np.asarray(star.sum(axis=1)).ravel()
    return scipy.sparse.csr_array(scipy.sparse.diags_array(1.0 / rows) @ star)


def _gi_star_z(
    values: np.ndarray, star: scipy.sparse.csr_array, observed: np.ndarray, *, island: np.ndarray
) -> np.ndarray:
    """Analytical z of Gi* with the moments of Getis & Ord (1995) as R's ``spdep::localG`` computes them.

    For the weights ``w*`` actually used (here row-standardised), ``W_i = sum_j w*_ij`` and
    ``S1_i = sum_j w*_ij^2``: ``E[Gi*] = W_i / n`` and
    ``Var[Gi*] = s^2 (n S1_i - W_i^2) / ((n - 1) (sum y)^2)`` with ``s^2 = sum (y - mean)^2 / n``.
    The z does not depend on the scaling of a row: binary weights with self (``W_i = S1_i = k_i + 1``)
    give the same z. NaN for islands and for a unit whose window holds every unit (zero variance).
    """
    n = len(values)
    total = float(values.sum())
    s2 = float(((values - values.mean()) ** 2).sum()) / n
    w_sum = np.asarray(star.sum(axis=1)).ravel()
    s1 = np.asarray(star.multiply(star).sum(axis=1)).ravel()
    spread = n * s1 - w_sum**2
    var_g = s2 * spread / (n - 1) / total**2
    degenerate = island | (spread <= 1e-12 * w_sum**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (observed - w_sum / n) / np.sqrt(var_g)
    return np.where(degenerate, np.nan, z)


def local_gi_star(
    y: pd.Series,
    graph: Graph,
    *,
    permutations: int = 999,
    seed: int,
    alpha: float = 0.05,
    correction: str = "none",
    p_value: str = "two-sided",
    n_threads: int | None = None,
    max_permutations: int = MAX_CORRECTION_PERMUTATIONS,
) -> LocalResult:
    """Getis-Ord Gi* hot and cold spots of ``y``.

    Parameters
    ----------
    y
        Non-negative values indexed by unit id (counts, densities, rates).
    graph, permutations, seed, alpha, correction, p_value, n_threads, max_permutations
        As in :func:`local_moran`. Only the neighbour structure of ``graph`` is used: Gi* takes
        binary weights with the unit itself added (weight 1), row-standardised.

    Returns
    -------
    LocalResult
        Columns ``Gi`` (equal to esda's ``G_Local(y, graph, transform="R", star=True).Gs`` on
        the binary graph), ``z_norm`` and ``p_norm`` (analytical z and two-sided normal p with the
        variance of Getis & Ord (1995) as ``spdep::localG``, i.e. esda's ``Zs`` on binary weights,
        ``transform="B"``; NaN for islands), ``z_sim``, ``p_value``, ``significant`` and ``cluster`` (``"hot"`` for a
        significant unit whose neighbourhood sum is above its expectation, ``"cold"`` below).

    Raises
    ------
    AnalysisError
        For negative values (Gi* is defined for non-negative variables), besides the checks of
        :func:`local_moran`.

    Notes
    -----
    ``Gi*_i = sum_j w*_ij y_j / sum_j y_j`` (Getis & Ord 1992; Ord & Getis 1995). The permutations
    keep ``y_i`` (and its self-weight) and draw the neighbours. A unit without neighbours has only
    itself in its window; it is labelled ``"island"`` and not tested.
    """
    check_options(alpha=alpha, correction=correction, p_value=p_value)
    values = _check_inputs(y, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="Gi*")
    negative = values < 0
    ids = pd.Index(graph.unique_ids)
    if negative.any():
        msg = (
            f"Getis-Ord Gi* needs non-negative values; {_name(y)!r} is negative for "
            f"{list(map(str, ids[negative]))}. Use a count, density or rate, or local Moran instead."
        )
        raise AnalysisError(msg)
    permutations, correction, changed = _for_correction(
        graph, permutations, alpha, correction, p_value, "Getis-Ord Gi*", max_permutations
    )
    star = _binary_with_self(graph)
    total = float(values.sum())
    observed = (star @ values) / total
    self_weight = star.diagonal()
    others = scipy.sparse.csr_array(star - scipy.sparse.diags_array(self_weight, format="csr"))
    others.eliminate_zeros()
    others.sort_indices()
    n = len(values)
    z_norm = _gi_star_z(values, star, observed, island=np.diff(star.indptr) == 1)
    counts = conditional_permutation(
        others.indptr.astype(np.int64),
        np.ascontiguousarray(others.data, dtype=float),
        observed,
        values.astype(float),
        np.full(n, 1.0 / total),
        c=self_weight * values / total,
        permutations=permutations,
        seed=seed,
        n_threads=n_threads,
    )

    def labels(sim_mean: np.ndarray) -> np.ndarray:
        return np.where(observed > sim_mean, "hot", "cold").astype(object)

    return _finish(
        statistic="local_gi_star",
        variable=_name(y),
        index=y.index,
        ids=ids,
        observed=observed,
        counts=counts,
        labels=labels,
        extra={"z_norm": z_norm, "p_norm": _two_sided_normal_p(z_norm)},
        alpha=alpha,
        correction=correction,
        p_value=p_value,
        settings={
            "transformation": "binary with self-weight 1, row-standardised (Gi*)",
            "definition": "Getis-Ord Gi*: sum_j w*_ij y_j / sum_j y_j (Getis & Ord 1992; Ord & Getis 1995)",
            "hot_cold_rule": "hot if Gi* is above the mean of its permutations, cold if below",
            "p_norm": (
                "two-sided, normal approximation with the moments of Getis & Ord (1995) as spdep::localG: "
                "E = W_i / n, Var = s^2 (n S1_i - W_i^2) / ((n - 1) (sum y)^2), s^2 with divisor n, W_i and S1_i "
                "the sum and sum of squares of unit i's weights (binary with self: k_i + 1); NaN for islands and "
                "for a unit whose window holds every unit"
            ),
            **changed,
        },
    )


def local_geary(
    y: pd.Series,
    graph: Graph,
    *,
    permutations: int = 999,
    seed: int,
    alpha: float = 0.05,
    correction: str = "none",
    p_value: str = "two-sided",
    n_threads: int | None = None,
    max_permutations: int = MAX_CORRECTION_PERMUTATIONS,
) -> LocalResult:
    """Local Geary's c of ``y``: how different each unit is from its neighbours.

    Parameters
    ----------
    y, graph, permutations, seed, alpha, correction, p_value, n_threads, max_permutations
        As in :func:`local_moran`; the graph's weights are used as they are (row-standardised
        from :func:`umkm_geo.weights.build.build_weights`, as esda's ``Geary_Local``).

    Returns
    -------
    LocalResult
        Columns ``ci`` (equal to esda's ``Geary_Local(...).localG``), ``z_sim``, ``p_value``,
        ``significant`` and ``cluster``: a significantly *small* ``ci`` is positive association,
        labelled ``"HH"`` (unit and lag above the mean), ``"LL"`` (both below) or
        ``"other_positive"``; a significantly *large* ``ci`` is ``"negative"`` association
        (GeoDa's four categories).

    Notes
    -----
    ``c_i = sum_j w_ij (z_i - z_j)^2`` with ``z`` standardised by the population standard deviation
    (divisor ``n``), as esda's ``Geary_Local`` (Anselin 2019). GeoDa (and pygeoda) standardise with
    the sample standard deviation (divisor ``n - 1``), so GeoDa's ``c_i`` is ``(n - 1) / n`` times
    this one; the ranks, the permutation p-values and the labels are the same. The permutations
    keep ``z_i`` and draw the neighbours; ``c_i`` is expanded as
    ``z_i^2 sum_j w_ij - 2 z_i lag(z)_i + lag(z^2)_i`` so the engine evaluates it in one pass.
    """
    check_options(alpha=alpha, correction=correction, p_value=p_value)
    values = _check_inputs(y, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="local Geary")
    permutations, correction, changed = _for_correction(
        graph, permutations, alpha, correction, p_value, "local Geary", max_permutations
    )
    ids = pd.Index(graph.unique_ids)
    matrix, indptr, weights = _csr(graph)
    z = _standardise(values)
    row_sums = np.asarray(matrix.sum(axis=1)).ravel()
    lag = matrix @ z
    observed = z**2 * row_sums - 2.0 * z * lag + matrix @ (z**2)
    counts = conditional_permutation(
        indptr,
        weights,
        observed,
        z,
        -2.0 * z,
        x2=z**2,
        b=np.ones_like(z),
        c=z**2 * row_sums,
        permutations=permutations,
        seed=seed,
        n_threads=n_threads,
    )

    def labels(sim_mean: np.ndarray) -> np.ndarray:
        positive = observed < sim_mean
        kind = np.select([z > 0, z < 0], ["H", "L"], default="-")
        lag_kind = np.select([lag > 0, lag < 0], ["H", "L"], default="-")
        pair = np.char.add(kind.astype(str), lag_kind.astype(str))
        return np.where(positive, np.where(np.isin(pair, ["HH", "LL"]), pair, "other_positive"), "negative").astype(
            object
        )

    return _finish(
        statistic="local_geary",
        variable=_name(y),
        index=y.index,
        ids=ids,
        observed=observed,
        counts=counts,
        labels=labels,
        extra={},
        alpha=alpha,
        correction=correction,
        p_value=p_value,
        settings={
            "transformation": graph.transformation,
            "definition": (
                "local Geary c_i = sum_j w_ij (z_i - z_j)^2, z standardised with the population standard "
                "deviation (divisor n) as esda (Anselin 2019); GeoDa's c_i (divisor n - 1) is (n - 1) / n times this"
            ),
            "label_rule": (
                "significant and below the mean of its permutations: positive association (HH, LL or "
                "other_positive by the signs of z and its lag); above: negative"
            ),
            **changed,
        },
    )
