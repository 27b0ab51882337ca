"""The public "Unsere Einrichtung fehlt" form of a Kommune, and its thank-you page.

Public pages set no cookie, so the form carries no Django CSRF token: a cross-site POST is
refused by the browser's own Origin and Sec-Fetch-Site headers instead (which every current
browser sends with a form), and robots are kept out by ReportMissingForm's signed timestamp
and trap field. The report acts for nobody: it creates a draft for the coordinator to
review, with no one's session behind it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from lueckenlos.areas.models import Kommune
from lueckenlos.areas.queries import kommunen_for_pages
from lueckenlos.review.forms import ReportMissingForm, report_token
from lueckenlos.review.services import missing_provider_report


def is_cross_site(request: HttpRequest) -> bool:
    """Whether the browser says the form was sent from another site."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False  # older browsers and other clients: the token and trap still apply
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS


def _likely_city(kommune: Kommune) -> str:
    """The city an address in the Kommune most likely names: a Bezirk's city, a town itself."""
    if kommune.parent is not None:
        return kommune.parent.name
    if kommune.kind in (Kommune.Kind.CITY, Kommune.Kind.MUNICIPALITY):
        return kommune.name
    return ""


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def report_missing(request: HttpRequest, kommune_slug: str) -> HttpResponse:
    kommune = get_object_or_404(kommunen_for_pages(), slug=kommune_slug)
    thanks = reverse("review:report_missing_thanks", args=[kommune.slug])
    if request.method == "POST":
        if is_cross_site(request):
            raise PermissionDenied
        form = ReportMissingForm(request.POST)
        if form.is_valid():
            # A robot that filled the trap is told the same as a person, and nothing is kept.
            if form.is_trapped:
                return HttpResponseRedirect(thanks)
            try:
                missing_provider_report(kommune=kommune, report=form.report())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                # Post/redirect/get: reloading the thank-you page reports nothing twice.
                return HttpResponseRedirect(thanks)
    else:
        form = ReportMissingForm(initial={"city": _likely_city(kommune)})
    return render(
        request,
        "review/report_missing.html",
        {"kommune": kommune, "form": form, "token": report_token()},
    )


@require_safe
def report_missing_thanks(request: HttpRequest, kommune_slug: str) -> HttpResponse:
    kommune = get_object_or_404(kommunen_for_pages(), slug=kommune_slug)
    return render(request, "review/report_missing_thanks.html", {"kommune": kommune})
