"""Tests of the conditional-permutation engine (compiled and NumPy fallback)."""

from __future__ import annotations

import itertools
import warnings

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from libpysal.graph import Graph
from scipy import stats

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.stats import permutation
from umkm_geo.stats.permutation import PermutationCounts, conditional_permutation, csr_arrays

ENGINES = ["compiled", "numpy"]
needs_compiled = pytest.mark.skipif(
    not permutation.COMPILED_ENGINE_AVAILABLE, reason="umkm_geo.stats._crand was not built (no C compiler at install)"
)


def _engine_param(engine: str):
    return pytest.param(engine, marks=needs_compiled) if engine == "compiled" else engine


ENGINE_PARAMS = [_engine_param(e) for e in ENGINES]


# ---------------------------------------------------------------------------------------------
# fixtures and helpers
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lattice() -> tuple[Graph, np.ndarray]:
    """10 x 10 rook lattice, row-standardised, and a value with a west-east trend."""
    cells = [shapely.box(c, r, c + 1, r + 1) for r in range(10) for c in range(10)]
    gdf = gpd.GeoDataFrame(geometry=cells, index=[f"c{i:02d}" for i in range(100)])
    graph = Graph.build_contiguity(gdf, rook=True).transform("r")
    rng = np.random.default_rng(11)
    y = np.array([c + rng.normal(0, 2.5) for r in range(10) for c in range(10)])
    return graph, y


@pytest.fixture(scope="module")
def tessellation() -> tuple[Graph, np.ndarray]:
    """500 random Voronoi polygons in the unit square, queen, row-standardised; smooth y + noise."""
    rng = np.random.default_rng(5)
    points = rng.uniform(0, 1, size=(500, 2))
    square = shapely.box(0, 0, 1, 1)
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=square, ordered=True)
    cells = shapely.intersection(shapely.get_parts(cells), square)
    gdf = gpd.GeoDataFrame(geometry=cells, index=[f"u{i:03d}" for i in range(500)])
    graph = Graph.build_contiguity(gdf, rook=False).transform("r")
    y = np.sin(3 * points[:, 0]) + np.cos(2 * points[:, 1]) + rng.normal(0, 0.5, 500)
    return graph, y


def lisa_inputs(graph: Graph, y: np.ndarray) -> dict[str, np.ndarray]:
    """Local Moran as esda computes it: z = (y - mean) / std (ddof 0), Ii = (n-1) z_i lag_i / sum(z^2)."""
    indptr, indices, weights = csr_arrays(graph)
    n = len(y)
    z = (y - y.mean()) / y.std()
    lag = np.zeros(n)
    np.add.at(lag, np.repeat(np.arange(n), np.diff(indptr)), weights * z[indices])
    den = z @ z
    return {
        "indptr": indptr,
        "weights": weights,
        "observed": (n - 1) * z * lag / den,
        "x1": z,
        "a": (n - 1) * z / den,
    }


