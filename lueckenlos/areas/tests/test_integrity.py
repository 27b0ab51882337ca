"""Records never mix Kommunen, and area codes stay usable as path segments."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lueckenlos.areas.models import AgeBand, Area, AreaLevel, PopulationCount
from lueckenlos.areas.services import area_create
from lueckenlos.catalogue.models import Location, Schedule
from lueckenlos.monitoring.models import Indicator, IndicatorValue
from tests.factories import square

pytestmark = pytest.mark.usefixtures("english")


def test_a_population_count_cannot_use_another_kommunes_age_band(marzahn, pankow):
    band = AgeBand.objects.create(
        kommune=pankow.kommune, code="u6", label="unter 6", max_age_months=72
    )
    count = PopulationCount(area=marzahn.north, age_band=band, reference_date=dt.date(2022, 6, 30))
    with pytest.raises(ValidationError, match="another Kommune"):
        count.full_clean()


def test_an_indicator_value_cannot_describe_another_kommunes_area(marzahn, pankow):
    indicator = Indicator.objects.create(kommune=pankow.kommune, code="S4", name="Kinderarmut")
    value = IndicatorValue(
        indicator=indicator, area=marzahn.north, reference_date=dt.date(2020, 12, 31)
    )
    with pytest.raises(ValidationError, match="another Kommune"):
        value.full_clean()


def test_a_location_cannot_belong_to_another_kommunes_provider(
    marzahn, pankow, organization_factory
):
    location = Location(
        kommune=marzahn.kommune, organization=organization_factory(kommune=pankow.kommune), name="X"
    )
    with pytest.raises(ValidationError, match="another Kommune"):
        location.full_clean()


def test_opening_hours_cannot_be_at_another_kommunes_location(
    marzahn, pankow, service_factory, location_factory
):
    schedule = Schedule(
        service=service_factory(kommune=marzahn.kommune),
        location=location_factory(kommune=pankow.kommune),
        kind=Schedule.Kind.REGULAR,
        weekday="MO",
        opens_at=dt.time(9),
        closes_at=dt.time(12),
    )
    with pytest.raises(ValidationError, match="another Kommune"):
        schedule.full_clean()


def test_an_area_code_cannot_contain_a_slash(marzahn):
    with pytest.raises(ValidationError) as excinfo:
        area_create(
            kommune=marzahn.kommune, level=marzahn.region.level, code="01/02", name="Schräg"
        )
    assert "code" in excinfo.value.message_dict


def test_area_codes_are_unique_also_without_a_vintage(marzahn):
    # The personas' areas carry no vintage; NULLs would slip through a plain unique constraint.
    with pytest.raises(ValidationError, match="already has an area with this code"):
        area_create(
            kommune=marzahn.kommune,
            level=marzahn.region.level,
            code=marzahn.region.code,
            name="Doppelt",
        )


def test_everything_inside_an_area_keeps_to_its_vintage(db, kommune_factory):
    kommune = kommune_factory()
    level = AreaLevel.objects.create(kommune=kommune, name="Bezirksregion", depth=0)
    child_level = AreaLevel.objects.create(kommune=kommune, name="Planungsraum", depth=1)
    old = area_create(
        kommune=kommune,
        level=level,
        code="R1",
        name="Alt",
        boundary=square(13.4, 52.5),
        valid_from=dt.date(2006, 1, 1),
        valid_to=dt.date(2020, 12, 31),
    )
    new = area_create(
        kommune=kommune,
        level=level,
        code="R1",
        name="Neu",
        boundary=square(13.4, 52.5),
        valid_from=dt.date(2021, 1, 1),
    )
    area_create(
        kommune=kommune,
        level=child_level,
        parent=old,
        code="P1",
        name="Alt P1",
        valid_from=dt.date(2006, 1, 1),
        valid_to=dt.date(2020, 12, 31),
    )
    area_create(
        kommune=kommune,
        level=child_level,
        parent=new,
        code="P1",
        name="Neu P1",
        valid_from=dt.date(2021, 1, 1),
    )

    # Both vintages share the path "R1/": only the vintage tells them apart.
    assert {a.name for a in Area.objects.within(new)} == {"Neu", "Neu P1"}
    assert {a.name for a in Area.objects.within(old)} == {"Alt", "Alt P1"}
