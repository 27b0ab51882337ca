"""DSGVO access and erasure for one contact person of the Kommune's providers (coordinators).

The coordinator searches by name or e-mail address, sees what is stored about the person
(lueckenlos.catalogue.history.person_data_export), downloads it as JSON for the person, and
erases the chosen contacts (person_erase), which leaves offers and providers as they are.
Only contacts of this Kommune's providers and offers are found, shown or erased.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.history import person_data_export, person_erase
from lueckenlos.catalogue.models import Contact
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.navigation import render
from lueckenlos.workspace.records_forms import PersonEraseForm, PersonSearchForm

# Part of a name lists the people it may mean from this many characters on, at most this many.
SUGGEST_FROM_CHARS = 3
SUGGEST_AT_MOST = 20


def _contact_label(contact: dict[str, Any]) -> str:
    who = ", ".join(part for part in (contact["name"], contact["email"]) if part)
    where = contact["offer"] or contact["provider"]
    return f"{who} – {where}" if where else who


def _choices(export: dict[str, Any]) -> list[tuple[str, str]]:
    return [(contact["id"], _contact_label(contact)) for contact in export["contacts"]]


def _suggestions(kommune: Kommune, text: str) -> list[dict[str, str]]:
    """People of this Kommune whose name or address contains `text`, to search for in full."""
    if len(text) < SUGGEST_FROM_CHARS:
        return []
    rows = (
        Contact.objects.filter(Q(organization__kommune=kommune) | Q(service__kommune=kommune))
        .filter(Q(name__icontains=text) | Q(email__icontains=text))
        .values_list("name", "email")
        .distinct()
        .order_by("name", "email")[:SUGGEST_AT_MOST]
    )
    found = []
    for name, email in rows:
        term = name if name and text.lower() in name.lower() else email
        found.append({"term": term, "label": ", ".join(p for p in (name, email) if p)})
    return found


def _download(export: dict[str, Any], kommune: Kommune) -> HttpResponse:
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"personendaten-{kommune.slug}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    return render(request, "workspace/person_data.html", context)


@workspace_view("coordinator")
@never_cache  # personal data: no copy in any cache
@require_http_methods(["GET", "HEAD", "POST"])
def person_data(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _erase(request)
    access: WorkspaceAccess = request.workspace
    search = PersonSearchForm(request.GET if "q" in request.GET else None)
    if not search.is_valid():
        return _page(request, search=search)
    query = search.cleaned_data["q"].strip()
    export = person_data_export(kommune=access.kommune, name_or_email=query)
    if request.GET.get("format") == "json":
        return _download(export, access.kommune)
    erase_form = None
    if export["contacts"]:
        erase_form = PersonEraseForm(initial={"q": query}, contact_choices=_choices(export))
    return _page(
        request,
        search=search,
        query=query,
        export=export,
        erase_form=erase_form,
        suggestions=[] if export["contacts"] else _suggestions(access.kommune, query),
    )


def _erase(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    query = request.POST.get("q", "").strip()
    export = (
        person_data_export(kommune=access.kommune, name_or_email=query)
        if query
        else {"contacts": []}
    )
    # The choices are the contacts found for the query in this Kommune: any other id is
    # refused as an invalid choice before person_erase would refuse it too.
    form = PersonEraseForm(request.POST, contact_choices=_choices(export))
    if form.is_valid():
        try:
            count = person_erase(
                kommune=access.kommune,
                contact_ids=form.cleaned_data["contacts"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "The personal data of %(count)d contact is erased, also from the history.",
                    "The personal data of %(count)d contacts is erased, also from the history.",
                    count,
                )
                % {"count": count},
            )
            return redirect("workspace:person_data", access.kommune.slug)
    return _page(
        request,
        search=PersonSearchForm(initial={"q": query}),
        query=query,
        export=export if query else None,
        erase_form=form,
    )
