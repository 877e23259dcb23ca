"""What the global statistics share: seeded esda runs, pseudo p-values, settings and result layout.

Used by :mod:`umkm_geo.stats.autocorrelation.global_`, :mod:`umkm_geo.stats.autocorrelation.moran_variants` and
:mod:`umkm_geo.stats.autocorrelation.join_counts`. Each statistic runs with NumPy's global generator seeded for the
call (:func:`_run_esda`; esda takes no seed), reports the two-sided and the folded pseudo p-value
of :data:`umkm_geo.stats._inference.P_VALUE_DEFINITIONS` (:func:`_pseudo_p`), records the same inference
settings (:func:`_inference_settings`) and returns a frozen result that ends with the same fields
(:func:`_run_fields`) and is laid out by :class:`umkm_geo.results.FieldsResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
import scipy.stats

from umkm_geo.stats._inference import P_VALUE_DEFINITIONS, TIE_TOLERANCE, _accepts, _islands, _legacy_numpy_seed

if TYPE_CHECKING:
    from libpysal.graph import Graph

_LEGACY_GENERATOR = "NumPy's global generator seeded for the call"


def _pseudo_p(observed: float, simulated: Any) -> tuple[float, float]:
    """Two-sided and folded pseudo p-values of one statistic from its permutation values."""
    obs = np.array([observed], dtype=float)
    sim = np.asarray(simulated, dtype=float).reshape(1, -1)
    two_sided = P_VALUE_DEFINITIONS["two-sided"][0](obs, sim)[0]
    folded = P_VALUE_DEFINITIONS["folded"][0](obs, sim)[0]
    return float(two_sided), float(folded)


def _p_normal(z: float) -> float:
    """Two-sided p-value of a standard normal z (NaN for a NaN z)."""
    return float(2.0 * scipy.stats.norm.sf(abs(z)))


#: A null variance at most this fraction of the squared expectation is zero up to rounding.
_ZERO_VARIANCE = 1e-10


def _has_variance(variance: float, expected: float, observed: float = np.nan, simulated: Any = ()) -> bool:
    """True when the null distribution varies.

    With a defined analytical variance: ``variance > 1e-10 * expected^2``. Where every relabelling
    gives the same value (units that are all neighbours of one another) that variance is zero up to
    rounding (esda returns 0 or 1e-17) and a z from it is noise or ``-inf``. Where the formula is
    undefined (esda's randomisation moments divide by ``(n - 1)(n - 2)(n - 3)``, NaN for 3 units)
    the permutations decide: the null varies when a simulated value differs from the observed one
    by more than the tie tolerance.
    """
    variance, expected = float(variance), float(expected)
    if np.isfinite(variance):
        return bool(variance > 0 and variance > _ZERO_VARIANCE * expected * expected)
    sim = np.asarray(simulated, dtype=float)
    return bool(np.any(np.abs(sim - observed) > TIE_TOLERANCE * max(1.0, abs(float(observed)))))


def _note_undefined(fields: Mapping[str, Any], settings: dict[str, Any], n: int) -> None:
    """Record in ``settings["not_computed"]`` which z and p are NaN although the test ran (too few units)."""
    if "test_skipped" in settings:
        return
    missing = [k for k, v in fields.items() if k.startswith(("z_", "p_")) and np.isnan(v)]
    if missing:
        why = (
            f"the analytical variance is undefined for {n} units (esda's randomisation moments need at least 4)"
            if n < 4
            else "the analytical (randomisation) variance is not positive for these values"
        )
        settings["not_computed"] = f"{', '.join(missing)}: {why}; the permutation test stands"


def _no_variance_reason(statistic: str, graph: Graph, *, plural: bool = False) -> str:
    """Why ``statistic`` is not tested when its null distribution has no variance (names the cause it sees)."""
    n = len(graph.unique_ids)
    links = int((graph.transform("B").adjacency != 0).sum())
    cause = f" (all {n} units are neighbours of one another)" if links >= n * (n - 1) else ""
    verb = "are" if plural else "is"
    return (
        f"{statistic} {verb} not tested: every relabelling of the values gives the observed value, so "
        f"the null distribution has no variance{cause}; z and p are NaN"
    )


def _p_sim_settings(permutations: int, seed: int) -> dict[str, Any]:
    """Permutations, seed, alternative and the definitions of both pseudo p-values."""
    return {
        "permutations": int(permutations),
        "seed": int(seed),
        "alternative": "two-sided",
        "p_sim_definition": P_VALUE_DEFINITIONS["two-sided"][1],
        "p_sim_folded_definition": P_VALUE_DEFINITIONS["folded"][1],
    }


def _inference_settings(permutations: int, seed: int, *, generator: str = _LEGACY_GENERATOR) -> dict[str, Any]:
    """Settings shared by every global statistic: permutations, seed and p-value definitions."""
    return {
        **_p_sim_settings(permutations, seed),
        "permutation": f"total (random relabelling of all units); {generator}",
    }


def _run_esda(
    statistic: Callable[..., Any], observed: str, *args: Any, seed: int, **kwargs: Any
) -> tuple[Any, float, float]:
    """Run an esda statistic with NumPy's global generator seeded for the call.

    Parameters
    ----------
    statistic
        The esda class (e.g. ``esda.Geary``), called with ``*args`` and ``**kwargs``; given
        ``alternative="two-sided"`` when it takes one (esda >= 2.10 warns without it).
    observed
        The attribute of the statistic whose permutation values are ``sim`` (e.g. ``"C"``).
    seed
        Seed of the permutations; the caller's generator state is restored afterwards.

    Returns
    -------
    tuple
        The esda object and the two-sided and folded pseudo p-values of ``observed``.
    """
    if _accepts(statistic, "alternative"):
        kwargs["alternative"] = "two-sided"
    # 0 / 0 in esda's moments where the null has no variance: reported as NaN with a reason instead
    with _legacy_numpy_seed(int(seed)), np.errstate(divide="ignore", invalid="ignore"):
        stat = statistic(*args, **kwargs)
    p_sim, p_fold = _pseudo_p(getattr(stat, observed), stat.sim)
    return stat, p_sim, p_fold


def _moran_fields(stat: Any) -> dict[str, float]:
    """Moran's I, its expectation and esda's analytical inference (``esda.Moran``, ``esda.Moran_Rate``).

    z and p are NaN under an assumption whose variance is zero (see :func:`_has_variance`).
    """
    nan = float("nan")
    norm = _has_variance(stat.VI_norm, stat.EI)
    rand = _has_variance(stat.VI_rand, stat.EI)
    return {
        "I": float(stat.I),
        "expected_I": float(stat.EI),
        "z_norm": float(stat.z_norm) if norm else nan,
        "p_norm": float(stat.p_norm) if norm else nan,
        "z_rand": float(stat.z_rand) if rand else nan,
        "p_rand": float(stat.p_rand) if rand else nan,
    }


def _untested(fields: dict[str, Any], settings: dict[str, Any], reason: str, p_fields: tuple[str, ...]) -> None:
    """Record in ``settings["test_skipped"]`` that the test was skipped and set the ``p_fields`` to NaN."""
    settings["test_skipped"] = reason
    for name in p_fields:
        fields[name] = float("nan")


class _RunFields(TypedDict):
    """The fields every global result ends with (see :func:`_run_fields`)."""

    n: int
    n_islands: int
    permutations: int
    seed: int
    settings: Mapping[str, Any]


def _run_fields(n: int, graph: Graph, permutations: int, seed: int, settings: dict[str, Any]) -> _RunFields:
    """The fields every global result ends with: ``n``, ``n_islands``, ``permutations``, ``seed``, ``settings``."""
    return {
        "n": int(n),
        "n_islands": int(_islands(graph).sum()),
        "permutations": int(permutations),
        "seed": int(seed),
        "settings": MappingProxyType(settings),
    }
