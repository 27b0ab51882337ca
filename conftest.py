"""Fixtures shared by all tests: factories and the personas of two Kommunen.

Marzahn-Hellersdorf and Pankow stand for two tenants of one installation. Each has a small
area hierarchy (Bezirksregion → Planungsraum) of square boundaries, far enough apart that a
point in one can never fall into the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import clear_url_caches
from django.utils import translation
from pytest_factoryboy import register

from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.areas.services import area_create, kommune_set_boundary
from tests import factories
from tests.factories import square

register(factories.KommuneFactory)
register(factories.AreaFactory)
register(factories.OrganizationFactory)
register(factories.ServiceFactory)
register(factories.LocationFactory)


@pytest.fixture
def english(settings):
    """Read messages in English, the language of the msgids, whatever the German wording.

    German is the default interface language; the catalogue tests check its completeness.
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
    # The resolver keeps the language prefix it was built with; the next test may differ.
    clear_url_caches()


@dataclass
class KommuneWithAreas:
    kommune: Kommune
    region: Area
    north: Area
    south: Area


def _kommune_with_areas(name: str, slug: str, lon: float, lat: float) -> KommuneWithAreas:
    """A Kommune whose boundary is a 0.02° square split into a north and a south Planungsraum."""
    kommune = Kommune.objects.create(name=name, slug=slug, kind=Kommune.Kind.DISTRICT)
    kommune_set_boundary(kommune=kommune, boundary=square(lon, lat, 0.02))
    region_level = AreaLevel.objects.create(kommune=kommune, name="Bezirksregion", depth=0)
    plr_level = AreaLevel.objects.create(kommune=kommune, name="Planungsraum", depth=1)
    region = area_create(
        kommune=kommune,
        level=region_level,
        code=f"{slug[:3]}-R",
        name=f"{name} Region",
        boundary=square(lon, lat, 0.02),
    )
    south = area_create(
        kommune=kommune,
        level=plr_level,
        parent=region,
        code=f"{slug[:3]}-S",
        name=f"{name} Süd",
        boundary={
            "type": "Polygon",
            "coordinates": [
                [
                    [lon, lat],
                    [lon + 0.02, lat],
                    [lon + 0.02, lat + 0.01],
                    [lon, lat + 0.01],
                    [lon, lat],
                ]
            ],
        },
    )
    north = area_create(
        kommune=kommune,
        level=plr_level,
        parent=region,
        code=f"{slug[:3]}-N",
        name=f"{name} Nord",
        boundary={
            "type": "Polygon",
            "coordinates": [
                [
                    [lon, lat + 0.01],
                    [lon + 0.02, lat + 0.01],
                    [lon + 0.02, lat + 0.02],
                    [lon, lat + 0.02],
                    [lon, lat + 0.01],
                ]
            ],
        },
    )
    return KommuneWithAreas(kommune=kommune, region=region, north=north, south=south)


@pytest.fixture
def marzahn(db) -> KommuneWithAreas:
    """Marzahn-Hellersdorf: boundary from 13.55°E 52.50°N."""
    return _kommune_with_areas("Marzahn-Hellersdorf", "marzahn-hellersdorf", 13.55, 52.50)


@pytest.fixture
def pankow(db) -> KommuneWithAreas:
    """Pankow: boundary from 13.40°E 52.57°N, well away from Marzahn-Hellersdorf."""
    return _kommune_with_areas("Pankow", "pankow", 13.40, 52.57)


@pytest.fixture(autouse=True)
def _fresh_search_vocabulary():
    """Search processes keep vocabularies by the id of their last row; rolled-back test
    transactions hand out the same ids again, so each test starts without them."""
    from lueckenlos.search.engine import forget_counts
    from lueckenlos.search.vocabulary import forget_vocabularies

    forget_vocabularies()
    forget_counts()
    yield
    forget_vocabularies()
    forget_counts()
