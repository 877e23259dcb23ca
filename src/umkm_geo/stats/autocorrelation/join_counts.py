"""Join counts of a 0/1 indicator (BB, WW, BW) with exact moments and fast permutation inference.

:func:`join_counts` counts the joins (neighbour pairs) of the binary version of a libpysal
``Graph`` between two units coded 1 ("black", B), two coded 0 ("white", W) and one of each;
:func:`above_median` makes such an indicator from a numeric variable. The analytical expectations
and variances are the exact non-free sampling moments of Cliff & Ord (1981)
(:data:`JOIN_COUNT_MOMENTS_DEFINITION`), which esda 2.9 does not give.

The observed counts come from :class:`esda.Join_Counts`. The permutation distribution is computed
here with NumPy: esda runs a pandas lookup and a chi-squared test in every permutation (about 1.5 s
for 999 permutations of 16 units), while this draws ``R`` random relabellings of the 0/1 vector
from ``np.random.default_rng(seed)`` and counts the joins of all of them at once, edge by edge,
in chunks that bound the memory.

(The module is not called ``join_counts``: the package exports ``umkm_geo.join_counts``, the table
join of :mod:`umkm_geo.tables.join`, and a submodule of that name would shadow it once imported.)
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from typing import Any

import esda
import numpy as np
import pandas as pd
import scipy.sparse
from libpysal.graph import Graph

from umkm_geo._errors import AnalysisError
from umkm_geo._provenance import versions
from umkm_geo.results import FieldsResult
from umkm_geo.stats._global_inference import (
    _has_variance,
    _inference_settings,
    _no_variance_reason,
    _p_normal,
    _pseudo_p,
    _run_fields,
)
from umkm_geo.stats._inference import _check_inputs, _islands, _name

__all__ = [
    "JOIN_COUNT_MOMENTS_DEFINITION",
    "JoinCountsResult",
    "above_median",
    "join_counts",
]

#: Definition of the analytical moments reported by :func:`join_counts`.
JOIN_COUNT_MOMENTS_DEFINITION = (
    "non-free sampling (Cliff & Ord 1981; permutation of the n values over all "
    "units): with binary weights, S0 = sum w_ij, S1 = 1/2 sum (w_ij + w_ji)^2, "
    "S2 = sum_i (w_i. + w_.i)^2 and n^(k) = n (n - 1) ... (n - k + 1), "
    "E[BB] = S0 n1^(2) / (2 n^(2)), "
    "Var[BB] = [S1 n1^(2)/n^(2) + (S2 - 2 S1) n1^(3)/n^(3) + (S0^2 + S1 - S2) n1^(4)/n^(4)] / 4 - E[BB]^2, "
    "E[BW] = S0 n1 n0 / n^(2), "
    "Var[BW] = [2 S1 n1 n0/n^(2) + (S2 - 2 S1) n1 n0 (n1 + n0 - 2)/n^(3) "
    "+ 4 (S0^2 + S1 - S2) n1 (n1 - 1) n0 (n0 - 1)/n^(4)] / 4 - E[BW]^2; WW as BB with n0; "
    "z = (observed - E) / sqrt(Var), p two-sided normal"
)

#: Cells (permutations x joins) counted at once by the permutation engine; bounds its memory to
#: a few tens of MB whatever the number of permutations.
_CHUNK_CELLS = 1 << 21

_ENGINE = "numpy permutations"


def above_median(y: pd.Series) -> pd.Series:
    """Code ``y`` as 1 above its median and 0 at or below it.

    Parameters
    ----------
    y
        Numeric values indexed by unit id, without missing values.

    Returns
    -------
    pandas.Series
        Integers 0/1 indexed like ``y``, named ``"<name>_above_median"``. ``attrs`` records the
        ``median`` used, the number of units tied at it (``n_ties``, coded 0) and the
        ``definition`` (recorded by :func:`join_counts`).

    Raises
    ------
    AnalysisError
        If ``y`` is not a Series or has missing or non-numeric values (the units are named).
    """
    if not isinstance(y, pd.Series):
        msg = f"y must be a pandas Series indexed by unit id, not {type(y).__name__}."
        raise AnalysisError(msg)
    values = pd.to_numeric(y, errors="coerce").astype(float)
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        msg = (
            f"{y.name!r} has missing or non-numeric values for {list(map(str, y.index[bad][:10]))}; "
            "give every unit a value before coding it above/below the median."
        )
        raise AnalysisError(msg)
    median = float(values.median())
    name = "above_median" if y.name is None else f"{y.name}_above_median"
    coded = pd.Series((values > median).astype(int).to_numpy(), index=y.index, name=name)
    coded.attrs = {
        "median": median,
        "n_ties": int((values == median).sum()),
        "definition": f"1 if {y.name} > median ({median:.6g}) else 0; ties at the median are 0",
    }
    return coded


def _falling(n: int, k: int) -> float:
    """Falling factorial ``n (n - 1) ... (n - k + 1)``."""
    return float(np.prod([n - i for i in range(k)], dtype=float))


def _div(top: float, bottom: float) -> float:
    """``top / bottom``, and 0 when ``top`` is 0 (also for ``bottom`` 0).

    A term over ``n^(k)`` counts configurations of ``k`` distinct units; with fewer than ``k``
    units (``n^(k) = 0``) it does not occur, and its numerator is 0 as well.
    """
    return top / bottom if top else 0.0


def _join_count_moments(n1: int, n0: int, s0: float, s1: float, s2: float) -> dict[str, tuple[float, float]]:
    """Mean and variance of BB, WW and BW under non-free sampling (Cliff & Ord 1981)."""
    n = n1 + n0

    def same(m: int) -> tuple[float, float]:
        mean = _div(s0 * _falling(m, 2), 2.0 * _falling(n, 2))
        second = (
            _div(s1 * _falling(m, 2), _falling(n, 2))
            + _div((s2 - 2.0 * s1) * _falling(m, 3), _falling(n, 3))
            + _div((s0 * s0 + s1 - s2) * _falling(m, 4), _falling(n, 4))
        ) / 4.0
        return mean, second - mean * mean

    mean_bw = _div(s0 * n1 * n0, _falling(n, 2))
    second_bw = (
        _div(2.0 * s1 * n1 * n0, _falling(n, 2))
        + _div((s2 - 2.0 * s1) * n1 * n0 * (n1 + n0 - 2), _falling(n, 3))
        + _div(4.0 * (s0 * s0 + s1 - s2) * _falling(n1, 2) * _falling(n0, 2), _falling(n, 4))
    ) / 4.0
    return {"BB": same(n1), "WW": same(n0), "BW": (mean_bw, second_bw - mean_bw * mean_bw)}


def _joins(binary: Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Joins of a binary graph as ``(i, j, weight)`` over unordered pairs, in graph order.

    A pair linked both ways weighs 1 and a pair linked one way (asymmetric k-nearest neighbours)
    1/2, so that ``BB = sum w y_i y_j`` equals esda's count over directed links divided by two;
    a self-link, if any, weighs half its value, as in esda. The zero self-weights with which a
    ``Graph`` encodes islands are not joins. ``binary.sparse`` is copied first: dropping those zeros
    in place from an array that shares memory with the graph's cached ``sparse`` would shift the
    arrays under the cache and corrupt every later use of it (such as ``S2`` of ``summary()``).
    """
    adjacency = scipy.sparse.csr_array(binary.sparse, dtype=float, copy=True)
    adjacency.eliminate_zeros()
    pairs = scipy.sparse.coo_array(
        scipy.sparse.triu((adjacency + adjacency.T) / 2.0, k=1) + scipy.sparse.diags_array(adjacency.diagonal() / 2.0)
    )
    pairs.eliminate_zeros()
    return pairs.row.astype(np.intp), pairs.col.astype(np.intp), pairs.data.astype(float)


