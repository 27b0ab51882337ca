"""The offer list: search, filters, pagination and the columns, within the user's reach."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lueckenlos.freshness.queries import months_before
from lueckenlos.workspace.tests.conftest import term, workspace_url
from tests.factories import ServiceFactory

pytestmark = pytest.mark.usefixtures("english")


def listed(client, world, **query) -> list[str]:
    response = client.get(workspace_url(world, "angebote/"), query)
    assert response.status_code == 200
    return [offer.name for offer in response.context["page"]]


def test_coordinators_see_all_offers_of_their_kommune_only(world, signed_in):
    ServiceFactory(kommune=world.pankow, organization=world.pankow_org, name="Pankower Kurs")
    assert listed(signed_in("coordinator_marzahn"), world) == [
        "Elterncafé",
        "Hausaufgaben",
        "Krabbelgruppe",
    ]


def test_provider_editors_see_their_providers_offers_only(world, signed_in):
    assert listed(signed_in("provider_a"), world) == ["Elterncafé", "Krabbelgruppe"]
    assert listed(signed_in("provider_b"), world) == ["Hausaufgaben"]


def test_the_search_looks_into_name_and_description_in_any_case(world, signed_in):
    world.draft_b.description = "Hilfe bei den SCHULaufgaben"
    world.draft_b.save()
    client = signed_in("coordinator_marzahn")
    assert listed(client, world, q="KRABBEL") == ["Krabbelgruppe"]
    assert listed(client, world, q="schulaufgaben") == ["Hausaufgaben"]
    assert listed(client, world, q="nichts dergleichen") == []


def test_the_filters_narrow_the_list(world, signed_in):
    world.active_a.terms.add(term("life_phase:infant"), term("field_of_action:health"))
    client = signed_in("coordinator_marzahn")
    assert listed(client, world, status="draft") == ["Elterncafé", "Hausaufgaben"]
    assert listed(client, world, provider=str(world.verein_b.pk)) == ["Hausaufgaben"]
    assert listed(client, world, life_phase="infant") == ["Krabbelgruppe"]
    assert listed(client, world, field_of_action="health") == ["Krabbelgruppe"]
    assert listed(client, world, life_phase="primary") == []
    assert listed(client, world, status="draft", provider=str(world.kita_a.pk)) == ["Elterncafé"]


def test_stale_and_hidden_offers_are_marked_and_filtered(world, signed_in, settings):
    settings.LUECKENLOS_REMIND_AFTER_MONTHS = 12
    settings.LUECKENLOS_HIDE_AFTER_MONTHS = 18
    today = timezone.localdate()
    ServiceFactory(
        kommune=world.marzahn,
        organization=world.kita_a,
        name="Etwas alt",
        last_confirmed=months_before(today, 13),
    )
    ServiceFactory(
        kommune=world.marzahn,
        organization=world.kita_a,
        name="Sehr alt",
        last_confirmed=months_before(today, 19),
    )
    client = signed_in("coordinator_marzahn")

    assert listed(client, world, stale="1") == ["Etwas alt", "Sehr alt"]
    assert listed(client, world, hidden="1") == ["Sehr alt"]
    page = client.get(workspace_url(world, "angebote/")).content.decode()
    assert page.count(">stale</span>") == 1
    assert page.count(">hidden from the portal</span>") == 1


def test_a_provider_of_another_kommune_is_no_filter(world, signed_in):
    client = signed_in("coordinator_marzahn")
    response = client.get(workspace_url(world, "angebote/"), {"provider": world.pankow_org.pk})
    assert "provider" in response.context["filter_form"].errors
    # The other filters still apply: here none, so all of Marzahn's offers.
    assert len(response.context["page"].object_list) == 3


def test_the_list_shows_fifty_offers_a_page(world, signed_in):
    for number in range(52):
        ServiceFactory(
            kommune=world.marzahn, organization=world.verein_b, name=f"Kurs {number:02d}"
        )
    client = signed_in("coordinator_marzahn")

    first = client.get(workspace_url(world, "angebote/"), {"status": "active"})
    second = client.get(workspace_url(world, "angebote/"), {"status": "active", "page": 2})

    assert len(first.context["page"]) == 50
    # By name: "Krabbelgruppe", then "Kurs 00" to "Kurs 51".
    assert [offer.name for offer in second.context["page"]] == ["Kurs 49", "Kurs 50", "Kurs 51"]
    assert "53 offers" in first.content.decode()
    # The next page keeps the filters.
    assert "?status=active&amp;page=2" in first.content.decode()


def test_the_columns_name_provider_status_confirmation_and_change(world, signed_in):
    world.active_a.last_confirmed = timezone.localdate()
    world.active_a.save()
    page = signed_in("coordinator_marzahn").get(workspace_url(world, "angebote/"))
    body = page.content.decode()
    for heading in ("Name", "Provider", "Status", "Last confirmed", "Changed"):
        assert f'<th scope="col">{heading}</th>' in body
    assert f'href="{workspace_url(world, f"angebote/{world.active_a.pk}/")}">Krabbelgruppe' in body
