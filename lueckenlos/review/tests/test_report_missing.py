"""'Unsere Einrichtung fehlt': anyone reports a missing provider and one offer; nothing is
public until a coordinator approves, and the contact person hears of the decision."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lueckenlos.catalogue.history import trash_restore
from lueckenlos.catalogue.models import Contact, Location, Organization, Service
from lueckenlos.review.forms import report_token
from lueckenlos.review.models import Proposal
from lueckenlos.review.services import (
    CONTACT_PURPOSE,
    PUBLIC_FORM_USERNAME,
    proposal_approve,
    proposal_reject,
)

pytestmark = pytest.mark.usefixtures("english")


def form_data(**changes) -> dict:
    data = {
        "provider_name": "Familienzentrum Regenbogen",
        "provider_type": "Verein",
        "provider_website": "https://regenbogen.example.org",
        "provider_email": "info@regenbogen.example.org",
        "offer_name": "Eltern-Kind-Turnen",
        "offer_description": "Bewegungsspiele mit Purzelbaumparcours für Kinder und Eltern.",
        "age_from": "3",
        "age_to": "6",
        "street": "Regenbogenweg 5",
        "postal_code": "12679",
        "city": "Berlin",
        "languages": ["de", "tr"],
        "free_of_charge": "yes",
        "contact_name": "Erika Muster",
        "contact_email": "erika@regenbogen.example.org",
        "contact_phone": "030 1234567",
        "consent": "on",
        "homepage": "",
        "issued": report_token(now=time.time() - 60),  # filled in for a minute
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def url(world):
    return reverse("review:report_missing", args=[world.marzahn.slug])


def send(client, url, **changes):
    return client.post(url, form_data(**changes))


def reported(world) -> Organization | None:
    return Organization.all_objects.filter(
        kommune=world.marzahn, name="Familienzentrum Regenbogen"
    ).first()


def test_the_form_is_public_accessible_and_sets_no_cookie(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert not response.cookies  # the portal promises no cookies
    html = response.content.decode()
    assert html.count("<fieldset") >= 3 and "<legend>" in html
    assert 'autocomplete="organization"' in html
    assert 'autocomplete="postal-code"' in html
    assert 'autocomplete="email"' in html
    assert 'for="id_contact_email"' in html
    assert 'name="issued"' in html and 'name="homepage"' in html


def test_a_report_creates_a_draft_provider_offer_and_proposal(world, client, url):
    response = send(client, url)

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "review:report_missing_thanks", args=["marzahn-hellersdorf"]
    )
    provider = reported(world)
    offer = Service.all_objects.get(organization=provider)
    assert provider.provider_type == "Verein"
    assert provider.email == "info@regenbogen.example.org"
    assert offer.status == Service.Status.DRAFT
    assert (offer.min_age_months, offer.max_age_months) == (36, 72)
    assert sorted(language.code for language in offer.languages.all()) == ["de", "tr"]
    assert [cost.kind for cost in offer.cost_options.all()] == ["free"]
    (location,) = offer.locations.all()
    assert (location.address_1, location.postal_code, location.city) == (
        "Regenbogenweg 5",
        "12679",
        "Berlin",
    )
    contact = Contact.objects.get(organization=provider)
    assert (contact.name, contact.email) == ("Erika Muster", "erika@regenbogen.example.org")
    assert contact.purpose == CONTACT_PURPOSE
    assert contact.consent_date == timezone.localdate()
    assert [phone.number for phone in contact.phones.all()] == ["030 1234567"]
    proposal = Proposal.objects.get()
    assert proposal.kind == Proposal.Kind.NEW_PROVIDER
    assert proposal.is_pending
    assert (proposal.service, proposal.organization, proposal.contact) == (offer, provider, contact)
    assert proposal.submitted_by is None
    # The history says how the records came about.
    assert offer.history.get().history_user.username == PUBLIC_FORM_USERNAME


def test_nothing_is_public_before_approval(world, client, url):
    send(client, url)
    offer = Service.all_objects.get(organization=reported(world))

    search = client.get(f"/{world.marzahn.slug}/angebote/", {"q": "Purzelbaumparcours"})
    page = client.get(reverse("portal:offer", args=[world.marzahn.slug, offer.pk]))

    assert "Eltern-Kind-Turnen" not in search.content.decode()
    assert page.status_code == 404


def test_the_coordinators_are_told(world, client, url, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, url)

    (message,) = mail.outbox
    assert message.to == ["coordinator_marzahn@example.org"]
    assert "Eltern-Kind-Turnen" in message.subject


def test_missing_fields_are_listed_at_the_top_with_links(world, client, url):
    response = send(client, url, provider_name="", postal_code="1234", free_of_charge=None)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The report could not be sent yet." in html
    assert 'href="#id_provider_name"' in html
    assert 'href="#id_postal_code"' in html
    assert 'href="#id_free_of_charge_0"' in html  # the first option of the group
    assert "A German postcode has five digits." in html
    assert 'aria-invalid="true"' in html
    assert reported(world) is None and not Proposal.objects.exists()


def test_consent_is_required(world, client, url):
    response = send(client, url, consent=None)

    assert "Without your consent we cannot take the report." in response.content.decode()
    assert reported(world) is None


def test_the_upper_age_must_lie_above_the_lower(world, client, url):
    response = send(client, url, age_from="6", age_to="3")

    assert "The upper age must lie above the lower one." in response.content.decode()
    assert reported(world) is None


def test_a_robot_filling_the_trap_is_thanked_and_nothing_kept(world, client, url):
    response = send(client, url, homepage="http://spam.example")

    assert response.status_code == 302
    assert reported(world) is None and not Proposal.objects.exists()


TOKENS = {
    "too quick": lambda: report_token(),
    "too old": lambda: report_token(now=time.time() - 3 * 24 * 3600),
    "forged": lambda: "forged",
    "missing": lambda: "",
}


@pytest.mark.parametrize("token", TOKENS)
def test_a_form_sent_too_quickly_or_without_a_valid_token_is_refused(world, client, url, token):
    response = send(client, url, issued=TOKENS[token]())

    assert response.status_code == 200
    assert "sent too quickly" in response.content.decode()
    assert reported(world) is None


def test_a_report_sent_from_another_site_is_refused(world, client, url):
    response = client.post(url, form_data(), HTTP_ORIGIN="https://evil.example")
    cross = client.post(url, form_data(), HTTP_SEC_FETCH_SITE="cross-site")

    assert response.status_code == 403 and cross.status_code == 403
    assert reported(world) is None


def test_a_report_from_the_page_itself_is_taken(world, client, url):
    response = client.post(
        url, form_data(), HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin"
    )

    assert response.status_code == 302
    assert reported(world) is not None


def test_approval_publishes_the_offer_and_tells_the_contact_person(
    world, client, url, django_capture_on_commit_callbacks
):
    send(client, url)
    proposal = Proposal.objects.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        proposal_approve(proposal=proposal, acting_user=world.users["coordinator_marzahn"])

    offer = Service.objects.get(pk=proposal.service_id)
    assert offer.status == Service.Status.ACTIVE
    search = client.get(f"/{world.marzahn.slug}/angebote/", {"q": "Purzelbaumparcours"})
    assert "Eltern-Kind-Turnen" in search.content.decode()
    (message,) = mail.outbox
    assert message.to == ["erika@regenbogen.example.org"]
    assert f"/marzahn-hellersdorf/angebote/{offer.pk}/" in message.body
    assert "meine-vorschlaege" not in message.body  # the contact person has no account


def test_rejection_moves_everything_to_the_trash_restorably(
    world, client, url, django_capture_on_commit_callbacks
):
    send(client, url)
    proposal = Proposal.objects.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        proposal_reject(
            proposal=proposal,
            acting_user=world.users["coordinator_marzahn"],
            comment="Das Angebot liegt außerhalb des Bezirks.",
        )

    provider = reported(world)
    offer = Service.all_objects.get(pk=proposal.service_id)
    location = Location.all_objects.get(organization=provider)
    assert provider.in_trash and offer.in_trash and location.in_trash
    (message,) = mail.outbox
    assert message.to == ["erika@regenbogen.example.org"]
    assert "außerhalb des Bezirks" in message.body
    # Restorable, provider first.
    admin = world.users["admin"]
    trash_restore(obj=provider, acting_user=admin)
    trash_restore(obj=offer, acting_user=admin)
    assert Service.objects.filter(pk=offer.pk).exists()


def test_the_review_page_shows_the_reported_provider_and_contact(world, client, url, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    send(client, url)
    proposal = Proposal.objects.get()
    client.force_login(world.users["coordinator_marzahn"])

    response = client.get(reverse("workspace:review", args=[world.marzahn.slug, proposal.pk]))

    html = response.content.decode()
    assert "Familienzentrum Regenbogen" in html
    assert "erika@regenbogen.example.org" in html and "030 1234567" in html
    assert "Purzelbaumparcours" in html
    assert [row.key for row in response.context["diff"].changed][:2] == ["name", "description"]
