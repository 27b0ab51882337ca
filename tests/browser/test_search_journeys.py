"""Journeys through the family portal's search, in a real browser (Debian's chromium).

- A parent with little German searches for a midwife in Turkish, narrows to offers in
  Turkish and opens one; every request stays on this server and no cookie is set.
- A keyboard-only visitor searches and opens a result without a mouse.
- The Arabic portal reads right to left, with axe on every page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from lueckenlos.catalogue.models import ServiceLanguage, ServiceTranslation, Taxonomy, TaxonomyTerm
from lueckenlos.catalogue.vocabularies import seed_vocabularies
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_language(code: str, msgid: str, **values) -> str:
    with translation.override(code):
        text = translation.gettext(msgid)
    return text % values if values else text


@pytest.fixture
def offers(marzahn):
    # An earlier transactional test's flush took the vocabularies the migration seeded.
    seed_vocabularies(Taxonomy, TaxonomyTerm)
    midwife = ServiceFactory(
        kommune=marzahn.kommune,
        name="Hebammensprechstunde im Familienzentrum",
        description="Beratung rund um Schwangerschaft und Geburt.",
        terms=["life_phase:pregnancy"],
    )
    ServiceLanguage.objects.create(service=midwife, code="tr")
    ServiceTranslation.objects.create(
        service=midwife,
        language="tr",
        name="Aile merkezinde ebe danışma saati",
        description="Hamilelik ve doğum hakkında danışmanlık.",
    )
    german_only = ServiceFactory(
        kommune=marzahn.kommune, name="Hebammenpraxis am Park", terms=["life_phase:pregnancy"]
    )
    kita = ServiceFactory(
        kommune=marzahn.kommune, name="Kita Sonnenschein", terms=["life_phase:preschool"]
    )
    for offer, lat in ((midwife, 52.515), (german_only, 52.512), (kita, 52.505)):
        location = LocationFactory(
            kommune=marzahn.kommune,
            area=marzahn.north,
            latitude=lat,
            longitude=13.56,
            address_1="Hauptstraße 1",
        )
        ServiceAtLocationFactory(service=offer, location=location)
    return {"midwife": midwife, "german_only": german_only, "kita": kita}


def test_a_parent_searches_for_a_midwife_in_turkish(page, live_server, offers, assert_accessible):
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto("/tr/marzahn-hellersdorf/")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    assert_accessible(page)

    page.get_by_label(in_language("tr", "What are you looking for?")).fill("Hebamme")
    page.get_by_role("button", name=in_language("tr", "Search"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/tr/marzahn-hellersdorf/angebote/\?q=Hebamme"))
    results = page.locator("ol.result-list > li h3 a")
    expect(results).to_have_count(2)
    assert_accessible(page)

    # Only offers delivered in Turkish: the checkbox updates the list (htmx, or the button).
    page.locator(".filter-details > summary").click()
    page.get_by_label(re.compile(r"^Türkçe")).check()
    expect(results).to_have_count(1)
    expect(page).to_have_url(re.compile(r"sprache=tr"))
    # The offer's Turkish name, where the provider gave one.
    expect(results.first).to_have_text("Aile merkezinde ebe danışma saati")
    assert_accessible(page)

    results.first.click()
    expect(page).to_have_url(
        re.compile(rf"/tr/marzahn-hellersdorf/angebote/{offers['midwife'].pk}/$")
    )
    expect(page.locator("h1")).to_have_text("Aile merkezinde ebe danışma saati")
    assert_accessible(page)

    hosts = {urlsplit(url).netloc for url in requests if not url.startswith("data:")}
    assert hosts == {urlsplit(live_server.url).netloc}
    assert page.context.cookies() == []


def test_a_keyboard_only_search(page, offers, assert_accessible):
    page.goto("/marzahn-hellersdorf/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    search_box = page.get_by_label(in_language("de", "What are you looking for?"))
    # Tab through the language links to the search box, counting the stops.
    for _stop in range(20):
        page.keyboard.press("Tab")
        if search_box.evaluate("element => element === document.activeElement"):
            break
    expect(search_box).to_be_focused()
    # The focus is visible: an outline around the focused control.
    outline = search_box.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.type("Kita")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/angebote/\?q=Kita"))
    first = page.locator("ol.result-list > li h3 a").first
    expect(first).to_have_text("Kita Sonnenschein")
    first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Kita Sonnenschein")
    assert_accessible(page)


def test_the_arabic_portal_reads_right_to_left(page, offers, assert_accessible):
    page.goto("/ar/marzahn-hellersdorf/angebote/?q=Kita")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    # Every language link says which language it leads to.
    for code in ("de", "en", "tr", "ar", "uk", "ru"):
        link = page.locator(f'.language-switch a[hreflang="{code}"]')
        expect(link).to_have_attribute("lang", code)
    expect(page.locator('.language-switch a[hreflang="de"]')).to_have_attribute(
        "href", "/marzahn-hellersdorf/angebote/?q=Kita"
    )
    # Right to left: the search controls stand at the right edge of the page.
    box = page.locator(".search-box").bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] + box["width"] > width / 2
    assert_accessible(page)
    page.goto("/ar/marzahn-hellersdorf/")
    assert_accessible(page)
