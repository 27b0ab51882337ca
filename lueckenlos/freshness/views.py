"""The one-click confirmation page: GET shows the offer and a button, POST confirms.

A GET never changes anything: mail scanners and link previews follow every link.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from lueckenlos.catalogue.models import Service
from lueckenlos.freshness.queries import counted_from, is_hidden
from lueckenlos.freshness.services import offer_confirm_by_link
from lueckenlos.freshness.tokens import TokenExpired, TokenInvalid, check_token


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, kommune_slug: str, offer_id: UUID, token: str) -> HttpResponse:
    service = (
        Service.objects.select_related("kommune", "organization")
        .filter(pk=offer_id, kommune__slug=kommune_slug)
        .exclude(status=Service.Status.DRAFT)
        .first()
    )
    if service is None:
        raise Http404("No offer of this Kommune at this address.")
    context = {"offer": service, "kommune": service.kommune}
    try:
        check_token(service.pk, token)
    except (TokenExpired, TokenInvalid) as exc:
        context["expired"] = isinstance(exc, TokenExpired)
        return render(request, "freshness/confirm_refused.html", context, status=403)
    if request.method == "POST":
        offer_confirm_by_link(service=service)
        service.refresh_from_db(fields=["last_confirmed"])
        return render(request, "freshness/confirm_done.html", context)
    context["counted_from"] = counted_from(service)
    context["hidden"] = is_hidden(service)
    return render(request, "freshness/confirm.html", context)
