"""Boundaries arrive in the back office as GeoJSON files; locations follow them into areas."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lueckenlos.areas.models import Area, Kommune
from lueckenlos.catalogue.models import Location
from tests.factories import square

# Assertions read the English msgids; German wording is the catalogue's business.
pytestmark = pytest.mark.usefixtures("english")


def geojson_file(document: dict, name: str = "grenze.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(document).encode(), "application/geo+json")


def kommune_form(kommune: Kommune, **fields) -> dict:
    return {
        "name": kommune.name,
        "slug": kommune.slug,
        "kind": kommune.kind,
        "parent": "",
        "official_code": "",
        "youth_office": "",
        "attribution": "",
        **fields,
    }


def area_form(area: Area | None = None, **fields) -> dict:
    data = {"population-TOTAL_FORMS": "0", "population-INITIAL_FORMS": "0"}
    if area is not None:
        data.update({"name": area.name, "valid_from": "", "valid_to": ""})
    data.update(fields)
    return data


def warnings_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


def kommune_change(kommune: Kommune) -> str:
    return reverse("admin:areas_kommune_change", args=[kommune.pk])


def area_change(area: Area) -> str:
    return reverse("admin:areas_area_change", args=[area.pk])


def test_the_forms_offer_an_upload_and_show_no_geojson(admin_client, marzahn):
    for url in (
        kommune_change(marzahn.kommune),
        area_change(marzahn.north),
        reverse("admin:areas_kommune_add"),
        reverse("admin:areas_area_add"),
    ):
        html = admin_client.get(url).content.decode()

        assert 'enctype="multipart/form-data"' in html
        assert 'type="file" name="boundary_file"' in html
        assert "Boundary as a GeoJSON file" in html
        assert '"coordinates"' not in html


def test_a_kommune_set_up_in_the_back_office_gets_its_boundary(admin_client, db):
    response = admin_client.post(
        reverse("admin:areas_kommune_add"),
        {
            **kommune_form(Kommune(name="Lichtenberg", slug="lichtenberg", kind="district")),
            "boundary_file": geojson_file({"type": "Feature", "geometry": square(13.47, 52.50)}),
        },
    )

    assert response.status_code == 302
    kommune = Kommune.objects.get(slug="lichtenberg")
    assert kommune.boundary["type"] == "Polygon"
    assert [13.47, 52.5] in kommune.boundary["coordinates"][0]


def test_a_new_kommune_boundary_is_summarised_not_shown(admin_client, marzahn):
    admin_client.post(
        kommune_change(marzahn.kommune),
        kommune_form(marzahn.kommune, boundary_file=geojson_file(square(13.55, 52.50, 0.05))),
    )

    html = admin_client.get(kommune_change(marzahn.kommune)).content.decode()
    marzahn.kommune.refresh_from_db()
    assert [13.6, 52.55] in marzahn.kommune.boundary["coordinates"][0]
    assert "Polygon with 5 points" in html
    assert "52.55" not in html


def test_saving_without_a_file_keeps_the_boundary(admin_client, marzahn):
    before = Kommune.objects.get(pk=marzahn.kommune.pk).boundary

    response = admin_client.post(
        kommune_change(marzahn.kommune), kommune_form(marzahn.kommune, youth_office="Jugendamt")
    )

    assert response.status_code == 302
    kommune = Kommune.objects.get(pk=marzahn.kommune.pk)
    assert kommune.youth_office == "Jugendamt"
    assert kommune.boundary == before


def test_a_file_that_is_no_boundary_is_a_form_error_with_the_reason(admin_client, marzahn):
    before = Kommune.objects.get(pk=marzahn.kommune.pk).boundary
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": square(13.55, 52.50)},
            {"type": "Feature", "geometry": square(13.56, 52.51)},
        ],
    }

    response = admin_client.post(
        kommune_change(marzahn.kommune),
        kommune_form(marzahn.kommune, boundary_file=geojson_file(collection)),
    )

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["boundary_file"]
    assert "holds 2 features" in error
    assert Kommune.objects.get(pk=marzahn.kommune.pk).boundary == before


def test_a_new_area_boundary_places_the_locations_again(admin_client, marzahn):
    kita = Location.objects.create(
        kommune=marzahn.kommune, name="Kita", longitude=13.555, latitude=52.515, area=marzahn.north
    )
    # The northern Planungsraum shrinks to a small square east of the Kita.
    response = admin_client.post(
        area_change(marzahn.north),
        area_form(marzahn.north, boundary_file=geojson_file(square(13.560, 52.510, 0.005))),
        follow=True,
    )

    north = Area.objects.get(pk=marzahn.north.pk)
    assert (north.min_lon, north.max_lon) == pytest.approx((13.560, 13.565))
    kita.refresh_from_db()
    # Still in the Bezirksregion, which covers the whole Kommune.
    assert kita.area == marzahn.region
    assert warnings_of(response) == []


def test_locations_left_outside_every_area_are_named(admin_client, marzahn):
    Location.objects.create(
        kommune=marzahn.kommune, name="Kita Ost", longitude=13.565, latitude=52.515
    )
    # All three areas shrink to the west of the Kommune; the Kita lies east of them.
    admin_client.post(
        area_change(marzahn.south),
        area_form(marzahn.south, boundary_file=geojson_file(square(13.55, 52.50, 0.005))),
    )
    admin_client.post(
        area_change(marzahn.north),
        area_form(marzahn.north, boundary_file=geojson_file(square(13.55, 52.51, 0.005))),
    )

    response = admin_client.post(
        area_change(marzahn.region),
        area_form(marzahn.region, boundary_file=geojson_file(square(13.55, 52.50, 0.01))),
        follow=True,
    )

    (warning,) = warnings_of(response)
    assert "“Kita Ost”" in warning
    assert "lies outside every area of Marzahn-Hellersdorf" in warning
    assert Location.objects.get(name="Kita Ost").area is None


def test_many_warnings_are_shown_ten_and_counted(admin_client, marzahn):
    # East of the areas, but inside the Kommune's new, wider boundary.
    Location.objects.bulk_create(
        Location(kommune=marzahn.kommune, name=f"Standort {n:02d}", longitude=13.59, latitude=52.51)
        for n in range(13)
    )

    response = admin_client.post(
        kommune_change(marzahn.kommune),
        kommune_form(marzahn.kommune, boundary_file=geojson_file(square(13.55, 52.50, 0.05))),
        follow=True,
    )

    warnings = warnings_of(response)
    assert len(warnings) == 11
    assert all("outside every area" in text for text in warnings[:10])
    assert warnings[10] == "… and 3 more locations outside every area."


def test_a_new_area_is_created_with_its_boundary_and_path(admin_client, marzahn):
    response = admin_client.post(
        reverse("admin:areas_area_add"),
        area_form(
            kommune=marzahn.kommune.pk,
            level=marzahn.north.level_id,
            parent=marzahn.region.pk,
            code="mar-W",
            name="Marzahn West",
            boundary_file=geojson_file(square(13.55, 52.50, 0.005)),
        ),
    )

    assert response.status_code == 302, response.content.decode()
    area = Area.objects.get(code="mar-W")
    assert area.path == f"{marzahn.region.path}mar-W/"
    assert (area.min_lon, area.max_lat) == pytest.approx((13.55, 52.505))
    assert area.area_m2 == pytest.approx(340 * 556, rel=0.02)


def test_a_new_area_gets_an_addition_entry_in_its_history(admin_client, admin_user, marzahn):
    # The admin goes on with the very instance the service saved: its history names it.
    admin_client.post(
        reverse("admin:areas_area_add"),
        area_form(
            kommune=marzahn.kommune.pk,
            level=marzahn.north.level_id,
            parent=marzahn.region.pk,
            code="mar-W",
            name="Marzahn West",
        ),
    )

    area = Area.objects.get(code="mar-W")
    page = admin_client.get(reverse("admin:areas_area_history", args=[area.pk]))
    (entry,) = page.context["action_list"]
    assert (entry.user, entry.is_addition()) == (admin_user, True)


def test_changing_an_areas_name_keeps_its_boundary_and_place(admin_client, marzahn):
    before = Area.objects.get(pk=marzahn.north.pk)

    response = admin_client.post(
        area_change(marzahn.north), area_form(marzahn.north, name="Marzahn Nord-Ost")
    )

    assert response.status_code == 302
    after = Area.objects.get(pk=marzahn.north.pk)
    assert after.name == "Marzahn Nord-Ost"
    assert (after.boundary, after.area_m2, after.path) == (
        before.boundary,
        before.area_m2,
        before.path,
    )
