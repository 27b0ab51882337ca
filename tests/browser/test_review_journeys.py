"""Journeys of the review: (a) a provider changes an offer's description in the workspace,
the portal keeps the published text until the coordinator has compared both and approved;
(b) "Unsere Einrichtung fehlt": a visitor reports a provider and its offer, the coordinator
approves, and the portal's search finds the offer."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect

from lueckenlos.accounts.models import Membership
from lueckenlos.catalogue.models import Service
from lueckenlos.review.models import Proposal
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Vorschlag-2026"
SLUG = "marzahn-hellersdorf"
OLD_TEXT = "Montags um 10 Uhr im Gemeinderaum."
NEW_TEXT = "Montags und donnerstags um 10 Uhr, jetzt mit Fingerspielen."


def german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


def account(email: str, first_name: str, kommune, role: str, *organizations):
    user = get_user_model().objects.create_user(email, email, PASSWORD, first_name=first_name)
    membership = Membership.objects.create(user=user, kommune=kommune, role=role)
    membership.organizations.set(organizations)
    return user


@pytest.fixture
def people(marzahn, settings, live_server):
    settings.REQUIRE_SECOND_FACTOR = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LUECKENLOS_PUBLIC_URL = live_server.url
    provider = OrganizationFactory(
        kommune=marzahn.kommune, name="Kita Sonnenschein", email="kita@example.org"
    )
    offer = ServiceFactory(
        kommune=marzahn.kommune,
        organization=provider,
        name="Krabbelgruppe Sonnenschein",
        description=OLD_TEXT,
    )
    offer.locations.add(
        LocationFactory(kommune=marzahn.kommune, organization=provider, name="Kita Sonnenschein")
    )
    return {
        "offer": offer,
        "provider": account(
            "paula@example.org", "Paula", marzahn.kommune, "provider_editor", provider
        ),
        "coordinator": account("clara@example.org", "Clara", marzahn.kommune, "coordinator"),
    }


def sign_in(page, email: str, next_path: str) -> None:
    page.goto(f"/konto/anmelden/?next={next_path}")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=german("Sign in")).click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.get_by_role("button", name=german("Sign out")).click()
    page.wait_for_load_state()


def approve_the_only_proposal(page, assert_accessible, comment: str) -> None:
    """As the coordinator: from the queue to the proposal's review page, and approve."""
    sign_in(page, "clara@example.org", f"/{SLUG}/arbeitsbereich/pruefungen/")
    expect(page.locator("h1")).to_have_text(german("Reviews"))
    proposal = Proposal.objects.get(status=Proposal.Status.PENDING)
    number = {"number": proposal.pk}
    page.get_by_role("link", name=german("#%(number)s") % number, exact=True).click()
    expect(page.locator("h1")).to_contain_text(german("Proposal #%(number)s") % number)
    assert_accessible(page)
    page.get_by_label(german("Comment for the provider")).fill(comment)
    page.get_by_role("button", name=german("Approve"), exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text(
        german("Approved: “%(name)s” is saved, and %(submitter)s is told.").split(":")[0]
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
    sign_out(page)


def test_a_providers_change_goes_live_once_the_coordinator_approves_it(
    page, people, assert_accessible
):
    offer = people["offer"]
    portal_offer = f"/{SLUG}/angebote/{offer.pk}/"

    # The provider edits the description in the workspace and sends it for review.
    sign_in(page, "paula@example.org", f"/{SLUG}/arbeitsbereich/angebote/{offer.pk}/")
    page.locator("#id_description").fill(NEW_TEXT)
    page.get_by_role("button", name=german("Send for review")).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text(german("My proposals"))
    expect(page.get_by_text(german("waiting for review")).first).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The portal still shows the published text.
    page.goto(portal_offer)
    expect(page.get_by_text(OLD_TEXT)).to_be_visible()
    expect(page.get_by_text(NEW_TEXT)).to_have_count(0)

    # The coordinator compares both and approves.
    sign_in(page, "clara@example.org", f"/{SLUG}/arbeitsbereich/pruefungen/")
    page.get_by_role("link", name="Krabbelgruppe Sonnenschein").click()
    diff = page.locator("table.review-diff")
    expect(diff.locator("tbody tr")).to_have_count(1)  # only the description differs
    description = diff.get_by_role("row").filter(has_text=NEW_TEXT)
    expect(description.locator("del")).to_contain_text(OLD_TEXT)
    expect(description.locator("ins")).to_contain_text(NEW_TEXT)
    sign_out(page)
    approve_the_only_proposal(page, assert_accessible, "Danke, passt so.")

    # The portal shows the new text; the history names the coordinator.
    page.goto(portal_offer)
    expect(page.get_by_text(NEW_TEXT)).to_be_visible()
    latest = Service.history.filter(id=offer.pk).order_by("-history_id").first()
    assert latest.history_user == people["coordinator"]
    # Kept in the installation's language, German: "Vorschlag Nr. 1 (Paula)".
    reason = german("proposal #%(number)s by %(submitter)s")
    assert latest.history_change_reason.startswith(reason.split("%(number)s")[0])


def test_a_reported_provider_appears_in_the_search_once_approved(
    page, people, assert_accessible, monkeypatch
):
    # A person needs some seconds for the form; the test needs none.
    monkeypatch.setattr("lueckenlos.review.forms.TOKEN_MIN_AGE_SECONDS", 0)
    search = f"/{SLUG}/angebote/?q=Purzelbaum"
    result = page.get_by_role("link", name="Eltern-Kind-Turnen Regenbogen")

    # From the Kommune's start page to the form; sending it empty lists what is missing.
    page.goto(f"/{SLUG}/")
    page.get_by_role("link", name=german("Your organisation is missing?")).first.click()
    expect(page.locator("h1")).to_have_text(german("Your organisation is missing?"))
    assert_accessible(page)
    page.get_by_role("button", name=german("Send the report")).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(german("The report could not be sent yet."))
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_provider_name")).to_be_focused()
    assert_accessible(page)

    page.get_by_label(german("Name of the organisation")).fill("Familienzentrum Regenbogen")
    page.get_by_label(german("Type of organisation")).select_option("Verein")
    page.get_by_label(german("E-mail address of the organisation")).fill("info@regenbogen.example")
    page.get_by_label(german("Name of the offer")).fill("Eltern-Kind-Turnen Regenbogen")
    page.get_by_label(german("What the offer is about")).fill(
        "Bewegungsspiele mit Purzelbaum-Parcours für Kinder und Eltern."
    )
    page.get_by_label(german("From age (years, optional)")).fill("1")
    page.get_by_label(german("Up to age (years, optional)")).fill("6")
    page.get_by_label(german("Street and house number")).fill("Regenbogenweg 5")
    page.get_by_label(german("Postcode")).fill("12679")
    page.get_by_label(german("City")).fill("Berlin")
    page.get_by_label(german("yes, free of charge")).check()
    page.get_by_label(german("Your name")).fill("Erika Muster")
    page.get_by_label(german("Your e-mail address")).fill("erika@regenbogen.example")
    page.locator("#id_consent").check()
    page.get_by_role("button", name=german("Send the report")).click()
    expect(page.locator("h1")).to_have_text(german("Thank you for your report"))
    assert_accessible(page)

    # Nothing public yet.
    page.goto(search)
    expect(result).to_have_count(0)

    approve_the_only_proposal(page, assert_accessible, "Willkommen!")

    page.goto(search)
    expect(result).to_be_visible()
