"""A location may lie a little outside its Kommune's boundary, as real sites on the border do.

Marzahn-Hellersdorf's boundary runs along 13.57°E; at 52.51°N 0.001° of longitude is about
68 m, so 13.5715°E lies about 100 m outside, 13.574°E about 270 m, 13.58°E about 680 m.
"""

import pytest
from django.core.exceptions import ValidationError

from lueckenlos.catalogue.models import Location
from lueckenlos.catalogue.services import location_save
from lueckenlos.lib.geo import BOUNDARY_TOLERANCE_M

# Assertions read the English msgids; German wording is the catalogue's business.
pytestmark = pytest.mark.usefixtures("english")


def test_the_tolerance_is_the_shared_one():
    # The tests below place their points around 250 m; they need to change with it.
    assert BOUNDARY_TOLERANCE_M == 250


def test_a_point_within_the_tolerance_is_saved_in_no_area_with_a_warning(marzahn):
    location = Location(
        kommune=marzahn.kommune, name="Kita Hausburg", longitude=13.5715, latitude=52.51
    )

    warnings = location_save(location=location)

    location.refresh_from_db()
    assert location.area is None
    assert len(warnings) == 1
    assert "lies outside every area of Marzahn-Hellersdorf" in warnings[0]


def test_a_point_just_within_the_tolerance_is_accepted(marzahn):
    # About 244 m out.
    location = Location(kommune=marzahn.kommune, name="Schule", longitude=13.5736, latitude=52.51)

    location_save(location=location)

    assert Location.objects.filter(name="Schule").exists()


def test_a_point_just_beyond_the_tolerance_is_refused(marzahn):
    # About 272 m out.
    location = Location(kommune=marzahn.kommune, name="Schule", longitude=13.574, latitude=52.51)

    with pytest.raises(ValidationError) as excinfo:
        location_save(location=location)

    assert "lie 272 m outside Marzahn-Hellersdorf" in excinfo.value.message_dict["latitude"][0]
    assert not Location.objects.exists()


def test_the_refusal_names_the_distance_and_the_tolerance(marzahn):
    location = Location(kommune=marzahn.kommune, name="Kita", longitude=13.58, latitude=52.51)

    with pytest.raises(ValidationError) as excinfo:
        location_save(location=location)

    assert excinfo.value.message_dict["latitude"] == [
        "Longitude 13.58000, latitude 52.51000 lie 679 m outside Marzahn-Hellersdorf; "
        "up to 250 m outside are accepted."
    ]


def test_a_kommune_without_a_boundary_accepts_any_point_in_germany(marzahn):
    marzahn.kommune.boundary = None
    marzahn.kommune.save()
    location = Location(kommune=marzahn.kommune, name="Kita", longitude=13.58, latitude=52.51)

    location_save(location=location)

    assert location.pk is not None
    assert location.area is None
