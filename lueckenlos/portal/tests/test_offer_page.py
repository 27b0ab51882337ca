"""The page of one offer: everything a parent needs, only for active offers of that Kommune,
in a fixed number of queries, with translations or the German text marked as German."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from lueckenlos.catalogue.models import (
    Contact,
    CostOption,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceLanguage,
    ServiceTranslation,
)
from lueckenlos.portal.offer_page import age_range_in_words
from lueckenlos.portal.templatetags import portal_terms
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)


def offer_url(offer: Service, *, name: str = "portal:offer") -> str:
    return reverse(name, args=[offer.kommune.slug, offer.pk])


def add_everything(offer: Service, persona, *, languages: tuple[str, ...] = ("tr", "ar")) -> dict:
    """Hours, dates, a place, costs, languages and ways to get in touch for one offer."""
    # Whole minutes, as people enter times; a calendar file keeps no fractions of a second.
    now = timezone.now().replace(second=0, microsecond=0)
    location = LocationFactory(
        kommune=offer.kommune,
        name="Familienzentrum Nord",
        address_1="Teststraße 5",
        postal_code="12619",
        city="Berlin",
        latitude=52.515,
        longitude=13.56,
        area=persona.north,
        wheelchair=Location.Wheelchair.PARTIAL,
        accessibility_description="Rampe am Seiteneingang",
    )
    ServiceAtLocationFactory(service=offer, location=location, description="Im Erdgeschoss")
    Phone.objects.create(location=location, number="030 / 555 01")
    for weekday, opens, closes in [
        ("WE", dt.time(14), dt.time(16)),
        ("MO", dt.time(15), dt.time(17)),
        ("MO", dt.time(9), dt.time(11)),
    ]:
        Schedule.objects.create(
            service=offer, kind="regular", weekday=weekday, opens_at=opens, closes_at=closes
        )
    # Hours that ended last year must not show.
    Schedule.objects.create(
        service=offer,
        kind="regular",
        weekday="FR",
        opens_at=dt.time(8),
        closes_at=dt.time(9),
        valid_to=timezone.localdate() - dt.timedelta(days=400),
    )
    upcoming = Schedule.objects.create(
        service=offer,
        kind="event",
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=2),
        description="Sommerfest",
    )
    Schedule.objects.create(
        service=offer,
        kind="event",
        starts_at=now - dt.timedelta(days=10),
        ends_at=now - dt.timedelta(days=10, hours=-2),
        description="Winterfest",
    )
    CostOption.objects.create(service=offer, kind="fee", amount=Decimal("12.50"))
    CostOption.objects.create(service=offer, kind="but", amount_description="mit BuT-Bescheid")
    for code in languages:
        ServiceLanguage.objects.create(service=offer, code=code, note="donnerstags")
    Phone.objects.create(service=offer, number="030 123 456")
    contact = Contact.objects.create(
        service=offer, name="Aylin Kaya", title="Koordinatorin", email="kaya@example.org"
    )
    Phone.objects.create(contact=contact, number="030 999")
    return {"location": location, "event": upcoming}


def full_offer(persona) -> Service:
    """An active Kita-age offer of the persona's Kommune with every detail filled in."""
    provider = OrganizationFactory(
        kommune=persona.kommune, name="Kinderring e. V.", website="https://kinderring.example"
    )
    offer = ServiceFactory(
        kommune=persona.kommune,
        organization=provider,
        name="Eltern-Kind-Turnen",
        description="Wir turnen gemeinsam.\n\nFür Eltern mit Kindern.",
        eligibility_description="Familien aus dem Bezirk",
        application_process="Einfach vorbeikommen.",
        url="https://turnen.example",
        email="turnen@example.org",
        min_age_months=36,
        max_age_months=72,
        last_confirmed=dt.date(2026, 3, 1),
        terms=[
            "life_phase:preschool",
            "target_group:parents",
            "field_of_action:health",
            "access:low_threshold",
        ],
    )
    add_everything(offer, persona)
    return offer


@pytest.fixture
def offer(marzahn) -> Service:
    return full_offer(marzahn)


