"""The offer form: coordinators create and save offers with everything they keep,
provider editors propose instead, steering group members read; the service layer's errors
show next to the fields."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages

from lueckenlos.catalogue.models import CostOption, Schedule, Service, ServiceLanguage
from lueckenlos.catalogue.services import service_update
from lueckenlos.review.models import Proposal
from lueckenlos.review.services import pending_proposal
from lueckenlos.workspace.forms import offer_data_of
from lueckenlos.workspace.tests.conftest import form_data, term, workspace_url

pytestmark = pytest.mark.usefixtures("english")


def edit_url(world, offer) -> str:
    return workspace_url(world, f"angebote/{offer.pk}/")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_coordinator_creates_an_offer_with_everything_it_holds(world, signed_in):
    client = signed_in("coordinator_marzahn")
    page = client.get(workspace_url(world, "angebote/neu/"))
    assert page.status_code == 200
    data = form_data(page, "offer-form")
    data.update(
        {
            "name": ["Elternkurs Starke Kinder"],
            "description": ["Ein Kurs für Eltern von Kita-Kindern."],
            "organization": [str(world.verein_b.pk)],
            "status": ["active"],
            "min_age_months": ["36"],
            "max_age_months": ["72"],
            "capacity": ["12"],
            "last_confirmed": ["2025-03-01"],
            "terms_life_phase": [str(term("life_phase:preschool").pk)],
            "terms_field_of_action": [
                str(term("field_of_action:parenting_family").pk),
                str(term("field_of_action:education").pk),
            ],
            "locations": [str(world.location_b.pk)],
            "languages-0-code": ["tr"],
            "languages-0-note": ["mit Dolmetscherin"],
            "cost_options-0-kind": ["free"],
            "schedules-0-kind": ["regular"],
            "schedules-0-weekday": ["MO"],
            "schedules-0-opens_at": ["09:00"],
            "schedules-0-closes_at": ["11:30"],
            "schedules-0-location": [str(world.location_b.pk)],
            "schedules-1-kind": ["event"],
            "schedules-1-starts_at": ["2030-05-04T10:00"],
        }
    )

    response = client.post(workspace_url(world, "angebote/neu/"), data)

    offer = Service.objects.get(name="Elternkurs Starke Kinder")
    assert response.status_code == 302
    assert response["Location"] == edit_url(world, offer)
    assert (offer.kommune, offer.organization, offer.status) == (
        world.marzahn,
        world.verein_b,
        Service.Status.ACTIVE,
    )
    assert (offer.min_age_months, offer.max_age_months, offer.capacity) == (36, 72, 12)
    assert offer.last_confirmed == dt.date(2025, 3, 1)
    assert {t.code for t in offer.terms.all()} == {"preschool", "parenting_family", "education"}
    assert list(offer.locations.all()) == [world.location_b]
    (language,) = ServiceLanguage.objects.filter(service=offer)
    assert (language.code, language.note) == ("tr", "mit Dolmetscherin")
    assert list(CostOption.objects.filter(service=offer).values_list("kind", flat=True)) == ["free"]
    regular, event = Schedule.objects.filter(service=offer).order_by("-kind")
    assert (regular.weekday, regular.opens_at, regular.location) == (
        "MO",
        dt.time(9, 0),
        world.location_b,
    )
    assert event.kind == Schedule.Kind.EVENT and event.starts_at.year == 2030
    # Written through the service layer: one version, in the coordinator's name.
    (version,) = offer.history.all()
    assert version.history_user == world.users["coordinator_marzahn"]


def test_the_form_starts_from_the_saved_offer_and_saves_what_changed(world, signed_in):
    offer = world.active_a
    ServiceLanguage.objects.create(service=offer, code="ar")
    client = signed_in("coordinator_marzahn")
    page = client.get(edit_url(world, offer))
    data = form_data(page, "offer-form")
    assert data["name"] == ["Krabbelgruppe"]
    assert data["locations"] == [str(world.location_a.pk)]
    assert data["languages-0-code"] == ["ar"]
    assert data["version"] == [str(offer.version)]

    data["description"] = ["Jetzt auch dienstags."]
    data["languages-0-DELETE"] = ["on"]
    data["languages-1-code"] = ["uk"]
    response = client.post(edit_url(world, offer), data)

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.description == "Jetzt auch dienstags."
    assert offer.version == 2
    assert [lang.code for lang in offer.languages.all()] == ["uk"]
    # What the form did not touch stays.
    assert list(offer.locations.all()) == [world.location_a]
    assert "The offer “Krabbelgruppe” was saved." in messages_of(response)


def test_the_service_layers_errors_show_next_to_the_fields_and_nothing_is_saved(world, signed_in):
    client = signed_in("coordinator_marzahn")
    data = form_data(client.get(edit_url(world, world.active_a)), "offer-form")
    # A life phase the age range contradicts: the service layer refuses it by name.
    data["min_age_months"] = ["0"]
    data["max_age_months"] = ["36"]
    data["terms_life_phase"] = [str(term("life_phase:preschool").pk)]

    response = client.post(edit_url(world, world.active_a), data)

    assert response.status_code == 200
    error = "“3 bis 6 Jahre” does not fit the age range 0 to 36 months."
    assert response.context["form"].errors["terms_life_phase"] == [error]
    page = response.content.decode()
    assert "Nothing was saved: please correct the following" in page
    # In the summary, linked to the field, and at the field itself.
    assert f'<a href="#id_terms_life_phase">Lebensphasen: {error}</a>' in page
    assert f"<li>{error}</li>" in page
    world.active_a.refresh_from_db()
    assert (world.active_a.version, world.active_a.min_age_months) == (1, None)


def test_a_parts_row_is_checked_by_its_own_rules(world, signed_in):
    client = signed_in("coordinator_marzahn")
    data = form_data(client.get(edit_url(world, world.active_a)), "offer-form")
    data["schedules-0-kind"] = ["regular"]
    data["schedules-0-weekday"] = ["TU"]  # opening hours without their times
    data["cost_options-0-kind"] = ["free"]
    data["cost_options-0-amount"] = ["5.00"]  # free of charge, yet an amount

    response = client.post(edit_url(world, world.active_a), data)

    assert response.status_code == 200
    schedules = response.context["forms"].parts["schedules"]
    assert "Regular opening hours need a weekday and both times." in (
        schedules.forms[0].non_field_errors()
    )
    costs = response.context["forms"].parts["cost_options"]
    assert costs.forms[0].errors["amount"] == ["An offer free of charge cannot have an amount."]
    assert not world.active_a.schedules.exists()
    assert not world.active_a.cost_options.exists()


def test_more_rows_adds_empty_rows_and_saves_nothing(world, signed_in):
    client = signed_in("coordinator_marzahn")
    data = form_data(client.get(edit_url(world, world.active_a)), "offer-form")
    data["description"] = ["Noch nicht gespeichert"]
    data["more_rows"] = ["1"]

    response = client.post(edit_url(world, world.active_a), data)

    assert response.status_code == 200
    again = form_data(response, "offer-form")
    assert again["languages-TOTAL_FORMS"] == ["4"]
    assert again["description"] == ["Noch nicht gespeichert"]
    world.active_a.refresh_from_db()
    assert world.active_a.description != "Noch nicht gespeichert"


def test_a_post_without_the_version_is_refused(world, signed_in):
    client = signed_in("coordinator_marzahn")
    data = form_data(client.get(edit_url(world, world.active_a)), "offer-form")
    del data["version"]
    data["name"] = ["Ohne Version"]

    response = client.post(edit_url(world, world.active_a), data)

    assert response.status_code == 200
    assert "The form lacks the version you started from" in response.content.decode()
    world.active_a.refresh_from_db()
    assert world.active_a.name == "Krabbelgruppe"


def test_the_edit_page_links_to_history_public_page_and_deletion(world, signed_in):
    client = signed_in("coordinator_marzahn")
    active = client.get(edit_url(world, world.active_a)).content.decode()
    draft = client.get(edit_url(world, world.draft_a)).content.decode()
    m = world.marzahn.slug
    assert f"/{m}/arbeitsbereich/angebote/{world.active_a.pk}/verlauf/" in active
    assert f'href="/{m}/angebote/{world.active_a.pk}/"' in active
    assert f"/{m}/arbeitsbereich/angebote/{world.active_a.pk}/loeschen/" in active
    # A draft has no public page yet.
    assert f'href="/{m}/angebote/{world.draft_a.pk}/"' not in draft


# --- provider editors ----------------------------------------------------------------------


def test_a_provider_editor_proposes_a_change_and_the_offer_stays(world, signed_in):
    client = signed_in("provider_a")
    page = client.get(edit_url(world, world.active_a))
    data = form_data(page, "offer-form")
    # Publishing is the coordinator's: the provider's form has no status.
    assert "status" not in data and "source" not in data
    data["description"] = ["Neu: auch nachmittags."]

    response = client.post(edit_url(world, world.active_a), data)

    assert response.status_code == 302
    assert response["Location"] == workspace_url(world, "meine-vorschlaege/")
    assert (
        "Your change was sent for review: the published version stays until the "
        "coordinator approves it." in messages_of(response)
    )
    world.active_a.refresh_from_db()
    assert world.active_a.description == "" and world.active_a.version == 1
    proposal = pending_proposal(world.active_a, world.users["provider_a"])
    assert proposal.kind == Proposal.Kind.CHANGE
    assert proposal.base_version == 1
    assert proposal.data_dict()["description"] == "Neu: auch nachmittags."


def test_the_provider_editor_continues_from_the_pending_proposal(world, signed_in):
    client = signed_in("provider_a")
    data = form_data(client.get(edit_url(world, world.active_a)), "offer-form")
    data["description"] = ["Mein Vorschlag"]
    client.post(edit_url(world, world.active_a), data)

    page = client.get(edit_url(world, world.active_a))

    assert form_data(page, "offer-form")["description"] == ["Mein Vorschlag"]
    assert "This form shows your proposal that waits for review" in page.content.decode()
    # The coordinator still sees the published offer.
    coordinator = signed_in("coordinator_marzahn")
    data = form_data(coordinator.get(edit_url(world, world.active_a)), "offer-form")
    assert data["description"] == [""]


def test_a_provider_editor_proposes_a_new_offer(world, signed_in):
    client = signed_in("provider_a")
    page = client.get(workspace_url(world, "angebote/neu/"))
    data = form_data(page, "offer-form")
    # Only their own provider to choose, so it is chosen already.
    assert data["organization"] == [str(world.kita_a.pk)]
    assert str(world.verein_b.pk) not in page.content.decode()
    data["name"] = ["Babymassage"]

    response = client.post(workspace_url(world, "angebote/neu/"), data)

    assert response.status_code == 302
    assert not Service.objects.filter(name="Babymassage").exists()
    proposal = Proposal.objects.get(kind=Proposal.Kind.NEW_OFFER)
    assert proposal.organization == world.kita_a
    assert proposal.data_dict()["name"] == "Babymassage"


def test_a_provider_editor_cannot_propose_for_another_provider(world, signed_in):
    client = signed_in("provider_a")
    data = form_data(client.get(workspace_url(world, "angebote/neu/")), "offer-form")
    data["name"] = ["Untergeschoben"]
    data["organization"] = [str(world.verein_b.pk)]

    response = client.post(workspace_url(world, "angebote/neu/"), data)

    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_a_provider_editor_does_not_reach_another_providers_offer(world, signed_in):
    client = signed_in("provider_a")
    assert client.get(edit_url(world, world.draft_b)).status_code == 404
    assert client.post(edit_url(world, world.draft_b), {"name": "x"}).status_code == 404


def test_the_proposal_is_checked_as_a_save_would_be(world, signed_in):
    client = signed_in("provider_a")
    data = form_data(client.get(edit_url(world, world.active_a)), "offer-form")
    data["max_age_months"] = ["12"]
    data["terms_life_phase"] = [str(term("life_phase:primary").pk)]

    response = client.post(edit_url(world, world.active_a), data)

    assert response.status_code == 200
    assert "does not fit the age range below 12 months" in response.content.decode()
    assert not Proposal.objects.exists()


# --- steering group members ----------------------------------------------------------------


def test_the_steering_group_reads_the_form_and_cannot_save(world, signed_in):
    client = signed_in("steering_marzahn")
    page = client.get(edit_url(world, world.active_a))

    assert page.status_code == 200
    body = page.content.decode()
    assert re.search(r'<input [^>]*name="name" value="Krabbelgruppe"[^>]* disabled', body)
    assert "Save" not in body and "Send for review" not in body
    assert client.post(edit_url(world, world.active_a), {"name": "x"}).status_code == 403
    assert client.get(workspace_url(world, "angebote/neu/")).status_code == 403


# --- deletion ------------------------------------------------------------------------------


def test_a_coordinator_moves_an_offer_to_the_trash(world, signed_in):
    client = signed_in("coordinator_marzahn")
    url = workspace_url(world, f"angebote/{world.draft_a.pk}/loeschen/")
    assert "Move to the trash" in client.get(url).content.decode()

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == workspace_url(world, "angebote/")
    assert not Service.objects.filter(pk=world.draft_a.pk).exists()
    assert Service.all_objects.get(pk=world.draft_a.pk).in_trash
    (message,) = messages_of(response)
    assert "“Elterncafé” was moved to the trash." in message
    assert f'href="{workspace_url(world, "papierkorb/")}"' in message


def test_only_coordinators_delete(world, signed_in):
    url = workspace_url(world, f"angebote/{world.active_a.pk}/loeschen/")
    for role in ("provider_a", "steering_marzahn"):
        client = signed_in(role)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert Service.objects.filter(pk=world.active_a.pk).exists()


def test_a_saved_offer_of_another_editor_is_what_the_form_shows(world, signed_in):
    """The form reads the offer as saved now, not as someone's browser had it."""
    service_update(
        service=world.active_a,
        data={"name": "Krabbelgruppe am Morgen"},
        acting_user=world.users["county_coordinator"],
    )
    client = signed_in("coordinator_marzahn")
    data = form_data(client.get(edit_url(world, world.active_a)), "offer-form")
    assert data["name"] == ["Krabbelgruppe am Morgen"]
    assert data["version"] == ["2"]


