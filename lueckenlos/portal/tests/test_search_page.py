"""The search page over HTTP: what any address gives, in any language, and what it never does."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lueckenlos.catalogue.models import ServiceLanguage
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

URL = "/marzahn-hellersdorf/angebote/"


@pytest.fixture
def offers(marzahn):
    midwife = ServiceFactory(
        kommune=marzahn.kommune, name="Hebammensprechstunde", terms=["life_phase:pregnancy"]
    )
    ServiceLanguage.objects.create(service=midwife, code="tr")
    kita = ServiceFactory(
        kommune=marzahn.kommune, name="Kita Sonnenschein", terms=["life_phase:preschool"]
    )
    for offer, lat in ((midwife, 52.515), (kita, 52.505)):
        location = LocationFactory(
            kommune=marzahn.kommune, area=marzahn.north, latitude=lat, longitude=13.56
        )
        ServiceAtLocationFactory(service=offer, location=location)
    return {"midwife": midwife, "kita": kita}


def test_search_lists_what_matches_with_counts_and_reasons(client, offers):
    response = client.get(URL, {"q": "Hebammen"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 offer found" in html
    assert "Hebammensprechstunde" in html and "Kita Sonnenschein" not in html
    assert "Why this result:" in html
    # The language facet counts the result's languages.
    assert 'Turkish <span class="count">(1)</span>' in html


def test_filters_combine_in_a_plain_get_form(client, offers):
    html = client.get(URL, {"phase": "preschool", "sprache": "tr"}).content.decode()
    assert "0 offers found" in html
    assert "You could search more widely" in html


def test_the_page_works_in_every_language_and_arabic_is_right_to_left(client, offers):
    response = client.get("/ar" + URL, {"q": "Hebamme"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert 'hreflang="tr"' in html and 'href="/tr/marzahn-hellersdorf/angebote/?q=Hebamme"' in html


def test_the_language_is_in_the_address_never_in_a_cookie(client, offers, settings):
    client.get("/tr" + URL, HTTP_ACCEPT_LANGUAGE="tr")
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="tr")
    # Neither the visit to the Turkish page nor the browser's wish changes the plain address.
    assert f'<html lang="{settings.LANGUAGE_CODE}"' in response.content.decode()
    assert not response.cookies


def test_public_pages_set_no_cookies_and_a_strict_csp(client, offers):
    for url in ["/", "/marzahn-hellersdorf/", URL + "?q=Kita", URL + "karte.geojson"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_htmx_gets_the_results_region_alone(client, offers):
    response = client.get(URL, {"q": "Kita"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<section id="results"' in html and 'id="filters"' in html
    assert "<html" not in html


def test_map_points_follow_the_search(client, offers):
    data = client.get(URL + "karte.geojson", {"q": "Kita", "lat": "52.51", "lon": "13.56"}).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Kita Sonnenschein"]
    assert data["centre"]["lat"] == 52.51
    assert data["features"][0]["properties"]["distance"] == "560 m"


HOSTILE = [
    {"alter": "-3"},
    {"alter": "1e308"},
    {"alter": "nan"},
    {"alter": "999999999999999999999999"},
    {"einheit": "parsec", "alter": "3"},
    {"phase": "'; DROP TABLE catalogue_service; --"},
    {"sprache": "<script>alert(1)</script>"},
    {"gebiet": "99999999999999999999"},
    {"gebiet": "-1"},
    {"lat": "91", "lon": "500"},
    {"lat": "inf", "lon": "13"},
    {"umkreis": "-5"},
    {"seite": "-1"},
    {"seite": "99999999999999999"},
    {"q": "x" * 10_000},
    {"q": "\x00\x01 Kita"},
    {"q": "%' OR 1=1 --"},
    {"nahe": "<img src=x onerror=alert(1)>"},
    {"tag": "XX", "jetzt": "maybe"},
    {"sortierung": "entfernung"},
]


@pytest.mark.parametrize("params", HOSTILE, ids=range(len(HOSTILE)))
def test_malformed_or_hostile_input_gives_a_normal_page(client, offers, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "onerror=alert(1)>" not in html


@pytest.mark.parametrize("params", HOSTILE[:8], ids=range(8))
def test_hostile_input_is_named_in_a_message(client, offers, params):
    html = client.get(URL, params).content.decode()
    assert 'class="messages"' in html


query_keys = st.sampled_from(
    [
        "q",
        "alter",
        "einheit",
        "phase",
        "feld",
        "zielgruppe",
        "sprache",
        "kosten",
        "barrierefrei",
        "gebiet",
        "tag",
        "jetzt",
        "nahe",
        "lat",
        "lon",
        "umkreis",
        "sortierung",
        "seite",
        "page",
        "unknown",
    ]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(query_keys, st.text(max_size=300)), max_size=8))
def test_fuzz_any_query_string_gives_a_page(client, offers, pairs):
    response = client.get(URL, [(key, value) for key, value in pairs])
    assert response.status_code == 200
    map_response = client.get(URL + "karte.geojson", [(key, value) for key, value in pairs])
    assert map_response.status_code == 200
