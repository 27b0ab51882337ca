"""The workspace's forms: offers (with classification, locations and parts), providers,
locations, and the offer list's filters and bulk actions.

An offer's page is several forms: the offer's own fields with its classification and
locations, and one formset per part (languages, costs, schedules). `OfferForms.data()`
turns the valid forms into the data dict of catalogue.services.service_create/update, and
`offer_forms(initial=...)` builds them from such a dict: an offer as saved
(`offer_data_of`) or a provider's pending proposal (review.models.Proposal.data_dict()).
Validation is the service layer's: the forms parse what is typed, and
`OfferForms.add_service_errors` puts the service's errors next to the fields.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf.locale import LANG_INFO
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.formsets import BaseFormSet, formset_factory
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from lueckenlos.catalogue.languages import EXTRA_LANGUAGES, language_name
from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from lueckenlos.catalogue.services import LOCATION_FIELDS, ORGANIZATION_FIELDS
from lueckenlos.catalogue.vocabularies import (
    ACCESS,
    FIELD_OF_ACTION,
    LIFE_PHASE,
    LIFE_SITUATION,
    PREVENTION_TYPE,
    SETTING,
    TARGET_GROUP,
    TRANSITION,
)

# The offer's own fields, in the order of the form.
OFFER_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "organization",
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
# Publishing and withdrawing is the coordinator's decision; where the data came from is
# bookkeeping of the coordinator and the imports.
COORDINATOR_ONLY_FIELDS = ("status", "source", "external_id")
FIELD_GROUPS = (
    (
        _("The offer"),
        ("name", "alternate_name", "description", "organization", "url", "email", "status"),
    ),
    (
        _("For whom, and how to get in"),
        (
            "min_age_months",
            "max_age_months",
            "eligibility_description",
            "application_process",
            "capacity",
        ),
    ),
    (_("Confirmation and source"), ("last_confirmed", "source", "external_id")),
)
# Vocabularies in the order a coordinator classifies an offer; others follow by code.
TAXONOMY_ORDER = (
    LIFE_PHASE,
    FIELD_OF_ACTION,
    TARGET_GROUP,
    TRANSITION,
    ACCESS,
    PREVENTION_TYPE,
    SETTING,
    LIFE_SITUATION,
)
TERM_PREFIX = "terms_"
# Empty rows under each part, to add entries without JavaScript.
EXTRA_ROWS = 2

PART_FIELDS = {
    "languages": ("code", "note"),
    "cost_options": ("kind", "amount", "amount_description", "valid_from", "valid_to"),
    "schedules": (
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
}
PART_LABELS = {
    "languages": _("Languages"),
    "cost_options": _("Costs"),
    "schedules": _("Opening hours and dates"),
}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _formfield(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Form fields as the model defines them, with the browser's own date and time inputs."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    if isinstance(model_field, models.DateTimeField):
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
    elif isinstance(model_field, models.DateField):
        kwargs.setdefault("widget", _date_input())
    elif isinstance(model_field, models.TimeField):
        kwargs.setdefault("widget", forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    elif isinstance(model_field, models.TextField):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
    return model_field.formfield(**kwargs)


def model_fields(model: type[models.Model], names: Iterable[str]) -> dict[str, forms.Field]:
    return fields_for_model(model, fields=list(names), formfield_callback=_formfield)


def _disable(form: forms.Form) -> None:
    for form_field in form.fields.values():
        form_field.disabled = True


def term_label(term: TaxonomyTerm) -> str:
    return pgettext("taxonomy term", term.name)


def taxonomies_in_order() -> list[Taxonomy]:
    rank = {code: position for position, code in enumerate(TAXONOMY_ORDER)}
    taxonomies = Taxonomy.objects.prefetch_related("terms")
    return sorted(taxonomies, key=lambda t: (rank.get(t.code, len(rank)), t.code))


class TermChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: TaxonomyTerm) -> str:
        return term_label(obj)


# --- the offer ------------------------------------------------------------------------------


class OfferForm(forms.Form):
    """The offer's own fields, its classification (a group of checkboxes per vocabulary)
    and its locations."""

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        locations: QuerySet[Location],
        coordinator: bool,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        names = [n for n in OFFER_FIELDS if coordinator or n not in COORDINATOR_ONLY_FIELDS]
        self.fields.update(model_fields(Service, names))
        self.fields["organization"].queryset = organizations
        self.fields["organization"].empty_label = None if organizations.count() == 1 else "—"
        self.fields["min_age_months"].help_text = _(
            "In months: 36 is the third birthday. Empty: from pregnancy or birth on."
        )
        self.fields["max_age_months"].help_text = _(
            "In months, exclusive: 72 means up to the sixth birthday. Empty: no upper limit."
        )
        self.service_fields = names
        self.term_fields: list[str] = []
        for taxonomy in taxonomies_in_order():
            name = TERM_PREFIX + taxonomy.code
            self.fields[name] = TermChoiceField(
                queryset=taxonomy.terms.order_by("position", "name"),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label=taxonomy.name,
                help_text=taxonomy.description,
            )
            self.term_fields.append(name)
        self.fields["locations"] = forms.ModelMultipleChoiceField(
            queryset=locations,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=_("Locations"),
            help_text=_("Where the offer takes place."),
        )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The offer's own fields in groups, each shown as a fieldset with its legend."""
        return [
            (str(legend), [self[name] for name in names if name in self.fields])
            for legend, names in FIELD_GROUPS
        ]

    def classification_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.term_fields]


