"""factory_boy factories for the models, registered as pytest fixtures in conftest.py."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from lueckenlos.areas.models import AgeBand, Area, AreaLevel, Kommune, PopulationCount
from lueckenlos.catalogue.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    """A square GeoJSON polygon with its south-west corner at (lon, lat)."""
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon, lat],
                [lon + size, lat],
                [lon + size, lat + size],
                [lon, lat + size],
                [lon, lat],
            ]
        ],
    }


class KommuneFactory(DjangoModelFactory):
    class Meta:
        model = Kommune
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kommune {n}")
    slug = factory.Sequence(lambda n: f"kommune-{n}")
    kind = Kommune.Kind.DISTRICT


class AreaLevelFactory(DjangoModelFactory):
    class Meta:
        model = AreaLevel

    kommune = factory.SubFactory(KommuneFactory)
    name = factory.Sequence(lambda n: f"Ebene {n}")
    depth = 0


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    kommune = factory.SubFactory(KommuneFactory)
    level = factory.LazyAttribute(
        lambda o: AreaLevel.objects.get_or_create(
            kommune=o.kommune, depth=0, defaults={"name": "Stadtteil"}
        )[0]
    )
    code = factory.Sequence(lambda n: f"A{n:04d}")
    name = factory.Sequence(lambda n: f"Gebiet {n}")
    path = factory.LazyAttribute(lambda o: f"{o.parent.path if o.parent else ''}{o.code}/")
    parent = None


class AgeBandFactory(DjangoModelFactory):
    class Meta:
        model = AgeBand

    kommune = factory.SubFactory(KommuneFactory)
    code = "unter6"
    label = "unter 6 Jahre"
    min_age_months = 0
    max_age_months = 72


class PopulationCountFactory(DjangoModelFactory):
    class Meta:
        model = PopulationCount

    area = factory.SubFactory(AreaFactory)
    age_band = factory.SubFactory(AgeBandFactory, kommune=factory.SelfAttribute("..area.kommune"))
    reference_date = dt.date(2022, 6, 30)
    count = 100


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    kommune = factory.SubFactory(KommuneFactory)
    name = factory.Sequence(lambda n: f"Träger {n}")


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    kommune = factory.SubFactory(KommuneFactory)
    organization = factory.SubFactory(
        OrganizationFactory, kommune=factory.SelfAttribute("..kommune")
    )
    name = factory.Sequence(lambda n: f"Angebot {n}")
    status = Service.Status.ACTIVE

    @factory.post_generation
    def terms(self, create, extracted, **kwargs):
        """ServiceFactory(terms=["life_phase:preschool", "field_of_action:education"])."""
        if not create or not extracted:
            return
        for ref in extracted:
            taxonomy, code = ref.split(":")
            self.terms.add(TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=code))


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    kommune = factory.SubFactory(KommuneFactory)
    name = factory.Sequence(lambda n: f"Standort {n}")
    address_1 = "Musterstraße 1"
    postal_code = "12345"
    city = "Berlin"


class ServiceAtLocationFactory(DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(
        LocationFactory, kommune=factory.SelfAttribute("..service.kommune")
    )
