"""The review queue, one proposal's review page, and a provider's own proposals.

Readers of the Kommune (coordinators, steering members, administrators) see the queue and
every proposal; only coordinators decide. Provider editors see their own proposals and those
for their providers, never another provider's.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lueckenlos.catalogue.services import EditConflict
from lueckenlos.review.diff import Row, proposal_diff
from lueckenlos.review.forms import APPROVE, DecisionForm
from lueckenlos.review.models import Proposal
from lueckenlos.review.queries import changed_since, proposals_of, review_queue
from lueckenlos.review.services import proposal_approve, proposal_reject
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.navigation import render

# Query parameter of the queue's filter; "page" as in the workspace's other lists.
STATUS_PARAMETER = "status"
PAGE_SIZE = 50


@dataclass
class Diff:
    """A proposal's rows, split for the page: what differs, and what stays as it is."""

    changed: list[Row]
    unchanged: list[Row]
    has_now: bool


def _diff(proposal: Proposal) -> Diff:
    rows = proposal_diff(proposal)
    return Diff(
        changed=[row for row in rows if row.changed],
        unchanged=[row for row in rows if not row.changed],
        has_now=proposal.kind == Proposal.Kind.CHANGE,
    )


@require_safe
@workspace_view("reader")
def reviews(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    status = request.GET.get(STATUS_PARAMETER, "")
    if status not in Proposal.Status.values:
        status = ""
    page = Paginator(review_queue(access.kommune, status or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "review/reviews.html",
        {
            "proposals": page.object_list,
            "page": page,
            "page_query": urlencode({STATUS_PARAMETER: status}) if status else "",
            "status": status,
            "statuses": Proposal.Status.choices,
            "status_parameter": STATUS_PARAMETER,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view("reader")
def review(request: HttpRequest, proposal_id: int) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "organization", "service", "submitted_by", "decided_by", "contact"
        ),
        pk=proposal_id,
        kommune=access.kommune,
    )
    status = 200
    form = DecisionForm(
        initial={"seen_version": proposal.service.version if proposal.service_id else None}
    )
    if request.method == "POST":
        if not access.can_coordinate:
            raise PermissionDenied
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                _decide(request, proposal, form)
            except EditConflict as conflict:
                form.add_error(None, conflict.message)
                status = 409
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                return redirect(reverse("workspace:reviews", args=[access.kommune.slug]))
        proposal.refresh_from_db()
        if proposal.service_id:
            proposal.service.refresh_from_db()
            if status == 409:
                # Show the offer as it is now, and let the next approval start from it.
                form.data = form.data.copy()
                form.data["seen_version"] = proposal.service.version
    return render(
        request,
        "review/review.html",
        {
            "proposal": proposal,
            "diff": _diff(proposal),
            "changed_since": changed_since(proposal) if proposal.is_pending else None,
            "form": form,
            "contact_phones": list(proposal.contact.phones.all()) if proposal.contact else [],
        },
        status=status,
    )


def _decide(request: HttpRequest, proposal: Proposal, form: DecisionForm) -> None:
    data = form.cleaned_data
    if data["decision"] == APPROVE:
        service = proposal_approve(
            proposal=proposal,
            acting_user=request.user,
            comment=data["comment"],
            publish=data["publish"],
            seen_version=data["seen_version"],
        )
        messages.success(
            request,
            _("Approved: “%(name)s” is saved, and %(submitter)s is told.")
            % {"name": service.name, "submitter": _submitter(proposal)},
        )
    else:
        proposal_reject(proposal=proposal, acting_user=request.user, comment=data["comment"])
        messages.success(
            request,
            _("Rejected: the proposal for “%(name)s” is closed, and %(submitter)s is told.")
            % {"name": proposal.offer_name, "submitter": _submitter(proposal)},
        )


def _submitter(proposal: Proposal) -> str:
    if proposal.submitted_by_id:
        user = proposal.submitted_by
        return user.get_full_name() or user.email or user.get_username()
    return _("the person who reported it")


@require_safe
@workspace_view("member")
def my_proposals(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    proposals = list(
        proposals_of(kommune=access.kommune, user=request.user, organizations=access.organizations)
    )
    return render(
        request,
        "review/my_proposals.html",
        {"entries": [(proposal, _diff(proposal)) for proposal in proposals]},
    )