def two_sided(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """esda-style two-sided pseudo p from the simulations: min(2 (min(G, L) + 1) / (R + 1), 1)."""
    r = simulated.shape[1]
    greater = (simulated >= observed[:, None]).sum(axis=1)
    lesser = (simulated <= observed[:, None]).sum(axis=1)
    return np.minimum(2.0 * (np.minimum(greater, lesser) + 1.0) / (r + 1.0), 1.0)


def esda_p(graph: Graph, y: np.ndarray, seed: int) -> np.ndarray:
    with warnings.catch_warnings():  # esda 2.9 announces its change of alternative
        warnings.simplefilter("ignore", DeprecationWarning)
        lisa = esda.Moran_Local(y, graph, permutations=999, seed=seed, keep_simulations=True, n_jobs=1)
    return two_sided(np.asarray(lisa.Is), np.asarray(lisa.rlisas))


def run(inputs: dict[str, np.ndarray], **kwargs) -> PermutationCounts:
    args = (inputs["indptr"], inputs["weights"], inputs["observed"], inputs["x1"], inputs["a"])
    return conditional_permutation(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# (1) local Moran against esda
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
@pytest.mark.parametrize("case", ["lattice", "tessellation"])
def test_lisa_p_values_agree_with_esda_as_well_as_two_esda_seeds(case, engine, request):
    graph, y = request.getfixturevalue(case)
    inputs = lisa_inputs(graph, y)
    # the observed Ii are esda's
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        lisa = esda.Moran_Local(y, graph, permutations=9, seed=0, n_jobs=1)
    np.testing.assert_allclose(inputs["observed"], lisa.Is, rtol=1e-10, atol=1e-12)

    ours = [run(inputs, permutations=999, seed=s, engine=engine).p_two_sided() for s in (100, 101)]
    esda_runs = [esda_p(graph, y, seed=s) for s in (1, 2, 3, 4)]
    # the permutation noise of esda itself: mean |p_a - p_b| over the 6 pairs of its 4 seeds
    esda_vs_esda = np.mean([np.mean(np.abs(a - b)) for a, b in itertools.combinations(esda_runs, 2)])
    ours_vs_esda = np.mean([np.mean(np.abs(a - b)) for a in ours for b in esda_runs])
    same_class = np.mean([np.mean((a <= 0.05) == (b <= 0.05)) for a in ours for b in esda_runs])
    # measured with 8 seeds of each (compiled engine, both its former xoshiro256** stream and its
    # SplitMix64 stream): lattice 0.0218 (ours vs esda) against 0.0216 (esda vs esda);
    # tessellation 0.0195 against 0.0201
    assert same_class >= 0.95
    assert ours_vs_esda <= 1.25 * esda_vs_esda
    assert 0.005 < esda_vs_esda < 0.05  # the comparison is not vacuous
    # no systematic shift: the average p-value matches esda's to within the noise
    assert abs(np.mean(ours) - np.mean(esda_runs)) < 0.015


# ---------------------------------------------------------------------------------------------
# (2) exactness on a complete graph
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_complete_graph_draws_all_others_so_every_simulation_equals_the_observed(engine):
    # n = 12, k_i = 11 = n - 1 with binary weights: every permutation draws all other units, so
    # sim_i = sum_{j != i} y_j = 54 - y_i exactly (integers), n_ge = n_le = R and sd = 0.
    y = np.array([3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 9])
    n = len(y)
    indptr = np.arange(0, n * (n - 1) + 1, n - 1, dtype=np.int64)
    weights = np.ones(n * (n - 1))
    observed = y.sum() - y  # 54 - y
    counts = conditional_permutation(indptr, weights, observed, y, np.ones(n), permutations=99, seed=4, engine=engine)
    np.testing.assert_array_equal(counts.n_ge, 99)
    np.testing.assert_array_equal(counts.n_le, 99)
    np.testing.assert_array_equal(counts.sd, 0.0)
    np.testing.assert_array_equal(counts.mean, observed)
    # p = min(2 * (99 + 1) / 100, 1) = 1 and folded, ties extreme, (min(99, 99) + 1) / 100 = 1
    # (esda < 2.10's (min(G, R - G) + 1) / (R + 1) gave 0.01: "significant" with no variation at all)
    np.testing.assert_array_equal(counts.p_two_sided(), 1.0)
    np.testing.assert_array_equal(counts.p_folded(), 1.0)


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_second_lag_and_constant_enter_the_statistic(engine):
    # complete graph on 4 units, binary weights: lag1 = sum of the other x1, lag2 = sum of the
    # other x2. Unit 0: x1 others = 2 + 3 + 4 = 9, x2 others = 20 + 30 + 40 = 90, so with
    # a = 2, b = -1, c = 5: sim = 2 * 9 - 90 + 5 = -67 in every permutation.
    x1 = np.array([1.0, 2, 3, 4])
    x2 = 10 * x1
    indptr = np.array([0, 3, 6, 9, 12], dtype=np.int64)
    weights = np.ones(12)
    a, b, c = np.full(4, 2.0), np.full(4, -1.0), np.full(4, 5.0)
    expected = a * (x1.sum() - x1) + b * (x2.sum() - x2) + c  # [-67, -59, -51, -43]
    np.testing.assert_array_equal(expected, [-67, -59, -51, -43])
    counts = conditional_permutation(
        indptr, weights, expected, x1, a, x2=x2, b=b, c=c, permutations=50, seed=0, engine=engine
    )
    np.testing.assert_array_equal(counts.mean, expected)
    np.testing.assert_array_equal(counts.n_ge, 50)
    shifted = conditional_permutation(
        indptr, weights, expected + 1, x1, a, x2=x2, b=b, c=c, permutations=50, seed=0, engine=engine
    )
    np.testing.assert_array_equal(shifted.n_ge, 0)  # every sim is 1 below the observed
    np.testing.assert_array_equal(shifted.n_le, 50)


# ---------------------------------------------------------------------------------------------
# (3) distinct draws, never the unit itself, uniform over the others
# ---------------------------------------------------------------------------------------------


def draw_frequencies(n: int, cardinality: dict[int, int], permutations: int, seed: int, engine: str):
    """Run the engine once per target j with x1 = one-hot(j) and binary weights.

    With w = 1 each simulation of unit i is the number of times j was drawn in that permutation:
    mean * R is the total number of draws of j, and n_ge at observed = 0.5 the number of
    permutations that drew j at least once. Without repeats the two are equal.
    """
    k = np.zeros(n, dtype=np.int64)
    for unit, card in cardinality.items():
        k[unit] = card
    indptr = np.concatenate([[0], np.cumsum(k)]).astype(np.int64)
    weights = np.ones(indptr[-1])
    draws = np.zeros((n, n))
    present = np.zeros((n, n))
    for j in range(n):
        x1 = np.zeros(n)
        x1[j] = 1.0
        counts = conditional_permutation(
            indptr, weights, np.full(n, 0.5), x1, np.ones(n), permutations=permutations, seed=seed, engine=engine
        )
        draws[:, j] = np.where(k > 0, counts.mean * permutations, 0.0)
        present[:, j] = np.where(k > 0, counts.n_ge, 0)
    return np.round(draws), present


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
@pytest.mark.parametrize(
    ("n", "cardinality"),
    [
        # n = 40: k = 1, 2 whole-sample rejection; 5, 9 draw-by-draw; 10, 20, 38, 39 Fisher-Yates;
        # units at both ends (0 and n - 1) exercise the swap of the unit out of the scratch array
        (40, {0: 1, 7: 2, 13: 5, 21: 9, 22: 10, 30: 20, 38: 38, 39: 39}),
        # n = 300: k = 3, 4 whole-sample rejection (16 k (k - 1) <= 299), 5 draw-by-draw
        (300, {0: 3, 150: 4, 299: 5}),
    ],
)
def test_draws_are_distinct_exclude_the_unit_and_are_uniform(n, cardinality, engine):
    r = 999
    draws, present = draw_frequencies(n, cardinality, permutations=r, seed=7, engine=engine)
    for unit, k in cardinality.items():
        row, seen = draws[unit], present[unit]
        assert row[unit] == 0  # never draws itself
        np.testing.assert_array_equal(row, seen)  # no unit drawn twice in one permutation
        assert row.sum() == r * k  # exactly k draws per permutation
        others = np.delete(row, unit)
        expected = r * k / (n - 1)
        if k == n - 1:
            np.testing.assert_array_equal(others, r)
            continue
        # Pearson chi-square of the counts against the uniform k / (n - 1) per permutation
        # (conservative: draws without replacement are negatively correlated)
        chi2 = ((others - expected) ** 2 / expected).sum()
        assert stats.chi2.sf(chi2, df=n - 2) > 1e-3, (unit, k, chi2)


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_units_draw_independently_of_each_other(engine):
    # 1000 units with one neighbour (weight 1), x1 = position, one permutation: each unit's mean
    # is the position it drew. Independent draws hit about 1000 (1 - e^-1) = 632 distinct
    # positions; units sharing one random stream would all draw r or r + 1.
    n = 1000
    indptr = np.arange(n + 1, dtype=np.int64)
    x1 = np.arange(n, dtype=float)
    counts = conditional_permutation(
        indptr, np.ones(n), np.zeros(n), x1, np.ones(n), permutations=1, seed=8, engine=engine
    )
    drawn = counts.mean.astype(int)
    assert (drawn != np.arange(n)).all()
    assert 560 < len(np.unique(drawn)) < 700
    assert stats.kstest(drawn / n, "uniform").pvalue > 1e-3


# ---------------------------------------------------------------------------------------------
# (3b) the compiled engine's random stream, against a Python reading of its definition
# ---------------------------------------------------------------------------------------------

MASK64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def mix64(z: int) -> int:
    """The splitmix64 finaliser."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


class Stream:
    """A unit's SplitMix64 stream: output t = mix64(start + t * GAMMA), start = mix64(mix64(seed) + unit)."""

    def __init__(self, seed: int, unit: int):
        self.counter = mix64((mix64(seed) + unit) & MASK64)
        self.spare: int | None = None

    def output(self) -> int:
        self.counter = (self.counter + GAMMA) & MASK64
        return mix64(self.counter)

    def batched(self, n: int):
        """Draws over [0, n), B per output: the base-n digits of floor(r n^B / 2^64), B = max{2, 3, 4: n^B < 2^64}.

        Outputs with r n^B mod 2^64 < 2^64 mod n^B are skipped (Lemire's rejection for the range n^B).
        """
        per_output = max(b for b in (2, 3, 4) if n**b < 2**64)
        bound = n**per_output
        while True:
            value, low = divmod(self.output() * bound, 2**64)
            if low < 2**64 % bound:
                continue
            digits = []
            for _ in range(per_output):
                value, digit = divmod(value, n)
                digits.append(digit)
            yield from reversed(digits)

    def bounded32(self, bound: int) -> int:
        """Lemire on 32 bits: the upper half of an output, then its lower half; redraws use upper halves."""
        if self.spare is None:
            out = self.output()
            bits, self.spare = out >> 32, out & 0xFFFFFFFF
        else:
            bits, self.spare = self.spare, None
        m = bits * bound
        while (m & 0xFFFFFFFF) < 2**32 % bound:
            m = (self.output() >> 32) * bound
        return m >> 32


def reference_draws(method: str, n: int, k: int, permutations: int, seed: int, unit: int) -> list[list[int]]:
    """The k drawn units of each permutation of one unit, as the compiled engine defines them."""
    stream = Stream(seed, unit)
    samples = []
    if method == "whole sample":  # take k draws over all n; give up at the unit itself or a repeat
        draws = stream.batched(n)
        while len(samples) < permutations:
            sample = []
            while len(sample) < k:
                drawn = next(draws)
                if drawn == unit or drawn in sample:
                    break
                sample.append(drawn)
            if len(sample) == k:
                samples.append(sample)
    elif method == "per draw":  # each draw over the n - 1 others, redrawn until new
        for _ in range(permutations):
            sample = []
            while len(sample) < k:
                drawn = stream.bounded32(n - 1)
                drawn += drawn >= unit
                if drawn not in sample:
                    sample.append(drawn)
            samples.append(sample)
    else:  # partial Fisher-Yates over the others, the unit itself moved to the last slot
        slots = list(range(n))
        slots[unit], slots[n - 1] = n - 1, unit
        for _ in range(permutations):
            shuffled = slots.copy()
            for j in range(k):
                pick = j + stream.bounded32(n - 1 - j)
                shuffled[j], shuffled[pick] = shuffled[pick], shuffled[j]
            samples.append(shuffled[:k])
    return samples


@needs_compiled
@pytest.mark.parametrize(
    ("method", "n", "k"),
    [
        ("whole sample", 300, 3),  # 16 k (k - 1) = 96 <= 299; 300^4 < 2^64: 4 draws per output
        ("whole sample", 65_536, 3),  # 65536^4 = 2^64: 3 draws per output
        ("whole sample", 2_642_246, 2),  # 2642246^3 > 2^64: 2 draws per output
        ("per draw", 40, 5),  # 16 k (k - 1) = 320 > 39, 4 k = 20 <= 39
        ("fisher-yates", 40, 10),  # 4 k = 40 > 39
    ],
)
def test_compiled_draws_follow_the_documented_generator(method, n, k):
    # Units 0, n // 2 and n - 1 have k neighbours, the rest none. Weights are equal for unit 0
    # (lag = w * sum) and not for the others; x1, weights, a and c are small binary fractions, so
    # every simulation is exact and the counts must match the reference exactly, ties included
    # (the observed value is the first simulation of each unit).
    r, seed = 60, 2024
    units = [0, n // 2, n - 1]
    weights_of = {0: [1.0] * k, n // 2: [0.5 * (j + 1) for j in range(k)], n - 1: [2.0] * (k - 1) + [0.25]}
    k_all = np.zeros(n, dtype=np.int64)
    k_all[units] = k
    indptr = np.concatenate([[0], np.cumsum(k_all)])
    weights = np.concatenate([weights_of[u] for u in units])
    x1 = (np.arange(n) * 7919 % 101 - 50).astype(float)
    a, c = np.full(n, 1.5), np.full(n, 0.25)
    samples = {u: reference_draws(method, n, k, r, seed, u) for u in units}
    sims = {
        u: [1.5 * sum(w * x1[d] for w, d in zip(weights_of[u], s, strict=True)) + 0.25 for s in samples[u]]
        for u in units
    }
    observed = np.zeros(n)
    for u in units:
        observed[u] = sims[u][0]
    counts = conditional_permutation(
        indptr, weights, observed, x1, a, c=c, permutations=r, seed=seed, engine="compiled"
    )
    for u in units:
        sim = np.array(sims[u])
        assert all(len(set(s)) == k and u not in s for s in samples[u])
        assert counts.n_ge[u] == np.sum(sim >= observed[u]) and counts.n_le[u] == np.sum(sim <= observed[u])
        np.testing.assert_allclose(counts.mean[u], sim.mean(), rtol=1e-12)
        np.testing.assert_allclose(counts.sd[u], sim.std(), rtol=1e-9)
    assert counts.n_ge[1] == -1  # an island


@needs_compiled
def test_batched_draws_are_uniform_at_the_benchmark_size():
    # n = 80,000 (3 draws per 64-bit output); 400 units draw k = 2 others with weight 1 from
    # x1 = position / n. For unit i the sum S of the two draws (without replacement from the
    # N = n - 1 others) has mean 2 mu_i and variance 2 s2_i (N - 2) / (N - 1), mu_i and s2_i the
    # mean and variance of the others' values. The engine's mean of R = 999 sums must scatter
    # around 2 mu_i like N(0, var / R) (chi-square of the z-values over units), and its sd must
    # match sqrt(var).
    n, k, r = 80_000, 2, 999
    units = np.linspace(0, n - 1, 400).astype(np.int64)
    k_all = np.zeros(n, dtype=np.int64)
    k_all[units] = k
    indptr = np.concatenate([[0], np.cumsum(k_all)])
    x1 = np.arange(n) / n
    counts = conditional_permutation(
        indptr, np.ones(indptr[-1]), np.zeros(n), x1, np.ones(n), permutations=r, seed=31, engine="compiled"
    )
    others = n - 1
    mu = (x1.sum() - x1[units]) / others
    s2 = ((x1**2).sum() - x1[units] ** 2) / others - mu**2
    var = k * s2 * (others - k) / (others - 1)
    z = (counts.mean[units] - k * mu) / np.sqrt(var / r)
    assert stats.chi2.sf(np.sum(z**2), df=len(units)) > 1e-3
    assert abs(np.mean(z)) < 4 / np.sqrt(len(units))
    # pooled variance of the simulations (ddof 0: expected var (R - 1) / R); relative standard
    # error sqrt((kurtosis - 1) / (400 * 999)) = 0.002, the kurtosis of a sum of two uniforms being 2.4
    assert abs(np.mean(counts.sd[units] ** 2 / (var * (r - 1) / r)) - 1) < 0.01


# ---------------------------------------------------------------------------------------------
# (4) reproducibility and threads
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_same_seed_same_counts_other_seed_other_counts(tessellation, engine):
    inputs = lisa_inputs(*tessellation)
    first = run(inputs, permutations=199, seed=3, engine=engine)
    again = run(inputs, permutations=199, seed=3, engine=engine)
    other = run(inputs, permutations=199, seed=4, engine=engine)
    for name in ("n_ge", "n_le", "mean", "sd"):
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
    assert not np.array_equal(first.n_ge, other.n_ge)
    assert first.seed == 3 and first.permutations == 199 and first.engine == engine


@needs_compiled
def test_counts_do_not_depend_on_the_number_of_threads(tessellation):
    inputs = lisa_inputs(*tessellation)
    one = run(inputs, permutations=299, seed=9, n_threads=1, engine="compiled")
    assert one.n_threads == 1
    for threads in (2, 3, 7):
        many = run(inputs, permutations=299, seed=9, n_threads=threads, engine="compiled")
        assert many.n_threads == threads
        for name in ("n_ge", "n_le", "mean", "sd"):
            np.testing.assert_array_equal(getattr(one, name), getattr(many, name))


@needs_compiled
def test_a_units_draws_depend_only_on_seed_unit_and_permutations(tessellation):
    # running only the chunk [100, 120) gives those units the same counts as the whole run
    from umkm_geo.stats import _crand

    inputs = lisa_inputs(*tessellation)
    whole = run(inputs, permutations=99, seed=5, n_threads=1, engine="compiled")
    n = len(inputs["observed"])
    out = [np.full(n, -7, dtype=np.int64), np.full(n, -7, dtype=np.int64), np.zeros(n), np.zeros(n)]
    args = (inputs["indptr"], inputs["weights"], inputs["observed"], inputs["x1"], inputs["a"])
    _crand.count(*args, None, None, None, 99, 5, 100, 120, *out)
    np.testing.assert_array_equal(out[0][100:120], whole.n_ge[100:120])
    np.testing.assert_array_equal(out[3][100:120], whole.sd[100:120])
    assert (out[0][:100] == -7).all() and (out[0][120:] == -7).all()  # nothing outside the chunk


def test_default_threads(monkeypatch):
    monkeypatch.setattr(permutation, "_available_cpus", lambda: 64)
    assert permutation._resolve_threads(None, 1999) == 1  # small problems stay on one thread
    assert permutation._resolve_threads(None, 2000) == 8  # capped at 8
    monkeypatch.setattr(permutation, "_available_cpus", lambda: 2)
    assert permutation._resolve_threads(None, 80_000) == 2
    assert permutation._resolve_threads(5, 3) == 3  # never more threads than units


# ---------------------------------------------------------------------------------------------
# (5) compiled and NumPy engines agree statistically
# ---------------------------------------------------------------------------------------------


@needs_compiled
def test_compiled_and_numpy_engines_agree(tessellation):
    graph, y = tessellation
    inputs = lisa_inputs(graph, y)
    compiled = run(inputs, permutations=999, seed=21, engine="compiled")
    fallback = run(inputs, permutations=999, seed=21, engine="numpy")
    assert fallback.engine == "numpy" and fallback.n_threads == 1
    assert not np.array_equal(compiled.n_ge, fallback.n_ge)  # different streams, as documented
    p_c, p_n = compiled.p_two_sided(), fallback.p_two_sided()
    esda_runs = [esda_p(graph, y, seed=s) for s in (1, 2, 3)]
    esda_vs_esda = np.mean([np.mean(np.abs(a - b)) for a, b in itertools.combinations(esda_runs, 2)])
    assert np.mean((p_c <= 0.05) == (p_n <= 0.05)) >= 0.95
    assert np.mean(np.abs(p_c - p_n)) <= 1.25 * esda_vs_esda
    # the moments of 999 simulations agree to a few percent of the spread
    assert np.max(np.abs(compiled.mean - fallback.mean) / compiled.sd) < 0.25
    np.testing.assert_allclose(fallback.sd, compiled.sd, rtol=0.15)


def test_missing_compiled_engine_falls_back_with_one_warning(monkeypatch, lattice):
    monkeypatch.setattr(permutation, "_crand", None)
    inputs = lisa_inputs(*lattice)
    with pytest.warns(UserWarning, match="NumPy fallback") as record:
        counts = run(inputs, permutations=99, seed=1)
    assert len(record) == 1
    assert counts.engine == "numpy"
    with pytest.raises(ConfigError, match="engine='compiled'"):
        run(inputs, permutations=99, seed=1, engine="compiled")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run(inputs, permutations=9, seed=1, engine="numpy")  # asked for: no warning


# ---------------------------------------------------------------------------------------------
# (6) islands, CSR arrays and the p-value formulas
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_islands_get_nan_p_values(engine):
    cells = [shapely.box(c, 0, c + 1, 1) for c in range(6)] + [shapely.box(20, 20, 21, 21)]
    gdf = gpd.GeoDataFrame(geometry=cells, index=list("abcdefg"))
    graph = Graph.build_contiguity(gdf, rook=True).transform("r")
    indptr, _, weights = csr_arrays(graph)
    # a row of six cells a..f plus the island g: k = 1, 2, 2, 2, 2, 1, 0
    np.testing.assert_array_equal(np.diff(indptr), [1, 2, 2, 2, 2, 1, 0])
    y = np.array([1.0, 2, 3, 4, 5, 6, 7])
    counts = conditional_permutation(indptr, weights, y, y, np.ones(7), permutations=99, seed=0, engine=engine)
    assert counts.n_ge[6] == -1 and counts.n_le[6] == -1
    assert np.isnan(counts.mean[6]) and np.isnan(counts.sd[6])
    assert np.isnan(counts.p_two_sided()[6]) and np.isnan(counts.p_folded()[6])
    assert np.isnan(counts.z(y)[6])
    assert np.isfinite(counts.p_two_sided()[:6]).all()
    np.testing.assert_array_equal(counts.islands, [False] * 6 + [True])
    assert counts.to_dict()["statistics"]["n_islands"] == 1


def test_csr_arrays_follow_unique_ids_order():
    # ids deliberately not sorted: z - x - y in a chain z-x, x-y, weights 0.25 / 0.75 / 1 / 2
    graph = Graph.from_arrays(
        np.array(["z", "x", "x", "y"]), np.array(["x", "z", "y", "x"]), np.array([0.25, 0.75, 1.0, 2.0])
    )
    assert list(graph.unique_ids) == ["z", "x", "y"]
    indptr, indices, weights = csr_arrays(graph)
    np.testing.assert_array_equal(indptr, [0, 1, 3, 4])
    np.testing.assert_array_equal(indices, [1, 0, 2, 1])  # z -> x; x -> z, y; y -> x
    np.testing.assert_array_equal(weights, [0.25, 0.75, 1.0, 2.0])
    assert indptr.dtype == np.int64 and indices.dtype == np.int64 and weights.dtype == np.float64


def test_csr_arrays_refuse_self_weights():
    graph = Graph.from_arrays(np.array(["a", "a", "b"]), np.array(["a", "b", "a"]), np.array([1.0, 1.0, 1.0]))
    with pytest.raises(AnalysisError, match=r"\['a'\].*weight on themselves"):
        csr_arrays(graph)


def test_p_values_and_z_by_hand():
    # R = 999. Unit 0: G = 0, L = 999 -> two-sided min(2 * 1 / 1000, 1) = 0.002, folded 1 / 1000.
    # Unit 1: G = 10, L = 990 -> 2 * 11 / 1000 = 0.022; folded (min(10, 989) + 1) / 1000 = 0.011.
    # Unit 2: G = 999, L = 0 -> 0.002; folded (min(999, 0) + 1) / 1000 = 0.001.
    # Unit 3: G = L = 600 (200 ties) -> min(2 * 601 / 1000, 1) = 1; folded, ties extreme: 601 / 1000.
    # Unit 4: island.
    counts = PermutationCounts(
        n_ge=np.array([0, 10, 999, 600, -1]),
        n_le=np.array([999, 990, 0, 600, -1]),
        mean=np.array([0.0, 1.0, -1.0, 0.5, np.nan]),
        sd=np.array([2.0, 0.5, 1.0, 0.0, np.nan]),
        permutations=999,
        seed=1,
        engine="numpy",
        n_threads=1,
    )
    np.testing.assert_allclose(counts.p_two_sided(), [0.002, 0.022, 0.002, 1.0, np.nan])
    np.testing.assert_allclose(counts.p_folded(), [0.001, 0.011, 0.001, 0.601, np.nan])
    # z = (obs - mean) / sd: (3 - 0) / 2 = 1.5, (2 - 1) / 0.5 = 2, (-4 + 1) / 1 = -3, 1 / 0 = inf
    np.testing.assert_allclose(counts.z(np.array([3.0, 2.0, -4.0, 1.5, 0.0])), [1.5, 2.0, -3.0, np.inf, np.nan])
    with pytest.raises(AnalysisError, match="observed has shape"):
        counts.z(np.zeros(3))
    table = counts.table()
    assert list(table.columns) == ["result", "section", "name", "value"]
    values = dict(zip(table["name"], table["value"], strict=True))
    assert values["n"] == 5 and values["permutations"] == 999 and values["engine"] == "numpy"
    assert "ddof = 0" in values["sd_definition"]


# ---------------------------------------------------------------------------------------------
# (7) bad inputs
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def small() -> dict[str, np.ndarray]:
    # a ring of 5 units, 2 neighbours each
    return {
        "indptr": np.arange(0, 11, 2, dtype=np.int64),
        "weights": np.full(10, 0.5),
        "observed": np.zeros(5),
        "x1": np.arange(5.0),
        "a": np.ones(5),
    }


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"permutations": 0}, "permutations must be an integer between 1"),
        ({"permutations": 9.5}, "permutations"),
        ({"seed": -1}, "seed must be an integer"),
        ({"seed": 2**64}, "seed must be an integer"),
        ({"seed": "1"}, "seed must be an integer"),
        ({"n_threads": 0}, "n_threads must be a positive integer"),
        ({"engine": "gpu"}, "Unknown engine 'gpu'"),
        ({"x2": np.ones(5)}, "x2 and b go together"),
    ],
)
def test_bad_settings_raise_config_error(small, kwargs, match):
    options = {"seed": 1, **kwargs}
    with pytest.raises(ConfigError, match=match):
        run(small, **options)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"x1": np.arange(4.0)}, "x1 has 4 values; expected 5"),
        ({"a": np.array([1.0, np.nan, 1, 1, 1])}, r"a has missing or non-finite values at positions \[1\]"),
        ({"observed": np.zeros((5, 1))}, "observed must be a 1-D array"),
        ({"x1": np.array(list("abcde"))}, "x1 must be float64"),
        ({"indptr": np.arange(0, 11, 2, dtype=float)}, "indptr must be int64"),
        ({"indptr": np.array([0, 2, 4, 6, 8], dtype=np.int64)}, "indptr has 5 values; expected 6"),
        ({"indptr": np.array([0, 2, 4, 3, 8, 10], dtype=np.int64)}, r"indptr decreases at unit positions \[2\]"),
        ({"indptr": np.array([0, 2, 4, 6, 8, 9], dtype=np.int64)}, "end at len\\(weights\\) = 10"),
        (
            {"indptr": np.array([0, 0, 0, 0, 0, 10], dtype=np.int64)},
            r"Units at positions \[4\] have more neighbours than the 4 other units",
        ),
        ({"observed": np.zeros(1), "indptr": np.array([0, 0])}, "between 2 and"),
    ],
)
def test_bad_arrays_raise_analysis_error(small, change, match):
    with pytest.raises(AnalysisError, match=match):
        run({**small, **change}, seed=1, engine="numpy")


