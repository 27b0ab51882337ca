"""The whole Berlin demo, loaded once for this module and rolled back afterwards."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum

from lueckenlos.areas.models import Area, Kommune, PopulationCount
from lueckenlos.catalogue.models import Location, Organization, Schedule, Service
from lueckenlos.demo.loader import DEFAULT_DATA_DIR, load_demo
from lueckenlos.lib.geo import geometry_from_geojson
from lueckenlos.monitoring.models import IndicatorValue

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

BEZIRKE = {
    "01": "mitte",
    "02": "friedrichshain-kreuzberg",
    "03": "pankow",
    "04": "charlottenburg-wilmersdorf",
    "05": "spandau",
    "06": "steglitz-zehlendorf",
    "07": "tempelhof-schoeneberg",
    "08": "neukoelln",
    "09": "treptow-koepenick",
    "10": "marzahn-hellersdorf",
    "11": "lichtenberg",
    "12": "reinickendorf",
}


@pytest.fixture(scope="module", autouse=True)
def berlin(django_db_setup, django_db_blocker):
    """Load once (about 15 s); each test runs in a savepoint inside this transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = load_demo()
        # Check the deferred foreign keys once, here: left pending, PostgreSQL would check
        # them again at the end of every test's savepoint (2 s each).
        connection.check_constraints()
        yield report
        transaction.set_rollback(True)


def test_berlin_contains_the_twelve_bezirke():
    berlin = Kommune.objects.get(slug="berlin")
    bezirke = Kommune.objects.filter(parent=berlin)
    assert bezirke.count() == 12
    assert dict(bezirke.values_list("official_code", "slug")) == BEZIRKE
    assert set(bezirke.values_list("kind", flat=True)) == {Kommune.Kind.DISTRICT}
    mitte = bezirke.get(slug="mitte")
    assert mitte.name == "Mitte"
    assert mitte.youth_office == "Jugendamt Mitte"
    assert mitte.boundary["type"] == "MultiPolygon"
    assert not bezirke.filter(boundary__isnull=True).exists()


def test_the_lor_hierarchy_is_complete():
    levels = Area.objects.values("level__name").annotate(n=Count("id"))
    assert {row["level__name"]: row["n"] for row in levels} == {
        "Prognoseraum": 58,
        "Bezirksregion": 143,
        "Planungsraum": 542,
    }
    plr = Area.objects.select_related("parent__parent", "kommune").get(code="01100101")
    assert plr.name == "Stülerstraße"
    assert plr.path == "0110/011001/01100101/"
    assert plr.parent.name == "Tiergarten Süd"
    assert plr.parent.parent.name == "Zentrum"
    assert plr.kommune.slug == "mitte"
    # The LOR file gives 366,933 m²; our boundary, rounded to 10 cm, agrees within 0.1 %.
    assert plr.area_m2 == pytest.approx(366_933, rel=1e-3)


def test_a_prognoseraum_is_the_union_of_its_bezirksregionen():
    zentrum = Area.objects.get(code="0110")
    parts = Area.objects.filter(parent=zentrum).aggregate(total=Sum("area_m2"))["total"]
    assert zentrum.area_m2 == pytest.approx(parts, rel=1e-3)


def test_population_is_stored_with_suppressed_values_missing():
    counts = dict(
        PopulationCount.objects.filter(area__code="01100101").values_list("age_band__code", "count")
    )
    assert counts["Gesamt"] == 3503
    assert counts["unter6"] == 169
    # 03400831 has too few inhabitants: every cell is "–", stored as missing, never 0.
    withheld = PopulationCount.objects.get(area__code="03400831", age_band__code="Gesamt")
    assert withheld.count is None
    assert withheld.missing_reason
    assert PopulationCount.objects.filter(count__isnull=True).count() == 26
    assert PopulationCount.objects.count() == 542 * 9


def test_mss_indicators_keep_the_raw_values():
    s4 = IndicatorValue.objects.select_related("indicator").get(
        area__code="01100101", indicator__code="S4", reference_date="2020-12-31"
    )
    assert s4.value == pytest.approx(19.39799)
    assert s4.indicator.name == "Kinderarmut"
    assert s4.indicator.unit == "%"
    assert str(s4.reference_date) == "2020-12-31"
    invalid = IndicatorValue.objects.get(
        area__code="03300515", indicator__code="S4", reference_date="2020-12-31"
    )
    assert invalid.value is None
    assert invalid.missing_reason == "zu wenige Einwohner"


