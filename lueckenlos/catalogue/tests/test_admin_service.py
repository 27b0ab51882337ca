"""Offers in the back office: filters by Kommune, life phase and area; bulk actions; rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from django.utils import timezone

from lueckenlos.catalogue.models import Service, TaxonomyTerm
from lueckenlos.portal.tests.conftest import add_offers
from lueckenlos.search.models import OfferDocument
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

# Assertions read the English msgids; German wording is the catalogue's business.
pytestmark = pytest.mark.usefixtures("english")

CHANGELIST = reverse("admin:catalogue_service_changelist")


def listed(response) -> list[str]:
    return sorted(service.name for service in response.context["cl"].result_list)


@pytest.fixture
def offers(marzahn, pankow):
    """Marzahn: a Kita offer in the north, a school offer in the south. Pankow: one Kita."""
    kita = ServiceFactory(kommune=marzahn.kommune, name="Kita Nord", terms=["life_phase:preschool"])
    school = ServiceFactory(
        kommune=marzahn.kommune, name="Schule Süd", terms=["life_phase:primary"]
    )
    ServiceAtLocationFactory(
        service=kita, location=LocationFactory(kommune=marzahn.kommune, area=marzahn.north)
    )
    # Two locations in the same region: the area filter must still list the offer once.
    for _ in range(2):
        ServiceAtLocationFactory(
            service=school, location=LocationFactory(kommune=marzahn.kommune, area=marzahn.south)
        )
    ServiceFactory(kommune=pankow.kommune, name="Kita Pankow", terms=["life_phase:preschool"])
    return kita, school


def test_the_kommune_filter_lists_one_kommunes_offers(admin_client, marzahn, offers):
    response = admin_client.get(CHANGELIST, {"kommune": marzahn.kommune.pk})

    assert listed(response) == ["Kita Nord", "Schule Süd"]


def test_the_life_phase_filter_lists_offers_of_that_phase(admin_client, offers):
    response = admin_client.get(CHANGELIST, {"life_phase": "preschool"})

    assert listed(response) == ["Kita Nord", "Kita Pankow"]


def test_the_area_filter_includes_the_planungsraeume_of_a_region(admin_client, marzahn, offers):
    by_region = admin_client.get(CHANGELIST, {"area": marzahn.region.pk})
    by_south = admin_client.get(CHANGELIST, {"area": marzahn.south.pk})

    assert listed(by_region) == ["Kita Nord", "Schule Süd"]
    assert listed(by_south) == ["Schule Süd"]


def test_the_area_filter_offers_the_chosen_kommunes_areas(admin_client, marzahn, offers):
    response = admin_client.get(CHANGELIST, {"kommune": marzahn.kommune.pk})

    html = response.content.decode()
    assert "– Marzahn-Hellersdorf Nord" in html
    assert "Pankow Region" not in html


def test_the_list_shows_life_phases_in_a_fixed_number_of_queries(
    admin_client, marzahn, django_assert_max_num_queries
):
    add_offers(marzahn, 40)
    admin_client.get(CHANGELIST)  # warm the session and the content types

    # Session, user, counts, one page of offers with providers and Kommunen, life phases,
    # the filters' choices: a handful of queries, however many offers.
    with django_assert_max_num_queries(14):
        response = admin_client.get(CHANGELIST)

    assert "3 bis 6 Jahre" in response.content.decode()


def run_action(admin_client, action: str, services) -> None:
    response = admin_client.post(
        CHANGELIST, {"action": action, "_selected_action": [s.pk for s in services]}
    )
    assert response.status_code == 302


def test_the_actions_mark_offers_inactive_and_active(admin_client, offers):
    kita, school = offers

    run_action(admin_client, "make_inactive", [kita])
    kita.refresh_from_db()
    school.refresh_from_db()
    assert kita.status == Service.Status.INACTIVE
    assert school.status == Service.Status.ACTIVE

    run_action(admin_client, "make_active", [kita])
    kita.refresh_from_db()
    assert kita.status == Service.Status.ACTIVE


def test_an_offer_made_inactive_in_the_back_office_leaves_the_portal_search(admin_client, offers):
    kita, _school = offers
    assert OfferDocument.objects.filter(service=kita).exists()

    run_action(admin_client, "make_inactive", [kita])
    assert not OfferDocument.objects.filter(service=kita).exists()

    run_action(admin_client, "make_active", [kita])
    assert OfferDocument.objects.filter(service=kita).exists()


def history(service) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(object_id=str(service.pk), content_type__model="service").order_by(
            "action_time"
        )
    )


def test_the_status_actions_leave_an_entry_by_the_user_in_each_offers_history(
    admin_client, admin_user, offers, pankow
):
    kita, school = offers
    untouched = Service.objects.get(name="Kita Pankow")

    run_action(admin_client, "make_inactive", [kita, school])

    for service in (kita, school):
        (entry,) = history(service)
        assert (entry.user, entry.action_flag) == (admin_user, CHANGE)
        assert entry.get_change_message() == "Changed status."
        # Where a coordinator looks: the offer's history page.
        page = admin_client.get(reverse("admin:catalogue_service_history", args=[service.pk]))
        (latest, *_older) = page.context["page_obj"]
        assert (latest.history_user, latest.history_change_reason) == (admin_user, "bulk")
    assert history(untouched) == []


def test_an_offer_that_already_has_the_status_is_not_changed_again(admin_client, offers):
    kita, school = offers
    school.status = Service.Status.INACTIVE
    school.save()

    response = admin_client.post(
        CHANGELIST,
        {"action": "make_inactive", "_selected_action": [kita.pk, school.pk]},
        follow=True,
    )

    assert "1 offer changed." in [str(m) for m in response.context["messages"]]
    assert len(history(kita)) == 1
    assert history(school) == []


def test_the_confirm_action_leaves_an_entry_by_the_user(admin_client, admin_user, offers):
    kita, school = offers

    run_action(admin_client, "confirm_today", [school])

    (entry,) = history(school)
    assert entry.user == admin_user
    assert entry.get_change_message() == "Changed last confirmed on."
    assert history(kita) == []


def test_the_confirm_action_sets_last_confirmed_to_today(admin_client, offers):
    kita, school = offers

    run_action(admin_client, "confirm_today", [school])

    school.refresh_from_db()
    kita.refresh_from_db()
    assert school.last_confirmed == timezone.localdate()
    assert kita.last_confirmed is None


def service_form(service, **fields) -> dict:
    data = {
        "kommune": service.kommune_id,
        "organization": service.organization_id,
        "name": service.name,
        "status": service.status,
        "is_example": "",
    }
    for prefix in (
        "serviceatlocation_set",
        "cost_options",
        "languages",
        "schedules",
        "phones",
        "contacts",
        "translations",
    ):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(fields)
    return data


def test_an_age_range_upside_down_is_a_form_error(admin_client, offers):
    kita, _ = offers

    response = admin_client.post(
        reverse("admin:catalogue_service_change", args=[kita.pk]),
        service_form(kita, min_age_months="72", max_age_months="36"),
    )

    assert response.status_code == 200
    assert "max_age_months" in response.context["adminform"].form.errors
    kita.refresh_from_db()
    assert kita.max_age_months is None


def test_a_provider_of_another_kommune_is_a_form_error(admin_client, pankow, offers):
    kita, _ = offers
    pankow_provider = Service.objects.get(name="Kita Pankow").organization

    response = admin_client.post(
        reverse("admin:catalogue_service_change", args=[kita.pk]),
        service_form(kita, organization=pankow_provider.pk),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organization"] == [
        "The provider belongs to another Kommune."
    ]


def test_a_valid_change_with_a_schedule_is_saved(admin_client, offers):
    kita, _ = offers

    response = admin_client.post(
        reverse("admin:catalogue_service_change", args=[kita.pk]),
        service_form(
            kita,
            min_age_months="36",
            max_age_months="72",
            **{
                "schedules-TOTAL_FORMS": "1",
                "schedules-0-kind": "regular",
                "schedules-0-weekday": "TU",
                "schedules-0-opens_at": "09:00",
                "schedules-0-closes_at": "12:00",
            },
        ),
    )

    assert response.status_code == 302
    kita.refresh_from_db()
    assert (kita.min_age_months, kita.max_age_months) == (36, 72)
    assert [(s.weekday, s.opens_at) for s in kita.schedules.all()] == [("TU", dt.time(9))]


def phases(*codes: str) -> list[str]:
    return [
        str(TaxonomyTerm.objects.get(taxonomy__code="life_phase", code=code).pk) for code in codes
    ]


def test_life_phases_that_contradict_the_age_range_are_a_form_error(admin_client, offers):
    kita, _ = offers

    response = admin_client.post(
        reverse("admin:catalogue_service_change", args=[kita.pk]),
        service_form(
            kita,
            min_age_months="2",
            max_age_months="72",
            terms=phases("infant", "preschool", "secondary"),
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["terms"] == [
        "“10 bis 16 Jahre” does not fit the age range 2 to 72 months."
    ]
    kita.refresh_from_db()
    assert kita.max_age_months is None


def test_life_phases_that_fit_the_age_range_are_saved(admin_client, offers):
    kita, _ = offers

    response = admin_client.post(
        reverse("admin:catalogue_service_change", args=[kita.pk]),
        service_form(
            kita, min_age_months="2", max_age_months="72", terms=phases("infant", "preschool")
        ),
    )

    assert response.status_code == 302
    assert sorted(t.code for t in kita.terms.all()) == ["infant", "preschool"]


def test_an_upside_down_age_range_is_not_also_reported_as_a_life_phase_conflict(
    admin_client, offers
):
    kita, _ = offers

    response = admin_client.post(
        reverse("admin:catalogue_service_change", args=[kita.pk]),
        service_form(kita, min_age_months="72", max_age_months="36", terms=phases("preschool")),
    )

    # One mistake, one message: at the age range, not again at the life phases.
    assert "terms" not in response.context["adminform"].form.errors
