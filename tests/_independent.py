"""Independent computations with pygeoda (libgeoda, the GeoDa engine) for cross-checks.

The umkm_geo statistics are built on libpysal and esda; these helpers compute the same
quantities with GeoDa's C++ code so that tests (and the lead, on the real Blitar data) can check
that both agree when given *the same neighbour structure*:

1. :func:`pygeoda_weights_from_graph` writes the libpysal graph's neighbour sets to a GAL file
   and loads it with libgeoda's GAL reader (the one ``pygeoda.read_gal`` calls);
   :func:`neighbour_sets` reads them back for comparison.
2. :func:`pygeoda_queen_neighbours` builds GeoDa's own queen contiguity from the polygons, to
   check that both libraries find the same neighbours in the first place.
3. :func:`pygeoda_local_moran` and :func:`pygeoda_global_moran` compute local and global Moran's
   I with GeoDa's (always row-standardised) weights.

Only row-standardised weights (``transform="r"``) are comparable: GeoDa row-standardises
contiguity weights itself. pygeoda 0.1.3 has no global Moran's I; :func:`pygeoda_global_moran`
computes it as GeoDa's Moran scatter-plot slope, ``sum(z * Wz) / sum(z * z)``, with the spatial
lag from GeoDa (``Weight.spatial_lag``). GeoDa's pseudo p-values are folded (one-sided in the
tail the data pick, like esda < 2.10 ``p_sim``) and drawn with GeoDa's own random numbers, so
they agree with ours only within permutation noise.

Usage on real data::

    w = pygeoda_weights_from_graph(weights.graph, tmp_path / "blitar.gal")
    assert neighbour_sets(w, list(weights.graph.unique_ids)) == graph_neighbour_sets(weights.graph)
    geoda = pygeoda_local_moran(y, w, permutations=9999, seed=1)

The module also holds the synthetic inputs shared by several test files (lattices, a Voronoi
tessellation, a hand-worked example of four units, a GeoTIFF writer) and, last, the checks that
every global statistic of umkm_geo must pass (seeded reproducibility, recorded settings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pygeoda
import shapely
from libpysal.graph import Graph
from pygeoda.libgeoda import gda_load_gal

# A point in Kabupaten Blitar, in UTM zone 49 south (EPSG:32749), as origin of synthetic maps.
BLITAR_ORIGIN = (630_000.0, 9_100_000.0)

# Ids of lattice(1, 4): the units a - b - c - d of the ``line`` fixture of conftest.py.
LINE_IDS = ("r0c0", "r0c1", "r0c2", "r0c3")

# GeoDa cluster codes of local Moran (lisa_clusters) -> umkm_geo labels.
GEODA_CLUSTERS = {0: "ns", 1: "HH", 2: "LL", 3: "LH", 4: "HL", 5: "undefined", 6: "island"}


def graph_neighbour_sets(graph: Graph) -> dict[str, frozenset[str]]:
    """Neighbour ids of every unit of a libpysal graph (islands map to an empty set)."""
    neighbours = graph.neighbors
    return {str(i): frozenset(map(str, neighbours[i])) for i in graph.unique_ids}


def write_gal(graph: Graph, path: str | Path, *, key: str = "kode") -> list[str]:
    """Write the neighbour sets of ``graph`` to a GAL file that pygeoda can read.

    pygeoda needs the four-field header ``0 n layer key`` (libpysal's ``Graph.to_gal`` writes
    ``n`` alone, which ``pygeoda.read_gal`` rejects). Weights are not written: GAL is binary.

    Returns
    -------
    list of str
        The ids in file order, to pass to ``pygeoda.read_gal``.
    """
    ids = [str(i) for i in graph.unique_ids]
    neighbours = graph_neighbour_sets(graph)
    lines = [f"0 {len(ids)} umkm_geo {key}"]
    for i in ids:
        nbrs = sorted(neighbours[i], key=ids.index)
        lines.append(f"{i} {len(nbrs)}")
        lines.append(" ".join(nbrs))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def pygeoda_weights_from_graph(graph: Graph, path: str | Path) -> pygeoda.Weight:
    """Load the neighbour structure of ``graph`` into pygeoda through a GAL file at ``path``.

    The ids in file order are kept on the weight as ``umkm_ids`` so that
    :func:`pygeoda_local_moran` and :func:`pygeoda_global_moran` can align values to them.
    """
    ids = write_gal(graph, path)
    # pygeoda.read_gal (0.1.3) opens the file to check its header and never closes it
    # (ResourceWarning), then loads it with libgeoda's gda_load_gal. The header is ours (written
    # just above), so call the loader directly: the same weight, and no file left open.
    weight = pygeoda.Weight(gda_load_gal(str(path), ids))
    weight.umkm_ids = ids
    return weight


def _aligned(y: pd.Series, weight: pygeoda.Weight) -> pd.Series:
    """``y`` in the order of ``weight`` (when it carries ``umkm_ids``), else as given."""
    ids = getattr(weight, "umkm_ids", None)
    if ids is None:
        return y
    aligned = y.set_axis(y.index.map(str)).reindex(ids)
    if aligned.isna().any() or len(ids) != len(y):
        msg = "y must have exactly one finite value for every unit of the weight."
        raise ValueError(msg)
    return aligned


def neighbour_sets(weight: pygeoda.Weight, ids: list) -> dict[str, frozenset[str]]:
    """Neighbour ids of every unit of a pygeoda weight (positions mapped to ``ids``)."""
    ids = [str(i) for i in ids]
    return {ids[k]: frozenset(ids[j] for j in weight.get_neighbors(k)) for k in range(weight.num_obs)}


def pygeoda_queen_neighbours(frame: gpd.GeoDataFrame) -> dict[str, frozenset[str]]:
    """GeoDa's own queen contiguity of the polygons of ``frame``, keyed by ``frame.index``."""
    geoda = pygeoda.open(frame.reset_index(drop=True)[["geometry"]])
    return neighbour_sets(pygeoda.queen_weights(geoda), list(frame.index))


