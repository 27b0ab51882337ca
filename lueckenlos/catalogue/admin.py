"""Back office for the inventory of offers: providers, offers, locations and what hangs on them.

Changes that carry rules go through lueckenlos.catalogue.services (placing a location in its
area, bulk status changes), as everywhere else. Offers, providers and locations show their
history (django-simple-history's pages; "restore" puts a version back through
lueckenlos.catalogue.history), deleting moves them to the trash (the "trash" filter lists
it, an action restores), and contacts have the DSGVO export and erasure as actions.

Lists stay fast with thousands of offers: related rows are joined, boundaries deferred, and
foreign keys to large tables use autocomplete instead of a select with every row.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from lueckenlos.areas.admin import BoundaryFreeFormFieldsMixin, area_filter, kommune_filter
from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.history import (
    location_restore_version,
    organization_restore_version,
    person_data_export,
    person_erase,
    service_restore_version,
    trash_restore,
)
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
    ServiceTranslation,
    Taxonomy,
    TaxonomyTerm,
)
from lueckenlos.catalogue.models.tracking import Trashable, acting_as
from lueckenlos.catalogue.services import (
    claim_version,
    location_delete,
    location_save,
    organization_delete,
    service_delete,
    validate_life_phases,
    validate_location_coordinates,
)
from lueckenlos.catalogue.vocabularies import FIELD_OF_ACTION, LIFE_PHASE
from lueckenlos.interop.exports import (
    CONTENT_TYPES,
    FORMATS,
    export_filename,
    export_offers,
    offers_to_export,
)
from lueckenlos.workspace.services import offers_confirm, offers_set_status

# Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}

# --- Vocabularies ----------------------------------------------------------------------


class TaxonomyTermInline(admin.TabularInline):
    model = TaxonomyTerm
    fields = ["code", "name", "position", "min_age_months", "max_age_months", "parent"]
    autocomplete_fields = ["parent"]
    extra = 0


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version"]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    search_fields = ["name", "code"]
    inlines = [TaxonomyTermInline]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "taxonomy", "position", "min_age_months", "max_age_months"]
    list_filter = ["taxonomy"]
    list_select_related = ["taxonomy"]
    search_fields = ["name", "code", "taxonomy__name"]
    autocomplete_fields = ["parent"]


def term_filter(taxonomy_code: str, title: str, parameter: str) -> type[admin.SimpleListFilter]:
    """A filter over the terms of one vocabulary (life phase, field of action) of an offer."""

    class TermListFilter(admin.SimpleListFilter):
        parameter_name = parameter

        def lookups(self, request, model_admin):
            return list(
                TaxonomyTerm.objects.filter(taxonomy__code=taxonomy_code)
                .order_by("position", "name")
                .values_list("code", "name")
            )

        def queryset(self, request, queryset):
            if not self.value():
                return queryset
            # One filter() call: both conditions apply to the same term. A code occurs once
            # per vocabulary, so no offer is listed twice.
            return queryset.filter(terms__taxonomy__code=taxonomy_code, terms__code=self.value())

    TermListFilter.title = title
    return TermListFilter


LifePhaseListFilter = term_filter(LIFE_PHASE, _("life phase"), "life_phase")
FieldOfActionListFilter = term_filter(FIELD_OF_ACTION, _("field of action"), "field_of_action")


# --- History and trash -------------------------------------------------------------------


class TrashListFilter(admin.SimpleListFilter):
    """Without a choice the records in use; "in the trash" lists what was deleted."""

    title = _("trash")
    parameter_name = "trash"

    def lookups(self, request, model_admin):
        return [("yes", _("in the trash"))]

    def queryset(self, request, queryset):
        return queryset.filter(deleted_at__isnull=self.value() != "yes")

    def choices(self, changelist):
        # "All" would mix the trash in; the first choice is the records in use.
        for choice in super().choices(changelist):
            if choice["display"] == _("All"):
                choice["display"] = _("in use")
            yield choice


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages, the trash and edits that count the version, for trashable records.

    Restoring a version (the history page's "revert") and deleting go through the write
    functions in `restore_version` and `delete_record`, so that the admin records the same
    history as the workspace and the API.
    """

    restore_version: Any = None  # (obj=..., version_id=..., acting_user=...) keyword name
    restore_keyword = "obj"
    delete_record: Any = None
    delete_keyword = "obj"
    actions = ["restore_from_trash"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The trash stays reachable here; TrashListFilter shows only what is in use by default.
        queryset = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_list_filter(self, request: HttpRequest) -> list:
        return [TrashListFilter, *super().get_list_filter(request)]

    def save_model(self, request: HttpRequest, obj: Trashable, form, change: bool) -> None:
        if change:
            claim_version(obj, None, {})
        with acting_as(request.user):
            super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Trashable) -> None:
        try:
            type(self).delete_record(**{self.delete_keyword: obj, "acting_user": request.user})
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    @admin.action(description=_("Restore selected from the trash"), permissions=["change"])
    def restore_from_trash(self, request: HttpRequest, queryset: QuerySet) -> None:
        restored = 0
        for obj in queryset.filter(deleted_at__isnull=False):
            try:
                trash_restore(obj=obj, acting_user=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                restored += 1
        self.message_user(
            request,
            ngettext("%(count)d restored.", "%(count)d restored.", restored) % {"count": restored},
            messages.SUCCESS,
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Show a version; on "revert", put it back as a new version through the service."""
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        try:
            type(self).restore_version(
                **{self.restore_keyword: obj},
                version_id=int(version_id),
                acting_user=request.user,
            )
        except (ValidationError, ValueError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, message, messages.ERROR)
            target = f"admin:{opts.app_label}_{opts.model_name}_history"
        else:
            self.message_user(
                request,
                _("The earlier version of “%(name)s” is restored.") % {"name": str(obj)},
                messages.SUCCESS,
            )
            target = f"admin:{opts.app_label}_{opts.model_name}_change"
        return HttpResponseRedirect(reverse(target, args=[obj.pk]))


# --- Providers -------------------------------------------------------------------------


class PhoneInline(admin.TabularInline):
    """Phone numbers of whatever the subclass's fk_name points at."""

    model = Phone
    fields = ["number", "extension", "kind", "description"]
    extra = 0


class ContactInline(admin.TabularInline):
    """Contacts of whatever the subclass's fk_name points at."""

    model = Contact
    fields = ["name", "title", "department", "email", "purpose", "consent_date"]
    extra = 0


class OrganizationPhoneInline(PhoneInline):
    fk_name = "organization"


class OrganizationContactInline(ContactInline):
    fk_name = "organization"


@admin.register(Organization)
class OrganizationAdmin(BoundaryFreeFormFieldsMixin, HistoryAdmin):
    list_display = ["name", "provider_type", "kommune", "is_example"]
    list_filter = [
        kommune_filter("kommune"),
        ("provider_type", admin.AllValuesFieldListFilter),
        "is_example",
    ]
    list_select_related = ["kommune"]
    search_fields = ["name", "alternate_name", "external_id", "email"]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    inlines = [OrganizationPhoneInline, OrganizationContactInline]
    restore_version = organization_restore_version
    restore_keyword = "organization"
    delete_record = organization_delete
    delete_keyword = "organization"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).defer("kommune__boundary")


# --- Locations -------------------------------------------------------------------------


class PlacementListFilter(admin.SimpleListFilter):
    """Where a location stands: in an area, outside every area, or nowhere on the map."""

    title = _("placement")
    parameter_name = "placement"

    def lookups(self, request, model_admin):
        return [
            ("in_area", _("in an area")),
            ("outside", _("outside every area")),
            ("no_coordinates", _("without coordinates")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "in_area":
            return queryset.filter(area__isnull=False)
        if self.value() == "outside":
            return queryset.filter(latitude__isnull=False, area__isnull=True)
        if self.value() == "no_coordinates":
            return queryset.filter(latitude__isnull=True)
        return queryset


class LocationAdminForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "kommune",
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
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            # At the empty field: that also spares the user the model constraint's message.
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("Give both latitude and longitude, or neither."))
            return cleaned
        kommune = cleaned.get("kommune")
        if kommune is not None and latitude is not None:
            # The same check location_save makes, here so that it shows at the fields.
            probe = Location(kommune=kommune, latitude=latitude, longitude=longitude)
            try:
                validate_location_coordinates(probe)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


@admin.register(Location)
class LocationAdmin(BoundaryFreeFormFieldsMixin, HistoryAdmin):
    form = LocationAdminForm
    list_display = ["name", "address_1", "postal_code", "city", "area_name", "kommune"]
    list_filter = [kommune_filter("kommune"), area_filter("area__"), PlacementListFilter]
    list_select_related = ["kommune", "area"]
    search_fields = ["name", "address_1", "postal_code", "city", "organization__name"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["area"]
    restore_version = location_restore_version
    restore_keyword = "location"
    delete_record = location_delete
    delete_keyword = "location"
    fieldsets = [
        (None, {"fields": ["kommune", "organization", "name", "description"]}),
        (
            _("Address and position"),
            {"fields": ["address_1", "postal_code", "city", "latitude", "longitude", "area"]},
        ),
        (_("Accessibility"), {"fields": ["wheelchair", "accessibility_description"]}),
        (_("Import"), {"fields": ["external_id"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Location]:
        return (
            super()
            .get_queryset(request)
            .select_related("kommune", "area", "area__level")
            .defer("kommune__boundary", "area__boundary")
        )

    def save_model(self, request: HttpRequest, obj: Location, form, change: bool) -> None:
        # Places the location in its area from the coordinates; tells when none contains it.
        if change:
            claim_version(obj, None, {})
        with acting_as(request.user):
            warnings = location_save(location=obj)
        for warning in warnings:
            self.message_user(request, warning, messages.WARNING)

    @admin.display(description=_("area"), ordering="area__name")
    def area_name(self, obj: Location) -> str:
        return obj.area.name if obj.area else ""


# --- Offers ----------------------------------------------------------------------------


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    fields = ["location", "description"]
    autocomplete_fields = ["location"]
    extra = 0


class CostOptionInline(admin.TabularInline):
    model = CostOption
    fields = ["kind", "amount", "amount_description", "valid_from", "valid_to"]
    extra = 0


class ServiceLanguageInline(admin.TabularInline):
    model = ServiceLanguage
    fields = ["code", "note"]
    extra = 0


class ServiceTranslationInline(admin.StackedInline):
    """Optional translations of the offer texts; empty fields show the German text."""

    model = ServiceTranslation
    fields = ["language", "name", "description", "eligibility_description", "application_process"]
    extra = 0


class ScheduleInline(admin.TabularInline):
    model = Schedule
    fields = [
        "kind",
        "weekday",
        "opens_at",
        "closes_at",
        "starts_at",
        "ends_at",
        "location",
        "description",
    ]
    autocomplete_fields = ["location"]
    extra = 0


class ServicePhoneInline(PhoneInline):
    fk_name = "service"


class ServiceContactInline(ContactInline):
    fk_name = "service"


class ServiceAdminForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "terms" not in cleaned or any(
            self.has_error(name) for name in ("min_age_months", "max_age_months")
        ):
            # An age range that is no number has its own error; nothing to compare with.
            return cleaned
        try:
            validate_life_phases(
                min_age_months=cleaned.get("min_age_months"),
                max_age_months=cleaned.get("max_age_months"),
                terms=cleaned["terms"],
            )
        except ValidationError as exc:
            self.add_error("terms", exc)
        return cleaned


@admin.register(Service)
class ServiceAdmin(BoundaryFreeFormFieldsMixin, HistoryAdmin):
    form = ServiceAdminForm
    list_display = [
        "name",
        "organization",
        "kommune",
        "status",
        "life_phase_names",
        "is_example",
        "last_confirmed",
    ]
    list_filter = [
        kommune_filter("kommune"),
        "status",
        LifePhaseListFilter,
        FieldOfActionListFilter,
        area_filter("locations__area__", distinct=True),
        "is_example",
    ]
    list_select_related = ["organization", "kommune"]
    search_fields = ["name", "alternate_name", "organization__name", "external_id"]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    autocomplete_fields = ["organization"]
    filter_horizontal = ["terms"]
    readonly_fields = ["created_at", "updated_at"]
    restore_version = service_restore_version
    restore_keyword = "service"
    delete_record = service_delete
    delete_keyword = "service"
    actions = [
        "restore_from_trash",
        "make_active",
        "make_inactive",
        "confirm_today",
        "export_xlsx",
        "export_csv",
        "export_geojson",
    ]
    inlines = [
        ServiceAtLocationInline,
        CostOptionInline,
        ServiceLanguageInline,
        ScheduleInline,
        ServicePhoneInline,
        ServiceContactInline,
        ServiceTranslationInline,
    ]
    fieldsets = [
        (None, {"fields": ["kommune", "organization", "name", "alternate_name", "status"]}),
        (
            _("Description"),
            {
                "fields": [
                    "description",
                    "eligibility_description",
                    "application_process",
                    "url",
                    "email",
                ]
            },
        ),
        (_("Age and classification"), {"fields": ["min_age_months", "max_age_months", "terms"]}),
        (
            _("Upkeep"),
            {
                "fields": [
                    "capacity",
                    "last_confirmed",
                    "source",
                    "external_id",
                    "is_example",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return (
            super()
            .get_queryset(request)
            .select_related("organization", "kommune", "deleted_by")
            .defer("kommune__boundary")
            .prefetch_related(
                Prefetch(
                    "terms",
                    queryset=TaxonomyTerm.objects.filter(taxonomy__code=LIFE_PHASE).order_by(
                        "position"
                    ),
                    to_attr="life_phase_terms",
                )
            )
        )

    def save_model(self, request: HttpRequest, obj: Service, form, change: bool) -> None:
        # The version is recorded in save_related, once the terms and parts are saved too.
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        obj = form.instance
        with acting_as(request.user):
            super().save_related(request, form, formsets, change)
            del obj.skip_history_when_saving
            Service.history_records.create_historical_record(obj, "~" if change else "+")

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs: Any):
        if db_field.name == "terms":
            kwargs["queryset"] = TaxonomyTerm.objects.select_related("taxonomy").order_by(
                "taxonomy__name", "position", "name"
            )
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "terms":
            # "Lebensphasen: 3 bis 6 Jahre" – a term's name alone is ambiguous in one list.
            field.label_from_instance = lambda term: f"{term.taxonomy.name}: {term.name}"
        return field

    @admin.display(description=_("life phases"))
    def life_phase_names(self, obj: Service) -> str:
        return ", ".join(term.name for term in obj.life_phase_terms)

    def _report(self, request: HttpRequest, changed: int) -> None:
        self.message_user(
            request,
            ngettext("%(count)d offer changed.", "%(count)d offers changed.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    # The workspace's bulk actions: an entry naming the user in each changed offer's
    # history, and the portal's search index brought in step at once.
    @admin.action(description=_("Mark selected offers as active"), permissions=["change"])
    def make_active(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        outcome = offers_set_status(
            offers=queryset, status=Service.Status.ACTIVE, acting_user=request.user
        )
        self._report(request, outcome.changed)

    @admin.action(description=_("Mark selected offers as inactive"), permissions=["change"])
    def make_inactive(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        outcome = offers_set_status(
            offers=queryset, status=Service.Status.INACTIVE, acting_user=request.user
        )
        self._report(request, outcome.changed)

    @admin.action(description=_("Confirm selected offers as of today"), permissions=["change"])
    def confirm_today(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        outcome = offers_confirm(offers=queryset, on=timezone.localdate(), acting_user=request.user)
        self._report(request, outcome.changed)

    # Exports for people (lueckenlos.interop.exports): the selection, or with "select all"
    # after filtering by Kommune a whole Kommune; /export/<slug>/<format>/ links to one.
    def _export(self, offers: QuerySet[Service], file_format: str, kommune=None) -> HttpResponse:
        response = HttpResponse(
            export_offers(offers, file_format), content_type=CONTENT_TYPES[file_format]
        )
        filename = export_filename(kommune, file_format, on=timezone.localdate())
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _selection(self, queryset: QuerySet[Service]) -> QuerySet[Service]:
        # The changelist's joins and prefetches are not the export's.
        return Service.objects.filter(pk__in=queryset.values("pk"))

    @admin.action(description=_("Export selection as XLSX"), permissions=["view"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Service]) -> HttpResponse:
        return self._export(self._selection(queryset), "xlsx")

    @admin.action(description=_("Export selection as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Service]) -> HttpResponse:
        return self._export(self._selection(queryset), "csv")

    @admin.action(description=_("Export selection as GeoJSON"), permissions=["view"])
    def export_geojson(self, request: HttpRequest, queryset: QuerySet[Service]) -> HttpResponse:
        return self._export(self._selection(queryset), "geojson")

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_kommune_view)
        return [
            path(
                "export/<slug:kommune_slug>/<str:file_format>/",
                export,
                name="catalogue_service_export",
            ),
            *super().get_urls(),
        ]

    def export_kommune_view(
        self, request: HttpRequest, kommune_slug: str, file_format: str
    ) -> HttpResponse:
        """All offers of a Kommune (and the Kommunen it contains); ?status=active etc. to
        choose statuses, default all."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in FORMATS:
            raise Http404
        kommune = get_object_or_404(Kommune.objects.defer("boundary"), slug=kommune_slug)
        statuses = [s for s in request.GET.getlist("status") if s in Service.Status.values]
        offers = offers_to_export(kommune, statuses=statuses or None)
        return self._export(offers, file_format, kommune)


# --- What hangs on offers and providers, each also on its own -----------------------------


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(admin.ModelAdmin):
    list_display = ["service", "location", "kommune_name"]
    list_filter = [kommune_filter("service__kommune")]
    list_select_related = ["service", "location", "service__kommune"]
    search_fields = ["service__name", "location__name", "location__address_1"]
    autocomplete_fields = ["service", "location"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceAtLocation]:
        return super().get_queryset(request).defer("service__kommune__boundary")

    @admin.display(description=_("Kommune"), ordering="service__kommune__name")
    def kommune_name(self, obj: ServiceAtLocation) -> str:
        return obj.service.kommune.name


def _contact_kommune(contact: Contact) -> Kommune:
    owner = contact.organization or contact.service
    return owner.kommune


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "title",
        "department",
        "email",
        "purpose",
        "consent_date",
        "organization",
        "service",
    ]
    list_filter = [kommune_filter("organization__kommune", "service__kommune")]
    list_select_related = ["organization__kommune", "service__kommune"]
    search_fields = ["name", "title", "department", "email", "organization__name"]
    autocomplete_fields = ["organization", "service"]
    actions = ["export_person_data", "erase_person_data"]

    @admin.action(description=_("Export the person's data (DSGVO)"), permissions=["view"])
    def export_person_data(self, request: HttpRequest, queryset: QuerySet[Contact]) -> HttpResponse:
        """Everything stored about the selected contacts' persons, as one JSON file."""
        persons = {(_contact_kommune(c), c.email or c.name) for c in queryset if c.email or c.name}
        exports = [
            person_data_export(kommune=kommune, name_or_email=key)
            for kommune, key in sorted(persons, key=lambda pair: (pair[0].pk, pair[1]))
        ]
        response = HttpResponse(
            json.dumps(exports, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        filename = f"personal-data-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description=_("Erase the person's data (DSGVO)"), permissions=["delete"])
    def erase_person_data(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        """Name, e-mail and phones of the selected contacts, here and in all history."""
        by_kommune: dict[Kommune, list] = {}
        for contact in queryset:
            by_kommune.setdefault(_contact_kommune(contact), []).append(contact.pk)
        erased = sum(
            person_erase(kommune=kommune, contact_ids=ids, acting_user=request.user)
            for kommune, ids in by_kommune.items()
        )
        self.message_user(
            request,
            ngettext(
                "The personal data of %(count)d contact is erased.",
                "The personal data of %(count)d contacts is erased.",
                erased,
            )
            % {"count": erased},
            messages.SUCCESS,
        )


@admin.register(Phone)
class PhoneAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "organization", "service", "location", "contact"]
    list_filter = [
        kommune_filter("organization__kommune", "service__kommune", "location__kommune"),
        "kind",
    ]
    list_select_related = ["organization", "service", "location", "contact"]
    search_fields = ["number", "organization__name", "service__name", "location__name"]
    autocomplete_fields = ["organization", "service", "location", "contact"]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "kind", "location"]
    list_filter = [kommune_filter("service__kommune"), "kind", "weekday"]
    list_select_related = ["service", "location"]
    search_fields = ["service__name", "description"]
    autocomplete_fields = ["service", "location"]


@admin.register(CostOption)
class CostOptionAdmin(admin.ModelAdmin):
    list_display = ["service", "kind", "amount", "amount_description"]
    list_filter = [kommune_filter("service__kommune"), "kind"]
    list_select_related = ["service"]
    search_fields = ["service__name", "amount_description"]
    autocomplete_fields = ["service"]


@admin.register(ServiceLanguage)
class ServiceLanguageAdmin(admin.ModelAdmin):
    list_display = ["service", "language", "code", "note"]
    list_filter = [kommune_filter("service__kommune"), ("code", admin.AllValuesFieldListFilter)]
    list_select_related = ["service"]
    search_fields = ["service__name", "code"]
    autocomplete_fields = ["service"]

    @admin.display(description=_("language"), ordering="code")
    def language(self, obj: ServiceLanguage) -> str:
        return str(obj)
