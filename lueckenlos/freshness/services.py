"""Keeping offers current: reminders for stale offers, confirmation by link, update rounds,
and the portal's index following what has become hidden.

E-mails go one per provider and address, listing all its offers with one confirmation link
each; every offer asked is recorded as a Reminder, so that no provider hears twice within
LUECKENLOS_REMINDER_QUIET_DAYS and an update round can count its answers.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Organization, Service
from lueckenlos.catalogue.services import services_confirm
from lueckenlos.freshness.models import Reminder, UpdateRound
from lueckenlos.freshness.queries import counted_from, hidden_q, is_hidden, stale_offers
from lueckenlos.freshness.tokens import make_token, valid_for
from lueckenlos.search.indexing import index_offers

logger = logging.getLogger(__name__)

DEFAULT_QUIET_DAYS = 30
DEFAULT_PUBLIC_URL = "http://localhost:8000"
# The account named in an offer's history when its provider confirmed it by link: nobody
# signs in for that, and the history must still say how the change came about.
CONFIRMATION_USERNAME = "confirmation-link"


def quiet_period() -> dt.timedelta:
    return dt.timedelta(
        days=getattr(settings, "LUECKENLOS_REMINDER_QUIET_DAYS", DEFAULT_QUIET_DAYS)
    )


def absolute_url(path: str) -> str:
    """An address for an e-mail: a command run by cron has no request to take the host from."""
    base = getattr(settings, "LUECKENLOS_PUBLIC_URL", "") or DEFAULT_PUBLIC_URL
    return base.rstrip("/") + path


def confirm_url(service: Service) -> str:
    # The e-mail is German, and German addresses carry no language prefix.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(
            "freshness:confirm",
            kwargs={
                "kommune_slug": service.kommune.slug,
                "offer_id": service.pk,
                "token": make_token(service.pk),
            },
        )
    return absolute_url(path)


def offer_url(service: Service) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return absolute_url(reverse("portal:offer", args=[service.kommune.slug, service.pk]))


def recipient(service: Service) -> str:
    """Where a provider is asked: the provider's address, else the offer's own."""
    return service.organization.email or service.email


@dataclass
class MailReport:
    """What one sending did: e-mails sent, offers asked, and what could not be asked."""

    emails: int = 0
    offers: int = 0
    without_address: list[Service] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    reindexed: int = 0


@dataclass
class _Request:
    organization: Organization
    address: str
    offers: list[Service]


def _requests(offers: Iterable[Service], report: MailReport) -> list[_Request]:
    grouped: dict[tuple[int, str], _Request] = {}
    for offer in offers:
        address = recipient(offer)
        if not address:
            report.without_address.append(offer)
            continue
        key = (offer.organization_id, address.lower())
        if key not in grouped:
            grouped[key] = _Request(organization=offer.organization, address=address, offers=[])
        grouped[key].offers.append(offer)
    return list(grouped.values())


def _send(
    requests: list[_Request],
    *,
    template: str,
    subject: str,
    context: dict,
    now: dt.datetime,
    report: MailReport,
    update_round: UpdateRound | None = None,
) -> None:
    """Send each request and record its reminders; a failed e-mail records nothing (it is
    tried again on the next run) and does not stop the others."""
    today = timezone.localdate(now)
    with get_connection() as connection:
        for request in requests:
            with translation.override(settings.LANGUAGE_CODE):
                body = render_to_string(
                    template,
                    {
                        **context,
                        "organization": request.organization,
                        "offers": [
                            {
                                "name": offer.name,
                                "counted_from": counted_from(offer),
                                "hidden": is_hidden(offer, today),
                                "offer_url": offer_url(offer),
                                "confirm_url": confirm_url(offer),
                            }
                            for offer in request.offers
                        ],
                        "valid_until": today + valid_for(),
                    },
                )
                message = EmailMessage(
                    subject=subject, body=body, to=[request.address], connection=connection
                )
            try:
                with transaction.atomic():
                    Reminder.objects.bulk_create(
                        Reminder(
                            service=offer,
                            update_round=update_round,
                            sent_to=request.address,
                            sent_at=now,
                        )
                        for offer in request.offers
                    )
                    message.send()
            except Exception:  # noqa: BLE001 - SMTP raises many kinds; the next run retries
                logger.exception("Could not send the freshness e-mail to %s", request.address)
                report.failed.append(request.address)
                continue
            report.emails += 1
            report.offers += len(request.offers)


def reminders_send(
    *, now: dt.datetime | None = None, kommune: Kommune | None = None, dry_run: bool = False
) -> MailReport:
    """Remind every provider of its stale active offers (one e-mail per provider and
    address), leaving out offers asked within the quiet period; then bring the portal's
    index in step with what has become hidden. `dry_run` reports and changes nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = MailReport()
    offers = (
        stale_offers(today=today, kommune=kommune)
        .exclude(reminders__sent_at__gt=now - quiet_period())
        .select_related("kommune")
    )
    requests = _requests(offers, report)
    if dry_run:
        report.emails = len(requests)
        report.offers = sum(len(request.offers) for request in requests)
    else:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Are your offers still correct?")
        _send(
            requests,
            template="freshness/email/reminder.txt",
            subject=subject,
            context={"today": today},
            now=now,
            report=report,
        )
    report.reindexed = portal_index_sync(kommune=kommune, dry_run=dry_run)
    return report


