"""The workspace's offers: the list with search, filters and bulk actions, and the offer
form for coordinators (who save), provider editors (who propose) and steering members (who
read)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from lueckenlos.catalogue.models import Location, Service, TaxonomyTerm
from lueckenlos.catalogue.services import (
    EditConflict,
    service_create,
    service_delete,
    service_update,
)
from lueckenlos.workspace import services
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.forms import (
    BULK_ACTIONS,
    OfferFilterForm,
    OfferForms,
    offer_data_of,
    offer_forms,
    term_choices,
    term_label,
)
from lueckenlos.workspace.navigation import render
from lueckenlos.workspace.queries import offer_list
from lueckenlos.workspace.views.editing import Conflict, conflict_of, offer_rows, posted_version

PAGE_SIZE = 50
BULK_STATUSES = {
    "activate": Service.Status.ACTIVE,
    "deactivate": Service.Status.INACTIVE,
    "draft": Service.Status.DRAFT,
}


# --- the list ------------------------------------------------------------------------------


@workspace_view("member")
@require_http_methods(["GET", "POST"])
def offers(request: HttpRequest) -> HttpResponse:
    """The offers within reach; coordinators change many at once (POST)."""
    access: WorkspaceAccess = request.workspace
    if request.method == "POST":
        return _bulk_action(request, access)
    filter_form = OfferFilterForm(
        request.GET or None, organizations=access.organizations_in_reach()
    )
    filters: dict[str, Any] = {}
    if filter_form.is_bound:
        filter_form.is_valid()  # the valid filters apply; an invalid one shows its error
        filters = filter_form.cleaned_data
    page = Paginator(offer_list(access.offers(), filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workspace/offers.html",
        {
            "filter_form": filter_form,
            "page": page,
            "filtered": any(filters.values()),
            "page_query": query.urlencode(),
            "this_query": request.GET.urlencode(),
            "can_bulk": access.can_coordinate,
            "bulk_actions": BULK_ACTIONS.items(),
            "term_choices": term_choices() if access.can_coordinate else [],
        },
    )


def _selected_ids(request: HttpRequest) -> list[uuid.UUID]:
    ids = []
    for value in request.POST.getlist("offers"):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    return ids


def _bulk_action(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    if not access.can_coordinate:
        raise PermissionDenied
    back = reverse("workspace:offers", args=[access.kommune.slug])
    # Back to the list as filtered, the query re-encoded rather than trusted as sent.
    query = QueryDict(request.POST.get("query", "").lstrip("?")).urlencode()
    if query:
        back += "?" + query
    selected = access.offers().filter(pk__in=_selected_ids(request))
    action = request.POST.get("action", "")
    if not selected.exists():
        messages.error(request, _("No offer selected: tick the offers to change first."))
        return HttpResponseRedirect(back)
    if action not in BULK_ACTIONS:
        messages.error(request, _("Unknown action: choose what to do with the selected offers."))
        return HttpResponseRedirect(back)
    user = request.user
    if action == "confirm":
        outcome = services.offers_confirm(offers=selected, acting_user=user)
        text = ngettext(
            "%(changed)d of %(selected)d selected offer confirmed as still correct today.",
            "%(changed)d of %(selected)d selected offers confirmed as still correct today.",
            outcome.selected,
        ) % {"changed": outcome.changed, "selected": outcome.selected}
    elif action == "assign_term":
        term = _chosen_term(request)
        if term is None:
            messages.error(request, _("Choose the classification term to assign."))
            return HttpResponseRedirect(back)
        outcome = services.offers_assign_term(offers=selected, term=term, acting_user=user)
        text = ngettext(
            "%(changed)d of %(selected)d selected offer given the term “%(term)s”.",
            "%(changed)d of %(selected)d selected offers given the term “%(term)s”.",
            outcome.selected,
        ) % {"changed": outcome.changed, "selected": outcome.selected, "term": term_label(term)}
    else:
        status = BULK_STATUSES[action]
        outcome = services.offers_set_status(offers=selected, status=status, acting_user=user)
        text = ngettext(
            "%(changed)d of %(selected)d selected offer set to “%(status)s”.",
            "%(changed)d of %(selected)d selected offers set to “%(status)s”.",
            outcome.selected,
        ) % {
            "changed": outcome.changed,
            "selected": outcome.selected,
            "status": Service.Status(status).label,
        }
    unchanged = outcome.selected - outcome.changed - len(outcome.refused)
    if unchanged:
        text += " " + ngettext(
            "%(count)d was so already.", "%(count)d were so already.", unchanged
        ) % {"count": unchanged}
    messages.success(request, text)
    if outcome.refused:
        messages.warning(
            request,
            _("Not given to offers whose age range the life phase does not fit: %(names)s.")
            % {"names": ", ".join(service.name for service in outcome.refused)},
        )
    return HttpResponseRedirect(back)


def _chosen_term(request: HttpRequest) -> TaxonomyTerm | None:
    try:
        return TaxonomyTerm.objects.select_related("taxonomy").get(pk=request.POST.get("term"))
    except (TaxonomyTerm.DoesNotExist, ValidationError, ValueError):
        return None


# --- the form ------------------------------------------------------------------------------


def _forms(
    request: HttpRequest,
    access: WorkspaceAccess,
    *,
    service: Service | None = None,
    initial: dict[str, Any] | None = None,
) -> OfferForms:
    locations = access.locations()
    if service is not None:
        # The offer's own locations stay choosable, even another provider's.
        locations = Location.objects.filter(
            Q(pk__in=locations.values("pk")) | Q(pk__in=service.locations.values("pk"))
        )
    post = request.POST if request.method == "POST" else None
    return offer_forms(
        organizations=access.organizations_in_reach(),
        locations=locations.order_by("name"),
        coordinator=access.can_coordinate,
        initial=initial,
        post=post,
        more_rows=post is not None and "more_rows" in post,
    )


def _wants_save(request: HttpRequest) -> bool:
    return request.method == "POST" and "more_rows" not in request.POST


def _propose(
    request: HttpRequest,
    access: WorkspaceAccess,
    forms: OfferForms,
    *,
    service: Service | None,
    base_version: int | None,
) -> HttpResponse | None:
    """A provider editor's submit: kept for review, the published version stays."""
    from lueckenlos.review.services import proposal_submit

    data = forms.data()
    try:
        proposal_submit(
            kommune=access.kommune,
            organization=service.organization if service else data["organization"],
            service=service,
            data=data,
            base_version=base_version,
            submitted_by=request.user,
        )
    except ValidationError as exc:
        forms.add_service_errors(exc)
        return None
    if service is None:
        text = _(
            "Your new offer was sent for review: the portal shows it once the coordinator "
            "approves it."
        )
    else:
        text = _(
            "Your change was sent for review: the published version stays until the "
            "coordinator approves it."
        )
    messages.success(request, text)
    return redirect("workspace:my_proposals", access.kommune.slug)


