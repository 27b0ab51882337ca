"""What machines read from an offer: the iCalendar file of its dates and its schema.org
description for search engines and family apps."""

from __future__ import annotations

import datetime as dt
import json
import re

import icalendar
import pytest
from django.utils import timezone

from lueckenlos.catalogue.models import Schedule, Service
from lueckenlos.portal.tests.test_offer_page import full_offer, offer_url
from tests.factories import ServiceFactory


@pytest.fixture
def offer(marzahn):
    return full_offer(marzahn)


def json_ld(response) -> dict:
    html = response.content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


# --- iCalendar -----------------------------------------------------------------------------


def calendar_events(response) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_calendar_lists_the_upcoming_dates(client, offer):
    event = offer.schedules.get(description="Sommerfest")

    response = client.get(offer_url(offer, name="portal:offer_calendar"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (entry,) = calendar_events(response)  # the past Winterfest is left out
    assert entry["uid"] == f"{event.pk}@lueckenlos"
    assert entry["summary"] == "Eltern-Kind-Turnen: Sommerfest"
    start = entry.decoded("dtstart")
    assert start == event.starts_at
    assert str(start.tzinfo) == "Europe/Berlin"
    assert entry["dtstart"].params["TZID"] == "Europe/Berlin"
    assert entry.decoded("dtend") == event.ends_at
    assert entry["location"] == "Familienzentrum Nord, Teststraße 5, 12619 Berlin"
    assert entry["url"] == f"http://testserver{offer_url(offer)}"
    assert "Wir turnen gemeinsam." in entry["description"]
    # The time zone the events refer to is described in the file itself.
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_the_uid_stays_the_same_so_calendars_update_instead_of_doubling(client, offer):
    url = offer_url(offer, name="portal:offer_calendar")

    first = calendar_events(client.get(url))
    offer.schedules.filter(description="Sommerfest").update(description="Sommerfest (verlegt)")
    second = calendar_events(client.get(url))

    assert [e["uid"] for e in first] == [e["uid"] for e in second]
    assert second[0]["summary"] == "Eltern-Kind-Turnen: Sommerfest (verlegt)"


def test_an_event_without_end_stays_listed_for_its_day(client, marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune, name="Flohmarkt")
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=1, microsecond=0)
    Schedule.objects.create(service=offer, kind="event", starts_at=start_of_today)
    Schedule.objects.create(
        service=offer, kind="event", starts_at=start_of_today - dt.timedelta(minutes=2)
    )

    (entry,) = calendar_events(client.get(offer_url(offer, name="portal:offer_calendar")))

    assert entry.decoded("dtstart") == start_of_today
    assert "dtend" not in entry


def test_an_offer_without_upcoming_dates_has_no_calendar(client, marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune)
    Schedule.objects.create(
        service=offer,
        kind="event",
        starts_at=timezone.now() - dt.timedelta(days=3),
        ends_at=timezone.now() - dt.timedelta(days=3, hours=-1),
    )
    Schedule.objects.create(
        service=offer, kind="regular", weekday="MO", opens_at=dt.time(9), closes_at=dt.time(10)
    )

    response = client.get(offer_url(offer, name="portal:offer_calendar"))

    assert response.status_code == 404


def test_an_inactive_offers_calendar_is_not_found(client, offer):
    Service.objects.filter(pk=offer.pk).update(status=Service.Status.INACTIVE)

    assert client.get(offer_url(offer, name="portal:offer_calendar")).status_code == 404


# --- schema.org ------------------------------------------------------------------------------


def test_the_page_describes_the_offer_for_search_engines(client, offer):
    url = f"http://testserver{offer_url(offer)}"

    data = json_ld(client.get(offer_url(offer)))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Service"
    assert data["url"] == url
    assert data["name"] == "Eltern-Kind-Turnen"
    assert data["provider"] == {
        "@type": "Organization",
        "name": "Kinderring e. V.",
        "url": "https://kinderring.example",
    }
    assert data["areaServed"] == {"@type": "AdministrativeArea", "name": "Marzahn-Hellersdorf"}
    assert {lang["alternateName"] for lang in data["availableLanguage"]} == {"ar", "tr"}
    assert {
        (spec["dayOfWeek"], spec["opens"], spec["closes"]) for spec in data["hoursAvailable"]
    } == {
        ("https://schema.org/Monday", "09:00", "11:00"),
        ("https://schema.org/Monday", "15:00", "17:00"),
        ("https://schema.org/Wednesday", "14:00", "16:00"),
    }
    assert {"@type": "Offer", "priceCurrency": "EUR", "price": "12.50"}.items() <= (
        data["offers"][-1].items()
    )
    assert data["audience"] == {
        "@type": "PeopleAudience",
        "suggestedMinAge": 3,
        "suggestedMaxAge": 6,
    }
    place = data["availableChannel"][0]["serviceLocation"]
    assert place["address"]["streetAddress"] == "Teststraße 5"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 52.515, "longitude": 13.56}
    (event,) = data["subjectOf"]
    assert event["@type"] == "Event"
    assert event["name"] == "Eltern-Kind-Turnen: Sommerfest"
    starts = dt.datetime.fromisoformat(event["startDate"])
    assert starts == offer.schedules.get(description="Sommerfest").starts_at
    assert event["location"]["name"] == "Familienzentrum Nord"


def test_a_free_offer_says_so(client, marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune)
    offer.cost_options.create(kind="free")

    data = json_ld(client.get(offer_url(offer)))

    assert data["isAccessibleForFree"] is True
    assert data["offers"][0]["price"] == "0"


def test_provider_text_cannot_end_the_script_block(client, marzahn):
    hostile = "</script><script>alert(1)</script> & <!-- more"
    offer = ServiceFactory(kommune=marzahn.kommune, description=hostile)

    response = client.get(offer_url(offer))

    html = response.content.decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    # Escaped for HTML, the JSON still reads as the provider wrote it.
    assert json_ld(response)["description"] == hostile
    assert "<script>alert(1)" not in html
