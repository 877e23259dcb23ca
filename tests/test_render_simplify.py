"""Web geometry: coverage simplification keeps shared edges, rounding, and the size-budget search."""

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from umkm_geo._errors import ConfigError
from umkm_geo.render.atlas._simplify import (
    METRES_PER_DEGREE,
    clean_coverage,
    fit_geometry,
    round_coordinates,
    simplify_geometry,
)

# Two unit squares (in degrees) sharing the edge x = 1, which has a small bump at (1.001, 0.5):
# the same three vertices (1, 0), (1.001, 0.5), (1, 1) in both polygons.
LEFT = Polygon([(0, 0), (1, 0), (1.001, 0.5), (1, 1), (0, 1)])
RIGHT = Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1.001, 0.5)])


def test_coverage_simplification_keeps_the_shared_edge():
    # The bump is a triangle of area 0.5 * 1 (base) * 0.001 (height) = 0.0005 deg², so Visvalingam-Whyatt
    # with a tolerance of sqrt(0.0005) = 0.022 deg or more removes it; 0.05 deg = 5,566 m.
    out, kept = simplify_geometry([LEFT, RIGHT], tolerance_m=0.05 * METRES_PER_DEGREE)
    left, right = out
    assert kept == 0
    assert shapely.get_num_coordinates(left) == 5 and shapely.get_num_coordinates(right) == 5  # squares
    assert (1.001, 0.5) not in left.exterior.coords and (1.001, 0.5) not in right.exterior.coords
    # Neighbours still share one edge: no gap and no overlap.
    assert left.intersection(right).area == 0
    assert shapely.equals(left.intersection(right), shapely.LineString([(1, 0), (1, 1)]))
    assert left.union(right).area == pytest.approx(2.0)
    # A small tolerance (0.01 deg: removes triangles up to 1e-4 deg²) keeps the bump in both.
    out, _ = simplify_geometry([LEFT, RIGHT], tolerance_m=0.01 * METRES_PER_DEGREE)
    assert all((1.001, 0.5) in g.exterior.coords for g in out)


def test_cleaning_makes_near_edges_identical_before_simplifying():
    # The right square has a vertex at (1, 0.5) on the shared edge that the left one lacks (as when
    # neighbours were digitised separately): not a valid coverage until cleaned.
    left = box(0, 0, 1, 1)
    right = Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1, 0.5)])
    assert not shapely.coverage_is_valid([left, right])
    cleaned, kept = clean_coverage(np.array([left, right]))
    assert kept == 0
    assert shapely.coverage_is_valid(cleaned)
    assert (1.0, 0.5) in cleaned[0].exterior.coords  # the vertex was added to the left square
    assert cleaned[0].area == pytest.approx(1.0) and cleaned[1].area == pytest.approx(1.0)
    # A sliver of overlap (1e-9 deg) goes too.
    overlapping = box(1 - 1e-9, 0, 2, 1)
    assert not shapely.coverage_is_valid([left, overlapping])
    assert shapely.coverage_is_valid(clean_coverage(np.array([left, overlapping]))[0])


def test_cleaning_keeps_outlines_it_would_change_too_much():
    # A small square lying on top of a big one: cleaning gives the overlap to one of them, changing
    # its area by 0.25 / 4 = 6 % or 100 %, both above 1 %: that polygon keeps its own outline.
    big, small = box(0, 0, 2, 2), box(0.5, 0.5, 1.0, 1.0)
    cleaned, kept = clean_coverage(np.array([big, small]))
    assert kept >= 1
    assert shapely.equals(cleaned[1], small) or shapely.equals(cleaned[0], big)


def test_rounding_keeps_shared_vertices_and_drops_repeats():
    poly = Polygon([(112.123456789, -8.0), (112.5, -8.0), (112.5, -7.5), (112.123461, -7.5), (112.123459, -7.5)])
    (rounded,) = round_coordinates(np.array([poly]), 5)
    # 112.123461 and 112.123459 both round to 112.12346: the repeated vertex goes.
    assert list(rounded.exterior.coords) == [
        (112.12346, -8.0),
        (112.5, -8.0),
        (112.5, -7.5),
        (112.12346, -7.5),
        (112.12346, -8.0),
    ]
    left, right = round_coordinates(np.array([LEFT, RIGHT]), 2)
    assert (1.0, 0.5) in left.exterior.coords and (1.0, 0.5) in right.exterior.coords


