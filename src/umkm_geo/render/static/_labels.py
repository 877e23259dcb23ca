"""Area labels without overlaps, for the static maps.

:func:`place_labels` puts each name, in this order of preference: inside its area (at the pole of
inaccessibility, largest font that fits); centred on the area, spilling over its edge onto empty
ground (outside every area) but never onto a neighbour; beside the area with a leader line, again on
empty ground only; as a number explained in the key under the legend (:func:`label_key`); else it is
named in the key only. So a label never sits on a unit it does not name: the small kelurahan of a kota
surrounded by a kabupaten get numbers. Placement works in display space (pixels) on the figure's Agg
renderer, so the boxes tested are the boxes drawn.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Hashable, Sequence

import geopandas as gpd
import matplotlib.patheffects as pe
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox
from shapely.geometry import MultiPolygon, Point, Polygon, box
from shapely.ops import polylabel

from umkm_geo import _i18n
from umkm_geo.render.static._layout import aligned, figure_renderer

#: Font sizes (points) of the labels: largest and smallest (7 pt, legible in print).
LABEL_SIZE = 8.0
LABEL_MIN_SIZE = 7.0

#: Above this many areas, labels are left out (with a warning): they could not be read.
MAX_LABELS = 150

#: Leader lines end at most this many 6-pixel steps (at the canvas' 100 dpi: half an inch) beyond the
#: label's own width; a unit whose name finds no empty ground that close gets a number in the key.
MAX_LEADER_STEPS = 8

#: ``gid`` of the label texts and of the leader lines (and their anchor dots).
GID_LABEL = "area-label"
GID_LEADER = "label-leader"


@dataclasses.dataclass(frozen=True)
class PlacedLabel:
    """Where the label of one area went.

    Parameters
    ----------
    key
        Id of the area (the frame's index).
    name
        The label text.
    how
        ``"inside"`` (fits in the area), ``"centred"`` (on the area, spilling over its edge),
        ``"leader"`` (beside the area, with a leader line), ``"number"`` (a number explained in the
        key) or ``"none"`` (no room even for a number; named in the key).
    number
        The number drawn for ``"number"`` (and listed in the key), else ``None``.
    fontsize
        Font size in points (``None`` for ``"none"``).
    """

    key: Hashable
    name: str
    how: str
    number: int | None = None
    fontsize: float | None = None


def _anchor(geom) -> tuple[Point, float]:
    """Pole of inaccessibility of the largest part, and that part's area."""
    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    part = max(parts, key=lambda p: p.area)
    if not isinstance(part, Polygon) or part.is_empty:
        point = geom.representative_point()
        return point, float(geom.area)
    return polylabel(part, tolerance=max(math.sqrt(part.area) / 100, 1e-9)), float(part.area)


class LabelPlacer:
    """Greedy placement of label boxes in display space (pixels) against boxes already taken."""

    def __init__(self, ax: Axes, obstacles: Sequence[Bbox], pad: float) -> None:
        self.ax = ax
        self.renderer = figure_renderer(ax)
        self.frame = ax.bbox
        self.pad = pad
        self._taken = np.array([[b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad] for b in obstacles]).reshape(-1, 4)
        self._taken_boxes = shapely.box(*self._taken.T) if len(self._taken) else np.empty(0, dtype=object)
        self._segments = np.empty(0, dtype=object)
        self._sizes: dict[tuple[str, float], tuple[float, float]] = {}

    def size(self, value: str, fontsize: float) -> tuple[float, float]:
        """Width and height in pixels of ``value`` at ``fontsize`` (with the halo)."""
        key = (value, fontsize)
        if key not in self._sizes:
            probe = self.ax.text(0, 0, value, fontsize=fontsize, ha="center", va="center")
            bbox = probe.get_window_extent(self.renderer)
            probe.remove()
            self._sizes[key] = (bbox.width + 2 * self.pad, bbox.height + 2 * self.pad)
        return self._sizes[key]

    @staticmethod
    def box_at(center: np.ndarray, size: tuple[float, float]) -> Bbox:
        w, h = size
        return Bbox.from_extents(center[0] - w / 2, center[1] - h / 2, center[0] + w / 2, center[1] + h / 2)

    def free_many(self, boxes: np.ndarray, *, points: np.ndarray | None = None) -> np.ndarray:
        """For each box ``(x0, y0, x1, y1)``: inside the axes, overlapping no taken box or leader, covering no point."""
        f = self.frame
        x0, y0, x1, y1 = (boxes[:, j, None] for j in range(4))
        ok = ((x0 >= f.x0) & (x1 <= f.x1) & (y0 >= f.y0) & (y1 <= f.y1))[:, 0]
        t = self._taken
        if len(t):
            ok &= ~((x0 < t[:, 2]) & (x1 > t[:, 0]) & (y0 < t[:, 3]) & (y1 > t[:, 1])).any(axis=1)
        if points is not None and len(points):
            px, py = points[:, 0], points[:, 1]
            ok &= ~((px > x0) & (px < x1) & (py > y0) & (py < y1)).any(axis=1)
        if len(self._segments) and ok.any():
            idx = np.flatnonzero(ok)
            rects = shapely.box(*boxes[idx].T)
            ok[idx] = ~shapely.intersects(rects[:, None], self._segments[None, :]).any(axis=1)
        return ok

    def free(self, bbox: Bbox, *, points: np.ndarray | None = None) -> bool:
        """Whether ``bbox`` is inside the axes, overlaps no taken box or leader, and covers no point."""
        return bool(self.free_many(np.array([[bbox.x0, bbox.y0, bbox.x1, bbox.y1]]), points=points)[0])

    def segments_free(self, start: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """For each end point: whether a leader line from ``start`` to it crosses no taken box."""
        if not len(self._taken_boxes) or not len(ends):
            return np.ones(len(ends), dtype=bool)
        lines = shapely.linestrings(np.stack([np.broadcast_to(start, ends.shape), ends], axis=1))
        return ~shapely.intersects(lines[:, None], self._taken_boxes[None, :]).any(axis=1)

    def take(self, bbox: Bbox, segment: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Mark ``bbox`` (and a leader line) as taken."""
        self._taken = np.vstack([self._taken, [bbox.x0, bbox.y0, bbox.x1, bbox.y1]])
        self._taken_boxes = np.append(self._taken_boxes, box(bbox.x0, bbox.y0, bbox.x1, bbox.y1))
        if segment is not None:
            self._segments = np.append(self._segments, shapely.LineString(segment))


def _nearest_on_box(bbox: Bbox, point: np.ndarray) -> np.ndarray:
    return np.array([min(max(point[0], bbox.x0), bbox.x1), min(max(point[1], bbox.y0), bbox.y1)])


def _leader_candidates(anchor: np.ndarray, away: np.ndarray, size: tuple[float, float]) -> np.ndarray:
    """Box centres (rows) around ``anchor`` by increasing distance, directions closest to ``away`` first."""
    angles = np.radians(np.arange(0, 360, 15))
    preferred = math.atan2(away[1], away[0]) if np.any(away) else 0.0
    order = np.argsort(np.abs((angles - preferred + np.pi) % (2 * np.pi) - np.pi), kind="stable")
    w, h = size
    centres = []
    for step in range(1, MAX_LEADER_STEPS + 1):
        gap = 6.0 * step
        for angle in angles[order]:
            c, s = math.cos(angle), math.sin(angle)
            # Distance from the box centre to its edge in this direction, plus the gap.
            reach = min(w / 2 / abs(c) if abs(c) > 1e-9 else np.inf, h / 2 / abs(s) if abs(s) > 1e-9 else np.inf)
            centres.append(anchor + (reach + gap) * np.array([c, s]))
    return np.array(centres)


def place_labels(
    ax: Axes,
    frame: gpd.GeoDataFrame,
    labels: pd.Series,
    *,
    obstacles: Sequence[Bbox] = (),
    fontsize: float = LABEL_SIZE,
    min_fontsize: float = LABEL_MIN_SIZE,
    max_labels: int = MAX_LABELS,
) -> list[PlacedLabel]:
    """Draw area labels that do not overlap each other or ``obstacles``.

    Each name goes, in this order of preference: inside its area at its pole of inaccessibility
    (largest font that fits, down to ``min_fontsize``); centred on the area, spilling over its
    edge, if that overlaps nothing; beside the area with a leader line (directions away from the
    crowd first); as a number explained in the key (at the area, or beside it with a leader line;
    numbered in reading order); else it is only named in the key. Larger areas are placed first.
    Call it after the axes limits are final.

    Parameters
    ----------
    ax
        Map axes, in the CRS of ``frame``.
    frame
        The areas.
    labels
        Name of each area, indexed like ``frame`` (missing: no label).
    obstacles
        Display-space boxes labels must avoid (stamp, scale bar).
    fontsize, min_fontsize
        Largest and smallest font size in points.
    max_labels
        Above this many names no label is drawn (with a warning).

    Returns
    -------
    list of PlacedLabel
        One per name, in the order of ``frame``. Texts have ``gid`` :data:`GID_LABEL`, leader
        lines :data:`GID_LEADER`.
    """
    names = aligned(labels, frame.index, "labels")
    names = names[names.notna()].astype(str)
    if len(names) > max_labels:
        warnings.warn(
            f"{len(names)} areas are too many to label legibly (more than {max_labels}); the maps have no area labels.",
            UserWarning,
            stacklevel=1,  # one place, so a run of twenty maps says it once
        )
        return []
    ax.apply_aspect()
    placer = LabelPlacer(ax, obstacles, pad=1.5)
    to_display = ax.transData.transform
    geoms = frame.geometry.loc[names.index]
    anchors_data = [_anchor(g) for g in geoms]
    anchors = to_display(np.array([[p.x, p.y] for p, _ in anchors_data]).reshape(-1, 2))
    shapes = shapely.transform(np.asarray(geoms.array, dtype=object), to_display)
    order = np.argsort([-a for _, a in anchors_data], kind="stable")
    sizes = [s for s in np.arange(fontsize, min_fontsize - 1e-9, -0.5)]
    placed: dict[int, tuple[str, np.ndarray, float, Bbox, int | None]] = {}
    pending = set(range(len(names)))

    def others(i: int) -> np.ndarray:
        rest = sorted(pending - {i})
        return anchors[rest] if rest else np.empty((0, 2))

    def put(i: int, how: str, centre: np.ndarray, size: float, bbox: Bbox, number: int | None = None) -> None:
        leader = (anchors[i], _nearest_on_box(bbox, anchors[i])) if how.endswith("leader") else None
        placer.take(bbox, leader)
        placed[i] = (how, centre, size, bbox, number)
        pending.discard(i)

    def inside_spot(i: int, value: str, size: float) -> tuple[np.ndarray, Bbox] | None:
        """A free spot for ``value`` inside area ``i`` (to a pixel): its pole first, then points nearest to it."""
        w, h = placer.size(value, size)
        shape = shapes[i]
        x0, y0, x1, y1 = shape.bounds
        if x1 - x0 < w - 2 or y1 - y0 < h - 2:
            return None
        pole = placer.box_at(anchors[i], (w, h))
        if shape.contains(box(pole.x0 + 1, pole.y0 + 1, pole.x1 - 1, pole.y1 - 1)) and placer.free(pole):
            return anchors[i], pole
        gx, gy = np.meshgrid(np.linspace(x0 + w / 2, x1 - w / 2, 15), np.linspace(y0 + h / 2, y1 - h / 2, 15))
        centres = np.vstack([anchors[i], np.column_stack([gx.ravel(), gy.ravel()])])
        centres = centres[np.argsort(np.linalg.norm(centres - anchors[i], axis=1), kind="stable")]
        half = np.array([w / 2, h / 2])
        boxes = np.column_stack([centres - half, centres + half])
        idx = np.flatnonzero(shapely.contains(shape, shapely.box(*(boxes + np.array([1, 1, -1, -1])).T)))
        idx = idx[placer.free_many(boxes[idx])] if len(idx) else idx
        return (centres[idx[0]], Bbox.from_extents(*boxes[idx[0]])) if len(idx) else None

    # 1. Inside the area (at its pole of inaccessibility, or elsewhere inside it if that is taken).
    for i in order:
        for size in sizes:
            found = inside_spot(i, names.iloc[i], size)
            if found is not None:
                put(i, "inside", found[0], size, found[1])
                break
    # A label outside its own area may lie on empty ground only, never on another area (tested at 21
    # points spread over its box: a box on a neighbour's corner bigger than about 5% of it is refused).
    all_ids = np.arange(len(shapes))
    coarse = shapely.simplify(shapes, 0.5)  # to half a pixel: as good for the tests below, and faster
    shapely.prepare(coarse)
    tree = shapely.STRtree(coarse)

    def covers_crowded_many(boxes: np.ndarray, own: int) -> np.ndarray:
        """For each box: whether any of 7 x 3 points spread over it lies in an area other than ``own``."""
        covers = np.zeros(len(boxes), dtype=bool)
        if not len(boxes):
            return covers
        which, hits = tree.query(shapely.box(*boxes.T))
        keep = all_ids[hits] != own
        which, hits = which[keep], hits[keep]
        if not len(which):
            return covers
        fx, fy = np.meshgrid(np.linspace(0.05, 0.95, 7), np.linspace(0.15, 0.85, 3))
        b = boxes[which]
        xs = b[:, [0]] + fx.ravel()[None, :] * (b[:, [2]] - b[:, [0]])
        ys = b[:, [1]] + fy.ravel()[None, :] * (b[:, [3]] - b[:, [1]])
        inside = shapely.contains_xy(np.repeat(coarse[hits], xs.shape[1]), xs.ravel(), ys.ravel())
        covers[which[inside.reshape(xs.shape).any(axis=1)]] = True
        return covers

    def covers_crowded(bbox: Bbox, own: int) -> bool:
        return bool(covers_crowded_many(np.array([[bbox.x0, bbox.y0, bbox.x1, bbox.y1]]), own)[0])

    def beside(i: int, value: str, sizes_to_try: Sequence[float]) -> tuple[np.ndarray, float, Bbox] | None:
        """First free spot for ``value`` beside area ``i``, with a leader line; None if there is none."""
        near = anchors[np.linalg.norm(anchors - anchors[i], axis=1) < 80]
        away = anchors[i] - (near.mean(axis=0) if len(near) > 1 else anchors.mean(axis=0))
        points = others(i)
        for size in sizes_to_try:
            w, h = placer.size(value, size)
            centres = _leader_candidates(anchors[i], away, (w, h))
            half = np.array([w / 2, h / 2])
            boxes = np.column_stack([centres - half, centres + half])
            idx = np.flatnonzero(placer.free_many(boxes, points=points))
            idx = idx[~covers_crowded_many(boxes[idx], i)]
            ends = np.clip(anchors[i], boxes[idx, :2], boxes[idx, 2:])  # nearest point of each box
            idx = idx[placer.segments_free(anchors[i], ends)]
            if len(idx):
                return centres[idx[0]], size, Bbox.from_extents(*boxes[idx[0]])
        return None

    # 2. Centred on the area, over its edge onto empty ground (not onto another area).
    for i in order:
        if i in pending:
            for size in sizes:
                bbox = placer.box_at(anchors[i], placer.size(names.iloc[i], size))
                if placer.free(bbox, points=others(i)) and not covers_crowded(bbox, i):
                    put(i, "centred", anchors[i], size, bbox)
                    break
    # 3. Beside the area on empty ground, with a leader line pointing away from the crowd.
    for i in order:
        if i in pending:
            spot = beside(i, names.iloc[i], list(dict.fromkeys((max(min_fontsize, fontsize - 0.5), min_fontsize))))
            if spot is not None:
                put(i, "leader", spot[0], spot[1], spot[2])
    # 4. A number at the area (or beside it), explained in the key; numbered in reading order.
    number = 0
    for i in sorted(pending, key=lambda j: (-round(anchors[j][1]), anchors[j][0])):
        value = str(number + 1)
        bbox = placer.box_at(anchors[i], placer.size(value, min_fontsize))
        inside = inside_spot(i, value, min_fontsize)
        if inside is not None:
            number += 1
            put(i, "number", inside[0], min_fontsize, inside[1], number)
            continue
        if placer.free(bbox, points=others(i)):
            number += 1
            put(i, "number", anchors[i], min_fontsize, bbox, number)
            continue
        spot = beside(i, value, [min_fontsize])
        if spot is not None:
            number += 1
            put(i, "number-leader", spot[0], spot[1], spot[2], number)
        else:
            pending.discard(i)
            placed[i] = ("none", anchors[i], 0.0, bbox, None)

    unplaced = [names.iloc[i] for i, v in placed.items() if v[0] == "none"]
    if unplaced:
        warnings.warn(
            f"No room on the map for the label or number of {len(unplaced)} areas ({', '.join(unplaced[:5])}"
            f"{', ...' if len(unplaced) > 5 else ''}); they are named in the key under the legend.",
            UserWarning,
            stacklevel=2,
        )
    from_display = ax.transData.inverted().transform
    halo = [pe.withStroke(linewidth=1.6, foreground="white")]
    result = []
    for i, (key, name) in enumerate(names.items()):
        how, centre, size, bbox, num = placed[i]
        if how == "none":
            result.append(PlacedLabel(key, name, "none", num, None))
            continue
        x, y = from_display(centre)
        shown = str(num) if how.startswith("number") else name
        ax.text(
            x,
            y,
            shown,
            fontsize=size,
            ha="center",
            va="center",
            color="#1a1a1a",
            path_effects=halo,
            zorder=6,
            gid=GID_LABEL,
        )
        if how.endswith("leader"):
            start = from_display(anchors[i])
            end = from_display(_nearest_on_box(bbox.padded(-placer.pad), anchors[i]))
            ax.plot(
                [start[0], end[0]],
                [start[1], end[1]],
                color="#1a1a1a",
                linewidth=0.6,
                zorder=5,
                gid=GID_LEADER,
                solid_capstyle="round",
            )
            ax.plot(start[0], start[1], "o", markersize=1.6, color="#1a1a1a", zorder=5, gid=GID_LEADER)
        result.append(PlacedLabel(key, name, "number" if how.startswith("number") else how, num, size))
    return result


def label_key(placed: Sequence[PlacedLabel], lang: str) -> str:
    """Text of the key of numbered (and unlabelled) areas, empty when every name is on the map."""
    rows = [p for p in placed if p.how in ("number", "none")]
    if not rows:
        return ""
    lines = [_i18n.text("maps.key_title", lang)]
    for p in sorted(rows, key=lambda r: (r.number is None, r.number or 0)):
        lines.append(
            f"{p.number}  {p.name}" if p.how == "number" else _i18n.text("maps.key_unlabelled", lang, name=p.name)
        )
    return "\n".join(lines)
