"""Indicator definitions and values in the workspace: upload with preview, manual entry.

Included before routes.py: "werte" and "neu" are no indicator codes (models.RESERVED_CODES).
"""

from django.urls import path

from lueckenlos.monitoring import data_views

urlpatterns = [
    path("monitoring/werte/", data_views.batches, name="monitoring_batches"),
    path("monitoring/werte/import/", data_views.import_upload, name="monitoring_import"),
    path(
        "monitoring/werte/import/<uuid:pending_id>/",
        data_views.import_preview,
        name="monitoring_import_preview",
    ),
    path("monitoring/werte/<int:batch_id>/", data_views.batch_detail, name="monitoring_batch"),
    path(
        "monitoring/werte/<int:batch_id>/rueckgaengig/",
        data_views.batch_undo,
        name="monitoring_batch_undo",
    ),
    path("monitoring/neu/", data_views.indicator_create_view, name="monitoring_indicator_create"),
    path("monitoring/neu/standard/", data_views.seed, name="monitoring_seed"),
    path(
        "monitoring/<str:code>/bearbeiten/",
        data_views.indicator_edit_view,
        name="monitoring_indicator_edit",
    ),
    path("monitoring/<str:code>/werte/", data_views.values_entry, name="monitoring_values"),
]
