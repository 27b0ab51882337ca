"""Back office for Kommunen, their area hierarchies and population figures.

The list filters defined here (Kommune, area) are shared by the catalogue and monitoring
admins. GeoJSON boundaries never reach a list or a form: a Berlin Planungsraum's boundary is
larger than a whole page, so querysets defer them and forms show a short summary instead. A
new boundary arrives as an uploaded GeoJSON file; the Kommune's locations are then placed in
their areas again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import AgeBand, Area, AreaLevel, Kommune, PopulationCount
from lueckenlos.areas.services import (
    area_save,
    area_set_boundary,
    boundary_from_upload,
    kommune_set_boundary,
)

# Locations belong to the catalogue, but where they lie follows the boundaries set here.
from lueckenlos.catalogue.services import locations_place_in_areas
from lueckenlos.lib.geo import KNOWN_CRS, WGS84

# The query parameter of the Kommune filter; the area filter reads it to offer that
# Kommune's areas only.
KOMMUNE_PARAMETER = "kommune"

# How many "outside every area" warnings a new boundary shows one by one; the rest are
# counted (a boundary in the wrong place leaves every location of the Kommune outside).
SHOWN_PLACEMENT_WARNINGS = 10


def kommune_filter(*paths: str, title: str = _("Kommune")) -> type[admin.SimpleListFilter]:
    """A filter by Kommune over one or more foreign-key paths (joined by OR).

    Unlike Django's related-field filter it loads only names, not the Kommunen's boundaries.
    """

    class KommuneListFilter(admin.SimpleListFilter):
        parameter_name = KOMMUNE_PARAMETER

        def lookups(self, request, model_admin):
            return list(Kommune.objects.order_by("name").values_list("pk", "name"))

        def queryset(self, request, queryset):
            if not self.value():
                return queryset
            condition = Q()
            for path in paths:
                condition |= Q(**{path: self.value()})
            return queryset.filter(condition)

    KommuneListFilter.title = title
    return KommuneListFilter


def area_filter(prefix: str, *, distinct: bool = False) -> type[admin.SimpleListFilter]:
    """A filter by area that includes everything below the chosen area.

    `prefix` leads from the listed model to the area ("area__", "locations__area__", or ""
    for areas themselves); a Bezirksregion then also finds what lies in its Planungsräume.
    Until a Kommune is chosen only the top-level areas are offered, so the choice stays short.
    `distinct` is needed where the path crosses a many-to-many relation.
    """

    class AreaListFilter(admin.SimpleListFilter):
        title = _("area")
        parameter_name = "area"

        def lookups(self, request, model_admin):
            areas = Area.objects.select_related("level", "kommune").only(
                "pk", "name", "level__depth", "kommune__name"
            )
            kommune_id = request.GET.get(KOMMUNE_PARAMETER, "")
            if kommune_id.isdigit():
                return [
                    (a.pk, f"{'– ' * a.level.depth}{a.name}")
                    for a in areas.filter(kommune_id=kommune_id).order_by("path")
                ]
            return [
                (a.pk, f"{a.name} ({a.kommune.name})")
                for a in areas.filter(parent__isnull=True).order_by("kommune__name", "path")
            ]

        def queryset(self, request, queryset):
            if not self.value():
                return queryset
            area = Area.objects.filter(pk=self.value()).only("path", "kommune_id").first()
            if area is None:
                return queryset.none()
            # Paths are unique within a Kommune only, hence the Kommune in the same filter().
            queryset = queryset.filter(
                **{f"{prefix}path__startswith": area.path, f"{prefix}kommune_id": area.kommune_id}
            )
            return queryset.distinct() if distinct else queryset

    return AreaListFilter


def boundary_summary(boundary: dict | None) -> str:
    """A line about a GeoJSON boundary instead of the boundary itself."""
    if not boundary:
        return gettext("no boundary")
    points = 0
    stack: list = [boundary]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):  # a geometry, possibly a collection of geometries
            stack.extend(item.get("geometries", []))
            stack.append(item.get("coordinates", []))
        elif item and isinstance(item[0], int | float):
            points += 1
        else:
            stack.extend(item)
    return gettext("%(type)s with %(points)d points") % {
        "type": boundary.get("type", "?"),
        "points": points,
    }


class BoundaryFreeFormFieldsMixin:
    """Foreign-key choices without boundaries, with labels that name the Kommune."""

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs: Any):
        related = db_field.related_model
        if related is Kommune:
            kwargs.setdefault("queryset", Kommune.objects.defer("boundary"))
        elif related is AreaLevel:
            kwargs.setdefault(
                "queryset", AreaLevel.objects.select_related("kommune").defer("kommune__boundary")
            )
        elif related is Area:
            # Also what an autocomplete widget renders for the chosen area.
            kwargs.setdefault("queryset", Area.objects.select_related("level").defer("boundary"))
        elif related is AgeBand:
            kwargs.setdefault(
                "queryset", AgeBand.objects.select_related("kommune").defer("kommune__boundary")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if related is AgeBand and field is not None:
            # Every Kommune has its own "unter 6 Jahre": say whose.
            field.label_from_instance = lambda band: f"{band.label} ({band.kommune.name})"
        return field


class BoundaryUploadField(forms.FileField):
    """An optional GeoJSON file with a new boundary; cleans to the boundary in WGS84."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Boundary as a GeoJSON file"))
        kwargs.setdefault(
            "help_text",
            format_lazy(
                _(
                    "Replaces the boundary. A Polygon or MultiPolygon, alone, as a Feature or as "
                    "a FeatureCollection with one feature; in WGS84, or in one of EPSG {codes} "
                    "named in a “crs” member."
                ),
                codes=", ".join(str(code) for code in sorted(KNOWN_CRS - {WGS84})),
            ),
        )
        super().__init__(required=False, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> dict | None:
        upload: UploadedFile | None = super().clean(data, initial)
        if not upload:
            return None
        return boundary_from_upload(upload.read())


class KommuneAdminForm(forms.ModelForm):
    boundary_file = BoundaryUploadField()

    class Meta:
        model = Kommune
        fields = [
            "name",
            "slug",
            "kind",
            "parent",
            "official_code",
            "youth_office",
            "attribution",
            "imprint",
            "privacy_notice",
        ]


def place_locations_again(request: HttpRequest, kommune: Kommune) -> None:
    """After a boundary changed: place the Kommune's locations and say which fit no area."""
    warnings = locations_place_in_areas(kommune=kommune)
    for warning in warnings[:SHOWN_PLACEMENT_WARNINGS]:
        messages.warning(request, warning)
    more = len(warnings) - SHOWN_PLACEMENT_WARNINGS
    if more > 0:
        messages.warning(
            request,
            ngettext(
                "… and %(count)d more location outside every area.",
                "… and %(count)d more locations outside every area.",
                more,
            )
            % {"count": more},
        )


@admin.register(Kommune)
class KommuneAdmin(BoundaryFreeFormFieldsMixin, admin.ModelAdmin):
    form = KommuneAdminForm
    list_display = ["name", "kind", "parent", "official_code", "slug"]
    list_filter = ["kind", kommune_filter("parent", title=_("contained in"))]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "official_code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["boundary_info", "offer_exports"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "offer_exports",
                    "name",
                    "slug",
                    "kind",
                    "parent",
                    "official_code",
                    "youth_office",
                    "attribution",
                    "boundary_info",
                    "boundary_file",
                ]
            },
        ),
        # Shown on the Kommune's imprint and privacy pages of the portal.
        (_("Texts of the portal"), {"fields": ["imprint", "privacy_notice"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Kommune]:
        return super().get_queryset(request).defer("boundary", "parent__boundary")

    def save_model(
        self, request: HttpRequest, obj: Kommune, form: KommuneAdminForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        boundary = form.cleaned_data.get("boundary_file")
        if boundary is not None:
            kommune_set_boundary(kommune=obj, boundary=boundary)
            place_locations_again(request, obj)

    @admin.display(description=_("boundary"))
    def boundary_info(self, obj: Kommune) -> str:
        return boundary_summary(obj.boundary)

    @admin.display(description=_("export offers"))
    def offer_exports(self, obj: Kommune) -> str:
        if not obj.pk:
            return "–"
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:catalogue_service_export", args=[obj.slug, file_format]), label)
                for file_format, label in (("xlsx", "XLSX"), ("csv", "CSV"), ("geojson", "GeoJSON"))
            ),
        )


@admin.register(AreaLevel)
class AreaLevelAdmin(BoundaryFreeFormFieldsMixin, admin.ModelAdmin):
    list_display = ["name", "name_plural", "depth", "kommune"]
    list_filter = [kommune_filter("kommune")]
    list_select_related = ["kommune"]
    search_fields = ["name", "name_plural", "kommune__name"]
    ordering = ["kommune__name", "depth"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AreaLevel]:
        return super().get_queryset(request).select_related("kommune").defer("kommune__boundary")


class LevelNameListFilter(admin.SimpleListFilter):
    """Levels by name across Kommunen ("all Planungsräume"), not one entry per Kommune."""

    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        names = AreaLevel.objects.order_by("name").values_list("name", flat=True).distinct()
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(level__name=self.value()) if self.value() else queryset


class PopulationCountInline(admin.TabularInline):
    """The area's figures for reading; they are edited under population counts, or imported."""

    model = PopulationCount
    fields = ["reference_date", "age_band", "shown_count", "missing_reason", "source"]
    readonly_fields = fields
    ordering = ["-reference_date", "age_band__min_age_months"]
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[PopulationCount]:
        # The area too: each row's title names it.
        return (
            super().get_queryset(request).select_related("age_band", "area").defer("area__boundary")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("inhabitants"))
    def shown_count(self, obj: PopulationCount) -> str:
        # A withheld value is not zero.
        return "–" if obj.count is None else str(obj.count)


class AreaAdminForm(forms.ModelForm):
    boundary_file = BoundaryUploadField()

    class Meta:
        model = Area
        fields = ["kommune", "level", "parent", "code", "name", "valid_from", "valid_to"]


@admin.register(Area)
class AreaAdmin(BoundaryFreeFormFieldsMixin, admin.ModelAdmin):
    form = AreaAdminForm
    list_display = [
        "name",
        "code",
        "level_name",
        "parent_name",
        "kommune",
        "valid_from",
        "valid_to",
    ]
    list_filter = [kommune_filter("kommune"), area_filter(""), LevelNameListFilter]
    list_select_related = ["level", "kommune", "parent"]
    search_fields = ["name", "code", "kommune__name"]
    ordering = ["kommune__name", "path"]
    autocomplete_fields = ["parent"]
    fields = [
        "kommune",
        "level",
        "parent",
        "code",
        "name",
        "valid_from",
        "valid_to",
        "boundary_info",
        "area_km2",
        "boundary_file",
    ]
    readonly_fields = ["boundary_info", "area_km2"]
    inlines = [PopulationCountInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Area]:
        return (
            super()
            .get_queryset(request)
            .select_related("level__kommune", "kommune", "parent")
            .defer("boundary", "kommune__boundary", "level__kommune__boundary", "parent__boundary")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Area | None = None) -> list[str]:
        # Code, parent and level make up the area's path and the place of the areas below it;
        # they are set when the area is created (or by an import of a new vintage).
        if obj is not None:
            return [*self.readonly_fields, "kommune", "level", "parent", "code"]
        return list(self.readonly_fields)

    def save_model(
        self, request: HttpRequest, obj: Area, form: AreaAdminForm, change: bool
    ) -> None:
        area_save(area=obj)
        boundary = form.cleaned_data.get("boundary_file")
        if boundary is not None:
            area_set_boundary(area=obj, boundary=boundary)
            place_locations_again(request, obj.kommune)

    @admin.display(description=_("level"), ordering="level__depth")
    def level_name(self, obj: Area) -> str:
        # Not the level's own text, which names its Kommune again with one query per row.
        return obj.level.name

    @admin.display(description=_("part of"), ordering="parent__name")
    def parent_name(self, obj: Area) -> str:
        return obj.parent.name if obj.parent else ""

    @admin.display(description=_("boundary"))
    def boundary_info(self, obj: Area) -> str:
        return boundary_summary(obj.boundary)

    @admin.display(description=_("area in km²"))
    def area_km2(self, obj: Area) -> str:
        return f"{obj.area_m2 / 1e6:.2f}" if obj.area_m2 is not None else "–"


@admin.register(AgeBand)
class AgeBandAdmin(BoundaryFreeFormFieldsMixin, admin.ModelAdmin):
    list_display = ["label", "code", "min_age_months", "max_age_months", "is_total", "kommune"]
    list_filter = [kommune_filter("kommune"), "is_total"]
    list_select_related = ["kommune"]
    search_fields = ["label", "code", "kommune__name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgeBand]:
        return super().get_queryset(request).defer("kommune__boundary")


@admin.register(PopulationCount)
class PopulationCountAdmin(BoundaryFreeFormFieldsMixin, admin.ModelAdmin):
    list_display = [
        "area_name",
        "age_band",
        "reference_date",
        "shown_count",
        "missing_reason",
        "kommune_name",
    ]
    list_filter = [
        kommune_filter("area__kommune"),
        area_filter("area__"),
        ("reference_date", admin.AllValuesFieldListFilter),
    ]
    list_select_related = ["area", "area__kommune", "age_band"]
    search_fields = ["area__name", "area__code", "age_band__label", "source"]
    autocomplete_fields = ["area"]
    ordering = ["area__path", "-reference_date"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PopulationCount]:
        return (
            super()
            .get_queryset(request)
            .select_related("area", "area__kommune", "age_band")
            .defer("area__boundary", "area__kommune__boundary")
        )

    @admin.display(description=_("area"), ordering="area__path")
    def area_name(self, obj: PopulationCount) -> str:
        return obj.area.name

    @admin.display(description=_("Kommune"), ordering="area__kommune__name")
    def kommune_name(self, obj: PopulationCount) -> str:
        return obj.area.kommune.name

    @admin.display(description=_("inhabitants"), ordering="count")
    def shown_count(self, obj: PopulationCount) -> str:
        return "–" if obj.count is None else str(obj.count)
