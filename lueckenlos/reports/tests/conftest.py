"""Teststadt (the gap analysis's small town, see analysis/tests/conftest.py) with what a
report of 2024 looks at besides: the Hebammenpraxis was entered in 2024 (and confirmed
today), the Telefonberatung was last confirmed two years ago (stale, and hidden where hiding is on),
child poverty has a second reference date and is public; an internal indicator is not.

Active offers by field and life phase, worked out by hand:
- health: Hebammenpraxis (pregnancy, infant);
- education: both Kitas (infant, preschool), Grundschule (primary);
- youth welfare: Kita Sonnenschein (infant, preschool);
- counselling: Telefonberatung (infant).
Five active offers: pregnancy 1, infant 4, preschool 2, primary 1.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lueckenlos.analysis import cache
from lueckenlos.analysis.tests.conftest import Teststadt, build_teststadt
from lueckenlos.catalogue.models import Service
from lueckenlos.monitoring.models import Indicator, IndicatorValue
from lueckenlos.search.indexing import indexing_deferred

REPORT_YEAR = 2024


@pytest.fixture
def town(db, settings) -> Teststadt:
    settings.REQUIRE_SECOND_FACTOR = False
    with indexing_deferred():
        town = build_teststadt()
    Service.objects.filter(pk=town.offers["midwife"].pk).update(
        created_at=dt.datetime(REPORT_YEAR, 3, 1, 12, tzinfo=dt.UTC),
        last_confirmed=timezone.localdate(),
    )
    Service.objects.filter(pk=town.offers["phone"].pk).update(
        last_confirmed=timezone.localdate() - dt.timedelta(days=2 * 365)
    )
    poverty = Indicator.objects.get(kommune=town.kommune, code="S4")
    poverty.is_public = True
    poverty.higher_is_better = False
    poverty.target_value = 25.0
    poverty.save()
    for area, value in ((town.a, 44.0), (town.b, 22.0)):
        IndicatorValue.objects.create(
            indicator=poverty, area=area, reference_date=dt.date(2018, 12, 31), value=value
        )
    internal = Indicator.objects.create(
        kommune=town.kommune, code="INT1", name="Interne Kennzahl", unit="%"
    )
    IndicatorValue.objects.create(
        indicator=internal, area=town.a, reference_date=dt.date(2020, 12, 31), value=5.0
    )
    return town


@pytest.fixture(autouse=True)
def _fresh_analysis_cache():
    """Rolled-back tests hand out the same ids and generations again: start each afresh."""
    from django.core.cache import cache as django_cache

    django_cache.clear()
    cache.forget()
    yield
    django_cache.clear()
    cache.forget()
