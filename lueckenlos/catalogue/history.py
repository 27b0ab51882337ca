"""History and recovery of the catalogue: versions with their differences, restoring an
earlier version, the trash, and the personal data of contact persons (DSGVO access and
erasure).

Every catalogue model keeps its history with django-simple-history (models/tracking.py). An
offer's version is one row of its own history; its parts (terms, languages, costs,
schedules, locations) belong to the version as they stood at the version's time, read from
the parts' own histories. The write functions record an offer's version after its parts, so
that the time finds all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.languages import language_name
from lueckenlos.catalogue.models import (
    Contact,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
)
from lueckenlos.catalogue.models.tracking import Trashable, acting_as
from lueckenlos.catalogue.services import (
    LOCATION_FIELDS,
    ORGANIZATION_FIELDS,
    SERVICE_FIELDS,
    SERVICE_PARTS,
    claim_version,
    location_update,
    organization_update,
    service_update,
)

# Bookkeeping a person does not edit: left out of the differences.
HIDDEN_FIELDS = {"id", "kommune", "created_at", "updated_at", "version", "deleted_by"}

# history_change_reason codes the write functions set; shown as these words.
REASONS = {
    "trash": gettext_lazy("moved to the trash"),
    "trash_restore": gettext_lazy("restored from the trash"),
    "restore": gettext_lazy("earlier version restored"),
    "erasure": gettext_lazy("personal data erased"),
    "bulk": gettext_lazy("changed together with others"),
    "import": gettext_lazy("imported"),
}
KINDS = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted for good"),
}


@dataclass
class Change:
    """One field that differs between a version and the one before it."""

    label: str
    old: str
    new: str


@dataclass
class Version:
    """One saved state of a record: who saved it, when, why, and what differed."""

    id: int
    number: int
    date: dt.datetime
    user: AbstractBaseUser | None
    kind: str
    changes: list[Change] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


# --- Showing values as a person reads them -------------------------------------------------


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS]


def _show(model_field: models.Field, value: Any, names: dict) -> str:
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.name, value), str(value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return str(formats.localize(value))


def _related_names(model: type[models.Model], rows: Sequence[models.Model]) -> dict:
    """Names of the records the rows' foreign keys point at, in one query per key."""
    names = {}
    for model_field in _fields(model):
        if not isinstance(model_field, models.ForeignKey):
            continue
        ids = {getattr(row, model_field.attname) for row in rows} - {None}
        related = model_field.related_model._base_manager.in_bulk(ids)
        names.update({(model_field.name, pk): str(obj) for pk, obj in related.items()})
    return names


def _field_values(model: type[models.Model], row: models.Model, names: dict) -> dict[str, str]:
    return {str(f.verbose_name): _show(f, getattr(row, f.attname), names) for f in _fields(model)}


# --- Parts of an offer as they stood at a time ---------------------------------------------


def _as_of(rows: Iterable[models.Model], moment: dt.datetime) -> list[models.Model]:
    """The part records that existed at `moment`, from their history rows (oldest first)."""
    state: dict = {}
    for row in rows:
        if row.history_date > moment:
            break
        if row.history_type == "-":
            state.pop(row.id, None)
        else:
            state[row.id] = row
    return list(state.values())


def _language_text(row: ServiceLanguage) -> str:
    name = language_name(row.code)
    return f"{name} ({row.note})" if row.note else name


def _cost_text(row: CostOption) -> str:
    text = str(CostOption.Kind(row.kind).label) if row.kind in CostOption.Kind else row.kind
    if row.amount is not None:
        text += f" {formats.localize(row.amount)} €"
    return f"{text}, {row.amount_description}" if row.amount_description else text


def _schedule_text(row: Any) -> str:
    text = str(row.instance)
    return f"{text} ({row.description})" if row.description else text


@dataclass
class _PartHistory:
    label: str
    rows: list
    text: Callable[[Any], str]


