"""Fixtures for the public pages and the back office.

The tests read English: the strings in the code are English msgids and the German catalogue
arrives separately, so asserting English keeps these tests independent of its wording.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lueckenlos.areas.models import AgeBand, Kommune, PopulationCount
from lueckenlos.catalogue.models import Service
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

REFERENCE_DATE = dt.date(2023, 12, 31)


@pytest.fixture(autouse=True)
def _english(english):
    """Every test here reads English (the `english` fixture of the root conftest)."""


@pytest.fixture
def page_size(settings):
    settings.PORTAL_PAGE_SIZE = 25
    return 25


def add_offers(persona, count: int, *, prefix: str = "Angebot", **kwargs) -> list[Service]:
    """Active offers of the persona's Kommune, each at a location in its northern area."""
    offers = []
    for number in range(count):
        offer = ServiceFactory(
            kommune=persona.kommune,
            name=f"{prefix} {number:02d}",
            terms=["life_phase:preschool"],
            **kwargs,
        )
        location = LocationFactory(
            kommune=persona.kommune,
            address_1=f"Teststraße {number}",
            postal_code="12345",
            area=persona.north,
        )
        ServiceAtLocationFactory(service=offer, location=location)
        offers.append(offer)
    return offers


def add_population(persona) -> dict[str, AgeBand]:
    """Under-6 and total figures for the persona's areas; the south's under-6 is withheld."""
    under_6 = AgeBand.objects.create(
        kommune=persona.kommune, code="u6", label="under 6", min_age_months=0, max_age_months=72
    )
    total = AgeBand.objects.create(
        kommune=persona.kommune, code="total", label="everyone", is_total=True
    )
    figures = {
        persona.region: {under_6: 1234, total: 20456},
        persona.north: {under_6: 1200, total: 12000},
        persona.south: {under_6: None, total: 8456},
    }
    for area, by_band in figures.items():
        for band, count in by_band.items():
            PopulationCount.objects.create(
                area=area,
                age_band=band,
                reference_date=REFERENCE_DATE,
                count=count,
                missing_reason="fewer than 3" if count is None else "",
            )
        # An older figure that must not show: the page shows the latest reference date.
        PopulationCount.objects.create(
            area=area, age_band=total, reference_date=dt.date(2020, 12, 31), count=777
        )
    return {"under_6": under_6, "total": total}


@pytest.fixture
def berlin(db, marzahn, pankow) -> Kommune:
    """Berlin, which owns nothing itself and contains the two Bezirke."""
    berlin = Kommune.objects.create(name="Berlin", slug="berlin", kind=Kommune.Kind.CITY)
    Kommune.objects.filter(pk__in=[marzahn.kommune.pk, pankow.kommune.pk]).update(parent=berlin)
    return berlin
