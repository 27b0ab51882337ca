"""Reading the API: public data for everyone, drafts as roles allow, paging, the search."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.factories import LocationFactory, ServiceFactory


def names(response) -> list[str]:
    return [offer["name"] for offer in response.json()["results"]]


def test_anyone_reads_the_active_offers(world, client_of):
    response = client_of("anonymous").get("/api/v1/offers/")
    assert response.status_code == 200
    assert names(response) == ["Krabbelgruppe"]
    offer = response.json()["results"][0]
    assert offer["kommune"] == "marzahn-hellersdorf"
    assert offer["organization"] == str(world.kita_a.pk)
    assert offer["locations"] == [str(world.location_a.pk)]


def test_a_draft_is_hidden_from_the_public_and_from_other_providers(world, client_of):
    address = f"/api/v1/offers/{world.draft_a.pk}/"
    assert client_of("anonymous").get(address).status_code == 404
    assert client_of("provider_b").get(address).status_code == 404
    assert client_of("provider_a").get(address).status_code == 200
    assert client_of("steering_marzahn").get(address).status_code == 200
    assert client_of("coordinator_pankow").get(address).status_code == 404


def test_a_coordinator_lists_drafts_by_status(world, client_of):
    response = client_of("coordinator_marzahn").get(
        "/api/v1/offers/", {"kommune": "marzahn-hellersdorf", "status": "draft"}
    )
    assert names(response) == ["Elterncafé", "Hausaufgaben"]


def test_a_county_coordinator_reads_the_contained_kommunen(world, client_of):
    response = client_of("county_coordinator").get("/api/v1/offers/", {"kommune": "berlin"})
    assert names(response) == ["Elterncafé", "Hausaufgaben", "Krabbelgruppe"]


def test_pages_have_a_size_with_a_maximum(world, client_of):
    for number in range(3):
        ServiceFactory(kommune=world.marzahn, organization=world.kita_a, name=f"Kurs {number}")
    client = client_of("anonymous")
    first = client.get("/api/v1/offers/", {"page_size": 2}).json()
    assert first["count"] == 4
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert client.get("/api/v1/offers/", {"page_size": 2, "page": 3}).status_code == 404
    # More than the maximum asked for: the maximum given.
    assert len(client.get("/api/v1/offers/", {"page_size": 5000}).json()["results"]) == 4


def test_the_portal_search_finds_by_age_and_life_phase(world, client_of):
    kita = ServiceFactory(
        kommune=world.marzahn,
        organization=world.kita_a,
        name="Kita Sonnenschein",
        min_age_months=12,
        max_age_months=72,
        terms=["life_phase:preschool"],
    )
    kita.locations.add(world.location_a)
    client = client_of("anonymous")
    found = client.get(
        "/api/v1/offers/", {"kommune": "marzahn-hellersdorf", "alter": "4", "phase": "preschool"}
    ).json()
    assert [offer["name"] for offer in found["results"]] == ["Kita Sonnenschein"]
    assert found["results"][0]["terms"] == ["life_phase:preschool"]
    assert found["messages"] == []
    words = client.get("/api/v1/offers/", {"kommune": "marzahn-hellersdorf", "q": "Sonnenschein"})
    assert names(words) == ["Kita Sonnenschein"]


def test_the_search_names_what_it_left_out(world, client_of, english):
    response = client_of("anonymous").get(
        "/api/v1/offers/", {"kommune": "marzahn-hellersdorf", "alter": "-3"}
    )
    assert response.status_code == 200
    assert response.json()["messages"] == ["The age “-3” is not a number of years from 0 to 27."]


def test_the_search_needs_a_kommune_and_no_status(world, client_of, english):
    client = client_of("coordinator_marzahn")
    assert client.get("/api/v1/offers/", {"q": "kita"}).status_code == 400
    refused = client.get(
        "/api/v1/offers/", {"q": "kita", "kommune": "marzahn-hellersdorf", "status": "draft"}
    )
    assert refused.status_code == 400
    unknown = client.get("/api/v1/offers/", {"kommune": "atlantis"})
    assert unknown.json() == {"kommune": ["Unknown Kommune “atlantis”."]}


def test_the_search_pages_like_the_list(world, client_of):
    for number in range(5):
        ServiceFactory(
            kommune=world.marzahn, organization=world.kita_a, name=f"Spielkreis {number}"
        )
    client = client_of("anonymous")
    query = {"kommune": "marzahn-hellersdorf", "q": "Spielkreis", "page_size": 2}
    second = client.get("/api/v1/offers/", {**query, "page": 2}).json()
    assert second["count"] == 5
    assert [offer["name"] for offer in second["results"]] == ["Spielkreis 2", "Spielkreis 3"]


def test_providers_and_locations_without_active_offers_stay_private(world, client_of):
    anonymous = client_of("anonymous")
    organizations = anonymous.get("/api/v1/organizations/").json()["results"]
    assert [org["name"] for org in organizations] == ["Kita A"]
    assert anonymous.get(f"/api/v1/locations/{world.location_b.pk}/").status_code == 404
    steering = client_of("steering_marzahn")
    assert steering.get(f"/api/v1/locations/{world.location_b.pk}/").status_code == 200


def test_kommunen_areas_and_vocabularies_are_public(marzahn, client_of):
    client = APIClient()
    kommunen = client.get("/api/v1/kommunen/").json()["results"]
    assert [k["slug"] for k in kommunen] == ["berlin", "marzahn-hellersdorf", "pankow"]
    assert kommunen[1]["parent"] == "berlin"
    areas = client.get("/api/v1/areas/", {"kommune": "marzahn-hellersdorf"}).json()["results"]
    assert [area["name"] for area in areas] == [
        "Marzahn-Hellersdorf Region",
        "Marzahn-Hellersdorf Nord",
        "Marzahn-Hellersdorf Süd",
    ]
    assert "boundary" not in areas[0]
    one = client.get(f"/api/v1/areas/{marzahn.north.pk}/").json()
    assert one["boundary"]["type"] == "Polygon"
    phases = client.get("/api/v1/taxonomies/life_phase/").json()
    assert [term["code"] for term in phases["terms"]][:2] == ["pregnancy", "infant"]


def test_a_wrong_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert client.get("/api/v1/offers/").status_code == 401


def test_lists_take_a_few_queries_whatever_their_length(
    world, client_of, django_assert_max_num_queries
):
    for number in range(20):
        offer = ServiceFactory(kommune=world.marzahn, organization=world.kita_a, name=f"K {number}")
        offer.locations.add(LocationFactory(kommune=world.marzahn))
    client = client_of("anonymous")
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/offers/", {"page_size": 25}).json()["results"]) == 21


def test_a_nul_character_is_refused_not_a_server_error(world, client_of):
    # PostgreSQL refuses NUL in a query; it must never reach the database.
    client = client_of("anonymous")
    assert client.get("/api/v1/offers/", {"kommune": "pan\x00kow"}).status_code == 400
    assert client.get("/api/v1/kommunen/pan%00kow/").status_code == 404
    assert client.get("/api/v1/taxonomies/life%00phase/").status_code == 404
    assert client.get("/api/v1/offers/", {"organization": "\x00"}).status_code == 400
