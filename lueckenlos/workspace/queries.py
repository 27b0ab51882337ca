"""Reads of the workspace's dashboard and lists: offers by status and freshness, the offer
list's filters, the latest changes, providers and locations with their offer counts.

All of them start from the records within the user's reach (WorkspaceAccess), so that a
list never shows another Kommune's or another provider's records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.urls import reverse

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.history import KINDS, REASONS
from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.freshness.queries import hidden_q, stale_q


def stale_active_q(today: dt.date | None = None) -> Q:
    """Active offers whose provider should confirm them (freshness.queries.stale_q)."""
    return Q(status=Service.Status.ACTIVE) & stale_q(today)


def hidden_active_q(today: dt.date | None = None) -> Q:
    """Active offers the portal leaves out for want of confirmation."""
    return Q(status=Service.Status.ACTIVE) & hidden_q(today)


def _flag(condition: Q) -> Case:
    # Case/When rather than a wrapped Q: a condition that matches nothing (hiding switched
    # off) is then simply false.
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def with_freshness(offers: QuerySet[Service], today: dt.date | None = None) -> QuerySet[Service]:
    """The offers with `is_stale` and `is_hidden` (as on the dashboard and the list)."""
    return offers.annotate(
        is_stale=_flag(stale_active_q(today)), is_hidden=_flag(hidden_active_q(today))
    )


@dataclass(frozen=True)
class OfferCounts:
    active: int
    draft: int
    inactive: int
    stale: int
    hidden: int

    @property
    def total(self) -> int:
        return self.active + self.draft + self.inactive


def offer_counts(offers: QuerySet[Service], today: dt.date | None = None) -> OfferCounts:
    """How many of the offers are active, drafts, inactive, stale and hidden, in one query."""
    status = Service.Status
    counts = offers.aggregate(
        active=Count("pk", filter=Q(status=status.ACTIVE)),
        draft=Count("pk", filter=Q(status=status.DRAFT)),
        inactive=Count("pk", filter=Q(status=status.INACTIVE)),
        stale=Count("pk", filter=stale_active_q(today)),
        hidden=Count("pk", filter=hidden_active_q(today)),
    )
    return OfferCounts(**counts)


def offer_list(offers: QuerySet[Service], filters: Mapping[str, Any]) -> QuerySet[Service]:
    """The offers matching the list's filters (cleaned OfferFilterForm data), by name."""
    q = (filters.get("q") or "").strip()
    if q:
        offers = offers.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if filters.get("status"):
        offers = offers.filter(status=filters["status"])
    if filters.get("provider"):
        offers = offers.filter(organization=filters["provider"])
    for name in ("life_phase", "field_of_action"):
        if filters.get(name):
            offers = offers.filter(terms=filters[name])
    if filters.get("stale"):
        offers = offers.filter(stale_active_q())
    if filters.get("hidden"):
        offers = offers.filter(hidden_active_q())
    return with_freshness(offers).select_related("organization").order_by("name", "pk").distinct()


def kommunen_contained(kommune: Kommune) -> QuerySet[Kommune]:
    """The Kommunen directly contained in this one (a county's towns, a city's districts)."""
    return Kommune.objects.filter(parent=kommune).order_by("name")


# --- recent changes ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecentChange:
    """One saved version of an offer, provider or location, for the dashboard."""

    when: dt.datetime
    who: str  # the user's name, e-mail or username; empty when no one is recorded
    what: str  # "created", "changed", "moved to the trash" ...
    kind: str  # the record's kind, e.g. "offer"
    name: str
    url: str | None  # the record's page, while it exists outside the trash
    history_url: str | None


def user_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email or user.get_username()


RECORD_PAGES = {
    Service: ("offer_edit", "offer_history"),
    Organization: ("organization_edit", "organization_history"),
    Location: ("location_edit", "location_history"),
}


def recent_changes(kommune: Kommune, *, limit: int = 15) -> list[RecentChange]:
    """The latest versions of the Kommune's offers, providers and locations, newest first."""
    rows: list[tuple[type, Any]] = []
    for model in RECORD_PAGES:
        latest = (
            model.history.filter(kommune_id=kommune.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:limit]
        )
        rows += [(model, row) for row in latest]
    rows.sort(key=lambda pair: pair[1].history_date, reverse=True)
    rows = rows[:limit]
    present: dict[type, set] = {}
    kept: dict[type, set] = {}
    for model in RECORD_PAGES:
        ids = {row.id for m, row in rows if m is model}
        present[model] = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        kept[model] = set(model.all_objects.filter(pk__in=ids).values_list("pk", flat=True))
    changes = []
    for model, row in rows:
        edit, history = RECORD_PAGES[model]
        reason = (row.history_change_reason or "").split(":")[0]
        changes.append(
            RecentChange(
                when=row.history_date,
                who=user_name(row.history_user),
                what=str(REASONS.get(reason) or KINDS.get(row.history_type, row.history_type)),
                kind=str(model._meta.verbose_name),
                name=row.name,
                url=(
                    reverse(f"workspace:{edit}", args=[kommune.slug, row.id])
                    if row.id in present[model]
                    else None
                ),
                history_url=(
                    reverse(f"workspace:{history}", args=[kommune.slug, row.id])
                    if row.id in kept[model]
                    else None
                ),
            )
        )
    return changes


# --- providers and locations ---------------------------------------------------------------


def _live_offers() -> Q:
    return Q(services__deleted_at__isnull=True, services__isnull=False)


def organization_list(organizations: QuerySet[Organization], q: str) -> QuerySet[Organization]:
    """Providers matching the search (name), with their number of offers."""
    q = q.strip()
    if q:
        organizations = organizations.filter(Q(name__icontains=q) | Q(alternate_name__icontains=q))
    return organizations.annotate(
        offer_count=Count("services", filter=_live_offers(), distinct=True)
    ).order_by("name", "pk")


def location_list(locations: QuerySet[Location], q: str) -> QuerySet[Location]:
    """Locations matching the search (name, street, postcode, city), with their offer counts."""
    q = q.strip()
    if q:
        locations = locations.filter(
            Q(name__icontains=q)
            | Q(address_1__icontains=q)
            | Q(postal_code__icontains=q)
            | Q(city__icontains=q)
        )
    return (
        locations.select_related("organization", "area")
        .annotate(offer_count=Count("services", filter=_live_offers(), distinct=True))
        .order_by("name", "pk")
    )
