"""The page of one offer, its print view and the calendar file of its dated events.

The UUID address is the offer's stable link: it survives renaming and moving the offer.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from lueckenlos.areas.queries import kommunen_for_pages
from lueckenlos.catalogue.models import Service
from lueckenlos.portal import offer_page
from lueckenlos.portal.offer_page import OfferPage


def _page(slug: str, offer_id: UUID) -> OfferPage:
    kommune = get_object_or_404(kommunen_for_pages(), slug=slug)
    try:
        return offer_page.offer_page(kommune, offer_id)
    except Service.DoesNotExist:
        raise Http404("No active offer of this Kommune at this address.") from None


def _stable_url(request: HttpRequest, page: OfferPage) -> str:
    return request.build_absolute_uri(
        reverse("portal:offer", args=[page.kommune.slug, page.offer.pk])
    )


def _context(request: HttpRequest, page: OfferPage) -> dict:
    return {
        "page": page,
        "kommune": page.kommune,
        "offer": page.offer,
        "stable_url": _stable_url(request, page),
    }


def offer_detail(request: HttpRequest, slug: str, offer_id: UUID) -> HttpResponse:
    page = _page(slug, offer_id)
    context = _context(request, page)
    data = offer_page.offer_json_ld(page, url=context["stable_url"])
    context["json_ld"] = offer_page.json_ld_text(data)
    return render(request, "portal/offer_detail.html", context)


def offer_print(request: HttpRequest, slug: str, offer_id: UUID) -> HttpResponse:
    page = _page(slug, offer_id)
    return render(request, "portal/offer_print.html", _context(request, page))


def offer_calendar(request: HttpRequest, slug: str, offer_id: UUID) -> HttpResponse:
    page = _page(slug, offer_id)
    if not page.events:
        raise Http404("This offer has no upcoming dated events.")
    response = HttpResponse(
        offer_page.offer_calendar(page, url=_stable_url(request, page)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="termine.ics"'
    return response
