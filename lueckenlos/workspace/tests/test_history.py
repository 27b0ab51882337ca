"""The workspace shows every version of an offer, provider or location as a diff, and a
coordinator restores an earlier one as a new version."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lueckenlos.accounts.tests.personas import World, build_world
from lueckenlos.catalogue.history import service_history
from lueckenlos.catalogue.models import Location, Organization, Service, TaxonomyTerm
from lueckenlos.catalogue.services import (
    location_update,
    organization_update,
    record_versions,
    service_delete,
    service_update,
)
from lueckenlos.freshness.services import offer_confirm_by_link
from lueckenlos.workspace.views import history as history_views

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


def as_user(client, world: World, role: str):
    client.force_login(world.users[role])
    return client


def url(name: str, world: World, *args) -> str:
    return reverse(f"workspace:{name}", args=[world.marzahn.slug, *args])


def term(code: str) -> TaxonomyTerm:
    taxonomy, term_code = code.split(":")
    return TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=term_code)


def test_it_shows_every_version_newest_first_with_who_why_and_a_field_diff(
    client, world, coordinator
):
    offer = world.active_a
    service_update(
        service=offer,
        data={
            "name": "Krabbelgruppe am Morgen",
            "languages": [{"code": "de"}, {"code": "tr"}],
            "terms": [term("life_phase:infant")],
        },
        acting_user=coordinator,
        reason="Telefonat mit der Kita",
    )

    response = client.get(url("offer_history", world, offer.pk))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.version.number for row in rows] == [2, 1]
    newest = rows[0]
    assert newest.who == "Clara Koordinatorin"
    assert newest.reason == "Telefonat mit der Kita"
    changes = {c.label: (c.old, c.new) for c in newest.version.changes}
    assert changes["name"] == ("Krabbelgruppe", "Krabbelgruppe am Morgen")
    assert changes["languages of the offer"] == ("", "German; Turkish")
    assert "classification" in changes
    body = response.content.decode()
    assert "Telefonat mit der Kita" in body
    assert "Krabbelgruppe am Morgen" in body
    # The current version has nothing to restore; the earlier one has.
    assert newest.restore_url is None
    assert rows[1].restore_url == url("offer_restore", world, offer.pk, rows[1].version.id)
    assert rows[1].restore_url in body


def test_it_names_imports_and_the_confirmation_link_as_recorded(client, world, coordinator):
    offer = world.active_a
    offer_confirm_by_link(service=offer)
    record_versions(objects=[Service.objects.get(pk=offer.pk)], acting_user=None, reason="import")

    rows = client.get(url("offer_history", world, offer.pk)).context["rows"]

    assert [(row.who, row.what) for row in rows[:2]] == [
        ("import", "imported"),
        ("confirmation link", "changed together with others"),
    ]


def test_a_provider_editor_reads_the_history_of_their_own_offers_only(client, world):
    as_user(client, world, "provider_a")

    assert client.get(url("offer_history", world, world.active_a.pk)).status_code == 200
    assert client.get(url("offer_history", world, world.draft_b.pk)).status_code == 404
    # Providers and locations are the coordinator's records: their history too.
    assert client.get(url("organization_history", world, world.kita_a.pk)).status_code == 403
    assert client.get(url("location_history", world, world.location_a.pk)).status_code == 403


def test_a_provider_editor_and_the_steering_group_see_no_restore(client, world):
    service_update(service=world.active_a, data={"name": "Neu"}, acting_user=world.users["admin"])
    for role in ("provider_a", "steering_marzahn"):
        response = as_user(client, world, role).get(url("offer_history", world, world.active_a.pk))
        assert response.status_code == 200
        assert all(row.restore_url is None for row in response.context["rows"])
        first = response.context["rows"][-1].version.id
        restore = url("offer_restore", world, world.active_a.pk, first)
        assert client.get(restore).status_code == 403
        assert client.post(restore).status_code == 403
    assert Service.objects.get(pk=world.active_a.pk).name == "Neu"


def test_a_record_in_the_trash_keeps_its_history_and_says_so(client, world, coordinator):
    service_delete(service=world.active_a, acting_user=coordinator)

    response = client.get(url("offer_history", world, world.active_a.pk))

    assert response.status_code == 200
    assert "This record is in the trash" in response.content.decode()
    assert response.context["rows"][0].what == "moved to the trash"
    assert all(row.restore_url is None for row in response.context["rows"])
    assert response.context["edit_url"] is None


def test_another_kommunes_record_is_not_found(client, world, coordinator):
    pankow_offer = Service.objects.get(pk=world.draft_pankow.pk)

    assert client.get(url("offer_history", world, pankow_offer.pk)).status_code == 404
    assert client.get(url("organization_history", world, world.pankow_org.pk)).status_code == 404
    first = service_history(pankow_offer)[-1].id
    restore = url("offer_restore", world, pankow_offer.pk, first)
    assert client.post(restore).status_code == 404


def test_the_confirmation_shows_the_versions_values_and_changes_nothing(client, world, coordinator):
    offer = world.active_a
    first = service_history(offer)[-1]
    service_update(service=offer, data={"name": "Umbenannt"}, acting_user=coordinator)

    response = client.get(url("offer_restore", world, offer.pk, first.id))

    assert response.status_code == 200
    fields = {
        label: (now, then, differs) for label, now, then, differs in response.context["fields"]
    }
    assert fields["name"] == ("Umbenannt", "Krabbelgruppe", True)
    assert response.context["changed"] == 1
    assert Service.objects.get(pk=offer.pk).name == "Umbenannt"


def test_restoring_puts_the_version_back_as_a_new_version(client, world, coordinator):
    offer = world.active_a
    first = service_history(offer)[-1]
    service_update(service=offer, data={"name": "Umbenannt"}, acting_user=coordinator)

    response = client.post(url("offer_restore", world, offer.pk, first.id), follow=True)

    assert response.redirect_chain[-1][0] == url("offer_history", world, offer.pk)
    assert Service.objects.get(pk=offer.pk).name == "Krabbelgruppe"
    rows = response.context["rows"]
    # Nothing is lost: the renamed version stays between the two.
    assert [row.version.number for row in rows] == [3, 2, 1]
    assert rows[0].what == f"version {first.number} restored"
    assert rows[0].who == "Clara Koordinatorin"
    assert "is restored, as a new version" in response.content.decode()


def test_a_version_of_another_record_is_not_found(client, world, coordinator):
    other = service_history(world.draft_a)[-1]

    response = client.get(url("offer_restore", world, world.active_a.pk, other.id))

    assert response.status_code == 404


def test_a_record_in_the_trash_is_taken_out_of_it_before_a_restore(client, world, coordinator):
    offer = world.active_a
    first = service_history(offer)[-1]
    service_update(service=offer, data={"name": "Umbenannt"}, acting_user=coordinator)
    service_delete(service=offer, acting_user=coordinator)

    response = client.post(url("offer_restore", world, offer.pk, first.id), follow=True)

    assert "restore it from the trash first" in response.content.decode()
    assert Service.all_objects.get(pk=offer.pk).name == "Umbenannt"


def test_a_refused_restore_shows_why_on_the_page(client, world, coordinator, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("“Kita” does not fit the age range 0 to 12 months.")

    monkeypatch.setattr(
        history_views, "OFFER", dataclasses.replace(history_views.OFFER, restore=refuse)
    )
    offer = world.active_a
    first = service_history(offer)[-1]

    response = client.post(url("offer_restore", world, offer.pk, first.id))

    assert response.status_code == 200
    assert response.context["errors"] == ["“Kita” does not fit the age range 0 to 12 months."]
    assert "This version cannot be restored" in response.content.decode()


def test_a_providers_and_a_locations_versions_are_restored_too(client, world, coordinator):
    provider, location = world.kita_a, world.location_a
    provider_first = history_views.ORGANIZATION.history(provider)[-1]
    location_first = history_views.LOCATION.history(location)[-1]
    organization_update(organization=provider, data={"name": "Kita Sonne"}, acting_user=coordinator)
    location_update(location=location, data={"name": "Haus Sonne"}, acting_user=coordinator)

    response = client.get(url("organization_history", world, provider.pk))
    changes = {c.label: (c.old, c.new) for c in response.context["rows"][0].version.changes}
    assert changes["name"] == ("Kita A", "Kita Sonne")
    assert client.get(url("location_history", world, location.pk)).status_code == 200

    client.post(url("organization_restore", world, provider.pk, provider_first.id))
    client.post(url("location_restore", world, location.pk, location_first.id))

    assert Organization.objects.get(pk=provider.pk).name == "Kita A"
    assert Location.objects.get(pk=location.pk).name == "Haus A"


def test_a_record_loaded_in_bulk_says_that_no_version_is_recorded(client, world, coordinator):
    # The demo loader and early imports wrote no history rows.
    Service.history.filter(id=world.active_a.pk).delete()

    response = client.get(url("offer_history", world, world.active_a.pk))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "No version is recorded yet" in response.content.decode()
