"""Geometry helpers: reprojection, bounding boxes and point-in-polygon lookups.

Geometries are stored as GeoJSON in WGS84 (EPSG:4326, longitude first); measurements are
made in ETRS89 / UTM zone 32N or 33N, which cover Germany with metre units. Shapely and
pyproj bring their own GEOS and PROJ, so neither SQLite nor PostgreSQL needs a spatial
extension.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

WGS84 = 4326
# CRSs in which German open data is commonly published.
KNOWN_CRS = {4326, 25832, 25833, 3035, 31467, 31468}

# Germany's bounds in WGS84 with a margin: coordinates outside are certainly wrong
# (swapped axes, a projected CRS read as degrees, the HSDS example's latitude 100).
GERMANY_BOUNDS = (5.5, 47.0, 15.5, 55.2)


# How far outside its Kommune's boundary a point may lie and still count as inside: official
# boundaries and geocoded addresses disagree by some metres, and a building on the border
# street belongs to the district its address names.
BOUNDARY_TOLERANCE_M = 250.0


class GeometryError(ValueError):
    """A geometry or coordinate that cannot be used, with a reason for the user."""


@lru_cache(maxsize=16)
def transformer(source_epsg: int, target_epsg: int) -> Transformer:
    return Transformer.from_crs(source_epsg, target_epsg, always_xy=True)


def crs_from_geojson(data: dict) -> int:
    """The EPSG code named in a GeoJSON `crs` member (legacy, but common), else WGS84."""
    name = (data.get("crs") or {}).get("properties", {}).get("name", "")
    if not name or name.endswith("CRS84"):
        return WGS84
    code = name.rsplit(":", 1)[-1]
    if not code.isdigit():
        raise GeometryError(_("Unknown coordinate reference system “%(name)s”.") % {"name": name})
    return int(code)


def metric_epsg_for(lon: float) -> int:
    """ETRS89 / UTM 32N west of 12°E, 33N east of it: the two zones Germany uses."""
    return 25832 if lon < 12.0 else 25833


def to_wgs84(x: float, y: float, source_epsg: int) -> tuple[float, float]:
    """Reproject one point to WGS84 (lon, lat)."""
    if source_epsg == WGS84:
        return float(x), float(y)
    lon, lat = transformer(source_epsg, WGS84).transform(x, y)
    return float(lon), float(lat)


def check_wgs84_point(lon: float, lat: float) -> None:
    where = {"lon": lon, "lat": lat}
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryError(
            _("Longitude %(lon)s, latitude %(lat)s are not WGS84 coordinates.") % where
        )
    west, south, east, north = GERMANY_BOUNDS
    if not (west <= lon <= east and south <= lat <= north):
        raise GeometryError(_("Longitude %(lon)s, latitude %(lat)s lie outside Germany.") % where)


def distance_outside_m(boundary_wgs84: BaseGeometry, lon: float, lat: float) -> float:
    """Metres from the point to the boundary polygon; 0 when the point lies inside it."""
    point = shapely.Point(lon, lat)
    if boundary_wgs84.intersects(point):
        return 0.0
    epsg = metric_epsg_for(lon)
    return float(reproject(boundary_wgs84, WGS84, epsg).distance(reproject(point, WGS84, epsg)))


def geometry_from_geojson(geometry: dict) -> BaseGeometry:
    try:
        geom = shape(geometry)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise GeometryError(_("Not a GeoJSON geometry: %(reason)s") % {"reason": exc}) from exc
    if geom.is_empty:
        raise GeometryError(_("The geometry is empty."))
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def geojson_from_geometry(geom: BaseGeometry, precision: int = 6) -> dict:
    """GeoJSON of a geometry, rounded to about 10 cm (6 decimals) to keep rows small."""
    return mapping(shapely.set_precision(geom, 10**-precision))


def area_in_m2(geom_wgs84: BaseGeometry) -> float:
    centroid = geom_wgs84.centroid
    projected = shapely.transform(
        geom_wgs84,
        lambda coords: _transform_coords(coords, WGS84, metric_epsg_for(centroid.x)),
    )
    return float(projected.area)


def _transform_coords(coords, source: int, target: int):
    xs, ys = transformer(source, target).transform(coords[:, 0], coords[:, 1])
    coords = coords.copy()
    coords[:, 0] = xs
    coords[:, 1] = ys
    return coords


def reproject(geom: BaseGeometry, source_epsg: int, target_epsg: int) -> BaseGeometry:
    if source_epsg == target_epsg:
        return geom
    return shapely.transform(geom, lambda c: _transform_coords(c, source_epsg, target_epsg))


@dataclass(frozen=True)
class IndexedPolygon:
    key: int
    depth: int
    geometry: BaseGeometry


class PolygonIndex:
    """Finds the deepest polygon containing a point, for many points at once.

    Built once per Kommune for placing its locations; an STRtree keeps a lookup at
    logarithmic cost, so placing thousands of locations takes well under a second.
    """

    def __init__(self, polygons: Iterable[IndexedPolygon]):
        self._polygons: Sequence[IndexedPolygon] = list(polygons)
        self._tree = shapely.STRtree([p.geometry for p in self._polygons])

    def __len__(self) -> int:
        return len(self._polygons)

    def locate_many(self, points: Sequence[tuple[float, float]]) -> list[int | None]:
        """For each (lon, lat) the key of the deepest containing polygon, or None."""
        if not points or not self._polygons:
            return [None] * len(points)
        geoms = shapely.points(points)
        point_idx, poly_idx = self._tree.query(geoms, predicate="intersects")
        best: list[IndexedPolygon | None] = [None] * len(points)
        for pi, gi in zip(point_idx.tolist(), poly_idx.tolist(), strict=True):
            candidate = self._polygons[gi]
            current = best[pi]
            # Deepest area wins; on a shared edge the lower key, so the result never depends
            # on the order the tree returns its candidates in.
            if current is None or (candidate.depth, -candidate.key) > (
                current.depth,
                -current.key,
            ):
                best[pi] = candidate
        return [b.key if b is not None else None for b in best]

    def locate(self, lon: float, lat: float) -> int | None:
        return self.locate_many([(lon, lat)])[0]
