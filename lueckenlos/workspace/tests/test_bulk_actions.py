"""Bulk actions on the offer list: confirm, set the status, assign a term. Coordinators only;
each changed offer gets a version, and the portal's search follows at once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lueckenlos.catalogue.models import Service
from lueckenlos.freshness.queries import months_before
from lueckenlos.search.models import OfferDocument, OfferFacet
from lueckenlos.workspace.tests.conftest import term, workspace_url
from tests.factories import ServiceFactory

pytestmark = pytest.mark.usefixtures("english")


def bulk(client, world, action: str, *offers, **extra):
    """The bulk action's POST, followed to the list it returns to (which shows the result)."""
    data = {"action": action, "offers": [str(offer.pk) for offer in offers], **extra}
    return client.post(workspace_url(world, "angebote/"), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def back_to(response) -> str:
    (location, status), *_ = response.redirect_chain
    assert status == 302
    return location


def in_portal_search(client, world, offer: Service, words: str) -> bool:
    page = client.get(f"/{world.marzahn.slug}/angebote/", {"q": words})
    return f"/angebote/{offer.pk}/" in page.content.decode()


def test_deactivating_takes_offers_out_of_the_portal_search(world, signed_in):
    client = signed_in("coordinator_marzahn")
    assert OfferDocument.objects.filter(service=world.active_a).exists()
    assert in_portal_search(client, world, world.active_a, "Krabbelgruppe")

    response = bulk(client, world, "deactivate", world.active_a, world.draft_a)

    assert back_to(response) == workspace_url(world, "angebote/")
    world.active_a.refresh_from_db()
    assert world.active_a.status == Service.Status.INACTIVE
    assert not OfferDocument.objects.filter(service=world.active_a).exists()
    assert not in_portal_search(client, world, world.active_a, "Krabbelgruppe")
    assert messages_of(response) == ["2 of 2 selected offers set to “inactive”."]
    # A version for each changed offer, naming the coordinator.
    latest = world.active_a.history.latest("history_date")
    assert (latest.history_user, latest.history_change_reason, latest.status) == (
        world.users["coordinator_marzahn"],
        "bulk",
        "inactive",
    )


def test_activating_puts_drafts_into_the_portal_search(world, signed_in):
    client = signed_in("county_coordinator")
    assert not in_portal_search(client, world, world.draft_a, "Elterncafé")

    response = bulk(client, world, "activate", world.draft_a, world.active_a)

    assert messages_of(response) == ["1 of 2 selected offers set to “active”. 1 was so already."]
    assert OfferDocument.objects.filter(service=world.draft_a).exists()
    assert in_portal_search(client, world, world.draft_a, "Elterncafé")


def test_setting_drafts_back_leaves_them_out_of_the_portal(world, signed_in):
    bulk(signed_in("coordinator_marzahn"), world, "draft", world.active_a)

    world.active_a.refresh_from_db()
    assert world.active_a.status == Service.Status.DRAFT
    assert not OfferDocument.objects.filter(service=world.active_a).exists()


def test_confirming_brings_hidden_offers_back_into_the_portal(world, signed_in, settings):
    settings.LUECKENLOS_REMIND_AFTER_MONTHS = 12
    settings.LUECKENLOS_HIDE_AFTER_MONTHS = 18
    forgotten = ServiceFactory(
        kommune=world.marzahn,
        organization=world.kita_a,
        name="Vergessene Spielgruppe",
        last_confirmed=months_before(timezone.localdate(), 20),
    )
    assert not OfferDocument.objects.filter(service=forgotten).exists()
    client = signed_in("coordinator_marzahn")

    response = bulk(client, world, "confirm", forgotten)

    forgotten.refresh_from_db()
    assert forgotten.last_confirmed == timezone.localdate()
    assert OfferDocument.objects.filter(service=forgotten).exists()
    assert in_portal_search(client, world, forgotten, "Vergessene Spielgruppe")
    assert messages_of(response) == ["1 of 1 selected offer confirmed as still correct today."]


def test_assigning_a_term_gives_it_where_it_fits_and_names_where_it_does_not(world, signed_in):
    toddlers = ServiceFactory(
        kommune=world.marzahn, organization=world.kita_a, name="Krippe", max_age_months=36
    )
    preschool = term("life_phase:preschool")
    client = signed_in("coordinator_marzahn")

    response = bulk(client, world, "assign_term", world.active_a, toddlers, term=str(preschool.pk))

    assert list(world.active_a.terms.all()) == [preschool]
    assert not toddlers.terms.exists()
    assert world.active_a.history.latest("history_date").history_change_reason == "bulk"
    # The portal's filter finds the offer by its new life phase.
    assert OfferFacet.objects.filter(
        document_id=world.active_a.pk, key="life_phase:preschool"
    ).exists()
    assert messages_of(response) == [
        "1 of 2 selected offers given the term “3 bis 6 Jahre”.",
        "Not given to offers whose age range the life phase does not fit: Krippe.",
    ]


def test_assigning_a_field_of_action_needs_no_age(world, signed_in):
    health = term("field_of_action:health")
    bulk(signed_in("coordinator_marzahn"), world, "assign_term", world.draft_b, term=health.pk)
    assert list(world.draft_b.terms.all()) == [health]


def test_without_a_selection_or_with_an_unknown_action_nothing_changes(world, signed_in):
    client = signed_in("coordinator_marzahn")

    nothing = bulk(client, world, "deactivate")
    unknown = bulk(client, world, "explode", world.active_a)
    no_term = bulk(client, world, "assign_term", world.active_a)

    assert messages_of(nothing) == ["No offer selected: tick the offers to change first."]
    assert messages_of(unknown) == ["Unknown action: choose what to do with the selected offers."]
    assert messages_of(no_term) == ["Choose the classification term to assign."]
    world.active_a.refresh_from_db()
    assert world.active_a.status == Service.Status.ACTIVE
    assert world.active_a.version == 1


def test_another_kommunes_offers_are_never_selected(world, signed_in):
    pankow_offer = ServiceFactory(kommune=world.pankow, organization=world.pankow_org)
    client = signed_in("coordinator_marzahn")

    response = bulk(client, world, "deactivate", pankow_offer)

    assert messages_of(response) == ["No offer selected: tick the offers to change first."]
    pankow_offer.refresh_from_db()
    assert pankow_offer.status == Service.Status.ACTIVE


def test_the_list_keeps_its_filters_after_the_action(world, signed_in):
    client = signed_in("coordinator_marzahn")
    response = bulk(client, world, "confirm", world.active_a, query="status=active&page=1")
    assert back_to(response) == workspace_url(world, "angebote/?status=active&page=1")


def test_only_coordinators_change_offers_in_bulk(world, signed_in):
    for role in ("steering_marzahn", "provider_a"):
        client = signed_in(role)
        page = client.get(workspace_url(world, "angebote/")).content.decode()
        assert 'name="offers"' not in page, role
        assert "Apply to the selected offers" not in page, role
        assert bulk(client, world, "deactivate", world.active_a).status_code == 403
    assert (
        bulk(signed_in("coordinator_pankow"), world, "deactivate", world.active_a).status_code
        == 403
    )
    world.active_a.refresh_from_db()
    assert world.active_a.status == Service.Status.ACTIVE


def test_the_coordinators_list_has_a_checkbox_per_offer(world, signed_in):
    page = signed_in("coordinator_marzahn").get(workspace_url(world, "angebote/"))
    body = page.content.decode()
    for offer in (world.active_a, world.draft_a, world.draft_b):
        assert f'name="offers" value="{offer.pk}"' in body


def test_offers_that_have_the_term_already_are_left_alone(world, signed_in):
    health = term("field_of_action:health")
    world.active_a.terms.add(health)
    version = Service.objects.get(pk=world.active_a.pk).version

    response = bulk(
        signed_in("coordinator_marzahn"), world, "assign_term", world.active_a, term=health.pk
    )

    assert messages_of(response) == [
        "0 of 1 selected offer given the term “Gesundheit”. 1 was so already."
    ]
    assert Service.objects.get(pk=world.active_a.pk).version == version
