"""The monitoring atlas of the workspace on Teststadt: the overview of the indicators and one
indicator's page with map, area table and time series; everything shown unsuppressed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from lueckenlos.accounts.models import Membership
from lueckenlos.accounts.tests.personas import member
from lueckenlos.areas.models import Kommune
from lueckenlos.monitoring.models import Indicator, IndicatorValue
from lueckenlos.monitoring.tests.test_queries import (  # noqa: F401 (fixtures)
    EARLIER,
    add,
    counted,
    english_fixture,
    fresh_analysis_cache_fixture,
    town_fixture,
)

URL = "/teststadt/arbeitsbereich/monitoring/"


@pytest.fixture
def reader(town, client: Client, settings) -> Client:
    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has tests of its own
    client.force_login(member("koordination", town.kommune, Membership.Role.COORDINATOR))
    return client


@pytest.fixture
def history(town):
    """S4 with an earlier reference date and a target, falling: better."""
    indicator = Indicator.objects.get(kommune=town.kommune, code="S4")
    indicator.higher_is_better, indicator.target_value = False, 30
    indicator.save()
    add(indicator, town.a, 44.0, EARLIER)
    add(indicator, town.b, 24.0, EARLIER)
    return indicator


def table(html: str, table_id: str) -> str:
    return html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]


def cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html)]


def test_the_overview_lists_the_indicators_with_value_trend_and_target(town, history, reader):
    response = reader.get(URL)
    assert response.status_code == 200
    html = table(response.content.decode(), "indicator-table")
    assert f"{URL}S4/" in html
    # The Kommune's value (weighted, 32.0), the trend in words with its arrow, the target.
    assert "32.0 %" in html
    # The arrow shows the fall, the words say that it is good.
    assert "improved" in html and "↘" in html
    assert "30.0 %" in html and "not met" in html
    assert "internal" in html


def test_the_overview_without_indicators_says_how_to_add_them(db, client, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    kommune = Kommune.objects.create(name="Leerstadt", slug="leerstadt", kind="city")
    client.force_login(member("leer", kommune, Membership.Role.COORDINATOR))
    response = client.get("/leerstadt/arbeitsbereich/monitoring/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "has no indicators yet" in html
    assert "/leerstadt/arbeitsbereich/monitoring/werte/import/" in html


def test_the_indicator_page_shows_map_table_and_time_series(town, history, reader):
    response = reader.get(URL + "S4/", {"phase": "infant", "area": town.a.pk})
    assert response.status_code == 200
    html = response.content.decode()
    # The map with the four places of the infants' offers.
    assert "Map: Kinderarmut (%) by area" in html
    assert "Orange dots: the 4 locations of the 4 offers for" in html
    # The table: Anger 40 (−4 since 2018, +8 above the Kommune's 32), Cölln missing.
    areas = table(html, "area-table")
    rows = {
        re.search(r"<th scope=\"row\"><a [^>]*>([^<]+)</a>", row).group(1): cells(row)
        for row in areas.split("<tr>")[2:]
    }
    assert rows["Anger"] == ["40.0", "-4.0", "+8.0"]
    assert rows["Bruch"] == ["20.0", "-4.0", "-12.0"]
    assert rows["Cölln"][0].startswith("–") and "ungültig" in rows["Cölln"][0]
    # Comparison, trend and method in words.
    assert "weighted by the area" in html
    assert "target not met" in html
    assert "improved" in html
    # The time series with the chosen area beside the Kommune, and its table.
    assert "Time series: Kinderarmut" in html
    series = table(html, "series-table")
    assert "36.0" in series and "44.0" in series and "32.0" in series


def test_an_earlier_reference_date_can_be_chosen(town, history, reader):
    response = reader.get(URL + "S4/", {"date": EARLIER.isoformat()})
    html = response.content.decode()
    assert "Kinderarmut by area on 12/31/2018" in html
    assert "36.0 %" in html  # the Kommune's value then


def test_a_refused_choice_falls_back_to_the_defaults(town, history, reader):
    response = reader.get(URL + "S4/", {"date": "1999-01-01", "phase": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "the defaults are shown instead" in html
    assert "Kinderarmut by area on 12/31/2020" in html


def test_numerators_and_denominators_are_in_the_table(town, reader):
    counted(town, {town.a: (30, 200), town.b: (2, 100)})
    html = reader.get(URL + "SEU/").content.decode()
    areas = table(html, "area-table")
    # Internal: Bruch's 2 children are shown, nothing is withheld.
    assert "2 / 100" in areas and "30 / 200" in areas
    assert "Sum of the numerators" in html


def test_an_indicator_without_values_says_how_to_add_them(town, reader):
    Indicator.objects.create(kommune=town.kommune, code="LEER", name="Leer")
    response = reader.get(URL + "LEER/")
    assert response.status_code == 200
    assert "This indicator has no values yet." in response.content.decode()


def test_an_unknown_code_is_404(town, reader):
    assert reader.get(URL + "GIBTSNICHT/").status_code == 404


def test_another_kommunes_indicator_is_404(town, reader, marzahn):
    other = Indicator.objects.create(kommune=marzahn.kommune, code="FREMD", name="Fremd")
    IndicatorValue.objects.create(
        indicator=other, area=marzahn.north, reference_date=dt.date(2020, 1, 1), value=1
    )
    assert reader.get(URL + "FREMD/").status_code == 404
