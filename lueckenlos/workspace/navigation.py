"""The workspace's menu: the sections a role works with, in the order of the daily work."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.shortcuts import render as django_render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lueckenlos.workspace.access import WorkspaceAccess


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str | Promise
    who: str  # "member", "reader", "coordinator" or "provider"


SECTIONS = (
    Section("dashboard", _("Overview"), "member"),
    Section("offers", _("Offers"), "member"),
    Section("organizations", _("Providers"), "reader"),
    Section("locations", _("Locations"), "reader"),
    Section("reviews", _("Reviews"), "reader"),
    Section("gaps", _("Gap analysis"), "reader"),
    Section("monitoring", _("Monitoring"), "reader"),
    Section("report", _("Report"), "reader"),
    Section("my_proposals", _("My proposals"), "provider"),
    Section("update_rounds", _("Update rounds"), "reader"),
    Section("invitations", _("Invitations"), "coordinator"),
    Section("trash", _("Trash"), "coordinator"),
    Section("person_data", _("Personal data"), "coordinator"),
)


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str | Promise
    current: bool


def _shown(section: Section, access: WorkspaceAccess) -> bool:
    if section.who == "provider":
        return access.is_provider
    return access.allows(section.who)  # type: ignore[arg-type]


def menu(request: HttpRequest) -> list[MenuItem]:
    access: WorkspaceAccess = request.workspace
    items = []
    for section in SECTIONS:
        if not _shown(section, access):
            continue
        url = reverse(f"workspace:{section.url_name}", args=[access.kommune.slug])
        current = (
            request.path == url if section.url_name == "dashboard" else request.path.startswith(url)
        )
        items.append(MenuItem(url, section.label, current))
    return items


def render(request: HttpRequest, template: str, context: dict | None = None, **kwargs):
    """Render a workspace page: with the Kommune, the user's access and the menu."""
    context = dict(context or {})
    context.setdefault("kommune", request.workspace.kommune)
    context.setdefault("workspace", request.workspace)
    context.setdefault("workspace_menu", menu(request))
    return django_render(request, template, context, **kwargs)
