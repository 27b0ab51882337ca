"""A proposal as a person reads it: field by field, the offer now against the proposal.

Works on the JSON a proposal stores (payload.py), so that a decided proposal still reads as
it was decided, even after a term or location it names has gone: records show the label kept
with them. Values are shown with the history's helpers (lueckenlos.catalogue.history), so that
the review and the offer's history speak alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from lueckenlos.catalogue.history import _cost_text, _language_text, _schedule_text, _show
from lueckenlos.catalogue.models import (
    CostOption,
    Schedule,
    Service,
    ServiceLanguage,
    TaxonomyTerm,
)
from lueckenlos.catalogue.services import SERVICE_FIELDS, SERVICE_PARTS
from lueckenlos.review.models import Proposal
from lueckenlos.review.queries import offer_snapshot

# The order in which a diff lists what it compares: the offer's fields, then its parts.
ORDER = [*SERVICE_FIELDS, "organization", "terms", "locations", *SERVICE_PARTS]


def _schedule_line(schedule: Schedule) -> str:
    # The history's helper reads a history row, which holds the record as `instance`.
    return _schedule_text(SimpleNamespace(instance=schedule, description=schedule.description))


PART_TEXTS = {
    "languages": (ServiceLanguage, _language_text),
    "cost_options": (CostOption, _cost_text),
    "schedules": (Schedule, lambda part: _schedule_line(part)),
}


@dataclass
class Line:
    text: str
    marked: bool = False  # removed (in "now") or added (in "proposed")


@dataclass
class Row:
    """One field or part: its label, the lines now and as proposed, and whether they differ."""

    key: str
    label: str
    now: list[Line] = field(default_factory=list)
    proposed: list[Line] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return [line.text for line in self.now] != [line.text for line in self.proposed]


def _label(key: str) -> str:
    if key in SERVICE_PARTS:
        return str(SERVICE_PARTS[key][0]._meta.verbose_name_plural)
    try:
        return str(Service._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return key


def _ref_label(ref: Any) -> str:
    return str(ref.get("label") or ref.get("id")) if isinstance(ref, dict) else str(ref)


def _decode(model_field: models.Field, value: Any) -> Any:
    try:
        value = model_field.to_python(value)
    except ValidationError:
        return value
    if isinstance(model_field, models.DecimalField) and isinstance(value, Decimal):
        # As the database gives it back: "12.5" typed and "12.50" stored are one amount.
        value = value.quantize(Decimal(1).scaleb(-model_field.decimal_places))
    return value


def _field_text(model: type[models.Model], name: str, value: Any) -> str:
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return "" if value is None else str(value)
    if isinstance(model_field, models.ForeignKey):
        return "" if value is None else _ref_label(value)
    return _show(model_field, _decode(model_field, value), {})


def _part_text(key: str, values: dict[str, Any]) -> str:
    model, text = PART_TEXTS[key]
    fields = {}
    location = ""
    for name, value in values.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(model_field, models.ForeignKey):
            location = _ref_label(value) if value else ""
        else:
            fields[name] = _decode(model_field, value)
    try:
        shown = text(model(**fields))
    except (TypeError, ValueError, AttributeError):
        shown = ", ".join(f"{name}: {value}" for name, value in fields.items() if value)
    return f"{shown} – {location}" if location else shown


def _term_labels(refs: list) -> list[str]:
    """ "Vocabulary: term", as the history shows terms; the stored label for a vanished one."""
    pk_field = TaxonomyTerm._meta.pk

    def key(ref: Any) -> Any:
        try:
            return pk_field.to_python(ref["id"])
        except (ValidationError, KeyError, TypeError):
            return None

    keys = [key(ref) for ref in refs]
    terms = TaxonomyTerm.objects.select_related("taxonomy").in_bulk([k for k in keys if k])
    return [
        f"{terms[k].taxonomy.name}: {terms[k].name}" if k in terms else _ref_label(ref)
        for k, ref in zip(keys, refs, strict=True)
    ]


def lines(key: str, value: Any) -> list[str]:
    """A stored value as the lines a person reads (parts sorted, one line each)."""
    if value is None or value == "" or value == []:
        return []
    if key == "terms":
        return sorted(_term_labels(value))
    if key == "locations":
        return sorted(_ref_label(ref) for ref in value)
    if key in SERVICE_PARTS:
        return sorted(_part_text(key, part) for part in value)
    text = _field_text(Service, key, value)
    return [text] if text else []


def compare(now: dict[str, Any], proposed: dict[str, Any]) -> list[Row]:
    """Rows for every key of the proposal, in the offer's order; lines that only one side
    has are marked (removed now, added as proposed)."""
    keys = [key for key in ORDER if key in proposed]
    keys += [key for key in proposed if key not in keys]
    rows = []
    for key in keys:
        before, after = lines(key, now.get(key)), lines(key, proposed.get(key))
        rows.append(
            Row(
                key=key,
                label=_label(key),
                now=[Line(text, text not in after) for text in before],
                proposed=[Line(text, text not in before) for text in after],
            )
        )
    return rows


def proposal_diff(proposal: Proposal) -> list[Row]:
    """The proposal against the offer: the published offer now while the proposal waits, the
    offer as it was when decided afterwards; a new offer against nothing."""
    proposed = proposal.payload
    if proposal.kind == Proposal.Kind.CHANGE:
        if proposal.previous is not None:
            now = proposal.previous
        elif proposal.service_id:
            now = offer_snapshot(proposal.service, keys=proposed.keys())
        else:
            now = {}
    else:
        now = {}
        service = proposal.service
        if proposal.is_pending and service is not None and not service.in_trash:
            # The coordinator may have corrected the reported draft: show what would go live.
            proposed = offer_snapshot(service, keys=proposed.keys())
    return compare(now, proposed)
