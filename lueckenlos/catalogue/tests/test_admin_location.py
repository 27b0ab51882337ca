"""Saving a location in the back office places it in its area, through location_save."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lueckenlos.areas.services import kommune_set_boundary
from lueckenlos.catalogue.models import Location
from tests.factories import square

# Assertions read the English msgids; German wording is the catalogue's business.
pytestmark = pytest.mark.usefixtures("english")

ADD_URL = reverse("admin:catalogue_location_add")


def location_form(kommune, **fields) -> dict:
    return {
        "kommune": kommune.pk,
        "name": "Kita Sonnenschein",
        "address_1": "Testweg 1",
        "postal_code": "12685",
        "city": "Berlin",
        "wheelchair": "",
        **fields,
    }


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_saving_assigns_the_area_from_the_coordinates(admin_client, marzahn):
    response = admin_client.post(
        ADD_URL, location_form(marzahn.kommune, longitude="13.555", latitude="52.515"), follow=True
    )

    location = Location.objects.get(name="Kita Sonnenschein")
    assert location.area == marzahn.north
    assert not [text for level, text in messages_of(response) if level == "warning"]


def test_a_point_outside_every_area_is_saved_with_a_warning(admin_client, marzahn):
    # The Kommune grows to the east beyond its areas, so a point there is in the Kommune
    # but in none of its areas.
    kommune_set_boundary(kommune=marzahn.kommune, boundary=square(13.55, 52.50, 0.05))

    response = admin_client.post(
        ADD_URL, location_form(marzahn.kommune, longitude="13.59", latitude="52.51"), follow=True
    )

    location = Location.objects.get(name="Kita Sonnenschein")
    assert location.area is None
    warnings = [text for level, text in messages_of(response) if level == "warning"]
    assert len(warnings) == 1
    assert "lies outside every area of Marzahn-Hellersdorf" in warnings[0]


def test_changing_the_coordinates_moves_the_location_to_the_other_area(admin_client, marzahn):
    admin_client.post(
        ADD_URL, location_form(marzahn.kommune, longitude="13.555", latitude="52.515")
    )
    location = Location.objects.get(name="Kita Sonnenschein")

    admin_client.post(
        reverse("admin:catalogue_location_change", args=[location.pk]),
        location_form(marzahn.kommune, longitude="13.565", latitude="52.505"),
    )

    location.refresh_from_db()
    assert location.area == marzahn.south


def test_coordinates_outside_the_kommune_are_a_form_error(admin_client, marzahn, pankow):
    # A point in Pankow, entered for Marzahn-Hellersdorf.
    response = admin_client.post(
        ADD_URL, location_form(marzahn.kommune, longitude="13.405", latitude="52.575")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "m outside Marzahn-Hellersdorf" in errors["latitude"][0]
    assert not Location.objects.filter(name="Kita Sonnenschein").exists()


def test_a_site_the_loader_kept_just_outside_can_be_edited(admin_client, marzahn):
    # As the demo keeps Kita Hausburg: about 100 m east of the Kommune's boundary (13.57°E).
    location = Location.objects.create(
        kommune=marzahn.kommune, name="Kita Hausburg", longitude=13.5715, latitude=52.51
    )

    response = admin_client.post(
        reverse("admin:catalogue_location_change", args=[location.pk]),
        location_form(
            marzahn.kommune,
            name="Kita Hausburg",
            description="Neue Telefonzeiten",
            longitude="13.5715",
            latitude="52.51",
        ),
        follow=True,
    )

    location.refresh_from_db()
    assert location.description == "Neue Telefonzeiten"
    # Saved, and in no area: the coordinator is told, as for any point outside every area.
    assert location.area is None
    warnings = [text for level, text in messages_of(response) if level == "warning"]
    assert any("lies outside every area of Marzahn-Hellersdorf" in text for text in warnings)


def test_a_point_beyond_the_tolerance_is_refused_with_its_distance(admin_client, marzahn):
    # 0.01° east of the boundary at 52.51°N: about 679 m out, well beyond the 250 m allowed.
    response = admin_client.post(
        ADD_URL, location_form(marzahn.kommune, longitude="13.58", latitude="52.51")
    )

    assert response.status_code == 200
    message = response.context["adminform"].form.errors["latitude"][0]
    assert "lie 679 m outside Marzahn-Hellersdorf" in message
    assert not Location.objects.exists()


def test_coordinates_outside_germany_are_a_form_error(admin_client, marzahn):
    # Latitude and longitude swapped: a typical mistake.
    response = admin_client.post(
        ADD_URL, location_form(marzahn.kommune, longitude="52.515", latitude="13.555")
    )

    assert response.status_code == 200
    assert "latitude" in response.context["adminform"].form.errors
    assert not Location.objects.exists()


def test_one_coordinate_alone_is_a_form_error(admin_client, marzahn):
    response = admin_client.post(ADD_URL, location_form(marzahn.kommune, latitude="52.515"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "longitude": ["Give both latitude and longitude, or neither."]
    }


def test_the_outside_filter_finds_placed_locations_in_no_area(admin_client, marzahn):
    kommune_set_boundary(kommune=marzahn.kommune, boundary=square(13.55, 52.50, 0.05))
    admin_client.post(ADD_URL, location_form(marzahn.kommune, longitude="13.59", latitude="52.51"))
    admin_client.post(
        ADD_URL,
        location_form(marzahn.kommune, name="Im Gebiet", longitude="13.555", latitude="52.515"),
    )
    admin_client.post(ADD_URL, location_form(marzahn.kommune, name="Ohne Koordinaten"))

    response = admin_client.get(
        reverse("admin:catalogue_location_changelist"), {"placement": "outside"}
    )

    assert [loc.name for loc in response.context["cl"].result_list] == ["Kita Sonnenschein"]
