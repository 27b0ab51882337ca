"""What the portal's map draws besides the offers: a Kommune's area boundaries, made light.

Stored boundaries are exact and can weigh hundreds of kilobytes per area; the map needs an
outline a few pixels wide, so they are simplified and their coordinates rounded (5 decimals of
a degree are about a metre) before they travel to the browser.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import shapely
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify
from shapely.errors import GEOSException
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from lueckenlos.areas.models import Area, AreaLevel, Kommune

# More outlines than this make a map unreadable (and the response heavy); Berlin's Bezirke
# have 30 to 60 Planungsräume each, all of Berlin some 540.
MAX_AREAS_ON_MAP = 500
# About 15 m in Germany: invisible at the zoom levels that show a whole district.
SIMPLIFY_TOLERANCE_DEG = 0.0002
COORDINATE_DECIMALS = 5


@dataclass(frozen=True)
class LevelChoice:
    """One level of the hierarchy as the map offers it. A Kommune that contains others (Berlin
    its Bezirke) shows their areas too, and their levels of the same name count as one."""

    code: str
    name: str
    depth: int
    level_ids: tuple[int, ...]
    area_count: int


def level_code(level: AreaLevel) -> str:
    """How `?ebene=` may name a level besides its id: its name in an address ("planungsraum")."""
    return slugify(level.name)


def levels_on_map(kommune: Kommune, *, day: dt.date) -> list[LevelChoice]:
    """The levels that have areas with a boundary valid on `day`, largest areas first."""
    counts = dict(
        Area.objects.for_kommune(kommune, include_contained=True)
        .valid_on(day)
        .filter(boundary__isnull=False)
        .values_list("level_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    levels = AreaLevel.objects.filter(pk__in=counts).order_by("depth", "pk")
    grouped: dict[str, list[AreaLevel]] = {}
    for level in levels:
        grouped.setdefault(level_code(level), []).append(level)
    choices = [
        LevelChoice(
            code=code,
            name=same[0].name,
            depth=same[0].depth,
            level_ids=tuple(level.pk for level in same),
            area_count=sum(counts[level.pk] for level in same),
        )
        for code, same in grouped.items()
    ]
    return sorted(choices, key=lambda choice: choice.depth)


def choose_level(choices: list[LevelChoice], requested: str | None) -> LevelChoice | None:
    """The level named by `requested` (id or code), else the deepest one that stays readable.

    An unknown name, or the id of another Kommune's level, is no error: the map then shows
    what it shows by default.
    """
    if not choices:
        return None
    if requested:
        wanted = requested.strip().lower()
        for choice in choices:
            if wanted == choice.code or wanted in {str(pk) for pk in choice.level_ids}:
                return choice
    readable = [choice for choice in choices if choice.area_count <= MAX_AREAS_ON_MAP]
    # If every level is too dense, the coarsest one is the least unreadable.
    return readable[-1] if readable else choices[0]


def simplified(boundary: dict) -> BaseGeometry | None:
    """The outline for the map: simplified without breaking topology, on a grid of ~1 m.

    Rounding coordinates one by one could make a thin polygon cross itself; snapping with
    set_precision keeps the result valid. Tiny areas that simplification would erase keep
    their full outline.
    """
    try:
        geometry = shape(boundary)
    except (AttributeError, KeyError, TypeError, ValueError, GEOSException):
        return None
    if geometry.is_empty:
        return None
    grid = 10.0**-COORDINATE_DECIMALS
    outline = geometry.simplify(SIMPLIFY_TOLERANCE_DEG, preserve_topology=True)
    light = shapely.set_precision(outline, grid)
    if light.is_empty:
        light = shapely.set_precision(geometry, grid)
    return None if light.is_empty else light


def _rounded(coordinates):
    # set_precision leaves binary noise (13.550010000000001); round it away for a short response.
    if isinstance(coordinates, float | int):
        return round(coordinates, COORDINATE_DECIMALS)
    return [_rounded(part) for part in coordinates]


def geometry_as_geojson(geometry: BaseGeometry) -> dict:
    data = mapping(geometry)
    if data["type"] == "GeometryCollection":
        parts = [geometry_as_geojson(part) for part in geometry.geoms]
        return {"type": data["type"], "geometries": parts}
    return {"type": data["type"], "coordinates": _rounded(data["coordinates"])}


def area_boundaries(
    kommune: Kommune, *, level: str | None = None, on: dt.date | None = None
) -> dict:
    """The areas of one level, valid on `on` (default today), of the Kommune and the Kommunen
    it contains, as a GeoJSON FeatureCollection whose features carry `name`, `code` and
    `level`. Never another Kommune's areas: asking for a foreign level gives the default."""
    day = on or timezone.localdate()
    choice = choose_level(levels_on_map(kommune, day=day), level)
    collection: dict = {"type": "FeatureCollection", "features": []}
    if choice is None:
        return collection
    areas = (
        Area.objects.for_kommune(kommune, include_contained=True)
        .valid_on(day)
        .filter(level_id__in=choice.level_ids, boundary__isnull=False)
        .only("pk", "name", "code", "boundary")
        .order_by("kommune_id", "path")
    )
    for area in areas:
        geometry = simplified(area.boundary)
        if geometry is None:
            continue
        collection["features"].append(
            {
                "type": "Feature",
                "geometry": geometry_as_geojson(geometry),
                "properties": {"name": area.name, "code": area.code, "level": choice.name},
            }
        )
    collection["level"] = {"code": choice.code, "name": choice.name}
    return collection
