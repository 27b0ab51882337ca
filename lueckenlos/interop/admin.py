"""The back office of imports: saved mappings, the record of imports, and the offer import
pages (upload → map → preview → commit) mounted under the mappings' admin."""

from __future__ import annotations

from functools import partial

from django.contrib import admin
from django.urls import path

from lueckenlos.interop.models import ImportMapping, ImportRun
from lueckenlos.interop.offers import views


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "kommune", "updated_at"]
    list_filter = ["kommune"]
    search_fields = ["name"]
    change_list_template = "interop/importmapping_changelist.html"

    def get_urls(self):
        site = self.admin_site

        def mounted(view):
            return site.admin_view(partial(view, admin_site=site))

        return [
            path("import/", mounted(views.upload), name="interop_import_upload"),
            path("import/<uuid:pk>/map/", mounted(views.map_columns), name="interop_import_map"),
            path(
                "import/<uuid:pk>/preview/", mounted(views.preview), name="interop_import_preview"
            ),
            *super().get_urls(),
        ]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The record of committed imports; written by the import alone."""

    list_display = ["filename", "kommune", "imported_at", "acting_user", "created", "updated"]
    list_filter = ["kommune"]
    readonly_fields = [
        "kommune",
        "filename",
        "sheet",
        "acting_user",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "imported_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
