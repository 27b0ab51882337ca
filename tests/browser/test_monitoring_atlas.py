"""A coordinator opens the monitoring atlas, picks the child-poverty indicator, changes the
life phase whose offers the map shows and the area of the time series; the page shows map,
table and time series, and passes axe throughout."""

from __future__ import annotations

import datetime as dt

import pytest

from lueckenlos.monitoring.models import Indicator, IndicatorValue
from tests.browser.teststadt import coordinated_teststadt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Monitoring-Atlas-2026"


@pytest.fixture
def town(settings):
    town = coordinated_teststadt(settings, PASSWORD)
    poverty = Indicator.objects.get(kommune=town.kommune, code="S4")
    poverty.area_level, poverty.higher_is_better, poverty.target_value = town.plr_level, False, 30
    poverty.save()
    for area, value in ((town.a, 44.0), (town.b, 24.0)):
        IndicatorValue.objects.create(
            indicator=poverty, area=area, reference_date=dt.date(2018, 12, 31), value=value
        )
    return town


def test_a_coordinator_explores_child_poverty_with_the_offers_beside_it(
    town, page, live_server, assert_accessible
):
    page.goto("/konto/anmelden/")
    page.locator("#id_username").fill("koordination@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto(f"/{town.kommune.slug}/arbeitsbereich/monitoring/")
    assert_accessible(page)
    page.locator("#indicator-table a", has_text="Kinderarmut").click()
    page.wait_for_load_state()
    assert page.url.endswith("/arbeitsbereich/monitoring/S4/")
    # Map, table and time series are there from the start.
    assert page.locator("#area-table").is_visible()
    assert page.locator("#series-table").is_visible()
    assert page.locator("figure svg[role=img]").count() == 2
    assert_accessible(page)

    def offers_on_the_map() -> int:
        return page.locator("figure").first.locator("g.mark-symbol path").count()

    assert offers_on_the_map() == 0  # no life phase chosen: no offers on the map
    page.locator("#id_phase").select_option("infant")
    page.locator("#id_area").select_option(str(town.a.pk))
    page.locator(".monitoring-form button[type=submit]").click()
    page.wait_for_load_state()
    # Both Kitas and the midwife's two places are the infants' offers on the map.
    assert offers_on_the_map() == 4
    # The time series now has Anger beside the Kommune, in the chart and in its table.
    assert "Anger" in page.locator("#series-table thead").inner_text()
    assert page.locator("#series-table tbody tr").count() == 2
    # The area table: Anger's value and how far it lies above the Kommune's.
    anger = page.locator("#area-table tbody tr", has_text="Anger").inner_text()
    assert "40" in anger and "+8" in anger
    assert_accessible(page)

    page.locator("#id_phase").select_option("primary")
    page.locator(".monitoring-form button[type=submit]").click()
    page.wait_for_load_state()
    assert offers_on_the_map() == 1  # the primary school only
    assert_accessible(page)
