"""Changes to the catalogue. Admin, demo loader and (later) imports and API call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.areas.services import area_index, kommune_contains
from lueckenlos.catalogue.models import Location, Service, TaxonomyTerm
from lueckenlos.lib.geo import GeometryError, PolygonIndex, check_wgs84_point


def outside_areas_warning(location: Location) -> str:
    return _(
        "“%(name)s” (%(lon).5f, %(lat).5f) lies outside every area of %(kommune)s: "
        "check its coordinates, or the Kommune's area boundaries."
    ) % {
        "name": location.name,
        "lon": location.longitude,
        "lat": location.latitude,
        "kommune": location.kommune.name,
    }


def validate_location_coordinates(location: Location) -> None:
    """Reject coordinates that are no WGS84 point in Germany or lie outside the Kommune."""
    if not location.has_coordinates:
        return
    try:
        check_wgs84_point(location.longitude, location.latitude)
    except GeometryError as exc:
        raise ValidationError({"latitude": str(exc)}) from exc
    if kommune_contains(location.kommune, location.longitude, location.latitude) is False:
        raise ValidationError(
            {
                "latitude": _("Longitude %(lon).5f, latitude %(lat).5f lie outside %(kommune)s.")
                % {
                    "lon": location.longitude,
                    "lat": location.latitude,
                    "kommune": location.kommune.name,
                }
            }
        )


def location_place(location: Location, *, index: PolygonIndex | None = None) -> str | None:
    """Set the location's area from its coordinates; return a warning if it fits none.

    Does not save: callers save the location in their own transaction.
    """
    if not location.has_coordinates:
        location.area = None
        return None
    index = index if index is not None else area_index(location.kommune)
    location.area_id = index.locate(location.longitude, location.latitude)
    return outside_areas_warning(location) if location.area_id is None else None


@transaction.atomic
def location_save(*, location: Location) -> list[str]:
    """Validate, place in its area and save a location; return warnings for the user."""
    validate_location_coordinates(location)
    location.full_clean(exclude=["area"])
    warning = location_place(location)
    location.save()
    return [warning] if warning else []


@transaction.atomic
def locations_place_in_areas(*, kommune: Kommune) -> list[str]:
    """Place all of a Kommune's locations again, e.g. after its area boundaries changed."""
    index = area_index(kommune)
    locations = list(
        Location.objects.for_kommune(kommune)
        .filter(latitude__isnull=False)
        .select_related("kommune")
    )
    keys = index.locate_many([(loc.longitude, loc.latitude) for loc in locations])
    warnings = []
    for location, key in zip(locations, keys, strict=True):
        location.area_id = key
        if key is None:
            warnings.append(outside_areas_warning(location))
    Location.objects.bulk_update(locations, ["area"], batch_size=500)
    return warnings


def terms_by_code(taxonomy_code: str, codes: Iterable[str]) -> list[TaxonomyTerm]:
    """The terms of one taxonomy for the given codes; an unknown code is an error."""
    wanted = list(dict.fromkeys(codes))
    found = {
        t.code: t
        for t in TaxonomyTerm.objects.filter(taxonomy__code=taxonomy_code, code__in=wanted)
    }
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise ValidationError(
            _("Unknown code(s) %(codes)s in the vocabulary “%(taxonomy)s”.")
            % {"codes": ", ".join(unknown), "taxonomy": taxonomy_code}
        )
    return [found[code] for code in wanted]


@transaction.atomic
def services_set_status(*, services: QuerySet[Service], status: str) -> int:
    """Set the status of many offers at once (back-office bulk action); return how many."""
    if status not in Service.Status.values:
        raise ValidationError(_("Unknown status %(status)r.") % {"status": status})
    # update() skips auto_now, so the change time is set explicitly.
    return services.update(status=status, updated_at=timezone.now())


@transaction.atomic
def services_confirm(*, services: QuerySet[Service], on: dt.date) -> int:
    """Record that the offers were checked and still hold on `on` (HSDS assured_date)."""
    return services.update(last_confirmed=on, updated_at=timezone.now())
