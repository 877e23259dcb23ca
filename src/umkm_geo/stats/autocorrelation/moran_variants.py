"""Moran's I beyond one raw variable: of Empirical-Bayes standardised rates, and bivariate.

* :func:`moran_rate` -- Moran's I of Empirical-Bayes standardised rates (Assuncao & Reis
  1999; :class:`esda.Moran_Rate`), for rates such as UMKM per resident whose denominators are
  small in some kecamatan.
* :func:`moran_bv` -- global bivariate Moran's I (:class:`esda.Moran_BV`): ``x`` against the
  spatial lag of ``y``.

Both add to esda what :func:`umkm_geo.stats.autocorrelation.global_.global_moran` adds: values aligned to the ids of
the libpysal ``Graph``, seeded permutations (NumPy's global generator seeded for the call and the
caller's state restored afterwards; not thread-safe), the two-sided and the folded pseudo p-value,
and a frozen result whose settings record what was used.
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
from umkm_geo.results import FieldsResult, plain
from umkm_geo.stats._global_inference import (
    _has_variance,
    _inference_settings,
    _moran_fields,
    _no_variance_reason,
    _note_undefined,
    _run_esda,
    _run_fields,
    _untested,
)
from umkm_geo.stats._inference import _check_inputs, _name, _unit_values

__all__ = [
    "MoranBVResult",
    "MoranRateResult",
    "moran_bv",
    "moran_rate",
]


# --- Empirical-Bayes rate Moran's I ----------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class MoranRateResult(FieldsResult):
    """Moran's I of (Empirical-Bayes standardised) rates.

    Attributes
    ----------
    variable
        Name of the events (the ``events`` Series name).
    base
        Name of the population at risk (the ``base`` Series name).
    adjusted
        True for Empirical-Bayes standardised rates, False for raw rates ``events / base``.
    data
        Per-unit rates indexed like ``events``; read it through :meth:`frame`.
    I, expected_I, z_norm, p_norm, z_rand, p_rand
        Moran's I of the rates, its expectation and two-sided analytical inference (esda).
    p_sim, p_sim_folded
        Two-sided and folded pseudo p-values.
    n, n_islands, permutations, seed
        Number of units, of units without neighbours, and the permutation settings.
    settings
        Everything else used.
    """

    variable: str | None
    base: str | None
    adjusted: bool
    data: pd.DataFrame
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

    _result = "moran_rate"

    def frame(self) -> pd.DataFrame:
        """Per-unit rates (a copy).

        Returns
        -------
        pandas.DataFrame
            Indexed like ``events`` with ``rate`` (``events / base``) and ``eb_rate`` (the
            Empirical-Bayes standardised rate, whether or not it was the one analysed).
        """
        return self.data.copy()


def moran_rate(
    events: pd.Series,
    base: pd.Series,
    graph: Graph,
    *,
    permutations: int = 999,
    seed: int,
    adjusted: bool = True,
) -> MoranRateResult:
    """Compute Moran's I of the rate ``events / base``, Empirical-Bayes standardised by default.

    Parameters
    ----------
    events
        Counts (e.g. UMKM) indexed by unit id; non-negative and finite for every id of ``graph``.
    base
        Population at risk (e.g. residents) with the same ids; positive and finite.
    graph
        libpysal ``Graph``; its transformation is used as is.
    permutations
        Number of random permutations for the pseudo p-value (at least 1).
    seed
        Seed of the permutations.
    adjusted
        True (default): Assuncao & Reis (1999) Empirical-Bayes standardised rates, which
        stabilise the variance of rates with small denominators; False: raw rates.

    Returns
    -------
    MoranRateResult
        Moran's I of the rates with analytical and permutation inference, the per-unit rates
        and the settings used.

    Raises
    ------
    AnalysisError
        If ``base`` is zero, negative or missing, or ``events`` negative or missing, for some
        units (they are named); if the rates are constant; or if the ids differ from the graph.
    ConfigError
        For a non-integer seed or fewer than one permutation.

    Notes
    -----
    With ``r_i = e_i / b_i``, ``beta = sum e / sum b``,
    ``s2 = sum b_i (r_i - beta)^2 / sum b`` and ``alpha = s2 - beta / mean(b)``, the EB rate is
    ``(r_i - beta) / sqrt(v_i)`` with ``v_i = alpha + beta / b_i`` (``beta / b_i`` where
    ``v_i < 0``); Moran's I of it is then computed as :func:`umkm_geo.stats.autocorrelation.global_.global_moran`
    does (islands likewise).
    """
    ids = pd.Index(graph.unique_ids)
    e = _unit_values(events, ids, "events")
    b = _unit_values(base, ids, "base")
    bad_base = ~np.isfinite(b) | (np.nan_to_num(b, nan=0.0) <= 0)
    if bad_base.any():
        shown = {str(i): plain(base.get(i)) for i in ids[bad_base][:10]}
        msg = (
            f"base {base.name!r} must be a positive number for every unit, but it is zero, negative or "
            f"missing for {int(bad_base.sum())} units: {shown}. Fill in the population at risk or leave "
            "those units out of the weights."
        )
        raise AnalysisError(msg)
    bad_events = ~np.isfinite(e) | (np.nan_to_num(e, nan=-1.0) < 0)
    if bad_events.any():
        shown = {str(i): plain(events.get(i)) for i in ids[bad_events][:10]}
        msg = (
            f"events {events.name!r} must be a non-negative number for every unit, but not for "
            f"{int(bad_events.sum())} units: {shown}."
        )
        raise AnalysisError(msg)
    rate = pd.Series(e / b, index=ids, name=f"{events.name} per {base.name}")
    _check_inputs(
        rate, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="Moran's I of the rates"
    )
    eb = np.asarray(esda.smoothing.assuncao_rate(e, b), dtype=float)
    options = {"adjusted": bool(adjusted), "transformation": graph.transformation, "permutations": permutations}
    stat, p_sim, p_fold = _run_esda(esda.Moran_Rate, "I", e, b, graph, seed=seed, **options)
    data = pd.DataFrame({"rate": e / b, "eb_rate": eb}, index=ids).reindex(events.index)
    settings = {
        **_inference_settings(permutations, seed),
        "events": _name(events),
        "base": _name(base),
        "adjusted": bool(adjusted),
        "rate_analysed": (
            "Empirical-Bayes standardised rate (Assuncao & Reis 1999): (r_i - beta) / sqrt(alpha + beta / b_i)"
            if adjusted
            else "raw rate events / base"
        ),
        "definition": "Moran's I = n / S0 * z'Wz / z'z of the rate analysed; E[I] = -1 / (n - 1)",
        "p_analytical": "two-sided, normal approximation (esda p_norm, p_rand)",
        "transformation": graph.transformation,
        "islands": "kept as esda does: in n, mean and variance (and in beta, s2); no cross-products",
        **versions("esda", "libpysal"),
    }
    fields = {**_moran_fields(stat), "p_sim": p_sim, "p_sim_folded": p_fold}
    if not _has_variance(stat.VI_norm, stat.EI, stat.I, stat.sim):
        _untested(fields, settings, _no_variance_reason("Moran's I of the rates", graph), ("p_sim", "p_sim_folded"))
    _note_undefined(fields, settings, len(ids))
    return MoranRateResult(
        variable=_name(events),
        base=_name(base),
        adjusted=bool(adjusted),
        data=data,
        **fields,
        **_run_fields(len(ids), graph, permutations, seed, settings),
    )


# --- bivariate Moran's I ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MoranBVResult(FieldsResult):
    """Global bivariate Moran's I: ``x`` at each unit against the spatial lag of ``y``.

    Attributes
    ----------
    x, y
        Names of the two variables (the Series names).
    I
        Bivariate Moran's I.
    expected_I
        Its expectation under the permutation null (``y`` relabelled, ``x`` fixed): 0.
    mean_sim, z_sim
        Mean of the permuted values and ``(I - mean_sim) / sd_sim`` (esda's ``EI_sim``, ``z_sim``).
    p_sim, p_sim_folded
        Two-sided and folded pseudo p-values.
    n, n_islands, permutations, seed
        Number of units, of units without neighbours, and the permutation settings.
    settings
        Everything else used, including which variable is lagged.
    """

    x: str | None
    y: str | None
    I: float  # noqa: E741
    expected_I: float  # noqa: N815
    mean_sim: float
    z_sim: float
    p_sim: float
    p_sim_folded: float
    n: int
    n_islands: int
    permutations: int
    seed: int
    settings: Mapping[str, Any]

    _result = "moran_bv"


def moran_bv(x: pd.Series, y: pd.Series, graph: Graph, *, permutations: int = 999, seed: int) -> MoranBVResult:
    """Compute the global bivariate Moran's I of ``x`` against the spatial lag of ``y``.

    Parameters
    ----------
    x
        Values at each unit (horizontal axis of the bivariate Moran scatter plot).
    y
        Values whose spatial lag is taken (vertical axis); same ids as ``x`` and ``graph``.
    graph
        libpysal ``Graph``; its transformation is used as is.
    permutations
        Number of random permutations of ``y`` for the pseudo p-value (at least 1).
    seed
        Seed of the permutations.

    Returns
    -------
    MoranBVResult
        I, its expectation, the permutation mean and z, two-sided and folded pseudo p-values.

    Raises
    ------
    AnalysisError
        If ``x`` or ``y`` is constant, has missing values, or does not cover the ids of ``graph``.
    ConfigError
        For a non-integer seed or fewer than one permutation.

    Notes
    -----
    ``I = zx' W zy / (n - 1)`` with ``zx``, ``zy`` standardised with ``ddof=1`` (esda), the slope
    of the bivariate Moran scatter plot. It is not symmetric: ``moran_bv(x, y)`` differs from
    ``moran_bv(y, x)`` unless ``W`` is symmetric. It also contains the correlation of ``x`` and
    ``y`` at the same unit, so read it next to the ordinary correlation. esda gives no
    analytical inference for it. Islands have a zero lag and stay in ``n``.
    """
    xv = _check_inputs(
        x, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="bivariate Moran's I"
    )
    yv = _check_inputs(
        y, graph, permutations=permutations, seed=seed, min_permutations=1, statistic="bivariate Moran's I"
    )
    stat, p_sim, p_fold = _run_esda(
        esda.Moran_BV, "I", xv, yv, graph, seed=seed, transformation=graph.transformation, permutations=permutations
    )
    settings = {
        **_inference_settings(permutations, seed),
        "permutation": "y relabelled over all units, x fixed; NumPy's global generator seeded for the call",
        "x": _name(x),
        "y": _name(y),
        "roles": f"x = {_name(x)!r} at each unit (horizontal axis); y = {_name(y)!r} spatially lagged (vertical axis)",
        "definition": "I_BV = zx' W zy / (n - 1), z standardised with ddof=1; E[I_BV] = 0 under the permutation null",
        "transformation": graph.transformation,
        "islands": "in n and in the standardisation; zero lag",
        **versions("esda", "libpysal"),
    }
    return MoranBVResult(
        x=_name(x),
        y=_name(y),
        I=float(stat.I),
        expected_I=0.0,
        mean_sim=float(stat.EI_sim),
        z_sim=float(stat.z_sim),
        p_sim=p_sim,
        p_sim_folded=p_fold,
        **_run_fields(len(xv), graph, permutations, seed, settings),
    )
