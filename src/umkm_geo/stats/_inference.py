"""Shared inference machinery of the spatial statistics: p-value definitions, corrections, checks.

Every statistic of umkm_geo states which pseudo p-value it reports (two-sided by default, the
folded variant of esda < 2.10 on request), applies multiple-testing control to labels the same way,
and checks its input the same way (ids equal to the weights' ids, finite, not constant). The checks
of a Series, of its ids and of the permutation settings also serve the inequality measures and the
gap test (:mod:`umkm_geo.stats._disparity_input`, :mod:`umkm_geo.stats.inequality.gap`).
"""

from __future__ import annotations

import contextlib
import inspect
import math
import warnings
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo._validate import repeated

if TYPE_CHECKING:  # libpysal and esda take about a second to import; load them only when used
    from libpysal.graph import Graph


#: Relative tolerance of a tie between a simulated and the observed statistic: values within
#: ``TIE_TOLERANCE * max(1, |observed|)`` of each other are equal in exact arithmetic but may differ
#: in the last bits. The local engine (:mod:`umkm_geo.stats.permutation`) uses the same tolerance, and
#: the regional methods take it for "equal to the reference" (LQ = 1, a Klassen level or growth at the
#: area's).
TIE_TOLERANCE = 1e-12


def _tail_counts(observed: np.ndarray, simulated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``G = #{sim >= obs - tol}`` and ``L = #{sim <= obs + tol}`` per row: ties count on both sides."""
    tol = (TIE_TOLERANCE * np.maximum(1.0, np.abs(observed)))[:, None]
    greater = (simulated >= observed[:, None] - tol).sum(axis=1)
    lesser = (simulated <= observed[:, None] + tol).sum(axis=1)
    return greater, lesser


def _p_two_sided(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """Two-sided pseudo p-value, ``min(2 * (min(G, L) + 1) / (R + 1), 1)``; NaN for a NaN statistic."""
    r = simulated.shape[1]
    greater, lesser = _tail_counts(observed, simulated)
    p = np.minimum(2.0 * (np.minimum(greater, lesser) + 1.0) / (r + 1.0), 1.0)
    return np.where(np.isfinite(observed), p, np.nan)


def _p_folded(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """Folded (one-sided) pseudo p-value, ``(min(G, L) + 1) / (R + 1)``, ties extreme; NaN for a NaN statistic."""
    r = simulated.shape[1]
    greater, lesser = _tail_counts(observed, simulated)
    p = (np.minimum(greater, lesser) + 1.0) / (r + 1.0)
    return np.where(np.isfinite(observed), p, np.nan)


_COUNTS = (
    "G = #{sim >= obs - tol}, L = #{sim <= obs + tol}, tol = 1e-12 * max(1, |obs|) (ties count on both "
    "sides), R = number of permutations; NaN when the statistic is NaN"
)

#: Pseudo p-value variants: name -> (function of observed and simulations, definition).
P_VALUE_DEFINITIONS: Mapping[str, tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], str]] = MappingProxyType(
    {
        "two-sided": (
            _p_two_sided,
            f"p = min(2 * (min(G, L) + 1) / (R + 1), 1), where {_COUNTS}; as "
            "esda.significance.calculate_significance(alternative='two-sided') "
            "(pysal/esda#199, #281, #504)",
        ),
        "folded": (
            _p_folded,
            f"p = (min(G, L) + 1) / (R + 1), where {_COUNTS}: one-sided in the tail the data pick, "
            "ties counted as extreme, about half the two-sided value; esda < 2.10 p_sim "
            "((min(G, R - G) + 1) / (R + 1)) when no simulation ties the observed value, "
            "alternative='directed' in esda.significance (not esda's alternative='folded', which "
            "folds about the mean)",
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


def _check_permutations(permutations: Any, seed: Any, *, min_permutations: int = 1) -> None:
    """Raise :class:`ConfigError` unless ``permutations`` >= ``min_permutations`` and ``seed`` are integers.

    Booleans are not integers here.
    """
    if isinstance(permutations, bool) or not isinstance(permutations, int | np.integer):
        msg = f"permutations must be an integer, not {permutations!r}."
        raise ConfigError(msg)
    if permutations < min_permutations:
        msg = f"permutations must be at least {min_permutations}, not {permutations}."
        raise ConfigError(msg)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        msg = f"seed must be an integer, not {seed!r}."
        raise ConfigError(msg)


def _name(series: pd.Series) -> str | None:
    """The name of ``series`` as text (None when it has none): the variable a result names."""
    return None if series.name is None else str(series.name)


def _check_series(s: Any, role: str, *, label: str = "{role}", hint: str = "") -> pd.Series:
    """Return ``s`` if it is a Series with unique ids, else raise :class:`AnalysisError`.

    ``role`` names the argument in the type message; ``label`` (a template of ``{role}`` and
    ``{name}``, the Series name) names it in the duplicates message, which ends with ``hint``.
    """
    if not isinstance(s, pd.Series):
        msg = f"{role} must be a pandas Series indexed by unit id, not {type(s).__name__}."
        raise AnalysisError(msg)
    dupes = repeated(s.index)
    if dupes:
        msg = f"The index of {label.format(role=role, name=s.name)} has duplicated ids: {dupes}{hint}."
        raise AnalysisError(msg)
    return s


def _check_same_units(
    index: pd.Index, expected: pd.Index, *, what: str, absent: str, unexpected: str, hint: str = ""
) -> None:
    """Raise :class:`AnalysisError` unless ``index`` holds exactly the ids of ``expected``.

    The message reads ``"{what} cover different units: {absent} [...], {unexpected} [...].{hint}"``,
    listing up to 10 ids of ``expected`` missing from ``index`` and of ``index`` not in ``expected``.
    """
    missing, extra = expected.difference(index), index.difference(expected)
    if len(missing) or len(extra):
        msg = (
            f"{what} cover different units: {absent} {list(map(str, missing[:10]))}, "
            f"{unexpected} {list(map(str, extra[:10]))}.{hint}"
        )
        raise AnalysisError(msg)


def _unit_values(s: Any, ids: pd.Index, role: str, *, label: str = "{role} {name!r}") -> np.ndarray:
    """Values of the Series ``s`` in the order of the weights' ``ids`` (NaN where not numeric).

    Raises :class:`AnalysisError` unless ``s`` is a Series whose unique ids are ``ids``; ``role``
    and ``label`` name it in the messages as in :func:`_check_series`.
    """
    _check_series(s, role, label=label)
    _check_same_units(
        s.index,
        ids,
        what=f"{label.format(role=role, name=s.name)} and the weights",
        absent=f"not in {role}",
        unexpected="not in the weights",
    )
    return pd.to_numeric(s.reindex(ids), errors="coerce").to_numpy(dtype=float)


def _check_inputs(
    y: pd.Series,
    graph: Graph,
    *,
    permutations: int,
    seed: int,
    min_permutations: int,
    statistic: str = "Moran's I",
) -> np.ndarray:
    """Validate y against the graph and return its values in graph order.

    ``statistic`` names the statistic in the messages about missing and constant values.
    """
    ids = pd.Index(graph.unique_ids)
    values = _unit_values(y, ids, "y", label="{name!r}")
    _check_permutations(permutations, seed, min_permutations=min_permutations)
    if len(ids) < MIN_UNITS:
        msg = (
            f"{statistic} needs at least {MIN_UNITS} units, but the weights have {len(ids)} "
            f"({list(map(str, ids))}): with fewer, every relabelling of the values gives the same statistic."
        )
        raise AnalysisError(msg)
    if _islands(graph).all():
        msg = (
            f"No unit of the weights has a neighbour (all {len(ids)} are islands), so {statistic} is "
            "undefined. Use fuzzy contiguity, k nearest neighbours or [weights] islands = 'nearest'."
        )
        raise AnalysisError(msg)
    bad = ~np.isfinite(values)
    if bad.any():
        msg = (
            f"{y.name!r} has missing or non-finite values for {list(map(str, ids[bad]))}; "
            f"{statistic} needs a value for every unit of the weights."
        )
        raise AnalysisError(msg)
    if np.ptp(values) == 0:
        msg = (
            f"{y.name!r} is constant ({values[0]!r} for all {len(values)} units), so it has no "
            f"variance and {statistic} is undefined."
        )
        raise AnalysisError(msg)
    return values


#: Fewest units a spatial statistic is computed for: with two units every relabelling of the
#: values gives the same Moran's I, Geary's C, General G, join counts and local statistics.
MIN_UNITS = 3


def _islands(graph: Graph) -> np.ndarray:
    """Boolean mask, in graph order, of units without neighbours."""
    return (graph.cardinalities.reindex(graph.unique_ids) == 0).to_numpy()


def check_options(*, alpha: float, correction: str, p_value: str) -> None:
    """Validate the significance options shared by every local statistic.

    Raises
    ------
    ConfigError
        For an unknown ``correction`` or ``p_value`` or ``alpha`` outside (0, 1).
    """
    if p_value not in P_VALUE_DEFINITIONS:
        msg = f"Unknown p_value {p_value!r}; use one of {sorted(P_VALUE_DEFINITIONS)}."
        raise ConfigError(msg)
    if correction not in CORRECTIONS:
        msg = f"Unknown correction {correction!r}; use one of {sorted(CORRECTIONS)}."
        raise ConfigError(msg)
    if isinstance(alpha, bool) or not (isinstance(alpha, int | float) and 0 < alpha < 1):
        msg = f"alpha must be a number between 0 and 1, not {alpha!r}."
        raise ConfigError(msg)


def significance(p: np.ndarray, tested: np.ndarray, *, alpha: float, correction: str) -> tuple[float, np.ndarray]:
    """Apply a multiple-testing correction over the tested units.

    Parameters
    ----------
    p
        Pseudo p-values (NaN where not tested).
    tested
        Boolean mask of the units that take part in the test (not islands).
    alpha, correction
        Significance level and a key of :data:`CORRECTIONS`.

    Returns
    -------
    threshold : float
        The p-value cut-off (``p <= threshold`` is significant).
    significant : numpy.ndarray
        Boolean mask of significant units.
    """
    threshold = float(CORRECTIONS[correction][0](p[tested], float(alpha))) if tested.any() else 0.0
    significant = tested & (np.nan_to_num(p, nan=np.inf) <= threshold)
    return threshold, significant


#: The most permutations a run raises to so that a multiple-testing correction can pass; beyond
#: it the correction is skipped with a reason (see :func:`permutations_for_correction`).
MAX_CORRECTION_PERMUTATIONS = 99_999


def smallest_p(permutations: int, p_value: str = "two-sided") -> float:
    """The smallest pseudo p-value ``R`` permutations can give: ``2 / (R + 1)`` two-sided, ``1 / (R + 1)`` folded.

    Ties count on both sides (:data:`P_VALUE_DEFINITIONS`), so no unit gets less.
    """
    return min((2.0 if p_value == "two-sided" else 1.0) / (permutations + 1.0), 1.0)


def permutations_needed(m: int, *, alpha: float, correction: str, p_value: str = "two-sided") -> int:
    """The fewest permutations whose smallest p-value passes the corrected threshold of the first rank.

    Bonferroni's threshold is ``alpha / m``; Benjamini-Hochberg's is ``k alpha / m`` for the k-th
    smallest p-value, so ``alpha / m`` as well for the first: below ``R = c m / alpha - 1``
    (``c`` = 2 two-sided, 1 folded) a unit that is the most extreme of all cannot be flagged.
    1 without a correction or without tested units.
    """
    if correction == "none" or m <= 0:
        return 1
    threshold = float(alpha) / m  # the first rank's cut-off, in the arithmetic of CORRECTIONS
    need = max(1, math.ceil((2.0 if p_value == "two-sided" else 1.0) * m / alpha) - 1)
    while need > 1 and smallest_p(need - 1, p_value) <= threshold:  # exact in floating point, as significance()
        need -= 1
    while smallest_p(need, p_value) > threshold:
        need += 1
    return need


def permutations_for_correction(
    permutations: int,
    m: int,
    *,
    alpha: float,
    correction: str,
    p_value: str,
    statistic: str,
    max_permutations: int = MAX_CORRECTION_PERMUTATIONS,
) -> tuple[int, str, dict[str, Any]]:
    """The permutations to run and the correction to apply to ``m`` tested units, with what was changed.

    With ``correction`` ``"fdr"`` or ``"bonferroni"`` and too few ``permutations`` for the smallest
    p-value to pass ``alpha / m`` (:func:`permutations_needed`), the number is raised to what is
    needed when that is at most ``max_permutations``, with a warning; above it the correction is
    skipped (labels at ``p <= alpha``), with a warning that names the number needed.

    Returns
    -------
    permutations : int
        The number to run.
    correction : str
        The correction to apply (``"none"`` when skipped).
    settings : dict
        Empty when nothing changed; else ``permutations_requested`` and ``permutations_raised``, or
        ``correction_requested`` and ``correction_skipped`` (the reasons), for the result's settings.
    """
    need = permutations_needed(m, alpha=alpha, correction=correction, p_value=p_value)
    if need <= permutations:
        return permutations, correction, {}
    smallest = smallest_p(permutations, p_value)
    why = (
        f"with {permutations} permutations the smallest {p_value} p-value is {smallest:.3g}, above the "
        f"{correction} threshold alpha / m = {alpha:g} / {m} = {alpha / m:.3g} of the first rank, so no unit "
        "could be significant"
    )
    if need <= max_permutations:
        warnings.warn(
            f"Permutations raised from {permutations} to {need} for {statistic}: {why}.", UserWarning, stacklevel=3
        )
        raised = f"{why}; raised to the {need} needed"
        return need, correction, {"permutations_requested": int(permutations), "permutations_raised": raised}
    reason = (
        f"{why}; the {need} needed are more than the {max_permutations} a run raises to, so the {correction} "
        f"correction is skipped and labels use p <= alpha. Set [statistics] permutations = {need} to apply it"
    )
    warnings.warn(f"Correction skipped for {statistic}: {reason}.", UserWarning, stacklevel=3)
    return permutations, "none", {"correction_requested": correction, "correction_skipped": reason}
