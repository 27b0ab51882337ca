"""Locations in the workspace: coordinators keep them (placed in their area on saving, with
a warning if they lie in none), steering group members read them, provider editors get 403."""

from __future__ import annotations

import pytest

from lueckenlos.catalogue.models import Location
from lueckenlos.workspace.tests.conftest import form_data, workspace_url
from tests.factories import LocationFactory

pytestmark = pytest.mark.usefixtures("english")

# Marzahn's boundary is the square 13.55–13.57°E, 52.50–52.52°N; its south half one area.
IN_THE_SOUTH = ("52.505", "13.56")
JUST_OUTSIDE = ("52.51", "13.5715")  # about 100 m east: accepted, but in no area
FAR_OUTSIDE = ("52.51", "13.58")  # about 680 m: refused


def new_location(client, world, name: str, latitude: str, longitude: str):
    url = workspace_url(world, "orte/neu/")
    data = form_data(client.get(url), "record-form")
    data.update(
        name=[name],
        address_1=["Marzahner Promenade 1"],
        postal_code=["12679"],
        latitude=[latitude],
        longitude=[longitude],
        organization=[str(world.kita_a.pk)],
    )
    return client.post(url, data, follow=True)


def test_the_list_searches_name_and_address_and_counts_offers(world, signed_in):
    world.location_b.address_1 = "Hellersdorfer Straße 5"
    world.location_b.save()
    client = signed_in("coordinator_marzahn")

    everyone = client.get(workspace_url(world, "orte/"))
    searched = client.get(workspace_url(world, "orte/"), {"q": "hellersdorfer"})

    assert [(loc.name, loc.offer_count) for loc in everyone.context["page"]] == [
        ("Haus A", 1),
        ("Haus B", 0),
    ]
    assert [loc.name for loc in searched.context["page"]] == ["Haus B"]


def test_a_new_location_is_placed_in_its_area(world, signed_in, marzahn):
    response = new_location(signed_in("coordinator_marzahn"), world, "Haus C", *IN_THE_SOUTH)

    created = Location.objects.get(name="Haus C")
    assert response.redirect_chain[0][0] == workspace_url(world, f"orte/{created.pk}/")
    assert created.area == marzahn.south
    assert (created.kommune, created.organization) == (world.marzahn, world.kita_a)
    # The area is shown, to read: it follows from the coordinates.
    assert f"<dd>{marzahn.south.name}</dd>" in response.content.decode()


def test_a_location_in_no_area_is_saved_with_a_warning(world, signed_in):
    response = new_location(signed_in("coordinator_marzahn"), world, "Am Rand", *JUST_OUTSIDE)

    created = Location.objects.get(name="Am Rand")
    assert created.area is None
    messages = [str(m) for m in response.context["messages"]]
    assert any("lies outside every area of Marzahn-Hellersdorf" in m for m in messages)


def test_coordinates_far_outside_are_refused_at_the_field(world, signed_in):
    response = new_location(signed_in("coordinator_marzahn"), world, "Woanders", *FAR_OUTSIDE)

    assert response.status_code == 200
    assert "outside Marzahn-Hellersdorf" in response.context["form"].errors["latitude"][0]
    assert not Location.objects.filter(name="Woanders").exists()


def test_a_coordinator_edits_a_location_and_it_is_placed_again(world, signed_in, marzahn):
    client = signed_in("coordinator_marzahn")
    url = workspace_url(world, f"orte/{world.location_a.pk}/")
    data = form_data(client.get(url), "record-form")
    data.update(latitude=["52.515"], longitude=["13.56"])

    assert client.post(url, data).status_code == 302

    world.location_a.refresh_from_db()
    assert world.location_a.area == marzahn.north
    assert world.location_a.version == 2


def test_a_location_goes_to_the_trash_and_its_offers_stay(world, signed_in):
    client = signed_in("coordinator_marzahn")
    url = workspace_url(world, f"orte/{world.location_a.pk}/loeschen/")
    assert "1 offer takes place here" in client.get(url).content.decode()

    response = client.post(url, follow=True)

    assert response.redirect_chain[0][0] == workspace_url(world, "orte/")
    assert Location.all_objects.get(pk=world.location_a.pk).in_trash
    world.active_a.refresh_from_db()
    assert not world.active_a.in_trash


def test_the_steering_group_reads_locations_and_changes_nothing(world, signed_in):
    client = signed_in("steering_marzahn")
    url = workspace_url(world, f"orte/{world.location_a.pk}/")

    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Umbenannt"}).status_code == 403
    assert client.get(workspace_url(world, "orte/neu/")).status_code == 403
    world.location_a.refresh_from_db()
    assert world.location_a.name == "Haus A"


def test_provider_editors_reach_no_location_page(world, signed_in):
    client = signed_in("provider_a")
    for path in ("orte/", "orte/neu/", f"orte/{world.location_a.pk}/"):
        assert client.get(workspace_url(world, path)).status_code == 403, path


def test_another_kommunes_location_is_not_found(world, signed_in):
    elsewhere = LocationFactory(kommune=world.pankow, name="Pankower Haus")
    client = signed_in("coordinator_marzahn")
    assert client.get(workspace_url(world, f"orte/{elsewhere.pk}/")).status_code == 404
    assert client.get(workspace_url(world, f"orte/{elsewhere.pk}/loeschen/")).status_code == 404
