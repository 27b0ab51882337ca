"""When an offer becomes stale and hidden: at the exact month boundaries."""

import datetime as dt

import pytest
from django.utils import timezone

from lueckenlos.catalogue.models import Service
from lueckenlos.freshness.queries import (
    hidden_q,
    is_hidden,
    is_stale,
    months_before,
    stale_offers,
)
from tests.factories import ServiceFactory

TODAY = dt.date(2025, 6, 15)


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(TODAY, 12) == dt.date(2024, 6, 15)
    assert months_before(dt.date(2025, 5, 31), 3) == dt.date(2025, 2, 28)
    assert months_before(dt.date(2025, 3, 31), 13) == dt.date(2024, 2, 29)


@pytest.mark.django_db
def test_an_offer_is_stale_from_the_day_it_was_confirmed_twelve_months_ago():
    exactly = ServiceFactory(last_confirmed=dt.date(2024, 6, 15))
    a_day_younger = ServiceFactory(last_confirmed=dt.date(2024, 6, 16))
    assert is_stale(exactly, TODAY)
    assert not is_stale(a_day_younger, TODAY)
    assert list(stale_offers(today=TODAY)) == [exactly]


@pytest.mark.django_db
def test_an_offer_is_hidden_from_eighteen_months_on():
    exactly = ServiceFactory(last_confirmed=dt.date(2023, 12, 15))
    a_day_younger = ServiceFactory(last_confirmed=dt.date(2023, 12, 16))
    assert is_hidden(exactly, TODAY) and not is_hidden(a_day_younger, TODAY)
    assert list(Service.objects.filter(hidden_q(TODAY))) == [exactly]
    # Hidden offers are stale too: their providers are still reminded.
    assert is_stale(exactly, TODAY)


@pytest.mark.django_db
def test_a_never_confirmed_offer_counts_from_its_creation():
    old = ServiceFactory(last_confirmed=None)
    new = ServiceFactory(last_confirmed=None)
    created = timezone.make_aware(dt.datetime(2023, 12, 15, 12, 0))
    Service.objects.filter(pk=old.pk).update(created_at=created)
    old.refresh_from_db()
    assert is_hidden(old, TODAY) and not is_stale(new, TODAY)
    assert list(Service.objects.filter(hidden_q(TODAY))) == [old]
    assert list(stale_offers(today=TODAY)) == [old]


@pytest.mark.django_db
def test_zero_months_never_hides(settings):
    settings.LUECKENLOS_HIDE_AFTER_MONTHS = 0
    ancient = ServiceFactory(last_confirmed=dt.date(2000, 1, 1))
    assert not is_hidden(ancient, TODAY)
    assert not Service.objects.filter(hidden_q(TODAY)).exists()


@pytest.mark.django_db
def test_inactive_offers_are_not_stale_offers():
    ServiceFactory(last_confirmed=dt.date(2020, 1, 1), status=Service.Status.INACTIVE)
    assert not stale_offers(today=TODAY).exists()
