"""Providers in the workspace: coordinators keep them, steering group members read them,
provider editors reach neither list nor form (403)."""

from __future__ import annotations

import datetime as dt

import pytest

from lueckenlos.catalogue.models import Contact, Organization
from lueckenlos.workspace.tests.conftest import form_data, workspace_url
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.usefixtures("english")


def test_the_list_searches_and_counts_offers(world, signed_in):
    client = signed_in("coordinator_marzahn")

    everyone = client.get(workspace_url(world, "traeger/"))
    searched = client.get(workspace_url(world, "traeger/"), {"q": "verein"})

    assert [(o.name, o.offer_count) for o in everyone.context["page"]] == [
        ("Kita A", 2),
        ("Verein B", 1),
    ]
    assert [o.name for o in searched.context["page"]] == ["Verein B"]
    assert "Pankower Träger" not in everyone.content.decode()
    # The count leads to the provider's offers.
    link = workspace_url(world, f"angebote/?provider={world.kita_a.pk}")
    assert f'href="{link}"' in everyone.content.decode()


def test_a_coordinator_creates_a_provider(world, signed_in):
    client = signed_in("coordinator_marzahn")
    data = form_data(client.get(workspace_url(world, "traeger/neu/")), "record-form")
    data.update(name=["Familienzentrum Ost"], provider_type=["freier Träger"])

    response = client.post(workspace_url(world, "traeger/neu/"), data)

    created = Organization.objects.get(name="Familienzentrum Ost")
    assert response["Location"] == workspace_url(world, f"traeger/{created.pk}/")
    assert (created.kommune, created.provider_type) == (world.marzahn, "freier Träger")


def test_a_coordinator_edits_a_provider_and_errors_show_at_the_fields(world, signed_in):
    client = signed_in("coordinator_marzahn")
    url = workspace_url(world, f"traeger/{world.kita_a.pk}/")
    data = form_data(client.get(url), "record-form")

    data["website"] = ["kein Link"]
    refused = client.post(url, data)
    data["website"] = ["https://kita-a.example.org"]
    saved = client.post(url, data)

    assert refused.status_code == 200
    assert "website" in refused.context["form"].errors
    assert saved.status_code == 302
    world.kita_a.refresh_from_db()
    assert (world.kita_a.website, world.kita_a.version) == ("https://kita-a.example.org", 2)


def test_contacts_are_shown_to_read_with_purpose_and_consent(world, signed_in):
    Contact.objects.create(
        organization=world.kita_a,
        name="Erika Muster",
        title="Leitung",
        purpose="Ansprechperson für Familien",
        consent_date=dt.date(2025, 2, 3),
    )
    page = signed_in("coordinator_marzahn").get(workspace_url(world, f"traeger/{world.kita_a.pk}/"))
    body = page.content.decode()
    assert "Erika Muster" in body and "Ansprechperson für Familien" in body
    assert 'name="contact' not in body  # read-only: no inputs for contacts


def test_a_provider_with_offers_is_not_deleted(world, signed_in):
    client = signed_in("coordinator_marzahn")
    url = workspace_url(world, f"traeger/{world.kita_a.pk}/loeschen/")
    assert "This provider still provides 2 offers" in client.get(url).content.decode()

    response = client.post(url, follow=True)

    assert response.redirect_chain[0][0] == workspace_url(world, f"traeger/{world.kita_a.pk}/")
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["“Kita A” still provides 2 offers; delete or move them first."]
    assert Organization.objects.filter(pk=world.kita_a.pk).exists()


def test_a_provider_without_offers_goes_to_the_trash(world, signed_in):
    empty = OrganizationFactory(kommune=world.marzahn, name="Ehemaliger Verein")
    client = signed_in("coordinator_marzahn")

    response = client.post(workspace_url(world, f"traeger/{empty.pk}/loeschen/"), follow=True)

    assert response.redirect_chain[0][0] == workspace_url(world, "traeger/")
    assert Organization.all_objects.get(pk=empty.pk).in_trash
    (message,) = [str(m) for m in response.context["messages"]]
    assert "“Ehemaliger Verein” was moved to the trash." in message


def test_the_steering_group_reads_providers_and_changes_nothing(world, signed_in):
    client = signed_in("steering_marzahn")
    url = workspace_url(world, f"traeger/{world.kita_a.pk}/")
    page = client.get(url)

    assert page.status_code == 200
    assert "disabled" in page.content.decode() and ">Save<" not in page.content.decode()
    assert client.post(url, {"name": "Übernommen"}).status_code == 403
    assert client.get(workspace_url(world, "traeger/neu/")).status_code == 403
    assert (
        client.post(workspace_url(world, f"traeger/{world.kita_a.pk}/loeschen/")).status_code == 403
    )
    world.kita_a.refresh_from_db()
    assert world.kita_a.name == "Kita A"


def test_provider_editors_reach_no_provider_page(world, signed_in):
    client = signed_in("provider_a")
    for path in ("traeger/", "traeger/neu/", f"traeger/{world.kita_a.pk}/"):
        assert client.get(workspace_url(world, path)).status_code == 403, path
    menu = client.get(workspace_url(world)).content.decode()
    assert f'href="{workspace_url(world, "traeger/")}"' not in menu


def test_another_kommunes_provider_is_not_found(world, signed_in):
    client = signed_in("coordinator_marzahn")
    url = workspace_url(world, f"traeger/{world.pankow_org.pk}/")
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x"}).status_code == 404
