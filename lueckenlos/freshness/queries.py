"""When an offer is stale or hidden, and how an update round is going.

An offer counts from the day it was last confirmed, or, never confirmed, from the day it was
created. Stale: that day lies LUECKENLOS_REMIND_AFTER_MONTHS or more back (its provider is
reminded). Hidden: LUECKENLOS_HIDE_AFTER_MONTHS or more back (0: never): the portal leaves it
out, nothing is deleted, and confirming it brings it back.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Organization, Service
from lueckenlos.freshness.models import UpdateRound

DEFAULT_REMIND_AFTER_MONTHS = 12
DEFAULT_HIDE_AFTER_MONTHS = 18


def remind_after_months() -> int:
    return getattr(settings, "LUECKENLOS_REMIND_AFTER_MONTHS", DEFAULT_REMIND_AFTER_MONTHS)


def hide_after_months() -> int:
    # The demo's open data were last confirmed in 2022/2023: hiding by default would empty
    # its portal, so outside production nothing is hidden unless the setting says so.
    default = DEFAULT_HIDE_AFTER_MONTHS if getattr(settings, "PRODUCTION", False) else 0
    return getattr(settings, "LUECKENLOS_HIDE_AFTER_MONTHS", default)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (31 May → 28/29 February if need be)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _counted_on_or_before(cutoff: dt.date) -> Q:
    return Q(last_confirmed__lte=cutoff) | Q(
        last_confirmed__isnull=True, created_at__date__lte=cutoff
    )


def _nothing() -> Q:
    return Q(pk__in=[])


def stale_q(today: dt.date | None = None) -> Q:
    """Offers whose provider should be reminded (hidden ones included)."""
    today = today or timezone.localdate()
    return _counted_on_or_before(months_before(today, remind_after_months()))


def hidden_q(today: dt.date | None = None) -> Q:
    """Offers the portal leaves out for want of confirmation."""
    months = hide_after_months()
    if not months:
        return _nothing()
    return _counted_on_or_before(months_before(today or timezone.localdate(), months))


def counted_from(service: Service) -> dt.date:
    """The day an offer's age counts from."""
    return service.last_confirmed or timezone.localdate(service.created_at)


def is_stale(service: Service, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return counted_from(service) <= months_before(today, remind_after_months())


def is_hidden(service: Service, today: dt.date | None = None) -> bool:
    months = hide_after_months()
    today = today or timezone.localdate()
    return bool(months) and counted_from(service) <= months_before(today, months)


def stale_offers(*, today: dt.date, kommune: Kommune | None = None) -> QuerySet[Service]:
    """Active stale offers (of one Kommune only, if given) with their providers."""
    offers = Service.objects.active().filter(stale_q(today)).select_related("organization")
    if kommune is not None:
        offers = offers.filter(kommune=kommune)
    return offers.order_by("organization__name", "name")


@dataclass(frozen=True)
class ProviderProgress:
    organization: Organization
    asked: int
    confirmed: int

    @property
    def rate(self) -> float:
        return self.confirmed / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class RoundProgress:
    asked: int
    confirmed: int
    providers: list[ProviderProgress]

    @property
    def rate(self) -> float:
        return self.confirmed / self.asked if self.asked else 0.0


def update_round_progress(update_round: UpdateRound) -> RoundProgress:
    """Offers asked in the round, how many were confirmed since it started, per provider
    (slowest first, so the coordinator sees whom to call) and overall."""
    rows = (
        Service.objects.filter(reminders__update_round=update_round)
        .values("organization_id")
        .annotate(
            asked=Count("pk", distinct=True),
            confirmed=Count("pk", filter=Q(last_confirmed__gte=update_round.starts), distinct=True),
        )
        .order_by()
    )
    counts = {row["organization_id"]: (row["asked"], row["confirmed"]) for row in rows}
    organizations = Organization.objects.filter(pk__in=counts).order_by("name", "pk")
    providers = sorted(
        (
            ProviderProgress(organization=org, asked=counts[org.pk][0], confirmed=counts[org.pk][1])
            for org in organizations
        ),
        key=lambda progress: progress.rate,
    )
    return RoundProgress(
        asked=sum(p.asked for p in providers),
        confirmed=sum(p.confirmed for p in providers),
        providers=providers,
    )
