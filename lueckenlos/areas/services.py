"""Changes to Kommunen and their areas, and placing points in areas."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Point

from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.lib.geo import (
    GeometryError,
    IndexedPolygon,
    PolygonIndex,
    area_in_m2,
    geojson_from_geometry,
    geometry_from_geojson,
)


def _apply_boundary(area: Area, boundary: dict | None) -> None:
    if boundary is None:
        area.boundary = None
        area.min_lon = area.min_lat = area.max_lon = area.max_lat = area.area_m2 = None
        return
    try:
        geom = geometry_from_geojson(boundary)
    except GeometryError as exc:
        raise ValidationError({"boundary": str(exc)}) from exc
    if geom.geom_type not in {"Polygon", "MultiPolygon", "GeometryCollection"}:
        raise ValidationError({"boundary": _("An area boundary must be a polygon.")})
    area.boundary = geojson_from_geometry(geom)
    area.min_lon, area.min_lat, area.max_lon, area.max_lat = geom.bounds
    area.area_m2 = area_in_m2(geom)


@transaction.atomic
def area_create(
    *,
    kommune: Kommune,
    level: AreaLevel,
    code: str,
    name: str,
    parent: Area | None = None,
    boundary: dict | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Area:
    """Create an area below `parent` (or at the top), validating the hierarchy."""
    area = Area(
        kommune=kommune,
        level=level,
        parent=parent,
        code=code,
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    area.path = f"{parent.path if parent else ''}{code}/"
    _apply_boundary(area, boundary)
    area.full_clean(exclude=["path"])
    area.save()
    return area


@transaction.atomic
def area_set_boundary(*, area: Area, boundary: dict | None) -> Area:
    _apply_boundary(area, boundary)
    area.save(update_fields=["boundary", "min_lon", "min_lat", "max_lon", "max_lat", "area_m2"])
    return area


def kommune_set_boundary(*, kommune: Kommune, boundary: dict | None) -> Kommune:
    if boundary is not None:
        try:
            boundary = geojson_from_geometry(geometry_from_geojson(boundary))
        except GeometryError as exc:
            raise ValidationError({"boundary": str(exc)}) from exc
    kommune.boundary = boundary
    kommune.save(update_fields=["boundary"])
    return kommune


def kommune_contains(kommune: Kommune, lon: float, lat: float) -> bool | None:
    """Whether the point lies in the Kommune's boundary; None when it has no boundary."""
    if not kommune.boundary:
        return None
    return geometry_from_geojson(kommune.boundary).intersects(Point(lon, lat))


def area_index(kommune: Kommune, *, on: dt.date | None = None) -> PolygonIndex:
    """An index of the Kommune's areas valid on `on` (default today), deepest level wins."""
    day = on or timezone.localdate()
    areas = (
        Area.objects.for_kommune(kommune)
        .valid_on(day)
        .filter(boundary__isnull=False)
        .select_related("level")
        .only("pk", "boundary", "level__depth")
    )
    return PolygonIndex(
        IndexedPolygon(key=a.pk, depth=a.level.depth, geometry=geometry_from_geojson(a.boundary))
        for a in areas
    )


@transaction.atomic
def areas_bulk_create(*, areas: list[Area]) -> list[Area]:
    """Create many areas at once (imports, the demo): what area_create does, without per-row
    queries.

    Each area is an unsaved Area with its level and parent objects set; parents must be
    saved already, so create a hierarchy level by level from the top. Path, bounding box
    and area in m² are computed as in area_create and each area is checked with clean();
    uniqueness is left to the database constraint.
    """
    for area in areas:
        area.path = f"{area.parent.path if area.parent else ''}{area.code}/"
        _apply_boundary(area, area.boundary)
        area.clean()
    return Area.objects.bulk_create(areas, batch_size=500)
