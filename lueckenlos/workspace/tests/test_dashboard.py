"""The dashboard: what needs attention in the Kommune, or in a provider's own offers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lueckenlos.catalogue.services import service_delete, service_update
from lueckenlos.freshness.queries import months_before
from lueckenlos.review.services import proposal_submit
from lueckenlos.workspace.tests.conftest import workspace_url
from tests.factories import ServiceFactory

pytestmark = pytest.mark.usefixtures("english")


def test_readers_see_offers_by_status_each_linking_to_the_list(world, signed_in):
    response = signed_in("steering_marzahn").get(workspace_url(world))

    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts.active, counts.draft, counts.inactive) == (1, 2, 0)
    page = response.content.decode()
    offers = workspace_url(world, "angebote/")
    assert f'<a href="{offers}?status=active">1</a>' in page
    assert f'<a href="{offers}?status=draft">2</a>' in page
    assert f'<a href="{offers}?status=inactive">0</a>' in page


def test_stale_and_hidden_offers_are_counted_with_links_to_them(world, signed_in, settings):
    settings.LUECKENLOS_REMIND_AFTER_MONTHS = 12
    settings.LUECKENLOS_HIDE_AFTER_MONTHS = 18
    today = timezone.localdate()
    for months in (13, 19, 25):
        ServiceFactory(
            kommune=world.marzahn,
            organization=world.kita_a,
            last_confirmed=months_before(today, months),
        )
    # An old draft is nobody's reminder: drafts are not in the portal anyway.
    ServiceFactory(
        kommune=world.marzahn,
        organization=world.kita_a,
        status="draft",
        last_confirmed=months_before(today, 30),
    )
    client = signed_in("coordinator_marzahn")

    response = client.get(workspace_url(world))

    counts = response.context["counts"]
    assert (counts.stale, counts.hidden) == (3, 2)
    page = response.content.decode()
    offers = workspace_url(world, "angebote/")
    assert f'<a href="{offers}?stale=1">3</a>' in page
    assert f'<a href="{offers}?hidden=1">2</a>' in page
    # The links lead to exactly these offers.
    assert len(client.get(offers, {"stale": 1}).context["page"].object_list) == 3
    assert len(client.get(offers, {"hidden": 1}).context["page"].object_list) == 2


def test_pending_reviews_are_counted(world, signed_in):
    proposal_submit(
        kommune=world.marzahn,
        organization=world.kita_a,
        service=world.active_a,
        data={"description": "Neu"},
        base_version=1,
        submitted_by=world.users["provider_a"],
    )
    response = signed_in("coordinator_marzahn").get(workspace_url(world))
    assert response.context["pending_reviews"] == 1
    page = response.content.decode()
    assert "1 proposal waits for review." in page
    assert f'href="{workspace_url(world, "pruefungen/")}"' in page


def test_recent_changes_say_when_who_what_with_links(world, signed_in):
    coordinator = world.users["coordinator_marzahn"]
    coordinator.first_name, coordinator.last_name = "Clara", "Koordinatorin"
    coordinator.save()
    service_update(service=world.active_a, data={"description": "Neu"}, acting_user=coordinator)
    service_delete(service=world.draft_b, acting_user=coordinator)
    ServiceFactory(kommune=world.pankow, organization=world.pankow_org, name="Pankower Neuigkeit")

    response = signed_in("coordinator_marzahn").get(workspace_url(world))

    changes = response.context["recent_changes"]
    assert len(changes) <= 15
    latest, before = changes[0], changes[1]
    assert (latest.what, latest.kind, latest.name, latest.who) == (
        "moved to the trash",
        "offer",
        "Hausaufgaben",
        "Clara Koordinatorin",
    )
    # In the trash: no edit page, but its history stays readable.
    assert latest.url is None
    assert latest.history_url == workspace_url(world, f"angebote/{world.draft_b.pk}/verlauf/")
    assert (before.what, before.name) == ("changed", "Krabbelgruppe")
    assert before.url == workspace_url(world, f"angebote/{world.active_a.pk}/")
    # Providers and locations are part of it; another Kommune's records never.
    assert {"provider", "location"} <= {change.kind for change in changes}
    assert "Pankower Neuigkeit" not in response.content.decode()


def test_a_county_coordinator_sees_the_kommunen_it_contains(world, signed_in):
    response = signed_in("county_coordinator").get(f"/{world.berlin.slug}/arbeitsbereich/")
    assert response.status_code == 200
    assert list(response.context["contained"]) == [world.marzahn]
    assert f'href="{workspace_url(world)}">Marzahn-Hellersdorf</a>' in response.content.decode()
    # A Bezirk contains none.
    marzahn = signed_in("coordinator_marzahn").get(workspace_url(world))
    assert not marzahn.context["contained"]


def test_provider_editors_see_their_offers_and_their_proposals(world, signed_in, settings):
    settings.LUECKENLOS_REMIND_AFTER_MONTHS = 12
    world.active_a.last_confirmed = months_before(timezone.localdate(), 13)
    world.active_a.save()

    response = signed_in("provider_a").get(workspace_url(world))

    assert response.status_code == 200
    assert [offer.name for offer in response.context["own_offers"]] == [
        "Elterncafé",
        "Krabbelgruppe",
    ]
    assert [offer.is_stale for offer in response.context["own_offers"]] == [False, True]
    page = response.content.decode()
    assert f'href="{workspace_url(world, "meine-vorschlaege/")}"' in page
    # No Kommune-wide figures, no other provider's offers, no one's changes.
    assert "counts" not in response.context
    assert "Hausaufgaben" not in page
    assert "Recent changes" not in page


def test_the_dashboard_is_only_for_members_of_the_kommune(world, signed_in, client):
    assert signed_in("coordinator_pankow").get(workspace_url(world)).status_code == 403
    client.logout()
    response = client.get(workspace_url(world))
    assert response.status_code == 302 and response["Location"].startswith("/konto/anmelden/")
