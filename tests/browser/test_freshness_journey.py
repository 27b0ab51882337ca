"""Journey: an offer nobody confirmed for 20 months is hidden from the portal; the provider
gets the reminder e-mail, follows its link, confirms with one click, and the portal shows
the offer again."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import expect

from lueckenlos.freshness.queries import months_before
from lueckenlos.freshness.services import reminders_send
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


@pytest.fixture
def forgotten_offer(marzahn, settings, live_server):
    settings.LUECKENLOS_REMIND_AFTER_MONTHS = 12
    settings.LUECKENLOS_HIDE_AFTER_MONTHS = 18
    # The link in the e-mail leads to this test's server.
    settings.LUECKENLOS_PUBLIC_URL = live_server.url
    provider = OrganizationFactory(
        kommune=marzahn.kommune, name="Familienzentrum Kaulsdorf", email="fz@example.org"
    )
    return ServiceFactory(
        kommune=marzahn.kommune,
        organization=provider,
        name="Elterncafé Kaulsdorf",
        last_confirmed=months_before(timezone.localdate(), 20),
    )


def test_a_provider_confirms_a_hidden_offer_from_the_reminder(
    page, forgotten_offer, assert_accessible
):
    offer_path = f"/marzahn-hellersdorf/angebote/{forgotten_offer.pk}/"
    assert page.goto(offer_path).status == 404

    report = reminders_send()

    assert report.emails == 1
    (message,) = mail.outbox
    assert message.to == ["fz@example.org"]
    (link,) = re.findall(r"http://\S+/bestaetigen/\S+/", message.body)
    page.goto(link)
    expect(page.locator("h1")).to_have_text(german("Is this offer still correct?"))
    expect(page.get_by_text("Elterncafé Kaulsdorf").first).to_be_visible()
    expect(
        page.get_by_text(german("The portal does not show it until it is confirmed."))
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=german("Yes, the offer is still correct")).click()
    expect(page.get_by_text(german("Thank you!")).first).to_be_visible()
    assert_accessible(page)

    forgotten_offer.refresh_from_db()
    assert forgotten_offer.last_confirmed == timezone.localdate()
    assert page.goto(offer_path).status == 200
    expect(page.locator("h1")).to_have_text("Elterncafé Kaulsdorf")
    page.goto("/marzahn-hellersdorf/angebote/?q=Elterncafe")
    expect(page.get_by_role("link", name="Elterncafé Kaulsdorf")).to_be_visible()