def pygeoda_local_moran(
    y: pd.Series,
    weight: pygeoda.Weight,
    *,
    permutations: int = 999,
    seed: int = 123456789,
    significance_cutoff: float = 0.05,
) -> pd.DataFrame:
    """GeoDa's local Moran of ``y``.

    ``y`` is aligned to the weight's ids when the weight comes from
    :func:`pygeoda_weights_from_graph`; otherwise it must already be in the weight's order.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``y``, with ``Ii``, ``p_folded`` (GeoDa's pseudo p-value), ``cluster``
        (GeoDa's cluster at ``significance_cutoff``, as umkm_geo labels), ``quadrant`` (GeoDa's
        cluster when every unit counts as significant) and ``n_neighbours``.
    """
    values = [float(v) for v in _aligned(y, weight).to_numpy()]
    kwargs = {"permutations": permutations, "seed": seed, "cpu_threads": 1}
    lisa = pygeoda.local_moran(weight, values, significance_cutoff=significance_cutoff, **kwargs)
    every = pygeoda.local_moran(weight, values, significance_cutoff=1.0, **kwargs)
    result = pd.DataFrame(
        {
            "Ii": np.asarray(lisa.lisa_values(), dtype=float),
            "p_folded": np.asarray(lisa.lisa_pvalues(), dtype=float),
            "cluster": [GEODA_CLUSTERS[c] for c in lisa.lisa_clusters()],
            "quadrant": [GEODA_CLUSTERS[c] for c in every.lisa_clusters()],
            "n_neighbours": np.asarray(lisa.lisa_num_nbrs(), dtype=int),
        },
        index=_aligned(y, weight).index,
    )
    return result.reindex(y.index.map(str)).set_axis(y.index)


def pygeoda_global_moran(y: pd.Series, weight: pygeoda.Weight) -> float:
    """Global Moran's I as GeoDa's Moran scatter-plot slope, with GeoDa's spatial lag."""
    x = _aligned(y, weight).to_numpy(dtype=float)
    z = (x - x.mean()) / x.std()
    lag = np.asarray(weight.spatial_lag([float(v) for v in z]), dtype=float)
    return float((z * lag).sum() / (z * z).sum())


