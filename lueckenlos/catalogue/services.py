"""Changes to the catalogue. Admin, demo loader and (later) imports and API call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lueckenlos.areas.models import Kommune
from lueckenlos.areas.services import area_index, kommune_distance_outside_m
from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
)
from lueckenlos.catalogue.queries import life_phases_for_age_range
from lueckenlos.catalogue.vocabularies import LIFE_PHASE
from lueckenlos.lib.geo import (
    BOUNDARY_TOLERANCE_M,
    GeometryError,
    PolygonIndex,
    check_wgs84_point,
)
from lueckenlos.search.indexing import indexing_deferred


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


# --- Single-record writes (REST API, later the workspace) ----------------------------------

SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "min_age_months",
    "max_age_months",
    "eligibility_description",
    "application_process",
    "capacity",
    "last_confirmed",
    "source",
    "external_id",
)
ORGANIZATION_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "provider_type",
    "external_id",
)
LOCATION_FIELDS = (
    "organization",
    "name",
    "description",
    "address_1",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "wheelchair",
    "accessibility_description",
    "external_id",
)
# The parts of an offer a write replaces as a whole when its data name them.
SERVICE_PARTS = {
    "languages": (ServiceLanguage, ("code", "note")),
    "cost_options": (
        CostOption,
        ("kind", "amount", "amount_description", "valid_from", "valid_to"),
    ),
    "schedules": (
        Schedule,
        (
            "kind",
            "weekday",
            "opens_at",
            "closes_at",
            "valid_from",
            "valid_to",
            "starts_at",
            "ends_at",
            "description",
            "location",
        ),
    ),
}


def _log(
    obj: Model, action_flag: int, acting_user: AbstractBaseUser, fields: Iterable[str]
) -> None:
    """An entry in the object's back-office history naming who changed which fields."""
    message: list = []
    if action_flag == ADDITION:
        message = [{"added": {}}]
    elif action_flag == CHANGE:
        with translation.override(None):
            labels = [
                str(obj._meta.get_field(name).verbose_name)
                for name in fields
                if name not in SERVICE_PARTS
            ]
        message = [{"changed": {"fields": labels}}]
    LogEntry.objects.log_actions(
        user_id=acting_user.pk,
        queryset=[obj],
        action_flag=action_flag,
        change_message=message,
        single_object=True,
    )