def _permuted_join_counts(
    coded: np.ndarray,
    joins: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    permutations: int,
    seed: int,
    chunk_cells: int = _CHUNK_CELLS,
) -> tuple[np.ndarray, np.ndarray]:
    """BB and BW of ``permutations`` random relabellings of the 0/1 vector ``coded``.

    Each relabelling is a uniform random permutation of ``coded`` drawn by
    ``np.random.default_rng(seed).permuted`` (row by row, so the result does not depend on
    ``chunk_cells``); the counts of a chunk of relabellings are sums over the joins
    ``(i, j, w)`` of ``w y_i y_j`` (BB) and ``w [y_i != y_j]`` (BW), vectorised over joins and
    relabellings. At most about ``chunk_cells`` (relabelling, join) cells are held at once.
    """
    first, second, weight = joins
    black = np.asarray(coded, dtype=bool)
    rng = np.random.default_rng(seed)
    rows = max(1, int(chunk_cells) // max(len(weight), len(black), 1))
    bb = np.empty(permutations, dtype=float)
    bw = np.empty(permutations, dtype=float)
    for start in range(0, permutations, rows):
        stop = min(start + rows, permutations)
        relabelled = rng.permuted(np.tile(black, (stop - start, 1)), axis=1)
        at_first, at_second = relabelled[:, first], relabelled[:, second]
        bb[start:stop] = (at_first & at_second) @ weight
        bw[start:stop] = (at_first != at_second) @ weight
    return bb, bw


@dataclasses.dataclass(frozen=True)
class JoinCountsResult(FieldsResult):
    """Join counts of a binary indicator with analytical and permutation inference.

    Attributes
    ----------
    variable
        Name of the indicator (the Series name); units coded 1 are "black" (B), 0 "white" (W).
    BB, WW, BW
        Number of joins (neighbour pairs) between two 1s, two 0s, and a 1 and a 0.
    J
        Total number of joins, ``BB + WW + BW``.
    n_black, n_white
        Number of units coded 1 and 0.
    expected_BB, expected_WW, expected_BW
        Expected counts under non-free sampling (see :data:`JOIN_COUNT_MOMENTS_DEFINITION`).
    z_BB, p_norm_BB, z_BW, p_norm_BW
        Analytical z and two-sided normal p of BB and BW.
    p_sim_BB, p_sim_BB_folded, p_sim_BW, p_sim_BW_folded
        Two-sided and folded pseudo p-values of BB and BW from the permutations.
    mean_sim_BB, mean_sim_BW
        Means of the permuted counts.
    n, n_islands, permutations, seed
        Number of units, of units without neighbours, and the permutation settings.
    settings
        Everything else used.
    """

    variable: str | None
    BB: float
    WW: float
    BW: float
    J: float
    n_black: int
    n_white: int
    expected_BB: float  # noqa: N815
    expected_WW: float  # noqa: N815
    expected_BW: float  # noqa: N815
    z_BB: float  # noqa: N815
    p_norm_BB: float  # noqa: N815
    z_BW: float  # noqa: N815
    p_norm_BW: float  # noqa: N815
    p_sim_BB: float  # noqa: N815
    p_sim_BB_folded: float  # noqa: N815
    p_sim_BW: float  # noqa: N815
    p_sim_BW_folded: float  # noqa: N815
    mean_sim_BB: float  # noqa: N815
    mean_sim_BW: float  # noqa: N815
    n: int
    n_islands: int
    permutations: int
    seed: int
    settings: Mapping[str, Any]

    _result = "join_counts"


def _check_indicator(values: np.ndarray, y: pd.Series, graph: Graph, island: np.ndarray) -> None:
    """Raise unless ``values`` is 0/1 with both values among the units that have neighbours."""
    found = np.unique(values)
    if not set(found.tolist()) <= {0.0, 1.0}:
        shown = [v for v in found.tolist() if v not in (0.0, 1.0)][:10]
        msg = (
            f"Join counts need a 0/1 indicator, but {_name(y)!r} also has the values {shown} "
            f"({len(found)} distinct values in all). Code it first, e.g. with above_median()."
        )
        raise AnalysisError(msg)
    connected = np.unique(values[~island])
    if len(connected) < 2:
        msg = (
            f"Join counts of {_name(y)!r} are undefined: every unit with neighbours is "
            f"{int(connected[0]) if len(connected) else 'missing'}; the other value only occurs on islands "
            f"{list(map(str, pd.Index(graph.unique_ids)[island]))}."
        )
        raise AnalysisError(msg)


def join_counts(y: pd.Series, graph: Graph, *, permutations: int = 999, seed: int) -> JoinCountsResult:
    """Count BB, WW and BW joins of a 0/1 indicator over the binary version of ``graph``.

    Parameters
    ----------
    y
        0/1 (or boolean) indicator indexed by unit id, e.g. from :func:`above_median`; every id
        of ``graph`` must be present and both values must occur among units with neighbours.
    graph
        libpysal ``Graph``; the joins are those of ``graph.transform("B")``.
    permutations
        Number of random permutations for the pseudo p-values (at least 1).
    seed
        Seed of the permutations (``np.random.default_rng(seed)``).

    Returns
    -------
    JoinCountsResult
        The counts, their analytical expectations and z, and two-sided and folded pseudo
        p-values of BB (many -> 1s cluster) and BW (few -> positive, many -> negative
        autocorrelation).

    Raises
    ------
    AnalysisError
        If ``y`` has values other than 0 and 1 (the values are named), is constant, has
        missing values, does not cover the ids of ``graph``, or if all 1s or all 0s are islands.
    ConfigError
        For a non-integer seed or fewer than one permutation.

    Notes
    -----
    The expectations and z-values are exact under non-free sampling
    (:data:`JOIN_COUNT_MOMENTS_DEFINITION`), the null distribution the permutations draw from.
    Islands stay in ``n`` (and in ``n1``, ``n0``) and have no joins. Every relabelling counts,
    including one that puts all 1s (or all 0s) on islands; esda redraws those (it cannot build
    its contingency table for them), which departs from the exact moments. NumPy's global
    generator is not used.
    """
    values = _check_inputs(
        y, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="the join-count test"
    )
    island = _islands(graph)
    _check_indicator(values, y, graph, island)
    binary = graph.transform("B")
    coded = values.astype(int)
    with warnings.catch_warnings():
        # esda 2.9 calls DataFrame.set_index(inplace=True), which pandas >= 3.1 deprecates
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.set_index")
        stat = esda.Join_Counts(coded, binary, permutations=0)
    sim_bb, sim_bw = _permuted_join_counts(coded, _joins(binary), permutations=int(permutations), seed=int(seed))
    summary = binary.summary()
    n1, n0 = int(coded.sum()), int(len(coded) - coded.sum())
    moments = _join_count_moments(n1, n0, float(summary.s0), float(summary.s1), float(summary.s2))
    observed = {"BB": float(stat.bb), "WW": float(stat.ww), "BW": float(stat.bw)}
    z = {k: (observed[k] - mean) / np.sqrt(var) if var > 0 else np.nan for k, (mean, var) in moments.items()}
    varies = {k: _has_variance(var, mean) for k, (mean, var) in moments.items()}
    z = {k: value if varies[k] else np.nan for k, value in z.items()}
    p_bb, p_bb_fold = _pseudo_p(observed["BB"], sim_bb) if varies["BB"] else (np.nan, np.nan)
    p_bw, p_bw_fold = _pseudo_p(observed["BW"], sim_bw) if varies["BW"] else (np.nan, np.nan)
    settings = {
        **_inference_settings(
            permutations, seed, generator="np.random.default_rng(seed).permuted, independent relabellings"
        ),
        "engine": _ENGINE,
        "observed_counts": "esda.Join_Counts (permutations=0)",
        "definition": "BB, WW, BW: number of neighbour pairs (each pair once) with values 1-1, 0-0, 1-0",
        "coding": "1 = black (B), 0 = white (W)",
        "indicator_definition": str(y.attrs.get("definition", "as given")),
        "moments": JOIN_COUNT_MOMENTS_DEFINITION,
        "interpretation": "BB or WW above, BW below expectation: positive spatial autocorrelation",
        "transformation": "B",
        "transformation_of_input_graph": graph.transformation,
        "weights_used": "graph.transform('B'): 1 for every neighbour of the input graph",
        "islands": (
            "in n (and in n1/n0 of the moments); no joins; every relabelling counts, also one that "
            "puts all 1s (or 0s) on islands (esda redraws those)"
        ),
        **versions("esda", "libpysal"),
    }
    flat = [k for k in ("BB", "BW") if not varies[k]]
    if flat:
        what = f"the join counts {' and '.join(flat)}" if len(flat) > 1 else f"the join count {flat[0]}"
        settings["test_skipped"] = _no_variance_reason(what, graph, plural=len(flat) > 1)
    return JoinCountsResult(
        variable=_name(y),
        BB=observed["BB"],
        WW=observed["WW"],
        BW=observed["BW"],
        J=float(stat.J),
        n_black=n1,
        n_white=n0,
        expected_BB=moments["BB"][0],
        expected_WW=moments["WW"][0],
        expected_BW=moments["BW"][0],
        z_BB=float(z["BB"]),
        p_norm_BB=_p_normal(z["BB"]),
        z_BW=float(z["BW"]),
        p_norm_BW=_p_normal(z["BW"]),
        p_sim_BB=p_bb,
        p_sim_BB_folded=p_bb_fold,
        p_sim_BW=p_bw,
        p_sim_BW_folded=p_bw_fold,
        mean_sim_BB=float(np.mean(sim_bb)),
        mean_sim_BW=float(np.mean(sim_bw)),
        **_run_fields(len(values), graph, permutations, seed, settings),
    )
