"""Geocoding from the address register: exact matches only, ambiguity and misses reported."""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse

import pytest

from lueckenlos.areas.geocoding import (
    AMBIGUOUS,
    MATCHED,
    NOMINATIM,
    REGISTER,
    UNMATCHED,
    USER_AGENT,
    Geocoder,
    GeocodingServiceError,
    NominatimClient,
    RegisterEntry,
    address_key,
    geocoder_for,
    normalise_house_number,
    normalise_street,
    split_street_and_number,
)
from lueckenlos.areas.models import AddressPoint, Kommune


def entry(street: str, number: str, postal_code: str, lon: float, lat: float) -> RegisterEntry:
    return RegisterEntry(
        street=street,
        street_key=normalise_street(street),
        house_number=normalise_house_number(number),
        postal_code=postal_code,
        locality="Berlin",
        longitude=lon,
        latitude=lat,
    )


REGISTER_ENTRIES = [
    entry("Albrechtstr.", "20", "10117", 13.3844, 52.5225),
    entry("Hauptstraße", "12", "12679", 13.56, 52.51),
    # The same street name in two postcode areas, number 5 in both.
    entry("Dorfstraße", "5", "12621", 13.60, 52.49),
    entry("Dorfstraße", "5", "12683", 13.55, 52.50),
]


@pytest.mark.parametrize(
    "spelling",
    ["Albrechtstr.", "Albrechtstrasse", "Albrechtstraße", "ALBRECHTSTRASSE", "Albrecht-Str."],
)
def test_street_spellings_share_one_key(spelling):
    assert normalise_street(spelling) == "albrechtstrasse"


def test_hyphens_and_spaces_do_not_matter():
    assert normalise_street("Karl-Marx-Str.") == normalise_street("Karl Marx Straße")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hauptstr. 5 a, 12345 Berlin", ("Hauptstr.", "5a")),
        ("Hauptstraße 5A", ("Hauptstraße", "5a")),
        ("Straße des 17. Juni 135", ("Straße des 17. Juni", "135")),
        ("Hauptstraße 12-14", ("Hauptstraße", "12-14")),
        ("Hauptstraße", ("Hauptstraße", "")),
    ],
)
def test_street_and_number_are_split(text, expected):
    assert split_street_and_number(text) == expected


def test_address_key_is_what_the_portal_search_compares():
    assert address_key("Hauptstr. 5 a") == address_key("Hauptstraße 5A") == "hauptstrasse 5a"


def test_an_exact_address_is_matched_whatever_the_street_spelling():
    geocoder = Geocoder(REGISTER_ENTRIES, nominatim=None)
    result = geocoder.geocode(street_and_number="Albrechtstraße 20", postal_code="10117")
    assert (result.status, result.longitude, result.latitude) == (MATCHED, 13.3844, 52.5225)
    assert result.source == REGISTER


def test_a_suffix_the_register_lacks_is_no_match_but_names_the_plain_number():
    # "12a" may be a rear building far from "12": never a guess.
    result = Geocoder(REGISTER_ENTRIES, nominatim=None).geocode(
        street_and_number="Hauptstr. 12a", postal_code="12679"
    )
    assert result.status == UNMATCHED
    assert result.longitude is None
    assert result.candidates == ("Hauptstraße 12, 12679 Berlin",)


def test_one_address_under_two_postcodes_is_ambiguous_without_a_postcode():
    result = Geocoder(REGISTER_ENTRIES, nominatim=None).geocode(street_and_number="Dorfstr. 5")
    assert result.status == AMBIGUOUS
    assert set(result.candidates) == {
        "Dorfstraße 5, 12621 Berlin",
        "Dorfstraße 5, 12683 Berlin",
    }


def test_the_postcode_decides_between_two_streets_of_one_name():
    result = Geocoder(REGISTER_ENTRIES, nominatim=None).geocode(
        street_and_number="Dorfstraße 5", postal_code="12683"
    )
    assert (result.status, result.longitude) == (MATCHED, 13.55)


def test_a_wrong_postcode_is_not_overruled():
    result = Geocoder(REGISTER_ENTRIES, nominatim=None).geocode(
        street_and_number="Albrechtstr. 20", postal_code="99999"
    )
    assert result.status == UNMATCHED
    assert result.candidates == ("Albrechtstr. 20, 10117 Berlin",)


def test_a_district_uses_the_register_of_its_city(marzahn):
    berlin = Kommune.objects.create(name="Berlin", slug="berlin-test", kind=Kommune.Kind.CITY)
    marzahn.kommune.parent = berlin
    marzahn.kommune.save()
    AddressPoint.objects.create(
        kommune=berlin,
        street="Hauptstraße",
        street_key="hauptstrasse",
        house_number="12",
        postal_code="12679",
        latitude=52.51,
        longitude=13.56,
    )
    result = geocoder_for(marzahn.kommune).geocode(street_and_number="Hauptstr. 12")
    assert result.status == MATCHED


class _Nominatim(http.server.BaseHTTPRequestHandler):
    answer: list = []
    requests: list = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        type(self).requests.append((self.path, self.headers.get("User-Agent")))
        body = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim():
    """A Nominatim stand-in on localhost: no test ever reaches a public server."""
    _Nominatim.answer, _Nominatim.requests = [], []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Nominatim, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_server_is_asked_only_when_the_register_has_no_match(nominatim):
    handler, url = nominatim
    handler.answer = [{"lat": "52.53", "lon": "13.58", "display_name": "Neue Straße 1"}]
    geocoder = Geocoder(REGISTER_ENTRIES, nominatim=NominatimClient(url=url, timeout=2))

    assert geocoder.geocode(street_and_number="Albrechtstr. 20").source == REGISTER
    assert handler.requests == []

    result = geocoder.geocode(street_and_number="Neue Str. 1", postal_code="12679", city="Berlin")
    assert (result.status, result.source) == (MATCHED, NOMINATIM)
    assert (result.longitude, result.latitude) == (13.58, 52.53)
    path, user_agent = handler.requests[0]
    query = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
    # A structured query, with our own User-Agent as Nominatim's usage policy asks.
    assert query["street"] == ["Neue Str. 1"]
    assert query["postalcode"] == ["12679"]
    assert user_agent == USER_AGENT


def test_two_distinct_places_from_the_server_are_ambiguous(nominatim):
    handler, url = nominatim
    handler.answer = [
        {"lat": "52.53", "lon": "13.58", "display_name": "Neue Straße 1, Marzahn"},
        {"lat": "52.43", "lon": "13.38", "display_name": "Neue Straße 1, Tempelhof"},
    ]
    result = Geocoder([], nominatim=NominatimClient(url=url)).geocode(
        street_and_number="Neue Straße 1"
    )
    assert result.status == AMBIGUOUS
    assert result.candidates == ("Neue Straße 1, Marzahn", "Neue Straße 1, Tempelhof")


def test_without_a_configured_server_none_is_asked(settings, marzahn):
    settings.NOMINATIM_URL = ""
    result = geocoder_for(marzahn.kommune).geocode(street_and_number="Neue Straße 1")
    assert result.status == UNMATCHED


def test_a_server_that_does_not_answer_is_an_error_not_a_miss(settings, marzahn):
    settings.NOMINATIM_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    settings.NOMINATIM_TIMEOUT_SECONDS = 1
    with pytest.raises(GeocodingServiceError):
        geocoder_for(marzahn.kommune).geocode(street_and_number="Neue Straße 1")