def text(response) -> str:
    """The page's text without tags and with runs of whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_it_shows_what_a_parent_needs(client, offer):
    response = client.get(offer_url(offer))

    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert '<h1><span lang="de" dir="ltr">Eltern-Kind-Turnen</span></h1>' in html
    assert "<p>Wir turnen gemeinsam.</p>" in html  # paragraphs kept
    # For whom: the age in words, the life phase and target group through the term label.
    assert "from 3 years to under 6 years" in page
    # Term names are German data; untranslated, they are marked as German.
    assert '<dd><span lang="de" dir="ltr">3 bis 6 Jahre</span></dd>' in html
    assert "Eltern und Familien" in page
    assert "Familien aus dem Bezirk" in page
    assert "Einfach vorbeikommen." in page
    # When: Monday's two slots in order, before Wednesday; ended hours left out.
    assert re.search(r"Monday 9 a\.m\. to 11 a\.m\..*3 p\.m\. to 5 p\.m\..*Wednesday", page)
    assert "Friday" not in page
    assert "Sommerfest" in page
    assert "Winterfest" not in page  # past dates are gone
    # Where: address, area, access.
    assert "Teststraße 5" in page
    assert "12619 Berlin" in page
    assert "Marzahn-Hellersdorf Nord" in page
    assert "partly wheelchair accessible" in page
    assert "Rampe am Seiteneingang" in page
    assert "Im Erdgeschoss" in page
    # Cost, languages in the interface language, contact, provider, upkeep, topics.
    assert "Fee: 12.50 euros" in page
    assert "Covered by Bildung und Teilhabe" in page
    assert "Arabic" in page and "Turkish" in page
    assert '<a href="tel:030123456" dir="ltr">030 123 456</a>' in html
    assert '<a href="tel:03055501" dir="ltr">030 / 555 01</a>' in html
    assert '<a href="mailto:turnen@example.org" dir="ltr">' in html
    assert '<a href="https://turnen.example" dir="ltr">' in html
    assert "Aylin Kaya" in page and "Koordinatorin" in page
    assert '<a href="tel:030999" dir="ltr">' in html
    assert "Kinderring e. V." in page
    assert '<a href="https://kinderring.example" dir="ltr">' in html
    assert "Last confirmed on March 1, 2026" in page
    assert "Gesundheit" in page and "Niedrigschwellig" in page


def test_the_stable_link_print_view_and_calendar_are_offered(client, offer):
    response = client.get(offer_url(offer))

    html = response.content.decode()
    stable = f"http://testserver{offer_url(offer)}"
    assert stable.endswith(f"/marzahn-hellersdorf/angebote/{offer.pk}/")
    assert f'<a href="{stable}" dir="ltr">{stable}</a>' in html
    assert f'href="{offer_url(offer, name="portal:offer_print")}"' in html
    assert f'href="{offer_url(offer, name="portal:offer_calendar")}"' in html
    assert "/static/portal/offer.css" in html


def test_an_offer_without_dates_links_no_calendar(client, marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune)

    html = client.get(offer_url(offer)).content.decode()

    assert "termine.ics" not in html
    assert "Not confirmed yet" in html
    assert "no age limit" in html


def test_the_search_near_each_place_is_linked(client, offer):
    html = client.get(offer_url(offer)).content.decode()

    search = reverse("portal:offers", args=["marzahn-hellersdorf"])
    assert f'href="{search}?lat=52.51500&amp;lon=13.56000"' in html


@pytest.mark.parametrize("status", [Service.Status.DRAFT, Service.Status.INACTIVE])
def test_an_offer_that_is_not_active_is_not_found(client, marzahn, status):
    offer = ServiceFactory(kommune=marzahn.kommune, status=status)

    assert client.get(offer_url(offer)).status_code == 404
    assert client.get(offer_url(offer, name="portal:offer_print")).status_code == 404


def test_an_offer_unconfirmed_for_too_long_is_hidden_until_confirmed(client, marzahn, settings):
    settings.LUECKENLOS_HIDE_AFTER_MONTHS = 18
    offer = ServiceFactory(kommune=marzahn.kommune, last_confirmed=dt.date(2020, 1, 1))
    assert client.get(offer_url(offer)).status_code == 404
    offer.last_confirmed = timezone.localdate()
    offer.save()
    assert client.get(offer_url(offer)).status_code == 200


def test_another_kommunes_offer_is_not_found_under_this_kommunes_address(client, marzahn, pankow):
    offer = ServiceFactory(kommune=pankow.kommune)

    response = client.get(reverse("portal:offer", args=[marzahn.kommune.slug, offer.pk]))

    assert response.status_code == 404
    # Under its own Kommune it is there: the 404 above is about the address, not the offer.
    assert client.get(offer_url(offer)).status_code == 200


def test_a_contained_kommunes_offer_is_not_found_under_the_parent(client, berlin, marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune)

    response = client.get(reverse("portal:offer", args=[berlin.slug, offer.pk]))

    assert response.status_code == 404


def test_an_unknown_kommune_or_offer_is_not_found(client, offer):
    assert client.get(reverse("portal:offer", args=["nirgendwo", offer.pk])).status_code == 404
    unknown = reverse("portal:offer", args=[offer.kommune.slug, Service().pk])
    assert client.get(unknown).status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_offer(
    client, marzahn, offer, django_assert_num_queries
):
    # The Kommune, the offer, and one query for each kind of row hanging on it.
    with django_assert_num_queries(12):
        client.get(offer_url(offer))
    # Twice as much of everything, and more places with phones: not one query more.
    add_everything(offer, marzahn, languages=("uk", "ru"))
    for number in range(3):
        location = LocationFactory(kommune=marzahn.kommune, area=marzahn.south)
        ServiceAtLocationFactory(service=offer, location=location)
        Phone.objects.create(location=location, number=f"030 {number}")

    with django_assert_num_queries(12):
        response = client.get(offer_url(offer))
    assert response.status_code == 200
    assert len(response.context["page"].places) == 5


def test_provider_text_is_escaped_and_only_web_links_are_linked(client, marzahn):
    offer = ServiceFactory(
        kommune=marzahn.kommune,
        description="<b>fett</b>",
        # Imports bypass form validation; such an address must never become a link.
        url="javascript:alert(1)",
    )

    html = client.get(offer_url(offer)).content.decode()

    assert "&lt;b&gt;fett&lt;/b&gt;" in html
    assert "javascript:" not in html


# --- Offer texts in the interface language ---------------------------------------------------


def test_a_translation_replaces_the_german_text(client, offer):
    ServiceTranslation.objects.create(
        service=offer,
        language="en",
        name="Parent and child gym",
        description="We do gymnastics together.",
    )

    response = client.get(offer_url(offer))

    html = response.content.decode()
    assert "<h1>Parent and child gym</h1>" in html
    assert "<p>We do gymnastics together.</p>" in html
    assert "Wir turnen gemeinsam" not in html
    # Fields the translation left empty stay German, marked as German.
    assert '<div class="offer-text" lang="de" dir="ltr"><p>Familien aus dem Bezirk</p>' in html
    assert html.count("This text is only available in German.") == 2


def test_without_a_translation_the_german_text_shows_with_a_note(client, offer):
    # A translation into another language does not count for English.
    ServiceTranslation.objects.create(service=offer, language="tr", name="Ebeveyn-çocuk")

    html = client.get(offer_url(offer)).content.decode()

    assert '<h1><span lang="de" dir="ltr">Eltern-Kind-Turnen</span></h1>' in html
    assert '<div class="offer-text" lang="de" dir="ltr"><p>Wir turnen gemeinsam.</p>' in html
    assert html.count("This text is only available in German.") == 3
    assert "Ebeveyn" not in html


def test_the_german_page_has_no_note(client, offer, settings):
    # Unprefixed, the address of the default language; reversed first, because the resolver
    # caches its prefixes per language and would keep "/de/" from the English default.
    url = offer_url(offer)
    settings.LANGUAGE_CODE = "de"
    response = client.get(url, headers={"accept-language": "de"})

    html = response.content.decode()
    assert '<html lang="de"' in html
    assert "<h1>Eltern-Kind-Turnen</h1>" in html
    assert 'class="untranslated-note"' not in html


def test_the_arabic_page_keeps_german_blocks_left_to_right(client, offer):
    with translation.override("ar"):
        url = offer_url(offer)
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert '<div class="offer-text" lang="de" dir="ltr"><p>Wir turnen gemeinsam.</p>' in html
    # German data such as the accessibility note is marked too.
    assert '<dd lang="de" dir="ltr">Rampe am Seiteneingang</dd>' in html


def test_the_print_view_has_the_content_without_navigation(client, offer):
    response = client.get(offer_url(offer, name="portal:offer_print"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="print-view">' in html
    assert '<h1><span lang="de" dir="ltr">Eltern-Kind-Turnen</span></h1>' in html
    assert "Sommerfest" in html and "Teststraße 5" in html
    assert 'class="breadcrumbs' not in html
    assert '<meta name="robots" content="noindex">' in html
    assert f'<link rel="canonical" href="http://testserver{offer_url(offer)}">' in html
    assert "/static/portal/offer.css" in html
    # Links only useful on screen are left out.
    assert "termine.ics" not in html
    assert "?lat=" not in html


@pytest.mark.parametrize(
    ("min_months", "max_months", "words"),
    [
        (None, None, ""),
        (0, None, "from birth"),
        (None, 36, "under 3 years"),
        (0, 18, "under 18 months"),
        (6, None, "from 6 months"),
        (12, 30, "from 1 year to under 30 months"),
    ],
)
def test_age_ranges_read_as_words(min_months, max_months, words):
    assert age_range_in_words(min_months, max_months) == words


def test_term_names_are_translated_in_their_own_context(monkeypatch):
    # The German name is the msgid; the context keeps "Bildung" the term apart from any
    # interface string that happens to read the same.
    monkeypatch.setattr(portal_terms, "pgettext", lambda context, name: f"{context}|{name}")

    assert portal_terms.term_label("Bildung") == "taxonomy term|Bildung"
    # Translated, a term is no longer marked as German.
    assert portal_terms.term_span("Bildung") == "taxonomy term|Bildung"
