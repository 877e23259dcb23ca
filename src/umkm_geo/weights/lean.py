"""Contiguity weights as a plain sparse matrix, for command-line runs that must start fast.

Importing libpysal takes about a second (it loads scikit-learn, scipy.stats and its example
datasets), which is most of the budget of a one-shot ``umkm-geo local`` run on 10,000 polygons.
:class:`SparseWeights` holds the same queen or rook contiguity as :func:`umkm_geo.weights.build.build_weights`
(built by :mod:`umkm_geo.weights._contiguity`, whose neighbour sets equal libpysal's) and offers the
attributes the local statistics read from a libpysal ``Graph`` (``unique_ids``, ``sparse``,
``transformation``, ``cardinalities``), so :mod:`umkm_geo.stats.autocorrelation.local` accepts either.
:meth:`SparseWeights.to_graph` converts to a libpysal ``Graph`` when a statistic needs one.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo._validate import repeated
from umkm_geo.weights._contiguity import contiguity_pairs, is_polygonal

if TYPE_CHECKING:
    import geopandas as gpd
    from libpysal.graph import Graph

__all__ = ["SparseWeights", "contiguity_weights"]


@dataclasses.dataclass(frozen=True, eq=False)
class SparseWeights:
    """Row-standardised (or binary) contiguity in CSR form, indexed by unit id.

    Attributes
    ----------
    unique_ids
        Unit ids, in the order of the rows.
    sparse
        ``n x n`` CSR matrix of weights (no stored zeros; islands have empty rows).
    transformation
        ``"R"`` (row-standardised) or ``"B"`` (binary), as libpysal names them.
    method
        ``"queen"`` or ``"rook"``.
    """

    unique_ids: pd.Index
    sparse: scipy.sparse.csr_array
    transformation: str
    method: str

    @property
    def cardinalities(self) -> pd.Series:
        """Number of neighbours of each unit."""
        return pd.Series(np.diff(self.sparse.indptr), index=self.unique_ids, name="cardinalities")

    @property
    def islands(self) -> list[Any]:
        """Ids of the units without neighbours."""
        return list(self.unique_ids[np.diff(self.sparse.indptr) == 0])

    def to_graph(self) -> Graph:
        """The same weights as a libpysal ``Graph`` (islands as zero-weight self-loops)."""
        from libpysal.graph import Graph

        return Graph.from_sparse(self.sparse, ids=self.unique_ids).transform(self.transformation)


def contiguity_weights(frame: gpd.GeoDataFrame, *, method: str = "queen", transform: str = "r") -> SparseWeights:
    """Queen or rook contiguity of the polygons of ``frame`` without importing libpysal.

    Parameters
    ----------
    frame
        Polygons indexed by a unique id.
    method
        ``"queen"`` (a shared vertex) or ``"rook"`` (a shared edge).
    transform
        ``"r"`` (row-standardised, default) or ``"b"`` (binary).

    Returns
    -------
    SparseWeights
        The weights; neighbour sets equal those of ``Graph.build_contiguity``.

    Raises
    ------
    ConfigError
        For another method or transform.
    AnalysisError
        For duplicated ids, missing or non-polygonal geometries.
    """
    if method not in ("queen", "rook"):
        msg = f"contiguity_weights builds queen or rook contiguity, not {method!r}; use build_weights for others."
        raise ConfigError(msg)
    if transform.lower() not in ("r", "b"):
        msg = f"transform must be 'r' (row-standardised) or 'b' (binary), not {transform!r}."
        raise ConfigError(msg)
    dupes = repeated(frame.index)
    if dupes:
        msg = f"The ids must be unique to name the units of the weights; duplicated: {dupes[:20]}."
        raise AnalysisError(msg)
    geometry = frame.geometry.to_numpy()
    bad = frame.geometry.isna().to_numpy() | frame.geometry.is_empty.to_numpy()
    if bad.any() or not is_polygonal(geometry):
        units = list(map(str, frame.index[bad]))
        msg = f"Contiguity needs a polygon for every unit; missing, empty or non-polygonal: {units[:20] or 'some'}."
        raise AnalysisError(msg)
    n = len(frame)
    pairs = contiguity_pairs(geometry, rook=method == "rook")
    heads, tails = np.divmod(pairs, n)
    weights = np.ones(len(pairs))
    if transform.lower() == "r":
        counts = np.bincount(heads, minlength=n).astype(float)
        weights = 1.0 / counts[heads]
    matrix = scipy.sparse.csr_array((weights, (heads, tails)), shape=(n, n))
    matrix.sort_indices()
    return SparseWeights(
        unique_ids=pd.Index(frame.index), sparse=matrix, transformation=transform.upper(), method=method
    )
