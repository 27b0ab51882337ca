"""area_save validates and saves the very area it is given, as the back office builds it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lueckenlos.areas.models import Area
from lueckenlos.areas.services import area_save
from tests.factories import square

# Assertions read the English msgids; German wording is the catalogue's business.
pytestmark = pytest.mark.usefixtures("english")


def test_a_new_area_is_saved_as_given_with_its_path_below_its_parent(marzahn):
    area = Area(
        kommune=marzahn.kommune,
        level=marzahn.north.level,
        parent=marzahn.region,
        code="mar-W",
        name="Marzahn West",
        boundary=square(13.55, 52.50, 0.005),
    )

    saved = area_save(area=area)

    # The same object, saved: callers such as the admin go on with it.
    assert saved is area
    assert area.pk is not None
    assert not area._state.adding
    stored = Area.objects.get(pk=area.pk)
    assert stored.path == f"{marzahn.region.path}mar-W/"
    assert (stored.min_lon, stored.max_lat) == pytest.approx((13.55, 52.505))
    assert stored.area_m2 == pytest.approx(340 * 556, rel=0.02)


def test_an_invalid_area_is_refused_and_not_saved(marzahn):
    area = Area(
        kommune=marzahn.kommune,
        level=marzahn.region.level,  # the parent's own level
        parent=marzahn.region,
        code="X",
        name="Falsch",
    )

    with pytest.raises(ValidationError, match="higher level"):
        area_save(area=area)

    assert area.pk is None
    assert not Area.objects.filter(code="X").exists()


def test_an_area_loaded_without_its_boundary_keeps_it(marzahn):
    before = Area.objects.get(pk=marzahn.north.pk)
    # As the back office loads an area: the boundary deferred.
    area = Area.objects.defer("boundary").get(pk=marzahn.north.pk)
    area.name = "Marzahn Nord (neu)"
    area.valid_to = dt.date(2030, 12, 31)

    area_save(area=area)

    stored = Area.objects.get(pk=marzahn.north.pk)
    assert stored.name == "Marzahn Nord (neu)"
    assert stored.boundary == before.boundary
    assert stored.area_m2 == before.area_m2
