"""Reminder e-mails for stale offers: one per provider, with a link per offer, never twice
within the quiet period."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from lueckenlos.catalogue.models import Service
from lueckenlos.freshness.models import Reminder
from lueckenlos.freshness.services import reminders_send
from lueckenlos.freshness.tokens import check_token
from tests.factories import OrganizationFactory, ServiceFactory

NOW = timezone.make_aware(dt.datetime(2025, 6, 15, 6, 0))
LONG_AGO = dt.date(2024, 1, 10)


@pytest.fixture
def kita_traeger(marzahn):
    """A provider with two stale offers and a fresh one."""
    provider = OrganizationFactory(
        kommune=marzahn.kommune, name="Kita-Träger Ost", email="kitas@example.org"
    )
    stale = [
        ServiceFactory(
            kommune=marzahn.kommune, organization=provider, name=name, last_confirmed=LONG_AGO
        )
        for name in ("Kita Sonnenschein", "Kita Regenbogen")
    ]
    ServiceFactory(
        kommune=marzahn.kommune,
        organization=provider,
        name="Kita Wolke",
        last_confirmed=dt.date(2025, 1, 1),
    )
    return stale


def test_one_email_per_provider_lists_its_stale_offers_with_confirm_links(kita_traeger):
    report = reminders_send(now=NOW)

    assert (report.emails, report.offers) == (1, 2)
    [message] = mail.outbox
    assert message.to == ["kitas@example.org"]
    assert "Kita Sonnenschein" in message.body and "Kita Regenbogen" in message.body
    assert "Kita Wolke" not in message.body  # confirmed five months ago: not stale
    links = re.findall(
        r"https://familien\.example\.de/marzahn-hellersdorf/angebote/([0-9a-f-]+)/bestaetigen/(\S+)/",
        message.body,
    )
    assert {offer_id for offer_id, _token in links} == {str(s.pk) for s in kita_traeger}
    for offer_id, token in links:
        check_token(offer_id, token)  # raises if the link would be refused
    # The e-mail is German (msgids are English) whatever language was active.
    assert "10.01.2024" in message.body


def test_each_offer_asked_is_recorded(kita_traeger):
    reminders_send(now=NOW)
    assert sorted(Reminder.objects.values_list("service__name", "sent_to")) == [
        ("Kita Regenbogen", "kitas@example.org"),
        ("Kita Sonnenschein", "kitas@example.org"),
    ]


def test_no_second_reminder_within_the_quiet_period(kita_traeger):
    reminders_send(now=NOW)
    reminders_send(now=NOW + dt.timedelta(days=29))
    assert len(mail.outbox) == 1
    # After 30 days the provider, still silent, hears again.
    reminders_send(now=NOW + dt.timedelta(days=31))
    assert len(mail.outbox) == 2


def test_an_offer_without_provider_address_goes_to_its_own(marzahn):
    provider = OrganizationFactory(kommune=marzahn.kommune, email="")
    own = ServiceFactory(
        kommune=marzahn.kommune,
        organization=provider,
        email="familienzentrum@example.org",
        last_confirmed=LONG_AGO,
    )
    nowhere = ServiceFactory(
        kommune=marzahn.kommune, organization=provider, last_confirmed=LONG_AGO
    )

    report = reminders_send(now=NOW)

    assert [m.to for m in mail.outbox] == [["familienzentrum@example.org"]]
    assert report.without_address == [nowhere]
    assert not Reminder.objects.filter(service=nowhere).exists()
    assert Reminder.objects.filter(service=own).exists()


def test_only_the_kommune_asked_for(kita_traeger, pankow):
    ServiceFactory(
        kommune=pankow.kommune,
        organization=OrganizationFactory(kommune=pankow.kommune, email="pankow@example.org"),
        last_confirmed=LONG_AGO,
    )
    reminders_send(now=NOW, kommune=pankow.kommune)
    assert [m.to for m in mail.outbox] == [["pankow@example.org"]]


def test_the_command_reports_and_a_dry_run_sends_nothing(kita_traeger, english, capsys):
    # The command runs on the real today: "Kita Wolke" is confirmed today to stay fresh.
    Service.objects.filter(name="Kita Wolke").update(last_confirmed=timezone.localdate())
    call_command("freshness", "--dry-run", "--kommune", "marzahn-hellersdorf")
    assert mail.outbox == [] and not Reminder.objects.exists()
    assert "would send 1 e-mail about 2 stale offers" in capsys.readouterr().out

    call_command("freshness")
    assert len(mail.outbox) == 1
    assert "Sent 1 e-mail about 2 stale offers" in capsys.readouterr().out
