"""How the loader reads the messy parts of real data, and its bulk area creation."""

from __future__ import annotations

import pytest

from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.areas.services import area_create, areas_bulk_create
from lueckenlos.demo.kommunen import bezirk_slug
from lueckenlos.demo.offers import OffersReport, phone_numbers, website
from tests.factories import square


@pytest.mark.parametrize(
    ("published", "numbers"),
    [
        # Kitas often leave out Berlin's area code.
        ("281 64 73", ["030 281 64 73"]),
        ("030/ 4490741", ["030/ 4490741"]),
        ("+49 30 398840", ["+49 30 398840"]),
        # Two numbers in one field, with the invisible marks copy-and-paste leaves.
        (" 030-92379815  / 0173-7148545", ["030-92379815", "0173-7148545"]),
        ("7065351, 91452293", ["030 7065351", "030 91452293"]),
        ("\u202d030 40756202\u202c", ["030 40756202"]),
        ("tba", []),
        ("", []),
    ],
)
def test_phone_numbers(published, numbers):
    assert phone_numbers(published) == numbers


def test_websites_get_a_scheme_and_broken_ones_are_left_out_with_a_note():
    report = OffersReport()
    assert website("www.kita-nazar.de", report, "here") == "http://www.kita-nazar.de"
    assert website("https://example.org/", report, "here") == "https://example.org/"
    assert website("nicht vorhanden", report, "raw/x.geojson features[1]") == ""
    assert report.dropped_values == ["raw/x.geojson features[1]: website 'nicht vorhanden'"]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Mitte", "mitte"),
        ("Friedrichshain-Kreuzberg", "friedrichshain-kreuzberg"),
        ("Tempelhof-Schöneberg", "tempelhof-schoeneberg"),
        ("Neukölln", "neukoelln"),
        ("Treptow-Köpenick", "treptow-koepenick"),
    ],
)
def test_bezirk_slugs_spell_out_umlauts_as_berlin_does(name, slug):
    assert bezirk_slug(name) == slug


@pytest.mark.django_db
def test_bulk_created_areas_equal_those_of_area_create():
    # The demo creates its 743 areas in bulk; they must be what area_create would make.
    kommune = Kommune.objects.create(name="Testbezirk", slug="test", kind="district")
    top = AreaLevel.objects.create(kommune=kommune, name="Region", depth=0)
    low = AreaLevel.objects.create(kommune=kommune, name="Raum", depth=1)
    one = area_create(kommune=kommune, level=top, code="A", name="A", boundary=square(13.4, 52.5))
    child = area_create(
        kommune=kommune,
        level=low,
        code="A1",
        name="A1",
        parent=one,
        boundary=square(13.4, 52.5, 0.005),
    )
    (bulk,) = areas_bulk_create(
        areas=[
            Area(
                kommune=kommune,
                level=low,
                code="A2",
                name="A2",
                parent=one,
                boundary=square(13.4, 52.5, 0.005),
            )
        ]
    )
    bulk.refresh_from_db()
    child.refresh_from_db()
    assert bulk.path == "A/A2/"
    for field in ("boundary", "min_lon", "min_lat", "max_lon", "max_lat", "area_m2"):
        assert getattr(bulk, field) == getattr(child, field), field
