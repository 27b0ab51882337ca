"""A proposal's data as JSON, and back: the dict of catalogue.services.service_create/update.

Values are encoded by what they are (dates, times and datetimes as ISO 8601, Decimal as a
string, records as {"id", "label"}) and decoded by the model field they belong to, so that a
round trip gives equal values. Records come back only from the proposal's own Kommune; one that
has vanished since (deleted, in the trash, or another Kommune's) fails with a PayloadError
naming it, never silently.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Location, Organization, Service, TaxonomyTerm
from lueckenlos.catalogue.services import SERVICE_PARTS

# Keys of the data dict that hold lists of records rather than field values.
RECORD_LISTS = {"terms": TaxonomyTerm, "locations": Location}


class PayloadError(ValidationError):
    """The stored proposal names a record that no longer exists in its Kommune."""


def _ref(obj: models.Model) -> dict[str, str]:
    return {"id": str(obj.pk), "label": str(obj)}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return _ref(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"Cannot store a {type(value).__name__} in a proposal: {value!r}")


def to_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """The data dict of a catalogue write as JSON-serialisable values."""
    result: dict[str, Any] = {}
    for key, value in data.items():
        if key in RECORD_LISTS:
            result[key] = [_ref(obj) for obj in value]
        elif key in SERVICE_PARTS:
            result[key] = [{name: _encode(v) for name, v in part.items()} for part in value]
        else:
            result[key] = _encode(value)
    return result


def _ref_id_and_label(ref: Any) -> tuple[str, str]:
    if isinstance(ref, dict):
        return str(ref["id"]), str(ref.get("label") or ref["id"])
    return str(ref), str(ref)


def _vanished(kind: str, labels: list[str]) -> PayloadError:
    return PayloadError(
        _(
            "The proposal names %(kind)s that no longer exist(s): %(labels)s. "
            "It cannot be applied as it is."
        )
        % {"kind": kind, "labels": ", ".join(f"“{label}”" for label in labels)}
    )


def _records(model: type[models.Model], refs: list, queryset: models.QuerySet, kind: str) -> list:
    wanted = [_ref_id_and_label(ref) for ref in refs]
    found = {str(obj.pk): obj for obj in queryset.filter(pk__in=[pk for pk, _label in wanted])}
    missing = [label for pk, label in wanted if pk not in found]
    if missing:
        raise _vanished(kind, missing)
    return [found[pk] for pk, _label in wanted]


def _decode_field(model: type[models.Model], name: str, value: Any, kommune: Kommune) -> Any:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):
        related = field.related_model
        if related is Location:
            queryset, kind = Location.objects.filter(kommune=kommune), _("location(s)")
        elif related is Organization:
            queryset, kind = Organization.objects.filter(kommune=kommune), _("provider(s)")
        else:
            raise PayloadError(_("Unexpected record in a proposal: %(name)s") % {"name": name})
        return _records(related, [value], queryset, kind)[0]
    return field.to_python(value)


def from_json(payload: Mapping[str, Any], *, kommune: Kommune) -> dict[str, Any]:
    """The data dict back, with records of `kommune` only; PayloadError if one vanished."""
    data: dict[str, Any] = {}
    for key, value in payload.items():
        if key == "terms":
            data[key] = _records(
                TaxonomyTerm, value, TaxonomyTerm.objects.all(), _("classification term(s)")
            )
        elif key == "locations":
            data[key] = _records(
                Location, value, Location.objects.filter(kommune=kommune), _("location(s)")
            )
        elif key in SERVICE_PARTS:
            model = SERVICE_PARTS[key][0]
            data[key] = [
                {name: _decode_field(model, name, v, kommune) for name, v in part.items()}
                for part in value
            ]
        else:
            data[key] = _decode_field(Service, key, value, kommune)
    return data