def _page(
    request: HttpRequest,
    forms: OfferForms,
    *,
    service: Service | None,
    version: int | None = None,
    conflict: Conflict | None = None,
    notice: str = "",
) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    return render(
        request,
        "workspace/offer_form.html",
        {
            "service": service,
            "forms": forms,
            "form": forms.offer,
            "version": version,
            "conflict": conflict,
            "notice": notice,
            "can_save": not access.is_read_only,
            "proposes": not access.can_coordinate,
            "error_summary": forms.error_summary(),
        },
    )


@workspace_view("member")
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest) -> HttpResponse:
    """A new offer: coordinators create it, provider editors propose it."""
    access: WorkspaceAccess = request.workspace
    if access.is_read_only:
        raise PermissionDenied
    forms = _forms(request, access)
    if _wants_save(request) and forms.is_valid():
        if not access.can_coordinate:
            response = _propose(request, access, forms, service=None, base_version=None)
            if response is not None:
                return response
        else:
            data = forms.data()
            try:
                service = service_create(
                    kommune=access.kommune,
                    organization=data["organization"],
                    data=data,
                    acting_user=request.user,
                )
            except ValidationError as exc:
                forms.add_service_errors(exc)
            else:
                messages.success(request, _("The offer “%(name)s” was created.") % data)
                return redirect("workspace:offer_edit", access.kommune.slug, service.pk)
    return _page(request, forms, service=None)