def language_choices() -> list[tuple[str, str]]:
    """The languages an offer can be delivered in, by their names in the interface language."""
    codes = {code for code, info in LANG_INFO.items() if "name" in info and "-" not in code}
    codes |= set(EXTRA_LANGUAGES)
    named = sorted(((code, language_name(code)) for code in codes), key=lambda c: c[1].lower())
    return [("", "—"), *named]


class PartForm(forms.Form):
    """One row of a part (a language, a cost, a schedule); an empty row is no entry.

    The row is checked by its model's own rules, so that an error shows in its row.
    """

    model: type[models.Model]
    key: str

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields.update(model_fields(self.model, PART_FIELDS[self.key]))
        for form_field in self.fields.values():
            form_field.required = False

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in PART_FIELDS[self.key]}

    def is_blank(self) -> bool:
        return all(value in (None, "") for value in self.values().values())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors or self.is_blank():
            return cleaned
        try:
            self.model(**self.values()).full_clean(exclude=["service"])
        except ValidationError as exc:
            for key, errors in exc.update_error_dict({}).items():
                target = key if key in self.fields else None
                for error in errors:
                    self.add_error(target, error)
        return cleaned


class LanguageForm(PartForm):
    model = ServiceLanguage
    key = "languages"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["code"] = forms.ChoiceField(
            label=_("Language"), choices=language_choices(), required=False
        )


class CostOptionForm(PartForm):
    model = CostOption
    key = "cost_options"


