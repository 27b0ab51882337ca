"""Changes to Kommunen and their areas, reading boundary files, and placing points in areas."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.lib.geo import (
    KNOWN_CRS,
    WGS84,
    GeometryError,
    IndexedPolygon,
    PolygonIndex,
    area_in_m2,
    check_wgs84_point,
    crs_from_geojson,
    distance_outside_m,
    geojson_from_geometry,
    geometry_from_geojson,
    reproject,
)

# The geometry types a boundary file may hold.
BOUNDARY_TYPES = {"Polygon", "MultiPolygon"}


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
def area_save(*, area: Area) -> Area:
    """Validate and save an area its caller has built or changed (a back-office form, say).

    The path follows from the parent and the code. A boundary set on the area is stored with
    its bounding box and size; an area loaded without its boundary keeps the stored one.
    """
    area.path = f"{area.parent.path if area.parent else ''}{area.code}/"
    deferred = area.get_deferred_fields()
    if "boundary" not in deferred:
        _apply_boundary(area, area.boundary)
    # Deferred fields stay as stored: validating them would load them only to compare.
    area.full_clean(exclude=["path", *deferred])
    area.save()
    return area


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
    return area_save(
        area=Area(
            kommune=kommune,
            level=level,
            parent=parent,
            code=code,
            name=name,
            boundary=boundary,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    )


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


def kommune_distance_outside_m(kommune: Kommune, lon: float, lat: float) -> float | None:
    """Metres from the point to the Kommune's boundary, 0 inside; None without a boundary."""
    if not kommune.boundary:
        return None
    return distance_outside_m(geometry_from_geojson(kommune.boundary), lon, lat)


def boundary_from_upload(data: bytes) -> dict:
    """The boundary in an uploaded GeoJSON file, as a GeoJSON geometry in WGS84.

    The file holds a Polygon or MultiPolygon: bare, as a Feature, or as a FeatureCollection
    with exactly one feature. Coordinates are WGS84 unless a (legacy, but common) `crs`
    member names one of the systems German open data uses; those are reprojected. Raises a
    ValidationError that says what is wrong with the file.
    """
    try:
        document = json.loads(data)
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not GeoJSON: it is not text in UTF-8.")) from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("The file is not GeoJSON: it is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": exc.lineno, "column": exc.colno}
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        raise ValidationError(_("The file is not GeoJSON: it holds no object with a “type”."))

    # A `crs` member may sit on the collection, the feature or the geometry; outermost first.
    crs_holders = [document]
    geometry = document
    if geometry["type"] == "FeatureCollection":
        features = geometry.get("features")
        if not isinstance(features, list) or len(features) != 1:
            count = len(features) if isinstance(features, list) else 0
            raise ValidationError(
                _(
                    "The file holds %(count)d features; upload a file with exactly one, "
                    "the boundary."
                )
                % {"count": count}
            )
        geometry = features[0]
        crs_holders.append(geometry)
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
        if not isinstance(geometry, dict):
            raise ValidationError(_("The feature in the file has no geometry."))
        crs_holders.append(geometry)
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in BOUNDARY_TYPES:
        raise ValidationError(
            _("A boundary must be a Polygon or MultiPolygon; the file holds “%(type)s”.")
            % {"type": kind or "?"}
        )

    epsg = _crs_of_upload(crs_holders)
    try:
        geom = reproject(geometry_from_geojson(geometry), epsg, WGS84)
    except GeometryError as exc:
        raise ValidationError(str(exc)) from exc
    west, south, east, north = geom.bounds
    try:
        check_wgs84_point(west, south)
        check_wgs84_point(east, north)
    except GeometryError as exc:
        raise ValidationError(
            _(
                "The boundary does not lie in Germany: %(reason)s If the file is not in WGS84, "
                "name its coordinate reference system in a “crs” member; in WGS84, longitude "
                "comes first."
            )
            % {"reason": exc}
        ) from exc
    return geojson_from_geometry(geom)


def _crs_of_upload(holders: list[dict]) -> int:
    for holder in holders:
        if not holder.get("crs"):
            continue
        try:
            epsg = crs_from_geojson(holder)
        except AttributeError as exc:  # a `crs` member that is no object
            raise ValidationError(_("The “crs” member of the file cannot be read.")) from exc
        except GeometryError as exc:
            raise ValidationError(str(exc)) from exc
        if epsg not in KNOWN_CRS:
            raise ValidationError(
                _(
                    "Unknown coordinate reference system EPSG:%(code)d; use WGS84 or one of "
                    "EPSG %(known)s."
                )
                % {"code": epsg, "known": ", ".join(str(c) for c in sorted(KNOWN_CRS - {WGS84}))}
            )
        return epsg
    return WGS84


def area_index(kommune: Kommune, *, on: dt.date | None = None) -> PolygonIndex:
    """An index of the Kommune's areas valid on `on` (default today), deepest level wins."""
    day = on or timezone.localdate()
    areas = (
        Area.objects.for_kommune(kommune)
        .valid_on(day)
        .filter(boundary__isnull=False)
        .select_related("level")
        .only("pk", "boundary", "level__depth")
        # Unordered: the index does not care, and the default order joins the Kommunen.
        .order_by()
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