def test_saving_the_form_unchanged_keeps_everything(world, signed_in):
    """The form shows an offer's data dict and gives the same dict back: nothing is lost
    or altered on the way (times, amounts, dated events, classification, parts)."""
    offer = world.active_a
    service_update(
        service=offer,
        data={
            "min_age_months": 6,
            "max_age_months": 48,
            "last_confirmed": dt.date(2025, 1, 31),
            "terms": [term("life_phase:infant"), term("target_group:parents")],
            "languages": [{"code": "tr", "note": "mittwochs"}],
            "cost_options": [{"kind": "fee", "amount": "12.50", "amount_description": "pro Monat"}],
            "schedules": [
                {
                    "kind": "regular",
                    "weekday": "WE",
                    "opens_at": dt.time(9, 30),
                    "closes_at": dt.time(11, 0),
                    "location": world.location_a,
                },
                {
                    "kind": "event",
                    "starts_at": dt.datetime(2030, 6, 1, 10, 0, tzinfo=dt.UTC),
                    "ends_at": dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC),
                },
            ],
        },
        acting_user=world.users["admin"],
    )
    before = offer_data_of(Service.objects.get(pk=offer.pk))
    client = signed_in("coordinator_marzahn")
    data = form_data(client.get(edit_url(world, offer)), "offer-form")

    assert client.post(edit_url(world, offer), data).status_code == 302

    after = offer_data_of(Service.objects.get(pk=offer.pk))
    assert after == before
