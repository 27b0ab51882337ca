"""Placing a Kommune's locations again after its boundaries changed reads its boundary once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lueckenlos.catalogue.models import Location
from lueckenlos.catalogue.services import locations_place_in_areas

# Assertions read the English msgids; German wording is the catalogue's business.
pytestmark = pytest.mark.usefixtures("english")


def add_locations(persona, count: int, *, lon: float, lat: float) -> None:
    Location.objects.bulk_create(
        Location(kommune=persona.kommune, name=f"Standort {n}", longitude=lon, latitude=lat)
        for n in range(count)
    )


def test_the_kommune_is_not_read_once_per_location(marzahn):
    # Outside every area (the areas cover 13.55–13.57°E), so each gets a warning naming the
    # Kommune: the case where the Kommune of every location is needed.
    add_locations(marzahn, 5, lon=13.60, lat=52.51)

    with CaptureQueriesContext(connection) as queries:
        warnings = locations_place_in_areas(kommune=marzahn.kommune)

    assert len(warnings) == 5
    assert all("outside every area of Marzahn-Hellersdorf" in text for text in warnings)
    # Neither joined nor fetched per location: the Kommune's boundary is the largest value
    # of the whole database (1.7 s for Pankow's 1,500 locations when it was joined).
    assert not [q["sql"] for q in queries if "areas_kommune" in q["sql"]]


def test_the_number_of_queries_does_not_grow_with_the_locations(marzahn):
    add_locations(marzahn, 1, lon=13.555, lat=52.515)
    with CaptureQueriesContext(connection) as few:
        locations_place_in_areas(kommune=marzahn.kommune)
    add_locations(marzahn, 20, lon=13.60, lat=52.51)

    with CaptureQueriesContext(connection) as many:
        locations_place_in_areas(kommune=marzahn.kommune)

    assert len(many) == len(few)
    assert Location.objects.filter(area=marzahn.north).count() == 1
