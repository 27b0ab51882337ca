"""Changes to the catalogue. Admin, demo loader and (later) imports and API call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model, QuerySet
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
from lueckenlos.catalogue.models.tracking import Trashable, acting_as
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


def record_versions(
    *, objects: Iterable[Model], acting_user: AbstractBaseUser | None, reason: str
) -> int:
    """One history row for each record a bulk write changed, as saved now; returns the count.

    For writes that skip save() (update(), bulk_create): a row per record in a few queries,
    with an offer's terms, so that the versions before and after compare as usual.
    """
    objects = list(objects)
    if not objects:
        return 0
    model = type(objects[0])
    rows = model.history.bulk_history_create(
        objects, default_user=acting_user, default_change_reason=reason
    )
    for m2m_field, m2m_history in getattr(model.history_records, "m2m_models", {}).items():
        through = m2m_field.remote_field.through
        source = m2m_field.m2m_field_name()
        target = m2m_field.m2m_reverse_field_name()
        links: dict = {}
        for link_id, owner_id, target_id in through.objects.filter(
            **{f"{source}_id__in": [obj.pk for obj in objects]}
        ).values_list("id", f"{source}_id", f"{target}_id"):
            links.setdefault(owner_id, []).append((link_id, target_id))
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    history_id=row.history_id,
                    id=link_id,
                    **{f"{source}_id": row.id, f"{target}_id": target_id},
                )
                for row in rows
                for link_id, target_id in links.get(row.id, [])
            ]
        )
    return len(rows)


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
        status=status, updated_at=timezone.now(), version=F("version") + 1
    )
    record_versions(
        objects=Service.objects.filter(pk__in=[s.pk for s in changing]),
        acting_user=acting_user,
        reason="bulk",
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
        last_confirmed=on, updated_at=timezone.now(), version=F("version") + 1
    )
    record_versions(
        objects=Service.objects.filter(pk__in=[s.pk for s in changing]),
        acting_user=acting_user,
        reason="bulk",
    )
    _log_bulk_change(changing, "last_confirmed", acting_user)
    return len(changing)


def _bulk_targets(services: QuerySet[Service]) -> list[Service]:
    """The offers as lean rows: the log needs their key and name, nothing the admin joined."""
    return list(Service.objects.filter(pk__in=services.values("pk")).only("pk", "name"))


# --- Single-record writes (REST API, later the workspace) ----------------------------------


class EditConflict(Exception):  # noqa: N818 – named for what it is, as Django's own Http404
    """Someone else saved the record after the editor loaded it: the edit is refused.

    Carries both versions, so that the editor can see them side by side: `stored` (the record
    as saved now, with its `version`) and `attempted` (the data of the refused edit).
    """

    def __init__(self, *, stored: Trashable, attempted: Mapping[str, Any], expected_version: int):
        self.stored = stored
        self.attempted = dict(attempted)
        self.expected_version = expected_version
        self.message = _(
            "“%(name)s” was changed by someone else while you edited it (you started from "
            "version %(expected)d, it is now at version %(stored)d). Your changes were not "
            "saved: compare both versions and edit again."
        ) % {"name": str(stored), "expected": expected_version, "stored": stored.version}
        super().__init__(self.message)


def claim_version(
    obj: Trashable, expected_version: int | None, attempted: Mapping[str, Any]
) -> None:
    """Count the change in the record's version, refusing it if the editor's copy is stale.

    One conditional UPDATE, so that of two concurrent edits of the same version exactly one
    wins, on SQLite and PostgreSQL alike.
    """
    model = type(obj)
    rows = model.all_objects.filter(pk=obj.pk)
    if expected_version is None:
        rows.update(version=F("version") + 1)
        obj.version = rows.values_list("version", flat=True).get()
        return
    if not rows.filter(version=expected_version).update(version=expected_version + 1):
        raise EditConflict(
            stored=model.all_objects.get(pk=obj.pk),
            attempted=attempted,
            expected_version=expected_version,
        )
    obj.version = expected_version + 1


def move_to_trash(*, obj: Trashable, acting_user: AbstractBaseUser) -> None:
    """Put a record in the trash: hidden everywhere, restorable, its history kept."""
    claim_version(obj, None, {})
    obj.deleted_at = timezone.now()
    obj.deleted_by = acting_user
    obj._change_reason = "trash"
    with acting_as(acting_user):
        obj.save(update_fields=["deleted_at", "deleted_by", "version"])
    _log(obj, DELETION, acting_user, [])


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
    service: Service,
    data: Mapping[str, Any],
    acting_user: AbstractBaseUser,
    *,
    adding: bool,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Service:
    if not adding:
        claim_version(service, expected_version, data)
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
    # Deferred: the offer is indexed once with all its parts, not once per part saved. Its
    # version is recorded after the parts, so that the version's time finds all of them.
    service.skip_history_when_saving = True
    with indexing_deferred(), acting_as(acting_user):
        service.save()
        if "terms" in data:
            service.terms.set(terms)
            changed.append("terms")
        if "locations" in data:
            for link in ServiceAtLocation.objects.filter(service=service).exclude(
                location__in=locations
            ):
                link.delete()
            for location in locations:
                ServiceAtLocation.objects.get_or_create(service=service, location=location)
            changed.append("locations")
        for key, built in parts.items():
            # One by one, so that each removal enters the part's history.
            for old in SERVICE_PARTS[key][0].objects.filter(service=service):
                old.delete()
            for part in built:
                part.save()
            changed.append(key)
        del service.skip_history_when_saving
        service._change_reason = reason
        Service.history_records.create_historical_record(service, "+" if adding else "~")
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
    *,
    service: Service,
    data: Mapping[str, Any],
    acting_user: AbstractBaseUser,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Service:
    """Change the fields and parts of an offer named in `data` (as in service_create);
    a part named there replaces the offer's present ones, the rest stays as it is.

    With `expected_version` (the version the editor loaded), an offer saved by someone else
    since raises EditConflict and nothing changes. `reason` is kept with the version.
    """
    return _service_write(
        service,
        data,
        acting_user,
        adding=False,
        expected_version=expected_version,
        reason=reason,
    )


@transaction.atomic
def service_delete(*, service: Service, acting_user: AbstractBaseUser) -> None:
    """Move an offer to the trash: it leaves the portal and the index, parts and history
    stay, and lueckenlos.catalogue.history.trash_restore brings it back."""
    move_to_trash(obj=service, acting_user=acting_user)


@transaction.atomic
def organization_create(
    *, kommune: Kommune, data: Mapping[str, Any], acting_user: AbstractBaseUser
) -> Organization:
    """Create a provider of the Kommune from its field values by name."""
    organization = Organization(kommune=kommune)
    _assign(organization, data, ORGANIZATION_FIELDS)
    organization.full_clean()
    with acting_as(acting_user):
        organization.save()
    _log(organization, ADDITION, acting_user, [])
    return organization


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    data: Mapping[str, Any],
    acting_user: AbstractBaseUser,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Organization:
    """Change the provider's fields named in `data`; its offers are indexed again.

    `expected_version` refuses a stale edit with EditConflict, as in service_update.
    """
    claim_version(organization, expected_version, data)
    changed = _assign(organization, data, ORGANIZATION_FIELDS)
    organization.full_clean()
    organization._change_reason = reason
    with acting_as(acting_user):
        organization.save()
    _log(organization, CHANGE, acting_user, changed)
    return organization


@transaction.atomic
def organization_delete(*, organization: Organization, acting_user: AbstractBaseUser) -> None:
    """Move a provider without offers to the trash; one with offers is refused."""
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
    move_to_trash(obj=organization, acting_user=acting_user)


@transaction.atomic
def location_create(
    *, kommune: Kommune, data: Mapping[str, Any], acting_user: AbstractBaseUser
) -> tuple[Location, list[str]]:
    """Create a location, placed in its area; returns it and warnings for the user."""
    location = Location(kommune=kommune)
    _assign(location, data, LOCATION_FIELDS)
    with acting_as(acting_user):
        warnings = location_save(location=location)
    _log(location, ADDITION, acting_user, [])
    return location, warnings


@transaction.atomic
def location_update(
    *,
    location: Location,
    data: Mapping[str, Any],
    acting_user: AbstractBaseUser,
    expected_version: int | None = None,
    reason: str | None = None,
) -> tuple[Location, list[str]]:
    """Change the location's fields named in `data`, placing it again; returns warnings.

    `expected_version` refuses a stale edit with EditConflict, as in service_update.
    """
    claim_version(location, expected_version, data)
    changed = _assign(location, data, LOCATION_FIELDS)
    location._change_reason = reason
    with acting_as(acting_user):
        warnings = location_save(location=location)
    _log(location, CHANGE, acting_user, changed)
    return location, warnings


@transaction.atomic
def location_delete(*, location: Location, acting_user: AbstractBaseUser) -> None:
    """Move a location to the trash; its offers stay, delivered at their other locations
    (the link is kept, so that restoring the location restores it too)."""
    move_to_trash(obj=location, acting_user=acting_user)


@transaction.atomic
def services_assign_term(
    *, services: QuerySet[Service], term: TaxonomyTerm, acting_user: AbstractBaseUser
) -> tuple[int, list[Service]]:
    """Add one classification term to many offers at once (workspace bulk action).

    Returns how many offers changed, and the offers refused because the term is a life
    phase their age range contradicts (they keep their terms). Offers that have the term
    already are left alone; each changed one gets a version and an entry in its history
    naming `acting_user`. Like the other bulk writes it skips save(): the caller brings the
    search index in step (lueckenlos.workspace.services).
    """
    candidates = list(
        Service.objects.filter(pk__in=services.values("pk"))
        .exclude(terms=term)
        .only("pk", "name", "min_age_months", "max_age_months")
    )
    refused = []
    if term.taxonomy.code == LIFE_PHASE:
        refused = [
            service
            for service in candidates
            if life_phase_conflicts(service.min_age_months, service.max_age_months, [term])
        ]
    changing = [s for s in candidates if s not in refused]
    ids = [s.pk for s in changing]
    link = Service.terms.through
    link.objects.bulk_create([link(service_id=pk, taxonomyterm_id=term.pk) for pk in ids])
    Service.objects.filter(pk__in=ids).update(updated_at=timezone.now(), version=F("version") + 1)
    record_versions(
        objects=Service.objects.filter(pk__in=ids), acting_user=acting_user, reason="bulk"
    )
    _log_bulk_change(changing, "terms", acting_user)
    return len(changing), refused
