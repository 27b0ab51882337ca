"""The public indicators on the portal: only public indicators, never a withheld value."""

from __future__ import annotations

import pytest

from lueckenlos.areas.models import Kommune
from lueckenlos.monitoring.models import Indicator
from lueckenlos.monitoring.tests.test_queries import (  # noqa: F401 (fixtures)
    EARLIER,
    add,
    counted,
    english_fixture,
    fresh_analysis_cache_fixture,
    town_fixture,
)

URL = "/teststadt/kennzahlen/"


@pytest.fixture
def published(town):
    """S4 public and falling; a public count indicator with a small number in Anger; an
    internal indicator."""
    poverty = Indicator.objects.get(kommune=town.kommune, code="S4")
    poverty.is_public, poverty.higher_is_better = True, False
    poverty.source = "Monitoring Soziale Stadtentwicklung"
    poverty.save()
    add(poverty, town.a, 44.0, EARLIER)
    add(poverty, town.b, 24.0, EARLIER)
    language = counted(town, {town.a: (2, 200), town.b: (57, 1000), town.c: (41, 500)})
    language.is_public = True
    language.save()
    secret = counted(town, {town.a: (13, 200)}, code="INTERN")
    secret.name = "Interne Kennzahl"
    secret.save()
    return town


def test_it_shows_the_public_indicators_with_suppression(published, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert not response.cookies  # a public page sets no cookie
    html = response.content.decode()
    assert "Kinderarmut" in html and "Befund Sprache" in html
    assert "Monitoring Soziale Stadtentwicklung" in html
    # S4: the Kommune's value and the trend in words.
    assert "32.0 %" in html and "improved" in html
    # Anger's 2 children (1.0 %) are withheld, and Cölln (8.2 %) by secondary suppression;
    # Bruch's 5.7 % is shown.
    assert "5.7" in html
    assert "1.0</td>" not in html and "8.2" not in html
    assert "fewer than 3 people" in html
    assert "cannot be worked out from the total" in html
    assert "2 values are withheld to protect privacy." in html
    assert "A dash never means zero." in html


def test_an_internal_indicator_never_shows(published, client):
    html = client.get(URL).content.decode()
    assert "Interne Kennzahl" not in html and "INTERN" not in html
    assert client.get(URL + "INTERN/").status_code == 404


def test_the_detail_page_has_the_time_series(published, client):
    response = client.get(URL + "S4/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Time series: Kinderarmut" in html
    assert "36.0" in html  # the Kommune's value in 2018, in the chart's description
    detail = client.get(URL + "SEU/").content.decode()
    assert "8.2" not in detail and "fewer than 3 people" in detail


def test_unknown_kommune_and_indicator_are_404(published, client):
    assert client.get("/gibtsnicht/kennzahlen/").status_code == 404
    assert client.get(URL + "GIBTSNICHT/").status_code == 404


def test_a_kommune_without_public_indicators_gets_a_clear_empty_page(town, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Teststadt has not published any indicators yet." in response.content.decode()


def test_it_works_in_arabic(published, client):
    response = client.get("/ar" + URL)
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_a_kommune_without_anything_gets_the_empty_page(db, client):
    Kommune.objects.create(name="Leerstadt", slug="leerstadt", kind="city")
    assert client.get("/leerstadt/kennzahlen/").status_code == 200
