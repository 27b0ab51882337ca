"""The trash of a Kommune: what was deleted, and taking it out again (coordinators only).

Deleting puts offers, providers and locations in the trash (lueckenlos.catalogue.services);
restoring brings a record back as it was, and an active offer back into the portal and its
search (the save re-indexes it, lueckenlos.search.signals).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lueckenlos.catalogue.history import trash_list, trash_restore
from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.catalogue.models.tracking import Trashable
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.navigation import render
from lueckenlos.workspace.views.records import user_label

# The kinds of record in the trash, as the restore address names them (German words).
KINDS: dict[str, type[Trashable]] = {"angebot": Service, "traeger": Organization, "ort": Location}
HISTORY_URLS = {
    Service: "offer_history",
    Organization: "organization_history",
    Location: "location_history",
}


def kind_of(obj: Trashable) -> str:
    return next(key for key, model in KINDS.items() if isinstance(obj, model))


@dataclass
class TrashRow:
    obj: Trashable
    kind: str  # key of KINDS
    label: str
    deleted_by: str
    note: str  # e.g. the provider of an offer
    restore_url: str
    history_url: str


def _row(obj: Trashable, access: WorkspaceAccess, trashed_providers: dict) -> TrashRow:
    slug = access.kommune.slug
    kind = kind_of(obj)
    note = ""
    if isinstance(obj, Service):
        provider = trashed_providers.get(obj.organization_id)
        if provider is not None:
            note = _("Its provider “%(provider)s” is in the trash too: restore that first.") % {
                "provider": provider.name
            }
    return TrashRow(
        obj=obj,
        kind=kind,
        label=str(type(obj)._meta.verbose_name),
        deleted_by=user_label(obj.deleted_by),
        note=note,
        restore_url=reverse("workspace:trash_restore", args=[slug, kind, obj.pk]),
        history_url=reverse(f"workspace:{HISTORY_URLS[type(obj)]}", args=[slug, obj.pk]),
    )


@workspace_view("coordinator")
@require_safe
def trash(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    trashed = trash_list(access.kommune)
    providers = {obj.pk: obj for obj in trashed if isinstance(obj, Organization)}
    return render(
        request,
        "workspace/trash.html",
        {"rows": [_row(obj, access, providers) for obj in trashed]},
    )


@workspace_view("coordinator")
@require_POST
def trash_restore_view(request: HttpRequest, kind: str, object_id: UUID) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(
        model.all_objects.filter(kommune=access.kommune, deleted_at__isnull=False), pk=object_id
    )
    try:
        trash_restore(obj=obj, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(name)s” is restored from the trash.") % {"name": str(obj)})
    return redirect("workspace:trash", access.kommune.slug)