class _ServiceParts:
    """The histories of one offer's parts, read once, to be asked for any moment."""

    def __init__(self, service: Service, versions: Sequence[models.Model]):
        self.histories = {
            key: _PartHistory(
                str(model._meta.verbose_name_plural),
                list(model.history.filter(service_id=service.pk).order_by("history_date")),
                text,
            )
            for key, model, text in [
                ("languages", ServiceLanguage, _language_text),
                ("cost_options", CostOption, _cost_text),
                ("schedules", Schedule, _schedule_text),
                ("locations", ServiceAtLocation, self._location_text),
            ]
        }
        link_rows = self.histories["locations"].rows
        self.location_names = {
            loc.pk: str(loc)
            for loc in Location.all_objects.filter(pk__in={r.location_id for r in link_rows})
        }
        through = Service.history_records.m2m_models[Service._meta.get_field("terms")]
        self.term_ids: dict[int, list] = {}
        for history_id, term_id in through.objects.filter(
            history__in=[v.history_id for v in versions]
        ).values_list("history_id", "taxonomyterm_id"):
            self.term_ids.setdefault(history_id, []).append(term_id)
        self.terms = TaxonomyTerm.objects.select_related("taxonomy").in_bulk(
            {pk for ids in self.term_ids.values() for pk in ids}
        )

    def _location_text(self, row: Any) -> str:
        return self.location_names.get(row.location_id, str(row.location_id))

    def records(self, key: str, moment: dt.datetime) -> list:
        return _as_of(self.histories[key].rows, moment)

    def values(self, version: models.Model) -> dict[str, str]:
        values = {}
        terms = [self.terms[pk] for pk in self.term_ids.get(version.history_id, [])]
        label = str(Service._meta.get_field("terms").verbose_name)
        values[label] = ", ".join(sorted(f"{term.taxonomy.name}: {term.name}" for term in terms))
        for key, part in self.histories.items():
            texts = sorted(part.text(row) for row in self.records(key, version.history_date))
            values[part.label] = "; ".join(texts)
        return values


# --- Queries -------------------------------------------------------------------------------