class ScheduleForm(PartForm):
    model = Schedule
    key = "schedules"

    def __init__(self, *args: Any, locations: QuerySet[Location], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations
        self.fields["weekday"].help_text = _("Opening hours: weekday and both times.")
        self.fields["starts_at"].help_text = _("A dated event: its start (and end).")


PART_FORMS = {"languages": LanguageForm, "cost_options": CostOptionForm, "schedules": ScheduleForm}


class PartFormSet(BaseFormSet):
    """The rows of one part; a saved row can be removed by its checkbox."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")


def _formset_class(key: str) -> type[BaseFormSet]:
    return formset_factory(
        PART_FORMS[key],
        formset=PartFormSet,
        extra=EXTRA_ROWS,
        can_delete=True,
        can_delete_extra=False,
    )


@dataclass(frozen=True)
class PartSection:
    """One part of the offer page: its formset and the service's errors for it."""

    key: str
    label: str
    formset: BaseFormSet
    errors: list[str]


@dataclass
class OfferForms:
    """The forms of one offer page, bound or not."""

    offer: OfferForm
    parts: dict[str, BaseFormSet]
    # Errors the service layer gave for a part as a whole ("Entry 2: ...").
    part_errors: dict[str, list[str]] = field(default_factory=dict)

    def is_valid(self) -> bool:
        valid = self.offer.is_valid()
        for formset in self.parts.values():
            valid = formset.is_valid() and valid
        return valid

    def data(self) -> dict[str, Any]:
        """The data dict of service_create/update from the valid forms."""
        cleaned = self.offer.cleaned_data
        data: dict[str, Any] = {name: cleaned[name] for name in self.offer.service_fields}
        data["terms"] = [term for name in self.offer.term_fields for term in cleaned[name]]
        data["locations"] = list(cleaned["locations"])
        for key, formset in self.parts.items():
            data[key] = [
                form.values()
                for form in formset.forms
                if form not in formset.deleted_forms and form.cleaned_data and not form.is_blank()
            ]
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put the service layer's errors next to the fields they concern."""
        for key, errors in exc.update_error_dict({}).items():
            messages = [message for error in errors for message in error.messages]
            if key in self.parts:
                self.part_errors.setdefault(key, []).extend(messages)
                continue
            if key == "terms":
                key = TERM_PREFIX + LIFE_PHASE  # the offer layer checks life phases only
            target = key if key in self.offer.fields and key != NON_FIELD_ERRORS else None
            for message in messages:
                self.offer.add_error(target, message)

    def sections(self) -> list[PartSection]:
        return [
            PartSection(key, str(PART_LABELS[key]), formset, self.part_errors.get(key, []))
            for key, formset in self.parts.items()
        ]

    def disable(self) -> None:
        """Shown to read, not to change (steering group members)."""
        _disable(self.offer)
        for formset in self.parts.values():
            for form in formset.forms:
                _disable(form)

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for each error, for the summary at the top of the page."""
        summary = []
        if self.offer.is_bound:
            for name, errors in self.offer.errors.items():
                anchor = f"id_{name}" if name != NON_FIELD_ERRORS else "offer-form"
                label = self.offer.fields[name].label if name in self.offer.fields else ""
                summary += [(anchor, f"{label}: {e}" if label else e) for e in errors]
            for key, formset in self.parts.items():
                label = str(PART_LABELS[key])
                errors = list(formset.non_form_errors()) + self.part_errors.get(key, [])
                for form in formset.forms:
                    errors += [e for form_errors in form.errors.values() for e in form_errors]
                summary += [(f"part-{key}", f"{label}: {e}") for e in errors]
        return summary


def offer_forms(
    *,
    organizations: QuerySet[Organization],
    locations: QuerySet[Location],
    coordinator: bool,
    initial: Mapping[str, Any] | None = None,
    post: Mapping[str, Any] | None = None,
    more_rows: bool = False,
) -> OfferForms:
    """The forms of an offer page: bound to `post`, else filled from the data dict `initial`.

    `more_rows` adds empty rows to every part of a bound page (the "more rows" button).
    """
    initial = dict(initial or {})
    if post is not None and more_rows:
        post = post.copy()
        for key in PART_FIELDS:
            total = f"{key}-TOTAL_FORMS"
            with contextlib.suppress(ValueError):  # a broken form shows its own error
                post[total] = str(int(post.get(total, 0)) + EXTRA_ROWS)
    offer = OfferForm(
        post,
        initial=_offer_initial(initial),
        organizations=organizations,
        locations=locations,
        coordinator=coordinator,
    )
    parts = {}
    for key in PART_FIELDS:
        kwargs: dict[str, Any] = {"prefix": key}
        if key == "schedules":
            kwargs["form_kwargs"] = {"locations": locations}
        if post is None:
            kwargs["initial"] = [dict(row) for row in initial.get(key, [])]
        parts[key] = _formset_class(key)(post, **kwargs)
    return OfferForms(offer=offer, parts=parts)


def _offer_initial(data: Mapping[str, Any]) -> dict[str, Any]:
    initial = {name: data[name] for name in OFFER_FIELDS if name in data}
    terms = list(data.get("terms", []))
    by_taxonomy: dict[int, list[TaxonomyTerm]] = {}
    for term in terms:
        by_taxonomy.setdefault(term.taxonomy_id, []).append(term)
    for taxonomy in Taxonomy.objects.filter(pk__in=by_taxonomy):
        initial[TERM_PREFIX + taxonomy.code] = by_taxonomy[taxonomy.pk]
    if "locations" in data:
        initial["locations"] = list(data["locations"])
    return initial


def offer_data_of(service: Service) -> dict[str, Any]:
    """An offer as saved, as the data dict of service_update (for its form and comparisons)."""
    data: dict[str, Any] = {name: getattr(service, name) for name in OFFER_FIELDS}
    data["terms"] = list(service.terms.select_related("taxonomy").order_by("taxonomy", "position"))
    data["locations"] = list(service.locations.order_by("name"))
    for key, model in (
        ("languages", ServiceLanguage),
        ("cost_options", CostOption),
        ("schedules", Schedule),
    ):
        rows = model.objects.filter(service=service)
        data[key] = [{name: getattr(row, name) for name in PART_FIELDS[key]} for row in rows]
    return data


# --- providers and locations ---------------------------------------------------------------


class RecordForm(forms.Form):
    """A provider's or location's own fields, as the model defines them."""

    model: type[models.Model]
    names: tuple[str, ...]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields.update(model_fields(self.model, self.names))

    def data_dict(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.names}

    def add_service_errors(self, exc: ValidationError) -> None:
        for key, errors in exc.update_error_dict({}).items():
            target = key if key in self.fields and key != NON_FIELD_ERRORS else None
            for error in errors:
                for message in error.messages:
                    self.add_error(target, message)

    def disable(self) -> None:
        _disable(self)

    def error_summary(self) -> list[tuple[str, str]]:
        if not self.is_bound:
            return []
        summary = []
        for name, errors in self.errors.items():
            anchor = f"id_{name}" if name != NON_FIELD_ERRORS else "record-form"
            label = self.fields[name].label if name in self.fields else ""
            summary += [(anchor, f"{label}: {e}" if label else e) for e in errors]
        return summary


class OrganizationForm(RecordForm):
    model = Organization
    names = ORGANIZATION_FIELDS


class LocationForm(RecordForm):
    model = Location
    names = LOCATION_FIELDS

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["latitude"].help_text = _("WGS84, e.g. 52.5367. Give both or neither.")
        self.fields["longitude"].help_text = _("WGS84, e.g. 13.5890.")
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs["step"] = "any"


def record_initial(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


# --- the offer list ------------------------------------------------------------------------


class OfferFilterForm(forms.Form):
    """The offer list's search and filters (a plain GET form)."""

    q = forms.CharField(label=_("Name or description contains"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organization.objects.none(), required=False
    )
    life_phase = forms.ModelChoiceField(
        label=_("Life phase"), queryset=TaxonomyTerm.objects.none(), required=False
    )
    field_of_action = forms.ModelChoiceField(
        label=_("Field of action"), queryset=TaxonomyTerm.objects.none(), required=False
    )
    stale = forms.BooleanField(label=_("only stale offers"), required=False)
    hidden = forms.BooleanField(label=_("only offers hidden from the portal"), required=False)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("all")), *Service.Status.choices]
        self.fields["provider"].queryset = organizations
        self.fields["provider"].empty_label = _("all")
        for name, code in (("life_phase", LIFE_PHASE), ("field_of_action", FIELD_OF_ACTION)):
            form_field = self.fields[name]
            form_field.queryset = TaxonomyTerm.objects.filter(taxonomy__code=code).order_by(
                "position"
            )
            form_field.to_field_name = "code"
            form_field.empty_label = _("all")
            form_field.label_from_instance = term_label


BULK_ACTIONS = {
    "confirm": _("Confirm as still correct today"),
    "activate": _("Set status: active"),
    "deactivate": _("Set status: inactive"),
    "draft": _("Set status: draft"),
    "assign_term": _("Assign the classification term chosen below"),
}


def term_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every term, grouped by vocabulary (for the bulk action "assign a term")."""
    return [
        (taxonomy.name, [(str(term.pk), term_label(term)) for term in taxonomy.terms.all()])
        for taxonomy in taxonomies_in_order()
    ]
