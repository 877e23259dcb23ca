"""The grid of a density surface: square cells in metres, counts put in cells, smoothing inside a mask.

Arrays only (no file is read or written): :class:`_Grid` aligns cells on multiples of the cell size
around the data, :func:`_gridded_counts` puts the counts of points or polygons in cells (a polygon's
count spread uniformly over the cells whose centre it holds) and :func:`_smooth` spreads counts with
a kernel over the cells of the mask only, keeping the total. Used by
:func:`umkm_geo.indicators.density.density_surface`.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import rasterio.features
import scipy.signal
from affine import Affine

from umkm_geo._errors import ConfigError

#: Largest grid :func:`density_surface` builds (cells); beyond it, ask for a larger cell size.
_MAX_CELLS = 50_000_000

_SNAP = 1e-6


@dataclasses.dataclass(frozen=True)
class _Grid:
    left: float
    top: float
    width: int
    height: int
    cell: float

    @classmethod
    def around(cls, bounds: Sequence[float], cell: float, pad: float) -> _Grid:
        """Grid aligned on multiples of ``cell`` covering ``bounds`` grown by ``pad``."""
        minx, miny, maxx, maxy = bounds
        # Bounds within a millionth of a cell of a grid line (reprojection noise) snap to it.
        left = math.floor((minx - pad) / cell + _SNAP) * cell
        bottom = math.floor((miny - pad) / cell + _SNAP) * cell
        right = math.ceil((maxx + pad) / cell - _SNAP) * cell
        top = math.ceil((maxy + pad) / cell - _SNAP) * cell
        width, height = max(round((right - left) / cell), 1), max(round((top - bottom) / cell), 1)
        if width * height > _MAX_CELLS:
            msg = (
                f"A {cell:g} m grid over this area has {width} x {height} cells, more than {_MAX_CELLS:,}; "
                "use a larger cell_size_m."
            )
            raise ConfigError(msg)
        return cls(left, top, width, height, cell)

    @property
    def transform(self) -> Affine:
        return Affine(self.cell, 0.0, self.left, 0.0, -self.cell, self.top)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.height, self.width)

    def cells_of(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column and in-grid flag of points (a point on the outer edge goes to the edge cell)."""
        col = np.floor((x - self.left) / self.cell).astype(np.int64)
        row = np.floor((self.top - y) / self.cell).astype(np.int64)
        inside = (x >= self.left) & (x <= self.left + self.width * self.cell)
        inside &= (y <= self.top) & (y >= self.top - self.height * self.cell)
        return np.clip(row, 0, self.height - 1), np.clip(col, 0, self.width - 1), inside


def _smooth(counts: np.ndarray, mask: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Spread ``counts`` with ``kernel`` over the cells of ``mask`` only, keeping the total."""
    inside = mask.astype(np.float64)
    reach = scipy.signal.fftconvolve(inside, kernel, mode="same")
    source = np.zeros_like(counts)
    has = counts > 0
    source[has] = counts[has] / reach[has]  # reach >= kernel centre > 0 on every mask cell
    spread = np.clip(scipy.signal.fftconvolve(source, kernel, mode="same"), 0.0, None) * inside
    # FFT rounding leaves relative errors near 1e-15; rescale so the total is kept to the last bit.
    total, kept = counts.sum(), spread.sum()
    return spread * (total / kept) if kept > 0 else spread


def _point_counts(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, grid: _Grid
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    counts = np.zeros(grid.shape)
    row, col, inside = grid.cells_of(x, y)
    np.add.at(counts, (row[inside], col[inside]), weights[inside])
    return counts, row, col, inside


def _areal_counts(
    polygons: gpd.GeoSeries, weights: np.ndarray, grid: _Grid, inside_mask: np.ndarray, *, grow_mask: bool
) -> tuple[np.ndarray, float, np.ndarray]:
    """Counts per cell of the areal method, the count left outside the mask and the units it came from.

    ``inside_mask`` is updated in place when ``grow_mask``: the cell that takes the count of a polygon
    smaller than a cell joins the mask (the mask is then the union of the polygons).
    """
    labels = rasterio.features.rasterize(
        [(geom, i + 1) for i, geom in enumerate(polygons)],
        out_shape=grid.shape,
        transform=grid.transform,
        fill=0,
        dtype="int32",
    )
    n_cells = np.bincount(labels.ravel(), minlength=len(polygons) + 1)[1:]
    per_cell = np.divide(weights, n_cells, out=np.zeros_like(weights), where=n_cells > 0)
    counts = np.concatenate([[0.0], per_cell])[labels]
    small = np.flatnonzero(n_cells == 0)
    lost_cells = np.zeros(len(polygons), dtype=bool)
    if len(small):
        anchors = polygons.iloc[small].representative_point()
        extra, row, col, _ = _point_counts(anchors.x.to_numpy(), anchors.y.to_numpy(), weights[small], grid)
        counts += extra
        if grow_mask:
            inside_mask[row, col] = True
        lost_cells[small] = ~inside_mask[row, col]
        msg = (
            f"{len(small)} polygon(s) hold no cell centre of the {grid.cell:g} m grid; their count was put in "
            f"the cell of their representative point: {list(map(str, polygons.index[small][:20]))}. Use a "
            "smaller cell_size_m to resolve them."
        )
        warnings.warn(msg, UserWarning, stacklevel=3)
    outside = ~inside_mask
    lost_cells[np.unique(labels[outside & (labels > 0)]) - 1] = True
    excluded = float(counts[outside].sum())
    return counts * inside_mask, excluded, np.flatnonzero(lost_cells & (weights > 0))


def _gridded_counts(
    data: gpd.GeoSeries, weights: np.ndarray, grid: _Grid, inside_mask: np.ndarray, *, method: str, grow_mask: bool
) -> tuple[np.ndarray, float, np.ndarray]:
    """Counts per cell by ``method``, the total left outside the mask and the positions of the units it came from."""
    if method == "areal":
        return _areal_counts(data, weights, grid, inside_mask, grow_mask=grow_mask)
    source = data if method == "points" else data.representative_point()
    counts, row, col, in_grid = _point_counts(source.x.to_numpy(), source.y.to_numpy(), weights, grid)
    kept = in_grid & inside_mask[row, col]
    return counts * inside_mask, float(weights[~kept].sum()), np.flatnonzero(~kept & (weights > 0))