def _versions(
    model: type[Trashable], obj: Trashable, extra: Callable | None = None
) -> list[Version]:
    rows = list(
        model.history.filter(id=obj.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    names = _related_names(model, rows)
    helper = extra(rows) if extra else None
    versions: list[Version] = []
    before: dict[str, str] = {}
    for row in rows:
        values = _field_values(model, row, names)
        if helper is not None:
            values.update(helper.values(row))
        reason = (row.history_change_reason or "").split(":")[0]
        versions.append(
            Version(
                id=row.history_id,
                number=row.version,
                date=row.history_date,
                user=row.history_user,
                kind=str(REASONS.get(reason) or KINDS.get(row.history_type, row.history_type)),
                changes=[
                    Change(label, before.get(label, ""), value)
                    for label, value in values.items()
                    if value != before.get(label, "")
                ],
                values=values,
            )
        )
        before = values
    versions.reverse()
    return versions


def service_history(service: Service) -> list[Version]:
    """The offer's versions, newest first, each with what differs from the one before.

    Values read as a person reads them: labels are the fields' names, choices their
    labels, terms and languages their names, parts one line each.
    """
    return _versions(Service, service, lambda rows: _ServiceParts(service, rows))


def organization_history(organization: Organization) -> list[Version]:
    """The provider's versions, newest first, as service_history."""
    return _versions(Organization, organization)


def location_history(location: Location) -> list[Version]:
    """The location's versions, newest first, as service_history."""
    return _versions(Location, location)


# --- Restoring an earlier version ----------------------------------------------------------


def _version_row(model: type[Trashable], obj: Trashable, version_id: int) -> Any:
    row = model.history.filter(id=obj.pk, history_id=version_id).first()
    if row is None:
        raise ValidationError(
            _("%(id)s is no version of “%(name)s”.") % {"id": version_id, "name": str(obj)}
        )
    return row


@transaction.atomic
def service_restore_version(
    *, service: Service, version_id: int, acting_user: AbstractBaseUser
) -> Service:
    """Put an earlier version of the offer back, fields and parts, as a new version.

    Nothing of the history is lost: the versions in between stay, and the restored one is
    checked as any edit is (a term that no longer fits is refused with its reason).
    """
    row = _version_row(Service, service, version_id)
    parts = _ServiceParts(service, [row])
    data: dict[str, Any] = {name: getattr(row, name) for name in SERVICE_FIELDS}
    data["organization"] = Organization.all_objects.get(pk=row.organization_id)
    data["terms"] = list(TaxonomyTerm.objects.filter(pk__in=parts.term_ids.get(row.history_id, [])))
    links = parts.records("locations", row.history_date)
    data["locations"] = list(
        Location.all_objects.filter(pk__in=[link.location_id for link in links])
    )
    locations = Location.all_objects.in_bulk(
        {r.location_id for r in parts.records("schedules", row.history_date)} - {None}
    )
    for key, (_model, names) in SERVICE_PARTS.items():
        data[key] = [
            {
                name: (locations.get(rec.location_id) if name == "location" else getattr(rec, name))
                for name in names
            }
            for rec in parts.records(key, row.history_date)
        ]
    return _restore(service_update, row, service=service, data=data, acting_user=acting_user)


def _restore(update: Callable, row: Any, **kwargs: Any) -> Any:
    """Call the record's update function, naming the restored version in the history."""
    return update(**kwargs, reason=f"restore:{row.version}")


@transaction.atomic
def organization_restore_version(
    *, organization: Organization, version_id: int, acting_user: AbstractBaseUser
) -> Organization:
    """Put an earlier version of the provider's fields back, as a new version."""
    row = _version_row(Organization, organization, version_id)
    data = {name: getattr(row, name) for name in ORGANIZATION_FIELDS}
    return _restore(
        organization_update, row, organization=organization, data=data, acting_user=acting_user
    )


@transaction.atomic
def location_restore_version(
    *, location: Location, version_id: int, acting_user: AbstractBaseUser
) -> Location:
    """Put an earlier version of the location back (placed in its area again)."""
    row = _version_row(Location, location, version_id)
    data = {name: getattr(row, name) for name in LOCATION_FIELDS if name != "organization"}
    data["organization"] = (
        Organization.all_objects.get(pk=row.organization_id) if row.organization_id else None
    )
    location, _warnings = _restore(
        location_update, row, location=location, data=data, acting_user=acting_user
    )
    return location


# --- Trash ---------------------------------------------------------------------------------

TRASHABLE: tuple[type[Trashable], ...] = (Service, Organization, Location)


def trash_list(kommune: Kommune) -> list[Trashable]:
    """What lies in the Kommune's trash (offers, providers, locations), last deleted first."""
    trashed: list[Trashable] = []
    for model in TRASHABLE:
        trashed.extend(
            model.all_objects.filter(kommune=kommune, deleted_at__isnull=False).select_related(
                "deleted_by"
            )
        )
    return sorted(trashed, key=lambda obj: obj.deleted_at, reverse=True)


@transaction.atomic
def trash_restore(*, obj: Trashable, acting_user: AbstractBaseUser) -> Trashable:
    """Take a record out of the trash as it was; an offer whose provider lies in the trash too
    is refused, naming the provider to restore first."""
    if not obj.in_trash:
        raise ValidationError(_("“%(name)s” is not in the trash.") % {"name": str(obj)})
    if isinstance(obj, Service):
        provider = Organization.all_objects.get(pk=obj.organization_id)
        if provider.in_trash:
            raise ValidationError(
                _("The provider “%(provider)s” of “%(name)s” is in the trash: restore it first.")
                % {"provider": provider.name, "name": obj.name}
            )
    claim_version(obj, None, {})
    obj.deleted_at = None
    obj.deleted_by = None
    obj._change_reason = "trash_restore"
    with acting_as(acting_user):
        obj.save(update_fields=["deleted_at", "deleted_by", "version"])
    LogEntry.objects.log_actions(
        user_id=acting_user.pk,
        queryset=[obj],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": [str(REASONS["trash_restore"])]}}],
        single_object=True,
    )
    return obj


# --- Personal data of contact persons ------------------------------------------------------

PERSONAL_FIELDS = ("name", "email")


def _contacts_of(kommune: Kommune) -> models.QuerySet[Contact]:
    return Contact.objects.filter(
        Q(organization__kommune=kommune) | Q(service__kommune=kommune)
    ).select_related("organization", "service")


def _history_row(row: Any, names: Iterable[str]) -> dict[str, Any]:
    return {
        "date": row.history_date.isoformat(),
        "kind": str(KINDS.get(row.history_type, row.history_type)),
        "by": str(row.history_user) if row.history_user_id else "",
        **{name: _plain(getattr(row, name)) for name in names},
    }


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


CONTACT_EXPORT = ("name", "title", "department", "email", "purpose", "consent_date")
PHONE_EXPORT = ("number", "extension", "kind", "description")


def person_data_export(*, kommune: Kommune, name_or_email: str) -> dict[str, Any]:
    """Everything the Kommune stores about one person (DSGVO Art. 15): the contacts with that
    name or e-mail address, their phone numbers, and every history row of them.

    A dict of plain values, ready to be written as JSON and handed to the person.
    """
    wanted = name_or_email.strip()
    contacts = list(_contacts_of(kommune).filter(Q(name__iexact=wanted) | Q(email__iexact=wanted)))
    ids = [contact.pk for contact in contacts]
    contact_rows = Contact.history.filter(id__in=ids).select_related("history_user")
    phone_rows = Phone.history.filter(contact_id__in=ids).select_related("history_user")
    return {
        "query": wanted,
        "kommune": kommune.name,
        "exported_at": timezone.now().isoformat(),
        "contacts": [
            {
                "id": str(contact.pk),
                **{name: _plain(getattr(contact, name)) for name in CONTACT_EXPORT},
                "provider": contact.organization.name if contact.organization else "",
                "offer": contact.service.name if contact.service else "",
                "phones": [
                    {name: _plain(getattr(phone, name)) for name in PHONE_EXPORT}
                    for phone in contact.phones.all()
                ],
                "history": [
                    _history_row(row, CONTACT_EXPORT)
                    for row in contact_rows
                    if row.id == contact.pk
                ],
                "phone_history": [
                    _history_row(row, PHONE_EXPORT)
                    for row in phone_rows
                    if row.contact_id == contact.pk
                ],
            }
            for contact in contacts
        ],
    }


@transaction.atomic
def person_erase(*, kommune: Kommune, contact_ids: Iterable, acting_user: AbstractBaseUser) -> int:
    """Erase one person's data (DSGVO Art. 17) from these contacts and from all history.

    Name and e-mail address are emptied, the person's phone numbers deleted; a contact that
    keeps a role (title or department) stays as that role, one that keeps nothing is
    deleted. The history rows of the contacts and phones lose the same data, the back
    office's log its name. Offers and providers stay as they are. Returns the contacts
    erased; a contact of another Kommune is refused.
    """
    wanted = {str(pk) for pk in contact_ids}
    contacts = list(_contacts_of(kommune).filter(pk__in=wanted))
    missing = wanted - {str(contact.pk) for contact in contacts}
    if missing:
        raise ValidationError(
            _("No contacts of %(kommune)s: %(ids)s.")
            % {"kommune": kommune.name, "ids": ", ".join(sorted(missing))}
        )
    ids = [contact.pk for contact in contacts]
    with acting_as(acting_user):
        for phone in Phone.objects.filter(contact_id__in=ids):
            phone.delete()
        for contact in contacts:
            for name in PERSONAL_FIELDS:
                setattr(contact, name, "")
            contact.purpose = ""
            contact.consent_date = None
            contact._change_reason = "erasure"
            if contact.title or contact.department:
                contact.save()
            else:
                contact.delete()
    # After the saves: the rows just written hold no personal data either.
    Contact.history.filter(id__in=ids).update(name="", email="", purpose="", consent_date=None)
    Phone.history.filter(contact_id__in=ids).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact),
        object_id__in=[str(pk) for pk in ids],
    ).update(object_repr="–")
    return len(contacts)
