"""Parser of the MySQL ``INSERT`` files of cahyadsn/wilayah_boundaries.

Each file holds statements ``INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES (...),...;``
whose ``path`` is a JSON nested array of **[lat, lng]** pairs (GeoJSON order is the reverse): depth 3
is a Polygon, depth 4 a MultiPolygon. The parser is strict: anything other than comments, ``DELETE``
statements and those ``INSERT`` rows is an error naming the file and line. Invalid polygons are
repaired with shapely's ``make_valid`` (keeping the polygonal parts) and the repaired codes are
reported.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from umkm_geo._errors import ParseError

# Indonesia's extent with a margin, used to prove the [lat, lng] order was read correctly.
_LON_RANGE = (94.0, 142.0)
_LAT_RANGE = (-12.0, 7.0)

_SKIP = re.compile(r"(?:\s+|/\*.*?\*/|--[^\n]*\n|#[^\n]*\n)+", re.S)
_DELETE = re.compile(r"DELETE\s+FROM\s[^;]*;", re.I)
_INSERT = re.compile(
    r"INSERT\s+INTO\s+`?wilayah_boundaries`?\s*\(\s*`?kode`?\s*,\s*`?nama`?\s*,\s*`?lat`?\s*,"
    r"\s*`?lng`?\s*,\s*`?path`?\s*\)\s*VALUES\s*",
    re.I,
)
_STR = r"'([^'\\]*(?:(?:''|\\.)[^'\\]*)*)'"
_NUM = r"(NULL|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
_ROW = re.compile(
    r"\s*\(\s*" + _STR + r"\s*,\s*" + _STR + r"\s*,\s*" + _NUM + r"\s*,\s*" + _NUM + r"\s*,\s*" + _STR + r"\s*\)"
)
_SEP = re.compile(r"\s*([,;])")
_UNESCAPE = re.compile(r"''|\\(.)", re.S)


@dataclasses.dataclass(frozen=True)
class ParsedLayer:
    """Features parsed from one wilayah_boundaries SQL file.

    Attributes
    ----------
    frame
        GeoDataFrame (EPSG:4326) with columns ``kode``, ``nama``, ``lat``, ``lng`` (the upstream's
        centroid), ``geometry`` (Polygon or MultiPolygon, valid).
    repaired
        Codes whose geometry was invalid as stored and was repaired with ``make_valid``.
    source
        The file parsed.
    without_polygon
        ``(kode, nama, line)`` of rows whose path is empty in the upstream file (one desa of Indonesia,
        96.01.05.1012 Malagusa): not in ``frame``; the callers report them.
    """

    frame: gpd.GeoDataFrame
    repaired: tuple[str, ...]
    source: Path
    without_polygon: tuple[tuple[str, str, int], ...] = ()


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: "'" if m.group(0) == "''" else m.group(1), text)


class LineIndex:
    """Line numbers of positions in a text (by bisection over its line starts)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [m.end() for m in re.finditer("\n", text)]

    def at(self, pos: int) -> int:
        """The line of the first non-blank character at or after ``pos``."""
        while pos < len(self.text) and self.text[pos].isspace():
            pos += 1
        return bisect.bisect_right(self.starts, pos) + 1

    def of(self, pos: int) -> int:
        """The line of ``pos``."""
        return bisect.bisect_right(self.starts, pos) + 1


def _depth(node: object) -> int:
    depth = 0
    while isinstance(node, list) and node:
        depth += 1
        node = node[0]
    return depth


