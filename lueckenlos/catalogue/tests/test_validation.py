"""Model rules that keep the catalogue consistent, in Python and in the database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lueckenlos.catalogue.models import CostOption, Schedule, Service, ServiceLanguage
from lueckenlos.catalogue.services import terms_by_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_an_age_range_with_min_above_max_is_rejected_with_a_reason(service_factory):
    service = service_factory()
    service.min_age_months, service.max_age_months = 72, 36

    with pytest.raises(ValidationError) as excinfo:
        service.full_clean()

    assert "max_age_months" in excinfo.value.message_dict
    assert "72" in excinfo.value.message_dict["max_age_months"][0]


def test_the_database_refuses_an_inverted_age_range_too(service_factory):
    service = service_factory()
    service.min_age_months, service.max_age_months = 72, 36
    with pytest.raises(IntegrityError), transaction.atomic():
        service.save()


def test_an_offer_cannot_belong_to_another_kommunes_provider(marzahn, pankow, organization_factory):
    provider = organization_factory(kommune=pankow.kommune)
    service = Service(kommune=marzahn.kommune, organization=provider, name="Elterncafé")
    with pytest.raises(ValidationError) as excinfo:
        service.full_clean()
    assert "organization" in excinfo.value.message_dict


def test_unknown_taxonomy_codes_are_rejected_by_name():
    with pytest.raises(ValidationError) as excinfo:
        terms_by_code("life_phase", ["preschool", "kindergarden"])
    message = excinfo.value.messages[0]
    assert "kindergarden" in message
    assert "life_phase" in message
    assert "preschool" not in message


def test_known_taxonomy_codes_come_back_in_the_order_asked():
    terms = terms_by_code("field_of_action", ["health", "education"])
    assert [t.code for t in terms] == ["health", "education"]


def test_regular_opening_hours_must_close_after_they_open(service_factory):
    schedule = Schedule(
        service=service_factory(),
        kind=Schedule.Kind.REGULAR,
        weekday="MO",
        opens_at=dt.time(14),
        closes_at=dt.time(9),
    )
    with pytest.raises(ValidationError):
        schedule.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        schedule.save()


def test_a_dated_event_needs_a_start(service_factory):
    schedule = Schedule(service=service_factory(), kind=Schedule.Kind.EVENT)
    with pytest.raises(ValidationError, match="start"):
        schedule.full_clean()


def test_a_free_offer_cannot_cost_money(service_factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        CostOption.objects.create(service=service_factory(), kind="free", amount=5)


def test_an_unknown_language_code_is_rejected(service_factory):
    language = ServiceLanguage(service=service_factory(), code="xx")
    with pytest.raises(ValidationError, match="xx"):
        language.full_clean()


def test_a_known_language_is_named_in_the_interface_language(service_factory):
    language = ServiceLanguage(service=service_factory(), code="tr")
    language.full_clean()
    assert str(language) in {"Turkish", "Türkisch"}


def test_a_free_offer_with_an_amount_is_refused_before_the_database(service_factory):
    option = CostOption(service=service_factory(), kind="free", amount=5)
    with pytest.raises(ValidationError) as excinfo:
        option.full_clean()
    assert "amount" in excinfo.value.message_dict


def test_an_event_is_shown_in_local_time(service_factory):
    schedule = Schedule(
        service=service_factory(),
        kind=Schedule.Kind.EVENT,
        starts_at=dt.datetime(2026, 7, 4, 12, 0, tzinfo=dt.UTC),
    )
    # 12:00 UTC is 14:00 in Berlin in summer.
    assert str(schedule) == "04.07.2026 14:00"
