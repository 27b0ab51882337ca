"""A coordinator starts an update round, is told what went out, and follows the response
rate per provider; the steering group reads along."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lueckenlos.accounts.tests.personas import World, build_world
from lueckenlos.catalogue.models import Organization
from lueckenlos.freshness.models import UpdateRound
from lueckenlos.freshness.services import offer_confirm_by_link, update_round_start
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(marzahn, pankow, settings) -> World:
    settings.REQUIRE_SECOND_FACTOR = False
    settings.LUECKENLOS_PUBLIC_URL = "https://familien.example.de"
    world = build_world(marzahn.kommune, pankow.kommune)
    Organization.objects.filter(pk=world.kita_a.pk).update(email="kita-a@example.org")
    world.kita_a.refresh_from_db()
    return world


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.users["coordinator_marzahn"])
    return world.users["coordinator_marzahn"]


def rounds_url(world: World) -> str:
    return reverse("workspace:update_rounds", args=[world.marzahn.slug])


def round_url(world: World, update_round: UpdateRound, kommune=None) -> str:
    return reverse(
        "workspace:update_round", args=[(kommune or world.marzahn).slug, update_round.pk]
    )


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_starting_a_round_sends_the_emails_and_says_who_could_not_be_asked(
    client, world, coordinator
):
    # Kita A has an address and two active offers; this provider has none at all.
    ServiceFactory(kommune=world.marzahn, organization=world.kita_a, name="Babytreff")
    silent = OrganizationFactory(kommune=world.marzahn, name="Stiller Träger")
    ServiceFactory(kommune=world.marzahn, organization=silent, name="Ohne Adresse")

    response = client.post(
        rounds_url(world),
        {"title": "Frühjahr 2026", "message": "Bitte prüfen.", "ends": in_days(30).isoformat()},
        follow=True,
    )

    update_round = UpdateRound.objects.get(kommune=world.marzahn)
    assert response.redirect_chain == [(round_url(world, update_round), 302)]
    assert update_round.title == "Frühjahr 2026"
    assert update_round.created_by == coordinator
    assert [m.to for m in mail.outbox] == [["kita-a@example.org"]]
    body = response.content.decode()
    assert "1 e-mail went out, asking about 2 offers." in body
    assert "1 offer could not be asked" in body
    assert "Stiller Träger" in body
    assert response.context["progress"].asked == 2


def test_a_round_must_end_after_today(client, world, coordinator):
    response = client.post(
        rounds_url(world), {"title": "Zu spät", "ends": timezone.localdate().isoformat()}
    )

    assert response.status_code == 200
    assert "The round must end after today" in response.content.decode()
    assert response.context["form"].errors["ends"]
    assert not UpdateRound.objects.exists()
    assert mail.outbox == []


def test_an_empty_form_is_refused_with_a_summary(client, world, coordinator):
    response = client.post(rounds_url(world), {})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Please correct the following" in body
    assert 'href="#id_title"' in body


def test_the_list_and_the_round_show_the_response_rate(client, world, coordinator):
    second = ServiceFactory(kommune=world.marzahn, organization=world.kita_a, name="Babytreff")
    update_round, _report = update_round_start(
        kommune=world.marzahn,
        title="Herbst",
        message="",
        ends=in_days(14),
        acting_user=coordinator,
    )
    offer_confirm_by_link(service=second)

    listing = client.get(rounds_url(world))
    (row,) = listing.context["rows"]
    assert (row.progress.asked, row.progress.confirmed, row.running) == (2, 1, True)
    assert "50 %" in listing.content.decode()

    detail = client.get(round_url(world, update_round))
    (provider,) = detail.context["progress"].providers
    assert (provider.organization, provider.asked, provider.confirmed) == (world.kita_a, 2, 1)
    assert "50 %" in detail.content.decode()


def test_the_steering_group_reads_but_starts_nothing(client, world):
    update_round = UpdateRound.objects.create(
        kommune=world.marzahn, title="Frühjahr", starts=timezone.localdate(), ends=in_days(9)
    )
    client.force_login(world.users["steering_marzahn"])

    listing = client.get(rounds_url(world))
    assert listing.status_code == 200
    assert listing.context["form"] is None
    assert "Start an update round" not in listing.content.decode()
    assert client.get(round_url(world, update_round)).status_code == 200
    response = client.post(rounds_url(world), {"title": "X", "ends": in_days(5).isoformat()})
    assert response.status_code == 403
    assert UpdateRound.objects.count() == 1


def test_provider_editors_and_other_kommunes_see_no_round(client, world):
    ours = UpdateRound.objects.create(
        kommune=world.marzahn, title="Frühjahr", starts=timezone.localdate(), ends=in_days(9)
    )
    theirs = UpdateRound.objects.create(
        kommune=world.pankow, title="Pankow", starts=timezone.localdate(), ends=in_days(9)
    )
    client.force_login(world.users["provider_a"])
    assert client.get(rounds_url(world)).status_code == 403
    assert client.get(round_url(world, ours)).status_code == 403

    client.force_login(world.users["coordinator_marzahn"])
    listing = client.get(rounds_url(world))
    assert [row.update_round for row in listing.context["rows"]] == [ours]
    assert client.get(round_url(world, theirs)).status_code == 404