def lattice(n_rows: int, n_cols: int, *, size: float = 1000.0, crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    """Square lattice near Blitar, built in EPSG:32749, indexed ``r{row}c{col}`` (name ``kode``).

    The frame has the columns ``row`` and ``col`` and is returned in ``crs``.
    """
    x0, y0 = BLITAR_ORIGIN
    cells = [(r, c) for r in range(n_rows) for c in range(n_cols)]
    frame = gpd.GeoDataFrame(
        {"row": [r for r, _ in cells], "col": [c for _, c in cells]},
        geometry=[
            shapely.box(x0 + c * size, y0 + r * size, x0 + (c + 1) * size, y0 + (r + 1) * size) for r, c in cells
        ],
        crs="EPSG:32749",
        index=pd.Index([f"r{r}c{c}" for r, c in cells], name="kode"),
    )
    return frame.to_crs(crs)


def voronoi_tessellation(n: int = 60, *, seed: int = 42, extent: float = 20_000.0) -> gpd.GeoDataFrame:
    """Irregular tessellation: Voronoi cells of ``n`` seeded random points clipped to a box.

    Built in EPSG:32749 near Blitar and returned in that CRS, indexed ``35.99.NN`` (name
    ``kode``) like Kemendagri codes.
    """
    rng = np.random.default_rng(seed)
    x0, y0 = BLITAR_ORIGIN
    points = rng.uniform(0.0, extent, size=(n, 2)) + np.array([x0, y0])
    box = shapely.box(x0, y0, x0 + extent, y0 + extent)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box))
    # voronoi_polygons does not keep the order of the points: match each cell to its point.
    tree = shapely.STRtree(cells)
    order = [int(tree.query(shapely.points(p), predicate="intersects")[0]) for p in points]
    geometry = [shapely.intersection(cells[k], box) for k in order]
    return gpd.GeoDataFrame(
        geometry=geometry,
        crs="EPSG:32749",
        index=pd.Index([f"35.99.{i:02d}" for i in range(n)], name="kode"),
    )


def brute_force_local_p(
    y: pd.Series, graph: Graph, unit: str, *, permutations: int = 20_000, seed: int = 0
) -> tuple[float, float]:
    """Conditional-permutation pseudo p-values of one unit, with NumPy alone.

    The value of ``unit`` stays; as many values as it has neighbours are drawn without
    replacement from the other units, and their mean (row-standardised lag) gives a simulated
    local Moran. Returns ``(two_sided, folded)`` with the definitions of
    ``umkm_geo.stats._inference.P_VALUE_DEFINITIONS``.
    """
    ids = list(graph.unique_ids)
    x = y.reindex(ids).to_numpy(dtype=float)
    z = (x - x.mean()) / x.std()
    k = ids.index(unit)
    neighbours = [ids.index(j) for j in graph.neighbors[unit]]
    observed = (len(z) - 1) * z[k] * z[neighbours].mean() / (z @ z)
    others = np.delete(np.arange(len(z)), k)
    rng = np.random.default_rng(seed)
    draws = others[rng.random((permutations, len(others))).argsort(axis=1)[:, : len(neighbours)]]
    simulated = (len(z) - 1) * z[k] * z[draws].mean(axis=1) / (z @ z)
    greater = int((simulated >= observed).sum())
    lesser = int((simulated <= observed).sum())
    two_sided = min(2 * (min(greater, lesser) + 1) / (permutations + 1), 1.0)
    folded = (min(greater, permutations - greater) + 1) / (permutations + 1)
    return two_sided, folded


def spdep_local_g_star(y: pd.Series, neighbours: Mapping[str, frozenset[str]]) -> pd.DataFrame:
    """Gi* and its analytical z as R's ``spdep::localG`` computes them, with plain Python loops.

    The weights are binary with the unit itself included (``include.self``): ``w_ij = 1`` for
    ``j = i`` and each neighbour. spdep (R/localG.R, ``gstari``):
    ``xbar = mean(x)``, ``s2 = sum((x - xbar)^2) / n`` (divisor n), ``W_i = sum_j w_ij``,
    ``S1_i = sum_j w_ij^2``, ``E = W_i xbar``, ``V = s2 (n S1_i - W_i^2) / (n - 1)`` and
    ``z = (sum_j w_ij x_j - E) / sqrt(V)``; ``G*_i = sum_j w_ij x_j / sum(x)``. Returns the
    columns ``G`` (binary weights), ``G_row`` (``G / W_i``, the row-standardised Gi* that esda and
    umkm_geo report) and ``z``, indexed like ``neighbours``.
    """
    ids = list(neighbours)
    x = {i: float(y[i]) for i in ids}
    n = len(ids)
    xbar = sum(x.values()) / n
    s2 = sum((v - xbar) ** 2 for v in x.values()) / n
    total = sum(x.values())
    rows = {}
    for i in ids:
        window = [i, *neighbours[i]]
        w_i = float(len(window))  # sum of the weights, all 1
        s1_i = float(len(window))  # sum of their squares
        lag = sum(x[j] for j in window)
        variance = s2 * (n * s1_i - w_i**2) / (n - 1)
        rows[i] = {"G": lag / total, "G_row": lag / total / w_i, "z": (lag - w_i * xbar) / variance**0.5}
    return pd.DataFrame.from_dict(rows, orient="index")


