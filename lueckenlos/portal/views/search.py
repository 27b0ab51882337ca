"""The offer search of a Kommune's portal, as a page and as GeoJSON for its map."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language

from lueckenlos.areas.queries import kommunen_for_pages
from lueckenlos.search.queries import offer_search as run_search
from lueckenlos.search.queries import result_map

# The nearest or first points of a result: a map of more is a blur of clusters anyway.
MAP_POINTS = 1000


def offer_search(request: HttpRequest, slug: str) -> HttpResponse:
    kommune = get_object_or_404(kommunen_for_pages(), slug=slug)
    page = run_search(
        kommune, request.GET, page_size=settings.PORTAL_PAGE_SIZE, language=get_language()
    )
    query = request.GET.urlencode()
    context = {
        "kommune": kommune,
        "search": page,
        "map_points_url": reverse("portal:offer_points", args=[kommune.slug])
        + (f"?{query}" if query else ""),
        "map_areas_url": reverse("portal:area_boundaries", args=[kommune.slug]),
    }
    # htmx asks for the filters and results alone when a filter changes.
    template = (
        "portal/_search_live.html"
        if request.headers.get("HX-Request")
        and not request.headers.get("HX-History-Restore-Request")
        else "portal/offer_search.html"
    )
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


def offer_points(request: HttpRequest, slug: str) -> JsonResponse:
    kommune = get_object_or_404(kommunen_for_pages(), slug=slug)
    return JsonResponse(result_map(kommune, request.GET, limit=MAP_POINTS))
