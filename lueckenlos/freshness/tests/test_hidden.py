"""Offers that time has made hidden leave the portal's index on the daily run; offers
confirmed meanwhile come back."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from lueckenlos.catalogue.models import Service
from lueckenlos.catalogue.services import services_confirm
from lueckenlos.freshness.services import portal_index_sync, reminders_send
from lueckenlos.search.models import OfferDocument
from tests.factories import ServiceFactory


def indexed(offer) -> bool:
    return OfferDocument.objects.filter(service_id=offer.pk).exists()


@pytest.fixture
def offer(marzahn):
    return ServiceFactory(kommune=marzahn.kommune, last_confirmed=timezone.localdate())


def test_an_offer_ageing_past_the_threshold_leaves_the_index_on_the_daily_run(offer):
    assert indexed(offer)
    # Time passing, without a save: as if confirmed 18 months ago and indexed back then.
    eighteen_months_ago = timezone.localdate() - dt.timedelta(days=18 * 31)
    Service.objects.filter(pk=offer.pk).update(last_confirmed=eighteen_months_ago)
    assert indexed(offer)

    reminders_send()

    assert not indexed(offer)
    # Hidden, never deleted.
    assert Service.objects.filter(pk=offer.pk).exists()


def test_a_dry_run_leaves_the_index_alone(offer):
    eighteen_months_ago = timezone.localdate() - dt.timedelta(days=18 * 31)
    Service.objects.filter(pk=offer.pk).update(last_confirmed=eighteen_months_ago)
    assert portal_index_sync(dry_run=True) == 1
    assert indexed(offer)


def test_an_offer_confirmed_in_the_back_office_comes_back_on_the_daily_run(marzahn):
    hidden = ServiceFactory(kommune=marzahn.kommune, last_confirmed=dt.date(2020, 1, 1))
    assert not indexed(hidden)
    # The admin's bulk confirmation writes with update(): no signal re-indexes the offer.
    services_confirm(
        services=Service.objects.filter(pk=hidden.pk),
        on=timezone.localdate(),
        acting_user=User.objects.create_user("koordination"),
    )

    assert portal_index_sync() == 1
    assert indexed(hidden)