def portal_index_sync(*, kommune: Kommune | None = None, dry_run: bool = False) -> int:
    """Take offers that have become hidden out of the portal's index, and put back active
    ones it lacks (confirmed meanwhile, or a longer hiding time set); returns how many.

    Time alone makes an offer hidden, with no save to re-index it: hence a daily run. It
    goes by the real today, as the index itself does (`offers_to_index`)."""
    offers = Service.objects.all() if kommune is None else Service.objects.filter(kommune=kommune)
    leaving = offers.filter(hidden_q(), search_document__isnull=False)
    missing = offers.active().exclude(hidden_q()).filter(search_document__isnull=True)
    ids = list(leaving.values_list("pk", flat=True)) + list(missing.values_list("pk", flat=True))
    if ids and not dry_run:
        index_offers(ids)
    return len(ids)


def confirmation_user() -> AbstractBaseUser:
    """The inactive account that stands for "the provider, by the link in its e-mail"."""
    user, _created = get_user_model().objects.get_or_create(
        username=CONFIRMATION_USERNAME,
        defaults={"is_active": False, "password": "!"},  # "!": no password ever matches
    )
    return user


@transaction.atomic
def offer_confirm_by_link(*, service: Service, today: dt.date | None = None) -> bool:
    """The provider says the offer still holds: it counts as confirmed today, and comes back
    into the portal if it was hidden. Returns whether anything changed."""
    changed = services_confirm(
        services=Service.objects.filter(pk=service.pk),
        on=today or timezone.localdate(),
        acting_user=confirmation_user(),
    )
    if changed:
        # services_confirm writes with update(): no signal re-indexes the offer.
        index_offers([service.pk])
    return bool(changed)


def update_round_start(
    *,
    kommune: Kommune,
    title: str,
    message: str,
    ends: dt.date,
    acting_user: AbstractBaseUser,
    now: dt.datetime | None = None,
) -> tuple[UpdateRound, MailReport]:
    """Start an update round: ask every provider of the Kommune with active offers to
    review them by `ends`, one e-mail per provider with a confirmation link per offer."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if ends <= today:
        raise ValidationError(
            {"ends": _("The round must end after today (%(today)s).") % {"today": today}}
        )
    with transaction.atomic():
        update_round = UpdateRound.objects.create(
            kommune=kommune,
            title=title,
            message=message,
            starts=today,
            ends=ends,
            created_by=acting_user,
        )
    report = MailReport()
    offers = (
        Service.objects.active()
        .filter(kommune=kommune)
        .select_related("organization", "kommune")
        .order_by("organization__name", "name")
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Please review your offers by %(ends)s") % {
            "ends": date_format(ends, "SHORT_DATE_FORMAT")
        }
    _send(
        _requests(offers, report),
        template="freshness/email/update_round.txt",
        subject=subject,
        context={"update_round": update_round, "today": today},
        now=now,
        report=report,
        update_round=update_round,
    )
    return update_round, report
