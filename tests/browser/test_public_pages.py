"""Journey: a visitor opens the start page, picks a Kommune, pages through its offers and
reads its areas with their population, on a desktop and on a phone, with axe on every page.

The browser asks for German, as most visitors will; expected texts go through gettext, so
the test holds before and after the German catalogue translates them.
"""

from __future__ import annotations

import re

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Taxonomy, TaxonomyTerm
from lueckenlos.catalogue.vocabularies import seed_vocabularies
from lueckenlos.portal.tests.conftest import add_offers, add_population

# live_server needs committed data, hence real transactions.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(msgid: str, **values) -> str:
    with translation.override("de"):
        return translation.gettext(msgid) % values


def german_number(value: int) -> str:
    with translation.override("de"):
        return formats.number_format(value, force_grouping=True)


@pytest.fixture
def marzahn_with_offers(marzahn, pankow, settings):
    settings.PORTAL_PAGE_SIZE = 25
    # An earlier transactional test's flush took the vocabularies the migration seeded.
    seed_vocabularies(Taxonomy, TaxonomyTerm)
    berlin = Kommune.objects.create(name="Berlin", slug="berlin", kind=Kommune.Kind.CITY)
    Kommune.objects.filter(pk__in=[marzahn.kommune.pk, pankow.kommune.pk]).update(parent=berlin)
    add_offers(marzahn, 30, is_example=True)
    add_population(marzahn)
    return marzahn


def test_a_visitor_finds_a_kommunes_offers_and_neighbourhoods(
    page, marzahn_with_offers, assert_accessible, tmp_path
):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_have_text(german("Prevention chains in your Kommune"))
    assert_accessible(page)

    # Marzahn-Hellersdorf is listed inside Berlin.
    page.get_by_role("link", name="Marzahn-Hellersdorf").click()
    expect(page).to_have_url(re.compile(r"/marzahn-hellersdorf/$"))
    expect(page.locator("h1")).to_have_text("Marzahn-Hellersdorf")
    assert_accessible(page)
    page.get_by_role("link", name=german("Show all offers")).click()
    expect(page).to_have_url(re.compile(r"/marzahn-hellersdorf/angebote/$"))
    offers = page.locator("ol.result-list > li h3")
    expect(offers).to_have_count(25)
    expect(offers.first).to_have_text(f"Angebot 00 {german('Example')}")
    assert_accessible(page)

    pages_nav = page.get_by_role("navigation", name=german("Pages of results"))
    expect(pages_nav).to_contain_text(german("Page %(number)s of %(total)s", number=1, total=2))
    pages_nav.get_by_role("link", name=german("Next page")).click()
    expect(page).to_have_url(re.compile(r"/marzahn-hellersdorf/angebote/\?seite=2#results$"))
    expect(pages_nav).to_contain_text(german("Page %(number)s of %(total)s", number=2, total=2))
    expect(offers).to_have_text([f"Angebot {n:02d} {german('Example')}" for n in range(25, 30)])
    assert_accessible(page)

    # The Planungsräume with their population, on the Kommune's start page; the withheld
    # figure reads as a dash.
    page.goto("/marzahn-hellersdorf/")
    planungsraeume = page.get_by_role("table", name="Planungsraum")
    north = planungsraeume.get_by_role("row", name="Marzahn-Hellersdorf Nord")
    expect(north.locator("td.number")).to_have_text([german_number(12000), german_number(1200)])
    south = planungsraeume.get_by_role("row", name="Marzahn-Hellersdorf Süd")
    expect(south.locator("td.suppressed")).to_contain_text("–")
    expect(page.locator(".table-note").last).to_be_visible()

    # On a phone the page reflows instead of scrolling sideways (WCAG 1.4.10); only the
    # tables scroll, inside their own region.
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/marzahn-hellersdorf/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot = tmp_path / "kommune-375.png"
    page.screenshot(path=str(screenshot))
    print(f"phone screenshot: {screenshot}")

    # The skip link is the keyboard's first stop and leads to the main content.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.get_by_role("link", name=german("Accessibility statement")).click()
    expect(page).to_have_url(re.compile(r"/barrierefreiheit/\?seite="))
    expect(page.locator("h1")).to_have_text(german("Accessibility statement"))
    assert_accessible(page)
