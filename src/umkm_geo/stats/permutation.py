"""Conditional-permutation counts for local spatial statistics, with fresh draws per unit.

Local statistics (local Moran, bivariate LISA, Getis-Ord Gi*, local Geary) take their pseudo
p-values from conditional permutation: unit ``i`` keeps its value, ``k_i`` distinct other units
(``k_i`` = its number of neighbours) are drawn at random and given ``i``'s weights, and the
statistic is recomputed, ``R`` times. Every statistic of that family is, for the drawn units
``d_1..d_k``,

    ``sim_i = a_i * sum_k w_ik x1[d_k] + b_i * sum_k w_ik x2[d_k] + c_i``

so one engine serves them all: :func:`conditional_permutation` counts, per unit, the simulations
at or above and at or below the observed value and keeps their mean and standard deviation;
the ``R x n`` simulations are never stored.

Unlike esda, which shares one permutation table among all units (so the map-wide share of
significant units moves with the seed), each unit draws its own permutations, as GeoDa and R's
spdep do. The compiled engine (:mod:`umkm_geo.stats._crand`, built at install time) gives each unit its
own random stream, so results depend only on ``(seed, unit position, permutations)`` and are
identical for any number of threads. Without it (no C compiler at install time) a NumPy
implementation of the same computation (:mod:`umkm_geo.stats._numpy_engine`) runs instead, with a
warning; it is correct but slower and draws a different random stream (see :data:`ENGINES`).
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.results import TableMixin, payload
from umkm_geo.stats._numpy_engine import _run_numpy

if TYPE_CHECKING:
    from libpysal.graph import Graph

try:  # built from _crand.c at install time; optional
    from umkm_geo.stats import _crand
except ImportError:  # pragma: no cover - depends on the installation
    _crand = None  # type: ignore[assignment]  # no C compiler at install: the NumPy engine runs

__all__ = [
    "COMPILED_ENGINE_AVAILABLE",
    "ENGINES",
    "PERMUTATION_P_DEFINITIONS",
    "PermutationCounts",
    "conditional_permutation",
    "csr_arrays",
]

#: True when the compiled engine :mod:`umkm_geo.stats._crand` was built at install time.
COMPILED_ENGINE_AVAILABLE: bool = _crand is not None

#: Engines: name -> how its random draws are made.
ENGINES: Mapping[str, str] = MappingProxyType(
    {
        "compiled": (
            "umkm_geo.stats._crand (C): per unit a SplitMix64 stream started at mix64(mix64(seed) + unit "
            "position) (counter-based), Lemire's unbiased bounded integers (2 to 4 per 64-bit output, "
            "batched, for whole samples); distinct draws by rejection (whole samples given up at a "
            "repeat while 16k(k - 1) <= n - 1, else draw by draw while k <= 32 and 4k <= n - 1) or "
            "partial Fisher-Yates; results depend only on (seed, unit, permutations), identical for any "
            "number of threads"
        ),
        "numpy": (
            "NumPy fallback: numpy.random.default_rng(seed) shared by all units, units processed in "
            "groups of equal neighbour count; distinct draws by redrawing rows with duplicates "
            "(small k) or argsort of uniform keys (large k); same distribution as the compiled "
            "engine, different random stream; single-threaded"
        ),
    }
)

#: Pseudo p-value definitions of :class:`PermutationCounts`.
PERMUTATION_P_DEFINITIONS: Mapping[str, str] = MappingProxyType(
    {
        "two-sided": "p = min(2 * (min(G, L) + 1) / (R + 1), 1)",
        "folded": "p = (min(G, L) + 1) / (R + 1), ties counted as extreme",
        "counts": (
            "G = #{sim >= obs - tol}, L = #{sim <= obs + tol}, tol = 1e-12 * max(1, |obs|) so that "
            "exact ties count on both sides; R = number of permutations"
        ),
    }
)

_ENGINE_CHOICES = ("auto", "compiled", "numpy")
_MAX_DEFAULT_THREADS = 8
_MIN_UNITS_FOR_THREADS = 2000
_CHUNKS_PER_THREAD = 4
_MAX_UNITS = 2**32 - 1
_MAX_PERMUTATIONS = 2**31 - 1


@dataclasses.dataclass(frozen=True, eq=False)
class PermutationCounts(TableMixin):
    """Per-unit counts and moments of conditionally permuted statistics.

    Attributes
    ----------
    n_ge, n_le
        Number of simulations at or above (``n_ge``) and at or below (``n_le``) the observed
        value, ties within ``1e-12 * max(1, |observed|)`` counted on both sides; ``-1`` for
        islands (units without neighbours). int64, in the order of the input arrays.
    mean, sd
        Mean and standard deviation (``ddof=0``, as esda's ``EI_sim`` and ``seI_sim``) of the
        simulated statistic; NaN for islands.
    permutations, seed
        Number of permutations ``R`` per unit and the seed.
    engine
        ``"compiled"`` or ``"numpy"`` (see :data:`ENGINES`).
    n_threads
        Number of threads used.
    """

    n_ge: np.ndarray
    n_le: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    permutations: int
    seed: int
    engine: str
    n_threads: int

    @property
    def islands(self) -> np.ndarray:
        """Boolean mask of units without neighbours (not tested)."""
        return self.n_ge < 0

    def p_two_sided(self) -> np.ndarray:
        """Two-sided pseudo p-values, ``min(2 * (min(n_ge, n_le) + 1) / (R + 1), 1)``; NaN for islands."""
        r = self.permutations
        p = np.minimum(2.0 * (np.minimum(self.n_ge, self.n_le) + 1.0) / (r + 1.0), 1.0)
        return np.where(self.islands, np.nan, p)

    def p_folded(self) -> np.ndarray:
        """Folded pseudo p-values, ``(min(n_ge, n_le) + 1) / (R + 1)``; NaN for islands.

        One-sided in the tail the data pick, ties counted as extreme; esda < 2.10 ``p_sim``
        (``(min(n_ge, R - n_ge) + 1) / (R + 1)``) when no simulation ties the observed value.
        """
        r = self.permutations
        p = (np.minimum(self.n_ge, self.n_le) + 1.0) / (r + 1.0)
        return np.where(self.islands, np.nan, p)

    def z(self, observed: np.ndarray) -> np.ndarray:
        """Standardise ``observed`` by the simulations, ``(observed - mean) / sd``.

        Parameters
        ----------
        observed
            Observed statistics, one per unit, in the order of the counts.

        Returns
        -------
        numpy.ndarray
            z-values; NaN for islands, ``+-inf`` or NaN where the simulations do not vary
            (``sd == 0``).
        """
        observed = np.asarray(observed, dtype=float)
        if observed.shape != self.mean.shape:
            msg = f"observed has shape {observed.shape}; the counts are for {self.mean.shape[0]} units."
            raise AnalysisError(msg)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (observed - self.mean) / self.sd

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        p = self.p_two_sided()
        statistics = {
            "n": len(self.n_ge),
            "n_islands": int(self.islands.sum()),
            "n_p_two_sided_le_0.05": int(np.sum(p <= 0.05)),
        }
        settings = {
            "permutations": self.permutations,
            "seed": self.seed,
            "engine": self.engine,
            "engine_definition": ENGINES[self.engine],
            "n_threads": self.n_threads,
            "permutation": "conditional: unit i fixed, k_i distinct other units drawn afresh per unit",
            **{f"p_{name}_definition": text for name, text in PERMUTATION_P_DEFINITIONS.items()},
            "sd_definition": "standard deviation of the simulations, ddof = 0",
            "numpy_version": np.__version__,
        }
        return payload("conditional_permutation", statistics, settings)


def csr_arrays(graph: Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Neighbour lists of a libpysal ``Graph`` as CSR arrays in ``graph.unique_ids`` order.

    Parameters
    ----------
    graph
        libpysal ``Graph``; its weights (transformation) are used as they are.

    Returns
    -------
    indptr : numpy.ndarray
        int64, length ``n + 1``: the neighbours of unit ``i`` are entries
        ``indptr[i]:indptr[i + 1]``; islands have none.
    indices : numpy.ndarray
        int64 positions (in ``graph.unique_ids``) of the neighbours, in the graph's order.
    weights : numpy.ndarray
        float64 weights of the neighbours.

    Raises
    ------
    AnalysisError
        If a unit has a non-zero weight on itself: conditional permutation keeps a unit's own
        value fixed, so put the self term into ``c`` of :func:`conditional_permutation` and
        pass the graph without self-weights.

    Notes
    -----
    libpysal stores an island as a zero weight on itself; that entry is not a neighbour and is
    left out.
    """
    ids = pd.Index(graph.unique_ids)
    adjacency = graph.adjacency
    focal = ids.get_indexer(adjacency.index.get_level_values(0))
    neighbor = ids.get_indexer(adjacency.index.get_level_values(1))
    weight = adjacency.to_numpy(dtype=float)
    self_loop = focal == neighbor
    weighted_self = self_loop & (weight != 0)
    if weighted_self.any():
        bad = list(map(str, ids[focal[weighted_self]][:10]))
        msg = (
            f"The graph gives units {bad} a non-zero weight on themselves; conditional permutation "
            "keeps a unit's own value fixed. Pass the self term as c and a graph without self-weights."
        )
        raise AnalysisError(msg)
    keep = ~self_loop
    order = np.argsort(focal[keep], kind="stable")
    indices = neighbor[keep][order].astype(np.int64)
    weights = np.ascontiguousarray(weight[keep][order], dtype=np.float64)
    indptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(focal[keep], minlength=len(ids)), out=indptr[1:])
    return indptr, indices, weights


