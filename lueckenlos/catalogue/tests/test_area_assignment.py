"""Locations are placed in their Kommune's smallest area from their coordinates."""

import pytest
from django.core.exceptions import ValidationError

from lueckenlos.areas.services import area_set_boundary
from lueckenlos.catalogue.models import Location
from lueckenlos.catalogue.services import location_save, locations_place_in_areas

# Assertions read the English msgids; German wording is the catalogue's business.
pytestmark = pytest.mark.usefixtures("english")


def test_a_location_lands_in_the_smallest_area_containing_it(marzahn):
    location = Location(kommune=marzahn.kommune, name="Kita", longitude=13.555, latitude=52.515)

    warnings = location_save(location=location)

    location.refresh_from_db()
    # North Planungsraum, not the Bezirksregion that contains it too.
    assert location.area == marzahn.north
    assert warnings == []


def test_the_southern_half_goes_to_the_southern_area(marzahn):
    location = Location(kommune=marzahn.kommune, name="Kita", longitude=13.565, latitude=52.505)
    location_save(location=location)
    assert location.area == marzahn.south


def test_a_location_in_the_kommune_but_outside_every_area_gets_a_warning(marzahn):
    # Shrink the region and its parts to the western half, leaving the east uncovered.
    for area in (marzahn.region, marzahn.north, marzahn.south):
        coords = area.boundary["coordinates"][0]
        west = min(x for x, _ in coords)
        south = min(y for _, y in coords)
        north = max(y for _, y in coords)
        area_set_boundary(
            area=area,
            boundary={
                "type": "Polygon",
                "coordinates": [
                    [
                        [west, south],
                        [west + 0.005, south],
                        [west + 0.005, north],
                        [west, north],
                        [west, south],
                    ]
                ],
            },
        )
    location = Location(
        kommune=marzahn.kommune, name="Spielplatz", longitude=13.565, latitude=52.505
    )

    warnings = location_save(location=location)

    assert location.area is None
    assert location.is_outside_areas
    assert len(warnings) == 1
    assert "Spielplatz" in warnings[0]
    assert "Marzahn-Hellersdorf" in warnings[0]


def test_coordinates_outside_the_kommune_are_rejected_with_a_reason(marzahn):
    # A point in Pankow's part of Berlin is not Marzahn-Hellersdorf's.
    location = Location(kommune=marzahn.kommune, name="Kita", longitude=13.41, latitude=52.58)

    with pytest.raises(ValidationError) as excinfo:
        location_save(location=location)

    assert "outside Marzahn-Hellersdorf" in str(excinfo.value)
    assert not Location.objects.exists()


def test_coordinates_that_are_not_in_germany_are_rejected(marzahn):
    # The HSDS example's latitude 100 / longitude 101.
    location = Location(kommune=marzahn.kommune, name="Kita", longitude=101, latitude=100)
    with pytest.raises(ValidationError, match="not WGS84"):
        location_save(location=location)


def test_a_location_without_coordinates_has_no_area_and_no_warning(marzahn):
    location = Location(kommune=marzahn.kommune, name="Beratung am Telefon")
    assert location_save(location=location) == []
    assert location.area is None
    assert not location.is_outside_areas


def test_placing_again_follows_changed_boundaries(marzahn, pankow):
    location = Location(kommune=marzahn.kommune, name="Kita", longitude=13.555, latitude=52.515)
    location_save(location=location)
    # Swap the two Planungsräume' boundaries: the location now lies in "Süd".
    north_boundary, south_boundary = marzahn.north.boundary, marzahn.south.boundary
    area_set_boundary(area=marzahn.north, boundary=south_boundary)
    area_set_boundary(area=marzahn.south, boundary=north_boundary)

    warnings = locations_place_in_areas(kommune=marzahn.kommune)

    location.refresh_from_db()
    assert location.area == marzahn.south
    assert warnings == []


def test_areas_of_another_kommune_are_never_assigned(marzahn, pankow):
    # Pankow has no boundary check here, so only its own (distant) areas could match.
    pankow.kommune.boundary = None
    pankow.kommune.save()
    location = Location(kommune=pankow.kommune, name="Kita", longitude=13.555, latitude=52.515)

    warnings = location_save(location=location)

    # The point lies in Marzahn's area, but a Pankow location must not be placed there.
    assert location.area is None
    assert len(warnings) == 1