def test_mss_indicators_are_defined_for_the_atlas_with_derived_earlier_values():
    from lueckenlos.monitoring.models import Indicator
    from lueckenlos.monitoring.services import STANDARD_INDICATORS

    s4 = Indicator.objects.select_related("area_level").get(kommune__slug="mitte", code="S4")
    assert (s4.area_level.name, s4.higher_is_better, s4.is_public) == ("Planungsraum", False, True)
    assert "errechnet aus S4 − D4" in s4.source
    assert Indicator.objects.get(kommune__slug="mitte", code="D4").higher_is_better is False
    assert Indicator.objects.get(kommune__slug="mitte", code="KI_05").higher_is_better is None
    # S4 two years earlier is S4 − D4 (D4: the change in percentage points): 19.39799 − 3.96175.
    earlier = IndicatorValue.objects.get(
        area__code="01100101", indicator__code="S4", reference_date="2018-12-31"
    )
    assert earlier.value == pytest.approx(15.43624)
    invalid = IndicatorValue.objects.get(
        area__code="03300515", indicator__code="S4", reference_date="2018-12-31"
    )
    assert (invalid.value, invalid.missing_reason) == (None, "zu wenige Einwohner")
    assert not IndicatorValue.objects.filter(indicator__code="KI_01", reference_date="2018-12-31")
    # Each Bezirk has the standard indicators of the prevention chain too (without values).
    standard = {d.code for d in STANDARD_INDICATORS}
    seeded = Indicator.objects.filter(code__in=standard, area_level__name="Planungsraum")
    assert seeded.count() == 12 * len(standard)


def test_every_kita_youth_centre_and_school_is_loaded():
    real = Service.objects.filter(is_example=False)
    assert real.filter(external_id__startswith="kita:").count() == 2880
    assert real.filter(external_id__startswith="jfe:").count() == 407
    assert real.filter(external_id__startswith="schule:").count() == 902
    kitas = real.filter(external_id__startswith="kita:")
    # Four Kitas publish 0 places, which we read as "unknown".
    assert kitas.filter(capacity__isnull=False).count() == 2876
    published = sum(
        int(p["properties"]["e_platz"])
        for p in json.loads(
            (DEFAULT_DATA_DIR / "raw/kindertagesstaetten.geojson").read_text(encoding="utf-8")
        )["features"]
    )
    assert kitas.aggregate(places=Sum("capacity"))["places"] == published
    # Every real offer is classified by life phase and field of action.
    for taxonomy in ("life_phase", "field_of_action"):
        assert not real.exclude(terms__taxonomy__code=taxonomy).exists()


def test_every_real_location_lies_in_a_planungsraum_of_its_own_bezirk():
    real = Location.objects.filter(services__is_example=False)
    assert real.count() == 4189
    placed = real.filter(area__isnull=False)
    assert not placed.exclude(area__kommune=F("kommune")).exists()
    assert not placed.exclude(area__level__name="Planungsraum").exists()
    # Two sites lie just beyond their district's border (141 m and 89 m): kept in the
    # Bezirk their data names, flagged as outside its areas for the coordinator.
    assert set(real.filter(area__isnull=True).values_list("external_id", flat=True)) == {
        "kita:02051140",
        "schule:08K09",
    }


def test_locations_are_reprojected_to_wgs84():
    # Kita F.A.I.R.play, Albrechtstr. 20, published at 390387.4 / 5820383.1 (EPSG:25833):
    # UTM zone 33 on GRS80 gives 13.38439 °E, 52.52252 °N, and the point must lie in the
    # Planungsraum that the (WGS84) LOR file draws around Albrechtstraße.
    location = Location.objects.get(external_id="kita:01010010")
    assert location.longitude == pytest.approx(13.38439, abs=1e-5)
    assert location.latitude == pytest.approx(52.52252, abs=1e-5)
    assert location.address_1 == "Albrechtstr. 20"
    assert location.area.name == "Charitéviertel"


def test_example_offers_are_marked_and_placed_without_an_address():
    examples = Service.objects.filter(is_example=True)
    assert examples.count() == 12 * 5
    assert not examples.exclude(name__endswith="(Beispiel)").exists()
    assert not examples.exclude(description__startswith="Erfundenes Beispiel").exists()
    assert not examples.filter(organization__is_example=False).exists()
    assert Organization.objects.filter(is_example=True).count() == 12
    for service in examples.prefetch_related("locations__area", "languages", "cost_options"):
        (location,) = service.locations.all()
        assert location.address_1 == ""
        assert location.area.kommune_id == service.kommune_id
        assert geometry_from_geojson(location.kommune.boundary).contains(
            geometry_from_geojson(
                {"type": "Point", "coordinates": [location.longitude, location.latitude]}
            )
        )
        assert "de" in {language.code for language in service.languages.all()}
        assert service.cost_options.exists()
    assert Schedule.objects.filter(service__is_example=True, kind=Schedule.Kind.EVENT).count() == 12
    assert examples.filter(
        Q(name__startswith="Familienzentrum"), schedules__kind=Schedule.Kind.REGULAR
    ).exists()
