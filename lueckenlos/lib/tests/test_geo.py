"""Geometry helpers: placing points, and distances for the boundary tolerance."""

import pytest
from shapely.geometry import box

from lueckenlos.lib.geo import IndexedPolygon, PolygonIndex, distance_outside_m, to_wgs84


def test_a_point_on_a_shared_edge_always_goes_to_the_same_area():
    west = box(13.40, 52.50, 13.41, 52.51)
    east = box(13.41, 52.50, 13.42, 52.51)
    edge = (13.41, 52.505)
    one_order = PolygonIndex([IndexedPolygon(1, 1, west), IndexedPolygon(2, 1, east)])
    other_order = PolygonIndex([IndexedPolygon(2, 1, east), IndexedPolygon(1, 1, west)])
    assert one_order.locate(*edge) == other_order.locate(*edge) == 1


def test_the_deepest_area_wins():
    index = PolygonIndex(
        [
            IndexedPolygon(1, 0, box(13.3, 52.4, 13.6, 52.7)),
            IndexedPolygon(2, 1, box(13.4, 52.5, 13.5, 52.6)),
        ]
    )
    assert index.locate_many([(13.45, 52.55), (13.35, 52.45), (10.0, 50.0)]) == [2, 1, None]


def test_distance_outside_is_zero_inside_and_metric_outside():
    boundary = box(13.40, 52.50, 13.50, 52.60)
    assert distance_outside_m(boundary, 13.45, 52.55) == 0
    # 0.01° of longitude at 52.55°N is about 678 m.
    assert distance_outside_m(boundary, 13.51, 52.55) == pytest.approx(678, abs=5)


def test_utm_33_coordinates_are_reprojected_to_wgs84():
    # The first Kita of the Berlin data (EPSG:25833), Albrechtstraße 20 in Mitte.
    lon, lat = to_wgs84(390387.4, 5820383.1, 25833)
    assert lon == pytest.approx(13.3844, abs=0.0005)
    assert lat == pytest.approx(52.5225, abs=0.0005)
