"""Two people edit the same record: the second save is refused, no change is lost."""

from __future__ import annotations

import pytest

from lueckenlos.catalogue.models import Service
from lueckenlos.catalogue.services import (
    EditConflict,
    location_update,
    organization_update,
    service_update,
)
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.org", "pw")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.org", "pw")


def test_every_save_counts_up_the_version(marzahn, alice):
    offer = ServiceFactory(kommune=marzahn.kommune)
    assert offer.version == 1

    service_update(service=offer, data={"name": "Neu"}, acting_user=alice)
    service_update(service=offer, data={"name": "Neuer"}, acting_user=alice)

    assert Service.objects.get(pk=offer.pk).version == 3


def test_the_second_of_two_edits_of_the_same_version_is_refused_with_both_versions(
    marzahn, alice, bob
):
    offer = ServiceFactory(kommune=marzahn.kommune, name="Elterncafé")
    # Both load version 1.
    alices_copy = Service.objects.get(pk=offer.pk)
    bobs_copy = Service.objects.get(pk=offer.pk)
    service_update(
        service=alices_copy,
        data={"name": "Elterncafé am Markt"},
        acting_user=alice,
        expected_version=1,
    )

    with pytest.raises(EditConflict) as conflict:
        service_update(
            service=bobs_copy,
            data={"name": "Elterncafé im Park", "terms": []},
            acting_user=bob,
            expected_version=1,
        )

    # Bob sees what is stored now (Alice's) next to what he tried to save.
    assert conflict.value.stored.name == "Elterncafé am Markt"
    assert conflict.value.stored.version == 2
    assert conflict.value.attempted["name"] == "Elterncafé im Park"
    assert "version 1" in conflict.value.message and "version 2" in conflict.value.message
    stored = Service.objects.get(pk=offer.pk)
    assert (stored.name, stored.version) == ("Elterncafé am Markt", 2)


def test_an_edit_of_the_current_version_goes_through(marzahn, alice):
    offer = ServiceFactory(kommune=marzahn.kommune)

    service_update(service=offer, data={"name": "Neu"}, acting_user=alice, expected_version=1)

    assert Service.objects.get(pk=offer.pk).name == "Neu"


def test_providers_and_locations_refuse_stale_edits_too(marzahn, alice):
    provider = OrganizationFactory(kommune=marzahn.kommune)
    location = LocationFactory(kommune=marzahn.kommune)
    organization_update(organization=provider, data={"name": "A"}, acting_user=alice)
    location_update(location=location, data={"name": "A"}, acting_user=alice)

    with pytest.raises(EditConflict):
        organization_update(
            organization=provider, data={"name": "B"}, acting_user=alice, expected_version=1
        )
    with pytest.raises(EditConflict):
        location_update(
            location=location, data={"name": "B"}, acting_user=alice, expected_version=1
        )
