"""An update round asks every provider with active offers, and counts who answered."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from lueckenlos.catalogue.models import Service
from lueckenlos.freshness.models import Reminder, UpdateRound
from lueckenlos.freshness.queries import update_round_progress
from lueckenlos.freshness.services import offer_confirm_by_link, update_round_start
from tests.factories import OrganizationFactory, ServiceFactory

NOW = timezone.make_aware(dt.datetime(2025, 9, 1, 9, 0))
ENDS = dt.date(2025, 10, 31)


@pytest.fixture
def coordinator(db):
    return User.objects.create_user("koordination-marzahn")


@pytest.fixture
def providers(marzahn):
    """Two providers: the Kita-Träger with three active offers and a draft, the club with one."""
    kitas = OrganizationFactory(kommune=marzahn.kommune, name="Kitas Ost", email="k@example.org")
    club = OrganizationFactory(kommune=marzahn.kommune, name="SV Marzahn", email="sv@example.org")
    for name in ("Kita A", "Kita B", "Kita C"):
        ServiceFactory(kommune=marzahn.kommune, organization=kitas, name=name)
    ServiceFactory(
        kommune=marzahn.kommune, organization=kitas, name="Kita D", status=Service.Status.DRAFT
    )
    ServiceFactory(kommune=marzahn.kommune, organization=club, name="Eltern-Kind-Turnen")
    return kitas, club


def start(marzahn, coordinator):
    return update_round_start(
        kommune=marzahn.kommune,
        title="Frühjahr 2025",
        message="Bitte prüfen Sie auch die Öffnungszeiten.",
        ends=ENDS,
        acting_user=coordinator,
        now=NOW,
    )


def test_it_asks_every_provider_about_its_active_offers(marzahn, providers, coordinator, pankow):
    ServiceFactory(
        kommune=pankow.kommune,
        organization=OrganizationFactory(kommune=pankow.kommune, email="p@example.org"),
    )
    update_round, report = start(marzahn, coordinator)

    assert (report.emails, report.offers) == (2, 4)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"k@example.org", "sv@example.org"}  # not Pankow's provider
    kitas_mail = by_address["k@example.org"].body
    assert "Kita A" in kitas_mail and "Kita C" in kitas_mail and "Kita D" not in kitas_mail
    assert "Bitte prüfen Sie auch die Öffnungszeiten." in kitas_mail
    assert "31.10.2025" in kitas_mail and "/bestaetigen/" in kitas_mail
    assert update_round.starts == dt.date(2025, 9, 1)
    assert update_round.created_by == coordinator
    assert Reminder.objects.filter(update_round=update_round).count() == 4


def test_progress_counts_confirmations_since_the_start(marzahn, providers, coordinator):
    kitas, club = providers
    update_round, _report = start(marzahn, coordinator)
    offer_confirm_by_link(service=Service.objects.get(name="Kita A"), today=dt.date(2025, 9, 2))
    offer_confirm_by_link(service=Service.objects.get(name="Kita B"), today=dt.date(2025, 9, 3))
    # Confirmed before the round started: does not count as an answer.
    Service.objects.filter(name="Eltern-Kind-Turnen").update(last_confirmed=dt.date(2025, 8, 31))

    progress = update_round_progress(update_round)

    assert (progress.asked, progress.confirmed) == (4, 2)
    assert progress.rate == 0.5
    # Slowest first: the coordinator calls them.
    assert [(p.organization, p.asked, p.confirmed) for p in progress.providers] == [
        (club, 1, 0),
        (kitas, 3, 2),
    ]


def test_a_round_must_end_after_it_starts(marzahn, coordinator):
    with pytest.raises(ValidationError):
        update_round_start(
            kommune=marzahn.kommune,
            title="Zu spät",
            message="",
            ends=dt.date(2025, 9, 1),
            acting_user=coordinator,
            now=NOW,
        )
    assert not UpdateRound.objects.exists()


def test_the_admin_starts_a_round_and_shows_its_progress(admin_client, marzahn, providers):
    ends = timezone.localdate() + dt.timedelta(days=30)
    response = admin_client.post(
        "/admin/freshness/updateround/add/",
        {"kommune": marzahn.kommune.pk, "title": "Herbst", "message": "", "ends": ends},
    )
    assert response.status_code == 302
    update_round = UpdateRound.objects.get()
    assert len(mail.outbox) == 2

    page = admin_client.get(f"/admin/freshness/updateround/{update_round.pk}/change/")

    assert page.status_code == 200
    assert "Kitas Ost" in page.content.decode() and "0%" in page.content.decode()
