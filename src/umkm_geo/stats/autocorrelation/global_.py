"""Global spatial autocorrelation of one variable: Moran's I, Geary's C and Getis-Ord General G.

Each function wraps one esda statistic and adds: values aligned to the ids of the libpysal
``Graph`` (Kemendagri codes, validated by ``umkm_geo.stats._inference._check_inputs``), seeded and
reproducible permutations, a stated two-sided pseudo p-value next to the folded one of esda < 2.10
(definitions in :data:`umkm_geo.stats._inference.P_VALUE_DEFINITIONS`) and a frozen result whose settings
record the weights used, the island handling and the library versions.

* :func:`global_moran` -- Moran's I (:class:`esda.Moran`).
* :func:`geary` -- Geary's C (:class:`esda.Geary`); ``C < 1`` means positive autocorrelation.
* :func:`general_g` -- Getis-Ord General G (:class:`esda.G`) on binary weights, for
  non-negative values; ``G > E[G]`` means high values cluster.

Related statistics live in their own modules: join counts of a 0/1 indicator in
:mod:`umkm_geo.stats.autocorrelation.join_counts`, Moran's I of rates and bivariate Moran's I in
:mod:`umkm_geo.stats.autocorrelation.moran_variants`, local statistics in
:mod:`umkm_geo.stats.autocorrelation.local`. What the global
statistics share (seeded esda runs, pseudo p-values, settings, result layout) is in
:mod:`umkm_geo.stats._global_inference`.

esda draws these permutations from NumPy's global legacy generator and takes no seed; it is seeded
for the call and the caller's state restored afterwards (not thread-safe).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import esda
import numpy as np
import pandas as pd
from libpysal.graph import Graph

from umkm_geo._errors import AnalysisError
from umkm_geo._provenance import versions
from umkm_geo.results import FieldsResult
from umkm_geo.stats._global_inference import (
    _has_variance,
    _inference_settings,
    _moran_fields,
    _no_variance_reason,
    _note_undefined,
    _p_normal,
    _p_sim_settings,
    _run_esda,
    _run_fields,
    _untested,
)
from umkm_geo.stats._inference import _check_inputs, _islands, _name

__all__ = [
    "GearyResult",
    "GeneralGResult",
    "GlobalMoranResult",
    "geary",
    "general_g",
    "global_moran",
]

_P_ANALYTICAL = "two-sided, normal approximation: 2 * (1 - Phi(|z|)) from esda's z"


# --- Moran's I -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class GlobalMoranResult(FieldsResult):
    """Global Moran's I with analytical and permutation inference.

    Attributes
    ----------
    variable
        Name of the variable (the Series name).
    I
        Moran's I.
    expected_I
        Expected value under the null, ``-1 / (n - 1)``.
    z_norm, p_norm
        z-value and two-sided p-value under the normality assumption.
    z_rand, p_rand
        z-value and two-sided p-value under the randomisation assumption.
    p_sim
        Two-sided pseudo p-value from the permutations (see ``settings["p_sim_definition"]``).
    p_sim_folded
        Folded pseudo p-value of esda < 2.10 (``Moran.p_sim``), for comparison.
    n
        Number of units in the statistic (islands included, see ``n_islands``).
    n_islands
        Number of units without neighbours.
    permutations, seed
        Permutation settings.
    settings
        Everything else used: transformation, definitions, island handling, versions.
    """

    variable: str | None
    I: float  # noqa: E741
    expected_I: float  # noqa: N815
    z_norm: float
    p_norm: float
    z_rand: float
    p_rand: float
    p_sim: float
    p_sim_folded: float
    n: int
    n_islands: int
    permutations: int
    seed: int
    settings: Mapping[str, Any]

    _result = "global_moran"


def global_moran(y: pd.Series, graph: Graph, *, permutations: int = 999, seed: int) -> GlobalMoranResult:
    """Compute global Moran's I of ``y`` with ``graph``.

    Parameters
    ----------
    y
        Values indexed by unit id; every id of ``graph`` must be present (order does not
        matter) and finite.
    graph
        libpysal ``Graph``; its transformation (row-standardised from
        :func:`umkm_geo.weights.build.build_weights`) is used as is.
    permutations
        Number of random permutations for the pseudo p-value (at least 1).
    seed
        Seed of the permutations; the same seed gives the same result.

    Returns
    -------
    GlobalMoranResult
        I, its expectation, analytical z and two-sided p under normality and randomisation, the
        two-sided and folded pseudo p-values and the settings used.

    Raises
    ------
    AnalysisError
        If ``y`` is constant, has missing values, or does not cover the ids of ``graph``.
    ConfigError
        For a non-integer seed or fewer than one permutation.

    Notes
    -----
    Islands are handled as esda does: they stay in ``n``, in the mean and in the variance of
    ``y``, but contribute no cross-products (their row of weights is zero); with row-standardised
    weights ``S0 = n - n_islands``, so ``I = n / S0 * z'Wz / z'z``. GeoDa's Moran scatter-plot
    slope keeps islands with a zero lag and equals ``I * S0 / n``: the two differ by the factor
    ``n / (n - n_islands)`` when there are islands, and agree without. ``n`` and ``n_islands``
    are recorded; use fuzzy contiguity to remove false islands.

    esda draws the permutations from NumPy's global legacy generator and takes no seed; it is
    seeded for the call and the caller's generator state is restored afterwards (not
    thread-safe: do not run two of these calls in parallel threads).
    """
    values = _check_inputs(y, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="Moran's I")
    moran, p_sim, p_fold = _run_esda(
        esda.Moran, "I", values, graph, seed=seed, transformation=graph.transformation, permutations=permutations
    )
    settings = {
        **_p_sim_settings(permutations, seed),
        "p_analytical": "two-sided, normal approximation (esda p_norm, p_rand)",
        "permutation": "total (random relabelling of all units)",
        "transformation": graph.transformation,
        "islands": "kept as esda does: in n, mean and variance; no cross-products",
        **versions("esda", "libpysal"),
    }
    fields = {**_moran_fields(moran), "p_sim": p_sim, "p_sim_folded": p_fold}
    if not _has_variance(moran.VI_norm, moran.EI, moran.I, moran.sim):
        _untested(fields, settings, _no_variance_reason("Moran's I", graph), ("p_sim", "p_sim_folded"))
    _note_undefined(fields, settings, len(values))
    return GlobalMoranResult(
        variable=_name(y),
        **fields,
        **_run_fields(len(values), graph, permutations, seed, settings),
    )


# --- Geary's C -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class GearyResult(FieldsResult):
    """Geary's C with analytical and permutation inference.

    Attributes
    ----------
    variable
        Name of the variable (the Series name).
    C
        Geary's C; ``C < 1`` positive, ``C > 1`` negative spatial autocorrelation.
    expected_C
        Expected value under the null, 1.
    z_norm, p_norm
        z-value (esda) and two-sided p-value under the normality assumption.
    z_rand, p_rand
        z-value (esda) and two-sided p-value under the randomisation assumption.
    p_sim
        Two-sided pseudo p-value from the permutations (see ``settings["p_sim_definition"]``).
    p_sim_folded
        Folded pseudo p-value (esda's ``Geary.p_sim``), for comparison.
    n, n_islands
        Number of units and of units without neighbours.
    permutations, seed
        Permutation settings.
    settings
        Everything else used: transformation, definitions, island handling, versions.
    """

    variable: str | None
    C: float
    expected_C: float  # noqa: N815
    z_norm: float
    p_norm: float
    z_rand: float
    p_rand: float
    p_sim: float
    p_sim_folded: float
    n: int
    n_islands: int
    permutations: int
    seed: int
    settings: Mapping[str, Any]

    _result = "geary"


def geary(y: pd.Series, graph: Graph, *, permutations: int = 999, seed: int) -> GearyResult:
    """Compute Geary's C of ``y`` with ``graph``.

    Parameters
    ----------
    y
        Values indexed by unit id; every id of ``graph`` must be present and finite.
    graph
        libpysal ``Graph``; its transformation is used as is.
    permutations
        Number of random permutations for the pseudo p-value (at least 1).
    seed
        Seed of the permutations; the same seed gives the same result.

    Returns
    -------
    GearyResult
        C, its expectation (1), analytical z and two-sided p under normality and randomisation,
        the two-sided and folded pseudo p-values and the settings used.

    Raises
    ------
    AnalysisError
        If ``y`` is constant, has missing values, or does not cover the ids of ``graph``.
    ConfigError
        For a non-integer seed or fewer than one permutation.

    Notes
    -----
    ``C = (n - 1) * sum_ij w_ij (y_i - y_j)^2 / (2 * S0 * sum_i (y_i - mean)^2)``. esda reports
    one-sided analytical p-values; the two-sided ones here are ``2 * (1 - Phi(|z|))`` from
    esda's z. Islands stay in ``n``, the mean and the variance and add no squared differences.
    esda 2.9's ``Geary`` fails on a ``Graph`` with islands (the zero self-weights that encode
    them break its sparse indexing), so such graphs are passed as the equivalent
    ``libpysal.weights.W`` (``graph.to_W()``); the value does not change.
    """
    values = _check_inputs(y, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="Geary's C")
    island = _islands(graph)
    weights: Any = graph.to_W() if island.any() else graph
    stat, p_sim, p_fold = _run_esda(
        esda.Geary, "C", values, weights, seed=seed, transformation=graph.transformation, permutations=permutations
    )
    settings = {
        **_inference_settings(permutations, seed),
        "definition": "C = (n - 1) sum_ij w_ij (y_i - y_j)^2 / (2 S0 sum_i (y_i - mean(y))^2); E[C] = 1",
        "interpretation": "C < 1: positive spatial autocorrelation (similar neighbours); C > 1: negative",
        "p_analytical": _P_ANALYTICAL + " (esda's own p_norm, p_rand are one-sided)",
        "transformation": graph.transformation,
        "weights_passed_to_esda": "libpysal W from graph.to_W() (islands)" if island.any() else "libpysal Graph",
        "islands": "in n, mean and variance; no squared differences; S0 over units with neighbours",
        **versions("esda", "libpysal"),
    }
    nan = float("nan")
    z_norm = float(stat.z_norm) if _has_variance(stat.VC_norm, stat.EC) else nan
    z_rand = float(stat.z_rand) if _has_variance(stat.VC_rand, stat.EC) else nan
    fields = {"z_norm": z_norm, "p_norm": _p_normal(z_norm), "z_rand": z_rand, "p_rand": _p_normal(z_rand)}
    fields.update(p_sim=p_sim, p_sim_folded=p_fold)
    if not _has_variance(stat.VC_norm, stat.EC, stat.C, stat.sim):
        _untested(fields, settings, _no_variance_reason("Geary's C", graph), ("p_sim", "p_sim_folded"))
    _note_undefined(fields, settings, len(values))
    return GearyResult(
        variable=_name(y),
        C=float(stat.C),
        expected_C=float(stat.EC),
        **fields,
        **_run_fields(len(values), graph, permutations, seed, settings),
    )


# --- Getis-Ord General G ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class GeneralGResult(FieldsResult):
    """Getis-Ord General G with analytical and permutation inference.

    Attributes
    ----------
    variable
        Name of the variable (the Series name).
    G
        General G on binary weights; ``G > expected_G`` when high values cluster, below when
        low values cluster.
    expected_G
        Expected value under the null, ``S0 / (n (n - 1))``.
    z_norm, p_norm
        z-value and two-sided p-value from the moments of G under randomisation (Getis & Ord 1992,
        as esda's ``G``, which names them ``z_norm`` and ``p_norm``; not normality moments).
    p_sim
        Two-sided pseudo p-value from the permutations.
    p_sim_folded
        Folded pseudo p-value (esda's ``G.p_sim``), for comparison.
    n, n_islands
        Number of units and of units without neighbours.
    permutations, seed
        Permutation settings.
    settings
        Everything else used, including the (binary) weights.
    """

    variable: str | None
    G: float
    expected_G: float  # noqa: N815
    z_norm: float
    p_norm: float
    p_sim: float
    p_sim_folded: float
    n: int
    n_islands: int
    permutations: int
    seed: int
    settings: Mapping[str, Any]

    _result = "general_g"


#: Above this many units General G is computed by :class:`_SparseG` rather than ``esda.G``.
DENSE_G_LIMIT = 5_000


class _SparseG:
    """General G without an n x n matrix: ``esda.G``'s statistic, moments and permutations, in O(n + links).

    The denominator ``sum_{i != j} y_i y_j`` is ``(sum y)^2 - sum y^2``; the numerator
    ``sum_ij w_ij y_i y_j`` is ``y . lag(y)``. The moments are Getis & Ord's (1992) randomisation
    moments from S0, S1, S2 and the sums of y, y^2, y^3, y^4; the permutations draw
    ``np.random.permutation(y)`` in the same order as ``esda.G`` (under the seed :func:`_run_esda`
    sets), so both give the same draws.
    """

    def __init__(self, y: np.ndarray, w: Any, permutations: int = 999) -> None:
        y = np.asarray(y, dtype=float).ravel()
        n = len(y)
        self.w, self.y, self.n = w, y, n
        summary = w.summary()
        s0, s1, s2 = float(summary.s0), float(summary.s1), float(summary.s2)
        self.den_sum = float(y.sum() ** 2 - (y * y).sum())
        self.G = self._calc(y)
        self.EG = s0 / (n * (n - 1))
        n2, sy = n * n, [float((y**k).sum()) for k in range(5)]
        b0 = (n2 - 3 * n + 3) * s1 - n * s2 + 3 * s0**2
        b1 = -((n2 - n) * s1 - 2 * n * s2 + 6 * s0**2)
        b2 = -(2 * n * s1 - (n + 3) * s2 + 6 * s0**2)
        b3 = 4 * (n - 1) * s1 - 2 * (n + 1) * s2 + 8 * s0**2
        b4 = s1 - s2 + s0**2
        moment = b0 * sy[2] ** 2 + b1 * sy[4] + b2 * sy[1] ** 2 * sy[2] + b3 * sy[1] * sy[3] + b4 * sy[1] ** 4
        self.VG = moment / ((sy[1] ** 2 - sy[2]) ** 2 * n * (n - 1) * (n - 2) * (n - 3)) - self.EG**2
        self.z_norm = (self.G - self.EG) / np.sqrt(self.VG)
        self.sim = np.array([self._calc(np.random.permutation(y)) for _ in range(permutations)])

    def _calc(self, y: np.ndarray) -> float:
        return float((y * self.w.lag(y)).sum() / self.den_sum)


def general_g(y: pd.Series, graph: Graph, *, permutations: int = 999, seed: int) -> GeneralGResult:
    """Compute the Getis-Ord General G of non-negative ``y`` with the binary version of ``graph``.

    Parameters
    ----------
    y
        Non-negative values indexed by unit id (counts, densities); every id of ``graph`` must
        be present and finite, and at least two units must be positive.
    graph
        libpysal ``Graph``; whatever its transformation, G uses ``graph.transform("B")`` (1 for
        each neighbour), the weights General G is defined for.
    permutations
        Number of random permutations for the pseudo p-value (at least 1).
    seed
        Seed of the permutations.

    Returns
    -------
    GeneralGResult
        G, its expectation, analytical z and two-sided p, the two-sided and folded pseudo
        p-values and the settings used.

    Raises
    ------
    AnalysisError
        If ``y`` has negative values (the units are named), fewer than two positive values, is
        constant, has missing values, or does not cover the ids of ``graph``.
    ConfigError
        For a non-integer seed or fewer than one permutation.

    Notes
    -----
    ``G = sum_ij w_ij y_i y_j / sum_{i != j} y_i y_j`` with binary ``w``. Islands stay in the
    denominator and add nothing to the numerator. esda's analytical p is one-sided; the
    reported ``p_norm`` is two-sided.
    """
    values = _check_inputs(y, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="General G")
    ids = pd.Index(graph.unique_ids)
    negative = values < 0
    if negative.any():
        found = {str(i): float(v) for i, v in zip(ids[negative][:10], values[negative][:10], strict=True)}
        msg = (
            f"General G needs non-negative values, but {_name(y)!r} is negative for "
            f"{int(negative.sum())} units: {found}. Use counts or densities, or geary()/global_moran() "
            "for values that can be negative."
        )
        raise AnalysisError(msg)
    if (values > 0).sum() < 2:
        msg = (
            f"General G of {_name(y)!r} is undefined: fewer than two units have a positive value "
            f"(positive: {list(map(str, ids[values > 0]))}), so the sum of cross-products is zero."
        )
        raise AnalysisError(msg)
    engine = _SparseG if len(values) > DENSE_G_LIMIT else esda.G  # esda.G forms the n x n matrix y y'
    stat, p_sim, p_fold = _run_esda(engine, "G", values, graph.transform("B"), seed=seed, permutations=permutations)
    settings = {
        **_inference_settings(permutations, seed),
        "definition": "G = sum_ij w_ij y_i y_j / sum_{i != j} y_i y_j, binary w; E[G] = S0 / (n (n - 1))",
        "interpretation": "G > E[G]: high values cluster (hot spots); G < E[G]: low values cluster",
        "p_analytical": _P_ANALYTICAL + " (esda's own p_norm is one-sided)",
        "moments": (
            "randomisation moments of G (Getis & Ord 1992; esda.G's EG and VG, which esda calls z_norm and "
            "p_norm): E[G] = S0 / (n (n - 1)), Var[G] from the sums of y, y^2, y^3, y^4; not normality moments"
        ),
        "transformation": "B",
        "transformation_of_input_graph": graph.transformation,
        "weights_used": "graph.transform('B'): 1 for every neighbour of the input graph",
        "islands": "in the denominator (all pairs i != j); no cross-products in the numerator",
        **versions("esda", "libpysal"),
    }
    z_norm = float(stat.z_norm) if _has_variance(stat.VG, stat.EG) else float("nan")
    fields = {"z_norm": z_norm, "p_norm": _p_normal(z_norm), "p_sim": p_sim, "p_sim_folded": p_fold}
    if not _has_variance(stat.VG, stat.EG, stat.G, stat.sim):
        _untested(fields, settings, _no_variance_reason("General G", graph), ("p_sim", "p_sim_folded"))
    _note_undefined(fields, settings, len(values))
    return GeneralGResult(
        variable=_name(y),
        G=float(stat.G),
        expected_G=float(stat.EG),
        **fields,
        **_run_fields(len(values), graph, permutations, seed, settings),
    )
