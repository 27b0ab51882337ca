"""axe-core finds no WCAG 2.1 AA violation on any public page (portal, confirmation link,
sign-in), in German and in Arabic,
on a desktop and on a phone; and no page breaks its own Content-Security-Policy."""

from __future__ import annotations

import datetime as dt

import pytest

from lueckenlos.catalogue.models import Schedule, ServiceLanguage, Taxonomy, TaxonomyTerm
from lueckenlos.catalogue.vocabularies import seed_vocabularies
from lueckenlos.freshness.tokens import make_token
from lueckenlos.monitoring.models import Indicator, IndicatorValue
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(marzahn):
    seed_vocabularies(Taxonomy, TaxonomyTerm)
    offer = ServiceFactory(
        kommune=marzahn.kommune,
        name="Hebammensprechstunde",
        description="Beratung rund um Schwangerschaft und Geburt.",
        terms=["life_phase:pregnancy", "field_of_action:health"],
    )
    ServiceLanguage.objects.create(service=offer, code="tr")
    location = LocationFactory(
        kommune=marzahn.kommune, area=marzahn.north, latitude=52.515, longitude=13.56
    )
    ServiceAtLocationFactory(service=offer, location=location)
    Schedule.objects.create(
        service=offer, kind=Schedule.Kind.REGULAR, weekday="MO", opens_at="09:00", closes_at="12:00"
    )
    slug = marzahn.kommune.slug
    poverty = Indicator.objects.create(
        kommune=marzahn.kommune, code="S4", name="Kinderarmut", unit="%", is_public=True
    )
    for area, value in ((marzahn.north, 31.5), (marzahn.south, 12.0)):
        IndicatorValue.objects.create(
            indicator=poverty, area=area, reference_date=dt.date(2020, 12, 31), value=value
        )
    return [
        "/",
        f"/{slug}/",
        f"/{slug}/angebote/",
        f"/{slug}/angebote/?q=Hebamme&alter=1&lat=52.51&lon=13.56",
        f"/{slug}/angebote/?q=gibtesnicht",
        f"/{slug}/angebote/?alter=-4&sprache=xx",
        f"/{slug}/angebote/{offer.pk}/",
        f"/{slug}/angebote/{offer.pk}/drucken/",
        f"/{slug}/impressum/",
        f"/{slug}/datenschutz/",
        f"/{slug}/einrichtung-melden/",
        f"/{slug}/einrichtung-melden/danke/",
        f"/{slug}/kennzahlen/",
        f"/{slug}/kennzahlen/S4/",
        "/barrierefreiheit/",
        "/leichte-sprache/",
        "/datenquellen/",
        f"/{slug}/angebote/{offer.pk}/bestaetigen/{make_token(offer.pk)}/",
        f"/{slug}/angebote/{offer.pk}/bestaetigen/ungueltig/",
        "/konto/anmelden/",
        "/konto/passwort-vergessen/",
        "/konto/einladung/ungueltig/",
    ]


@pytest.mark.parametrize("language", ["", "/ar"])
@pytest.mark.parametrize("width", [1280, 375])
def test_every_public_page_is_accessible(page, portal, assert_accessible, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    for path in portal:
        if path.startswith("/konto/") and language:
            continue  # the account pages are German only (outside the language prefixes)
        before = len(problems)
        page.goto(language + path)
        if "ungueltig" in path:  # a refused link: the browser logs the page's own status
            del problems[before:]
        assert_accessible(page)
        # Reflow (WCAG 1.4.10): nothing scrolls sideways on a phone.
        if width < 400:
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert not problems, problems
