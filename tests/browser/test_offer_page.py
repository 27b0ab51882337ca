"""Journey: a parent opens an offer, its print view and its text pages, in German and in
Arabic (right to left, with the German offer texts kept left to right), with axe on every
page; then reports a barrier through the feedback form and meets its error messages.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from lueckenlos.catalogue.models import Taxonomy, TaxonomyTerm
from lueckenlos.catalogue.vocabularies import seed_vocabularies
from lueckenlos.portal.tests.test_offer_page import full_offer

# live_server needs committed data, hence real transactions.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


def arabic(msgid: str) -> str:
    with translation.override("ar"):
        return translation.gettext(msgid)


@pytest.fixture
def offer(marzahn):
    # An earlier transactional test's flush took the vocabularies the migration seeded.
    seed_vocabularies(Taxonomy, TaxonomyTerm)
    return full_offer(marzahn)


def test_a_parent_reads_an_offer_and_prints_it(page, offer, assert_accessible):
    # Anything the strict CSP blocks (an inline style, a script) shows up as a console error.
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    path = f"/marzahn-hellersdorf/angebote/{offer.pk}/"
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_have_text("Eltern-Kind-Turnen")
    expect(page.locator("script[type='application/ld+json']")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name=german("Print view")).click()
    expect(page).to_have_url(re.compile(r"/drucken/$"))
    expect(page.locator("h1")).to_have_text("Eltern-Kind-Turnen")
    # No navigation on the page meant for paper.
    expect(page.get_by_role("navigation", name=german("Language"))).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    assert_accessible(page)

    # On paper the link back and the hint are left out too.
    page.emulate_media(media="print")
    expect(page.locator(".print-hint")).to_be_hidden()
    expect(page.get_by_text("Teststraße 5")).to_be_visible()
    page.emulate_media(media="screen")
    assert errors == []

    # On a phone the offer reflows instead of scrolling sideways (WCAG 1.4.10).
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_arabic_offer_page_keeps_german_text_left_to_right(page, offer, assert_accessible):
    page.goto(f"/ar/marzahn-hellersdorf/angebote/{offer.pk}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    heading = page.locator("h1 span[lang='de']")
    expect(heading).to_have_text("Eltern-Kind-Turnen")
    expect(heading).to_have_attribute("dir", "ltr")
    description = page.locator(".offer-text[lang='de']").first
    expect(description).to_contain_text("Wir turnen gemeinsam.")
    assert page.evaluate("el => getComputedStyle(el).direction", description.element_handle()) == (
        "ltr"
    )
    expect(page.locator(".untranslated-note").first).to_have_text(
        arabic("This text is only available in German.")
    )
    assert_accessible(page)

    page.goto(f"/ar/marzahn-hellersdorf/angebote/{offer.pk}/drucken/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page)


def test_the_text_pages_and_the_feedback_form_are_accessible(page, offer, assert_accessible):
    for path in ("/marzahn-hellersdorf/impressum/", "/marzahn-hellersdorf/datenschutz/"):
        page.goto(path)
        expect(page.locator("h1")).to_have_count(1)
        assert_accessible(page)
    page.goto("/leichte-sprache/")
    assert_accessible(page)
    page.goto("/ar/leichte-sprache/")
    assert_accessible(page)

    # Sent empty at once: the message is missing and the form was sent too quickly.
    page.goto("/barrierefreiheit/?seite=/marzahn-hellersdorf/")
    expect(page.get_by_label(german("Address of the page (optional)"))).to_have_value(
        "/marzahn-hellersdorf/"
    )
    page.get_by_role("button", name=german("Send message")).click()
    message = page.get_by_label(german("Your message"))
    expect(message).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".form-errors")).to_be_visible()
    # The trap field is out of reach: hidden from sight and from the keyboard.
    expect(page.locator("#id_website")).to_be_hidden()
    assert_accessible(page)

    # A person takes more than two seconds to write a message.
    message.fill("Die Karte ist mit der Tastatur nicht bedienbar.")
    page.wait_for_timeout(2100)
    page.get_by_role("button", name=german("Send message")).click()
    expect(page).to_have_url(re.compile(r"\?gesendet=1#feedback$"))
    expect(page.get_by_role("status")).to_contain_text(
        german("Thank you. Your message has been sent.")
    )
    assert_accessible(page)
