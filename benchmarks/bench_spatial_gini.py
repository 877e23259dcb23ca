"""Print the wall time of the spatial Gini with 999 permutations: umkm_geo's engine vs inequality's.

Synthetic data: gamma-distributed values on a queen-contiguity lattice of n = 1,000 (40 x 25) and
n = 7,285 (155 x 47, the number of kecamatan of Indonesia). ``inequality.gini.Gini_Spatial``
permutes in a Python loop (time grows as n x permutations); above 2,000 units it is run only if the
time extrapolated from n = 1,000 is at most 60 s (``--full`` runs it anyway). Figures are printed,
never asserted.

Run with ``python benchmarks/bench_spatial_gini.py [--full]``.
"""

from __future__ import annotations

import sys
import time

import libpysal
import numpy as np
import pandas as pd
from inequality.gini import Gini_Spatial
from libpysal.graph import Graph

from umkm_geo.stats.inequality.spatial_gini import spatial_gini

PERMUTATIONS = 999
LATTICES = ((40, 25), (155, 47))  # n = 1,000 and n = 7,285
LIMIT_S = 60.0


def _gini_spatial(x: np.ndarray, w: libpysal.weights.W, seed: int) -> Gini_Spatial:
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        return Gini_Spatial(x, w, permutations=PERMUTATIONS)
    finally:
        np.random.set_state(state)


def main(full: bool = False) -> None:
    print(f"spatial Gini, {PERMUTATIONS} permutations, queen lattice, gamma(2, 3) values")
    header = f"{'n':>6} {'links':>7} {'umkm_geo (s)':>13} {'Gini_Spatial (s)':>17} {'speed-up':>9}"
    print(header + "  p_sim_folded ours / theirs")
    seconds_per_unit = None  # Gini_Spatial time per unit, measured at the smallest n
    for nrow, ncol in LATTICES:
        n = nrow * ncol
        w = libpysal.weights.lat2W(nrow, ncol, rook=False)
        graph = Graph.from_W(w)
        x = pd.Series(np.random.default_rng(0).gamma(2.0, 3.0, n), index=graph.unique_ids)

        times = []
        for _ in range(3):
            start = time.perf_counter()
            ours = spatial_gini(x, graph, permutations=PERMUTATIONS, seed=1)
            times.append(time.perf_counter() - start)
        ours_s = min(times)

        estimate = None if seconds_per_unit is None else seconds_per_unit * n
        if n > 2_000 and not full and estimate is not None and estimate > LIMIT_S:
            print(
                f"{n:>6} {int(w.s0):>7} {ours_s:>13.3f} {'skipped':>17} {estimate / ours_s:>8.0f}x  "
                f"{ours.p_sim_folded:.3f} / -"
            )
            print(
                f"       Gini_Spatial skipped at n = {n}: about {estimate:.0f} s extrapolated from n = 1,000 "
                f"(over {LIMIT_S:.0f} s; run with --full to time it); the speed-up shown uses that estimate"
            )
            continue
        start = time.perf_counter()
        theirs = _gini_spatial(x.to_numpy(), w, seed=1)
        theirs_s = time.perf_counter() - start
        if seconds_per_unit is None:
            seconds_per_unit = theirs_s / n
        print(
            f"{n:>6} {int(w.s0):>7} {ours_s:>13.3f} {theirs_s:>17.2f} {theirs_s / ours_s:>8.0f}x  "
            f"{ours.p_sim_folded:.3f} / {float(theirs.p_sim):.3f}"
        )
        print(f"       observed wcg: ours - Gini_Spatial = {ours.wcg - float(theirs.wcg):.3g}")


if __name__ == "__main__":
    main(full="--full" in sys.argv[1:])
