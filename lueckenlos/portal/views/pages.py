"""Statements and texts: accessibility (with feedback form), easy-read, imprint, privacy."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from lueckenlos.areas.queries import kommunen_for_pages
from lueckenlos.portal.forms import PAGE_MAX_LENGTH, FeedbackForm, feedback_token

# Query parameters, German like the addresses: the page a barrier was found on, and the
# confirmation shown after the redirect.
PAGE_PARAMETER = "seite"
SENT_PARAMETER = "gesendet"


# No CSRF token: a public page sets no cookie, and this anonymous form acts for nobody, so
# there is nothing to forge on behalf of a logged-in user. The signed timestamp and the
# hidden trap field in FeedbackForm keep robots out instead.
@csrf_exempt
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            # A robot that filled the trap is told the same as a person, and nothing is sent.
            if not form.is_trapped:
                form.send(language=get_language())
            # Post/redirect/get: reloading the thank-you page sends nothing twice.
            url = reverse("portal:accessibility")
            return HttpResponseRedirect(f"{url}?{SENT_PARAMETER}=1#feedback")
    else:
        form = FeedbackForm(initial={"page": request.GET.get(PAGE_PARAMETER, "")[:PAGE_MAX_LENGTH]})
    return render(
        request,
        "portal/accessibility.html",
        {
            "feedback_email": settings.FEEDBACK_EMAIL,
            "form": form,
            "token": feedback_token(),
            "sent": request.method == "GET" and request.GET.get(SENT_PARAMETER) == "1",
        },
    )


def easy_read(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/easy_read.html", {"feedback_email": settings.FEEDBACK_EMAIL})


def _kommune_text(request: HttpRequest, slug: str, *, kind: str) -> HttpResponse:
    kommune = get_object_or_404(kommunen_for_pages(), slug=slug)
    if kind == "imprint":
        title, text = _("Imprint"), kommune.imprint
    else:
        title, text = _("Privacy"), kommune.privacy_notice
    tile_host = urlsplit(settings.TILE_URL).hostname if settings.TILE_URL else ""
    return render(
        request,
        "portal/kommune_text.html",
        {
            "kommune": kommune,
            "kind": kind,
            "title": title,
            "text": text,
            "feedback_email": settings.FEEDBACK_EMAIL,
            "tile_host": tile_host,
        },
    )


def imprint(request: HttpRequest, slug: str) -> HttpResponse:
    return _kommune_text(request, slug, kind="imprint")


def privacy(request: HttpRequest, slug: str) -> HttpResponse:
    return _kommune_text(request, slug, kind="privacy")