def _available_cpus() -> int:
    if hasattr(os, "process_cpu_count"):  # Python >= 3.13
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _as_vector(values: Any, name: str, length: int | None, *, dtype: type) -> np.ndarray:
    """Return ``values`` as a contiguous 1-D array of ``dtype``; raise if the cast would lose data."""
    array = np.asarray(values)
    kind = "float64" if dtype is np.float64 else "int64"
    if array.ndim != 1:
        msg = f"{name} must be a 1-D array, not one of shape {array.shape}."
        raise AnalysisError(msg)
    if not np.can_cast(array.dtype, dtype, casting="safe"):
        msg = f"{name} must be {kind} (or cast to it without loss), not {array.dtype}; convert it first."
        raise AnalysisError(msg)
    if length is not None and len(array) != length:
        msg = f"{name} has {len(array)} values; expected {length} (one per unit)."
        raise AnalysisError(msg)
    array = np.ascontiguousarray(array, dtype=dtype)
    if dtype is np.float64 and not np.isfinite(array).all():
        bad = np.flatnonzero(~np.isfinite(array))[:10].tolist()
        msg = f"{name} has missing or non-finite values at positions {bad}; every value must be finite."
        raise AnalysisError(msg)
    return array


def _check_settings(permutations: Any, seed: Any, n_threads: Any, engine: Any) -> None:
    if (
        isinstance(permutations, bool)
        or not isinstance(permutations, int | np.integer)
        or not 1 <= permutations <= _MAX_PERMUTATIONS
    ):
        msg = f"permutations must be an integer between 1 and {_MAX_PERMUTATIONS}, not {permutations!r}."
        raise ConfigError(msg)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**64:
        msg = f"seed must be an integer between 0 and 2**64 - 1, not {seed!r}."
        raise ConfigError(msg)
    if n_threads is not None and (
        isinstance(n_threads, bool) or not isinstance(n_threads, int | np.integer) or n_threads < 1
    ):
        msg = f"n_threads must be a positive integer or None (automatic), not {n_threads!r}."
        raise ConfigError(msg)
    if engine not in _ENGINE_CHOICES:
        msg = f"Unknown engine {engine!r}; use one of {list(_ENGINE_CHOICES)}."
        raise ConfigError(msg)
    if engine == "compiled" and _crand is None:
        msg = (
            "engine='compiled' was asked for but umkm_geo.stats._crand is not built; reinstall umkm_geo "
            "where a C compiler is available, or use engine='auto' or 'numpy'."
        )
        raise ConfigError(msg)


