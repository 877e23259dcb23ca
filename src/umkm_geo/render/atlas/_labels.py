"""Where the atlas writes each area's name: one point inside each polygon (:func:`label_points`).

The page draws the names itself (``labels.js``) and only needs one point per area, carried in the
area's GeoJSON properties as ``l``: the polygon set is not repeated.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.ops import polylabel

#: polylabel's precision, as a share of the polygon's larger side.
PRECISION = 0.01


def _largest_part(geom: shapely.Geometry) -> Polygon | None:
    if isinstance(geom, Polygon):
        return geom
    if isinstance(geom, MultiPolygon):
        return max(geom.geoms, key=lambda part: part.area)
    return None


def label_points(geoms: np.ndarray, *, decimals: int = 5) -> list[list[float] | None]:
    """A point inside each polygon to write its name at, as ``[lat, lng]``.

    The point is the pole of inaccessibility of the polygon's largest part (the point farthest from
    its boundary, so a name stays inside a concave or ringed area), found with shapely's
    ``polylabel`` to :data:`PRECISION` of its larger side.

    Parameters
    ----------
    geoms
        Polygons or multipolygons in longitude/latitude (EPSG:4326); an empty or missing geometry
        gives ``None``.
    decimals
        Decimals of the coordinates (5: about 1 m).

    Returns
    -------
    list
        ``[lat, lng]`` or ``None`` per geometry, in order.
    """
    points: list[list[float] | None] = []
    for geom in geoms:
        part = None if geom is None or geom.is_empty else _largest_part(geom)
        if part is None or part.area == 0:
            points.append(None)
            continue
        minx, miny, maxx, maxy = part.bounds
        point = polylabel(part, tolerance=PRECISION * max(maxx - minx, maxy - miny))
        points.append([round(point.y, decimals), round(point.x, decimals)])
    return points
