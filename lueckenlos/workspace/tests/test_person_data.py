"""A coordinator finds one contact person of the Kommune's providers, hands them what is
stored (DSGVO access) and erases it (erasure), leaving the offers intact."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from lueckenlos.accounts.tests.personas import World, build_world
from lueckenlos.catalogue.models import Contact, Phone, Service

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(marzahn, pankow, settings) -> World:
    settings.REQUIRE_SECOND_FACTOR = False
    return build_world(marzahn.kommune, pankow.kommune)


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.users["coordinator_marzahn"])
    return world.users["coordinator_marzahn"]


@pytest.fixture
def anna(world) -> Contact:
    """Anna Schmidt, contact for families at Kita A's Krabbelgruppe."""
    contact = Contact.objects.create(
        service=world.active_a,
        name="Anna Schmidt",
        title="Leitung",
        email="anna.schmidt@example.org",
        purpose="Ansprechperson für Familien",
        consent_date=dt.date(2024, 3, 1),
    )
    Phone.objects.create(contact=contact, number="030 123456")
    return contact


@pytest.fixture
def pankow_anna(world) -> Contact:
    """Someone of the same name at a provider in Pankow: never shown in Marzahn."""
    return Contact.objects.create(
        organization=world.pankow_org, name="Anna Schmidt", email="anna@pankow.example.org"
    )


def page(world: World) -> str:
    return reverse("workspace:person_data", args=[world.marzahn.slug])


def test_the_page_says_what_it_is_for(client, world, coordinator):
    response = client.get(page(world))

    assert response.status_code == 200
    assert "GDPR Art. 15" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_search_shows_what_is_stored_about_the_person_here_only(
    client, world, coordinator, anna, pankow_anna
):
    response = client.get(page(world), {"q": "anna schmidt"})

    assert response.status_code == 200
    (found,) = response.context["export"]["contacts"]
    assert found["id"] == str(anna.pk)
    body = response.content.decode()
    for shown in ("anna.schmidt@example.org", "Ansprechperson für Familien", "030 123456"):
        assert shown in body
    assert "Krabbelgruppe" in body
    assert "pankow.example.org" not in body
    # The erasure is offered for exactly what was found.
    assert response.context["erase_form"].fields["contacts"].choices == [
        (str(anna.pk), "Anna Schmidt, anna.schmidt@example.org – Krabbelgruppe")
    ]


def test_a_search_by_email_finds_the_person_too(client, world, coordinator, anna):
    response = client.get(page(world), {"q": "Anna.Schmidt@example.org"})

    assert len(response.context["export"]["contacts"]) == 1


def test_part_of_a_name_lists_the_people_it_may_mean(client, world, coordinator, anna, pankow_anna):
    response = client.get(page(world), {"q": "schmi"})

    assert response.context["export"]["contacts"] == []
    assert response.context["suggestions"] == [
        {"term": "Anna Schmidt", "label": "Anna Schmidt, anna.schmidt@example.org"}
    ]
    assert "?q=Anna%20Schmidt" in response.content.decode()


def test_the_download_is_json_with_everything_stored(client, world, coordinator, anna, pankow_anna):
    response = client.get(page(world), {"q": "Anna Schmidt", "format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="personendaten-marzahn-hellersdorf-'
    )
    data = json.loads(response.content)
    assert data["kommune"] == "Marzahn-Hellersdorf"
    (contact,) = data["contacts"]
    assert contact["email"] == "anna.schmidt@example.org"
    assert contact["phones"][0]["number"] == "030 123456"
    assert contact["history"], "the history rows belong to what is stored"


def test_erasure_removes_the_person_and_leaves_the_offer(client, world, coordinator, anna):
    response = client.post(
        page(world),
        {"q": "Anna Schmidt", "contacts": [str(anna.pk)], "confirm": "on"},
        follow=True,
    )

    assert response.redirect_chain == [(page(world), 302)]
    assert "The personal data of 1 contact is erased" in response.content.decode()
    anna.refresh_from_db()
    # The role stays, the person is gone, also from the history.
    assert (anna.title, anna.name, anna.email, anna.purpose) == ("Leitung", "", "", "")
    assert not Phone.objects.filter(contact=anna).exists()
    assert not Contact.history.filter(id=anna.pk).exclude(name="").exists()
    assert Service.objects.get(pk=world.active_a.pk).name == "Krabbelgruppe"
    assert client.get(page(world), {"q": "Anna Schmidt"}).context["export"]["contacts"] == []


def test_erasure_needs_the_explicit_confirmation(client, world, coordinator, anna):
    response = client.post(page(world), {"q": "Anna Schmidt", "contacts": [str(anna.pk)]})

    assert response.status_code == 200
    assert "Confirm the erasure by ticking the box." in response.content.decode()
    anna.refresh_from_db()
    assert anna.name == "Anna Schmidt"


def test_erasure_never_reaches_another_kommunes_person(
    client, world, coordinator, anna, pankow_anna
):
    response = client.post(
        page(world),
        {"q": "Anna Schmidt", "contacts": [str(pankow_anna.pk)], "confirm": "on"},
    )

    assert response.status_code == 200
    assert response.context["erase_form"].errors["contacts"]
    pankow_anna.refresh_from_db()
    assert pankow_anna.name == "Anna Schmidt"


def test_only_coordinators_reach_personal_data(client, world, anna):
    for role in ("steering_marzahn", "provider_a", "coordinator_pankow"):
        client.force_login(world.users[role])
        assert client.get(page(world), {"q": "Anna Schmidt"}).status_code == 403
        assert (
            client.post(
                page(world), {"q": "Anna Schmidt", "contacts": [str(anna.pk)], "confirm": "on"}
            ).status_code
            == 403
        )
    anna.refresh_from_db()
    assert anna.name == "Anna Schmidt"
