"""Public pages. Each Kommune has a top-level address; the words used here for other pages
are listed in lueckenlos.areas.slugs.RESERVED_SLUGS. German addresses, as the visible paths
are German; the interface language is a prefix added by lueckenlos.urls."""

from __future__ import annotations

from django.urls import path

from lueckenlos.portal.views import home, maps, offer, pages, search

app_name = "portal"

urlpatterns = [
    path("", home.start, name="start"),
    path("barrierefreiheit/", pages.accessibility_statement, name="accessibility"),
    path("leichte-sprache/", pages.easy_read, name="easy_read"),
    path("datenquellen/", home.data_sources, name="data_sources"),
    path("<slug:slug>/", home.kommune_detail, name="kommune"),
    path("<slug:slug>/impressum/", pages.imprint, name="imprint"),
    path("<slug:slug>/datenschutz/", pages.privacy, name="privacy"),
    path("<slug:slug>/gebiete.geojson", maps.area_boundaries, name="area_boundaries"),
    path("<slug:slug>/angebote/", search.offer_search, name="offers"),
    path("<slug:slug>/angebote/karte.geojson", search.offer_points, name="offer_points"),
    path("<slug:slug>/angebote/<uuid:offer_id>/", offer.offer_detail, name="offer"),
    path("<slug:slug>/angebote/<uuid:offer_id>/drucken/", offer.offer_print, name="offer_print"),
    path(
        "<slug:slug>/angebote/<uuid:offer_id>/termine.ics",
        offer.offer_calendar,
        name="offer_calendar",
    ),
]
