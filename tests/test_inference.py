"""The shared inference rules: pseudo p-values with ties and NaN, never significant without a test."""

import numpy as np
import pytest

from umkm_geo.stats._global_inference import _pseudo_p
from umkm_geo.stats._inference import P_VALUE_DEFINITIONS, significance

TWO_SIDED = P_VALUE_DEFINITIONS["two-sided"][0]
FOLDED = P_VALUE_DEFINITIONS["folded"][0]


def test_global_pseudo_p_counts_ties_within_the_tolerance_as_the_local_engine():
    # 0.1 + 0.2 is 0.30000000000000004: equal to 0.3 in exact arithmetic. R = 4 simulations
    # 0.3, 0.3, 0.5, 0.7 of an observed 0.1 + 0.2: G = #{sim >= obs - tol} = 4, L = 2 (the ties).
    # Two-sided min(2 * (2 + 1) / 5, 1) = 1; folded (min(4, 2) + 1) / 5 = 0.6. Without the
    # tolerance the ties fell out of L: two-sided 2 / 5 = 0.4 and folded 1 / 5 = 0.2.
    observed = 0.1 + 0.2
    simulated = [0.3, 0.3, 0.5, 0.7]
    assert _pseudo_p(observed, simulated) == (pytest.approx(1.0), pytest.approx(0.6))


def test_folded_p_counts_ties_as_extreme():
    # Integer counts (join counts): observed 5, simulations 5, 5, 6, 7 (R = 4). The lower tail has
    # 2 values as or more extreme (the ties): folded (2 + 1) / 5 = 0.6, not esda < 2.10's
    # (min(G, R - G) + 1) / 5 = (0 + 1) / 5 = 0.2, which would call the observed value extreme.
    obs, sim = np.array([5.0]), np.array([[5.0, 5.0, 6.0, 7.0]])
    assert FOLDED(obs, sim)[0] == pytest.approx(0.6)
    assert TWO_SIDED(obs, sim)[0] == pytest.approx(1.0)
    # without ties the folded p is esda's: observed 4, all simulations above -> (0 + 1) / 5
    assert FOLDED(np.array([4.0]), sim)[0] == pytest.approx(0.2)
    assert TWO_SIDED(np.array([4.0]), sim)[0] == pytest.approx(0.4)
    # every simulation ties (a null distribution without variance): p = 1 both ways
    assert FOLDED(obs, np.full((1, 4), 5.0))[0] == 1.0
    assert TWO_SIDED(obs, np.full((1, 4), 5.0))[0] == 1.0


def test_a_nan_statistic_has_nan_p_and_is_never_significant():
    # Before: NaN >= sim and NaN <= sim are both False, G = L = 0 and p = 2 / (R + 1) = 0.002.
    sim = np.random.default_rng(0).normal(size=(1, 999))
    assert np.isnan(TWO_SIDED(np.array([np.nan]), sim)[0])
    assert np.isnan(FOLDED(np.array([np.nan]), sim)[0])
    p_two, p_fold = _pseudo_p(float("nan"), sim.ravel())
    assert np.isnan(p_two) and np.isnan(p_fold)
    threshold, significant = significance(
        np.array([np.nan, 0.001]), np.array([True, True]), alpha=0.05, correction="none"
    )
    assert threshold == 0.05 and significant.tolist() == [False, True]