def _assign(obj: Model, data: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    changed = [name for name in fields if name in data]
    for name in changed:
        setattr(obj, name, data[name])
    return changed


def _numbered(errors: list[str], number: int, exc: ValidationError) -> None:
    for message in exc.messages:
        errors.append(_("Entry %(number)d: %(message)s") % {"number": number, "message": message})


def _service_parts(service: Service, data: Mapping[str, Any]) -> dict[str, list[Model]]:
    """Build and check the offer's languages, costs and schedules named in `data`, unsaved."""
    built: dict[str, list[Model]] = {}
    errors: dict[str, list[str]] = {}
    for key, (model, fields) in SERVICE_PARTS.items():
        if key not in data:
            continue
        built[key] = []
        for number, values in enumerate(data[key], start=1):
            part = model(
                service=service, **{name: values.get(name) for name in fields if name in values}
            )
            try:
                part.full_clean(exclude=["service"])
            except ValidationError as exc:
                _numbered(errors.setdefault(key, []), number, exc)
            built[key].append(part)
        if key == "languages":
            codes = [part.code for part in built[key]]
            if len(codes) != len(set(codes)):
                errors.setdefault(key, []).append(_("A language is named twice."))
    if errors:
        raise ValidationError(errors)
    return built


def _service_write(
    service: Service, data: Mapping[str, Any], acting_user: AbstractBaseUser, *, adding: bool
) -> Service:
    changed = _assign(service, data, SERVICE_FIELDS)
    if "organization" in data:
        service.organization = data["organization"]
        changed.append("organization")
    service.full_clean()
    terms = list(data["terms"]) if "terms" in data else list(service.terms.all())
    try:
        validate_life_phases(
            min_age_months=service.min_age_months,
            max_age_months=service.max_age_months,
            terms=terms,
        )
    except ValidationError as exc:
        raise ValidationError({"terms": exc.messages}) from exc
    locations = list(data.get("locations", []))
    foreign = [loc.name for loc in locations if loc.kommune_id != service.kommune_id]
    if foreign:
        raise ValidationError(
            {
                "locations": _("Not locations of %(kommune)s: %(names)s.")
                % {"kommune": service.kommune.name, "names": ", ".join(foreign)}
            }
        )
    parts = _service_parts(service, data)
    # Deferred: the offer is indexed once with all its parts, not once per part saved.
    with indexing_deferred():
        service.save()
        if "terms" in data:
            service.terms.set(terms)
            changed.append("terms")
        if "locations" in data:
            ServiceAtLocation.objects.filter(service=service).exclude(
                location__in=locations
            ).delete()
            for location in locations:
                ServiceAtLocation.objects.get_or_create(service=service, location=location)
            changed.append("locations")
        for key, built in parts.items():
            SERVICE_PARTS[key][0].objects.filter(service=service).delete()
            for part in built:
                part.save()
            changed.append(key)
    _log(service, ADDITION if adding else CHANGE, acting_user, changed)
    return service


@transaction.atomic
def service_create(
    *,
    kommune: Kommune,
    organization: Organization,
    data: Mapping[str, Any],
    acting_user: AbstractBaseUser,
) -> Service:
    """Create an offer with its terms, locations, languages, costs and schedules.

    `data` holds model field values by name, and optionally `terms` (TaxonomyTerm list),
    `locations` (Location list) and `languages`, `cost_options`, `schedules` (lists of
    dicts of their fields). Raises ValidationError with messages by field.
    """
    service = Service(kommune=kommune, organization=organization)
    return _service_write(service, data, acting_user, adding=True)


@transaction.atomic
def service_update(
    *, service: Service, data: Mapping[str, Any], acting_user: AbstractBaseUser
) -> Service:
    """Change the fields and parts of an offer named in `data` (as in service_create);
    a part named there replaces the offer's present ones, the rest stays as it is."""
    return _service_write(service, data, acting_user, adding=False)


@transaction.atomic
def service_delete(*, service: Service, acting_user: AbstractBaseUser) -> None:
    """Delete an offer for good with its parts (issue 5 replaces this by a trash)."""
    _log(service, DELETION, acting_user, [])
    service.delete()


@transaction.atomic
def organization_create(
    *, kommune: Kommune, data: Mapping[str, Any], acting_user: AbstractBaseUser
) -> Organization:
    """Create a provider of the Kommune from its field values by name."""
    organization = Organization(kommune=kommune)
    _assign(organization, data, ORGANIZATION_FIELDS)
    organization.full_clean()
    organization.save()
    _log(organization, ADDITION, acting_user, [])
    return organization


@transaction.atomic
def organization_update(
    *, organization: Organization, data: Mapping[str, Any], acting_user: AbstractBaseUser
) -> Organization:
    """Change the provider's fields named in `data`; its offers are indexed again."""
    changed = _assign(organization, data, ORGANIZATION_FIELDS)
    organization.full_clean()
    organization.save()
    _log(organization, CHANGE, acting_user, changed)
    return organization


@transaction.atomic
def organization_delete(*, organization: Organization, acting_user: AbstractBaseUser) -> None:
    """Delete a provider that has no offers left; one with offers is refused."""
    count = organization.services.count()
    if count:
        raise ValidationError(
            ngettext(
                "“%(name)s” still provides %(count)d offer; delete or move it first.",
                "“%(name)s” still provides %(count)d offers; delete or move them first.",
                count,
            )
            % {"name": organization.name, "count": count}
        )
    _log(organization, DELETION, acting_user, [])
    organization.delete()


@transaction.atomic
def location_create(
    *, kommune: Kommune, data: Mapping[str, Any], acting_user: AbstractBaseUser
) -> tuple[Location, list[str]]:
    """Create a location, placed in its area; returns it and warnings for the user."""
    location = Location(kommune=kommune)
    _assign(location, data, LOCATION_FIELDS)
    warnings = location_save(location=location)
    _log(location, ADDITION, acting_user, [])
    return location, warnings


@transaction.atomic
def location_update(
    *, location: Location, data: Mapping[str, Any], acting_user: AbstractBaseUser
) -> tuple[Location, list[str]]:
    """Change the location's fields named in `data`, placing it again; returns warnings."""
    changed = _assign(location, data, LOCATION_FIELDS)
    warnings = location_save(location=location)
    _log(location, CHANGE, acting_user, changed)
    return location, warnings


@transaction.atomic
def location_delete(*, location: Location, acting_user: AbstractBaseUser) -> None:
    """Delete a location; its offers stay, delivered at their other locations."""
    _log(location, DELETION, acting_user, [])
    location.delete()