def test_integer_arrays_are_accepted(small):
    as_int = {**small, "x1": np.arange(5), "indptr": small["indptr"].astype(np.int32)}
    a = run(as_int, permutations=19, seed=2, engine="numpy")
    b = run(small, permutations=19, seed=2, engine="numpy")
    np.testing.assert_array_equal(a.n_ge, b.n_ge)


@needs_compiled
def test_compiled_module_checks_its_buffers(small):
    from umkm_geo.stats import _crand

    n = 5
    out = [np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n)]
    args = [small["indptr"], small["weights"], small["observed"], small["x1"], small["a"], None, None, None]
    with pytest.raises(TypeError, match="x1 must hold float64"):
        _crand.count(*args[:3], np.arange(5), *args[4:], 9, 1, 0, n, *out)
    with pytest.raises(ValueError, match="a has 4 items, expected 5"):
        _crand.count(*args[:4], np.ones(4), *args[5:], 9, 1, 0, n, *out)
    with pytest.raises(TypeError, match="n_ge must be a C-contiguous writable"):
        _crand.count(*args, 9, 1, 0, n, b"x" * 40, *out[1:])  # bytes are read-only
    with pytest.raises(TypeError, match="x1 must be a C-contiguous buffer"):
        _crand.count(*args[:3], None, *args[4:], 9, 1, 0, n, *out)  # only x2, b and c may be None
    bad_indptr = np.array([0, -2, 4, 6, 8, 10], dtype=np.int64)
    with pytest.raises(ValueError, match="indptr is not non-decreasing"):
        _crand.count(bad_indptr, *args[1:], 9, 1, 1, n, *out)
    with pytest.raises(ValueError, match="not a range"):
        _crand.count(*args, 9, 1, 3, 9, *out)
    with pytest.raises(ValueError, match="x2 and b"):
        _crand.count(*args[:5], np.ones(5), None, None, 9, 1, 0, n, *out)
    assert "SplitMix64" in _crand.RNG


def test_results_are_read_only(small):
    counts = run(small, permutations=9, seed=1, engine="numpy")
    with pytest.raises(ValueError, match="read-only"):
        counts.n_ge[0] = 3
    assert isinstance(counts.table(), pd.DataFrame)
