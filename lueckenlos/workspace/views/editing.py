"""What the edit pages of offers, providers and locations share: the version the editor
started from, and both versions side by side when someone else saved in between."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lueckenlos.catalogue.languages import language_name
from lueckenlos.catalogue.models import Service, Taxonomy
from lueckenlos.catalogue.models.tracking import Trashable
from lueckenlos.catalogue.services import SERVICE_PARTS, EditConflict
from lueckenlos.workspace.forms import (
    OFFER_FIELDS,
    PART_FIELDS,
    PART_LABELS,
    RecordForm,
    record_initial,
    term_label,
)


def posted_version(request: HttpRequest) -> int | None:
    """The record's version the editor loaded (the form's hidden field `version`)."""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return None
    return version if version > 0 else None


def value_text(model: type[models.Model], name: str, value: Any) -> str:
    """A field's value as a person reads it: choices by label, records by name, dates local."""
    if value is None or value == "":
        return ""
    model_field = model._meta.get_field(name)
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return str(formats.localize(value))


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    text: str


def record_rows(
    model: type[models.Model], data: Mapping[str, Any], names: Iterable[str]
) -> list[Row]:
    return [
        Row(
            name, str(model._meta.get_field(name).verbose_name), value_text(model, name, data[name])
        )
        for name in names
        if name in data
    ]


def _part_text(key: str, values: Mapping[str, Any]) -> str:
    model = SERVICE_PARTS[key][0]
    texts = []
    for name in PART_FIELDS[key]:
        value = values.get(name)
        if name == "code" and value:
            texts.append(language_name(value))
        else:
            text = value_text(model, name, value)
            if text:
                texts.append(text)
    return ", ".join(texts)


def offer_rows(data: Mapping[str, Any]) -> list[Row]:
    """An offer's data dict (service_create/update) as rows of label and text."""
    rows = record_rows(Service, data, OFFER_FIELDS)
    if "terms" in data:
        terms = list(data["terms"])
        taxonomies = Taxonomy.objects.in_bulk({term.taxonomy_id for term in terms})
        by_taxonomy: dict[int, list[str]] = {}
        for term in terms:
            by_taxonomy.setdefault(term.taxonomy_id, []).append(term_label(term))
        for taxonomy in sorted(taxonomies.values(), key=lambda t: t.code):
            names = sorted(by_taxonomy[taxonomy.pk])
            rows.append(Row(f"terms:{taxonomy.code}", taxonomy.name, ", ".join(names)))
    if "locations" in data:
        names = sorted(str(location) for location in data["locations"])
        rows.append(Row("locations", _("Locations"), "; ".join(names)))
    for key in PART_FIELDS:
        if key in data:
            texts = sorted(_part_text(key, values) for values in data[key])
            rows.append(Row(key, str(PART_LABELS[key]), "; ".join(texts)))
    return rows


@dataclass(frozen=True)
class Compared:
    """A field whose saved value (by the other person) differs from the editor's."""

    label: str
    theirs: str
    yours: str


@dataclass(frozen=True)
class Conflict:
    """What the edit page shows after EditConflict: the message and the differing fields."""

    message: str
    stored_version: int
    fields: list[Compared]


def conflict_of(exc: EditConflict, stored_rows: list[Row], attempted_rows: list[Row]) -> Conflict:
    """Both versions side by side, field by field, where they differ.

    A field the attempted data does not name (e.g. the status, which only coordinators set)
    is not compared: the edit would not change it.
    """
    stored = {row.key: row for row in stored_rows}
    fields = []
    for row in attempted_rows:
        theirs = stored.get(row.key)
        theirs_text = theirs.text if theirs else ""
        if theirs_text != row.text:
            fields.append(Compared(row.label, theirs_text, row.text))
    # Classification groups the other person filled and this editor left empty.
    attempted_keys = {row.key for row in attempted_rows}
    for row in stored_rows:
        if row.key.startswith("terms:") and row.key not in attempted_keys and row.text:
            fields.append(Compared(row.label, row.text, ""))
    return Conflict(message=exc.message, stored_version=exc.stored.version, fields=fields)


@dataclass
class RecordSave:
    """The outcome of saving a provider's or location's form: saved, or why not."""

    saved: bool
    version: int | None
    conflict: Conflict | None = None
    warnings: list[str] | None = None


def record_save(
    request: HttpRequest,
    *,
    form: RecordForm,
    obj: Trashable,
    update: Callable[..., Any],
) -> RecordSave:
    """Save a bound provider or location form with `update` (organization_update or
    location_update), refusing a stale edit with both versions side by side."""
    version = posted_version(request)
    if not form.is_valid():
        return RecordSave(saved=False, version=version)
    if version is None:
        form.add_error(None, _("The form lacks the version you started from: load the page again."))
        return RecordSave(saved=False, version=version)
    model = type(obj)
    data = form.data_dict()
    try:
        result = update(
            **{model._meta.model_name: obj},
            data=data,
            acting_user=request.user,
            expected_version=version,
        )
    except EditConflict as exc:
        obj.refresh_from_db()
        stored = record_rows(model, record_initial(exc.stored, form.names), form.names)
        conflict = conflict_of(exc, stored, record_rows(model, data, form.names))
        return RecordSave(saved=False, version=exc.stored.version, conflict=conflict)
    except ValidationError as exc:
        obj.refresh_from_db()  # the write functions change the instance before refusing
        form.add_service_errors(exc)
        return RecordSave(saved=False, version=version)
    warnings = result[1] if isinstance(result, tuple) else []
    return RecordSave(saved=True, version=obj.version, warnings=warnings)
