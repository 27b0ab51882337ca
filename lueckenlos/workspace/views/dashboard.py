"""The workspace's start page: what needs attention in the Kommune, or in a provider's
own offers."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Service
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.navigation import render
from lueckenlos.workspace.queries import (
    kommunen_contained,
    offer_counts,
    recent_changes,
    with_freshness,
)


def pending_review_count(kommune: Kommune) -> int:
    from lueckenlos.review.queries import pending_proposals

    return pending_proposals(kommune).count()


@workspace_view("member")
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    kommune = access.kommune
    offers_url = reverse("workspace:offers", args=[kommune.slug])

    def listed(**filters: str) -> str:
        return f"{offers_url}?{urlencode(filters)}"

    context: dict = {}
    if access.can_read_all:
        counts = offer_counts(access.offers())
        context.update(
            counts=counts,
            count_links=[
                (status.label, getattr(counts, status.value), listed(status=status.value))
                for status in (Service.Status.ACTIVE, Service.Status.DRAFT, Service.Status.INACTIVE)
            ],
            stale_link=listed(stale="1"),
            hidden_link=listed(hidden="1"),
            pending_reviews=pending_review_count(kommune),
            recent_changes=recent_changes(kommune),
            contained=kommunen_contained(kommune),
        )
    if access.is_provider:
        context["own_offers"] = (
            with_freshness(access.offers())
            .select_related("organization")
            .order_by("organization__name", "name")
        )
    return render(request, "workspace/dashboard.html", context)
