"""Global and local Moran's I with explicit, recorded inference settings.

The statistics come from esda (:class:`esda.Moran`, :class:`esda.Moran_Local`); this module
adds what a map of Indonesian kecamatan needs around them:

* values aligned to the ids of the libpysal ``Graph`` (Kemendagri codes), results aligned back
  to the input Series;
* seeded, reproducible permutations;
* a stated pseudo p-value. esda before 2.10 reports a *folded* ("directed") pseudo p-value for
  local Moran, which is about half the two-sided value. Here the default is **two-sided**,
  computed from esda's conditional-permutation simulations with the definition esda's
  ``calculate_significance(alternative="two-sided")`` uses (see :data:`P_VALUE_DEFINITIONS`);
* multiple-testing control applied to the cluster *labels* (Benjamini-Hochberg or Bonferroni);
* islands (units without neighbours) labelled ``"island"`` and left out of inference.

Every result is a frozen dataclass with ``to_dict()`` and ``table()`` in the layout of
:func:`umkm_geo._results.result_table`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import warnings
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import esda
import numpy as np
import pandas as pd
from libpysal.graph import Graph

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo._results import payload, result_table

__all__ = [
    "CLUSTER_LABELS",
    "CORRECTIONS",
    "P_VALUE_DEFINITIONS",
    "GlobalMoranResult",
    "LocalMoranResult",
    "global_moran",
    "local_moran",
]

#: Cluster codes of :class:`LocalMoranResult`, in legend order.
CLUSTER_LABELS: tuple[str, ...] = ("HH", "LL", "LH", "HL", "ns", "island")

# esda quadrant codes (PySAL scheme, geoda_quads=False) -> labels
_QUADRANTS: Mapping[int, str] = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


def _p_two_sided(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """Two-sided pseudo p-value, ``min(2 * (min(G, L) + 1) / (R + 1), 1)``."""
    r = simulated.shape[1]
    greater = (simulated >= observed[:, None]).sum(axis=1)
    lesser = (simulated <= observed[:, None]).sum(axis=1)
    return np.minimum(2.0 * (np.minimum(greater, lesser) + 1.0) / (r + 1.0), 1.0)


def _p_folded(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """Folded pseudo p-value of esda < 2.10, ``(min(G, R - G) + 1) / (R + 1)``."""
    r = simulated.shape[1]
    greater = (simulated >= observed[:, None]).sum(axis=1)
    return (np.minimum(greater, r - greater) + 1.0) / (r + 1.0)


#: Pseudo p-value variants: name -> (function of observed and simulations, definition).
P_VALUE_DEFINITIONS: Mapping[str, tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], str]] = MappingProxyType(
    {
        "two-sided": (
            _p_two_sided,
            "p = min(2 * (min(G, L) + 1) / (R + 1), 1), where G = #{sim >= obs}, "
            "L = #{sim <= obs} and R = number of permutations; as "
            "esda.significance.calculate_significance(alternative='two-sided') "
            "(pysal/esda#199, #281, #504)",
        ),
        "folded": (
            _p_folded,
            "p = (min(G, R - G) + 1) / (R + 1), where G = #{sim >= obs} and "
            "R = number of permutations: one-sided in the tail the data pick, about half "
            "the two-sided value; esda < 2.10 p_sim, alternative='directed' in "
            "esda.significance (not esda's alternative='folded', which folds about the mean)",
        ),
    }
)

_P_VALUE_LABELS: Mapping[str, str] = {
    "two-sided": "pseudo p-value, two-sided, conditional permutation",
    "folded": "pseudo p-value, folded (esda<2.10 p_sim), conditional permutation",
}


def _no_correction(p: np.ndarray, alpha: float) -> float:
    return alpha


def _bonferroni(p: np.ndarray, alpha: float) -> float:
    return alpha / len(p)


def _benjamini_hochberg(p: np.ndarray, alpha: float) -> float:
    m = len(p)
    ranked = np.sort(p)
    passing = np.nonzero(ranked <= alpha * np.arange(1, m + 1) / m)[0]
    return float(alpha * (passing[-1] + 1) / m) if len(passing) else 0.0


#: Multiple-testing corrections: name -> (threshold function, description). A unit is
#: significant when its p-value is <= the threshold computed over the tested (non-island) units.
CORRECTIONS: Mapping[str, tuple[Callable[[np.ndarray, float], float], str]] = MappingProxyType(
    {
        "none": (_no_correction, "none: p <= alpha"),
        "fdr": (
            _benjamini_hochberg,
            "Benjamini-Hochberg false discovery rate: p <= k * alpha / m, k the largest rank "
            "with p_(k) <= k * alpha / m, m the number of tested units",
        ),
        "bonferroni": (_bonferroni, "Bonferroni: p <= alpha / m, m the number of tested units"),
    }
)


def _accepts(callable_: Callable[..., Any], name: str) -> bool:
    return name in inspect.signature(callable_).parameters


@contextlib.contextmanager
def _legacy_numpy_seed(seed: int) -> Iterator[None]:
    """Seed NumPy's global generator for one call and restore the caller's state afterwards."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def _check_inputs(y: pd.Series, graph: Graph, *, permutations: int, seed: int, min_permutations: int) -> np.ndarray:
    """Validate y against the graph and return its values in graph order."""
    if not isinstance(y, pd.Series):
        msg = f"y must be a pandas Series indexed by unit id, not {type(y).__name__}."
        raise AnalysisError(msg)
    if not y.index.is_unique:
        dupes = sorted(map(str, set(y.index[y.index.duplicated()])))
        msg = f"The index of {y.name!r} has duplicated ids: {dupes}."
        raise AnalysisError(msg)
    ids = pd.Index(graph.unique_ids)
    missing, extra = ids.difference(y.index), y.index.difference(ids)
    if len(missing) or len(extra):
        msg = (
            f"{y.name!r} and the weights cover different units: "
            f"not in y {list(map(str, missing[:10]))}, "
            f"not in the weights {list(map(str, extra[:10]))}."
        )
        raise AnalysisError(msg)
    if isinstance(permutations, bool) or not isinstance(permutations, int | np.integer):
        msg = f"permutations must be an integer, not {permutations!r}."
        raise ConfigError(msg)
    if permutations < min_permutations:
        msg = f"permutations must be at least {min_permutations}, not {permutations}."
        raise ConfigError(msg)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        msg = f"seed must be an integer, not {seed!r}."
        raise ConfigError(msg)
    values = pd.to_numeric(y.reindex(ids), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        msg = (
            f"{y.name!r} has missing or non-finite values for {list(map(str, ids[bad]))}; "
            "Moran's I needs a value for every unit of the weights."
        )
        raise AnalysisError(msg)
    if np.ptp(values) == 0:
        msg = (
            f"{y.name!r} is constant ({values[0]!r} for all {len(values)} units), so it has no "
            "variance and Moran's I is undefined."
        )
        raise AnalysisError(msg)
    return values


def _islands(graph: Graph) -> np.ndarray:
    """Boolean mask, in graph order, of units without neighbours."""
    return (graph.cardinalities.reindex(graph.unique_ids) == 0).to_numpy()


def _versions() -> dict[str, str]:
    import libpysal

    return {"esda_version": esda.__version__, "libpysal_version": libpysal.__version__}


@dataclasses.dataclass(frozen=True)
class GlobalMoranResult:
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

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        statistics = {
            "variable": self.variable,
            "I": self.I,
            "expected_I": self.expected_I,
            "z_norm": self.z_norm,
            "p_norm": self.p_norm,
            "z_rand": self.z_rand,
            "p_rand": self.p_rand,
            "p_sim": self.p_sim,
            "p_sim_folded": self.p_sim_folded,
            "n": self.n,
            "n_islands": self.n_islands,
        }
        return payload("global_moran", statistics, dict(self.settings))

    def table(self) -> pd.DataFrame:
        """Return :meth:`to_dict` as a long table (see :func:`umkm_geo._results.result_table`)."""
        return result_table(self.to_dict())


def global_moran(y: pd.Series, graph: Graph, *, permutations: int = 999, seed: int) -> GlobalMoranResult:
    """Compute global Moran's I of ``y`` with ``graph``.

    Parameters
    ----------
    y
        Values indexed by unit id; every id of ``graph`` must be present (order does not
        matter) and finite.
    graph
        libpysal ``Graph``; its transformation (row-standardised from
        :func:`umkm_geo.weights.build_weights`) is used as is.
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
    values = _check_inputs(y, graph, permutations=permutations, seed=seed, min_permutations=1)
    transformation = graph.transformation
    kwargs: dict[str, Any] = {"transformation": transformation, "permutations": permutations}
    if _accepts(esda.Moran, "alternative"):  # esda >= 2.10 warns without it
        kwargs["alternative"] = "two-sided"
    with _legacy_numpy_seed(int(seed)):
        moran = esda.Moran(values, graph, **kwargs)
    observed = np.array([moran.I])
    simulated = np.asarray(moran.sim, dtype=float).reshape(1, -1)
    settings = {
        "permutations": int(permutations),
        "seed": int(seed),
        "alternative": "two-sided",
        "p_sim_definition": P_VALUE_DEFINITIONS["two-sided"][1],
        "p_sim_folded_definition": P_VALUE_DEFINITIONS["folded"][1],
        "p_analytical": "two-sided, normal approximation (esda p_norm, p_rand)",
        "permutation": "total (random relabelling of all units)",
        "transformation": transformation,
        "islands": "kept as esda does: in n, mean and variance; no cross-products",
        **_versions(),
    }
    return GlobalMoranResult(
        variable=None if y.name is None else str(y.name),
        I=float(moran.I),
        expected_I=float(moran.EI),
        z_norm=float(moran.z_norm),
        p_norm=float(moran.p_norm),
        z_rand=float(moran.z_rand),
        p_rand=float(moran.p_rand),
        p_sim=float(_p_two_sided(observed, simulated)[0]),
        p_sim_folded=float(_p_folded(observed, simulated)[0]),
        n=int(moran.n),
        n_islands=int(_islands(graph).sum()),
        permutations=int(permutations),
        seed=int(seed),
        settings=MappingProxyType(settings),
    )


@dataclasses.dataclass(frozen=True, eq=False)
class LocalMoranResult:
    """Local Moran's I (LISA) with pseudo p-values and cluster labels.

    Attributes
    ----------
    variable
        Name of the variable (the Series name).
    data
        Per-unit results indexed like the input ``y``; read it through :meth:`frame`.
    p_two_sided, p_folded
        Both pseudo p-value variants per unit (NaN for islands), indexed like ``y``.
    threshold
        The p-value cut-off after multiple-testing correction: a tested unit is significant when
        its p-value is <= ``threshold``.
    n, n_islands, n_tested
        Number of units, of islands, and of units tested (``n - n_islands``).
    permutations, seed, alpha, correction, p_value
        The settings used.
    settings
        All settings, including the p-value description to print with every output.
    """

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

    def frame(self) -> pd.DataFrame:
        """Per-unit results (a copy).

        Returns
        -------
        pandas.DataFrame
            Indexed like ``y`` with the columns ``Ii`` (esda's local Moran), ``quadrant``
            (``"HH"``, ``"LL"``, ``"LH"``, ``"HL"``; ``None`` for islands), ``p_value`` (the
            variant named in ``settings["p_value_type"]``; NaN for islands), ``significant``
            (after correction) and ``cluster`` (quadrant when significant, else ``"ns"``;
            ``"island"`` for units without neighbours).
        """
        return self.data.copy()

    def counts(self) -> pd.Series:
        """Count the units per cluster label, in :data:`CLUSTER_LABELS` order (zeros kept)."""
        counts = self.data["cluster"].value_counts().reindex(list(CLUSTER_LABELS), fill_value=0)
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
        return payload("local_moran", statistics, dict(self.settings))

    def table(self) -> pd.DataFrame:
        """Return :meth:`to_dict` as a long table (see :func:`umkm_geo._results.result_table`)."""
        return result_table(self.to_dict())


def local_moran(
    y: pd.Series,
    graph: Graph,
    *,
    permutations: int = 999,
    seed: int,
    alpha: float = 0.05,
    correction: str = "none",
    p_value: str = "two-sided",
) -> LocalMoranResult:
    """Compute local Moran's I of ``y`` with ``graph`` and label significant clusters.

    Parameters
    ----------
    y
        Values indexed by unit id; every id of ``graph`` must be present and finite.
    graph
        libpysal ``Graph``; its transformation is used as is.
    permutations
        Number of conditional permutations per unit (at least 1).
    seed
        Seed of esda's conditional randomisation; the same seed gives identical results.
    alpha
        Significance level, in (0, 1).
    correction
        Multiple-testing control applied to the cluster labels: ``"none"``, ``"fdr"``
        (Benjamini-Hochberg) or ``"bonferroni"`` (``alpha / m``); see :data:`CORRECTIONS`.
        ``m`` is the number of tested (non-island) units.
    p_value
        ``"two-sided"`` (default) or ``"folded"`` (the esda < 2.10 ``p_sim``); see
        :data:`P_VALUE_DEFINITIONS`.

    Returns
    -------
    LocalMoranResult
        Per-unit Ii, quadrant, p-value, significance and cluster, plus the settings.

    Raises
    ------
    AnalysisError
        If ``y`` is constant, has missing values, or does not cover the ids of ``graph``.
    ConfigError
        For an unknown ``correction`` or ``p_value``, ``alpha`` outside (0, 1), a non-integer
        seed or fewer than one permutation.

    Notes
    -----
    ``Ii`` is esda's ``Moran_Local(...).Is`` unchanged. The p-values are computed from esda's
    conditional-permutation simulations (``rlisas``) with the definitions in
    :data:`P_VALUE_DEFINITIONS`; with 999 permutations the smallest two-sided p-value is
    0.002, so Bonferroni on 25 units (0.05 / 25 = 0.002) can only just reject: use more
    permutations with a correction. Islands get ``Ii = 0`` from esda (their lag is zero); they
    are not tested (p = NaN), not counted in ``m`` and labelled ``"island"``.
    """
    if p_value not in P_VALUE_DEFINITIONS:
        msg = f"Unknown p_value {p_value!r}; use one of {sorted(P_VALUE_DEFINITIONS)}."
        raise ConfigError(msg)
    if correction not in CORRECTIONS:
        msg = f"Unknown correction {correction!r}; use one of {sorted(CORRECTIONS)}."
        raise ConfigError(msg)
    if not (isinstance(alpha, int | float) and 0 < alpha < 1):
        msg = f"alpha must be a number between 0 and 1, not {alpha!r}."
        raise ConfigError(msg)
    values = _check_inputs(y, graph, permutations=permutations, seed=seed, min_permutations=1)
    ids = pd.Index(graph.unique_ids)
    kwargs: dict[str, Any] = {
        "transformation": graph.transformation,
        "permutations": permutations,
        "keep_simulations": True,
        "n_jobs": 1,
        "seed": int(seed),
    }
    if _accepts(esda.Moran_Local, "alternative"):  # esda >= 2.10 warns without it
        kwargs["alternative"] = "two-sided"
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        # esda < 2.10 cannot take `alternative` here and warns that its own p_sim will change;
        # p_sim is not used (p-values are computed below from the simulations). esda's z_sim
        # of islands is 0 / 0.
        warnings.filterwarnings("ignore", message="The alternative hypothesis", category=DeprecationWarning)
        lisa = esda.Moran_Local(values, graph, **kwargs)

    observed = np.asarray(lisa.Is, dtype=float)
    simulated = np.asarray(lisa.rlisas, dtype=float)
    island = _islands(graph)
    p_two = np.where(island, np.nan, _p_two_sided(observed, simulated))
    p_fold = np.where(island, np.nan, _p_folded(observed, simulated))
    p = p_two if p_value == "two-sided" else p_fold

    tested = ~island
    threshold = float(CORRECTIONS[correction][0](p[tested], float(alpha))) if tested.any() else 0.0
    significant = tested & (np.nan_to_num(p, nan=np.inf) <= threshold)
    quadrant = np.array([_QUADRANTS[int(q)] for q in lisa.q], dtype=object)
    quadrant[island] = None
    cluster = np.where(significant, quadrant, "ns").astype(object)
    cluster[island] = "island"

    data = pd.DataFrame(
        {
            "Ii": observed,
            "quadrant": quadrant,
            "p_value": p,
            "significant": significant,
            "cluster": cluster,
        },
        index=ids,
    ).reindex(y.index)
    settings = {
        "permutations": int(permutations),
        "seed": int(seed),
        "alpha": float(alpha),
        "correction": correction,
        "correction_definition": CORRECTIONS[correction][1],
        "alternative": p_value,
        "p_value_type": _P_VALUE_LABELS[p_value],
        "p_value_definition": P_VALUE_DEFINITIONS[p_value][1],
        "permutation": "conditional (value of unit i fixed, others drawn without replacement)",
        "significance_rule": "p <= threshold",
        "transformation": graph.transformation,
        "islands": "Ii from esda (0); not tested (p = NaN); cluster 'island'",
        **_versions(),
    }
    n_islands = int(island.sum())
    return LocalMoranResult(
        variable=None if y.name is None else str(y.name),
        data=data,
        p_two_sided=pd.Series(p_two, index=ids, name="p_two_sided").reindex(y.index),
        p_folded=pd.Series(p_fold, index=ids, name="p_folded").reindex(y.index),
        threshold=threshold,
        n=len(ids),
        n_islands=n_islands,
        n_tested=len(ids) - n_islands,
        permutations=int(permutations),
        seed=int(seed),
        alpha=float(alpha),
        correction=correction,
        p_value=p_value,
        settings=MappingProxyType(settings),
    )