def _check_indptr(indptr: np.ndarray, n_weights: int) -> np.ndarray:
    """Validate CSR row pointers against the weights and return the neighbour counts."""
    n = len(indptr) - 1
    if indptr[0] != 0 or indptr[-1] != n_weights:
        msg = f"indptr must start at 0 and end at len(weights) = {n_weights}, not run from {indptr[0]} to {indptr[-1]}."
        raise AnalysisError(msg)
    k = np.diff(indptr)
    if (k < 0).any():
        msg = f"indptr decreases at unit positions {np.flatnonzero(k < 0)[:10].tolist()}; it must be non-decreasing."
        raise AnalysisError(msg)
    if (k > n - 1).any():
        bad = np.flatnonzero(k > n - 1)[:10].tolist()
        msg = (
            f"Units at positions {bad} have more neighbours than the {n - 1} other units; "
            "a unit cannot draw more distinct others than exist."
        )
        raise AnalysisError(msg)
    return k


def conditional_permutation(
    indptr: np.ndarray,
    weights: np.ndarray,
    observed: np.ndarray,
    x1: np.ndarray,
    a: np.ndarray,
    *,
    x2: np.ndarray | None = None,
    b: np.ndarray | None = None,
    c: np.ndarray | None = None,
    permutations: int = 999,
    seed: int,
    n_threads: int | None = None,
    engine: str = "auto",
) -> PermutationCounts:
    """Count conditionally permuted local statistics at or beyond the observed ones.

    For every unit ``i`` with ``k_i = indptr[i + 1] - indptr[i]`` neighbours and each of
    ``permutations`` draws of ``k_i`` distinct units ``d_1..d_k`` from all units but ``i``::

        sim = a[i] * sum_k w_ik * x1[d_k] + b[i] * sum_k w_ik * x2[d_k] + c[i]

    where ``w_i = weights[indptr[i]:indptr[i + 1]]`` in CSR order (the neighbours' identities
    are not needed: the draws replace them).

    Parameters
    ----------
    indptr
        CSR row pointers, integer, length ``n + 1`` (see :func:`csr_arrays`).
    weights
        Neighbour weights in CSR order, length ``indptr[-1]``.
    observed
        Observed statistic per unit, length ``n``.
    x1, a
        Values permuted into the first lag, and its per-unit factor.
    x2, b
        Values permuted into the second lag and its per-unit factor; both or neither.
    c
        Per-unit constant (e.g. the self term of Gi*); 0 when omitted.
    permutations
        Number of permutations ``R`` per unit.
    seed
        Seed, an integer in ``[0, 2**64)``; the same seed gives identical counts.
    n_threads
        Threads for the compiled engine; by default the CPUs available to the process, at most
        8, and 1 below 2000 units. The counts do not depend on it.
    engine
        ``"auto"`` (compiled if built, else NumPy with a warning), ``"compiled"`` or ``"numpy"``.

    Returns
    -------
    PermutationCounts
        ``n_ge``, ``n_le``, ``mean`` and ``sd`` per unit (islands: -1 and NaN), the pseudo
        p-values through :meth:`PermutationCounts.p_two_sided` and
        :meth:`PermutationCounts.p_folded`, and the settings used.

    Raises
    ------
    AnalysisError
        For arrays of the wrong shape or type, non-finite values, malformed ``indptr``, fewer
        than two units, or a unit with more neighbours than other units.
    ConfigError
        For bad ``permutations``, ``seed``, ``n_threads`` or ``engine``, or only one of ``x2``
        and ``b``.

    Notes
    -----
    Memory is ``O(n)``: only counts and running moments are kept. The compiled engine releases
    the GIL and runs chunks of units in a thread pool; each unit has its own random stream, so the
    result is the same for any ``n_threads``. The NumPy fallback uses one stream for all units
    (see :data:`ENGINES`): it is reproducible for a given seed but does not reproduce the
    compiled engine's draws.
    """
    _check_settings(permutations, seed, n_threads, engine)
    if (x2 is None) != (b is None):
        msg = "x2 and b go together (the second lag and its factor): give both or neither."
        raise ConfigError(msg)
    observed = _as_vector(observed, "observed", None, dtype=np.float64)
    n = len(observed)
    if not 2 <= n <= _MAX_UNITS:
        msg = f"Conditional permutation needs between 2 and {_MAX_UNITS} units, not {n}."
        raise AnalysisError(msg)
    indptr = _as_vector(indptr, "indptr", n + 1, dtype=np.int64)
    weights = _as_vector(weights, "weights", None, dtype=np.float64)
    k = _check_indptr(indptr, len(weights))
    x1 = _as_vector(x1, "x1", n, dtype=np.float64)
    a = _as_vector(a, "a", n, dtype=np.float64)
    optional = {"x2": x2, "b": b, "c": c}
    x2, b, c = (
        None if value is None else _as_vector(value, name, n, dtype=np.float64) for name, value in optional.items()
    )
    permutations, seed = int(permutations), int(seed)

    if engine == "auto":
        engine = "compiled" if _crand is not None else "numpy"
        if engine == "numpy":
            warnings.warn(
                "umkm_geo.stats._crand (the compiled permutation engine) is not built; using the slower NumPy "
                "fallback, which draws a different random stream. Reinstall umkm_geo with a C compiler.",
                UserWarning,
                stacklevel=2,
            )
    run: Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]]
    run = _run_compiled if engine == "compiled" else _run_numpy
    n_ge, n_le, mean, sd, used = run(indptr, weights, observed, x1, a, x2, b, c, k, permutations, seed, n_threads)
    for array in (n_ge, n_le, mean, sd):
        array.setflags(write=False)
    return PermutationCounts(
        n_ge=n_ge,
        n_le=n_le,
        mean=mean,
        sd=sd,
        permutations=permutations,
        seed=seed,
        engine=engine,
        n_threads=used,
    )


