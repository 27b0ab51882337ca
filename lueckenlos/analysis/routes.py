"""The gap analysis in the workspace (namespace workspace), under /<kommune>/arbeitsbereich/."""

from django.urls import path

from lueckenlos.analysis import views

urlpatterns = [
    path("luecken/", views.gaps, name="gaps"),
    path("luecken/zelle/", views.gap_cell, name="gap_cell"),
]

# --- Exports of the gap analysis (helper F: export_views.py) ---------------------------
from lueckenlos.analysis import export_views  # noqa: E402

urlpatterns += [
    path("luecken/export.csv", export_views.export_csv, name="gaps_export_csv"),
    path("luecken/export.xlsx", export_views.export_xlsx, name="gaps_export_xlsx"),
    path("luecken/export.pdf", export_views.export_pdf, name="gaps_export_pdf"),
]