@workspace_view("member")
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, offer_id: uuid.UUID) -> HttpResponse:
    """An offer's form: saved by coordinators (refused if someone saved in between),
    proposed by provider editors, read by steering group members."""
    access: WorkspaceAccess = request.workspace
    if request.method == "POST" and access.is_read_only:
        raise PermissionDenied  # before the lookup, as for every write of a reader
    service = access.offer(offer_id)
    if request.method == "POST":
        return _offer_post(request, access, service)
    initial = offer_data_of(service)
    notice = ""
    if access.is_provider:
        initial, notice = _pending_proposal_data(request, service, initial)
    forms = _forms(request, access, service=service, initial=initial)
    if access.is_read_only:
        forms.disable()
    return _page(request, forms, service=service, version=service.version, notice=notice)


def _pending_proposal_data(
    request: HttpRequest, service: Service, saved: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """A provider editor continues from their proposal that still waits for review."""
    from lueckenlos.review.payload import PayloadError
    from lueckenlos.review.services import pending_proposal

    proposal = pending_proposal(service, request.user)
    if proposal is None:
        return saved, ""
    try:
        data = proposal.data_dict()
    except PayloadError as exc:
        messages.warning(request, " ".join(exc.messages))
        return saved, ""
    notice = _(
        "This form shows your proposal that waits for review; the portal shows the published "
        "version until the coordinator approves it. Sending it again replaces the proposal."
    )
    return {**saved, **data}, notice


def _offer_post(request: HttpRequest, access: WorkspaceAccess, service: Service) -> HttpResponse:
    version = posted_version(request)
    forms = _forms(request, access, service=service)
    conflict = None
    if _wants_save(request) and forms.is_valid():
        if version is None:
            forms.offer.add_error(
                None, _("The form lacks the version you started from: load the page again.")
            )
        elif not access.can_coordinate:
            response = _propose(request, access, forms, service=service, base_version=version)
            if response is not None:
                return response
        else:
            data = forms.data()
            try:
                service_update(
                    service=service,
                    data=data,
                    acting_user=request.user,
                    expected_version=version,
                )
            except EditConflict as exc:
                conflict = conflict_of(exc, offer_rows(offer_data_of(exc.stored)), offer_rows(data))
                # A second, deliberate save starts from the version saved now.
                version = exc.stored.version
            except ValidationError as exc:
                forms.add_service_errors(exc)
            else:
                messages.success(request, _("The offer “%(name)s” was saved.") % data)
                return redirect("workspace:offer_edit", access.kommune.slug, service.pk)
        service.refresh_from_db()  # the write functions change the instance before refusing
    return _page(request, forms, service=service, version=version, conflict=conflict)


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def offer_delete(request: HttpRequest, offer_id: uuid.UUID) -> HttpResponse:
    """Move an offer to the trash (after a confirmation page)."""
    access: WorkspaceAccess = request.workspace
    service = access.offer(offer_id)
    if request.method == "POST":
        service_delete(service=service, acting_user=request.user)
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("“%(name)s” was moved to the trash.") % {"name": service.name},
                reverse("workspace:trash", args=[access.kommune.slug]),
                _("Open the trash"),
            ),
        )
        return redirect("workspace:offers", access.kommune.slug)
    return render(request, "workspace/offer_delete.html", {"service": service})
