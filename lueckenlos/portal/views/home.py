"""The start page of the installation and each Kommune's portal start page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lueckenlos.areas.models import Kommune
from lueckenlos.areas.queries import kommune_tree, kommunen_for_pages
from lueckenlos.portal.queries import kommune_home


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/start.html", {"tree": kommune_tree()})


def kommune_detail(request: HttpRequest, slug: str) -> HttpResponse:
    kommune = get_object_or_404(kommunen_for_pages(), slug=slug)
    return render(
        request, "portal/kommune_detail.html", {"page": kommune_home(kommune), "kommune": kommune}
    )


def data_sources(request: HttpRequest) -> HttpResponse:
    kommunen = Kommune.objects.exclude(attribution="").only("name", "slug", "attribution")
    return render(request, "portal/data_sources.html", {"kommunen": kommunen})
