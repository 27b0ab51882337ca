"""Deleting moves offers, providers and locations to a trash from which they come back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lueckenlos.catalogue.history import service_history, trash_list, trash_restore
from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.catalogue.services import location_delete, organization_delete, service_delete
from lueckenlos.search.models import OfferDocument
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.org", "pw")


def indexed(service: Service) -> bool:
    return OfferDocument.objects.filter(service_id=service.pk).exists()


def test_a_deleted_offer_leaves_every_query_and_the_index_but_stays_in_the_trash(marzahn, alice):
    offer = ServiceFactory(kommune=marzahn.kommune)
    assert indexed(offer)

    service_delete(service=offer, acting_user=alice)

    assert not Service.objects.filter(pk=offer.pk).exists()
    assert not indexed(offer)  # the portal no longer finds it
    assert trash_list(marzahn.kommune) == [offer]
    trashed = Service.all_objects.get(pk=offer.pk)
    assert trashed.deleted_by == alice
    assert service_history(trashed)[0].kind == "moved to the trash"


def test_a_restored_offer_is_back_as_it_was_and_found_again(marzahn, alice):
    offer = ServiceFactory(kommune=marzahn.kommune, terms=["life_phase:preschool"])
    link = ServiceAtLocationFactory(service=offer)
    service_delete(service=offer, acting_user=alice)

    trash_restore(obj=Service.all_objects.get(pk=offer.pk), acting_user=alice)

    restored = Service.objects.get(pk=offer.pk)
    assert restored.deleted_at is None
    assert list(restored.terms.values_list("code", flat=True)) == ["preschool"]
    assert list(restored.locations.all()) == [link.location]
    assert indexed(restored)
    assert trash_list(marzahn.kommune) == []


def test_the_trash_holds_only_the_kommunes_own_records(marzahn, pankow, alice):
    ours = ServiceFactory(kommune=marzahn.kommune)
    theirs = ServiceFactory(kommune=pankow.kommune)
    service_delete(service=ours, acting_user=alice)
    service_delete(service=theirs, acting_user=alice)

    assert trash_list(marzahn.kommune) == [ours]


def test_a_provider_with_offers_is_refused_and_one_without_goes_to_the_trash(marzahn, alice):
    provider = OrganizationFactory(kommune=marzahn.kommune)
    offer = ServiceFactory(kommune=marzahn.kommune, organization=provider)
    with pytest.raises(ValidationError):
        organization_delete(organization=provider, acting_user=alice)

    service_delete(service=offer, acting_user=alice)
    organization_delete(organization=provider, acting_user=alice)

    assert not Organization.objects.filter(pk=provider.pk).exists()
    assert set(trash_list(marzahn.kommune)) == {offer, provider}


def test_an_offer_whose_provider_is_in_the_trash_waits_for_the_provider(marzahn, alice):
    provider = OrganizationFactory(kommune=marzahn.kommune, name="Kita Sonnenschein")
    offer = ServiceFactory(kommune=marzahn.kommune, organization=provider)
    service_delete(service=offer, acting_user=alice)
    organization_delete(organization=provider, acting_user=alice)

    with pytest.raises(ValidationError, match="Kita Sonnenschein"):
        trash_restore(obj=Service.all_objects.get(pk=offer.pk), acting_user=alice)

    trash_restore(obj=Organization.all_objects.get(pk=provider.pk), acting_user=alice)
    trash_restore(obj=Service.all_objects.get(pk=offer.pk), acting_user=alice)
    assert Service.objects.filter(pk=offer.pk).exists()


def test_a_trashed_location_leaves_its_offers_and_comes_back_to_them(marzahn, alice):
    offer = ServiceFactory(kommune=marzahn.kommune)
    location = LocationFactory(kommune=marzahn.kommune)
    ServiceAtLocationFactory(service=offer, location=location)

    location_delete(location=location, acting_user=alice)

    assert list(offer.locations.all()) == []
    assert not Location.objects.filter(pk=location.pk).exists()
    trash_restore(obj=Location.all_objects.get(pk=location.pk), acting_user=alice)
    assert list(offer.locations.all()) == [location]


def test_restoring_what_is_not_in_the_trash_is_refused(marzahn, alice):
    offer = ServiceFactory(kommune=marzahn.kommune)

    with pytest.raises(ValidationError):
        trash_restore(obj=offer, acting_user=alice)


def test_the_back_office_deletes_into_the_trash_lists_it_and_restores(admin_client, marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune, name="Elterncafé")
    changelist = reverse("admin:catalogue_service_changelist")

    admin_client.post(reverse("admin:catalogue_service_delete", args=[offer.pk]), {"post": "yes"})

    assert Service.all_objects.get(pk=offer.pk).in_trash
    assert list(admin_client.get(changelist).context["cl"].result_list) == []
    in_trash = admin_client.get(changelist, {"trash": "yes"}).context["cl"].result_list
    assert [s.name for s in in_trash] == ["Elterncafé"]
    admin_client.post(
        changelist + "?trash=yes",
        {"action": "restore_from_trash", "_selected_action": [offer.pk]},
    )
    assert not Service.all_objects.get(pk=offer.pk).in_trash
