"""Two people edit the same record: the second save is refused with both versions side by
side, the editor's input kept; a second, deliberate save replaces the version saved now."""

from __future__ import annotations

import pytest
from django.test import Client

from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.workspace.tests.conftest import form_data, workspace_url

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def two_coordinators(world):
    """Marzahn's coordinator and Berlin's (county) coordinator, each in their own browser."""
    first, second = Client(), Client()
    first.force_login(world.users["coordinator_marzahn"])
    second.force_login(world.users["county_coordinator"])
    return first, second


def test_the_second_save_of_an_offer_is_refused_and_shows_both_versions(world, two_coordinators):
    first, second = two_coordinators
    url = workspace_url(world, f"angebote/{world.active_a.pk}/")
    mine = form_data(first.get(url), "offer-form")
    theirs = form_data(second.get(url), "offer-form")
    mine["description"] = ["Montags und mittwochs."]
    theirs["description"] = ["Nur noch freitags."]
    theirs["capacity"] = ["8"]

    assert first.post(url, mine).status_code == 302
    refused = second.post(url, theirs)

    # Nothing of the second edit was saved.
    assert refused.status_code == 200
    offer = Service.objects.get(pk=world.active_a.pk)
    assert (offer.description, offer.capacity, offer.version) == ("Montags und mittwochs.", None, 2)
    page = refused.content.decode()
    assert "Someone else saved this record while you edited it" in page
    assert "you started from version 1, it is now at version 2" in page
    compared = {row.label: (row.theirs, row.yours) for row in refused.context["conflict"].fields}
    assert compared == {
        "description": ("Montags und mittwochs.", "Nur noch freitags."),
        "places": ("", "8"),
    }
    # The form keeps the input and now carries the version saved meanwhile.
    kept = form_data(refused, "offer-form")
    assert kept["description"] == ["Nur noch freitags."]
    assert kept["version"] == ["2"]
    assert "Save my version anyway" in page

    # Saving again, deliberately, replaces the first editor's version.
    assert second.post(url, kept).status_code == 302
    offer.refresh_from_db()
    assert (offer.description, offer.capacity, offer.version) == ("Nur noch freitags.", 8, 3)


def test_a_third_save_in_between_is_refused_again(world, two_coordinators):
    first, second = two_coordinators
    url = workspace_url(world, f"angebote/{world.active_a.pk}/")
    mine = form_data(first.get(url), "offer-form")
    theirs = form_data(second.get(url), "offer-form")
    mine["name"] = ["Krabbelgruppe I"]
    first.post(url, mine)
    theirs["name"] = ["Krabbelgruppe II"]
    kept = form_data(second.post(url, theirs), "offer-form")
    # The first editor saves once more before the second tries again.
    mine = form_data(first.get(url), "offer-form")
    mine["name"] = ["Krabbelgruppe III"]
    first.post(url, mine)

    again = second.post(url, kept)

    assert again.status_code == 200
    assert again.context["conflict"].stored_version == 3
    assert Service.objects.get(pk=world.active_a.pk).name == "Krabbelgruppe III"


def test_the_second_save_of_a_provider_is_refused_and_shows_both_versions(world, two_coordinators):
    first, second = two_coordinators
    url = workspace_url(world, f"traeger/{world.kita_a.pk}/")
    mine = form_data(first.get(url), "record-form")
    theirs = form_data(second.get(url), "record-form")
    mine["email"] = ["kita-a@example.org"]
    theirs["email"] = ["leitung@example.org"]

    first.post(url, mine)
    refused = second.post(url, theirs)

    assert refused.status_code == 200
    assert Organization.objects.get(pk=world.kita_a.pk).email == "kita-a@example.org"
    compared = [(row.label, row.theirs, row.yours) for row in refused.context["conflict"].fields]
    assert compared == [("e-mail", "kita-a@example.org", "leitung@example.org")]
    kept = form_data(refused, "record-form")
    assert second.post(url, kept).status_code == 302
    assert Organization.objects.get(pk=world.kita_a.pk).email == "leitung@example.org"


def test_the_second_save_of_a_location_is_refused_and_shows_both_versions(world, two_coordinators):
    first, second = two_coordinators
    url = workspace_url(world, f"orte/{world.location_a.pk}/")
    mine = form_data(first.get(url), "record-form")
    theirs = form_data(second.get(url), "record-form")
    mine["address_1"] = ["Marzahner Promenade 1"]
    theirs["address_1"] = ["Helene-Weigel-Platz 8"]

    first.post(url, mine)
    refused = second.post(url, theirs)

    assert refused.status_code == 200
    assert Location.objects.get(pk=world.location_a.pk).address_1 == "Marzahner Promenade 1"
    compared = [(row.label, row.theirs, row.yours) for row in refused.context["conflict"].fields]
    assert compared == [
        ("street and house number", "Marzahner Promenade 1", "Helene-Weigel-Platz 8")
    ]
    assert second.post(url, form_data(refused, "record-form")).status_code == 302
    assert Location.objects.get(pk=world.location_a.pk).address_1 == "Helene-Weigel-Platz 8"
