"""The HSDS API of a Kommune: envelope and paging, filters, 404s, and tenant isolation."""

from __future__ import annotations

import pytest

from lueckenlos.catalogue.models import TaxonomyTerm
from lueckenlos.interop.hsds.schemas import validator
from lueckenlos.interop.hsds.serialize import derived_id
from lueckenlos.interop.tests.test_hsds_export import build_catalogue
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

ENVELOPE = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


@pytest.fixture
def catalogue(marzahn, pankow):
    kita = build_catalogue(marzahn.kommune)
    for n in range(4):
        ServiceFactory(kommune=marzahn.kommune, name=f"Elterncafé {n}")
    pankow_offer = ServiceFactory(kommune=pankow.kommune, name="Pankower Krabbelgruppe")
    ServiceAtLocationFactory(
        service=pankow_offer,
        location=LocationFactory(
            kommune=pankow.kommune, postal_code="13187", latitude=52.575, longitude=13.405
        ),
    )
    return kita, pankow_offer


def api(client, path: str, **params):
    return client.get(f"/api/hsds/marzahn-hellersdorf/{path}", params)


def test_the_root_names_the_version_and_the_openapi_document(client, catalogue):
    response = api(client, "")
    assert response.status_code == 200
    assert response.json()["version"] == "3.0"
    assert response.json()["openapi_url"].endswith("/api/hsds/marzahn-hellersdorf/openapi.json")
    assert not response.cookies  # public, no session


def test_services_are_paged_in_the_spec_envelope(client, catalogue):
    first = api(client, "services", per_page=2).json()
    assert set(first) == ENVELOPE
    assert (first["total_items"], first["total_pages"], first["size"]) == (5, 3, 2)
    assert (first["first_page"], first["last_page"], first["empty"]) == (True, False, False)
    last = api(client, "services", per_page=2, page=3).json()
    assert (last["size"], last["last_page"]) == (1, True)
    ids = [s["id"] for s in first["contents"]]
    assert ids == sorted(ids)


def test_bad_paging_is_refused_with_a_reason(client, catalogue):
    response = api(client, "services", page="zero")
    assert response.status_code == 400
    assert "page" in response.json()["detail"]


def test_services_filter_by_search_term_taxonomy_and_provider(client, catalogue):
    kita, _pankow = catalogue
    assert [s["name"] for s in api(client, "services", search="sprach").json()["contents"]] == [
        kita.name
    ]
    preschool = derived_id("taxonomy_term", "life_phase", "preschool")
    by_term = api(client, "services", taxonomy_term_id=preschool).json()
    assert [s["id"] for s in by_term["contents"]] == [str(kita.pk)]
    by_taxonomy = api(client, "services", taxonomy_id=derived_id("taxonomy", "field_of_action"))
    assert by_taxonomy.json()["total_items"] == 1
    by_provider = api(client, "services", organization_id=str(kita.organization_id)).json()
    assert by_provider["total_items"] == 1  # its draft is not public
    assert api(client, "services", modified_after="2999-01-01").json()["empty"] is True


def test_a_full_service_is_valid_hsds(client, catalogue):
    kita, _pankow = catalogue
    found = api(client, f"services/{kita.pk}").json()
    assert found["name"] == kita.name
    assert "last_modified" in found
    assert list(validator("service", check_formats=True).iter_errors(found)) == []
    listed = api(client, "services", full="true", search="sprach").json()["contents"]
    assert listed[0]["service_at_locations"]


def test_unknown_kommune_and_ids_answer_404(client, catalogue):
    _kita, pankow_offer = catalogue
    assert client.get("/api/hsds/nowhere/services").status_code == 404
    assert api(client, "services/not-a-uuid").status_code == 404
    assert api(client, f"services/{derived_id('x')}").status_code == 404
    # Pankow's offer exists, but never under Marzahn-Hellersdorf's address.
    assert api(client, f"services/{pankow_offer.pk}").status_code == 404


def test_pankows_offers_never_appear_in_marzahns_api(client, catalogue):
    names = {s["name"] for s in api(client, "services", per_page=100).json()["contents"]}
    assert "Pankower Krabbelgruppe" not in names
    sal = api(client, "service_at_locations", postcode="13187").json()
    assert sal["empty"] is True


def test_service_at_locations_filter_by_postcode_and_proximity(client, catalogue):
    by_postcode = api(client, "service_at_locations", postcode="12679").json()
    assert [s["location"]["name"] for s in by_postcode["contents"]] == ["Kita Sonnenschein"]
    near = api(client, "service_at_locations", proximity="52.516,13.556,500").json()
    assert near["total_items"] == 1
    far = api(client, "service_at_locations", proximity="52.60,13.70,500").json()
    assert far["empty"] is True
    around_postcode = api(client, "service_at_locations", postcode="12679", proximity="100")
    assert around_postcode.json()["total_items"] == 1
    assert api(client, "service_at_locations", proximity="near").status_code == 400
    one = by_postcode["contents"][0]
    detail = api(client, f"service_at_locations/{one['id']}").json()
    assert detail["service"]["name"] == "Sprachförderung in der Kita"


def test_organizations_list_only_providers_of_public_offers(client, catalogue):
    kita, _pankow = catalogue
    found = api(client, "organizations", search="Kinderland").json()
    assert [o["name"] for o in found["contents"]] == ["Kinderland e. V."]
    full = api(client, f"organizations/{kita.organization_id}").json()
    assert full["services"] == [{"id": str(kita.pk)}]
    assert "Erika Mustermann" not in str(full)


def test_taxonomies_and_terms(client, catalogue):
    life_phase = derived_id("taxonomy", "life_phase")
    assert api(client, f"taxonomies/{life_phase}").json()["name"] == "Lebensphasen"
    terms = api(client, "taxonomy_terms", taxonomy_id=life_phase, per_page=100).json()
    assert terms["total_items"] == TaxonomyTerm.objects.filter(taxonomy__code="life_phase").count()
    infant = derived_id("taxonomy_term", "life_phase", "infant")
    term = api(client, f"taxonomy_terms/{infant}").json()
    assert term["taxonomy_detail"]["id"] == life_phase
    assert api(client, f"taxonomy_terms/{derived_id('none')}").status_code == 404
