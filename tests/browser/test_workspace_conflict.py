"""Journey: two coordinators open the same offer in two browsers and both edit it. The first
saves; the second's save is refused with both versions side by side and their input kept;
the second saves again, deliberately, and the offer holds the second's text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from lueckenlos.accounts.models import Membership
from lueckenlos.catalogue.models import Service
from lueckenlos.lib.testing.browser import TIMEOUT_MS
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zwei-Fenster-2026"
SLUG = "marzahn-hellersdorf"


def german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


@pytest.fixture
def coordinators(marzahn, settings) -> list[str]:
    """Two coordinators of Marzahn-Hellersdorf; returns their e-mail addresses."""
    settings.REQUIRE_SECOND_FACTOR = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    emails = ["clara@example.org", "bernd@example.org"]
    for email in emails:
        user = get_user_model().objects.create_user(email, email, PASSWORD)
        Membership.objects.create(user=user, kommune=marzahn.kommune, role="coordinator")
    return emails


@pytest.fixture
def offer(marzahn) -> Service:
    provider = OrganizationFactory(kommune=marzahn.kommune, name="Familienzentrum Kaulsdorf")
    return ServiceFactory(
        kommune=marzahn.kommune,
        organization=provider,
        name="Elterncafé Kaulsdorf",
        description="Dienstags von 9 bis 11 Uhr.",
    )


@pytest.fixture
def second_page(browser: Browser, live_server) -> Iterator[Page]:
    """A second browser of its own (no shared cookies), for the other coordinator."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def open_offer_signed_in(page: Page, email: str, offer: Service) -> None:
    page.goto(f"/konto/anmelden/?next=/{SLUG}/arbeitsbereich/angebote/{offer.pk}/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=german("Sign in")).click()
    expect(page.locator("h1")).to_have_text("Elterncafé Kaulsdorf")


def test_the_second_save_is_refused_with_both_versions_then_saved_deliberately(
    page, second_page, coordinators, offer, assert_accessible
):
    clara, bernd = page, second_page
    open_offer_signed_in(clara, coordinators[0], offer)
    open_offer_signed_in(bernd, coordinators[1], offer)
    assert_accessible(clara)

    # Both edit the same field; Clara saves first.
    clara.locator("#id_description").fill("Montags und mittwochs von 9 bis 11 Uhr.")
    bernd.locator("#id_description").fill("Nur noch freitags, 10 bis 12 Uhr.")
    clara.get_by_role("button", name=german("Save"), exact=True).click()
    expect(clara.get_by_role("status")).to_contain_text("Elterncafé Kaulsdorf")
    offer.refresh_from_db()
    assert offer.description == "Montags und mittwochs von 9 bis 11 Uhr."

    # Bernd's save is refused: both versions side by side, nothing saved, his text kept.
    bernd.get_by_role("button", name=german("Save"), exact=True).click()
    conflict = bernd.locator("#conflict")
    expect(conflict.get_by_role("heading")).to_have_text(
        german("Someone else saved this record while you edited it")
    )
    row = conflict.get_by_role("row").filter(has_text="Montags und mittwochs")
    expect(row).to_contain_text("Nur noch freitags, 10 bis 12 Uhr.")
    expect(bernd.locator("#id_description")).to_have_value("Nur noch freitags, 10 bis 12 Uhr.")
    offer.refresh_from_db()
    assert (offer.description, offer.version) == ("Montags und mittwochs von 9 bis 11 Uhr.", 2)
    assert_accessible(bernd)

    # A second, deliberate save replaces Clara's version with Bernd's.
    bernd.get_by_role("button", name=german("Save my version anyway")).click()
    expect(bernd.get_by_role("status")).to_contain_text("Elterncafé Kaulsdorf")
    expect(bernd.locator("#conflict")).to_have_count(0)
    offer.refresh_from_db()
    assert (offer.description, offer.version) == ("Nur noch freitags, 10 bis 12 Uhr.", 3)

    # Clara, loading the page again, reads Bernd's text; the overview lists both saves.
    clara.reload()
    expect(clara.locator("#id_description")).to_have_value("Nur noch freitags, 10 bis 12 Uhr.")
    clara.get_by_role("link", name=german("Overview")).click()
    changes = clara.get_by_role("row").filter(has_text="Elterncafé Kaulsdorf")
    expect(changes).to_have_count(3)  # created, Clara's save, Bernd's save
    assert_accessible(clara)
    clara.get_by_role("link", name=german("Offers"), exact=True).first.click()
    expect(clara.get_by_role("link", name="Elterncafé Kaulsdorf")).to_be_visible()
    assert_accessible(clara)