def test_rounding_never_breaks_a_tiny_ring():
    # A 1 m triangle collapses to one point at 2 decimals: it keeps its (repeated) vertices.
    tiny = Polygon([(0, 0), (1e-5, 0), (0, 1e-5)])
    out = round_coordinates(np.array([tiny, box(0, 0, 1, 1)]), 2)
    assert shapely.get_num_coordinates(out[0]) == 4
    assert shapely.get_num_coordinates(out[1]) == 5


def wavy_grid(n=4, vertices=200):
    """n x n squares of 0.1 deg whose shared edges wiggle (a valid coverage with many vertices)."""
    cells = [box(i * 0.1, j * 0.1, (i + 1) * 0.1, (j + 1) * 0.1) for i in range(n) for j in range(n)]
    dense = shapely.segmentize(np.array(cells), 0.1 / vertices)
    return shapely.transform(dense, lambda xy: xy + 0.001 * np.sin(xy[:, ::-1] * 700))


def encoded_size(geoms, tolerance):
    out, _ = simplify_geometry(geoms, tolerance_m=tolerance)
    return sum(len(s) for s in shapely.to_geojson(out))


def test_budget_search_picks_the_smallest_tolerance_that_fits():
    geoms = wavy_grid()
    ladder = (0.0, 5.0, 20.0, 50.0, 100.0, 200.0, 500.0)
    sizes = [encoded_size(geoms, t) for t in ladder]  # exhaustive, independent of the binary search
    assert sizes == sorted(sizes, reverse=True)
    for budget in (sizes[0], sizes[2] + 1, sizes[3], sizes[5] + 10):
        expected = next(t for t, size in zip(ladder, sizes, strict=True) if size <= budget)
        web = fit_geometry(geoms, max_bytes=budget, tolerances_m=ladder)
        assert web.tolerance_m == expected and web.fits
        assert web.n_bytes <= budget
        assert web.cleaned == (expected > 0)
    web = fit_geometry(geoms, max_bytes=sizes[3], tolerances_m=ladder)
    assert shapely.coverage_is_valid(shapely.from_geojson(list(web.geojson)))
    assert web.settings()["tolerance_m"] == 50.0
    assert web.settings()["tolerance_deg"] == pytest.approx(50.0 / 111_320)


def test_budget_search_without_budget_or_without_a_fit():
    geoms = wavy_grid(n=2, vertices=50)
    free = fit_geometry(geoms, max_bytes=None)
    assert free.tolerance_m == 0 and free.fits and not free.cleaned
    assert free.n_vertices == free.n_vertices_input
    parsed = [json.loads(s) for s in free.geojson]
    assert [p["type"] for p in parsed] == ["Polygon"] * 4
    coords = np.array(parsed[0]["coordinates"][0])
    assert np.array_equal(coords, np.round(coords, 5))  # at most 5 decimals
    hopeless = fit_geometry(geoms, max_bytes=10, tolerances_m=(0.0, 100.0, 1000.0))
    assert hopeless.tolerance_m == 1000.0 and not hopeless.fits


def test_multipolygons_keep_every_part_and_count():
    islands = MultiPolygon([box(0, 0, 0.1, 0.1), box(0.5, 0.5, 0.6, 0.6)])
    web = fit_geometry([islands, box(0.1, 0, 0.2, 0.1)], max_bytes=1, tolerances_m=(0.0, 1000.0))
    assert len(web.geojson) == 2
    assert json.loads(web.geojson[0])["type"] == "MultiPolygon"
    assert len(json.loads(web.geojson[0])["coordinates"]) == 2


def test_bad_input_is_rejected():
    with pytest.raises(ConfigError, match="Point"):
        fit_geometry([shapely.Point(0, 0)], max_bytes=None)
    with pytest.raises(ConfigError, match="increasing"):
        fit_geometry([LEFT], max_bytes=None, tolerances_m=(0.0, 10.0, 5.0))
    with pytest.raises(ConfigError, match="-1"):
        simplify_geometry([LEFT], tolerance_m=-1)
