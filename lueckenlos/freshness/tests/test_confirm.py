"""The one-click confirmation: a GET shows, only a POST confirms, and bad or expired links
are refused without changing anything."""

import datetime as dt
import time
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lueckenlos.freshness.tokens import make_token
from lueckenlos.search.models import OfferDocument
from tests.factories import ServiceFactory


@pytest.fixture
def offer(marzahn):
    return ServiceFactory(
        kommune=marzahn.kommune, name="Elterncafé Hellersdorf", last_confirmed=dt.date(2025, 1, 1)
    )


def confirm_url(offer, token=None, slug=None):
    return reverse(
        "freshness:confirm",
        kwargs={
            "kommune_slug": slug or offer.kommune.slug,
            "offer_id": offer.pk,
            "token": token or make_token(offer.pk),
        },
    )


def test_a_get_shows_the_offer_and_a_button_and_changes_nothing(client, offer, english):
    response = client.get(confirm_url(offer))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Elterncafé Hellersdorf" in page and "Yes, the offer is still correct" in page
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    offer.refresh_from_db()
    # Mail scanners follow links: a GET must never confirm.
    assert offer.last_confirmed == dt.date(2025, 1, 1)


def test_a_post_confirms_as_of_today_and_records_who(client, offer, english):
    response = client.post(confirm_url(offer))

    assert response.status_code == 200
    assert "Thank you!" in response.content.decode()
    offer.refresh_from_db()
    assert offer.last_confirmed == timezone.localdate()
    entry = LogEntry.objects.get(object_id=str(offer.pk))
    assert entry.user.username == "confirmation-link" and not entry.user.is_active


def test_the_post_needs_the_csrf_token(offer):
    response = Client(enforce_csrf_checks=True).post(confirm_url(offer))
    assert response.status_code == 403
    offer.refresh_from_db()
    assert offer.last_confirmed == dt.date(2025, 1, 1)


def test_a_bad_token_is_refused(client, offer, english):
    other = ServiceFactory(kommune=offer.kommune)
    # A genuine token, but made for another offer.
    response = client.post(confirm_url(offer, token=make_token(other.pk)))

    assert response.status_code == 403
    assert "This link is not valid" in response.content.decode()
    offer.refresh_from_db()
    assert offer.last_confirmed == dt.date(2025, 1, 1)


def test_an_expired_token_is_refused(client, offer, english):
    sixty_one_days_ago = time.time() - 61 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=sixty_one_days_ago):
        old_token = make_token(offer.pk)

    response = client.post(confirm_url(offer, token=old_token))

    assert response.status_code == 403
    assert "This link has expired" in response.content.decode()
    offer.refresh_from_db()
    assert offer.last_confirmed == dt.date(2025, 1, 1)


def test_the_offer_must_belong_to_the_kommune_in_the_address(client, offer, pankow):
    assert client.get(confirm_url(offer, slug=pankow.kommune.slug)).status_code == 404


def test_a_hidden_offer_comes_back_into_the_portal_on_confirmation(client, marzahn):
    hidden = ServiceFactory(kommune=marzahn.kommune, last_confirmed=dt.date(2020, 1, 1))
    # Hidden offers are not indexed, so the portal neither finds nor shows them.
    assert not OfferDocument.objects.filter(service_id=hidden.pk).exists()

    client.post(confirm_url(hidden))

    assert OfferDocument.objects.filter(service_id=hidden.pk).exists()
