"""Area hierarchies: paths, boundaries, vintages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lueckenlos.areas.models import Area, AreaLevel
from lueckenlos.areas.services import area_create
from tests.factories import square

# Assertions read the English msgids; German wording is the catalogue's business.
pytestmark = pytest.mark.usefixtures("english")


def test_an_area_knows_everything_inside_it(marzahn):
    inside = set(Area.objects.within(marzahn.region).values_list("name", flat=True))
    assert inside == {
        "Marzahn-Hellersdorf Region",
        "Marzahn-Hellersdorf Nord",
        "Marzahn-Hellersdorf Süd",
    }
    assert list(Area.objects.within(marzahn.north)) == [marzahn.north]


def test_boundary_is_stored_with_its_bounding_box_and_metric_area(marzahn):
    region = marzahn.region
    assert (region.min_lon, region.min_lat) == pytest.approx((13.55, 52.50))
    assert (region.max_lon, region.max_lat) == pytest.approx((13.57, 52.52))
    # 0.02° × 0.02° at 52.5°N: about 1.36 km × 2.22 km.
    assert region.area_m2 == pytest.approx(1357 * 2224, rel=0.01)


def test_a_parent_area_must_be_on_a_higher_level(marzahn):
    with pytest.raises(ValidationError, match="higher level"):
        area_create(
            kommune=marzahn.kommune,
            level=marzahn.region.level,
            parent=marzahn.north,
            code="X",
            name="Falsch",
        )


def test_an_area_cannot_hang_below_another_kommunes_area(marzahn, pankow):
    with pytest.raises(ValidationError, match="another Kommune"):
        area_create(
            kommune=pankow.kommune,
            level=AreaLevel.objects.get(kommune=pankow.kommune, depth=1),
            parent=marzahn.region,
            code="X",
            name="Falsch",
        )


def test_a_boundary_must_be_a_polygon(marzahn):
    with pytest.raises(ValidationError, match="polygon"):
        area_create(
            kommune=marzahn.kommune,
            level=marzahn.region.level,
            code="P",
            name="Punkt",
            boundary={"type": "Point", "coordinates": [13.5, 52.5]},
        )


def test_vintages_select_the_areas_valid_on_a_day(marzahn):
    level = marzahn.region.level
    area_create(
        kommune=marzahn.kommune,
        level=level,
        code="OLD",
        name="Alt",
        boundary=square(13.55, 52.50),
        valid_to=dt.date(2020, 12, 31),
    )
    valid_2019 = set(
        Area.objects.for_kommune(marzahn.kommune).filter(level=level).valid_on(dt.date(2019, 1, 1))
    )
    valid_2022 = set(
        Area.objects.for_kommune(marzahn.kommune).filter(level=level).valid_on(dt.date(2022, 1, 1))
    )
    assert {a.code for a in valid_2019} == {"OLD", marzahn.region.code}
    assert {a.code for a in valid_2022} == {marzahn.region.code}


def test_a_vintage_must_not_end_before_it_starts(marzahn):
    with pytest.raises(ValidationError):
        area_create(
            kommune=marzahn.kommune,
            level=marzahn.region.level,
            code="Z",
            name="Zeit",
            valid_from=dt.date(2022, 1, 1),
            valid_to=dt.date(2021, 1, 1),
        )
