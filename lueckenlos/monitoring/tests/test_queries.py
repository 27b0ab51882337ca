"""The monitoring's arithmetic (queries.py) on Teststadt, whose figures are worked out by hand.

Teststadt (analysis/tests/conftest.py) has three Planungsräume: Anger (A) with 3,000
inhabitants, Bruch (B) with 2,000 and Cölln (C) with 500; its indicator S4 (a rate given
directly) is 40 % in A, 20 % in B and missing ("ungültig") in C on 31.12.2020.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lueckenlos.analysis import cache
from lueckenlos.analysis.tests.conftest import Teststadt as Town
from lueckenlos.analysis.tests.conftest import build_teststadt
from lueckenlos.areas.services import area_create
from lueckenlos.monitoring import queries
from lueckenlos.monitoring.models import Indicator, IndicatorValue
from lueckenlos.search.indexing import indexing_deferred

DAY = dt.date(2020, 12, 31)
EARLIER = dt.date(2018, 12, 31)


@pytest.fixture(autouse=True, name="_english")
def english_fixture(english):
    """The reasons are asserted in the English msgids."""


@pytest.fixture(autouse=True, name="_fresh_analysis_cache")
def fresh_analysis_cache_fixture():
    """Rolled-back tests hand out the same ids and generations again: start each afresh."""
    from django.core.cache import cache as django_cache

    django_cache.clear()
    cache.forget()
    yield
    django_cache.clear()
    cache.forget()


@pytest.fixture(name="town")
def town_fixture(db) -> Town:
    with indexing_deferred():
        town = build_teststadt()
    Indicator.objects.filter(kommune=town.kommune, code="S4").update(area_level=town.plr_level)
    return town


def poverty(town: Town) -> Indicator:
    return Indicator.objects.get(kommune=town.kommune, code="S4")


def counted(town: Town, figures: dict, *, code: str = "SEU", day: dt.date = DAY):
    """An indicator with numerator and denominator per area (None: the area's value is
    missing)."""
    indicator, _created = Indicator.objects.get_or_create(
        kommune=town.kommune,
        code=code,
        defaults={
            "name": "Befund Sprache",
            "numerator_label": "Kinder mit Befund",
            "denominator_label": "untersuchte Kinder",
            "area_level": town.plr_level,
            "higher_is_better": False,
        },
    )
    for area, pair in figures.items():
        numerator, denominator = pair if pair is not None else (None, None)
        IndicatorValue.objects.create(
            indicator=indicator,
            area=area,
            reference_date=day,
            numerator=numerator,
            denominator=denominator,
            value=None if pair is None else numerator / denominator * 100,
            missing_reason="" if pair is not None else "geheim",
        )
    return indicator


def add(indicator: Indicator, area, value: float | None, day: dt.date) -> None:
    IndicatorValue.objects.create(
        indicator=indicator,
        area=area,
        reference_date=day,
        value=value,
        missing_reason="" if value is not None else "ungültig",
    )


# --- the Kommune's value --------------------------------------------------------------


def test_a_rate_given_directly_is_weighted_by_inhabitants(town):
    figure = queries.kommune_figure(poverty(town), DAY)
    # (40 × 3,000 + 20 × 2,000) / 5,000 = 32, not the plain mean 30; Cölln is missing and
    # counts neither as 0 (that would give 29.1) nor with its inhabitants.
    assert figure.value == pytest.approx(32.0)
    assert figure.method == queries.WEIGHTED
    assert figure.areas == 2
    assert queries.kommune_value(poverty(town), DAY) == pytest.approx(32.0)


def test_without_inhabitants_for_every_area_it_is_the_plain_mean(town):
    indicator = poverty(town)
    # A fourth Planungsraum without population figures, with a value.
    dorf = area_create(
        kommune=town.kommune, level=town.plr_level, parent=town.east, code="D", name="Dorf"
    )
    add(indicator, dorf, 60.0, DAY)
    figure = queries.kommune_figure(indicator, DAY)
    assert figure.method == queries.MEAN
    assert figure.value == pytest.approx((40 + 20 + 60) / 3)


def test_numerators_and_denominators_are_summed(town):
    indicator = counted(town, {town.a: (30, 200), town.b: (10, 100), town.c: None})
    figure = queries.kommune_figure(indicator, DAY)
    # 40 / 300, not the mean of 15 % and 10 %; the missing Cölln adds nothing.
    assert figure.value == pytest.approx(100 * 40 / 300)
    assert figure.method == queries.RATIO
    assert figure.areas == 2


def test_no_values_no_kommune_value(town):
    indicator = Indicator.objects.create(kommune=town.kommune, code="LEER", name="Leer")
    assert queries.kommune_figure(indicator).value is None
    assert queries.area_values(indicator) == []
    trend = queries.indicator_trend(indicator)
    assert trend.dates == [] and trend.latest is None and trend.direction == queries.NEUTRAL


def test_area_values_carry_the_missing_reason_and_the_previous_value(town):
    indicator = poverty(town)
    add(indicator, town.a, 44.0, EARLIER)
    add(indicator, town.b, None, EARLIER)
    values = {v.area.code: v for v in queries.area_values(indicator)}
    assert values["A"].value == 40.0 and values["A"].previous == 44.0
    assert values["A"].change == pytest.approx(-4.0)
    assert values["B"].previous is None and values["B"].change is None
    assert values["C"].value is None and values["C"].missing_reason == "ungültig"
    assert not any(v.suppressed for v in values.values())
    # The earlier date on its own.
    earlier = {v.area.code: v.value for v in queries.area_values(indicator, EARLIER)}
    assert earlier == {"A": 44.0, "B": None}


# --- trend ----------------------------------------------------------------------------


def with_history(town: Town, **changes) -> Indicator:
    indicator = poverty(town)
    for name, value in changes.items():
        setattr(indicator, name, value)
    indicator.save()
    add(indicator, town.a, 44.0, EARLIER)
    add(indicator, town.b, 24.0, EARLIER)
    return indicator


def test_a_falling_poverty_rate_is_better(town):
    trend = queries.indicator_trend(with_history(town, higher_is_better=False))
    assert trend.dates == [EARLIER, DAY]
    # 2018: (44 × 3,000 + 24 × 2,000) / 5,000 = 36; 2020: 32.
    assert trend.kommune_values == [pytest.approx(36.0), pytest.approx(32.0)]
    assert (trend.latest, trend.previous) == (pytest.approx(32.0), pytest.approx(36.0))
    assert trend.change_per_year == pytest.approx(-4.0 / (731 / 365.25))
    assert trend.direction == queries.BETTER
    assert trend.arrow == "↘"  # the value fell; the words say that this is better
    assert trend.target_met is None  # no target


def test_a_falling_rate_that_should_rise_is_worse(town):
    trend = queries.indicator_trend(with_history(town, higher_is_better=True))
    assert trend.direction == queries.WORSE


def test_a_context_indicator_is_neutral(town):
    trend = queries.indicator_trend(with_history(town, higher_is_better=None, target_value=30))
    assert trend.direction == queries.NEUTRAL
    assert trend.target_met is None  # no direction: no target to meet


def test_one_date_gives_no_trend(town):
    indicator = poverty(town)
    indicator.higher_is_better = False
    indicator.save()
    trend = queries.indicator_trend(indicator)
    assert trend.direction == queries.UNKNOWN
    assert trend.change_per_year is None and trend.previous is None


def test_a_tiny_change_is_unchanged(town):
    indicator = poverty(town)
    indicator.higher_is_better = False
    indicator.save()
    # 2018 is 0.05 percentage points higher in both areas: 0.025 per year, below epsilon.
    add(indicator, town.a, 40.05, EARLIER)
    add(indicator, town.b, 20.05, EARLIER)
    assert queries.indicator_trend(indicator).direction == queries.UNCHANGED


@pytest.mark.parametrize(("better", "target", "met"), [(False, 30, False), (False, 33, True)])
def test_the_target_is_met_on_the_right_side(town, better, target, met):
    indicator = with_history(town, higher_is_better=better, target_value=target)
    assert queries.indicator_trend(indicator).target_met is met


def test_trends_of_a_kommune_and_of_its_public_indicators(town):
    counted(town, {town.a: (30, 200)}, code="SEU")
    Indicator.objects.filter(code="SEU").update(is_public=True)
    trends = queries.indicator_trends(town.kommune)
    assert [t.indicator.code for t in trends] == ["S4", "SEU"]
    public = queries.indicator_trends(town.kommune, public_only=True)
    assert [t.indicator.code for t in public] == ["SEU"]


# --- suppression ----------------------------------------------------------------------


def test_a_small_numerator_is_withheld_and_a_second_area_with_it(town):
    indicator = counted(town, {town.a: (2, 200), town.b: (50, 1000), town.c: (40, 500)})
    shown = {v.area.code: v for v in queries.area_values(indicator, suppress=True)}
    # Anger: 2 children with a finding, fewer than 3: withheld.
    assert shown["A"].suppressed and shown["A"].value is None and shown["A"].numerator is None
    assert "fewer than 3" in shown["A"].missing_reason
    # Otherwise Anger could be worked out from the Kommune's 92 / 1,700: Cölln, the smaller
    # of the two others, goes too.
    assert shown["C"].suppressed and shown["C"].value is None
    assert "cannot be worked out" in shown["C"].missing_reason
    assert not shown["B"].suppressed and shown["B"].value == pytest.approx(5.0)
    assert (shown["B"].numerator, shown["B"].denominator) == (50, 1000)
    # The Kommune's value is shown: its counts are large enough.
    assert queries.kommune_figure(indicator, suppress=True).value == pytest.approx(100 * 92 / 1700)
    # Internally everything is shown.
    internal = {v.area.code: v.value for v in queries.area_values(indicator)}
    assert internal["A"] == pytest.approx(1.0)


def test_a_small_kommune_total_is_withheld(town):
    indicator = counted(town, {town.a: (1, 40), town.b: (1, 30)})
    figure = queries.kommune_figure(indicator, suppress=True)
    assert figure.value is None and figure.suppressed
    assert queries.kommune_figure(indicator).value == pytest.approx(100 * 2 / 70)
    trend = queries.indicator_trend(indicator, suppress=True)
    assert trend.kommune_values == [None] and trend.latest is None


def test_a_rate_given_directly_is_checked_against_the_inhabitants(town, settings):
    settings.LUECKENLOS_SUPPRESS_MIN_DENOMINATOR = 1000
    indicator = poverty(town)
    add_c = IndicatorValue.objects.get(indicator=indicator, area=town.c)
    add_c.value, add_c.missing_reason = 10.0, ""
    add_c.save()
    shown = {v.area.code: v for v in queries.area_values(indicator, suppress=True)}
    # Cölln: 500 inhabitants, fewer than 1,000: withheld; Bruch (estimated 400 of 2,000,
    # fewer than Anger's 1,200) with it.
    assert shown["C"].suppressed and shown["B"].suppressed
    assert "fewer than 1000" in shown["C"].missing_reason
    assert not shown["A"].suppressed and shown["A"].value == 40.0
    # The estimates are not published figures: no numerator or denominator is shown.
    assert shown["A"].numerator is None and shown["A"].denominator is None


def test_a_tiny_rate_is_a_small_number(town):
    indicator = poverty(town)
    IndicatorValue.objects.filter(indicator=indicator, area=town.b).update(value=0.1)
    shown = {v.area.code: v for v in queries.area_values(indicator, suppress=True)}
    # 0.1 % of 2,000 inhabitants: 2 people.
    assert shown["B"].suppressed
    assert shown["A"].suppressed  # the only other one, by secondary suppression


def test_an_area_without_inhabitants_cannot_be_checked_and_is_withheld(town):
    indicator = poverty(town)
    dorf = area_create(
        kommune=town.kommune, level=town.plr_level, parent=town.east, code="D", name="Dorf"
    )
    add(indicator, dorf, 60.0, DAY)
    shown = {v.area.code: v for v in queries.area_values(indicator, suppress=True)}
    assert shown["D"].suppressed and "no population figure" in shown["D"].missing_reason
    assert shown["B"].suppressed  # secondary: the smaller of Anger and Bruch
    assert not shown["A"].suppressed


def test_the_previous_value_is_suppressed_by_its_own_date(town):
    indicator = counted(town, {town.a: (30, 200), town.b: (50, 1000)})
    counted(town, {town.a: (1, 200), town.b: (60, 1000)}, day=EARLIER)
    shown = {v.area.code: v for v in queries.area_values(indicator, suppress=True)}
    # 2018: Anger's 1 child is withheld, and Bruch with it: no previous values shown.
    assert shown["A"].previous is None and shown["B"].previous is None
    internal = {v.area.code: v for v in queries.area_values(indicator)}
    assert internal["A"].previous == pytest.approx(0.5)


def test_counts_are_rounded_when_the_policy_says_so(town, settings):
    settings.LUECKENLOS_SUPPRESS_ROUND_TO = 5
    indicator = counted(town, {town.a: (52, 203), town.b: (50, 1000), town.c: (44, 500)})
    shown = {v.area.code: v for v in queries.area_values(indicator, suppress=True)}
    assert (shown["A"].numerator, shown["A"].denominator) == (50, 205)
    # The rate stays computed from the exact counts.
    assert shown["A"].value == pytest.approx(100 * 52 / 203)


# --- charts ---------------------------------------------------------------------------


def test_the_trend_chart_has_both_lines_and_the_target(town):
    indicator = with_history(town, higher_is_better=False, target_value=30)
    chart = queries.trend_chart(queries.indicator_trend(indicator), area=town.a)
    assert chart.svg.startswith("<svg") and 'role="img"' in chart.svg
    values = chart.spec["layer"][0]["data"]["values"]
    assert {v["series"] for v in values} == {"Teststadt", "Anger"}
    assert [v["value"] for v in values if v["series"] == "Anger"] == [44.0, 40.0]
    assert "target" in chart.description and "Anger" in chart.description


def test_the_map_colours_the_areas_and_shows_the_offers_of_a_life_phase(town):
    indicator = poverty(town)
    plain = queries.indicator_map(indicator)
    assert plain is not None and "<svg" in plain.svg
    # No life phase chosen: no offers on the map.
    assert len(plain.spec["layer"]) == 2
    with_offers = queries.indicator_map(indicator, life_phase="infant")
    # Infants: both Kitas and the midwife's two places (the telephone line has no place).
    points = with_offers.spec["layer"][2]["data"]["values"]
    assert len(points) == 4
    # The telephone line counts among the offers but has no place on the map.
    assert "the 4 locations of the 4 offers for" in with_offers.description
    assert "No offers are shown." in plain.description
    features = with_offers.spec["layer"][0]["data"]["values"]
    assert {f["properties"]["name"]: f["properties"]["value"] for f in features} == {
        "Anger": 40.0,
        "Bruch": 20.0,
        "Cölln": None,
    }


def test_the_public_map_leaves_withheld_areas_grey(town, settings):
    settings.LUECKENLOS_SUPPRESS_MIN_DENOMINATOR = 2500
    drawn = queries.indicator_map(poverty(town), suppress=True)
    features = drawn.spec["layer"][0]["data"]["values"]
    # Bruch (2,000 inhabitants) withheld, and Anger with it.
    assert all(f["properties"]["value"] is None for f in features)
    # No value at all: no colour layer, whose legend would read "NaN".
    assert len(drawn.spec["layer"]) == 1 and "NaN" not in drawn.svg
    assert "0 of 3 areas have a value" in drawn.description
