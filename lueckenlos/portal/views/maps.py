"""Map data that is not a search result: the area outlines under the offers."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from lueckenlos.areas.queries import kommunen_for_pages
from lueckenlos.portal.maps import area_boundaries as boundaries_of

# Boundaries change with a new vintage a few times a year at most.
BOUNDARIES_MAX_AGE = 3600


@require_safe
def area_boundaries(request: HttpRequest, slug: str) -> JsonResponse:
    """The Kommune's current areas of one level (`?ebene=<id or name>`) as GeoJSON."""
    kommune = get_object_or_404(kommunen_for_pages(), slug=slug)
    response = JsonResponse(
        boundaries_of(kommune, level=request.GET.get("ebene")),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    patch_cache_control(response, public=True, max_age=BOUNDARIES_MAX_AGE)
    return response
