"""Back office: proposals, to look at. Decisions are made in the workspace's review queue,
where they are applied and the people concerned are told; here nothing is changed."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lueckenlos.accounts.permissions import kommunen_readable_by
from lueckenlos.areas.admin import kommune_filter
from lueckenlos.review.models import Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "offer_name", "organization", "kind", "status", "submitted_at"]
    list_filter = ["status", "kind", kommune_filter("kommune")]
    list_select_related = ["organization", "service"]
    search_fields = ["organization__name", "service__name"]
    date_hierarchy = "submitted_at"
    fields = [
        "kommune",
        "kind",
        "status",
        "organization",
        "service",
        "base_version",
        "submitted_by",
        "submitted_at",
        "contact",
        "decided_by",
        "decided_at",
        "comment",
        "payload",
        "previous",
        "review_link",
    ]
    readonly_fields = fields

    @admin.display(description=_("review page"))
    def review_link(self, proposal: Proposal) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("workspace:review", args=[proposal.kommune.slug, proposal.pk]),
            _("Open in the workspace"),
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Proposal]:
        return (
            super()
            .get_queryset(request)
            .filter(kommune__in=kommunen_readable_by(request.user))
            .defer("kommune__boundary")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Proposal | None = None) -> bool:
        return False
