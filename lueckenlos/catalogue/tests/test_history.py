"""Every change to an offer is kept (who, when, what) and any earlier version can come back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lueckenlos.catalogue.history import (
    location_history,
    location_restore_version,
    organization_history,
    organization_restore_version,
    service_history,
    service_restore_version,
)
from lueckenlos.catalogue.models import Service, TaxonomyTerm
from lueckenlos.catalogue.services import (
    location_create,
    location_update,
    organization_create,
    organization_update,
    record_versions,
    service_create,
    service_update,
    services_set_status,
)
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.org", "pw")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.org", "pw")


def term(code: str) -> TaxonomyTerm:
    taxonomy, term_code = code.split(":")
    return TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=term_code)


@pytest.fixture
def offer(marzahn, alice):
    provider = OrganizationFactory(kommune=marzahn.kommune, name="Jugendamt")
    return service_create(
        kommune=marzahn.kommune,
        organization=provider,
        data={
            "name": "Babyschwimmen",
            "status": Service.Status.DRAFT,
            "terms": [term("life_phase:infant")],
            "languages": [{"code": "de"}],
            "cost_options": [{"kind": "free"}],
        },
        acting_user=alice,
    )


def test_each_save_is_a_version_naming_who_saved_it(offer, alice, bob):
    service_update(service=offer, data={"name": "Babyschwimmen im Bad"}, acting_user=bob)

    versions = service_history(offer)

    assert [(v.number, v.user, v.kind) for v in versions] == [
        (2, bob, "changed"),
        (1, alice, "created"),
    ]


def test_the_diff_names_fields_by_their_labels_and_values_as_people_read_them(offer, bob):
    service_update(
        service=offer,
        data={
            "status": Service.Status.ACTIVE,
            "terms": [term("life_phase:infant"), term("life_phase:preschool")],
            "languages": [{"code": "de"}, {"code": "tr"}],
        },
        acting_user=bob,
    )

    changes = {c.label: (c.old, c.new) for c in service_history(offer)[0].changes}

    # Only what changed, with status labels, term and language names instead of codes.
    assert set(changes) == {"status", "classification", "languages of the offer"}
    assert changes["status"] == ("draft", "active")
    assert changes["languages of the offer"] == ("German", "German; Turkish")
    old_terms, new_terms = changes["classification"]
    assert term("life_phase:preschool").name not in old_terms
    assert term("life_phase:preschool").name in new_terms


def test_an_earlier_version_comes_back_with_its_parts_as_a_new_version(offer, alice, bob):
    first = service_history(offer)[0]
    service_update(
        service=offer,
        data={
            "name": "Schwimmen",
            "terms": [term("life_phase:preschool")],
            "languages": [{"code": "ar"}],
            "cost_options": [{"kind": "fee", "amount": "12.50"}],
        },
        acting_user=bob,
    )

    service_restore_version(service=offer, version_id=first.id, acting_user=alice)

    offer = Service.objects.get(pk=offer.pk)
    assert offer.name == "Babyschwimmen"
    assert list(offer.terms.values_list("code", flat=True)) == ["infant"]
    assert list(offer.languages.values_list("code", flat=True)) == ["de"]
    assert list(offer.cost_options.values_list("kind", flat=True)) == ["free"]
    # Nothing of the history is lost: the restore is a third version on top.
    versions = service_history(offer)
    assert [v.number for v in versions] == [3, 2, 1]
    assert versions[0].kind == "earlier version restored"
    assert versions[0].user == alice


def test_a_version_of_another_offer_is_refused(offer, marzahn, alice):
    other = ServiceFactory(kommune=marzahn.kommune)
    other.name = "Anders"
    other.save()

    with pytest.raises(ValidationError):
        service_restore_version(
            service=offer, version_id=other.history.first().history_id, acting_user=alice
        )


def test_provider_history_and_restore(marzahn, alice, bob):
    provider = organization_create(
        kommune=marzahn.kommune, data={"name": "Kita Sonnenschein"}, acting_user=alice
    )
    organization_update(organization=provider, data={"name": "Kita Regenbogen"}, acting_user=bob)
    first = organization_history(provider)[-1]

    organization_restore_version(organization=provider, version_id=first.id, acting_user=alice)

    provider.refresh_from_db()
    assert provider.name == "Kita Sonnenschein"
    latest = organization_history(provider)[0]
    assert [(c.label, c.old, c.new) for c in latest.changes] == [
        ("name", "Kita Regenbogen", "Kita Sonnenschein")
    ]


def test_location_history_shows_the_area_by_name(marzahn, alice, bob):
    location, _warnings = location_create(
        kommune=marzahn.kommune,
        data={"name": "Stadtteilzentrum", "latitude": 52.505, "longitude": 13.56},
        acting_user=alice,
    )
    location_update(
        location=location, data={"latitude": 52.515, "longitude": 13.56}, acting_user=bob
    )

    changes = {c.label: (c.old, c.new) for c in location_history(location)[0].changes}

    assert changes["area"] == (str(marzahn.south), str(marzahn.north))
    location_restore_version(
        location=location, version_id=location_history(location)[-1].id, acting_user=alice
    )
    location.refresh_from_db()
    assert location.area == marzahn.south


def test_bulk_writers_record_one_summary_row_per_record(marzahn, alice):
    provider = OrganizationFactory(kommune=marzahn.kommune)
    offers = Service.objects.bulk_create(
        [
            Service(kommune=marzahn.kommune, organization=provider, name=f"Import {n}")
            for n in range(3)
        ]
    )

    assert record_versions(objects=offers, acting_user=alice, reason="import") == 3

    assert [(v.user, v.kind) for v in service_history(offers[0])] == [(alice, "imported")]


def test_bulk_status_changes_are_versions_too(offer, bob):
    services_set_status(
        services=Service.objects.filter(pk=offer.pk), status="active", acting_user=bob
    )

    latest = service_history(offer)[0]
    # The terms go with the bulk version: only the status differs.
    assert (latest.number, latest.user) == (2, bob)
    assert [(c.label, c.new) for c in latest.changes] == [("status", "active")]


def test_the_back_office_restores_a_version_through_the_history_page(admin_client, offer, bob):
    first = service_history(offer)[0]
    service_update(service=offer, data={"name": "Schwimmen"}, acting_user=bob)

    response = admin_client.post(
        reverse("admin:catalogue_service_simple_history", args=[offer.pk, first.id]), {}
    )

    assert response.status_code == 302
    assert Service.objects.get(pk=offer.pk).name == "Babyschwimmen"
    assert service_history(offer)[0].kind == "earlier version restored"
