"""The back office: every model is registered, and its list and form open for a coordinator.

These tests live with the portal's because the admin modules of areas, catalogue and
monitoring were written together with it; they exercise all three.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from lueckenlos.areas.models import AgeBand, Area, AreaLevel, Kommune, PopulationCount
from lueckenlos.catalogue.models import (
    Contact,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from lueckenlos.monitoring.models import Indicator, IndicatorValue
from lueckenlos.portal.tests.conftest import add_offers, add_population

DOMAIN_MODELS = {
    Kommune,
    AreaLevel,
    Area,
    AgeBand,
    PopulationCount,
    Taxonomy,
    TaxonomyTerm,
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    Contact,
    Phone,
    Schedule,
    CostOption,
    ServiceLanguage,
    Indicator,
    IndicatorValue,
}


@pytest.fixture
def one_of_everything(marzahn):
    """At least one row of every registered model, in Marzahn-Hellersdorf."""
    (offer,) = add_offers(marzahn, 1)
    add_population(marzahn)
    contact = Contact.objects.create(service=offer, title="Leitung", email="kita@example.org")
    Contact.objects.create(organization=offer.organization, name="Empfang")
    Phone.objects.create(service=offer, number="030 123456")
    Phone.objects.create(contact=contact, number="030 654321")
    Schedule.objects.create(
        service=offer,
        kind=Schedule.Kind.REGULAR,
        weekday="MO",
        opens_at=dt.time(8),
        closes_at=dt.time(16),
    )
    CostOption.objects.create(service=offer, kind=CostOption.Kind.FREE)
    ServiceLanguage.objects.create(service=offer, code="tr")
    indicator = Indicator.objects.create(
        kommune=marzahn.kommune, code="sgb2_u15", name="SGB-II-Quote unter 15", unit="%"
    )
    IndicatorValue.objects.create(
        indicator=indicator, area=marzahn.north, reference_date=dt.date(2023, 12, 31), value=31.5
    )
    IndicatorValue.objects.create(
        indicator=indicator, area=marzahn.south, reference_date=dt.date(2023, 12, 31), value=None
    )
    return marzahn


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_areas_catalogue_and_monitoring_is_registered():
    registered = set(admin.site._registry)

    assert registered >= DOMAIN_MODELS


def test_the_site_header_is_the_back_office_of_lueckenlos(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    assert "lueckenlos – administration" in html


@pytest.mark.parametrize(
    "model", sorted(DOMAIN_MODELS, key=lambda m: m._meta.label), ids=lambda m: m._meta.label
)
def test_a_superuser_opens_list_add_form_and_change_form(admin_client, one_of_everything, model):
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"the fixture made no {model.__name__}"
    change_url = admin_url(model, "change", obj.pk)

    changelist = admin_client.get(admin_url(model, "changelist"))
    change = admin_client.get(change_url)
    add = admin_client.get(admin_url(model, "add"))

    assert changelist.status_code == 200
    # The list links to the object, so it really lists it.
    assert change_url in changelist.content.decode()
    assert change.status_code == 200
    assert add.status_code == 200


@pytest.mark.parametrize("model", [Kommune, Area], ids=["Kommune", "Area"])
def test_boundaries_are_summarised_not_rendered(admin_client, one_of_everything, model):
    obj = model.objects.exclude(boundary=None).first()

    html = admin_client.get(admin_url(model, "change", obj.pk)).content.decode()

    assert "Polygon with 5 points" in html
    assert '"coordinates"' not in html
    assert "52.5" not in html  # no coordinate of the boundary reaches the page


def test_the_area_form_shows_the_population_for_reading(admin_client, one_of_everything):
    html = admin_client.get(admin_url(Area, "change", one_of_everything.south.pk)).content.decode()

    assert "8456" in html
    # The withheld under-6 figure reads as a dash, not as zero or an empty field.
    assert re.search(r'<td class="field-shown_count">\s*<p>–</p>', html)
    assert 'name="population-0-count"' not in html


def test_a_new_area_gets_its_path_below_its_parent(admin_client, marzahn):
    response = admin_client.post(
        admin_url(Area, "add"),
        {
            "kommune": marzahn.kommune.pk,
            "level": marzahn.north.level_id,
            "parent": marzahn.region.pk,
            "code": "mar-W",
            "name": "Marzahn West",
            "population-TOTAL_FORMS": "0",
            "population-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()
    area = Area.objects.get(code="mar-W")
    assert area.path == f"{marzahn.region.path}mar-W/"
    assert response.url == admin_url(Area, "changelist")