def _ring(points: list, where: str) -> np.ndarray:
    arr = np.asarray(points, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        msg = f"{where}: a ring is not a list of [lat, lng] pairs (shape {arr.shape})."
        raise ParseError(msg)
    arr = arr[:, ::-1]  # [lat, lng] -> (x=lng, y=lat)
    if len(arr) and not np.array_equal(arr[0], arr[-1]):
        arr = np.vstack([arr, arr[:1]])
    return arr


def _polygon(rings: list, where: str) -> Polygon:
    coords = [_ring(r, where) for r in rings]
    coords = [c for c in coords if len(c) >= 4] if len(coords) > 1 else coords
    if not coords or len(coords[0]) < 4:
        return Polygon()
    return Polygon(coords[0], coords[1:])


def path_to_geometry(path_json: str, where: str = "path") -> BaseGeometry:
    """Convert an upstream ``path`` (JSON, [lat, lng] pairs) to a shapely (Multi)Polygon.

    Parameters
    ----------
    path_json
        The JSON text of the ``path`` column.
    where
        Description of the row for error messages (file, line, code).
    """
    try:
        nested = json.loads(path_json)
    except json.JSONDecodeError as exc:
        msg = f"{where}: the path column is not valid JSON ({exc})."
        raise ParseError(msg) from exc
    depth = _depth(nested)
    if depth == 4:
        parts = [_polygon(p, where) for p in nested]
        return MultiPolygon([p for p in parts if not p.is_empty])
    if depth == 3:
        return _polygon(nested, where)
    msg = f"{where}: the path array has depth {depth}; expected 3 (Polygon) or 4 (MultiPolygon)."
    raise ParseError(msg)


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal parts of a (repaired) geometry."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon | MultiPolygon)]
    polys: list[Polygon] = []
    for part in parts:
        polys.extend(part.geoms if isinstance(part, MultiPolygon) else [part])
    return MultiPolygon(polys) if polys else Polygon()


def _iter_rows(text: str, source: Path):
    pos = 0
    n = len(text)
    lines = LineIndex(text)  # counting newlines from the start for each row took 9.5 s for Indonesia's desa
    while True:
        m = _SKIP.match(text, pos)
        if m:
            pos = m.end()
        if pos >= n:
            return
        m = _DELETE.match(text, pos)
        if m:
            pos = m.end()
            continue
        m = _INSERT.match(text, pos)
        if not m:
            snippet = text[pos : pos + 60].replace("\n", " ")
            msg = (
                f"{source}, line {lines.at(pos)}: expected an INSERT INTO wilayah_boundaries"
                f"(kode,nama,lat,lng,path) statement, found {snippet!r}. Is this a wilayah_boundaries"
                " SQL file from the pinned commit?"
            )
            raise ParseError(msg)
        pos = m.end()
        while True:
            row = _ROW.match(text, pos)
            if not row:
                snippet = text[pos : pos + 60].strip().replace("\n", " ")
                msg = f"{source}, line {lines.at(pos)}: malformed row {snippet!r}."
                raise ParseError(msg)
            yield row, lines.at(row.start())
            pos = row.end()
            sep = _SEP.match(text, pos)
            if not sep:
                snippet = text[pos : pos + 40].replace("\n", " ")
                msg = f"{source}, line {lines.at(pos)}: expected ',' or ';' after a row, found {snippet!r}."
                raise ParseError(msg)
            pos = sep.end()
            if sep.group(1) == ";":
                break


def parse_wilayah_sql(path: str | Path) -> ParsedLayer:
    """Parse one wilayah_boundaries SQL file into a GeoDataFrame (EPSG:4326).

    Parameters
    ----------
    path
        A ``db/prov``, ``db/kab``, ``db/kec`` or ``db/kel`` SQL file.

    Returns
    -------
    ParsedLayer
        The features, the codes repaired and the source file.

    Raises
    ------
    ParseError
        The file is not in the expected format, a code repeats, or coordinates fall outside
        Indonesia (which would mean the [lat, lng] order was misread).
    """
    source = Path(path)
    text = source.read_text(encoding="utf-8")
    codes: list[str] = []
    names: list[str] = []
    lats: list[float] = []
    lngs: list[float] = []
    geoms: list[BaseGeometry] = []
    lines: list[int] = []
    without: list[tuple[str, str, int]] = []
    for row, line in _iter_rows(text, source):
        kode = _unescape(row.group(1)).strip()
        where = f"{source.name}, line {line}, kode {kode}"
        if row.group(5) == "":  # the upstream has the unit but no polygon: reported, not guessed
            without.append((kode, _unescape(row.group(2)).strip(), line))
            continue
        codes.append(kode)
        names.append(_unescape(row.group(2)).strip())
        lats.append(np.nan if row.group(3).upper() == "NULL" else float(row.group(3)))
        lngs.append(np.nan if row.group(4).upper() == "NULL" else float(row.group(4)))
        geoms.append(path_to_geometry(_unescape(row.group(5)), where))
        lines.append(line)
    if not codes:
        msg = f"{source}: no rows found; expected INSERT INTO wilayah_boundaries ... VALUES rows."
        raise ParseError(msg)
    seen: dict[str, int] = {}
    for kode, line in zip(codes, lines, strict=True):
        if kode in seen:
            msg = f"{source}: kode {kode} appears twice (lines {seen[kode]} and {line})."
            raise ParseError(msg)
        seen[kode] = line
    geom_arr = np.asarray(geoms, dtype=object)
    valid = shapely.is_valid(geom_arr)
    repaired = tuple(c for c, ok in zip(codes, valid, strict=True) if not ok)
    if repaired:
        fixed = shapely.make_valid(geom_arr[~valid])
        geom_arr[~valid] = [_polygonal(g) for g in fixed]
    empty = [f"{c} (line {ln})" for c, g, ln in zip(codes, geom_arr, lines, strict=True) if g.is_empty]
    if empty:
        msg = f"{source}: features with no usable polygon: {', '.join(empty)}."
        raise ParseError(msg)
    frame = gpd.GeoDataFrame(
        {"kode": codes, "nama": names, "lat": lats, "lng": lngs},
        geometry=list(geom_arr),
        crs="EPSG:4326",
    )
    _check_extent(frame, source)
    return ParsedLayer(frame=frame, repaired=repaired, source=source, without_polygon=tuple(without))


def _check_extent(frame: gpd.GeoDataFrame, source: Path) -> None:
    minx, miny, maxx, maxy = frame.total_bounds
    ok = _LON_RANGE[0] <= minx and maxx <= _LON_RANGE[1] and _LAT_RANGE[0] <= miny and maxy <= _LAT_RANGE[1]
    if not ok:
        msg = (
            f"{source}: coordinates span lon {minx:.3f}..{maxx:.3f}, lat {miny:.3f}..{maxy:.3f}, outside"
            " Indonesia; the [lat, lng] order of the path column was not as expected."
        )
        raise ParseError(msg)


def read_names(path: str | Path) -> dict[str, str]:
    """Read only the codes and names of a wilayah_boundaries SQL file (no geometry).

    Parameters
    ----------
    path
        A wilayah_boundaries SQL file.

    Returns
    -------
    dict
        ``kode -> nama`` in file order.
    """
    source = Path(path)
    text = source.read_text(encoding="utf-8")
    return {_unescape(row.group(1)).strip(): _unescape(row.group(2)).strip() for row, _line in _iter_rows(text, source)}
