"""Edit conflicts in the API: a change based on an old version is refused with both versions."""

from __future__ import annotations

from lueckenlos.catalogue import services
from lueckenlos.catalogue.models import Location, Organization, Service


def test_a_record_shows_its_version_and_etag(world, client_of):
    response = client_of("coordinator_marzahn").get(f"/api/v1/offers/{world.draft_a.pk}/")
    assert response.json()["version"] == 1
    assert response["ETag"] == '"1"'


def test_a_change_from_the_current_version_goes_through_and_counts(world, client_of):
    client = client_of("coordinator_marzahn")
    response = client.patch(
        f"/api/v1/offers/{world.draft_a.pk}/",
        {"name": "Elterncafé am Montag"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'


def test_a_stale_if_match_is_refused_with_both_versions(world, client_of, english):
    # Someone else saved the offer after our client read version 1.
    services.service_update(
        service=world.draft_a,
        data={"name": "Elterncafé (neu)"},
        acting_user=world.users["provider_a"],
    )
    response = client_of("coordinator_marzahn").patch(
        f"/api/v1/offers/{world.draft_a.pk}/",
        {"name": "Elterncafé am Montag"},
        format="json",
        HTTP_IF_MATCH="1",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["detail"].startswith("“Elterncafé (neu)” was changed by someone else")
    assert "you started from version 1, it is now at version 2" in body["detail"]
    assert (body["stored"]["name"], body["stored"]["version"]) == ("Elterncafé (neu)", 2)
    assert body["attempted"] == {"name": "Elterncafé am Montag"}
    assert response["ETag"] == '"2"'
    # Nothing of the refused change was saved.
    assert Service.objects.get(pk=world.draft_a.pk).name == "Elterncafé (neu)"


def test_a_stale_version_in_the_body_is_refused_too(world, client_of):
    client = client_of("coordinator_marzahn")
    record = client.get(f"/api/v1/organizations/{world.kita_a.pk}/").json()
    first = client.put(
        f"/api/v1/organizations/{world.kita_a.pk}/", {**record, "name": "Kita Apfel"}, format="json"
    )
    assert first.status_code == 200, first.json()
    # The same stale copy, sent again: its version 1 is now old.
    second = client.put(
        f"/api/v1/organizations/{world.kita_a.pk}/", {**record, "name": "Kita Birne"}, format="json"
    )
    assert second.status_code == 409
    assert second.json()["stored"]["name"] == "Kita Apfel"
    assert Organization.objects.get(pk=world.kita_a.pk).name == "Kita Apfel"


def test_without_a_version_the_write_goes_through(world, client_of):
    # Saved by someone else since the client read it: without a version, last write wins.
    services.location_update(
        location=world.location_a,
        data={"name": "Haus A (alt)"},
        acting_user=world.users["coordinator_marzahn"],
    )
    response = client_of("coordinator_marzahn").patch(
        f"/api/v1/locations/{world.location_a.pk}/", {"name": "Haus Apfel"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["version"]) == ("Haus Apfel", 3)


def test_a_weak_etag_and_a_star_are_understood(world, client_of):
    client = client_of("coordinator_marzahn")
    address = f"/api/v1/offers/{world.draft_a.pk}/"
    # The site's gzip weakens the ETags it compresses; clients send them back as they got them.
    weak = client.patch(address, {"name": "A"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert weak.status_code == 200
    star = client.patch(address, {"name": "B"}, format="json", HTTP_IF_MATCH="*")
    assert (star.status_code, star.json()["version"]) == (200, 3)


def test_an_unreadable_or_contradicting_version_is_a_field_error(world, client_of, english):
    client = client_of("coordinator_marzahn")
    address = f"/api/v1/offers/{world.draft_a.pk}/"
    garbled = client.patch(address, {"name": "A"}, format="json", HTTP_IF_MATCH="yesterday")
    assert garbled.status_code == 400
    assert garbled.json()["If-Match"] == [
        "The If-Match header “yesterday” is no version: send the record's version number, "
        'such as "3".'
    ]
    both = client.patch(address, {"name": "A", "version": 1}, format="json", HTTP_IF_MATCH="2")
    assert both.status_code == 400
    assert "version" in both.json()
    assert Service.objects.get(pk=world.draft_a.pk).version == 1


def test_deleting_moves_to_the_trash_unless_the_copy_is_stale(world, client_of):
    client = client_of("coordinator_marzahn")
    address = f"/api/v1/offers/{world.draft_a.pk}/"
    client.patch(address, {"name": "Elterncafé (neu)"}, format="json")
    stale = client.delete(address, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    assert Service.objects.filter(pk=world.draft_a.pk).exists()
    current = client.delete(address, HTTP_IF_MATCH='"2"')
    assert current.status_code == 204
    # In the trash, not gone: restorable with its history.
    assert not Service.objects.filter(pk=world.draft_a.pk).exists()
    assert Service.all_objects.get(pk=world.draft_a.pk).in_trash
    assert client.get(address).status_code == 404


def test_a_location_in_the_trash_is_not_found_by_the_api(world, client_of):
    response = client_of("coordinator_marzahn").delete(f"/api/v1/locations/{world.location_b.pk}/")
    assert response.status_code == 204
    assert Location.all_objects.get(pk=world.location_b.pk).in_trash
    listed = client_of("coordinator_marzahn").get("/api/v1/locations/").json()["results"]
    assert str(world.location_b.pk) not in {location["id"] for location in listed}


def test_the_document_describes_if_match_and_409(client):
    document = client.get("/api/schema/", {"format": "json"}).json()
    for method in ("put", "patch", "delete"):
        operation = document["paths"]["/api/v1/offers/{id}/"][method]
        assert "If-Match" in {parameter["name"] for parameter in operation["parameters"]}
        assert "409" in operation["responses"]
    assert "goes through" in document["paths"]["/api/v1/offers/{id}/"]["patch"]["description"]
    assert "trash" in document["paths"]["/api/v1/offers/{id}/"]["delete"]["description"]
    # Reading takes no If-Match.
    reading = document["paths"]["/api/v1/offers/{id}/"]["get"]
    assert "If-Match" not in {parameter["name"] for parameter in reading["parameters"]}
