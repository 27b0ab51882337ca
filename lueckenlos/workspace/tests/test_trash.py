"""The trash shows what was deleted in this Kommune, and a coordinator takes it out again:
a restored active offer is back in the portal and its search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lueckenlos.accounts.tests.personas import World, build_world
from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.catalogue.services import location_delete, organization_delete, service_delete
from lueckenlos.search.models import OfferDocument
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(marzahn, pankow, settings) -> World:
    settings.REQUIRE_SECOND_FACTOR = False
    return build_world(marzahn.kommune, pankow.kommune)


@pytest.fixture
def coordinator(client, world):
    user = world.users["coordinator_marzahn"]
    user.first_name, user.last_name = "Clara", "Koordinatorin"
    user.save()
    client.force_login(user)
    return user


def trash_url(world: World, kommune=None) -> str:
    return reverse("workspace:trash", args=[(kommune or world.marzahn).slug])


def restore_url(world: World, kind: str, obj) -> str:
    return reverse("workspace:trash_restore", args=[world.marzahn.slug, kind, obj.pk])


def test_it_lists_the_kommunes_deleted_records_with_who_and_when(client, world, coordinator):
    empty = OrganizationFactory(kommune=world.marzahn, name="Leerer Träger")
    service_delete(service=world.active_a, acting_user=coordinator)
    organization_delete(organization=empty, acting_user=coordinator)
    location_delete(location=world.location_b, acting_user=coordinator)
    service_delete(service=world.draft_pankow, acting_user=world.users["coordinator_pankow"])

    response = client.get(trash_url(world))

    assert response.status_code == 200
    rows = response.context["rows"]
    # Last deleted first; Pankow's trash is Pankow's.
    assert [(row.obj.name, row.kind) for row in rows] == [
        ("Haus B", "ort"),
        ("Leerer Träger", "traeger"),
        ("Krabbelgruppe", "angebot"),
    ]
    assert {row.deleted_by for row in rows} == {"Clara Koordinatorin"}
    body = response.content.decode()
    assert world.draft_pankow.name not in body
    assert restore_url(world, "angebot", world.active_a) in body


def test_restoring_an_offer_brings_it_back_into_the_portal_and_its_search(
    client, world, coordinator
):
    offer = world.active_a
    portal_offer = reverse("portal:offer", args=[world.marzahn.slug, offer.pk])
    search = reverse("portal:offers", args=[world.marzahn.slug]) + "?q=Krabbelgruppe"
    service_delete(service=offer, acting_user=coordinator)
    assert not OfferDocument.objects.filter(service_id=offer.pk).exists()
    assert client.get(portal_offer).status_code == 404

    response = client.post(restore_url(world, "angebot", offer), follow=True)

    assert response.redirect_chain == [(trash_url(world), 302)]
    assert "“Krabbelgruppe” is restored from the trash." in response.content.decode()
    assert response.context["rows"] == []
    assert not Service.objects.get(pk=offer.pk).in_trash
    assert OfferDocument.objects.filter(service_id=offer.pk).exists()
    assert client.get(portal_offer).status_code == 200
    assert "Krabbelgruppe" in client.get(search).content.decode()


def test_an_offer_whose_provider_is_in_the_trash_waits_for_it(client, world, coordinator):
    provider = OrganizationFactory(kommune=world.marzahn, name="Träger im Papierkorb")
    offer = ServiceFactory(kommune=world.marzahn, organization=provider, name="Waisenangebot")
    service_delete(service=offer, acting_user=coordinator)
    organization_delete(organization=provider, acting_user=coordinator)

    page = client.get(trash_url(world))
    (offer_row,) = [row for row in page.context["rows"] if row.obj.pk == offer.pk]
    assert "Träger im Papierkorb" in offer_row.note
    response = client.post(restore_url(world, "angebot", offer), follow=True)

    assert "restore it first" in response.content.decode()
    assert Service.all_objects.get(pk=offer.pk).in_trash

    client.post(restore_url(world, "traeger", provider))
    client.post(restore_url(world, "angebot", offer))
    assert Service.objects.filter(pk=offer.pk).exists()


def test_a_location_comes_back_too(client, world, coordinator):
    location_delete(location=world.location_a, acting_user=coordinator)

    client.post(restore_url(world, "ort", world.location_a))

    assert Location.objects.filter(pk=world.location_a.pk).exists()


@pytest.mark.parametrize("kind", ["traeger", "ort", "nutzer"])
def test_the_kind_must_match_the_record(client, world, coordinator, kind):
    service_delete(service=world.active_a, acting_user=coordinator)

    response = client.post(restore_url(world, kind, world.active_a))

    assert response.status_code == 404
    assert Service.all_objects.get(pk=world.active_a.pk).in_trash


def test_another_kommunes_trash_is_out_of_reach(client, world, coordinator):
    service_delete(service=world.draft_pankow, acting_user=world.users["coordinator_pankow"])

    assert client.post(restore_url(world, "angebot", world.draft_pankow)).status_code == 404
    assert client.get(trash_url(world, world.pankow)).status_code == 403
    assert Service.all_objects.get(pk=world.draft_pankow.pk).in_trash


def test_only_coordinators_see_and_empty_the_trash(client, world):
    service_delete(service=world.active_a, acting_user=world.users["admin"])
    for role in ("steering_marzahn", "provider_a"):
        client.force_login(world.users[role])
        assert client.get(trash_url(world)).status_code == 403
        assert client.post(restore_url(world, "angebot", world.active_a)).status_code == 403
    assert Service.all_objects.get(pk=world.active_a.pk).in_trash
    assert Organization.objects.filter(pk=world.kita_a.pk).exists()


def test_a_restore_by_get_changes_nothing(client, world, coordinator):
    service_delete(service=world.active_a, acting_user=coordinator)

    assert client.get(restore_url(world, "angebot", world.active_a)).status_code == 405
    assert Service.all_objects.get(pk=world.active_a.pk).in_trash
