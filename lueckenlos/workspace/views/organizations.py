"""The workspace's providers (Träger): list, form and trash. Coordinators change them,
steering group members read them; provider editors do neither here (their coordinator
keeps the providers), so these pages answer them 403."""

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
    ORGANIZATION_FIELDS,
    organization_create,
    organization_delete,
    organization_update,
)
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.forms import OrganizationForm, record_initial
from lueckenlos.workspace.navigation import render
from lueckenlos.workspace.queries import organization_list
from lueckenlos.workspace.views.editing import record_save

PAGE_SIZE = 50


@workspace_view("reader")
@require_safe
def organizations(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    q = request.GET.get("q", "")
    listed = organization_list(access.organizations_in_reach(), q)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "workspace/organizations.html", {"page": page, "q": q, "page_query": _query(q)}
    )


def _query(q: str) -> str:
    return urlencode({"q": q}) if q else ""


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def organization_create_view(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = organization_create(
                kommune=access.kommune, data=form.data_dict(), acting_user=request.user
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The provider “%(name)s” was created.") % form.data_dict())
            return redirect("workspace:organization_edit", access.kommune.slug, organization.pk)
    return render(
        request,
        "workspace/organization_form.html",
        {"form": form, "organization": None, "error_summary": form.error_summary()},
    )


@workspace_view("reader")
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, organization_id: uuid.UUID) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    if request.method == "POST" and not access.can_coordinate:
        raise PermissionDenied  # before the lookup, as for every write of a reader
    organization = access.organization(organization_id)
    version, conflict = organization.version, None
    if request.method == "POST":
        form = OrganizationForm(request.POST)
        outcome = record_save(request, form=form, obj=organization, update=organization_update)
        if outcome.saved:
            messages.success(request, _("The provider “%(name)s” was saved.") % form.data_dict())
            return redirect("workspace:organization_edit", access.kommune.slug, organization.pk)
        version, conflict = outcome.version, outcome.conflict
    else:
        form = OrganizationForm(initial=record_initial(organization, ORGANIZATION_FIELDS))
        if access.is_read_only:
            form.disable()
    return render(
        request,
        "workspace/organization_form.html",
        {
            "form": form,
            "organization": organization,
            "version": version,
            "conflict": conflict,
            "error_summary": form.error_summary(),
            "contacts": organization.contacts.order_by("name", "title"),
            "offer_count": organization.services.count(),
            "offers_url": reverse("workspace:offers", args=[access.kommune.slug])
            + f"?provider={organization.pk}",
        },
    )


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def organization_delete_view(request: HttpRequest, organization_id: uuid.UUID) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    organization = access.organization(organization_id)
    if request.method == "POST":
        try:
            organization_delete(organization=organization, acting_user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("workspace:organization_edit", access.kommune.slug, organization.pk)
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("“%(name)s” was moved to the trash.") % {"name": organization.name},
                reverse("workspace:trash", args=[access.kommune.slug]),
                _("Open the trash"),
            ),
        )
        return redirect("workspace:organizations", access.kommune.slug)
    return render(
        request,
        "workspace/organization_delete.html",
        {"organization": organization, "offer_count": organization.services.count()},
    )
