"""The simple public pages: the Kommunen, one Kommune's offers and areas, and the statements
every public page links to. Server-rendered, no JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lueckenlos.areas.models import Kommune
from lueckenlos.areas.queries import kommune_tree, kommunen_for_pages
from lueckenlos.portal.queries import kommune_page

# German first, as the visible addresses are German; `page` for tools that expect it.
PAGE_PARAMETERS = ("seite", "page")


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/start.html", {"tree": kommune_tree()})


def kommune_detail(request: HttpRequest, slug: str) -> HttpResponse:
    kommune = get_object_or_404(kommunen_for_pages(), slug=slug)
    page_number = next((request.GET[p] for p in PAGE_PARAMETERS if p in request.GET), None)
    return render(
        request,
        "portal/kommune_detail.html",
        {"page": kommune_page(kommune, page_number=page_number), "kommune": kommune},
    )


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/accessibility.html",
        {"feedback_email": settings.FEEDBACK_EMAIL},
    )


def data_sources(request: HttpRequest) -> HttpResponse:
    kommunen = Kommune.objects.exclude(attribution="").only("name", "slug", "attribution")
    return render(request, "portal/data_sources.html", {"kommunen": kommunen})
