"""Back office for indicators and their values per area and reference date."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.admin import BoundaryFreeFormFieldsMixin, area_filter, kommune_filter
from lueckenlos.monitoring.models import Indicator, IndicatorValue, ValueBatch, ValueChange


@admin.register(Indicator)
class IndicatorAdmin(BoundaryFreeFormFieldsMixin, admin.ModelAdmin):
    list_display = ["code", "name", "unit", "higher_is_better", "is_public", "source", "kommune"]
    list_filter = [kommune_filter("kommune"), "is_public", "higher_is_better"]
    list_select_related = ["kommune"]
    search_fields = ["code", "name", "source"]
    fieldsets = [
        (None, {"fields": ["kommune", "code", "name", "description"]}),
        (
            _("Definition"),
            {
                "fields": [
                    "numerator_label",
                    "denominator_label",
                    "scale",
                    "unit",
                    "source",
                    "area_level",
                ]
            },
        ),
        (_("Assessment"), {"fields": ["higher_is_better", "target_value", "is_public"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Indicator]:
        return super().get_queryset(request).defer("kommune__boundary")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(BoundaryFreeFormFieldsMixin, admin.ModelAdmin):
    list_display = [
        "indicator",
        "area_name",
        "reference_date",
        "shown_value",
        "numerator",
        "denominator",
        "missing_reason",
    ]
    list_filter = [
        kommune_filter("indicator__kommune"),
        area_filter("area__"),
        ("reference_date", admin.AllValuesFieldListFilter),
    ]
    list_select_related = ["indicator", "area"]
    search_fields = ["indicator__code", "indicator__name", "area__name", "area__code"]
    autocomplete_fields = ["indicator", "area"]
    ordering = ["indicator__code", "area__path", "-reference_date"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IndicatorValue]:
        return (
            super()
            .get_queryset(request)
            .select_related("indicator", "area")
            .defer("area__boundary")
        )

    @admin.display(description=_("area"), ordering="area__path")
    def area_name(self, obj: IndicatorValue) -> str:
        return obj.area.name

    @admin.display(description=_("value"), ordering="value")
    def shown_value(self, obj: IndicatorValue) -> str:
        # A withheld value is not zero.
        return "–" if obj.value is None else f"{obj.value:g}"


class ValueChangeInline(admin.TabularInline):
    model = ValueChange
    fields = ["indicator", "area", "reference_date", "before", "after"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ValueChange]:
        return super().get_queryset(request).select_related("indicator", "area")


@admin.register(ValueBatch)
class ValueBatchAdmin(admin.ModelAdmin):
    """The changes of values, read only: undoing one is the workspace's (services.py)."""

    list_display = ["pk", "kind", "source", "kommune", "created_by", "created_at", "undone_by"]
    list_filter = [kommune_filter("kommune"), "kind"]
    list_select_related = ["kommune", "created_by", "undone_by"]
    search_fields = ["source"]
    inlines = [ValueChangeInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ValueBatch]:
        return super().get_queryset(request).defer("kommune__boundary")