def _resolve_threads(n_threads: int | None, n: int) -> int:
    if n_threads is None:
        return 1 if n < _MIN_UNITS_FOR_THREADS else max(1, min(_MAX_DEFAULT_THREADS, _available_cpus()))
    return max(1, min(int(n_threads), n))


def _run_compiled(indptr, weights, observed, x1, a, x2, b, c, k, permutations, seed, n_threads):
    n = len(observed)
    threads = _resolve_threads(n_threads, n)
    n_ge = np.empty(n, dtype=np.int64)
    n_le = np.empty(n, dtype=np.int64)
    mean = np.empty(n, dtype=np.float64)
    sd = np.empty(n, dtype=np.float64)

    def chunk(bounds: tuple[int, int]) -> None:
        _crand.count(indptr, weights, observed, x1, a, x2, b, c, permutations, seed, *bounds, n_ge, n_le, mean, sd)

    if threads == 1:
        chunk((0, n))
        return n_ge, n_le, mean, sd, 1
    # chunks of about equal work (neighbour count + 1 per unit), a few per thread
    work = np.concatenate([[0], np.cumsum(k + 1)])
    cuts = np.searchsorted(work, np.linspace(0, work[-1], threads * _CHUNKS_PER_THREAD + 1))
    cuts[0], cuts[-1] = 0, n
    cuts = np.unique(cuts)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(chunk, zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True)))
    return n_ge, n_le, mean, sd, threads
