"""Public pages. Each Kommune has a top-level address; the words used here for other pages
are listed in lueckenlos.areas.slugs.RESERVED_SLUGS."""

from __future__ import annotations

from django.urls import path

from lueckenlos.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("barrierefreiheit/", views.accessibility_statement, name="accessibility"),
    path("datenquellen/", views.data_sources, name="data_sources"),
    path("<slug:slug>/", views.kommune_detail, name="kommune"),
]