def kode_index(n: int) -> pd.Index:
    """Ids ``35.05.01`` ... ``35.05.{n}`` like Kemendagri kecamatan codes, named ``kode``."""
    return pd.Index([f"35.05.{i:02d}" for i in range(1, n + 1)], name="kode")


def four_units() -> tuple[pd.Series, pd.Series, pd.Series]:
    """Hand-worked example of 4 units in 2 groups: ``(x, population, group)``.

    ::

        unit  group  x  p   p*x
        01    g1     1  1   1
        02    g1     3  1   3
        03    g2     4  1   4
        04    g2     4  3   12      P = 6, sum(p x) = 20, xbar = 20/6 = 10/3
    """
    index = kode_index(4)
    x = pd.Series([1.0, 3.0, 4.0, 4.0], index=index, name="umkm_per_1000")
    p = pd.Series([1.0, 1.0, 1.0, 3.0], index=index, name="population")
    g = pd.Series(["g1", "g1", "g2", "g2"], index=index, name="wilayah")
    return x, p, g


def write_geotiff(
    path: str | Path, values: np.ndarray, *, west: float, north: float, cell: float, crs: str = "EPSG:32749"
) -> Path:
    """Write the 2-D array ``values`` as a one-band GeoTIFF with square pixels of ``cell``.

    The top-left corner of the raster is ``(west, north)``; the data type is that of ``values``.
    """
    import rasterio  # only the raster tests need it
    from affine import Affine

    profile = {
        "driver": "GTiff",
        "width": values.shape[1],
        "height": values.shape[0],
        "count": 1,
        "dtype": values.dtype,
        "crs": crs,
        "transform": Affine(cell, 0.0, west, 0.0, -cell, north),
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
    return Path(path)


# --- checks every global statistic of umkm_geo must pass --------------------------------------


def assert_seeded(run: Callable[[int], Mapping[str, Any]]) -> None:
    """Check results of ``run(seed)`` (a mapping of names to results) for reproducibility.

    The same seed gives the same ``to_dict()``, NumPy's global generator state is left as it was,
    and at least one statistic moves with the seed.
    """
    np.random.seed(123)
    state = np.random.get_state()
    first = run(9)
    after = np.random.get_state()
    assert all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b for a, b in zip(state, after, strict=True))
    second, other = run(9), run(10)
    for name in first:
        assert first[name].to_dict() == second[name].to_dict(), name
    assert any(first[k].to_dict()["statistics"] != other[k].to_dict()["statistics"] for k in first)


def assert_records_settings(results: Mapping[str, Any], *, permutations: int, seed: int) -> None:
    """Check that every result (by its ``to_dict()`` name) records what reproduces it.

    The permutations, seed, esda and libpysal versions, transformation, island handling and the
    two-sided ``p_sim_definition`` of ``umkm_geo.stats._inference.P_VALUE_DEFINITIONS``; and that its
    ``table()`` has the columns of every umkm_geo result table.
    """
    import esda

    from umkm_geo.results import RESULT_TABLE_COLUMNS
    from umkm_geo.stats._inference import P_VALUE_DEFINITIONS

    for name, result in results.items():
        record = result.to_dict()
        assert record["result"] == name
        settings = record["settings"]
        assert settings["permutations"] == permutations and settings["seed"] == seed
        assert settings["esda_version"] == esda.__version__
        assert {"libpysal_version", "transformation", "islands", "p_sim_definition"} <= set(settings)
        assert settings["p_sim_definition"] == P_VALUE_DEFINITIONS["two-sided"][1]
        table = result.table()
        assert tuple(table.columns) == RESULT_TABLE_COLUMNS
        assert set(table["result"]) == {name}
