"""A small Kommune whose figures can be worked out by hand.

Teststadt lies near Berlin and is laid out in metres of EPSG:3035 (the census grid's CRS),
so that distances in the tests are plain arithmetic: three Planungsräume A, B, C, squares
of 1 km side by side from west to east, in two Bezirksregionen (West = A + B, East = C).

Population (age bands like Berlin's): A has 600 under-6s and 900 6-to-15-year-olds of 3,000
inhabitants, B 240 and 540 of 2,000, C 60 of 500 with its 6-to-15s withheld ("–"). So
infants (0–3) and preschool children (3–6) are A 300, B 120, C 30 each; primary-school
children (6–10, four ninths of 6–15) A 400, B 240, C unknown.

Offers (points at the centres of the squares unless said otherwise):
- Kita Sonnenschein in A: infant, preschool, education, youth welfare; 100 places;
  tagged with the transition Kita → primary school;
- Kita Regenbogen in B: infant, preschool, education; 60 places;
- Hebammenpraxis with locations in A and C: pregnancy, infant, health;
- Telefonberatung without location: infant, counselling;
- Grundschule am Feld in C (ages 6 to 12): primary, education;
- an inactive Kita in B, which counts nowhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
import shapely
from shapely.geometry import mapping

from lueckenlos.analysis import cache
from lueckenlos.areas.models import AgeBand, Area, AreaLevel, Kommune, PopulationCount
from lueckenlos.areas.services import area_create, kommune_set_boundary
from lueckenlos.catalogue.models import Service
from lueckenlos.lib.geo import transformer
from lueckenlos.monitoring.models import Indicator, IndicatorValue
from lueckenlos.search.indexing import indexing_deferred
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

X0 = 4_550_000
Y0 = 3_270_000
KM = 1000
POPULATION_DATE = dt.date(2022, 6, 30)
BANDS = [
    ("Gesamt", 0, None, True),
    ("unter6", 0, 72, False),
    ("6-15", 72, 180, False),
    ("15-18", 180, 216, False),
    ("18-27", 216, 324, False),
    ("27undmehr", 324, None, False),
]
# Inhabitants per Planungsraum and band; None: withheld by the statistics office.
FIGURES = {
    "A": {"Gesamt": 3000, "unter6": 600, "6-15": 900, "15-18": 150, "18-27": 300},
    "B": {"Gesamt": 2000, "unter6": 240, "6-15": 540, "15-18": 100, "18-27": 200},
    "C": {"Gesamt": 500, "unter6": 60, "6-15": None, "15-18": 20, "18-27": 50},
}


def wgs84(x: float, y: float) -> tuple[float, float]:
    lon, lat = transformer(3035, 4326).transform(x, y)
    return float(lon), float(lat)


def square(x: float, y: float, size: float) -> dict:
    """A square of `size` metres with its south-west corner at (x, y), as WGS84 GeoJSON."""
    return rectangle(x, y, size, size)


def rectangle(x: float, y: float, width: float, height: float) -> dict:
    corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height), (x, y)]
    return mapping(shapely.Polygon([wgs84(cx, cy) for cx, cy in corners]))


@dataclass
class Teststadt:
    kommune: Kommune
    region_level: AreaLevel
    plr_level: AreaLevel
    west: Area
    east: Area
    a: Area
    b: Area
    c: Area
    offers: dict[str, Service] = field(default_factory=dict)

    def place(self, name: str, x: float, y: float, area: Area | None, **service_fields):
        """An active offer with one location at (x, y) in EPSG:3035."""
        service = ServiceFactory(kommune=self.kommune, name=name, **service_fields)
        self.add_location(service, x, y, area)
        return service

    def add_location(self, service: Service, x: float, y: float, area: Area | None) -> None:
        lon, lat = wgs84(x, y)
        location = LocationFactory(kommune=self.kommune, latitude=lat, longitude=lon, area=area)
        ServiceAtLocationFactory(service=service, location=location)


def centre(column: int) -> tuple[float, float]:
    """The centre of the column-th square (0: A, 1: B, 2: C)."""
    return X0 + column * KM + KM / 2, Y0 + KM / 2


def build_teststadt() -> Teststadt:
    kommune = Kommune.objects.create(name="Teststadt", slug="teststadt", kind="city")
    kommune_set_boundary(kommune=kommune, boundary=rectangle(X0, Y0, 3 * KM, KM))
    region_level = AreaLevel.objects.create(kommune=kommune, name="Bezirksregion", depth=0)
    plr_level = AreaLevel.objects.create(kommune=kommune, name="Planungsraum", depth=1)
    west = area_create(
        kommune=kommune,
        level=region_level,
        code="R1",
        name="West",
        boundary=rectangle(X0, Y0, 2 * KM, KM),
    )
    east = area_create(
        kommune=kommune,
        level=region_level,
        code="R2",
        name="Ost",
        boundary=square(X0 + 2 * KM, Y0, KM),
    )
    a = area_create(
        kommune=kommune,
        level=plr_level,
        parent=west,
        code="A",
        name="Anger",
        boundary=square(X0, Y0, KM),
    )
    b = area_create(
        kommune=kommune,
        level=plr_level,
        parent=west,
        code="B",
        name="Bruch",
        boundary=square(X0 + KM, Y0, KM),
    )
    c = area_create(
        kommune=kommune,
        level=plr_level,
        parent=east,
        code="C",
        name="Cölln",
        boundary=square(X0 + 2 * KM, Y0, KM),
    )
    bands = {
        code: AgeBand.objects.create(
            kommune=kommune,
            code=code,
            label=code,
            min_age_months=low,
            max_age_months=high,
            is_total=total,
        )
        for code, low, high, total in BANDS
    }
    for area in (a, b, c):
        for code, count in FIGURES[area.code].items():
            PopulationCount.objects.create(
                area=area,
                age_band=bands[code],
                reference_date=POPULATION_DATE,
                count=count,
                missing_reason="" if count is not None else "geheim",
            )
    poverty = Indicator.objects.create(kommune=kommune, code="S4", name="Kinderarmut", unit="%")
    for area, value in ((a, 40.0), (b, 20.0), (c, None)):
        IndicatorValue.objects.create(
            indicator=poverty,
            area=area,
            reference_date=dt.date(2020, 12, 31),
            value=value,
            missing_reason="" if value is not None else "ungültig",
        )
    town = Teststadt(kommune, region_level, plr_level, west, east, a, b, c)
    town.offers["kita_a"] = town.place(
        "Kita Sonnenschein",
        *centre(0),
        a,
        capacity=100,
        terms=[
            "life_phase:infant",
            "life_phase:preschool",
            "field_of_action:education",
            "field_of_action:youth_welfare",
            "transition:kita_to_primary",
        ],
    )
    town.offers["kita_b"] = town.place(
        "Kita Regenbogen",
        *centre(1),
        b,
        capacity=60,
        terms=["life_phase:infant", "life_phase:preschool", "field_of_action:education"],
    )
    midwife = town.place(
        "Hebammenpraxis",
        *centre(0),
        a,
        terms=["life_phase:pregnancy", "life_phase:infant", "field_of_action:health"],
    )
    town.add_location(midwife, *centre(2), c)
    town.offers["midwife"] = midwife
    town.offers["phone"] = ServiceFactory(
        kommune=kommune,
        name="Telefonberatung",
        terms=["life_phase:infant", "field_of_action:counselling"],
    )
    town.offers["school"] = town.place(
        "Grundschule am Feld",
        *centre(2),
        c,
        min_age_months=72,
        max_age_months=144,
        terms=["life_phase:primary", "field_of_action:education"],
    )
    town.offers["inactive"] = town.place(
        "Kita Geschlossen",
        *centre(1),
        b,
        status=Service.Status.INACTIVE,
        capacity=500,
        terms=["life_phase:infant", "field_of_action:education"],
    )
    return town


@pytest.fixture
def teststadt(db) -> Teststadt:
    with indexing_deferred():  # one re-index at the end, not one per saved part
        return build_teststadt()


@pytest.fixture(autouse=True)
def _fresh_analysis_cache():
    """Rolled-back tests hand out the same ids and generations again: start each afresh."""
    from django.core.cache import cache as django_cache

    django_cache.clear()
    cache.forget()
    yield
    django_cache.clear()
    cache.forget()
