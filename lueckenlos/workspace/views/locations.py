"""The workspace's locations: list, form and trash. Coordinators change them, steering
group members read them; provider editors do neither here (403), as with providers.

Saving places a location in its area from its coordinates; a location that lies in none
of the Kommune's areas is saved with a warning."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lueckenlos.catalogue.services import (
    LOCATION_FIELDS,
    location_create,
    location_delete,
    location_update,
)
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.forms import LocationForm, record_initial
from lueckenlos.workspace.navigation import render
from lueckenlos.workspace.queries import location_list
from lueckenlos.workspace.views.editing import record_save

PAGE_SIZE = 50


@workspace_view("reader")
@require_safe
def locations(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    q = request.GET.get("q", "")
    listed = location_list(access.locations(), q)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workspace/locations.html",
        {"page": page, "q": q, "page_query": urlencode({"q": q}) if q else ""},
    )


def _form(request: HttpRequest, access: WorkspaceAccess, **kwargs) -> LocationForm:
    return LocationForm(
        request.POST if request.method == "POST" else None,
        organizations=access.organizations_in_reach(),
        **kwargs,
    )


def _warn(request: HttpRequest, warnings: list[str] | None) -> None:
    for warning in warnings or []:
        messages.warning(request, warning)


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def location_create_view(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    form = _form(request, access)
    if request.method == "POST" and form.is_valid():
        try:
            location, warnings = location_create(
                kommune=access.kommune, data=form.data_dict(), acting_user=request.user
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The location “%(name)s” was created.") % form.data_dict())
            _warn(request, warnings)
            return redirect("workspace:location_edit", access.kommune.slug, location.pk)
    return render(
        request,
        "workspace/location_form.html",
        {"form": form, "location": None, "error_summary": form.error_summary()},
    )


@workspace_view("reader")
@require_http_methods(["GET", "POST"])
def location_edit(request: HttpRequest, location_id: uuid.UUID) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    if request.method == "POST" and not access.can_coordinate:
        raise PermissionDenied  # before the lookup, as for every write of a reader
    location = access.location(location_id)
    version, conflict = location.version, None
    if request.method == "POST":
        form = _form(request, access)
        outcome = record_save(request, form=form, obj=location, update=location_update)
        if outcome.saved:
            messages.success(request, _("The location “%(name)s” was saved.") % form.data_dict())
            _warn(request, outcome.warnings)
            return redirect("workspace:location_edit", access.kommune.slug, location.pk)
        version, conflict = outcome.version, outcome.conflict
    else:
        form = _form(request, access, initial=record_initial(location, LOCATION_FIELDS))
        if access.is_read_only:
            form.disable()
    return render(
        request,
        "workspace/location_form.html",
        {
            "form": form,
            "location": location,
            "version": version,
            "conflict": conflict,
            "error_summary": form.error_summary(),
            "offers": location.services.select_related("organization").order_by("name"),
        },
    )


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def location_delete_view(request: HttpRequest, location_id: uuid.UUID) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    location = access.location(location_id)
    if request.method == "POST":
        location_delete(location=location, acting_user=request.user)
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("“%(name)s” was moved to the trash.") % {"name": location.name},
                reverse("workspace:trash", args=[access.kommune.slug]),
                _("Open the trash"),
            ),
        )
        return redirect("workspace:locations", access.kommune.slug)
    return render(
        request,
        "workspace/location_delete.html",
        {"location": location, "offer_count": location.services.count()},
    )
