"""The history of an offer, provider or location, and restoring one of its earlier versions.

Readers (coordinators, steering members) read every history of their Kommune. Provider
editors read the history of their own providers' offers, and no other: they see the offers
themselves already, and the history shows them who changed what (including the coordinator's
decisions on their proposals); providers and locations are the coordinator's records.
Only coordinators restore. A record in the trash keeps its history readable here; it is
taken out of the trash (trash page) before an earlier version can be restored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from lueckenlos.catalogue.history import (
    REASONS,
    Version,
    location_history,
    location_restore_version,
    organization_history,
    organization_restore_version,
    service_history,
    service_restore_version,
)
from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.catalogue.models.tracking import Trashable
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.navigation import render
from lueckenlos.workspace.views.records import user_label


@dataclass(frozen=True)
class RecordKind:
    """What the history pages need to know about one kind of record."""

    model: type[Trashable]
    label: str | Promise
    history: Callable[[Any], list[Version]]
    restore: Callable[..., Any]
    argument: str  # the restore function's keyword for the record
    url_prefix: str  # offer → offer_history, offer_restore, offer_edit


OFFER = RecordKind(
    Service, gettext_lazy("Offer"), service_history, service_restore_version, "service", "offer"
)
ORGANIZATION = RecordKind(
    Organization,
    gettext_lazy("Provider"),
    organization_history,
    organization_restore_version,
    "organization",
    "organization",
)
LOCATION = RecordKind(
    Location,
    gettext_lazy("Location"),
    location_history,
    location_restore_version,
    "location",
    "location",
)


def records_in_reach(kind: RecordKind, access: WorkspaceAccess) -> QuerySet:
    """The Kommune's records of this kind within the user's reach, the trash included.

    The reach is WorkspaceAccess's (offers(), organizations_in_reach(), locations()); its
    lookups leave the trash out, and a record in the trash keeps its history.
    """
    records = kind.model.all_objects.filter(kommune=access.kommune)
    if access.can_read_all:
        return records
    if kind.model is Organization:
        return records.filter(pk__in=access.organizations.values("pk"))
    return records.filter(organization__in=access.organizations)


@dataclass
class VersionRow:
    """One version as the history page shows it."""

    version: Version
    who: str
    what: str
    reason: str
    restore_url: str | None


def _versions(kind: RecordKind, obj: Trashable) -> list[Version]:
    """The record's versions without the trash's date among the fields: a restore leaves it
    alone, and the version that moved the record to the trash says so already."""
    trash_label = str(kind.model._meta.get_field("deleted_at").verbose_name)
    versions = kind.history(obj)
    for version in versions:
        version.changes = [c for c in version.changes if c.label != trash_label]
        version.values.pop(trash_label, None)
    return versions


def _raw_reasons(kind: RecordKind, versions: list[Version]) -> dict[int, str]:
    rows = kind.model.history.filter(history_id__in=[v.id for v in versions])
    return dict(rows.values_list("history_id", "history_change_reason"))


def _what_and_reason(version: Version, raw: str) -> tuple[str, str]:
    """What happened (as the history module names it) and the reason someone gave, if any."""
    code, _sep, detail = raw.partition(":")
    if code == "restore" and detail:
        return _("version %(number)s restored") % {"number": detail}, ""
    if code in REASONS:
        return version.kind, ""
    return version.kind, raw


def _who(version: Version, raw: str) -> str:
    if version.user is not None:
        return user_label(version.user)
    if raw.partition(":")[0] == "import":
        return _("import")
    return _("not recorded")


def _url(name: str, access: WorkspaceAccess, *args: Any) -> str:
    return reverse(f"workspace:{name}", args=[access.kommune.slug, *args])


def _history_page(request: HttpRequest, kind: RecordKind, obj: Trashable) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    versions = _versions(kind, obj)
    reasons = _raw_reasons(kind, versions)
    can_restore = access.can_coordinate and not obj.in_trash
    rows = []
    for position, version in enumerate(versions):
        raw = reasons.get(version.id) or ""
        what, reason = _what_and_reason(version, raw)
        restore_url = None
        if can_restore and position > 0:  # the newest is what the record is now
            restore_url = _url(f"{kind.url_prefix}_restore", access, obj.pk, version.id)
        rows.append(VersionRow(version, _who(version, raw), what, reason, restore_url))
    return render(
        request,
        "workspace/history.html",
        {
            "record": obj,
            "kind": kind,
            "rows": rows,
            "edit_url": None if obj.in_trash else _url(f"{kind.url_prefix}_edit", access, obj.pk),
        },
    )


def _restore_page(
    request: HttpRequest, kind: RecordKind, obj: Trashable, history_id: int
) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    history_url = _url(f"{kind.url_prefix}_history", access, obj.pk)
    versions = _versions(kind, obj)
    version = next((v for v in versions if v.id == history_id), None)
    if version is None:
        raise Http404
    if obj.in_trash:
        messages.error(
            request,
            _("“%(name)s” is in the trash: restore it from the trash first.") % {"name": obj},
        )
        return redirect(history_url)
    errors: list[str] = []
    if request.method == "POST":
        try:
            kind.restore(**{kind.argument: obj}, version_id=history_id, acting_user=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("Version %(number)s of “%(name)s” is restored, as a new version.")
                % {"number": version.number, "name": obj},
            )
            return redirect(history_url)
    current = versions[0].values
    raw = _raw_reasons(kind, [version]).get(version.id) or ""
    fields = [
        (label, current.get(label, ""), value, current.get(label, "") != value)
        for label, value in version.values.items()
    ]
    return render(
        request,
        "workspace/history_restore.html",
        {
            "record": obj,
            "kind": kind,
            "version": version,
            "who": _who(version, raw),
            "is_current": version is versions[0],
            "fields": fields,
            "changed": sum(1 for field in fields if field[3]),
            "errors": errors,
            "history_url": history_url,
        },
    )


def _offer(request: HttpRequest, offer_id: UUID) -> Service:
    return get_object_or_404(records_in_reach(OFFER, request.workspace), pk=offer_id)


def _organization(request: HttpRequest, organization_id: UUID) -> Organization:
    return get_object_or_404(records_in_reach(ORGANIZATION, request.workspace), pk=organization_id)


def _location(request: HttpRequest, location_id: UUID) -> Location:
    return get_object_or_404(records_in_reach(LOCATION, request.workspace), pk=location_id)


@workspace_view("member")
@require_safe
def offer_history(request: HttpRequest, offer_id: UUID) -> HttpResponse:
    return _history_page(request, OFFER, _offer(request, offer_id))


@workspace_view("coordinator")
@require_http_methods(["GET", "HEAD", "POST"])
def offer_restore(request: HttpRequest, offer_id: UUID, history_id: int) -> HttpResponse:
    return _restore_page(request, OFFER, _offer(request, offer_id), history_id)


@workspace_view("reader")
@require_safe
def organization_history(request: HttpRequest, organization_id: UUID) -> HttpResponse:
    return _history_page(request, ORGANIZATION, _organization(request, organization_id))


@workspace_view("coordinator")
@require_http_methods(["GET", "HEAD", "POST"])
def organization_restore(
    request: HttpRequest, organization_id: UUID, history_id: int
) -> HttpResponse:
    return _restore_page(request, ORGANIZATION, _organization(request, organization_id), history_id)


@workspace_view("reader")
@require_safe
def location_history(request: HttpRequest, location_id: UUID) -> HttpResponse:
    return _history_page(request, LOCATION, _location(request, location_id))


@workspace_view("coordinator")
@require_http_methods(["GET", "HEAD", "POST"])
def location_restore(request: HttpRequest, location_id: UUID, history_id: int) -> HttpResponse:
    return _restore_page(request, LOCATION, _location(request, location_id), history_id)
