"""Changes to the catalogue. Admin, demo loader and (later) imports and API call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.areas.services import area_index, kommune_distance_outside_m
from lueckenlos.catalogue.models import Location, Service, TaxonomyTerm
from lueckenlos.catalogue.queries import life_phases_for_age_range
from lueckenlos.catalogue.vocabularies import LIFE_PHASE
from lueckenlos.lib.geo import (
    BOUNDARY_TOLERANCE_M,
    GeometryError,
    PolygonIndex,
    check_wgs84_point,
)


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
    """Reject coordinates that are no WGS84 point in Germany or lie well outside the Kommune.

    Up to BOUNDARY_TOLERANCE_M outside the Kommune's boundary a point is accepted: official
    boundaries and geocoded addresses disagree by some metres. Such a point usually lies in
    none of the areas, and placing it says so.
    """
    if not location.has_coordinates:
        return
    try:
        check_wgs84_point(location.longitude, location.latitude)
    except GeometryError as exc:
        raise ValidationError({"latitude": str(exc)}) from exc
    distance = kommune_distance_outside_m(location.kommune, location.longitude, location.latitude)
    if distance is not None and distance > BOUNDARY_TOLERANCE_M:
        raise ValidationError(
            {
                "latitude": _(
                    "Longitude %(lon).5f, latitude %(lat).5f lie %(distance)d m outside "
                    "%(kommune)s; up to %(tolerance)d m outside are accepted."
                )
                % {
                    "lon": location.longitude,
                    "lat": location.latitude,
                    "distance": round(distance),
                    "kommune": location.kommune.name,
                    "tolerance": BOUNDARY_TOLERANCE_M,
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
    """Place all of a Kommune's locations again, e.g. after its area boundaries changed.

    Returns a warning for each location that lies in none of the areas.
    """
    index = area_index(kommune)
    # Not select_related("kommune"): that would read the Kommune's boundary once per location.
    locations = list(Location.objects.for_kommune(kommune).filter(latitude__isnull=False))
    keys = index.locate_many([(loc.longitude, loc.latitude) for loc in locations])
    warnings = []
    for location, key in zip(locations, keys, strict=True):
        location.kommune = kommune  # for the warning's text, without a query per location
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


def life_phase_conflicts(
    min_age_months: int | None, max_age_months: int | None, terms: Iterable[TaxonomyTerm]
) -> list[TaxonomyTerm]:
    """The life phases among `terms` that the age range [min, max) does not overlap.

    Terms of other vocabularies are no concern here; an open end reaches every phase on its
    side, so an offer without an age range fits every life phase. An upside-down range is
    the range's own error (Service.clean), not a conflict of its phases.
    """
    if min_age_months is None and max_age_months is None:
        return []
    if (
        min_age_months is not None
        and max_age_months is not None
        and min_age_months >= max_age_months
    ):
        return []
    fitting = life_phases_for_age_range(min_age_months, max_age_months)
    return list(
        TaxonomyTerm.objects.filter(pk__in=[term.pk for term in terms], taxonomy__code=LIFE_PHASE)
        .exclude(pk__in=fitting.values("pk"))
        .order_by("position")
    )


def _age_range_text(min_age_months: int | None, max_age_months: int | None) -> str:
    """A (not wholly open) age range as a phrase: "2 to 72 months", "from 2 months" ..."""
    if max_age_months is None:
        return _("from %(min)d months") % {"min": min_age_months}
    if min_age_months is None:
        return _("below %(max)d months") % {"max": max_age_months}
    return _("%(min)d to %(max)d months") % {"min": min_age_months, "max": max_age_months}


def validate_life_phases(
    *, min_age_months: int | None, max_age_months: int | None, terms: Iterable[TaxonomyTerm]
) -> None:
    """Refuse life phases that the offer's age range contradicts, naming each."""
    conflicts = life_phase_conflicts(min_age_months, max_age_months, terms)
    if conflicts:
        age_range = _age_range_text(min_age_months, max_age_months)
        raise ValidationError(
            [
                _("“%(phase)s” does not fit the age range %(range)s.")
                % {"phase": term.name, "range": age_range}
                for term in conflicts
            ]
        )


def _log_bulk_change(
    services: list[Service], field_name: str, acting_user: AbstractBaseUser
) -> None:
    """Entries in the back office's history of each offer: who changed which field.

    In Django's structured form, with the field's untranslated name, so that the history
    reads in each reader's language (as Django's own change messages do).
    """
    with translation.override(None):
        label = str(Service._meta.get_field(field_name).verbose_name)
    LogEntry.objects.log_actions(
        user_id=acting_user.pk,
        queryset=services,
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": [label]}}],
    )


@transaction.atomic
def services_set_status(
    *, services: QuerySet[Service], status: str, acting_user: AbstractBaseUser
) -> int:
    """Set the status of many offers at once (back-office bulk action); return how many changed.

    Offers that already have the status are left alone; each changed one gets an entry in
    its history naming `acting_user`.
    """
    if status not in Service.Status.values:
        raise ValidationError(_("Unknown status %(status)r.") % {"status": status})
    changing = _bulk_targets(services.exclude(status=status))
    # update() skips auto_now, so the change time is set explicitly.
    Service.objects.filter(pk__in=[s.pk for s in changing]).update(
        status=status, updated_at=timezone.now()
    )
    _log_bulk_change(changing, "status", acting_user)
    return len(changing)


@transaction.atomic
def services_confirm(
    *, services: QuerySet[Service], on: dt.date, acting_user: AbstractBaseUser
) -> int:
    """Record that the offers were checked and still hold on `on` (HSDS assured_date).

    Returns how many offers changed; each gets an entry in its history naming `acting_user`.
    """
    changing = _bulk_targets(services.exclude(last_confirmed=on))
    Service.objects.filter(pk__in=[s.pk for s in changing]).update(
        last_confirmed=on, updated_at=timezone.now()
    )
    _log_bulk_change(changing, "last_confirmed", acting_user)
    return len(changing)


def _bulk_targets(services: QuerySet[Service]) -> list[Service]:
    """The offers as lean rows: the log needs their key and name, nothing the admin joined."""
    return list(Service.objects.filter(pk__in=services.values("pk")).only("pk", "name"))
